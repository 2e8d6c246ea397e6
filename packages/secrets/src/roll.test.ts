import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { buildBundle, parseSource } from "@scout-deploy/core";
import { findTool } from "@scout-deploy/core/testing";
import { describe, expect, it } from "vitest";
import { parseAllDocuments } from "yaml";
import { secretsRotate } from "./commands.js";
import { SECRETS_DIGEST_ANNOTATION, secretsDigest } from "./consumers.js";
import { countingRandom } from "./testing/index.js";

const COMPLIANT = fileURLToPath(
  new URL("../../rules/src/fixtures/compliant/scout.yaml", import.meta.url),
);
const compliant = { path: "k8s/scout.yaml", text: readFileSync(COMPLIANT, "utf8") };
const now = new Date("2026-06-01T12:00:00Z");

function rotate(input: { path: string; text: string }, keys?: string[], seed = "roll") {
  return secretsRotate({ input, out: "-", now, random: countingRandom(seed), keys });
}

// biome-ignore lint/suspicious/noExplicitAny: manifests read back from YAML and JSON, walked by field
type Json = Record<string, any>;

/** Each document of the output by `Kind/name`, as plain values and as written. */
function documentsOf(text: string) {
  const byName = new Map<string, { value: Json; text: string }>();
  for (const document of parseAllDocuments(text)) {
    const value = document.toJS() as Json | null;
    if (!value) continue;
    byName.set(`${value.kind}/${value.metadata.name}`, { value, text: String(document) });
  }
  return byName;
}

function templateAnnotation(text: string, workload: string): string | undefined {
  const value = documentsOf(text).get(workload)?.value;
  return value?.spec?.template?.metadata?.annotations?.[SECRETS_DIGEST_ANNOTATION];
}

describe("secrets rotate rolls the workloads that read the Secret at start", () => {
  it("annotates the backend of the compliant deployment, which reads api-token from env", () => {
    const result = rotate(compliant, ["api-token"]);
    expect(result.exitCode).toBe(0);
    const output = result.output!.text;
    expect(templateAnnotation(output, "Deployment/backend")).toMatch(/^sha256:[0-9a-f]{64}$/);
    // Redis reads redis-password only; the others read no Secret: applying leaves them running.
    for (const untouched of ["StatefulSet/redis", "Deployment/frontend", "Deployment/nginx"])
      expect(templateAnnotation(output, untouched)).toBeUndefined();
    const rolled = result.messages.findIndex((m) =>
      m.includes("rolled when the output is applied"),
    );
    expect(rolled).toBeGreaterThan(0);
    // The line named is the env entry that reads the token.
    const line = compliant.text.split("\n").indexOf("            - name: API_TOKEN") + 1;
    expect(result.messages[rolled + 1]).toMatch(
      new RegExp(
        `^ {2}k8s/scout\\.yaml:${line}: Deployment scout/backend reads scout-secrets through env: `,
      ),
    );
  });

  it("keeps every other document byte for byte; the backend gains one line", () => {
    const output = rotate(compliant, ["api-token"]).output!.text;
    const before = compliant.text.split("\n---\n");
    const after = output.split("\n---\n");
    expect(after.length).toBe(before.length);
    const secretAt = before.findIndex((part) => part.includes("kind: Secret"));
    const digestLine = /\n *scout-deploy\.io\/secrets-digest: sha256:[0-9a-f]{64}(?=\n)/;
    for (const [index, part] of before.entries()) {
      if (index === secretAt) continue;
      const written = after[index]!;
      if (part.includes("name: backend\n") && part.includes("kind: Deployment"))
        expect(written.replace(digestLine, "")).toBe(part);
      else expect(written).toBe(part);
    }
  });

  it("is stable: the digest is a function of the data, so re-applying rolls nothing again", () => {
    const first = rotate(compliant, ["api-token"]).output!.text;
    expect(rotate(compliant, ["api-token"]).output!.text).toBe(first);
    // What the cluster holds after the apply gives the same digest again.
    const bundle = buildBundle([parseSource("out.yaml", first)]);
    const backend = bundle.objects.find((o) => o.ref.name === "backend")!;
    const secret = bundle.objects.find((o) => o.value.kind === "Secret")!.value;
    const digest = secretsDigest(backend, () => secret.data as Record<string, string>);
    expect(templateAnnotation(first, "Deployment/backend")).toBe(digest);
    // Dropping the previous values (nothing expired yet) changes no workload.
    const dropped = secretsRotate({
      input: { path: "out.yaml", text: first },
      out: "-",
      now,
      dropPrevious: true,
    }).output!.text;
    expect(documentsOf(dropped).get("Deployment/backend")!.text).toBe(
      documentsOf(first).get("Deployment/backend")!.text,
    );
  });

  it("changes the digest on the next rotation of a key the backend reads, and rolls Redis too", () => {
    const first = rotate(compliant, ["api-token"]).output!.text;
    const second = rotate({ path: "out.yaml", text: first }, ["redis-password"], "again");
    const output = second.output!.text;
    expect(templateAnnotation(output, "Deployment/backend")).not.toBe(
      templateAnnotation(first, "Deployment/backend"),
    );
    expect(templateAnnotation(output, "StatefulSet/redis")).toMatch(/^sha256:/);
  });

  it("writes nothing of the new values outside the Secret, not even in the notes", () => {
    const result = rotate(compliant);
    expect(result.secretValues.length).toBe(2);
    const outside = [...documentsOf(result.output!.text)]
      .filter(([name]) => name !== "Secret/scout-secrets")
      .map(([, document]) => document.text)
      .join("\n");
    const notes = result.messages.join("\n");
    for (const value of result.secretValues) {
      for (const form of [value, Buffer.from(value).toString("base64")]) {
        expect(outside).not.toContain(form);
        expect(notes).not.toContain(form);
      }
    }
  });
});

const secret = `apiVersion: v1
kind: Secret
metadata: {name: app, namespace: shop}
data: {token: ${Buffer.from("old-token-value-that-is-long-enough").toString("base64")}, other: b3RoZXI=}
`;

function workload(kind: string, podSpec: string, extra = "") {
  const template = `{metadata: {labels: {app: x}}, spec: ${podSpec}}`;
  const spec =
    kind === "CronJob"
      ? `{schedule: "0 * * * *", jobTemplate: {spec: {template: ${template}}}}`
      : `{${extra}selector: {matchLabels: {app: x}}, template: ${template}}`;
  const apiVersion = kind === "Job" || kind === "CronJob" ? "batch/v1" : "apps/v1";
  return `---\napiVersion: ${apiVersion}\nkind: ${kind}\nmetadata: {name: ${kind.toLowerCase()}, namespace: shop}\nspec: ${spec}\n`;
}

const volume = (mount: string) =>
  `{volumes: [{name: s, secret: {secretName: app}}], containers: [{name: c, image: i, volumeMounts: [${mount}]}]}`;
const fromEnv = `{containers: [{name: c, image: i, env: [{name: TOKEN, valueFrom: {secretKeyRef: {name: app, key: token}}}]}]}`;

describe("secrets rotate: how each consumer is treated", () => {
  it("gives no roll to a workload that mounts the Secret as a whole volume, and says why", () => {
    const text = secret + workload("Deployment", volume("{name: s, mountPath: /etc/app}"));
    const result = rotate({ path: "app.yaml", text });
    expect(templateAnnotation(result.output!.text, "Deployment/deployment")).toBeUndefined();
    const note = result.messages.find((m) => m.includes("Deployment shop/deployment"))!;
    expect(note).toMatch(/^ {2}app\.yaml:\d+: .* through volume: .*updates the files in place/);
  });

  it("rolls a workload that mounts a key with subPath: that copy is never refreshed", () => {
    const text =
      secret + workload("Deployment", volume("{name: s, mountPath: /etc/token, subPath: token}"));
    const output = rotate({ path: "app.yaml", text }, ["token"]).output!.text;
    expect(templateAnnotation(output, "Deployment/deployment")).toMatch(/^sha256:/);
  });

  it("does not roll a subPath mount of a key that was not rotated", () => {
    const text =
      secret + workload("Deployment", volume("{name: s, mountPath: /etc/other, subPath: other}"));
    const result = rotate({ path: "app.yaml", text }, ["token"]);
    expect(templateAnnotation(result.output!.text, "Deployment/deployment")).toBeUndefined();
    expect(result.messages.join("\n")).not.toContain("Deployment shop/deployment");
  });

  it("names a Job that reads the Secret, with file:line, and leaves its immutable template alone", () => {
    const text = secret + workload("Job", fromEnv) + workload("CronJob", fromEnv);
    const result = rotate({ path: "jobs.yaml", text });
    const output = result.output!.text;
    expect(documentsOf(output).get("Job/job")!.text).toBe(documentsOf(text).get("Job/job")!.text);
    const stale = result.messages.findIndex((m) => m.includes("NOT restarted"));
    expect(stale).toBeGreaterThan(0);
    const notes = result.messages.slice(stale + 1).join("\n");
    expect(notes).toMatch(/jobs\.yaml:\d+: Job shop\/job reads app through env: a Job's pods/);
    expect(notes).toMatch(/jobs\.yaml:\d+: CronJob shop\/cronjob .*already started keep the old/);
  });

  it("names a bare Pod, and a workload of another namespace is no consumer", () => {
    const pod = `---\napiVersion: v1\nkind: Pod\nmetadata: {name: p, namespace: shop}\nspec: ${fromEnv}\n`;
    const elsewhere = workload("Deployment", fromEnv).replace(
      "namespace: shop",
      "namespace: other",
    );
    const result = rotate({ path: "app.yaml", text: secret + pod + elsewhere });
    const notes = result.messages.join("\n");
    expect(notes).toMatch(/app\.yaml:\d+: Pod shop\/p reads app through env: a bare Pod/);
    expect(notes).not.toContain("other/deployment");
    expect(templateAnnotation(result.output!.text, "Deployment/deployment")).toBeUndefined();
  });

  it("rolls an envFrom reader, and writes the annotation where template metadata was empty", () => {
    const envFrom = `{containers: [{name: c, image: i, envFrom: [{secretRef: {name: app}}]}]}`;
    const text = `${secret}---\napiVersion: apps/v1\nkind: DaemonSet\nmetadata: {name: d, namespace: shop}\nspec:\n  selector: {matchLabels: {app: x}}\n  template:\n    metadata:\n    spec: ${envFrom}\n`;
    const output = rotate({ path: "app.yaml", text }, ["other"]).output!.text;
    expect(templateAnnotation(output, "DaemonSet/d")).toMatch(/^sha256:/);
  });

  it("rolls a workload that is an item of the same List as the Secret", () => {
    const text = `apiVersion: v1
kind: List
items:
  - ${secret.trimEnd().split("\n").join("\n    ")}
  - apiVersion: apps/v1
    kind: Deployment
    metadata: {name: web, namespace: shop}
    spec: {selector: {matchLabels: {app: x}}, template: {metadata: {labels: {app: x}}, spec: ${fromEnv}}}
`;
    const output = rotate({ path: "list.yaml", text }).output!.text;
    const [list] = parseAllDocuments(output).map((d) => d.toJS() as Json);
    const [rotated, web] = list!.items;
    expect(rotated.data.token).not.toBe(
      Buffer.from("old-token-value-that-is-long-enough").toString("base64"),
    );
    expect(web.spec.template.metadata.annotations[SECRETS_DIGEST_ANNOTATION]).toMatch(/^sha256:/);
  });

  it("says so when a StatefulSet's OnDelete strategy keeps its pods until deleted", () => {
    const text = secret + workload("StatefulSet", fromEnv, "updateStrategy: {type: OnDelete}, ");
    const result = rotate({ path: "app.yaml", text });
    expect(templateAnnotation(result.output!.text, "StatefulSet/statefulset")).toMatch(/^sha256:/);
    const stale = result.messages.findIndex((m) => m.includes("NOT restarted"));
    expect(result.messages[stale + 1]).toMatch(/StatefulSet shop\/statefulset .*OnDelete/);
  });

  it("warns when a dropped -previous key is still named by a workload", () => {
    const first = rotate({ path: "app.yaml", text: secret }, ["token"]).output!.text;
    const reader = workload(
      "Deployment",
      `{containers: [{name: c, image: i, env: [{name: OLD, valueFrom: {secretKeyRef: {name: app, key: token-previous}}}]}]}`,
    );
    const result = secretsRotate({
      input: { path: "app.yaml", text: `${first}${reader}` },
      out: "-",
      now: new Date("2027-01-01T00:00:00Z"),
      dropPrevious: true,
    });
    expect(result.messages.join("\n")).toMatch(
      /app\.yaml:\d+: Deployment shop\/deployment .*dropped key: its new pods fail to start/,
    );
  });

  it("leaves workloads alone with roll: false", () => {
    const text = secret + workload("Deployment", fromEnv);
    const result = secretsRotate({
      input: { path: "app.yaml", text },
      out: "-",
      now,
      random: countingRandom("x"),
      roll: false,
    });
    expect(templateAnnotation(result.output!.text, "Deployment/deployment")).toBeUndefined();
    expect(result.messages.join("\n")).toContain("NOT restarted");
  });
});

describe("secrets rotate --consumers: readers in other files", () => {
  const parts = compliant.text.split("\n---\n");
  const secretText = parts.find((part) => /^kind: Secret$/m.test(part))!;
  const appsText = parts.filter((part) => part !== secretText).join("\n---\n");
  const split = (seed: string, roll?: boolean) =>
    secretsRotate({
      input: { path: "k8s/secret.yaml", text: secretText },
      elsewhere: [{ path: "k8s/apps.yaml", text: appsText }],
      out: "-",
      now,
      random: countingRandom(seed),
      keys: ["api-token"],
      ...(roll === undefined ? {} : { roll }),
    });

  it("names each reader of another file with the annotation that rolls it, the one rotate would write", () => {
    const result = split("split");
    const notes = result.messages.join("\n");
    const together = rotate(compliant, ["api-token"], "split").output!.text;
    const digest = templateAnnotation(together, "Deployment/backend")!;
    const line = appsText.split("\n").indexOf("            - name: API_TOKEN") + 1;
    expect(notes).toContain(
      `  k8s/apps.yaml:${line}: Deployment scout/backend reads scout-secrets through env: `,
    );
    expect(notes).toContain(`      ${SECRETS_DIGEST_ANNOTATION}: "${digest}"`);
    expect(notes).toMatch(/in another file, which rotate does not write/);
    expect(notes).toContain("searched k8s/secret.yaml and 1 other file (--consumers)");
    expect(notes).not.toContain("NOT restarted");
    // Only the Secret's file is written.
    expect([...documentsOf(result.output!.text).keys()]).toEqual(["Secret/scout-secrets"]);
  });

  it("lists them as not restarted with roll: false, and says when only FILE was searched", () => {
    expect(split("x", false).messages.join("\n")).toMatch(
      /NOT restarted[^\n]*\n {2}k8s\/apps\.yaml:\d+: Deployment scout\/backend/,
    );
    const alone = rotate({ path: "k8s/secret.yaml", text: secretText }, ["api-token"]);
    expect(alone.messages.at(-1)).toMatch(/only k8s\/secret\.yaml was searched.*--consumers PATH/);
  });

  it("warns of a reader in another file that names a dropped -previous key", () => {
    const first = rotate({ path: "k8s/secret.yaml", text: secretText }, ["api-token"]).output!.text;
    const reader = appsText.replace("key: api-token", "key: api-token-previous");
    const result = secretsRotate({
      input: { path: "k8s/secret.yaml", text: first },
      elsewhere: [{ path: "k8s/apps.yaml", text: reader }],
      out: "-",
      now: new Date("2027-01-01T00:00:00Z"),
      dropPrevious: true,
    });
    expect(result.messages.join("\n")).toMatch(
      /k8s\/apps\.yaml:\d+: Deployment scout\/backend .*dropped key: its new pods fail to start/,
    );
  });
});

const kubectl = findTool("kubectl");

describe.skipIf(!kubectl)("kubectl reads the rolled output as the API server would get it", () => {
  it("sees the digest in the backend's pod template", () => {
    const dir = mkdtempSync(join(tmpdir(), "roll-"));
    try {
      const output = rotate(compliant, ["api-token"]).output!.text;
      writeFileSync(join(dir, "out.yaml"), output);
      const run = spawnSync(
        kubectl!,
        ["annotate", "--local", "-f", join(dir, "out.yaml"), "probe=x", "-o", "json"],
        { encoding: "utf8", env: { ...process.env, KUBECONFIG: "/dev/null" } },
      );
      expect(run.stderr).toBe("");
      // kubectl prints one JSON object after another.
      const items = JSON.parse(`[${run.stdout.replace(/\n}\n{/g, "\n},\n{")}]`) as Json[];
      const backend = items.find((o) => o.kind === "Deployment" && o.metadata.name === "backend")!;
      expect(backend.spec.template.metadata.annotations[SECRETS_DIGEST_ANNOTATION]).toBe(
        templateAnnotation(output, "Deployment/backend"),
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
