/**
 * How a set of objects is laid out as a repository: which file holds which object, in which
 * order, in which format (YAML, JSON, a `*List`), which YAML style, which key order, in which
 * folder (hidden ones too), beside which files kubectl does not read. None of it changes what
 * `kubectl apply -R -f` sends.
 */
import fc from "fast-check";
import { type KeyOrder, type Obj, ordered, type YamlStyle, yamlDocument } from "../yaml-text.js";

/** `apiVersion kind` of the document that wraps a file's objects as `items`. */
export const LIST_KINDS = [
  "v1 List",
  "apps/v1 DeploymentList",
  "v1 ConfigMapList",
  "example.com/v1 WidgetList",
] as const;

export interface FileLayout {
  folder: string;
  hidden: boolean;
  format: "yaml" | "json" | "list";
  listKind: (typeof LIST_KINDS)[number];
  style: YamlStyle;
  keyOrder: KeyOrder;
  comment: boolean;
  leadingSeparator: boolean;
}

export interface Layout {
  /** For each object, the file that holds it (modulo the number of files). */
  fileOf: number[];
  /** Sort keys of the objects: the order of objects in their file. */
  rank: number[];
  files: FileLayout[];
  /** A README.md and a notes.txt beside the manifests: kubectl reads neither. */
  otherFiles: boolean;
}

/** One file per object in the order given, plain block YAML: the untransformed repository. */
export function plainLayout(count: number): Layout {
  return {
    fileOf: Array.from({ length: count }, (_, i) => i),
    rank: Array.from({ length: count }, (_, i) => i),
    files: Array.from({ length: count }, () => ({ ...PLAIN_FILE })),
    otherFiles: false,
  };
}

const PLAIN_FILE: FileLayout = {
  folder: "",
  hidden: false,
  format: "yaml",
  listKind: "v1 List",
  style: { flow: false, quoteAll: false },
  keyOrder: "as-is",
  comment: false,
  leadingSeparator: false,
};

export interface LayoutOptions {
  formats: boolean;
  styles: boolean;
  lists: boolean;
}

const styleArb = (options: LayoutOptions): fc.Arbitrary<YamlStyle> =>
  options.styles
    ? fc.record({
        flow: fc.boolean(),
        quoteAll: fc.boolean(),
        anchors: fc.boolean(),
        yaml11: fc.option(fc.nat(1000), { nil: undefined }),
      })
    : fc.constant({ flow: false, quoteAll: false });

const fileArb = (options: LayoutOptions): fc.Arbitrary<FileLayout> =>
  fc.record({
    folder: fc.constantFrom("", "", "apps", "apps/scout", ".hidden", "z"),
    hidden: fc.boolean(),
    format: options.formats
      ? fc.constantFrom("yaml" as const, "yaml" as const, "json" as const, "list" as const)
      : options.lists
        ? fc.constantFrom("yaml" as const, "list" as const)
        : fc.constant("yaml" as const),
    listKind: fc.constantFrom(...LIST_KINDS),
    style: styleArb(options),
    keyOrder: fc.constantFrom("as-is" as const, "sorted" as const, "reversed" as const),
    comment: fc.boolean(),
    leadingSeparator: fc.boolean(),
  });

export function layoutArb(count: number, options: LayoutOptions): fc.Arbitrary<Layout> {
  return fc.integer({ min: 1, max: 8 }).chain((files) =>
    fc.record({
      fileOf: fc.array(fc.nat(files - 1), { minLength: count, maxLength: count }),
      rank: fc.array(fc.nat(1000), { minLength: count, maxLength: count }),
      files: fc.array(fileArb(options), { minLength: files, maxLength: files }),
      otherFiles: fc.boolean(),
    }),
  );
}

function pathOf(layout: FileLayout, index: number): string {
  const name = `${layout.hidden ? "." : ""}part-${index}.${layout.format === "json" ? "json" : "yaml"}`;
  return layout.folder ? `${layout.folder}/${name}` : name;
}

function listOf(layout: FileLayout, items: Obj[]): Obj {
  const [apiVersion, kind] = layout.listKind.split(" ") as [string, string];
  return { apiVersion, kind, metadata: {}, items };
}

function fileText(layout: FileLayout, objects: Obj[]): string {
  const values = objects.map((o) => ordered(o, layout.keyOrder) as Obj);
  if (layout.format === "json") {
    const value = values.length === 1 ? values[0]! : listOf(layout, values);
    return `${JSON.stringify(value, null, layout.style.flow ? 0 : 2)}\n`;
  }
  const documents = layout.format === "list" ? [listOf(layout, values)] : values;
  const body = documents.map((d) => `${yamlDocument(d, layout.style).join("\n")}\n`).join("---\n");
  return `${layout.comment ? "# part of Scout\n\n" : ""}${layout.leadingSeparator ? "---\n" : ""}${body}`;
}

/** The repository's files (relative to the manifests folder) for these objects. */
export function writeLayout(objects: readonly Obj[], layout: Layout): Record<string, string> {
  const files: Record<string, string> = {};
  const count = layout.files.length;
  const order = objects.map((_, i) => i).sort((a, b) => layout.rank[a]! - layout.rank[b]! || a - b);
  for (let f = 0; f < count; f++) {
    const held = order.filter((i) => layout.fileOf[i]! % count === f).map((i) => objects[i]!);
    if (held.length) files[pathOf(layout.files[f]!, f)] = fileText(layout.files[f]!, held);
  }
  if (layout.otherFiles) {
    files["README.md"] = "# Scout\n\nkind: Pod\napiVersion: v1\n";
    files["notes.txt"] = "apiVersion: v1\nkind: Pod\nmetadata: { name: not-read }\n";
  }
  return files;
}

/** Each object as block YAML, its namespace left out when it is `namespace`. */
function withoutNamespace(objects: readonly Obj[], namespace: string, dir: string) {
  return objects.map((o, i) => {
    const metadata = { ...(o.metadata as Obj) };
    const inScout = metadata.namespace === namespace;
    if (inScout) delete metadata.namespace;
    const lines = yamlDocument({ ...o, metadata }, { flow: false, quoteAll: false });
    const name = `${dir}/${String(i).padStart(2, "0")}-${String(o.kind).toLowerCase()}.yaml`;
    return { name, lines, inScout };
  });
}

/**
 * The objects as a Kustomize base without namespaces and an overlay that sets Scout's namespace
 * (`namespace:`): what `kubectl apply -k overlay` sends is the objects as they were.
 */
export function kustomizeLayout(
  objects: readonly Obj[],
  namespace: string,
): Record<string, string> {
  const files: Record<string, string> = {};
  const written = withoutNamespace(objects, namespace, "base");
  for (const { name, lines } of written) files[name] = `${lines.join("\n")}\n`;
  files["base/kustomization.yaml"] =
    `resources:\n${written.map(({ name }) => `  - ${name.slice(5)}\n`).join("")}`;
  files["overlay/kustomization.yaml"] = `namespace: ${namespace}\nresources:\n  - ../base\n`;
  return files;
}

/**
 * The objects as a Helm chart whose templates are the objects with Scout's namespace from
 * `.Values.namespace`: `helm template` prints the objects as they were.
 */
export function helmLayout(objects: readonly Obj[], namespace: string): Record<string, string> {
  const files: Record<string, string> = {
    "chart/Chart.yaml": "apiVersion: v2\nname: scout\nversion: 0.1.0\n",
    "chart/values.yaml": `namespace: ${namespace}\n`,
  };
  for (const { name, lines, inScout } of withoutNamespace(objects, namespace, "chart/templates")) {
    const text = `${lines.join("\n")}\n`.replace(/{{/g, '{{ "{{" }}');
    files[name] = inScout
      ? text.replace(/^metadata:\n/m, "metadata:\n  namespace: {{ .Values.namespace }}\n")
      : text;
  }
  return files;
}
