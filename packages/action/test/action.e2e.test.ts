import { generateKeyPairSync } from "node:crypto";
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { FakeGitHub, USED_OPERATIONS } from "./github-server.js";
import {
  BUNDLE,
  forkPayload,
  PUSHED_SHA,
  pullRequestPayload,
  pushPayload,
  repoRoot,
  runAction,
} from "./run-action.js";

const [LIST, CREATE, UPDATE, STATUS] = USED_OPERATIONS as [string, string, string, string];

const backend = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: backend
  namespace: scout
spec:
  template:
    spec:
      containers:
        - name: api
          image: scout/backend:1.0
          securityContext:
            runAsNonRoot: true
            runAsUser: 0
            readOnlyRootFilesystem: false
            allowPrivilegeEscalation: false
`;

const secureBackend = backend
  .replace("runAsUser: 0", "runAsUser: 1000")
  .replace("readOnlyRootFilesystem: false", "readOnlyRootFilesystem: true");

let github: FakeGitHub;
let workspace: string;

beforeEach(async () => {
  github = await new FakeGitHub().start();
  workspace = mkdtempSync(join(tmpdir(), "scout-workspace-"));
  mkdirSync(join(workspace, "k8s"));
  writeFileSync(join(workspace, "k8s/backend.yaml"), backend);
});

afterEach(async () => {
  // Every request the Action made must match GitHub's OpenAPI description.
  expect(github.invalid).toEqual([]);
  await github.close();
});

const inputs = {
  manifests: "k8s",
  schema: "off",
  comment: "true",
  signoff: "status",
  token: "ghs_test-token",
};

function run(
  payload = pullRequestPayload("opened"),
  extra: Record<string, string> = {},
  eventName?: string,
) {
  return runAction({
    workspace,
    payload,
    apiUrl: github.url,
    inputs: { ...inputs, ...extra },
    ...(eventName ? { eventName } : {}),
  });
}

describe.skipIf(!existsSync(BUNDLE))("the built Action (dist/index.js)", () => {
  it("first run: one sticky comment, one status on the head SHA, outputs, summary, SARIF", async () => {
    const payload = pullRequestPayload("opened");
    const result = await run(payload);
    expect(result.code, result.stdout + result.stderr).toBe(1);
    expect(result.stdout.split("\n")[0]).toBe("scout-secure-deploy 0.1.0");

    expect(github.comments).toHaveLength(1);
    expect(github.comments[0]!.body).toContain("<!-- scout/secure-deploy: sticky comment -->");
    expect(github.comments[0]!.body).toContain(
      `https://github.com/Codertocat/Hello-World/blob/${payload.pull_request.head.sha}/k8s/backend.yaml#L14`,
    );
    expect(github.statuses).toEqual([
      {
        sha: payload.pull_request.head.sha,
        body: expect.objectContaining({
          state: "failure",
          context: "scout/secure-deploy",
          target_url: "https://github.com/Codertocat/Hello-World/actions/runs/42",
        }),
      },
    ]);
    expect(String(github.statuses[0]!.body.description).length).toBeLessThanOrEqual(140);

    // The outputs, the findings file, SARIF and the summary tell the same run.
    const findings = JSON.parse(readFileSync(result.outputs["findings-file"]!, "utf8"));
    const { bySeverity } = findings.summary;
    expect(result.outputs).toEqual(
      expect.objectContaining({
        passed: "false",
        findings: String(findings.summary.findings),
        errors: String(bySeverity.error),
        warnings: String(bySeverity.warning),
      }),
    );
    const ruleIds = findings.findings.map((f: { ruleId: string }) => f.ruleId);
    expect(ruleIds).toEqual(
      expect.arrayContaining(["pod/run-as-non-root", "pod/read-only-root-filesystem"]),
    );
    expect(result.outputs["bundle-digest"]).toMatch(/^sha256:[0-9a-f]{64}$/);
    const sarif = JSON.parse(readFileSync(result.outputs["sarif-file"]!, "utf8"));
    expect(sarif.runs[0].results).toHaveLength(findings.summary.findings);

    expect(result.summary).toContain(`❌ **Failed**: ${findings.summary.findings} findings`);
    expect(result.stdout).toMatch(
      /^::error title=pod\/read-only-root-filesystem,file=k8s\/backend\.yaml,line=15,col=13::/m,
    );
    expect(result.stdout).toContain(
      `::error::Scout Secure Deploy: ${findings.summary.findings} findings at or above fail-on`,
    );
  }, 60_000);

  it("second run (synchronize): updates the same comment, never a second one", async () => {
    const before = await run(pullRequestPayload("opened"));
    const first = github.comments[0]!.id;
    writeFileSync(
      join(workspace, "k8s/backend.yaml"),
      backend.replace("runAsUser: 0", "runAsUser: 1000"),
    );
    const second = await run(pullRequestPayload("synchronize"));
    const fewer = Number(second.outputs.findings);
    expect(fewer).toBeLessThan(Number(before.outputs.findings));
    expect(github.comments.map((c) => c.id)).toEqual([first]);
    expect(github.comments[0]!.body).toContain(`**Failed**: ${fewer} findings`);
    expect(github.comments[0]!.body).not.toContain("pod/run-as-non-root");
    expect(github.calls.filter((c) => c.operation === CREATE)).toHaveLength(1);
    expect(github.calls.filter((c) => c.operation === UPDATE)).toHaveLength(1);
    expect(github.statuses).toHaveLength(2);
  }, 60_000);

  it("fork pull request: no write calls, says so once, green step with a summary", async () => {
    const result = await run(forkPayload(), { "fail-on": "never" });
    expect(result.code, result.stdout + result.stderr).toBe(0);
    expect(github.writes).toEqual([]);
    expect(result.stdout.match(/Skipping .*read-only/g)).toHaveLength(1);
    expect(result.summary).toContain("✅ **Passed**");
    expect(result.stdout).toContain("::error title=pod/run-as-non-root");
    expect(existsSync(result.outputs["sarif-file"]!)).toBe(true);
    expect(existsSync(result.outputs["findings-file"]!)).toBe(true);
  }, 60_000);

  it("retries a 429 (rate limit) and a 500", async () => {
    github.inject({ operation: STATUS, status: 429 });
    github.inject({ operation: LIST, status: 500 });
    const result = await run();
    expect(github.calls.filter((c) => c.operation === STATUS).map((c) => c.status)).toEqual([
      429, 201,
    ]);
    expect(github.calls.filter((c) => c.operation === LIST).map((c) => c.status)).toEqual([
      500, 200,
    ]);
    expect(github.comments).toHaveLength(1);
    expect(github.statuses).toHaveLength(1);
    expect(result.code).toBe(1);
  }, 60_000);

  it("a comment GitHub refuses (403) never fails the run; later writes are skipped", async () => {
    github.inject({ operation: CREATE, status: 403 });
    const result = await run(pullRequestPayload("opened"), { "fail-on": "never" });
    expect(result.code, result.stdout).toBe(0);
    expect(result.stdout.match(/Skipping .*HTTP 403/g)).toHaveLength(1);
    expect(github.calls.filter((c) => c.operation === STATUS)).toEqual([]);
    expect(result.summary).toContain("Scout Secure Deploy");
  }, 60_000);

  it("a status GitHub hides (404) is skipped with one message", async () => {
    github.inject({ operation: STATUS, status: 404 });
    const result = await run(pullRequestPayload("opened"), { "fail-on": "never" });
    expect(result.code).toBe(0);
    expect(github.comments).toHaveLength(1);
    expect(result.stdout.match(/Skipping .*HTTP 404/g)).toHaveLength(1);
  }, 60_000);

  it("pull_request_target: the workspace's config is not loaded", async () => {
    writeFileSync(join(workspace, "scout-deploy.yaml"), "policy:\n  failOn: never\n");
    const result = await run(
      pullRequestPayload("opened"),
      { comment: "false", signoff: "none" },
      "pull_request_target",
    );
    expect(result.stdout).toContain(
      "pull_request_target: configs and rule packs from the pull request are not loaded",
    );
    expect(result.outputs.passed).toBe("false");
    expect(result.code).toBe(1);
  }, 60_000);

  it("outside a pull request (push): no comment, the status goes to the pushed commit", async () => {
    const result = await runAction({
      workspace: repoRoot,
      payload: pushPayload(),
      apiUrl: github.url,
      eventName: "push",
      inputs: { ...inputs, manifests: "examples/manifests", "fail-on": "never" },
    });
    expect(result.code, result.stdout).toBe(0);
    expect(github.comments).toEqual([]);
    expect(github.statuses.map((s) => s.sha)).toEqual([PUSHED_SHA]);
  }, 60_000);

  it("renders a config's scout: section and checks what it rendered", async () => {
    const result = await runAction({
      workspace: repoRoot,
      payload: pushPayload(),
      apiUrl: github.url,
      eventName: "push",
      inputs: {
        ...inputs,
        manifests: "",
        config: "examples/minimal/scout-deploy.yaml",
        signoff: "none",
      },
    });
    const rendered = result.outputs["rendered-dir"]!;
    expect(rendered, result.stdout).toMatch(/scout-deploy\/rendered$/);
    const files = readdirSync(rendered);
    expect(files.length).toBeGreaterThan(3);
    const json = JSON.parse(readFileSync(result.outputs["findings-file"]!, "utf8"));
    expect(json.summary.files).toBe(files.length);
    for (const finding of json.findings)
      expect(finding.file).toBe("examples/minimal/scout-deploy.yaml");
    expect(result.stdout).toContain(
      "rendered the scout: section of examples/minimal/scout-deploy.yaml",
    );
    // The rendered NetworkPolicies were analysed: the flow diagram is in the summary.
    expect(result.summary).toContain("<summary><strong>Network flows</strong></summary>");
    expect(result.summary).toMatch(/```mermaid\n(flowchart|graph) /);
  }, 60_000);

  it("signoff: attest writes a record that scout-deploy verify accepts", async () => {
    const keys = generateKeyPairSync("ed25519");
    const pem = keys.privateKey.export({ type: "pkcs8", format: "pem" }).toString();
    writeFileSync(join(workspace, "k8s/backend.yaml"), secureBackend);
    const result = await run(pullRequestPayload("opened"), {
      signoff: "attest",
      "signoff-key": pem,
      comment: "false",
      "fail-on": "never",
    });
    expect(result.code, result.stdout).toBe(0);
    const file = result.outputs["signoff-file"]!;
    expect(file).toMatch(/signoff\.intoto\.jsonl$/);
    const { runVerify } = await import("@scout-deploy/signoff");
    const verified = runVerify({
      record: readFileSync(file, "utf8"),
      publicKeyPem: keys.publicKey.export({ type: "spki", format: "pem" }).toString(),
      files: [
        { path: "k8s/backend.yaml", content: readFileSync(join(workspace, "k8s/backend.yaml")) },
      ],
      cwd: workspace,
    });
    expect(verified.report.signature.status, verified.text).toBe("ok");
    expect(verified.report.files).toEqual([]);
    expect(github.writes).toEqual([]);
  }, 60_000);

  it("signoff: attest keyless asks the runner for an id-token; refused by Sigstore it leaves an unsigned record and one plain warning", async () => {
    writeFileSync(join(workspace, "k8s/backend.yaml"), secureBackend);
    const result = await runAction({
      workspace,
      payload: pullRequestPayload("opened"),
      apiUrl: github.url,
      inputs: { ...inputs, signoff: "attest", comment: "false", "fail-on": "never" },
      env: { ...github.idTokenEnv(), ...github.proxyEnv() },
    });
    expect(result.code, result.stdout + result.stderr).toBe(0);
    // Then it went for a Sigstore signing certificate (refused by the test's proxy).
    expect(github.proxyConnects[0]).toMatch(/^fulcio\.[a-z.]+:443$/);
    // @actions/attest was loaded from dist/chunks/attest.js and fetched the token Fulcio needs.
    expect(github.idTokenRequests).toEqual([
      { audience: "sigstore", authorization: "Bearer runtime-request-token" },
    ]);
    const warnings = result.stdout.split("\n").filter((l) => l.startsWith("::warning::"));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(
      /^::warning::UNSIGNED sign-off record: keyless signing failed \(error creating signing certificate - \(403\) Forbidden\)\. It proves nothing/,
    );
    expect(result.stdout).not.toContain("::error::");
    expect(result.stdout + result.stderr).not.toMatch(/\s+at .+:\d+:\d+\)?$/m);
    const record = readFileSync(result.outputs["signoff-file"]!, "utf8");
    expect(JSON.parse(record).signatures).toEqual([]);
    // Nothing was signed, so nothing was stored as an attestation.
    expect(github.calls).toEqual([]);
  }, 60_000);

  it("signoff: attest without a key or an id-token writes an unsigned record and says how to sign", async () => {
    writeFileSync(join(workspace, "k8s/backend.yaml"), secureBackend);
    const result = await run(pullRequestPayload("opened"), {
      signoff: "attest",
      comment: "false",
      "fail-on": "never",
    });
    expect(result.code, result.stdout + result.stderr).toBe(0);
    expect(result.stdout).toMatch(
      /^::warning::UNSIGNED sign-off record: no --key given and no id-token\/attestations permissions/m,
    );
    expect(result.stdout).toContain("id-token: write, attestations: write");
    expect(github.idTokenRequests).toEqual([]);
    const record = readFileSync(result.outputs["signoff-file"]!, "utf8");
    expect(JSON.parse(record).signatures).toEqual([]);
  }, 60_000);

  it("schema: embedded validates offline and reports what Kubernetes would reject", async () => {
    writeFileSync(
      join(workspace, "k8s/backend.yaml"),
      backend.replace(
        "image: scout/backend:1.0",
        "image: scout/backend:1.0\n          replicas: 3",
      ),
    );
    const result = await run(pullRequestPayload("opened"), {
      schema: "embedded",
      "kubernetes-version": "1.36",
      comment: "false",
      signoff: "none",
    });
    const findings = JSON.parse(readFileSync(result.outputs["findings-file"]!, "utf8"));
    const schema = findings.findings.filter((f: { ruleId: string }) => f.ruleId === "input/schema");
    expect(schema.length, result.stdout).toBeGreaterThan(0);
    expect(schema).toContainEqual(
      expect.objectContaining({
        file: "k8s/backend.yaml",
        line: 12,
        message: expect.stringContaining("unknown field replicas"),
      }),
    );
  }, 60_000);

  it("SARIF describes the rule of every result: input/schema, the guide's and a rule pack's", async () => {
    const pack = join(repoRoot, "examples/rule-pack");
    writeFileSync(join(workspace, "scout-deploy.yaml"), `policy:\n  plugins: ["${pack}"]\n`);
    writeFileSync(
      join(workspace, "k8s/backend.yaml"),
      backend.replace(
        "image: scout/backend:1.0",
        "image: scout/backend:1.0\n          replicas: 3",
      ),
    );
    const result = await run(pullRequestPayload("opened"), {
      config: "scout-deploy.yaml",
      schema: "embedded",
      "kubernetes-version": "1.36",
      comment: "false",
      signoff: "none",
    });
    const sarif = JSON.parse(readFileSync(result.outputs["sarif-file"]!, "utf8"));
    const [sarifRun] = sarif.runs;
    const described = new Map(
      sarifRun.tool.driver.rules.map((r: { id: string; shortDescription?: { text: string } }) => [
        r.id,
        r.shortDescription?.text,
      ]),
    );
    const resultRules = sarifRun.results.map((r: { ruleId: string }) => r.ruleId);
    const packRule = "scout-deploy/example-rule-pack/images/trusted-registry";
    expect(resultRules, result.stdout).toEqual(
      expect.arrayContaining(["input/schema", "pod/run-as-non-root", packRule]),
    );
    // A rule the run did not pass to the formatter gets only its id as description.
    for (const id of resultRules) expect(described.get(id) ?? id, id).not.toBe(id);
    expect(described.get(packRule)).toBe("Every container image comes from a trusted registry.");
  }, 60_000);

  it.each([
    [{ schema: "strict" }, 'input schema must be one of embedded, kubeconform, off, not "strict"'],
    [{ manifests: "", config: "" }, "nothing to check"],
    [
      { signoff: "attest", "signoff-key": "not a key" },
      "input signoff-key must be a PEM private key",
    ],
    [{ manifests: "", config: "scout-deploy.yaml" }, "config file not found: scout-deploy.yaml"],
    [{ manifests: "missing/" }, "missing"],
  ])(
    "a user mistake %j is one clear error, no stack trace",
    async (extra, message) => {
      const result = await run(pullRequestPayload("opened"), extra);
      expect(result.code).toBe(1);
      const errors = result.stdout.split("\n").filter((l) => l.startsWith("::error::"));
      expect(errors).toHaveLength(1);
      expect(errors[0]).toContain(message);
      expect(result.stdout).not.toMatch(/\s+at .+\(.+:\d+:\d+\)/);
      expect(github.calls).toEqual([]);
    },
    60_000,
  );
});
