import { createHash, generateKeyPairSync } from "node:crypto";
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  buildBundle,
  defaultPolicy,
  parseSource,
  type Result,
  summarize,
} from "@scout-deploy/core";
import {
  type ActionsAttestFunction,
  buildStatement,
  canSignKeyless,
  PREDICATE_TYPE,
  runVerify,
  STATEMENT_TYPE,
} from "@scout-deploy/signoff";
import { describe, expect, it } from "vitest";
import type { RunContext } from "./context.js";
import { parseInputs } from "./inputs.js";
import { hasIdToken, signoffAttester, withCauses } from "./integrations.js";
import type { PipelineRun } from "./pipeline.js";
import { memoryLogger } from "./test-support.js";
import { TOOL } from "./version.js";

const MANIFESTS = {
  "k8s/backend.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: backend\n",
  "k8s/frontend.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: frontend\n",
};

const ID_TOKEN_ENV = {
  GITHUB_ACTIONS: "true",
  ACTIONS_ID_TOKEN_REQUEST_URL: "https://pipelines.example/idtoken?api-version=2.0",
  ACTIONS_ID_TOKEN_REQUEST_TOKEN: "runtime-token",
};

function workspace(): string {
  const dir = mkdtempSync(join(tmpdir(), "scout-keyless-"));
  mkdirSync(join(dir, "k8s"));
  for (const [path, text] of Object.entries(MANIFESTS)) writeFileSync(join(dir, path), text);
  return dir;
}

function pipelineRun(): PipelineRun {
  const result: Result = {
    findings: [],
    suppressed: [],
    summary: summarize([], { files: 2, objects: 2, suppressed: 0 }, "error"),
    failOn: "error",
  };
  return {
    result,
    bundle: buildBundle(Object.entries(MANIFESTS).map(([path, text]) => parseSource(path, text))),
    settings: defaultPolicy().settings,
    rules: [],
    bundleDigest: "sha256:x",
  };
}

function setup(values: Record<string, string> = {}) {
  const dir = workspace();
  const context: RunContext = {
    eventName: "push",
    repository: { owner: "o", repo: "r" },
    sha: "abc",
    serverUrl: "https://github.com",
    apiUrl: "https://api.github.com",
    workspace: dir,
    tempDir: dir,
  };
  const inputs = parseInputs(
    (n) => ({ manifests: "k8s", signoff: "attest", token: "ghs_job-token", ...values })[n] ?? "",
    dir,
  );
  return { dir, context, inputs, log: memoryLogger(), file: join(dir, "signoff.intoto.jsonl") };
}

/** Answers as @actions/attest does: a Sigstore bundle whose DSSE payload is the statement. */
function fakeAttest(calls: Parameters<ActionsAttestFunction>[0][]): ActionsAttestFunction {
  return async (options) => {
    calls.push(options);
    const statement = {
      _type: STATEMENT_TYPE,
      subject: options.subjects,
      predicateType: options.predicateType,
      predicate: options.predicate,
    };
    return {
      bundle: {
        mediaType: "application/vnd.dev.sigstore.bundle.v0.3+json",
        verificationMaterial: { certificate: { rawBytes: "AA==" } },
        dsseEnvelope: {
          payloadType: "application/vnd.in-toto+json",
          payload: Buffer.from(JSON.stringify(statement)).toString("base64"),
          signatures: [{ sig: "AA==" }],
        },
      },
      attestationID: "4711",
    };
  };
}

const RULES_PACKAGE = JSON.parse(
  readFileSync(new URL("../../rules/package.json", import.meta.url), "utf8"),
) as { version: string };

const sha256 = (text: string) => createHash("sha256").update(text).digest("hex");

describe("signoffAttester, keyless", () => {
  it("signs through @actions/attest: the manifests as subjects, our predicate, the job token", async () => {
    const { dir, context, inputs, log, file } = setup();
    const calls: Parameters<ActionsAttestFunction>[0][] = [];
    const attester = signoffAttester(inputs, context, ID_TOKEN_ENV, log, async () =>
      fakeAttest(calls),
    );
    const run = pipelineRun();
    await attester(run, file);

    expect(calls).toHaveLength(1);
    const call = calls[0]!;
    expect(call.token).toBe("ghs_job-token");
    expect(call.predicateType).toBe("https://scout-deploy.dev/signoff/v1");
    expect(call.predicateType).toBe(PREDICATE_TYPE);
    expect(call.subjects).toEqual(
      Object.entries(MANIFESTS).map(([name, text]) => ({ name, digest: { sha256: sha256(text) } })),
    );
    const files = Object.keys(MANIFESTS).map((path) => ({
      path,
      content: readFileSync(join(dir, path)),
    }));
    const ours = buildStatement(files, run.result, {
      tool: { ...TOOL },
      // The rules package's own version: the Action's (never released) is not the pack's.
      rulePacks: [{ name: "@scout-deploy/rules", version: RULES_PACKAGE.version }],
      kubernetesVersion: null,
      checkedAt: (call.predicate as { checkedAt: string }).checkedAt,
      // The manifests input, as verify must walk it at deploy.
      paths: ["k8s"],
    });
    expect(call.predicate).toEqual(ours.predicate);
    expect(log.lines).toContain(
      "info: signed keyless with Sigstore (attestation 4711); check it with `gh attestation verify`",
    );

    // The record is the Sigstore bundle on one line, as gh reads a .jsonl bundle file.
    const record = readFileSync(file, "utf8");
    expect(record.trimEnd().split("\n")).toHaveLength(1);
    const verified = runVerify({
      record,
      publicKeyPem: generateKeyPairSync("ed25519")
        .publicKey.export({ type: "spki", format: "pem" })
        .toString(),
      files,
      cwd: dir,
    });
    expect(verified.report.signature.status).toBe("keyless");
    expect(verified.report.statementProblems).toEqual([]);
    expect(verified.report.files).toEqual([]);
  });

  it("falls back to an unsigned record with a plain warning when attest is refused", async () => {
    const { inputs, context, log, file } = setup();
    const refuse: ActionsAttestFunction = async () => {
      throw new Error("Failed to persist attestation: Resource not accessible by integration");
    };
    await signoffAttester(
      inputs,
      context,
      ID_TOKEN_ENV,
      log,
      async () => refuse,
    )(pipelineRun(), file);
    expect(log.lines[0]).toMatch(
      /^warning: UNSIGNED sign-off record: keyless signing failed \(Failed to persist attestation: Resource not accessible/,
    );
    expect(JSON.parse(readFileSync(file, "utf8")).signatures).toEqual([]);
  });

  it("does not load @actions/attest without an id-token, and says how to sign", async () => {
    const { inputs, context, log, file } = setup();
    const noToken = { GITHUB_ACTIONS: "true", ACTIONS_ID_TOKEN_REQUEST_URL: "https://x" };
    await signoffAttester(inputs, context, noToken, log, () => {
      throw new Error("must not load @actions/attest");
    })(pipelineRun(), file);
    expect(log.lines[0]).toMatch(/^warning: UNSIGNED sign-off record/);
    expect(log.lines[1]).toContain("id-token: write, attestations: write");
    expect(JSON.parse(readFileSync(file, "utf8")).signatures).toEqual([]);
  });

  it("prefers signoff-key over keyless and does not load @actions/attest", async () => {
    const pem = generateKeyPairSync("ed25519")
      .privateKey.export({ type: "pkcs8", format: "pem" })
      .toString();
    const { inputs, context, log, file } = setup({ "signoff-key": pem });
    await signoffAttester(inputs, context, ID_TOKEN_ENV, log, () => {
      throw new Error("must not load @actions/attest");
    })(pipelineRun(), file);
    expect(log.lines[0]).toMatch(/^info: signed with ed25519 key /);
    expect(JSON.parse(readFileSync(file, "utf8")).signatures).toHaveLength(1);
  });

  it("sees id-token: write as both runner variables, inside Actions", () => {
    expect(hasIdToken(ID_TOKEN_ENV, canSignKeyless)).toBe(true);
    expect(
      hasIdToken({ ...ID_TOKEN_ENV, ACTIONS_ID_TOKEN_REQUEST_TOKEN: undefined }, canSignKeyless),
    ).toBe(false);
    expect(hasIdToken({ ...ID_TOKEN_ENV, ACTIONS_ID_TOKEN_REQUEST_URL: "" }, canSignKeyless)).toBe(
      false,
    );
    expect(hasIdToken({ ...ID_TOKEN_ENV, GITHUB_ACTIONS: undefined }, canSignKeyless)).toBe(false);
  });

  it("names the causes of a Sigstore error, not only its step", () => {
    const network = new Error("getaddrinfo ENOTFOUND fulcio.githubapp.com");
    const error = new Error("error creating signing certificate", { cause: network });
    expect(withCauses(error)).toBe(
      "error creating signing certificate: getaddrinfo ENOTFOUND fulcio.githubapp.com",
    );
    expect(withCauses("no tokens")).toBe("no tokens");
    const repeated = new Error("certificate - (403) Forbidden", {
      cause: new Error("(403) Forbidden"),
    });
    expect(withCauses(repeated)).toBe("certificate - (403) Forbidden");
  });
});

describe("signoffAttester, keyless, bounded", () => {
  it("a Sigstore or GitHub that never answers is given up at the run's deadline: unsigned, said why", async () => {
    const { inputs, context, log, file } = setup();
    const deadline = new AbortController();
    const never: ActionsAttestFunction = () => new Promise(() => {});
    const signing = signoffAttester(
      inputs,
      context,
      ID_TOKEN_ENV,
      log,
      async () => never,
      deadline.signal,
    )(pipelineRun(), file);
    setTimeout(() => deadline.abort(), 50);
    await signing;
    expect(log.lines[0]).toMatch(
      /^warning: UNSIGNED sign-off record: keyless signing failed \(no answer within github-timeout \(120s\)\)/,
    );
    expect(JSON.parse(readFileSync(file, "utf8")).signatures).toEqual([]);
  });
});
