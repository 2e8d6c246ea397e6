// The corpora of the check benchmark (issue 16), written at any size; the findings-stability test
// (packages/cli/src/findings-stable.test.ts) writes them small and compares the findings.
import { createHash } from "node:crypto";
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { writeCorpus } from "./corpus.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");

const fixture = readFileSync(
  join(root, "packages/rules/src/fixtures/compliant/scout.yaml"),
  "utf8",
);
const objectsPerDeployment = fixture.split(/^---$/m).filter((d) => /^kind:/m.test(d)).length;

/** A strong, distinct token per deployment and key (the same one every run). */
function token(key, deployment) {
  const hash = createHash("sha256").update(`${key}/${deployment}`).digest("base64");
  return Buffer.from(hash).toString("base64");
}

/** Compliant Scout deployments, one per namespace, each with its own tokens. */
function writeDeployments(dir, objects) {
  mkdirSync(dir, { recursive: true });
  for (let i = 0; i < Math.round(objects / objectsPerDeployment); i++) {
    const namespace = `scout-${String(i).padStart(5, "0")}`;
    const text = fixture
      .replace(/^( {2}name| {2}namespace| {4}namespace): scout$/gm, `$1: ${namespace}`)
      .replace("backend.scout.svc", `backend.${namespace}.svc`)
      .replace(
        /^( {2}(?:api-token|redis-password)): .*$/gm,
        (_, key) => `${key}: ${token(key, i)}`,
      );
    writeFileSync(join(dir, `${namespace}.yaml`), text);
  }
}

const COMPONENTS = ["backend", "frontend", "redis", "nginx", "prometheus"];

/** Deployments of every component over 100 namespaces, and no NetworkPolicy at all. */
function writeUnisolated(dir, objects) {
  mkdirSync(dir, { recursive: true });
  const perFile = 100;
  for (let file = 0; file * perFile < objects; file++) {
    const docs = [];
    for (let i = file * perFile; i < Math.min(objects, (file + 1) * perFile); i++) {
      const component = COMPONENTS[i % COMPONENTS.length];
      docs.push(`apiVersion: apps/v1
kind: Deployment
metadata: {name: w-${i}, namespace: ns-${i % 100}}
spec:
  selector: {matchLabels: {id: "w${i}"}}
  template:
    metadata: {labels: {id: "w${i}", app.kubernetes.io/component: ${component}}}
    spec:
      containers: [{name: main, image: "scout/${component}:1.0", ports: [{containerPort: 8000}]}]
`);
    }
    writeFileSync(join(dir, `part-${String(file).padStart(3, "0")}.yaml`), docs.join("---\n"));
  }
}

/** The bench corpus as one file: cutting a file into documents must stay linear in them. */
function writeOneFile(dir, objects) {
  const parts = join(dir, "parts");
  writeCorpus(parts, objects);
  const text = readdirSync(parts)
    .sort()
    .map((f) => readFileSync(join(parts, f), "utf8"))
    .join("---\n");
  rmSync(parts, { recursive: true });
  writeFileSync(join(dir, "all.yaml"), text);
}

export const CORPORA = [
  ["bench corpus", (dir, n) => writeCorpus(dir, n)],
  ["bench corpus in one file", writeOneFile],
  ["compliant deployments", writeDeployments],
  ["no NetworkPolicy", writeUnisolated],
];
