import { execFile } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { homedir, tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";
import { runSignoff } from "./commands.js";
import { PREDICATE_TYPE, type SignedFile } from "./statement.js";
import { check, context, ed25519Pair, goodFiles, p256Pair } from "./test-support/fixtures.js";

const run = promisify(execFile);

/** COSIGN_PATH, else where scripts/install-cosign.sh puts it. */
function findCosign(): string | undefined {
  const candidates = [
    process.env.COSIGN_PATH,
    join(process.env.GOPATH ?? join(homedir(), "go"), "bin", "cosign"),
  ];
  return candidates.find((path): path is string => Boolean(path) && existsSync(path as string));
}

const cosign = findCosign();
const inCI = process.env.CI === "true";
if (!cosign && !inCI) {
  console.warn(
    "cosign interop test skipped: no cosign binary (run scripts/install-cosign.sh or set COSIGN_PATH)",
  );
}

describe("cosign is present in CI", () => {
  it.runIf(inCI)(
    "finds the cosign binary that .ci/run installs with scripts/install-cosign.sh",
    () => {
      expect(
        cosign,
        "cosign not found: COSIGN_PATH unset and no $HOME/go/bin/cosign",
      ).toBeDefined();
    },
  );
});

describe.skipIf(!cosign)("cosign verify-blob-attestation accepts our envelopes", () => {
  const work = mkdtempSync(join(tmpdir(), "signoff-cosign-"));
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  function writeTree(dir: string, files: readonly SignedFile[]) {
    for (const file of files) {
      const path = join(dir, file.path);
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, file.content);
    }
  }

  async function cosignVerify(args: {
    key: string;
    envelope: string;
    blob: string;
    type?: string;
  }) {
    try {
      const { stderr } = await run(
        cosign!,
        [
          "verify-blob-attestation",
          "--key",
          args.key,
          "--type",
          args.type ?? PREDICATE_TYPE,
          "--signature",
          args.envelope,
          // No Rekor here: the record is signed with a key and checked offline.
          "--insecure-ignore-tlog=true",
          args.blob,
        ],
        {
          timeout: 120_000,
          env: {
            ...process.env,
            HOME: work,
            TUF_ROOT: join(work, "tuf"),
            // Any SIGSTORE_ROOT_FILE stops cosign from fetching the public-good trusted root
            // over the network; a key-based, tlog-free check never reads it.
            SIGSTORE_ROOT_FILE: join(work, "no-trusted-root.json"),
          },
        },
      );
      return { code: 0, stderr };
    } catch (error) {
      const failure = error as { code?: number; stderr?: string };
      return { code: failure.code ?? -1, stderr: failure.stderr ?? String(error) };
    }
  }

  it.each([
    ["ed25519", ed25519Pair],
    ["ecdsa-p256", p256Pair],
  ])(
    "%s: verifies each subject file, and rejects a changed file, another key and another type",
    async (name, makePair) => {
      const dir = join(work, name);
      const keys = makePair();
      const files = goodFiles();
      writeTree(dir, files);
      const signed = await runSignoff({
        files,
        result: check(files),
        context: context(),
        key: { pem: keys.privatePem },
      });
      const envelope = join(dir, "signoff.json");
      const key = join(dir, "pub.pem");
      const otherKey = join(dir, "other.pem");
      writeFileSync(envelope, signed.record);
      writeFileSync(key, keys.publicPem);
      writeFileSync(otherKey, makePair().publicPem);

      for (const file of files) {
        const ok = await cosignVerify({ key, envelope, blob: join(dir, file.path) });
        expect(ok.stderr).toContain("Verified OK");
        expect(ok.stderr).not.toMatch(/TUF|trusted_root/);
        expect(ok.code).toBe(0);
      }

      const changed = join(dir, "changed.yaml");
      writeFileSync(changed, `${files[0]!.content as string}# one more line\n`);
      const wrongBlob = await cosignVerify({ key, envelope, blob: changed });
      expect(wrongBlob.code).not.toBe(0);
      expect(wrongBlob.stderr).toMatch(/no matching subject digest/);

      const wrongKey = await cosignVerify({
        key: otherKey,
        envelope,
        blob: join(dir, files[0]!.path),
      });
      expect(wrongKey.code).not.toBe(0);
      expect(wrongKey.stderr).toMatch(/accepted signatures do not match threshold/);

      const wrongType = await cosignVerify({
        key,
        envelope,
        blob: join(dir, files[0]!.path),
        type: "https://example.com/other/v1",
      });
      expect(wrongType.code).not.toBe(0);
      expect(wrongType.stderr).toMatch(/invalid predicate type/);
    },
  );
});
