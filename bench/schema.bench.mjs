// Schema validation: the embedded validator against kubeconform on one generated corpus of
// 10,000 objects, measured in one run. Plain node after `pnpm build`:
//   node bench/schema.bench.mjs [objects]
// kubeconform is found as the CLI finds it (KUBECONFORM_PATH, PATH, ~/go/bin); its schemas are
// an offline folder written from the embedded data first (not timed), so both judge alike.
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { availableParallelism, tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { buildBundle, parseSource } from "../packages/core/dist/index.js";
import {
  findKubeconform,
  runKubeconform,
  writeOfflineSchemas,
} from "../packages/kubeconform/dist/index.js";
import { validateBundle } from "../packages/schema/dist/index.js";

const COUNT = Number(process.argv[2] ?? 10_000);
const fixtures = new URL("../packages/kubeconform/src/__fixtures__/", import.meta.url);

/** COUNT objects: the valid fixture's kinds in turn, renamed, one in ten with an unknown field. */
function corpus() {
  const templates = readFileSync(new URL("valid.yaml", fixtures), "utf8").split(/^---$/m);
  const documents = [];
  for (let i = 0; i < COUNT; i++) {
    let text = templates[i % templates.length].replace(/name: ([\w-]+)/, `name: $1-${i}`);
    text = text.trim();
    if (i % 10 === 0) text += "\nstatuz: {}";
    documents.push(text);
  }
  return buildBundle([parseSource("corpus.yaml", documents.join("\n---\n"))]);
}

function time(label, fn) {
  const start = performance.now();
  const result = fn();
  return Promise.resolve(result).then((value) => {
    const ms = performance.now() - start;
    return { label, ms, value };
  });
}

const bundle = corpus();
console.log(
  `schema validation of ${bundle.objects.length} objects (${availableParallelism()} cores)`,
);
const embeddedCold = await time("embedded (first run: decode schemas)", () =>
  validateBundle(bundle),
);
const embeddedWarm = await time("embedded", () => validateBundle(bundle));
const rows = [embeddedCold, embeddedWarm];

const binary = findKubeconform();
if (binary) {
  const schemas = mkdtempSync(join(tmpdir(), "scout-bench-schemas-"));
  await writeOfflineSchemas(schemas);
  const kubeconform = await time("kubeconform v0.7.0 (-strict, offline schemas)", () =>
    runKubeconform(bundle, { binary, schemaLocations: [schemas], workers: availableParallelism() }),
  );
  rows.push(kubeconform);
  rmSync(schemas, { recursive: true, force: true });
} else {
  console.log("kubeconform not found: run scripts/install-kubeconform.sh to compare");
}
for (const { label, ms, value } of rows) {
  const perSecond = Math.round((bundle.objects.length / ms) * 1000);
  console.log(
    `${label.padEnd(48)} ${ms.toFixed(0).padStart(7)} ms  ${String(perSecond).padStart(8)} objects/s  ${value.length} findings`,
  );
}
if (rows.length === 3 && rows[1].value.length !== rows[2].value.length) {
  console.log("warning: the engines disagree on this corpus");
  process.exitCode = 1;
}
