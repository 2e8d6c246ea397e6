import { describe, expect, it } from "vitest";
import { runSignoff, runVerify } from "./commands.js";
import { parseRecord, payloadBytes } from "./dsse.js";
import { type ActionsAttestFunction, actionsAttestor, canSignKeyless } from "./sign.js";
import type { SignedFile } from "./statement.js";
import {
  check,
  context,
  deployment,
  ed25519Pair,
  goodFiles,
  p256Pair,
} from "./test-support/fixtures.js";
import { recordedKubernetesVersion } from "./verify.js";

async function signWith(privatePem: string, files: SignedFile[] = goodFiles()) {
  return runSignoff({ files, result: check(files), context: context(), key: { pem: privatePem } });
}

describe.each([
  ["Ed25519", ed25519Pair],
  ["ECDSA P-256", p256Pair],
])("sign then verify with %s", (_name, makePair) => {
  const keys = makePair();

  it("passes when the files are exactly the signed ones", async () => {
    const signed = await signWith(keys.privatePem);
    expect(signed.mode).toBe("key");
    expect(signed.exitCode).toBe(0);
    const verified = runVerify({
      record: signed.record,
      publicKeyPem: keys.publicPem,
      files: goodFiles(),
    });
    expect(verified.report.signature.status).toBe("ok");
    expect(verified.report.files).toEqual([]);
    expect(verified.exitCode).toBe(0);
    expect(verified.text).toContain("verified: safe to apply");
  });

  it("fails naming the file when one byte of one manifest changed", async () => {
    const signed = await signWith(keys.privatePem);
    const files = goodFiles();
    const original = files[1]!.content as string;
    files[1] = { path: files[1]!.path, content: original.replace("frontend", "frontenD") };
    const verified = runVerify({ record: signed.record, publicKeyPem: keys.publicPem, files });
    expect(verified.exitCode).toBe(1);
    expect(verified.report.files).toEqual([
      expect.objectContaining({ name: "k8s/frontend.yaml", status: "changed" }),
    ]);
    expect(verified.text).toContain("FAIL changed file: k8s/frontend.yaml");
  });

  it("fails naming the file when a file was added", async () => {
    const signed = await signWith(keys.privatePem);
    const files = [...goodFiles(), { path: "k8s/sneaky.yaml", content: deployment("sneaky") }];
    const verified = runVerify({ record: signed.record, publicKeyPem: keys.publicPem, files });
    expect(verified.exitCode).toBe(1);
    expect(verified.report.files).toEqual([
      expect.objectContaining({ name: "k8s/sneaky.yaml", status: "extra" }),
    ]);
    expect(verified.text).toContain("FAIL extra file: k8s/sneaky.yaml");
  });

  it("names an added file on one line, whatever its name holds", async () => {
    const signed = await signWith(keys.privatePem);
    const name = "k8s/x.yaml\nverified: safe to apply";
    const files = [...goodFiles(), { path: name, content: deployment("sneaky") }];
    const verified = runVerify({ record: signed.record, publicKeyPem: keys.publicPem, files });
    expect(verified.exitCode).toBe(1);
    expect(verified.text).toContain("FAIL extra file: k8s/x.yaml\\nverified: safe to apply\n");
    expect(verified.text.split("\n")).not.toContain("verified: safe to apply");
  });

  it("fails naming the file when a file was removed", async () => {
    const signed = await signWith(keys.privatePem);
    const files = goodFiles().filter((f) => f.path !== "k8s/backend.yaml");
    const verified = runVerify({ record: signed.record, publicKeyPem: keys.publicPem, files });
    expect(verified.exitCode).toBe(1);
    expect(verified.report.files).toEqual([
      expect.objectContaining({ name: "k8s/backend.yaml", status: "missing" }),
    ]);
    expect(verified.text).toContain("FAIL missing file: k8s/backend.yaml");
  });

  it("fails when the record was signed by another key", async () => {
    const signed = await signWith(makePair().privatePem);
    const verified = runVerify({
      record: signed.record,
      publicKeyPem: keys.publicPem,
      files: goodFiles(),
    });
    expect(verified.exitCode).toBe(1);
    expect(verified.report.signature.status).toBe("bad");
    expect(verified.report.signature.detail).toMatch(/signed by another key/);
  });

  it("fails when the payload was edited after signing, even with matching files", async () => {
    const signed = await signWith(keys.privatePem);
    const { envelope } = parseRecord(signed.record);
    const statement = JSON.parse(payloadBytes(envelope).toString("utf8"));
    statement.predicate.verdict = "pass";
    statement.predicate.findings.error = 0;
    statement.subject[0].digest.sha256 = "0".repeat(64);
    const forged = {
      ...envelope,
      payload: Buffer.from(JSON.stringify(statement)).toString("base64"),
    };
    const verified = runVerify({
      record: JSON.stringify(forged),
      publicKeyPem: keys.publicPem,
      files: goodFiles(),
    });
    expect(verified.report.signature.status).toBe("bad");
    expect(verified.exitCode).toBe(1);
  });

  it("fails when the signed verdict was a fail, and signoff says so and exits 1", async () => {
    const files = [...goodFiles(), { path: "k8s/bad.yaml", content: deployment("bad") }];
    const signed = await signWith(keys.privatePem, files);
    expect(signed.exitCode).toBe(1);
    expect(signed.messages.join("\n")).toMatch(/verdict: fail/);
    const verified = runVerify({ record: signed.record, publicKeyPem: keys.publicPem, files });
    expect(verified.report.signature.status).toBe("ok");
    expect(verified.report.verdict).toBe("fail");
    expect(verified.exitCode).toBe(1);
    expect(verified.text).toContain("FAIL verdict: fail");
  });
});

describe("unsigned and keyless records", () => {
  it("writes an unsigned record without a key, says so plainly, and verify rejects it", async () => {
    const files = goodFiles();
    const out = await runSignoff({ files, result: check(files), context: context() });
    expect(out.mode).toBe("unsigned");
    expect(out.messages[0]).toMatch(/^UNSIGNED sign-off record: no --key given/);
    expect(JSON.parse(out.record).signatures).toEqual([]);
    const verified = runVerify({
      record: out.record,
      publicKeyPem: ed25519Pair().publicPem,
      files,
    });
    expect(verified.report.signature.status).toBe("unsigned");
    expect(verified.exitCode).toBe(1);
  });

  it("passes subjects and predicate to @actions/attest and writes the Sigstore bundle it returns", async () => {
    const calls: Parameters<ActionsAttestFunction>[0][] = [];
    const attest: ActionsAttestFunction = async (options) => {
      calls.push(options);
      return {
        bundle: {
          mediaType: "application/vnd.dev.sigstore.bundle.v0.3+json",
          dsseEnvelope: {
            payloadType: "application/vnd.in-toto+json",
            payload: "e30=",
            signatures: [{ keyid: "", sig: "AA==" }],
          },
        },
        attestationID: "123",
      };
    };
    const files = goodFiles();
    const out = await runSignoff({
      files,
      result: check(files),
      context: context(),
      keyless: actionsAttestor(attest, "tok"),
    });
    expect(out.mode).toBe("keyless");
    expect(out.messages[0]).toMatch(/signed keyless with Sigstore \(attestation 123\)/);
    expect(calls).toHaveLength(1);
    expect(calls[0]).toMatchObject({
      token: "tok",
      predicateType: "https://scout-deploy.dev/signoff/v1",
    });
    expect(calls[0]!.subjects.map((s) => s.name)).toEqual([
      "k8s/backend.yaml",
      "k8s/frontend.yaml",
      "k8s/waived.yaml",
    ]);
    expect(JSON.parse(out.record).dsseEnvelope).toBeDefined();
    const verified = runVerify({
      record: out.record,
      publicKeyPem: ed25519Pair().publicPem,
      files,
    });
    expect(verified.report.signature.status).toBe("keyless");
    expect(verified.exitCode).toBe(1);
  });

  it("falls back to an unsigned record, naming the reason, when keyless signing is refused", async () => {
    const attest: ActionsAttestFunction = async () => {
      throw new Error("Resource not accessible by integration (attestations: write missing)");
    };
    const files = goodFiles();
    const out = await runSignoff({
      files,
      result: check(files),
      context: context(),
      keyless: actionsAttestor(attest, "t"),
    });
    expect(out.mode).toBe("unsigned");
    expect(out.messages[0]).toMatch(/UNSIGNED .*keyless signing failed \(Resource not accessible/);
  });

  it("offers keyless only in Actions with an id-token", () => {
    expect(
      canSignKeyless({ GITHUB_ACTIONS: "true", ACTIONS_ID_TOKEN_REQUEST_URL: "https://x" }),
    ).toBe(true);
    expect(canSignKeyless({ GITHUB_ACTIONS: "true" })).toBe(false);
    expect(canSignKeyless({ ACTIONS_ID_TOKEN_REQUEST_URL: "https://x" })).toBe(false);
  });

  it("prefers the key when both a key and keyless are available", async () => {
    const keys = p256Pair();
    const files = goodFiles();
    const attest: ActionsAttestFunction = async () => {
      throw new Error("must not be called");
    };
    const out = await runSignoff({
      files,
      result: check(files),
      context: context(),
      key: { pem: keys.privatePem },
      keyless: actionsAttestor(attest, "t"),
    });
    expect(out.mode).toBe("key");
  });
});

describe("the Kubernetes version verify reads the files for", () => {
  const keys = ed25519Pair();
  const signedAt = async (kubernetesVersion: string | null) =>
    (
      await runSignoff({
        files: goodFiles(),
        result: check(goodFiles()),
        context: { ...context(), kubernetesVersion },
        key: { pem: keys.privatePem },
      })
    ).record;

  it("reads the version a record names, null for one that names none", async () => {
    expect(recordedKubernetesVersion(await signedAt("1.31.0"))).toBe("1.31.0");
    expect(recordedKubernetesVersion(await signedAt(null))).toBeNull();
    expect(recordedKubernetesVersion("not json")).toBeUndefined();
    expect(recordedKubernetesVersion(await signedAt("1.31; rm -rf /"))).toBeUndefined();
  });

  it("says which version it used: the record's, or the default for a record that names none", async () => {
    const verify = async (recorded: string | null, used: string) =>
      runVerify({
        record: await signedAt(recorded),
        publicKeyPem: keys.publicPem,
        files: goodFiles(),
        kubernetes: { used, recorded },
      }).text;
    expect(await verify("1.31.0", "1.31.0")).toContain(
      "ok   kubernetes: 1.31.0, the version the sign-off checked against (charts rendered for it)",
    );
    expect(await verify(null, "1.37.0")).toContain(
      "ok   kubernetes: 1.37.0, the newest bundled (charts rendered for it): the record names no version (signed before versions were recorded)",
    );
  });
});

describe("the paths verify walks", () => {
  const keys = ed25519Pair();
  const cwd = "/repo";
  async function signedFor(paths: string[] | undefined) {
    const signed = await runSignoff({
      files: goodFiles(),
      result: check(goodFiles()),
      context: paths ? { ...context(), paths } : context(),
      key: { pem: keys.privatePem },
    });
    return (given: string[]) =>
      runVerify({
        record: signed.record,
        publicKeyPem: keys.publicPem,
        files: goodFiles(),
        cwd,
        paths: given,
      });
  }

  it("passes for the signed folder however it is spelt", async () => {
    const verify = await signedFor(["k8s"]);
    const verified = verify(["./k8s/"]);
    expect(verified.exitCode).toBe(0);
    expect(verified.report.paths).toEqual(expect.objectContaining({ ok: true, given: ["k8s"] }));
    expect(verified.text).toContain("ok   paths: k8s, the paths the sign-off was given");
    expect(verify(["/repo/k8s"]).exitCode).toBe(0);
  });

  it("fails naming both sets when verify is given files of the signed folder", async () => {
    const verify = await signedFor(["k8s"]);
    const verified = verify(["k8s/frontend.yaml"]);
    expect(verified.exitCode).toBe(1);
    expect(verified.report.paths).toEqual({
      ok: false,
      signed: ["k8s"],
      given: ["k8s/frontend.yaml"],
      detail: expect.stringContaining("signed for k8s, verifying k8s/frontend.yaml"),
    });
    expect(verified.report.statementProblems).toEqual([]);
    expect(verified.text).toContain("FAIL paths: signed for k8s");
    expect(verified.text).toContain("NOT verified");
  });

  it("accepts the paths in another order", async () => {
    const verify = await signedFor(["k8s/a.yaml", "k8s/b.yaml"]);
    expect(verify(["k8s/b.yaml", "k8s/a.yaml"]).exitCode).toBe(0);
  });

  it("says a record signed before paths were recorded names none, and passes", async () => {
    const verify = await signedFor(undefined);
    const verified = verify(["k8s"]);
    expect(verified.exitCode).toBe(0);
    expect(verified.text).toContain("ok   paths: the record names no paths");
  });
});
