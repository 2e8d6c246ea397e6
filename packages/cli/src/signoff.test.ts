import { spawnSync } from "node:child_process";
import { generateKeyPairSync } from "node:crypto";
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { systemToolRunner } from "@scout-deploy/engine";
import { bundledKubernetesVersions } from "@scout-deploy/schema";
import { beforeEach, describe, expect, it } from "vitest";
import { runCli } from "./test-support/run.js";

const repo = resolve(dirname(fileURLToPath(import.meta.url)), "../../..");
const bin = join(repo, "packages/cli/bin/scout-deploy.js");
const hasHelm = systemToolRunner().find("helm") !== undefined;
if (!hasHelm && process.env.CI === "true")
  throw new Error("helm is not installed: run scripts/setup.sh");

let dir: string;

function write(path: string, text: string) {
  const full = join(dir, path);
  mkdirSync(dirname(full), { recursive: true });
  writeFileSync(full, text);
}

function run(...argv: string[]) {
  return runCli(argv, { cwd: dir });
}

function writeKeys(name: string) {
  const pair = generateKeyPairSync("ed25519");
  write(`${name}.key`, pair.privateKey.export({ type: "pkcs8", format: "pem" }).toString());
  write(`${name}.pub.pem`, pair.publicKey.export({ type: "spki", format: "pem" }).toString());
}

const namespace = "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: scout\n";
const configMap =
  "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\n  namespace: scout\ndata:\n  mode: prod\n";

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "scout-signoff-"));
  write("k8s/namespace.yaml", namespace);
  write("k8s/settings.yaml", configMap);
  writeKeys("ci");
});

describe("scout-deploy signoff and verify", () => {
  it("signs, then verify passes on the same files", async () => {
    const signed = await run("signoff", "k8s", "--key", "ci.key", "--out", "signoff.json");
    expect(signed.stderr).toMatch(/^signed with ed25519 key [0-9a-f]{64}\n2 files recorded/);
    expect(signed.code).toBe(0);
    const envelope = JSON.parse(readFileSync(join(dir, "signoff.json"), "utf8"));
    const statement = JSON.parse(Buffer.from(envelope.payload, "base64").toString());
    expect(statement.subject.map((s: { name: string }) => s.name)).toEqual([
      "k8s/namespace.yaml",
      "k8s/settings.yaml",
    ]);
    // The pack's own version: packages are released one by one.
    const rules = JSON.parse(readFileSync(join(repo, "packages/rules/package.json"), "utf8"));
    expect(statement.predicate.rulePacks).toEqual([
      { name: "@scout-deploy/rules", version: rules.version },
    ]);
    const verified = await run("verify", "--signoff", "signoff.json", "--key", "ci.pub.pem", "k8s");
    expect(verified.stdout).toContain("verified: safe to apply");
    expect(verified.code).toBe(0);
  });

  it("fails naming the changed, the added and the removed file", async () => {
    await run("signoff", "k8s", "--key", "ci.key", "--out", "signoff.json");
    write("k8s/settings.yaml", configMap.replace("prod", "prof"));
    write("k8s/extra.yaml", namespace.replace("scout", "other"));
    rmSync(join(dir, "k8s/namespace.yaml"));
    const verified = await run("verify", "--signoff", "signoff.json", "--key", "ci.pub.pem", "k8s");
    expect(verified.code).toBe(1);
    expect(verified.stdout).toContain("FAIL changed file: k8s/settings.yaml");
    expect(verified.stdout).toContain("FAIL extra file: k8s/extra.yaml");
    expect(verified.stdout).toContain("FAIL missing file: k8s/namespace.yaml");
  });

  it("verify walks the paths the sign-off walked: one file of a signed folder is refused, so a file added beside it cannot go out unchecked", async () => {
    await run("signoff", "k8s/", "--key", "ci.key", "--out", "signoff.json");
    const statement = JSON.parse(
      Buffer.from(
        JSON.parse(readFileSync(join(dir, "signoff.json"), "utf8")).payload,
        "base64",
      ).toString(),
    );
    expect(statement.predicate.paths).toEqual(["k8s"]);
    write("k8s/privileged.yaml", namespace.replace("scout", "other"));
    const one = await run(
      "verify",
      "--signoff",
      "signoff.json",
      "--key",
      "ci.pub.pem",
      "k8s/settings.yaml",
      "k8s/namespace.yaml",
    );
    expect(one.code).toBe(1);
    expect(one.stdout).toContain(
      "FAIL paths: signed for k8s, verifying k8s/settings.yaml k8s/namespace.yaml: give verify the paths the sign-off was given",
    );
    const folder = await run("verify", "--signoff", "signoff.json", "--key", "ci.pub.pem", "./k8s");
    expect(folder.code).toBe(1);
    expect(folder.stdout).toContain("FAIL extra file: k8s/privileged.yaml");
    expect(folder.stdout).toContain("ok   paths: k8s, the paths the sign-off was given");
  });

  it("fails when the record was signed by another key", async () => {
    writeKeys("other");
    await run("signoff", "k8s", "--key", "other.key", "--out", "signoff.json");
    const verified = await run("verify", "--signoff", "signoff.json", "--key", "ci.pub.pem", "k8s");
    expect(verified.code).toBe(1);
    expect(verified.stdout).toMatch(/FAIL signature: signed by another key/);
  });

  it("writes an UNSIGNED record without --key, says so, and verify rejects it", async () => {
    const signed = await run("signoff", "k8s", "--out", "signoff.json");
    expect(signed.stderr).toMatch(/^UNSIGNED sign-off record/);
    const verified = await run("verify", "--signoff", "signoff.json", "--key", "ci.pub.pem", "k8s");
    expect(verified.code).toBe(1);
    expect(verified.stdout).toContain("FAIL signature: the record is UNSIGNED");
  });

  it("a file that cannot be read (a dangling link) is named, at sign-off and at verify", async () => {
    await run("signoff", "k8s", "--key", "ci.key", "--out", "signoff.json");
    symlinkSync("nowhere.yaml", join(dir, "k8s/dangling.yaml"));
    const message =
      /^scout-deploy (signoff|verify): k8s\/dangling\.yaml: cannot be read \(ENOENT\): a sign-off binds the bytes of every file it checks\n$/;
    const verified = await run("verify", "--signoff", "signoff.json", "--key", "ci.pub.pem", "k8s");
    expect(verified).toMatchObject({ code: 2, stderr: expect.stringMatching(message) });
    const signed = await run("signoff", "k8s", "--key", "ci.key", "--out", "again.json");
    expect(signed).toMatchObject({ code: 2, stderr: expect.stringMatching(message) });
  });

  it("a record kept among the files it signs is named, not reported as a changed file", async () => {
    const first = await run("signoff", "k8s", "--key", "ci.key", "--out", "k8s/signoff.json");
    expect(first.code).toBe(0);
    const verified = await run(
      ...["verify", "--signoff", "k8s/signoff.json", "--key", "ci.pub.pem", "k8s"],
    );
    expect(verified).toMatchObject({
      code: 2,
      stderr:
        "scout-deploy verify: --signoff k8s/signoff.json is among the files checked (k8s/signoff.json): keep the sign-off record outside the checked paths\n",
    });
    const again = await run("signoff", "k8s", "--key", "ci.key", "--out", "k8s/signoff.json");
    expect(again.code).toBe(2);
    expect(again.stderr).toContain("--out k8s/signoff.json is among the files checked");
  });

  it("exits 2 with one line when a required flag or file is missing", async () => {
    expect(await run("signoff", "k8s")).toMatchObject({
      code: 2,
      stderr: expect.stringMatching(
        /^scout-deploy signoff: --out FILE is required \(- for stdout\)\n$/,
      ),
    });
    expect(await run("verify", "--key", "ci.pub.pem", "k8s")).toMatchObject({ code: 2 });
    const missing = await run("verify", "--signoff", "nope.json", "--key", "ci.pub.pem", "k8s");
    expect(missing).toMatchObject({
      code: 2,
      stderr: expect.stringMatching(/--signoff: file not found: nope.json/),
    });
  });
});

describe("verify --require-fail-on: a pass is worth its threshold", () => {
  const privileged =
    "apiVersion: v1\nkind: Pod\nmetadata:\n  name: root\n  namespace: scout\nspec:\n  hostPID: true\n  containers:\n    - name: app\n      image: scout/app:1.0\n      securityContext:\n        privileged: true\n";

  it("refuses a record signed with --fail-on never, naming the threshold", async () => {
    write("k8s/root.yaml", privileged);
    const signed = await run(
      "signoff",
      "k8s",
      "--key",
      "ci.key",
      "--fail-on",
      "never",
      "--out",
      "signoff.json",
    );
    expect(signed.code).toBe(0);
    const verified = await run("verify", "--signoff", "signoff.json", "--key", "ci.pub.pem", "k8s");
    expect(verified.code).toBe(1);
    expect(verified.stdout).toContain("ok   verdict: pass");
    expect(verified.stdout).toMatch(
      /FAIL threshold: verdict taken at failOn never, below the required error \(failOn never passes whatever is found\)/,
    );
    expect(verified.stdout).toContain("NOT verified: do not apply");
  });

  it("refuses a pass signed at the config's policy.failOn: never too", async () => {
    write("scout-deploy.yaml", "policy:\n  failOn: never\n");
    write("k8s/root.yaml", privileged);
    await run("signoff", "k8s", "--key", "ci.key", "--out", "signoff.json");
    const verified = await run("verify", "--signoff", "signoff.json", "--key", "ci.pub.pem", "k8s");
    expect(verified.code).toBe(1);
    expect(verified.stdout).toContain("FAIL threshold: verdict taken at failOn never");
  });

  it("accepts a pass at the floor, and a lower floor only when asked for", async () => {
    await run("signoff", "k8s", "--key", "ci.key", "--fail-on", "error", "--out", "e.json");
    const atFloor = await run("verify", "--signoff", "e.json", "--key", "ci.pub.pem", "k8s");
    expect(atFloor.stdout).toContain("ok   threshold: verdict taken at failOn error");
    expect(atFloor.code, atFloor.stdout).toBe(0);
    const stricter = await run(
      "verify",
      ...["--signoff", "e.json", "--key", "ci.pub.pem", "--require-fail-on", "warning", "k8s"],
    );
    expect(stricter.code).toBe(1);
    expect(stricter.stdout).toContain("failOn error lets warning findings pass");
    await run("signoff", "k8s", "--key", "ci.key", "--fail-on", "never", "--out", "n.json");
    const lowered = await run(
      "verify",
      ...["--signoff", "n.json", "--key", "ci.pub.pem", "--require-fail-on", "never", "k8s"],
    );
    expect(lowered.code, lowered.stdout).toBe(0);
  });

  it("names a policy: section changed since sign-off: the verdict was taken under another policy", async () => {
    write("scout-deploy.yaml", "# the team's policy\npolicy:\n  failOn: error\n");
    await run("signoff", "k8s", "--key", "ci.key", "--out", "signoff.json");
    const verify = () => run("verify", "--signoff", "signoff.json", "--key", "ci.pub.pem", "k8s");
    const same = await verify();
    expect(same.stdout).toContain("ok   config: scout-deploy.yaml is the signed one");
    expect(same.code).toBe(0);
    write("scout-deploy.yaml", "policy:   {failOn: error}  # reformatted, same meaning\n");
    const reformatted = await verify();
    expect(reformatted.stdout).toContain("ok   config: scout-deploy.yaml differs only in comments");
    expect(reformatted.code).toBe(0);
    write("scout-deploy.yaml", "policy:\n  failOn: error\n  rules:\n    pod/proc-mount: off\n");
    const changed = await verify();
    expect(changed.code).toBe(1);
    expect(changed.stdout).toContain(
      "FAIL config: scout-deploy.yaml changed since sign-off: policy (how the manifests are judged)",
    );
    expect(changed.stdout).toContain("ok   files: the 2 signed file(s) are unchanged");
  });

  it("a config added or removed since sign-off is named", async () => {
    await run("signoff", "k8s", "--key", "ci.key", "--out", "none.json");
    write("scout-deploy.yaml", "policy:\n  failOn: error\n");
    const added = await run("verify", "--signoff", "none.json", "--key", "ci.pub.pem", "k8s");
    expect(added.code).toBe(1);
    expect(added.stdout).toContain(
      "FAIL config: scout-deploy.yaml is used now, but the record was signed without a config file",
    );
    await run("signoff", "k8s", "--key", "ci.key", "--out", "with.json");
    rmSync(join(dir, "scout-deploy.yaml"));
    const removed = await run("verify", "--signoff", "with.json", "--key", "ci.pub.pem", "k8s");
    expect(removed.code).toBe(1);
    expect(removed.stdout).toContain("FAIL config: the record was signed with a config file");
  });

  it("a scout: section changed since sign-off changes the rendered manifests, and both are named", async () => {
    write("scout-deploy.yaml", "scout:\n  namespace: scout\n");
    await run("signoff", "--key", "ci.key", "--out", "signoff.json");
    const same = await run("verify", "--signoff", "signoff.json", "--key", "ci.pub.pem");
    expect(same.stdout).toContain("ok   files:");
    write("scout-deploy.yaml", "scout:\n  namespace: scout\n  security:\n    runAsUser: 0\n");
    const changed = await run("verify", "--signoff", "signoff.json", "--key", "ci.pub.pem");
    expect(changed.code).toBe(1);
    expect(changed.stdout).toMatch(/FAIL changed file: <rendered>\/\S+/);
    expect(changed.stdout).toContain(
      "FAIL config: scout-deploy.yaml changed since sign-off: scout (what is rendered)",
    );
  });

  it("rejects an unknown level with exit 2", async () => {
    const bad = await run(
      "verify",
      ...["--signoff", "s.json", "--key", "ci.pub.pem", "--require-fail-on", "low", "k8s"],
    );
    expect(bad).toMatchObject({
      code: 2,
      stderr: expect.stringContaining(
        '--require-fail-on must be one of error, warning, info, never, not "low"',
      ),
    });
  });
});

describe("signoff and verify check what check checks", () => {
  it("--kubernetes-version is the version the schemas are checked against, not only a label", async () => {
    const signed = await run(
      ...["signoff", "k8s", "--key", "ci.key", "--kubernetes-version", "1.30.0"],
      ...["--out", "signoff.json"],
    );
    expect(signed.code).toBe(2);
    expect(signed.stderr).toContain("--kubernetes-version 1.30.0: the embedded validator bundles");
    expect(existsSync(join(dir, "signoff.json"))).toBe(false);
  });

  it.skipIf(!hasHelm)(
    "a chart signed with its values verifies only when rendered with the same ones",
    async () => {
      cpSync(join(repo, "examples/helm-chart"), join(dir, "chart"), { recursive: true });
      const insecure = ["--values", "chart/values-insecure.yaml"];
      const signed = await run(
        ...["signoff", "chart", "--key", "ci.key", "--fail-on", "never", ...insecure],
        ...["--out", "signoff.json"],
      );
      expect(signed.code, signed.stderr).toBe(0);
      const verify = (...flags: string[]) =>
        run("verify", ...["--signoff", "signoff.json", "--key", "ci.pub.pem", "chart"], ...flags);
      const same = await verify("--require-fail-on", "never", ...insecure);
      expect(same.stdout).toContain("verified: safe to apply");
      const otherValues = await verify("--require-fail-on", "never");
      expect(otherValues.code).toBe(1);
      expect(otherValues.stdout).toContain(
        "FAIL changed file: <rendered>/chart/helm-template.yaml",
      );
      const setAtDeploy = await verify(
        "--require-fail-on",
        "never",
        ...insecure,
        "--set",
        "replicas=9",
      );
      expect(setAtDeploy.code).toBe(1);
      expect(setAtDeploy.stdout).toContain(
        "FAIL changed file: <rendered>/chart/helm-template.yaml",
      );
    },
    60_000,
  );
});

describe("signoff and verify: the Kubernetes version the check used", () => {
  const newest = () => bundledKubernetesVersions().at(-1)!;
  const statementOf = () => {
    const envelope = JSON.parse(readFileSync(join(dir, "signoff.json"), "utf8"));
    return JSON.parse(Buffer.from(envelope.payload, "base64").toString());
  };

  it("records the default version when --kubernetes-version is not given, and verify says it", async () => {
    const signed = await run("signoff", "k8s", "--key", "ci.key", "--out", "signoff.json");
    expect(signed.code, signed.stderr).toBe(0);
    expect(statementOf().predicate.kubernetesVersion).toBe(newest());
    const verified = await run("verify", "--signoff", "signoff.json", "--key", "ci.pub.pem", "k8s");
    expect(verified.code, verified.stdout).toBe(0);
    expect(verified.stdout).toContain(
      `ok   kubernetes: ${newest()}, the version the sign-off checked against (charts rendered for it)`,
    );
  });

  it.skipIf(!hasHelm)(
    "verify renders a chart for the version signed off, not for today's default",
    async () => {
      const oldest = bundledKubernetesVersions()[0]!;
      expect(oldest).not.toBe(newest());
      // A chart that gives newer clusters another Deployment, as charts gated on the version do.
      write("chart/Chart.yaml", "apiVersion: v2\nname: chart\nversion: 0.1.0\n");
      write(
        "chart/templates/cm.yaml",
        `apiVersion: v1
kind: ConfigMap
metadata:
  name: settings
  namespace: scout
data:
  {{- if semverCompare ">=${newest()}-0" .Capabilities.KubeVersion.Version }}
  mode: new
  {{- else }}
  mode: old
  {{- end }}
`,
      );
      const signed = await run(
        ...["signoff", "chart", "--key", "ci.key", "--kubernetes-version", oldest],
        ...["--out", "signoff.json"],
      );
      expect(signed.code, signed.stderr).toBe(0);
      expect(statementOf().predicate.kubernetesVersion).toBe(oldest);
      const verified = await run(
        ...["verify", "--signoff", "signoff.json", "--key", "ci.pub.pem", "chart"],
      );
      expect(verified.stdout).toContain(`ok   kubernetes: ${oldest}, the version the sign-off`);
      expect(verified.stdout).toContain("verified: safe to apply");
      expect(verified.code).toBe(0);
      // Rendered for today's default instead, the chart gives other objects: not the signed ones.
      const forNewest = await run(
        ...["verify", "--signoff", "signoff.json", "--key", "ci.pub.pem", "chart"],
        ...["--kube-version", newest()],
      );
      expect(forNewest.code).toBe(1);
      expect(forNewest.stdout).toContain("FAIL changed file: <rendered>/chart/helm-template.yaml");
    },
    60_000,
  );
});

describe("signoff and verify of a chart rendered with --set-file", () => {
  it.skipIf(!hasHelm)(
    "binds the bytes of each --set-file file, and verify names the file that changed",
    async () => {
      cpSync(join(repo, "examples/helm-chart"), join(dir, "chart"), { recursive: true });
      write("settings/privileged.txt", "false");
      write("settings/banner.txt", "welcome\n");
      const flags = [
        ...["--set-file", "securityContext.privileged=settings/privileged.txt"],
        ...["--set-file", "banner=settings/banner.txt", "--set-string", "image.tag=1.0"],
      ];
      const signed = await run(
        ...["signoff", "chart", "--key", "ci.key", "--fail-on", "never", ...flags],
        ...["--out", "signoff.json"],
      );
      expect(signed.code, signed.stderr).toBe(0);
      const envelope = JSON.parse(readFileSync(join(dir, "signoff.json"), "utf8"));
      const statement = JSON.parse(Buffer.from(envelope.payload, "base64").toString());
      expect(statement.subject.map((s: { name: string }) => s.name)).toEqual(
        expect.arrayContaining(["settings/privileged.txt", "settings/banner.txt"]),
      );
      const verify = (...extra: string[]) =>
        run("verify", "--signoff", "signoff.json", "--key", "ci.pub.pem", "chart", ...extra);
      const same = await verify("--require-fail-on", "never", ...flags);
      expect(same.stdout).toContain("verified: safe to apply");
      expect(same.code).toBe(0);

      // A value no template uses renders the same objects: the file's bytes still count.
      write("settings/banner.txt", "welcome back\n");
      const banner = await verify("--require-fail-on", "never", ...flags);
      expect(banner.code).toBe(1);
      expect(banner.stdout).toContain("FAIL changed file: settings/banner.txt");
      expect(banner.stdout).not.toContain("changed file: <rendered>/chart/helm-template.yaml");
      write("settings/banner.txt", "welcome\n");

      write("settings/privileged.txt", "true");
      const privileged = await verify("--require-fail-on", "never", ...flags);
      expect(privileged.code).toBe(1);
      expect(privileged.stdout).toContain("FAIL changed file: settings/privileged.txt");
      expect(privileged.stdout).toContain("FAIL changed file: <rendered>/chart/helm-template.yaml");
    },
    60_000,
  );
});

describe("verify and the rule packs of policy.plugins", () => {
  // A pack needs no import: loadRulePacks makes each plain rule object a rule.
  const pack = `import { message } from "./messages.mjs";
export const rules = [{
  id: "meta/has-owner",
  meta: { severity: "error", description: "Objects name their team.", remediation: "Add the label team.", messages: { noOwner: message } },
  check(context) {
    for (const object of context.bundle.objects) {
      if (!object.value.metadata?.labels?.team) context.report({ messageId: "noOwner", object, pointer: "/metadata" });
    }
  },
}];
`;

  it("a pack's code changed after sign-off is named, though the config and the manifests are the same", async () => {
    write("scout-deploy.yaml", "policy:\n  plugins: [./packs/owner.mjs]\n");
    write("packs/owner.mjs", pack);
    write("packs/messages.mjs", 'export const message = "no team label";\n');
    write(
      "k8s/namespace.yaml",
      namespace.replace("name: scout", "name: scout\n  labels: {team: a}"),
    );
    write(
      "k8s/settings.yaml",
      configMap.replace("namespace: scout", "namespace: scout\n  labels: {team: a}"),
    );
    const signed = await run("signoff", "k8s", "--key", "ci.key", "--out", "signoff.json");
    expect(signed.code, signed.stderr).toBe(0);
    const verify = () => run("verify", "--signoff", "signoff.json", "--key", "ci.pub.pem", "k8s");
    const same = await verify();
    expect(same.stdout).toContain("ok   rule packs: ./packs/owner.mjs unchanged since sign-off");
    expect(same.code, same.stdout).toBe(0);

    write("packs/messages.mjs", 'export const message = "no team label (checked)";\n');
    const changed = await verify();
    expect(changed.code).toBe(1);
    expect(changed.stdout).toContain(
      "FAIL rule pack: ./packs/owner.mjs changed since sign-off: its code judges the manifests",
    );
    expect(changed.stdout).toContain("ok   config: scout-deploy.yaml is the signed one");
    expect(changed.stdout).toContain("ok   files: the 2 signed file(s) are unchanged");
    expect(changed.stdout).toContain("NOT verified: do not apply");
  });
  it("verify runs no pack code: a pack edited after sign-off is refused before anything trusts it", async () => {
    write("scout-deploy.yaml", "policy:\n  plugins: [./packs/owner.mjs]\n");
    write("packs/messages.mjs", 'export const message = "no team label";\n');
    write("packs/owner.mjs", pack);
    write(
      "k8s/namespace.yaml",
      namespace.replace("name: scout", "name: scout\n  labels: {team: a}"),
    );
    write(
      "k8s/settings.yaml",
      configMap.replace("namespace: scout", "namespace: scout\n  labels: {team: a}"),
    );
    await run("signoff", "k8s", "--key", "ci.key", "--out", "signoff.json");
    // The deploy job holds cluster credentials: an edited pack must not run there.
    write(
      "packs/owner.mjs",
      `import { writeFileSync } from "node:fs";\nwriteFileSync(${JSON.stringify(join(dir, "ran.txt"))}, "pwned");\n${pack}`,
    );
    // A process of its own, as at deploy: this one has the signed pack cached already.
    const verified = spawnSync(
      process.execPath,
      [bin, "verify", "--signoff", "signoff.json", "--key", "ci.pub.pem", "k8s"],
      { cwd: dir, encoding: "utf8" },
    );
    expect(verified.status, verified.stderr).toBe(1);
    expect(verified.stdout).toContain("FAIL rule pack: ./packs/owner.mjs changed since sign-off");
    expect(existsSync(join(dir, "ran.txt"))).toBe(false);
  });
});
