import type { BundleObject, InputProblem, KubeObject } from "./bundle-object.js";
import { clusterIdentity } from "./identity.js";
import type { ObjectRef, Position } from "./model.js";
import { placedRef } from "./namespaces.js";
import { objectMetaProblem } from "./object-meta.js";
import { isRecord, joinPointer } from "./pointer.js";
import { remoteSourceProblems } from "./remote-sources.js";
import type { ParsedSource, SourceDocument } from "./source.js";

export type { BundleObject, InputProblem, KubeObject } from "./bundle-object.js";

/** What was read: built once by `buildBundle`, never changed afterwards. */
export interface Bundle {
  /** Every file read, including those that held no object. */
  readonly files: readonly string[];
  readonly documents: readonly SourceDocument[];
  readonly objects: readonly BundleObject[];
  readonly problems: readonly InputProblem[];
}

interface BundleUnderConstruction {
  files: string[];
  documents: SourceDocument[];
  objects: BundleObject[];
  problems: InputProblem[];
}

/** `problems`: input problems that belong to no file read (folders skipped by the loader). */
export function buildBundle(
  sources: readonly ParsedSource[],
  problems: readonly InputProblem[] = [],
): Bundle {
  const bundle: BundleUnderConstruction = {
    files: [],
    documents: [],
    objects: [],
    problems: [...problems],
  };
  for (const source of sources) {
    bundle.files.push(source.file.path);
    bundle.problems.push(...source.problems);
    for (const document of source.documents) {
      bundle.documents.push(document);
      collectObjects(document, document.value, "", bundle);
    }
  }
  bundle.problems.push(
    ...duplicateObjects(bundle.objects),
    ...remoteSourceProblems(bundle.objects),
  );
  return bundle;
}

function collectObjects(
  document: SourceDocument,
  value: unknown,
  pointer: string,
  bundle: BundleUnderConstruction,
) {
  const missing = missingKubernetesFields(value);
  if (missing && pointer === "" && Array.isArray(value) && value.some(looksLikeObject)) {
    bundle.problems.push(refusedSequence(document, value));
    return;
  }
  if (missing && pointer === "" && holdsObjectText(value)) {
    bundle.problems.push(refusedText(document));
    return;
  }
  if (missing) {
    bundle.problems.push({
      ruleId: "input/not-kubernetes",
      message: `${describeDocument(document, pointer)} is not a Kubernetes object: ${missing}`,
      position: document.locate(pointer),
      path: pointer,
    });
    return;
  }
  const object = value as KubeObject;
  const metaProblem = pointer === "" ? objectMetaProblem(object.metadata) : undefined;
  if (metaProblem) {
    bundle.problems.push({
      ruleId: "input/parse-error",
      message: metaProblem.message,
      position: document.locate(metaProblem.path),
      path: metaProblem.path,
    });
    return;
  }
  if ("items" in object) collectItems(document, object, pointer, bundle);
  else bundle.objects.push({ value: object, ref: refOf(object), document, pointer });
}

/**
 * kubectl's resource builder treats every object with an `items` key as a list, whatever its
 * kind: the object itself is never sent, each item is (an item without kind and apiVersion
 * takes the list's kind less "List" and its apiVersion). A list inside a list, or `items`
 * that is not a list, makes kubectl refuse it.
 */
function collectItems(
  document: SourceDocument,
  list: KubeObject,
  pointer: string,
  bundle: BundleUnderConstruction,
) {
  const items = list.items;
  const itemsPointer = joinPointer(pointer, "items");
  const refuse = (at: string, message: string) =>
    bundle.problems.push({
      ruleId: "input/parse-error",
      message,
      position: document.locate(at),
      path: at,
    });
  if (items === null || (Array.isArray(items) && items.length === 0)) {
    if (!list.kind.endsWith("List")) {
      bundle.problems.push({
        ruleId: "input/ignored-by-kubectl",
        message: `${describeRef(refOf(list))} has "items", so kubectl reads it as an empty list and sends nothing`,
        position: document.locate(itemsPointer),
        path: itemsPointer,
      });
    }
    return;
  }
  if (!Array.isArray(items)) {
    refuse(itemsPointer, `kubectl refuses ${describeRef(refOf(list))}: "items" must be a list`);
    return;
  }
  items.forEach((item, index) => {
    const at = joinPointer(itemsPointer, index);
    const where = `item ${index} of ${describeRef(refOf(list))}`;
    if (isRecord(item) && "items" in item && (item.items === null || Array.isArray(item.items))) {
      refuse(at, `kubectl refuses a list inside a list (${where})`);
    }
    const typed = inheritListType(list, item);
    const missing = missingKubernetesFields(typed);
    if (missing) refuse(at, `kubectl refuses ${where}: ${missing}`);
    else collectObjects(document, typed, at, bundle);
  });
}

/**
 * kubectl refuses a document that is a YAML sequence (or a JSON array): it decodes each document
 * into one object. Objects written as its entries are never sent, and the file fails the apply:
 * an error, where a list of other things stays a note that the file holds no manifest.
 */
function refusedSequence(document: SourceDocument, entries: readonly unknown[]): InputProblem {
  const objects = entries.filter(looksLikeObject).length;
  const those =
    objects === 1 ? "the object in it is never" : `none of the ${objects} objects in it is`;
  return {
    ruleId: "input/parse-error",
    message: `kubectl refuses ${describeDocument(document, "")}: it is a list, not a mapping, so ${those} sent; write each object as a document of its own after a --- line, or as an item of a kind: List`,
    position: document.locate(""),
    path: "",
  };
}

/**
 * kubectl decodes a document that does not start with "{" as YAML: an object behind a `//` or
 * `/* *\/` comment (JSON has none) reads as one string, which kubectl refuses to decode.
 */
function refusedText(document: SourceDocument): InputProblem {
  return {
    ruleId: "input/parse-error",
    message: `kubectl refuses ${describeDocument(document, "")}: it reads as one string, not a mapping, so the object written in it is never sent; JSON has no comments (a YAML comment line starts with #)`,
    position: document.locate(""),
    path: "",
  };
}

function holdsObjectText(value: unknown): boolean {
  return typeof value === "string" && /["']?(?:apiVersion|kind)["']?\s*:/.test(value);
}

function looksLikeObject(value: unknown): boolean {
  return isRecord(value) && ("apiVersion" in value || "kind" in value);
}

function inheritListType(list: KubeObject, item: unknown): unknown {
  if (!isRecord(item) || nonEmptyString(item.kind) || nonEmptyString(item.apiVersion)) return item;
  return { ...item, kind: list.kind.replace(/List$/, ""), apiVersion: list.apiVersion };
}

function nonEmptyString(value: unknown): boolean {
  return typeof value === "string" && value !== "";
}

function missingKubernetesFields(value: unknown): string | undefined {
  if (!isRecord(value))
    return `it is a ${Array.isArray(value) ? "list" : typeof value}, not a mapping`;
  const missing = ["apiVersion", "kind"].filter(
    (k) => typeof value[k] !== "string" || value[k] === "",
  );
  return missing.length ? `no ${missing.map((k) => `"${k}"`).join(" and no ")}` : undefined;
}

function describeDocument(document: SourceDocument, pointer: string): string {
  const base = `document ${document.index + 1}`;
  return pointer ? `${base}, item ${pointer}` : base;
}

export function refOf(object: KubeObject): ObjectRef {
  const metadata = isRecord(object.metadata) ? object.metadata : {};
  const ref: ObjectRef = { apiVersion: object.apiVersion, kind: object.kind };
  // An empty namespace is an unset one: kubectl and the API server put the object in the
  // namespace of the request (-n), as if the field were absent.
  if (typeof metadata.namespace === "string" && metadata.namespace !== "") {
    ref.namespace = metadata.namespace;
  }
  if (typeof metadata.name === "string") ref.name = metadata.name;
  return ref;
}

export function describeRef(ref: ObjectRef): string {
  const name = [ref.namespace, ref.name ?? "(unnamed)"].filter(Boolean).join("/");
  return `${ref.kind ?? "object"} ${name}`;
}

function duplicateObjects(objects: readonly BundleObject[]): InputProblem[] {
  const seen = new Map<string, BundleObject>();
  const problems: InputProblem[] = [];
  const namePosition = (object: BundleObject): Position =>
    object.document.locate(joinPointer(object.pointer, "metadata", "name"));
  for (const object of objects) {
    if (!object.ref.name) continue;
    // One object for the API server: where it lands, not how its namespace is spelt; any version
    // of its group, or the group it moved from.
    const key = clusterIdentity(placedRef({ objects }, object));
    const original = seen.get(key);
    if (!original) {
      seen.set(key, object);
      continue;
    }
    const first = namePosition(original);
    const position = namePosition(object);
    problems.push({
      ruleId: "input/duplicate-object",
      message: `${describeRef(placedRef({ objects }, object))} is defined twice; the other one is at ${first.file}:${first.line}`,
      position,
      path: "/metadata/name",
      object,
    });
  }
  return problems;
}
