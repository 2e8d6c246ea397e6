import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";

/** One fuzz input: the files a user passes to `check`. */
export interface FuzzInput {
  files: { path: string; text: string }[];
}

/** Distinctive values planted where credentials sit; no output may show any part of them. */
export const PLANTED = {
  secretData: "Qm9vWx7Rk2Tz5Lp8Ee",
  stringData: "Hj4Ns8Kd2Vb6Yc1FgU",
  configMap: "Lc6Dv1Sn4Xa8Ko3JrT",
  env: "Zt3Wq9Mx5Ur7Ge2PyH",
} as const;

const b64 = (value: string) => Buffer.from(value).toString("base64");

export const SECRETS_DOCUMENTS = `apiVersion: v1
kind: Secret
metadata: {name: fuzz-secret, namespace: scout}
type: Opaque
data:
  api-token: ${b64(PLANTED.secretData)}
stringData:
  password: ${PLANTED.stringData}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: fuzz-config, namespace: scout}
data:
  DB_PASSWORD: ${PLANTED.configMap}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: fuzz-app, namespace: scout, labels: {app.kubernetes.io/component: backend}}
spec:
  selector: {matchLabels: {app.kubernetes.io/component: backend}}
  template:
    metadata: {labels: {app.kubernetes.io/component: backend}}
    spec:
      containers:
        - name: app
          image: scout/app:1.0
          env:
            - name: API_TOKEN
              value: ${PLANTED.env}
`;

/** Documents of the project's own manifests: the compliant fixture and the examples. */
export function seedDocuments(repoRoot: string): string[] {
  const files = [
    join(repoRoot, "packages/rules/src/fixtures/compliant/scout.yaml"),
    ...readdirSync(join(repoRoot, "examples/manifests"))
      .filter((name) => /\.ya?ml$/.test(name))
      .map((name) => join(repoRoot, "examples/manifests", name)),
  ];
  return files.flatMap((file) =>
    readFileSync(file, "utf8")
      .split(/^---[^\n]*\n/m)
      .filter((document) => /^kind:/m.test(document)),
  );
}

const SNIPPETS = [
  "<<: {hostPID: true, privileged: true}",
  "<<: [*a, *b]",
  "<<: *a",
  "x: &a {privileged: yes, runAsUser: 0}",
  "items: []",
  "items: [{metadata: {name: z}}, {kind: Pod}]",
  "kind: List",
  "---",
  "--- x",
  "...",
  "hostPID: on",
  "privileged: y",
  "runAsUser: 0o0",
  "? [a, b]\n: c",
  "key: !!binary aGVsbG8=",
  "k: !!str 1",
  "k: !!int x",
  "k: !!timestamp 2001-12-14",
  "k: !custom x",
  "*undefined",
  "k: *a",
  "&x",
  "~: null",
  "k: .inf",
  "k: 1e999",
  "k: 123456789012345678901234567890",
  "k: |\n  block\n   text",
  "k: >-\n  folded",
  "'quoted key': v",
  '"\\u0000": "\\ud800"',
  "name: ''",
  "metadata: null",
  "metadata: [a]",
  "apiVersion: 7",
  "containers: {name: x}",
  "securityContext: []",
  "env: [{name: A}]",
  "%YAML 1.1",
  "%TAG ! tag:x,2000:",
  "k: [[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]",
  "\t- tab",
  "#",
];

const FLIPS = [..."-:{}[]&*<#'\"|>!%@`,? \t\r\n\u0000\u00e9\uFEFF\u2028aZ09"];
const SCALARS = [
  "yes",
  "no",
  "0777",
  "~",
  ".nan",
  "''",
  '"x"',
  "1e309",
  "-0",
  "true",
  "null",
  "[]",
];

type Mutation = (text: string) => string;

function atLine(text: string, index: number, edit: (lines: string[], at: number) => void): string {
  const lines = text.split("\n");
  edit(lines, index % Math.max(lines.length, 1));
  return lines.join("\n");
}

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.nat().map((at) => (t: string) => t.slice(0, at % (t.length + 1))),
  fc.tuple(fc.nat(), fc.constantFrom(...FLIPS)).map(([at, c]) => (t: string) => {
    const i = at % (t.length + 1);
    return t.slice(0, i) + c + t.slice(i + 1);
  }),
  fc.nat().map((at) => (t: string) => atLine(t, at, (lines, i) => lines.splice(i, 1))),
  fc.nat().map((at) => (t: string) => atLine(t, at, (lines, i) => lines.splice(i, 0, lines[i]!))),
  fc.tuple(fc.nat(), fc.nat()).map(
    ([a, b]) =>
      (t: string) =>
        atLine(t, a, (lines, i) => {
          const j = b % lines.length;
          [lines[i], lines[j]] = [lines[j]!, lines[i]!];
        }),
  ),
  fc.tuple(fc.nat(), fc.constantFrom(...SNIPPETS)).map(
    ([at, snippet]) =>
      (t: string) =>
        atLine(t, at, (lines, i) => {
          const indent = /^\s*(- )?/.exec(lines[i]!)?.[0].replace("-", " ") ?? "";
          lines.splice(i, 0, ...snippet.split("\n").map((l) => indent + l));
        }),
  ),
  fc.tuple(fc.nat(), fc.integer({ min: -4, max: 4 })).map(
    ([at, by]) =>
      (t: string) =>
        atLine(t, at, (lines, i) => {
          lines[i] = by > 0 ? " ".repeat(by) + lines[i] : lines[i]!.slice(-by);
        }),
  ),
  fc.tuple(fc.nat(), fc.constantFrom(...SCALARS)).map(
    ([at, value]) =>
      (t: string) =>
        atLine(t, at, (lines, i) => {
          lines[i] = lines[i]!.replace(/: .*$/, `: ${value}`);
        }),
  ),
  fc.constant((t: string) => t.replaceAll("\n", "\r\n")),
  fc.constant((t: string) => `\uFEFF${t}`),
);

const mutations = fc.array(mutation, { minLength: 0, maxLength: 4 });

const KEYS = [
  "apiVersion",
  "kind",
  "metadata",
  "name",
  "namespace",
  "labels",
  "annotations",
  "spec",
  "template",
  "containers",
  "initContainers",
  "securityContext",
  "privileged",
  "runAsUser",
  "runAsNonRoot",
  "hostPID",
  "hostNetwork",
  "capabilities",
  "add",
  "drop",
  "image",
  "env",
  "value",
  "valueFrom",
  "secretKeyRef",
  "ports",
  "resources",
  "limits",
  "volumes",
  "hostPath",
  "path",
  "rules",
  "ingress",
  "egress",
  "podSelector",
  "items",
  "data",
  "stringData",
  "subjects",
  "roleRef",
  "<<",
];
const KINDS = [
  "Pod",
  "Deployment",
  "StatefulSet",
  "DaemonSet",
  "Job",
  "CronJob",
  "Service",
  "Ingress",
  "NetworkPolicy",
  "Secret",
  "ConfigMap",
  "Role",
  "ClusterRoleBinding",
  "Namespace",
  "ServiceAccount",
  "PodDisruptionBudget",
  "List",
  "PodList",
];

const { node } = fc.letrec<{ node: unknown }>((tie) => ({
  node: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    fc.oneof(
      fc.boolean(),
      fc.integer(),
      fc.double(),
      fc.constant(null),
      fc.string({ maxLength: 12 }),
    ),
    fc.array(tie("node"), { maxLength: 4 }),
    fc.dictionary(fc.constantFrom(...KEYS), tie("node"), { maxKeys: 5 }),
  ),
}));

/** Kubernetes-shaped objects with random bodies, drawn from the keys rules read. */
const randomObject = fc
  .record({
    apiVersion: fc.constantFrom(
      "v1",
      "apps/v1",
      "batch/v1",
      "networking.k8s.io/v1",
      "rbac.authorization.k8s.io/v1",
    ),
    kind: fc.constantFrom(...KINDS),
    metadata: fc.record({
      name: fc.string({ maxLength: 10 }),
      namespace: fc.constantFrom("scout", "default"),
    }),
    spec: node,
  })
  .map((object) => toYaml(object, 0));

/** Block-style YAML, strings quoted as JSON (which YAML reads), empty collections in flow. */
function toYaml(value: unknown, indent: number): string {
  const pad = " ".repeat(indent);
  if (Array.isArray(value)) {
    if (value.length === 0) return "[]";
    return value.map((v) => `\n${pad}- ${toYaml(v, indent + 2).trimStart()}`).join("");
  }
  if (value && typeof value === "object") {
    const entries = Object.entries(value);
    if (entries.length === 0) return "{}";
    return entries
      .map(([k, v]) => `\n${pad}${JSON.stringify(k)}: ${toYaml(v, indent + 2)}`)
      .join("")
      .trimStart();
  }
  return JSON.stringify(value) ?? "null";
}

const YAMLISH = [..."abk: -\n  {}[],&*<!|>'\"#%@`?~.0123456789\t"];
const randomText = fc
  .array(fc.constantFrom(...YAMLISH), { maxLength: 200 })
  .map((chars) => chars.join(""));

/** Real documents, random objects or random text, with the planted secrets, then mutated. */
export function fuzzInputs(seeds: readonly string[]): fc.Arbitrary<FuzzInput> {
  const seedTexts = fc
    .array(fc.constantFrom(...seeds), { minLength: 1, maxLength: 3 })
    .map((docs) => docs.join("---\n"));
  const randomObjects = fc
    .array(randomObject, { minLength: 1, maxLength: 3 })
    .map((docs) => docs.join("\n---\n"));
  const base = fc.oneof(
    { arbitrary: seedTexts, weight: 5 },
    { arbitrary: randomObjects, weight: 3 },
    { arbitrary: fc.jsonValue().map((v) => JSON.stringify(v)), weight: 1 },
    { arbitrary: randomText, weight: 1 },
  );
  const file = fc.tuple(base, fc.boolean(), mutations).map(([text, secretsFirst, edits]) => {
    const planted = secretsFirst
      ? `${SECRETS_DOCUMENTS}---\n${text}`
      : `${text}\n---\n${SECRETS_DOCUMENTS}`;
    return edits.reduce((t, edit) => edit(t), planted);
  });
  // a second file now and then, for what spans files (duplicate objects, network flows)
  const files = fc.oneof(
    { arbitrary: fc.tuple(file), weight: 4 },
    { arbitrary: fc.tuple(file, file), weight: 1 },
  );
  return files.map((texts) => ({
    files: texts.map((text, i) => ({ path: `manifests/f${i}.yaml`, text })),
  }));
}
