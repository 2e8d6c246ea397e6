import type { Bundle } from "@scout-deploy/core";
import {
  bundledKubernetesVersions,
  type SchemaProblem,
  validateBundle,
} from "@scout-deploy/schema";
import { beforeAll, describe, expect, it } from "vitest";
import { differentialCorpus } from "./test-support/corpus.js";
import { offlineSchemas, realKubeconform } from "./test-support/real-kubeconform.js";
import { runKubeconform } from "./validator.js";

const binary = realKubeconform();

/** What each engine says of each object: "<code> <pointer> <message>" lines, by object. */
function byObject(bundle: Bundle, problems: readonly SchemaProblem[]): string[][] {
  const lines = bundle.objects.map(() => [] as string[]);
  const index = new Map(bundle.objects.map((o, i) => [o, i]));
  for (const p of problems)
    lines[index.get(p.object) ?? -1]?.push(`${p.code} ${p.pointer} ${p.message}`);
  return lines;
}

describe.skipIf(!binary)("differential: the embedded validator and the real kubeconform", () => {
  let schemas = "";
  beforeAll(async () => {
    schemas = await offlineSchemas();
  }, 120_000);

  for (const [i, version] of bundledKubernetesVersions().entries()) {
    it(`agree object by object on Kubernetes ${version}`, async () => {
      const bundle = differentialCorpus(1000 + i, 3);
      const embedded = validateBundle(bundle, { kubernetesVersion: version });
      const kubeconform = await runKubeconform(bundle, {
        binary,
        kubernetesVersion: version,
        schemaLocations: [schemas],
      });
      const ours = byObject(bundle, embedded);
      const theirs = byObject(bundle, kubeconform);
      const disagreements = bundle.objects.flatMap((object, n) =>
        JSON.stringify(ours[n]) === JSON.stringify(theirs[n])
          ? []
          : [
              {
                object: `${object.document.file.path}:${object.document.locate(object.pointer).line}`,
                embedded: ours[n],
                kubeconform: theirs[n],
              },
            ],
      );
      expect(disagreements).toEqual([]);
      // The corpus exercises every class, valid objects too, and both engines saw every object.
      const codes = new Set(embedded.map((p) => p.code));
      for (const code of ["type", "unknown-field", "required", "enum", "no-schema", "unserved"]) {
        expect(codes, `no ${code} problem in the corpus`).toContain(code);
      }
      const clean = ours.filter((lines) => lines.length === 0).length;
      expect(clean).toBeGreaterThan(20);
      expect(bundle.objects.length).toBeGreaterThan(300);
    }, 120_000);
  }
});
