import type { Result } from "@scout-deploy/core";
import { describe, expect, it } from "vitest";
import { encodeEnvelope } from "./dsse.js";
import { keySigner } from "./keys.js";
import { signStatement } from "./sign.js";
import { buildStatement, type Statement } from "./statement.js";
import { check, context, ed25519Pair, goodFiles } from "./test-support/fixtures.js";
import { verifySignoff } from "./verify.js";

describe("verifySignoff on records that are not ours", () => {
  const keys = ed25519Pair();
  const files = goodFiles();

  it("rejects a validly signed attestation of another predicate type, naming it", () => {
    const statement = buildStatement(files, check(files), context());
    const foreign = {
      ...statement,
      predicateType: "https://slsa.dev/provenance/v1",
    } as unknown as Statement;
    const record = encodeEnvelope(signStatement(foreign, keySigner(keys.privatePem)));
    const report = verifySignoff(record, keys.publicPem, files);
    expect(report.signature.status).toBe("ok");
    expect(report.statementProblems).toEqual([
      "predicateType is https://slsa.dev/provenance/v1, not https://scout-deploy.dev/signoff/v1",
    ]);
    expect(report.ok).toBe(false);
  });

  it("passes only a whole pass: a record whose verdict judged a diff is rejected", () => {
    const statement = buildStatement(files, check(files), context());
    expect(
      verifySignoff(
        encodeEnvelope(signStatement(statement, keySigner(keys.privatePem))),
        keys.publicPem,
        files,
      ).ok,
    ).toBe(true);
    const partial = {
      ...statement,
      predicate: { ...statement.predicate, scope: "diff" },
    } as unknown as Statement;
    const record = encodeEnvelope(signStatement(partial, keySigner(keys.privatePem)));
    const report = verifySignoff(record, keys.publicPem, files);
    expect(report.statementProblems).toEqual([
      "the verdict judged diff, not the whole bundle: only a whole pass is a pass",
    ]);
    expect(report.ok).toBe(false);
  });

  it("rejects an envelope whose payloadType is not in-toto", () => {
    const statement = buildStatement(files, check(files), context());
    const envelope = {
      ...signStatement(statement, keySigner(keys.privatePem)),
      payloadType: "text/plain",
    };
    const report = verifySignoff(envelope, keys.publicPem, files);
    expect(report.signature).toEqual({
      status: "bad",
      detail: expect.stringMatching(/payloadType is text\/plain/),
    });
    expect(report.ok).toBe(false);
  });

  it("reports every difference at once, sorted by name", () => {
    const record = encodeEnvelope(
      signStatement(buildStatement(files, check(files), context()), keySigner(keys.privatePem)),
    );
    const now = [
      { path: "a-new.yaml", content: "x" },
      { path: "k8s/backend.yaml", content: "changed" },
      files[2]!,
    ];
    const report = verifySignoff(record, keys.publicPem, now);
    expect(report.files.map((f) => `${f.status} ${f.name}`)).toEqual([
      "extra a-new.yaml",
      "changed k8s/backend.yaml",
      "missing k8s/frontend.yaml",
    ]);
    expect(report.signedFiles).toBe(3);
  });
});

describe("verifySignoff: the threshold the verdict was taken at", () => {
  const keys = ed25519Pair();
  const files = goodFiles();
  const signedAt = (failOn: Result["failOn"]) =>
    encodeEnvelope(
      signStatement(
        buildStatement(files, { ...check(files), failOn }, context()),
        keySigner(keys.privatePem),
      ),
    );

  it("refuses a pass taken at failOn never by default", () => {
    const report = verifySignoff(signedAt("never"), keys.publicPem, files);
    expect(report.verdict).toBe("pass");
    expect(report.threshold).toMatchObject({ ok: false, required: "error", signed: "never" });
    expect(report.ok).toBe(false);
  });

  it.each([
    ["error", "error", true],
    ["warning", "error", true],
    ["info", "warning", true],
    ["error", "warning", false],
    ["warning", "info", false],
    ["never", "never", true],
  ] as const)("signed at %s, required %s: ok %s", (signed, required, ok) => {
    const report = verifySignoff(signedAt(signed), keys.publicPem, files, undefined, required);
    expect(report.threshold.ok).toBe(ok);
    expect(report.ok).toBe(ok);
  });

  it("refuses a record whose predicate names no threshold", () => {
    const statement = buildStatement(files, check(files), context());
    const { failOn: _dropped, ...predicate } = statement.predicate;
    const record = encodeEnvelope(
      signStatement({ ...statement, predicate } as Statement, keySigner(keys.privatePem)),
    );
    const report = verifySignoff(record, keys.publicPem, files);
    expect(report.threshold.ok).toBe(false);
    expect(report.threshold.detail).toMatch(/names no failOn threshold/);
  });
});

describe("verifySignoff and the rule packs (policy.plugins)", () => {
  const keys = ed25519Pair();
  const files = goodFiles();
  const pack = (sha: string) => ({ name: "./packs/acme.mjs", digest: { sha256: sha } });
  const signedWith = (plugins?: { name: string; digest: { sha256: string } }[]) =>
    encodeEnvelope(
      signStatement(
        buildStatement(files, check(files), { ...context(), ...(plugins ? { plugins } : {}) }),
        keySigner(keys.privatePem),
      ),
    );
  const verify = (record: string, now: { name: string; digest: { sha256: string } }[]) =>
    verifySignoff(record, keys.publicPem, files, undefined, "error", undefined, now);

  it("holds when every pack's code is the signed one", () => {
    const report = verify(signedWith([pack("a".repeat(64))]), [pack("a".repeat(64))]);
    expect(report.plugins).toEqual({
      ok: true,
      problems: [],
      detail: "./packs/acme.mjs unchanged since sign-off",
    });
    expect(report.ok).toBe(true);
  });

  it("names a pack whose code changed, one added and one gone, though no file changed", () => {
    const other = { name: "@acme/rules", digest: { sha256: "c".repeat(64) } };
    const changed = verify(signedWith([pack("a".repeat(64))]), [pack("b".repeat(64)), other]);
    expect(changed.files).toEqual([]);
    expect(changed.plugins?.problems).toEqual([
      "./packs/acme.mjs changed since sign-off: its code judges the manifests",
      "@acme/rules is loaded now, but was not at sign-off",
    ]);
    expect(changed.ok).toBe(false);
    const gone = verify(signedWith([pack("a".repeat(64)), other]), [pack("a".repeat(64))]);
    expect(gone.plugins?.problems).toEqual(["@acme/rules was loaded at sign-off, and is not now"]);
    expect(gone.ok).toBe(false);
  });

  it("a record signed before packs were recorded speaks for none", () => {
    const old = signedWith();
    expect(verify(old, []).ok).toBe(true);
    const report = verify(old, [pack("a".repeat(64))]);
    expect(report.plugins?.problems).toEqual([
      "the record names no rule pack digests (signed before they were recorded), and ./packs/acme.mjs is loaded now: sign off again",
    ]);
    expect(report.ok).toBe(false);
  });
});
