import * as jsyaml from "js-yaml";
import { CORE_SCHEMA, type Type } from "js-yaml";

const mergeType = (jsyaml as unknown as { types: { merge: Type } }).types.merge;

/** YAML 1.2 core schema plus merge keys (`<<`), as Kubernetes' YAML reader accepts them. */
export const KUBE_SCHEMA = CORE_SCHEMA.extend({ implicit: [mergeType] });
