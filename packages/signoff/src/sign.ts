import { type DsseEnvelope, IN_TOTO_PAYLOAD_TYPE, pae } from "./dsse.js";
import type { Signer } from "./keys.js";
import type { Statement, Subject } from "./statement.js";

function serialize(statement: Statement): Buffer {
  return Buffer.from(JSON.stringify(statement), "utf8");
}

/** A DSSE envelope over the statement, signed by `signer`. */
export function signStatement(statement: Statement, signer: Signer): DsseEnvelope {
  const body = serialize(statement);
  const signature = signer.sign(pae(IN_TOTO_PAYLOAD_TYPE, body));
  return {
    payloadType: IN_TOTO_PAYLOAD_TYPE,
    payload: body.toString("base64"),
    signatures: [{ keyid: signer.keyid, sig: Buffer.from(signature).toString("base64") }],
  };
}

/** The same envelope with no signature at all: verify always rejects it. */
export function unsignedEnvelope(statement: Statement): DsseEnvelope {
  return {
    payloadType: IN_TOTO_PAYLOAD_TYPE,
    payload: serialize(statement).toString("base64"),
    signatures: [],
  };
}

/** What @actions/attest needs; its answer carries a Sigstore bundle with the DSSE envelope. */
export interface KeylessRequest {
  subjects: Subject[];
  predicateType: string;
  predicate: Record<string, unknown>;
}

export interface KeylessAttestation {
  /** The Sigstore bundle (JSON object) holding `dsseEnvelope` and the certificate. */
  bundle: unknown;
  attestationId?: string;
}

/**
 * The port for keyless signing (Sigstore through GitHub's OIDC token). The Action wires it
 * to @actions/attest with `actionsAttestor`; tests pass their own.
 */
export interface KeylessAttestor {
  attest(request: KeylessRequest): Promise<KeylessAttestation>;
}

/** The shape of @actions/attest's `attest` that we use, so this package does not import it. */
export type ActionsAttestFunction = (options: {
  subjects: Subject[];
  predicateType: string;
  predicate: object;
  token: string;
}) => Promise<{ bundle: unknown; attestationID?: string }>;

export function actionsAttestor(attest: ActionsAttestFunction, token: string): KeylessAttestor {
  return {
    async attest(request) {
      const answer = await attest({ ...request, token });
      const attestation: KeylessAttestation = { bundle: answer.bundle };
      if (answer.attestationID) attestation.attestationId = answer.attestationID;
      return attestation;
    },
  };
}

/**
 * True when the job can mint an OIDC token (`permissions: id-token: write`): the runner then
 * sets ACTIONS_ID_TOKEN_REQUEST_URL. `attestations: write` cannot be seen in advance; a
 * refusal shows up as a failed attest call.
 */
export function canSignKeyless(env: Record<string, string | undefined>): boolean {
  return env.GITHUB_ACTIONS === "true" && Boolean(env.ACTIONS_ID_TOKEN_REQUEST_URL);
}
