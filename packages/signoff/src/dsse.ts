import { ConfigurationError } from "@scout-deploy/core";

/** The payload type of an in-toto statement inside a DSSE envelope. */
export const IN_TOTO_PAYLOAD_TYPE = "application/vnd.in-toto+json";

export interface DsseSignature {
  keyid: string;
  /** Standard base64 of the raw signature (DER for ECDSA). */
  sig: string;
}

/** A DSSE envelope exactly as the spec and cosign read it: no other fields. */
export interface DsseEnvelope {
  payloadType: string;
  /** Standard base64 of the serialized statement. */
  payload: string;
  signatures: DsseSignature[];
}

/**
 * DSSE v1 Pre-Authentication Encoding: what is actually signed.
 * "DSSEv1" SP LEN(type) SP type SP LEN(body) SP body, lengths in bytes as ASCII decimal.
 */
export function pae(payloadType: string, body: Uint8Array): Buffer {
  const type = Buffer.from(payloadType, "utf8");
  const header = Buffer.from(`DSSEv1 ${type.length} ${payloadType} ${body.length} `, "utf8");
  return Buffer.concat([header, body]);
}

export function encodeEnvelope(envelope: DsseEnvelope): string {
  const ordered: DsseEnvelope = {
    payloadType: envelope.payloadType,
    payload: envelope.payload,
    signatures: envelope.signatures.map(({ keyid, sig }) => ({ keyid, sig })),
  };
  return `${JSON.stringify(ordered, null, 2)}\n`;
}

export function payloadBytes(envelope: DsseEnvelope): Buffer {
  return Buffer.from(envelope.payload, "base64");
}

/**
 * Reads a sign-off record: a DSSE envelope, or a Sigstore bundle (keyless) whose
 * `dsseEnvelope` holds one. Throws ConfigurationError naming what is wrong.
 */
export function parseRecord(text: string, source = "sign-off record"): ParsedRecord {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new ConfigurationError(`${source}: not JSON (${(error as Error).message})`);
  }
  if (isObject(value) && isObject(value.dsseEnvelope)) {
    return { kind: "sigstore-bundle", envelope: toEnvelope(value.dsseEnvelope, source) };
  }
  return { kind: "envelope", envelope: toEnvelope(value, source) };
}

export interface ParsedRecord {
  kind: "envelope" | "sigstore-bundle";
  envelope: DsseEnvelope;
}

function toEnvelope(value: unknown, source: string): DsseEnvelope {
  if (!isObject(value)) throw new ConfigurationError(`${source}: not a DSSE envelope`);
  const { payloadType, payload, signatures } = value;
  if (typeof payloadType !== "string" || typeof payload !== "string") {
    throw new ConfigurationError(`${source}: a DSSE envelope needs string payloadType and payload`);
  }
  if (!Array.isArray(signatures)) {
    throw new ConfigurationError(`${source}: a DSSE envelope needs a signatures list`);
  }
  return {
    payloadType,
    payload,
    signatures: signatures.map((s, i) => {
      if (!isObject(s) || typeof s.sig !== "string") {
        throw new ConfigurationError(`${source}: signatures[${i}] has no sig`);
      }
      return { keyid: typeof s.keyid === "string" ? s.keyid : "", sig: s.sig };
    }),
  };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
