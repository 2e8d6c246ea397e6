import { FAILSAFE_SCHEMA, Type } from "js-yaml";
import { resolvePlain } from "./goyaml/scalar.js";

let resolved: unknown;

/**
 * Plain scalars resolved as kubectl's go-yaml v2 does (YAML 1.1: yes/no/on/off, 0777, 1_000),
 * through one implicit type: js-yaml calls `resolve` and then, at once, `construct`.
 * Documents with merge keys, tags or explicit keys never come here (see source.ts).
 */
const goScalar = new Type("tag:yaml.org,2002:go-yaml-v2", {
  kind: "scalar",
  resolve(text: string) {
    const scalar = resolvePlain(text);
    if (scalar.kind === "str") return false;
    resolved = scalar.value;
    return true;
  },
  construct: () => resolved,
});

/** The fast reading: js-yaml with kubectl's scalar resolution. */
export const KUBE_SCHEMA = FAILSAFE_SCHEMA.extend({ implicit: [goScalar] });
