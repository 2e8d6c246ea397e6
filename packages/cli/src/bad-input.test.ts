import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { beforeEach, describe, expect, it } from "vitest";
import { runCli } from "./test-support/run.js";

// A new user's (and a hostile one's) mistakes: each is one line on stderr naming the file, and
// exit 2, never an "internal error", a hang or a lost finding.

const pod = `apiVersion: v1
kind: Pod
metadata: {name: web, namespace: scout}
spec:
  containers:
    - name: web
      image: nginx:1.27
`;

let dir: string;

function write(path: string, text: string) {
  const full = join(dir, path);
  mkdirSync(dirname(full), { recursive: true });
  writeFileSync(full, text);
}

const run = (...argv: string[]) => runCli(argv, { cwd: dir });

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "scout-bad-input-"));
  write("k8s/pod.yaml", pod);
  write("scout-deploy.yaml", "scout: {}\n");
});

describe("an output that cannot be written", () => {
  it("names the --output that is a folder", async () => {
    mkdirSync(join(dir, "out"));
    const { code, stderr } = await run("check", "k8s", "--output", "out");
    expect(code).toBe(2);
    expect(stderr).toBe("scout-deploy check: cannot write out: it is a folder\n");
  });

  it("names the --output whose folder would be inside a file", async () => {
    const { code, stderr } = await run("flows", "k8s", "--output", "k8s/pod.yaml/flows.txt");
    expect(code).toBe(2);
    expect(stderr).toBe(
      "scout-deploy flows: cannot write k8s/pod.yaml/flows.txt: a part of its path is a file, not a folder\n",
    );
  });

  it("names the signoff --out that is a folder", async () => {
    mkdirSync(join(dir, "record"));
    const { code, stderr } = await run("signoff", "k8s", "--out", "record");
    expect(code).toBe(2);
    expect(stderr).toBe("scout-deploy signoff: cannot write record: it is a folder\n");
  });

  it("names the render --out that is a file", async () => {
    const { code, stderr } = await run("render", "--out", "k8s/pod.yaml");
    expect(code).toBe(2);
    expect(stderr).toBe(
      "scout-deploy render: cannot write k8s/pod.yaml: a part of its path is a file, not a folder\n",
    );
    expect(readFileSync(join(dir, "k8s/pod.yaml"), "utf8")).toBe(pod);
  });

  it.skipIf(!existsSync("/proc/self"))(
    "fails, not hangs, where no folder can be created (/proc)",
    async () => {
      const { code, stderr } = await run("render", "--out", "/proc/scout-deploy-test/out");
      expect(code).toBe(2);
      expect(stderr).toBe(
        "scout-deploy render: cannot write /proc/scout-deploy-test/out: its folder cannot be created there\n",
      );
    },
  );

  it("still creates a missing folder for an --output", async () => {
    const { code } = await run("check", "k8s", "--format", "json", "--output", "new/dir/r.json");
    expect(code).toBe(1);
    expect(JSON.parse(readFileSync(join(dir, "new/dir/r.json"), "utf8")).summary.objects).toBe(1);
  });
});

describe("a config suppression", () => {
  const suppressing = (rule: string) =>
    `policy:
  suppressions:
    - rules: [${rule}]
      reason: the web pod is a demo
`;

  it("naming no rule (a typo) is refused with a did-you-mean, not silently inert", async () => {
    write("scout-deploy.yaml", suppressing("pod/run-as-nonroot"));
    const { code, stderr } = await run("check", "k8s");
    expect(code).toBe(2);
    expect(stderr).toBe(
      'scout-deploy check: scout-deploy.yaml:3:7: policy.suppressions: unknown rule "pod/run-as-nonroot" (did you mean "pod/run-as-non-root"?)\n',
    );
  });

  it("naming a rule or an area suppresses its findings", async () => {
    write("scout-deploy.yaml", suppressing("pod/run-as-non-root"));
    const one = await run("check", "k8s", "--format", "json");
    const rules = JSON.parse(one.stdout).findings.map((f: { ruleId: string }) => f.ruleId);
    expect(rules).not.toContain("pod/run-as-non-root");
    expect(rules).toContain("pod/run-as-user");
    write("scout-deploy.yaml", suppressing("pod/*"));
    const area = await run("check", "k8s", "--format", "json");
    const left = JSON.parse(area.stdout).findings.map((f: { ruleId: string }) => f.ruleId);
    expect(left.filter((id: string) => id.startsWith("pod/"))).toEqual([]);
  });

  it("of another area does not stop secrets check, which runs the secrets rules only", async () => {
    write("scout-deploy.yaml", suppressing("pod/run-as-non-root"));
    const { code, stderr } = await run("secrets", "check", "k8s");
    expect(stderr).toBe("");
    expect(code).toBe(0);
  });
});

describe("a flag's value", () => {
  it("that starts with a dash says how to give it, not Node's 'argument is ambiguous'", async () => {
    const { code, stderr } = await run("check", "k8s", "--max-file-size", "-5");
    expect(code).toBe(2);
    expect(stderr).toBe(
      'scout-deploy check: option --max-file-size needs a value, and "-5" reads as an option (write --max-file-size=-5 if it is the value) (see scout-deploy check --help)\n',
    );
    const written = await run("check", "k8s", "--max-file-size=-5");
    expect(written.stderr).toBe(
      'scout-deploy check: --max-file-size must be a positive integer, not "-5"\n',
    );
  });
});

describe("several formats", () => {
  it("into one --output file are refused: the second report would overwrite the first", async () => {
    const { code, stderr } = await run(
      "check",
      "k8s",
      "--format",
      "json",
      "--format",
      "sarif",
      "--output",
      "r.out",
      "--output",
      "./r.out",
    );
    expect(code).toBe(2);
    expect(stderr).toBe(
      "scout-deploy check: --output ./r.out is given for both json and sarif: the second would overwrite the first; give each format its own file\n",
    );
    expect(existsSync(join(dir, "r.out"))).toBe(false);
  });

  it("into a file being checked are refused: the manifest would be replaced by its report", async () => {
    const { code, stderr } = await run(
      "check",
      "k8s",
      "--format",
      "json",
      "--output",
      "k8s/pod.yaml",
    );
    expect(code).toBe(2);
    expect(stderr).toBe(
      "scout-deploy check: --output k8s/pod.yaml is a file being checked: the report would overwrite it; write it elsewhere\n",
    );
    expect(readFileSync(join(dir, "k8s/pod.yaml"), "utf8")).toBe(pod);
  });

  it("of flows into a file being checked are refused too", async () => {
    const { code, stderr } = await run("flows", "k8s/pod.yaml", "--output", "k8s/pod.yaml");
    expect(code).toBe(2);
    expect(stderr).toBe(
      "scout-deploy flows: --output k8s/pod.yaml is a file being checked: the report would overwrite it; write it elsewhere\n",
    );
    expect(readFileSync(join(dir, "k8s/pod.yaml"), "utf8")).toBe(pod);
  });
});

describe("--color", () => {
  it("mistyped gets a did-you-mean like the command's own flags", async () => {
    const { code, stderr } = await run("check", "k8s", "--colour", "never");
    expect(code).toBe(2);
    expect(stderr).toBe(
      'scout-deploy check: unknown option --colour (did you mean "--color"?) (see scout-deploy check --help)\n',
    );
  });

  it("with a bad value names the command", async () => {
    const { stderr } = await run("check", "k8s", "--color", "blue");
    expect(stderr).toBe(
      'scout-deploy check: --color must be one of auto, always, never, not "blue"\n',
    );
  });
});

describe("incident isolate --namespace", () => {
  const deployment = `apiVersion: apps/v1
kind: Deployment
metadata: {name: backend, namespace: scout, labels: {app.kubernetes.io/name: backend}}
spec:
  selector: {matchLabels: {app.kubernetes.io/name: backend}}
  template:
    metadata: {labels: {app.kubernetes.io/name: backend}}
    spec:
      containers: [{name: api, image: "scout/api:1.0"}]
`;

  it("isolates plain manifests into the namespace given (it is the command's own flag, not only Helm's)", async () => {
    write("k8s/backend.yaml", deployment);
    const { code, stdout, stderr } = await run(
      "incident",
      "isolate",
      "k8s/backend.yaml",
      "--namespace",
      "scout-prod",
    );
    expect(stderr).not.toMatch(/apply to Helm charts/);
    expect(code).toBe(0);
    expect(stdout).toMatch(/kind: NetworkPolicy[\s\S]*namespace: scout-prod/);
  });

  it("refuses a namespace the API server would refuse", async () => {
    write("k8s/backend.yaml", deployment);
    const { code, stderr } = await run(
      "incident",
      "isolate",
      "k8s/backend.yaml",
      "--namespace",
      "Scout Prod",
    );
    expect(code).toBe(2);
    expect(stderr).toMatch(
      /^scout-deploy incident isolate: --namespace: "Scout Prod" is not a namespace name/,
    );
  });
});

describe("secrets rotate FILE", () => {
  it("says why the file cannot be read", async () => {
    const missing = await run("secrets", "rotate", "k8s/none.yaml", "--out", "-");
    expect(missing.stderr).toBe("scout-deploy secrets: cannot read k8s/none.yaml: no such file\n");
    const folder = await run("secrets", "rotate", "k8s", "--out", "-");
    expect(folder.code).toBe(2);
    expect(folder.stderr).toBe(
      "scout-deploy secrets: cannot read k8s: it is a folder; give the one file that holds the Secret\n",
    );
  });
});
