import { type FailOn, inertText, type Result } from "@scout-deploy/core";
import type { CurrentConfig } from "./config.js";
import { encodeEnvelope } from "./dsse.js";
import { keySigner } from "./keys.js";
import type { RecordedPlugin } from "./plugins.js";
import { type KeylessAttestor, signStatement, unsignedEnvelope } from "./sign.js";
import {
  buildStatement,
  type SignedFile,
  type SignoffContext,
  type Statement,
} from "./statement.js";
import { type VerifyReport, verifySignoff } from "./verify.js";

export type SigningMode = "key" | "keyless" | "unsigned";

export interface SignoffInput {
  files: readonly SignedFile[];
  result: Result;
  context: SignoffContext;
  /** Folder the subject names are relative to (default: the working folder). */
  cwd?: string;
  /** A PEM private key (Ed25519 or ECDSA P-256): wins over keyless. */
  key?: { pem: string; passphrase?: string };
  /** Keyless signing, offered only when the job may mint an OIDC token. */
  keyless?: KeylessAttestor;
}

export interface SignoffOutput {
  /** The text to write to --out: a DSSE envelope, or a Sigstore bundle when keyless. */
  record: string;
  mode: SigningMode;
  statement: Statement;
  /** Lines for the user; the first says plainly how (or whether) the record was signed. */
  messages: string[];
  /** 0 when the check passed, 1 when it failed (the record then carries verdict "fail"). */
  exitCode: 0 | 1;
}

/** The logic of `scout-deploy signoff`: the files and their Result in, the record text out. */
export async function runSignoff(input: SignoffInput): Promise<SignoffOutput> {
  const statement = buildStatement(input.files, input.result, input.context, input.cwd);
  const signed = await signRecord(statement, input);
  const count = statement.subject.length;
  const messages = [signed.message, `${count} file${count === 1 ? "" : "s"} recorded`];
  const exitCode = statement.predicate.verdict === "pass" ? 0 : 1;
  if (exitCode === 1) messages.push("verdict: fail: `scout-deploy verify` will reject this record");
  return { record: signed.record, mode: signed.mode, statement, messages, exitCode };
}

async function signRecord(
  statement: Statement,
  input: SignoffInput,
): Promise<{ record: string; mode: SigningMode; message: string }> {
  if (input.key) {
    const signer = keySigner(input.key.pem, input.key.passphrase);
    return {
      record: encodeEnvelope(signStatement(statement, signer)),
      mode: "key",
      message: `signed with ${signer.algorithm} key ${signer.keyid}`,
    };
  }
  if (input.keyless) {
    try {
      const { subject, predicateType, predicate } = statement;
      const answer = await input.keyless.attest({
        subjects: subject,
        predicateType,
        predicate: { ...predicate },
      });
      const id = answer.attestationId ? ` (attestation ${answer.attestationId})` : "";
      return {
        record: `${JSON.stringify(answer.bundle, null, 2)}\n`,
        mode: "keyless",
        message: `signed keyless with Sigstore${id}; check it with \`gh attestation verify\``,
      };
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      return unsigned(statement, `keyless signing failed (${reason})`);
    }
  }
  return unsigned(statement, "no --key given and no id-token/attestations permissions");
}

function unsigned(statement: Statement, why: string) {
  return {
    record: encodeEnvelope(unsignedEnvelope(statement)),
    mode: "unsigned" as const,
    message: `UNSIGNED sign-off record: ${why}. It proves nothing, and verify will reject it.`,
  };
}

export interface VerifyInput {
  /** The text of the --signoff file. */
  record: string;
  publicKeyPem: string;
  files: readonly SignedFile[];
  cwd?: string;
  /** The most lenient failOn a passing record may have been signed at (default error). */
  requireFailOn?: FailOn;
  /** The config file used now (null: none), compared with the signed one; undefined: not compared. */
  config?: CurrentConfig;
  /** The rule packs of the config used now, by digest, compared with the signed ones; undefined: not compared. */
  plugins?: readonly RecordedPlugin[];
  /** The Kubernetes version the files were read (charts rendered) for now, and the record's. */
  kubernetes?: { used: string; recorded: string | null | undefined };
  /** The paths given to verify, compared with the signed ones; undefined: not compared. */
  paths?: readonly string[];
}

export interface VerifyOutput {
  report: VerifyReport;
  text: string;
  exitCode: 0 | 1;
}

/** The logic of `scout-deploy verify`: exit 0 only when every check holds. */
export function runVerify(input: VerifyInput): VerifyOutput {
  const report = verifySignoff(
    input.record,
    input.publicKeyPem,
    input.files,
    input.cwd,
    input.requireFailOn,
    input.config,
    input.plugins,
    input.paths,
  );
  const text = formatVerifyReport(report, input.kubernetes && kubernetesLine(input.kubernetes));
  return { report, text, exitCode: report.ok ? 0 : 1 };
}

/** Which Kubernetes version verify read the files for: the record's, else the default. */
function kubernetesLine({ used, recorded }: NonNullable<VerifyInput["kubernetes"]>): string {
  if (recorded === used) {
    return `ok   kubernetes: ${used}, the version the sign-off checked against (charts rendered for it)`;
  }
  const why =
    recorded === null
      ? "the record names no version (signed before versions were recorded)"
      : "the record's version cannot be read";
  return `ok   kubernetes: ${used}, the newest bundled (charts rendered for it): ${why}`;
}

export function formatVerifyReport(report: VerifyReport, kubernetes?: string): string {
  const lines: string[] = [];
  const mark = (ok: boolean) => (ok ? "ok  " : "FAIL");
  lines.push(`${mark(report.signature.status === "ok")} signature: ${report.signature.detail}`);
  if (kubernetes) lines.push(kubernetes);
  for (const problem of report.statementProblems) lines.push(`FAIL statement: ${problem}`);
  lines.push(`${mark(report.verdict === "pass")} verdict: ${report.verdict}`);
  lines.push(`${mark(report.threshold.ok)} threshold: ${report.threshold.detail}`);
  if (report.config)
    lines.push(`${mark(report.config.ok)} config: ${inertText(report.config.detail)}`);
  if (report.paths) lines.push(`${mark(report.paths.ok)} paths: ${inertText(report.paths.detail)}`);
  if (report.plugins?.ok) lines.push(`ok   rule packs: ${inertText(report.plugins.detail)}`);
  for (const problem of report.plugins?.problems ?? []) {
    lines.push(`FAIL rule pack: ${inertText(problem)}`);
  }
  if (report.files.length === 0) {
    lines.push(
      `ok   files: the ${report.signedFiles} signed file(s) are unchanged, none missing, none extra`,
    );
  }
  for (const file of report.files) lines.push(`FAIL ${file.status} file: ${inertText(file.name)}`);
  lines.push(report.ok ? "verified: safe to apply" : "NOT verified: do not apply");
  return `${lines.join("\n")}\n`;
}
