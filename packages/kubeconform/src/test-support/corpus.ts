import { readFileSync } from "node:fs";
import { type Bundle, buildBundle, parseSource } from "@scout-deploy/core";
import { MUTATIONS, mutate, random } from "./mutate.js";

export function fixture(name: string): string {
  return readFileSync(new URL(`../__fixtures__/${name}`, import.meta.url), "utf8");
}

export function bundleOf(yaml: string, file = "test.yaml"): Bundle {
  return buildBundle([parseSource(file, yaml)]);
}

/** Objects that some bundled versions serve and others do not. */
const VERSIONED = [
  {
    apiVersion: "storagemigration.k8s.io/v1",
    kind: "StorageVersionMigration",
    metadata: { name: "m" },
    spec: { resource: { group: "apps", resource: "deployments" } },
  },
  {
    apiVersion: "storage.k8s.io/v1beta1",
    kind: "VolumeAttributesClass",
    metadata: { name: "fast" },
    driverName: "csi.example.com",
  },
];

/**
 * The differential corpus: the valid and invalid fixtures, objects whose apiVersion depends
 * on the Kubernetes version, and `perClass` seeded mutants of every valid object for every
 * class of damage. As one YAML stream of JSON documents, so each object has a line.
 */
export function differentialCorpus(seed: number, perClass: number): Bundle {
  const valid = bundleOf(fixture("valid.yaml")).objects.map((o) => o.value);
  const next = random(seed);
  const mutants: object[] = [];
  for (const object of valid) {
    for (const mutation of MUTATIONS) {
      for (let i = 0; i < perClass; i++) mutants.push(mutate(object, mutation, next).value);
    }
  }
  // A YAML stream of JSON documents: the leading "---" keeps kubectl (and the loader) from
  // reading the file, which would start with "{", as one JSON value.
  const generated = `---\n${[...VERSIONED, ...mutants]
    .map((o) => JSON.stringify(o, null, 1))
    .join("\n---\n")}`;
  return buildBundle([
    parseSource("valid.yaml", fixture("valid.yaml")),
    parseSource("invalid.yaml", fixture("invalid.yaml")),
    parseSource("generated.yaml", generated),
  ]);
}
