import { isRecord, joinPointer } from "./pointer.js";

/**
 * kubectl decodes each document's `metadata` into a typed ObjectMeta before it sends anything
 * (apimachinery's metadataOnlyObject); a field of the wrong JSON type makes it refuse the file
 * ("json: cannot unmarshal number into Go struct field ObjectMeta.metadata.labels of type
 * string"). Items of a list are not decoded so. `null` is Go's zero value: always accepted.
 */
export interface MetaProblem {
  /** JSON Pointer below the document's root. */
  path: string;
  message: string;
}

const STRINGS = ["name", "generateName", "namespace", "selfLink", "uid", "resourceVersion"];
const INTEGERS = ["generation", "deletionGracePeriodSeconds"];
const TIMES = ["creationTimestamp", "deletionTimestamp"];
const STRING_MAPS = ["labels", "annotations"];
const OWNER_STRINGS = ["apiVersion", "kind", "name", "uid"];
const OWNER_BOOLEANS = ["controller", "blockOwnerDeletion"];
/** time.RFC3339, as metav1.Time parses it. */
const RFC3339 = /^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;

export function objectMetaProblem(metadata: unknown): MetaProblem | undefined {
  if (metadata === null || metadata === undefined) return undefined;
  if (!isRecord(metadata)) return wrong("/metadata", metadata, "a mapping (ObjectMeta)");
  return firstOf([
    ...STRINGS.map((key) => () => expect(metadata, key, isString, "a string")),
    ...INTEGERS.map((key) => () => expect(metadata, key, Number.isInteger, "an integer (int64)")),
    ...TIMES.map((key) => () => expect(metadata, key, isTime, "an RFC 3339 time")),
    ...STRING_MAPS.map((key) => () => stringMapProblem(metadata, key)),
    () => listProblem(metadata, "finalizers", (item, at) => check(item, at, isString, "a string")),
    () => listProblem(metadata, "ownerReferences", ownerReferenceProblem),
    () =>
      listProblem(metadata, "managedFields", (item, at) => check(item, at, isRecord, "a mapping")),
  ]);
}

type Check = () => MetaProblem | undefined;

function firstOf(checks: Check[]): MetaProblem | undefined {
  for (const run of checks) {
    const problem = run();
    if (problem) return problem;
  }
  return undefined;
}

function expect(
  record: Record<string, unknown>,
  key: string,
  test: (value: unknown) => boolean,
  wanted: string,
): MetaProblem | undefined {
  return check(record[key], `/metadata/${key}`, test, wanted);
}

function check(
  value: unknown,
  path: string,
  test: (value: unknown) => boolean,
  wanted: string,
): MetaProblem | undefined {
  if (value === null || value === undefined || test(value)) return undefined;
  return wrong(path, value, wanted);
}

function stringMapProblem(metadata: Record<string, unknown>, key: string): MetaProblem | undefined {
  const map = metadata[key];
  const path = `/metadata/${key}`;
  if (map === null || map === undefined) return undefined;
  if (!isRecord(map)) return wrong(path, map, "a mapping of strings");
  for (const [name, value] of Object.entries(map)) {
    const problem = check(value, joinPointer(path, name), isString, "a string");
    if (problem) return problem;
  }
  return undefined;
}

function listProblem(
  metadata: Record<string, unknown>,
  key: string,
  itemProblem: (item: unknown, path: string) => MetaProblem | undefined,
): MetaProblem | undefined {
  const list = metadata[key];
  const path = `/metadata/${key}`;
  if (list === null || list === undefined) return undefined;
  if (!Array.isArray(list)) return wrong(path, list, "a list");
  for (let i = 0; i < list.length; i++) {
    const problem = itemProblem(list[i], `${path}/${i}`);
    if (problem) return problem;
  }
  return undefined;
}

function ownerReferenceProblem(item: unknown, path: string): MetaProblem | undefined {
  if (item === null) return undefined;
  if (!isRecord(item)) return wrong(path, item, "a mapping (OwnerReference)");
  return firstOf([
    ...OWNER_STRINGS.map((key) => () => check(item[key], `${path}/${key}`, isString, "a string")),
    ...OWNER_BOOLEANS.map(
      (key) => () => check(item[key], `${path}/${key}`, isBoolean, "true or false"),
    ),
  ]);
}

function wrong(path: string, value: unknown, wanted: string): MetaProblem {
  const field = path.slice(1).replaceAll("/", ".").replaceAll("~1", "/").replaceAll("~0", "~");
  return {
    path,
    message: `kubectl refuses this document: ${field} is ${describe(value)}, and kubectl reads metadata as ObjectMeta, where it must be ${wanted}`,
  };
}

function describe(value: unknown): string {
  if (Array.isArray(value)) return "a list";
  if (isRecord(value)) return "a mapping";
  if (typeof value === "string") return `the text ${JSON.stringify(value.slice(0, 40))}`;
  return `${typeof value === "number" ? "the number" : "the boolean"} ${String(value)}`;
}

function isString(value: unknown): boolean {
  return typeof value === "string";
}

function isBoolean(value: unknown): boolean {
  return typeof value === "boolean";
}

function isTime(value: unknown): boolean {
  return typeof value === "string" && RFC3339.test(value);
}
