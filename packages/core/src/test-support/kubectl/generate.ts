/**
 * Generates files of YAML (and JSON) documents that are plausible Kubernetes objects with one
 * hard case of YAML reading each, in the fields rules read (hostPID, privileged, runAsUser...).
 * Every object's metadata.name starts with its file's tag ("f0007-..."), so that kubectl's
 * output stream, which does not say where an object came from, can be matched to files.
 * Some files are structural (tree.ts): random trees written with every YAML feature at once.
 */

import type { Random } from "./random.js";
import { COLLIDING_KEYS, type GeneratedFile, treeFile } from "./tree.js";

export { COLLIDING_KEYS, type GeneratedFile };

const TRUES = ["true", "True", "TRUE", "yes", "Yes", "YES", "on", "On", "ON", "y", "Y"];
const FALSES = ["false", "False", "FALSE", "no", "No", "NO", "off", "Off", "OFF", "n", "N"];
const BOOLS = [...TRUES, ...FALSES];
const INTS = [
  "0",
  "00",
  "0777",
  "01000",
  "0o17",
  "0x1F",
  "0X1f",
  "-0x1A",
  "0b101",
  "-0b11",
  "1_000",
  "0_0",
  "0x_1F",
  "1__0",
  "+12",
  "-12",
  "08",
  "09",
  "012345678",
  "1e3",
  "12e3",
  "1.5e3",
  "0.0",
  "190:20:30",
];
const FLOATS = ["1.5", "-1.5", ".5", "1.", "6.8523015e+5", "685.230_15e+03", "1e-3", "+1.0e+2"];
const NULLS = ["~", "null", "Null", "NULL", ""];
const TIMESTAMPS = [
  "2001-12-14",
  "2001-12-14t21:59:43.10-05:00",
  "2001-12-14 21:59:43.10 -5",
  "2002-12-14T00:00:00Z",
];
const QUOTED = [
  '"yes"',
  "'on'",
  '"0777"',
  '"1e3"',
  '"null"',
  "'~'",
  '"y"',
  '"0x1F"',
  '"\\u00e9t\\u00e9"',
  "'it''s'",
  '"tab\\there"',
];
const STRINGS = ["hello", "a b", "-dash", "yes please", "1.2.3", "0x", "0b2", "0o8", "08.5", "_1"];
const SPECIAL_FLOATS = [".inf", "-.Inf", "+.INF", ".nan", ".NaN", ".NAN"];

const scalarPools: Record<string, readonly string[]> = {
  "yaml11-bool": BOOLS,
  "yaml11-int": INTS,
  "yaml11-float": FLOATS,
  "yaml11-null": NULLS,
  timestamp: TIMESTAMPS,
  "quoted-scalar": QUOTED,
  "plain-string": STRINGS,
};

interface Variant {
  classes: string[];
  lines: string[];
}

type VariantMaker = (r: Random) => Variant;

const one = (name: string, lines: string[]): Variant => ({ classes: [name], lines });

/** Lines for the body of a pod spec: each maker is one hard case. */
const podSpecVariants: VariantMaker[] = [
  (r) =>
    one("merge-after-explicit", [
      "hostPID: false",
      `<<: {hostPID: true, hostNetwork: ${r.pick(["true", "false"])}}`,
    ]),
  (r) => ({
    // YAML 1.1 scalars inside and beside a merge: both classes at once
    classes: ["merge-after-explicit", "yaml11-bool"],
    lines: [
      `hostPID: ${r.pick(FALSES)}`,
      `<<: {hostPID: ${r.pick(TRUES)}, hostIPC: ${r.pick(BOOLS)}}`,
    ],
  }),
  (r) =>
    one("merge-before-explicit", [
      `<<: {hostPID: true, hostIPC: ${r.pick(["true", "false"])}}`,
      "hostPID: false",
    ]),
  () =>
    one("merge-several-keys", [
      "<<: {hostPID: true, hostIPC: false}",
      "hostNetwork: false",
      "<<: {hostPID: false, hostNetwork: true}",
    ]),
  (r) =>
    one("merge-list", [
      "x-a: &a {hostPID: true, hostIPC: true}",
      "x-b: &b {hostPID: false, hostNetwork: true}",
      ...(r.chance(0.5) ? ["hostIPC: false"] : []),
      `<<: ${r.pick(["[*a, *b]", "[*b, *a]", "[*a]"])}`,
      ...(r.chance(0.5) ? ["hostNetwork: false"] : []),
    ]),
  (r) =>
    one("merge-list-block", [
      "x-a: &a {hostPID: true}",
      "x-b: &b",
      "  hostPID: false",
      "  hostIPC: true",
      "<<:",
      ...(r.chance(0.5) ? ["  - *a", "  - *b"] : ["  - *b", "  - *a"]),
    ]),
  (r) =>
    one("merge-block-mapping", [
      "securityContext:",
      `  runAsUser: ${r.pick(["1000", "2000"])}`,
      "  <<:",
      "    runAsUser: 0",
      `    runAsNonRoot: ${r.pick(["true", "false"])}`,
    ]),
  () =>
    one("merge-nested", [
      "securityContext:",
      "  <<: {runAsUser: 0, seLinuxOptions: {level: s0, role: r}}",
      "  seLinuxOptions:",
      "    <<: {user: u, level: s1}",
      "    type: t",
    ]),
  (r) =>
    one("merge-alias-chain", [
      "x-base: &base {runAsUser: 0, runAsGroup: 0}",
      `x-mid: &mid {<<: *base, runAsUser: ${r.pick(["1000", "0"])}}`,
      r.pick([
        "securityContext: {runAsNonRoot: true, <<: *mid}",
        "securityContext: {<<: *mid, runAsGroup: 10}",
        "securityContext: {<<: [*mid, *base]}",
      ]),
    ]),
  () => one("merge-quoted-key", [`"<<": {hostPID: true}`, "hostPID: false"]),
  (r) =>
    one("merge-not-a-mapping", [
      "x-s: &s 7",
      `<<: ${r.pick(["1", "[1]", "text", "*s", "[*s]", "~"])}`,
    ]),
  (r) => one("merge-empty", [`<<: ${r.pick(["{}", "[]"])}`, "hostPID: true"]),
  (r) =>
    one("yaml11-bool", [
      `hostPID: ${r.pick(BOOLS)}`,
      `hostNetwork: ${r.pick(BOOLS)}`,
      `automountServiceAccountToken: ${r.pick(BOOLS)}`,
    ]),
  (r) =>
    one("yaml11-int", [
      `securityContext: {runAsUser: ${r.pick(INTS)}, runAsGroup: ${r.pick(INTS)}}`,
      `terminationGracePeriodSeconds: ${r.pick(INTS)}`,
    ]),
  (r) => {
    const value = r.pick(["true", "false", "text", "7"]);
    return one("anchors-aliases", [
      `x-v: &v ${value}`,
      "hostPID: *v",
      "x-l: &l [a, b, {c: *v}]",
      "x-args: *l",
      "x-m: &m {runAsUser: 0}",
      "securityContext: *m",
    ]);
  },
  (r) =>
    one("duplicate-key", [
      `hostPID: ${r.pick(["true", "false"])}`,
      "hostNetwork: false",
      `hostPID: ${r.pick(["true", "false"])}`,
    ]),
  (r) =>
    one(COLLIDING_KEYS, [
      `nodeSelector: ${r.pick([
        '{1: a, "1": b}',
        '{y: a, "true": b}',
        "{yes: a, on: b}",
        "{0x1: a, 1: b}",
        '{"false": a, n: b}',
        "{01: a, 1: b}",
      ])}`,
    ]),
  (r) =>
    one("yaml11-keys", [
      `overhead: {${r.pick(["y", "n", "yes", "off"])}: a, ${r.pick(["0x10", "010", "1_0", "1.5"])}: b, ${r.pick(["2001-12-14", "plain", "'quoted'"])}: c}`,
    ]),
  (r) => ({
    classes: ["lists", "yaml11-bool", "yaml11-int"],
    lines: [
      "tolerations:",
      "- {key: a, operator: Exists}",
      "-   key: b",
      `    value: ${r.pick([...BOOLS, ...INTS])}`,
      "- [nested, [list]]",
      `x-flow: [${r.pick(BOOLS)}, ${r.pick(INTS)}, ${r.pick(NULLS) || "~"}, ${r.pick(QUOTED)}]`,
    ],
  }),
  (r) => one("special-float", [`x-f: ${r.pick(SPECIAL_FLOATS)}`]),
  (r) =>
    one("null-key", [
      `nodeSelector: ${r.pick(["{~: a}", "{null: a}", "{Null: a, b: c}", "{? : a}"])}`,
    ]),
  (r) =>
    one("complex-key", [`nodeSelector: ${r.pick(["{[a]: 1}", "{{a: 1}: 2}", "{? [a, b] : 1}"])}`]),
  (r) =>
    one("alias-as-key", [`x-k: &k ${r.pick(["name", "yes", "10"])}`, "nodeSelector: {*k : v}"]),
];

const containerVariants: VariantMaker[] = [
  (r) => one("yaml11-bool", [`securityContext: {privileged: ${r.pick(BOOLS)}}`]),
  () => one("merge-in-container", ["securityContext:", "  privileged: false", "  <<: *priv"]),
  (r) =>
    one("merge-in-container", [
      `securityContext: {<<: *priv, allowPrivilegeEscalation: ${r.pick(["true", "false"])}}`,
    ]),
  (r) => one("yaml11-int", [`securityContext: {runAsUser: ${r.pick(INTS)}, runAsGroup: 10}`]),
  (r) =>
    one("env-values", [
      "env:",
      `- {name: A, value: ${r.pick([...BOOLS, ...INTS, ...QUOTED])}}`,
      `- name: B`,
      `  value: ${r.pick([...FLOATS, ...TIMESTAMPS, ...STRINGS])}`,
    ]),
];

function indent(lines: readonly string[], by: number): string[] {
  const pad = " ".repeat(by);
  return lines.map((line) => pad + line);
}

function podSpecLines(r: Random, classes: string[]): string[] {
  const spec = r.pick(podSpecVariants)(r);
  const container = r.pick(containerVariants)(r);
  classes.push(...spec.classes, ...container.classes);
  return [
    "x-priv: &priv {privileged: true, allowPrivilegeEscalation: true}",
    ...spec.lines,
    "containers:",
    "- name: app",
    "  image: acme/app:1.0",
    ...indent(container.lines, 2),
  ];
}

function scalarEntries(r: Random, classes: string[], count: number): string[] {
  const lines: string[] = [];
  const names = Object.keys(scalarPools);
  for (let i = 0; i < count; i++) {
    const pool = r.pick(names);
    classes.push(pool);
    lines.push(`k${i}: ${r.pick(scalarPools[pool]!)}`);
  }
  return lines;
}

type DocumentMaker = (r: Random, name: string, classes: string[]) => string[];

const documentMakers: DocumentMaker[] = [
  (r, name, classes) => [
    "apiVersion: v1",
    "kind: Pod",
    "metadata:",
    `  name: ${name}`,
    "spec:",
    ...indent(podSpecLines(r, classes), 2),
  ],
  (r, name, classes) => [
    "apiVersion: apps/v1",
    "kind: Deployment",
    `metadata: {name: ${name}, labels: {app: shop}}`,
    "spec:",
    `  replicas: ${r.pick(["1", "0x2", "03", "1_0"])}`,
    "  template:",
    "    metadata: {labels: {app: shop}}",
    "    spec:",
    ...indent(podSpecLines(r, classes), 6),
  ],
  (r, name, classes) => [
    "apiVersion: v1",
    "kind: ConfigMap",
    "metadata:",
    `  name: ${name}`,
    "data:",
    ...indent(scalarEntries(r, classes, 3), 2),
  ],
  (r, name, classes) => {
    classes.push("secret");
    return [
      "apiVersion: v1",
      "kind: Secret",
      "metadata:",
      `  name: ${name}`,
      "type: Opaque",
      "data: {token: c2VjcmV0}",
      "stringData:",
      ...indent(scalarEntries(r, classes, 2), 2),
    ];
  },
  (r, name, classes) => itemsDocument(r, name, classes),
  (r, name, classes) => {
    // kubectl decodes a document into one object: a list of objects is refused whole.
    classes.push("top-level-sequence");
    const [first, ...rest] = documentMakers[0]!(r, name, classes);
    return [`- ${first}`, ...indent(rest, 2)];
  },
  (r, name, classes) => {
    classes.push("flow-document");
    return [
      `{apiVersion: v1, kind: Pod, metadata: {name: ${name}}, spec: {hostPID: ${r.pick(["true", "false"])},`,
      `  containers: [{name: app, image: "acme/app:1.0",`,
      `  securityContext: {privileged: ${r.pick(["true", "false"])}, runAsUser: ${r.pick(["0", "1000"])}}}]}}`,
    ];
  },
];

/** The last maker writes a flow-style document, which kubectl reads as JSON at a file's start. */
const FLOW_MAKER = documentMakers.length - 1;

const LIST_KINDS = ["List", "PodList", "ConfigMapList", "Foo", "ConfigMap", "Deployment"];

/** kubectl flattens `items` of any kind; items without kind and apiVersion take the list's. */
function itemsDocument(r: Random, name: string, classes: string[], neutral = false): string[] {
  const kind = r.pick(LIST_KINDS);
  classes.push(kind.endsWith("List") ? "items-list-kind" : "items-other-kind");
  const shape = r.int(10);
  if (shape === 0) {
    classes.push("items-empty");
    return ["apiVersion: v1", `kind: ${kind}`, `metadata: {name: ${name}}`, "items: []"];
  }
  if (shape === 1) {
    classes.push("items-not-a-list");
    return ["apiVersion: v1", `kind: ${kind}`, `metadata: {name: ${name}}`, "items: {a: 1}"];
  }
  const lines = ["apiVersion: v1", `kind: ${kind}`];
  if (r.chance(0.5)) lines.push(`metadata: {name: ${name}}`);
  lines.push("items:");
  const count = 1 + r.int(3);
  for (let i = 0; i < count; i++) {
    const type = r.pick([
      "full",
      "full",
      "full",
      "inherit",
      "inherit",
      "inherit",
      "kind-only",
      "apiVersion-only",
    ]);
    if (type !== "full") classes.push(`items-${type}`);
    const typeLines =
      type === "full"
        ? ["apiVersion: v1", "kind: ConfigMap"]
        : type === "kind-only"
          ? ["kind: ConfigMap"]
          : type === "apiVersion-only"
            ? ["apiVersion: v1"]
            : [];
    const body = [...typeLines, `metadata: {name: ${name}-i${i}}`, "data:"];
    body.push(...indent(neutral ? ["a: text"] : scalarEntries(r, classes, 2), 2));
    lines.push(...body.map((line, j) => (j === 0 ? `- ${line}` : `  ${line}`)));
  }
  return lines;
}

function badSeparator(r: Random, classes: string[]): string {
  classes.push("bad-separator");
  return r.pick(["---x", "--- {a: 1}", "---apiVersion: v1", "--- text"]);
}

/** Separators between documents; kubectl refuses a file with text after `---` but a comment. */
function separator(r: Random, classes: string[]): string {
  if (r.chance(0.03)) return badSeparator(r, classes);
  return r.pick(["---", "---", "--- # next", "---   ", "---\t"]);
}

function yamlFile(r: Random, tag: string): GeneratedFile {
  const classes: string[] = [];
  const documents = 1 + r.int(3);
  const parts: string[] = [];
  if (r.chance(0.2)) parts.push("---");
  for (let d = 0; d < documents; d++) {
    if (d > 0) parts.push(separator(r, classes));
    if (r.chance(0.05)) {
      classes.push("empty-document");
      parts.push(r.pick(["# only a comment", ""]), "---");
    }
    const maker = r.int(documentMakers.length);
    if (maker === FLOW_MAKER && parts.length === 0) parts.push("---");
    parts.push(...documentMakers[maker]!(r, `${tag}-d${d}`, classes));
    if (r.chance(0.08)) parts.push(...documentEnd(r, tag, d, classes));
  }
  if (r.chance(0.04)) {
    classes.push("syntax-error");
    parts.push(r.pick(["bad: [unclosed", "  - : :", "\tindented: tab", "key: 'open"]));
  }
  let text = `${parts.join("\n")}\n`;
  if (r.chance(0.05)) {
    // kubectl reads a stream that starts with "{" as JSON, so this file is refused
    classes.push("flow-document-first");
    text = `{apiVersion: v1, kind: ConfigMap, metadata: {name: ${tag}-flow}, data: {a: yes}}\n---\n${text}`;
  }
  if (r.chance(0.15)) text = withComments(r, text, classes);
  if (r.chance(0.1)) {
    classes.push("crlf");
    text = text.replaceAll("\n", "\r\n");
  }
  if (r.chance(0.05)) {
    classes.push("bom");
    text = `\uFEFF${text}`;
  }
  return {
    name: `${tag}.${r.chance(0.2) ? "yml" : "yaml"}`,
    text,
    documents,
    classes,
    pure: false,
  };
}

/** `...` ends a document; kubectl ignores what follows up to the next `---`. */
function documentEnd(r: Random, tag: string, d: number, classes: string[]): string[] {
  classes.push("document-end-marker");
  const after = r.pick([
    [],
    ["ignored: text"],
    ["apiVersion: v1", "kind: Pod", `metadata: {name: ${tag}-d${d}-after-end}`],
    ["bad: [unclosed"],
  ]);
  return ["...", ...after];
}

function withComments(r: Random, text: string, classes: string[]): string {
  classes.push("comments");
  const lines = text.split("\n");
  const out: string[] = [];
  for (const line of lines) {
    if (r.chance(0.1)) out.push(r.pick(["# a comment", "  # indented comment", "#"]));
    const commentable = line !== "" && !line.startsWith("---") && !/['"]/.test(line);
    out.push(commentable && r.chance(0.1) ? `${line} # trailing` : line);
  }
  return out.join("\n");
}

function jsonFile(r: Random, tag: string): GeneratedFile {
  const documents = r.chance(0.2) ? 2 : 1;
  // kubectl reads a file that starts with "{" as a stream of JSON values
  const classes = documents > 1 ? ["json-file", "json-stream"] : ["json-file"];
  const texts: string[] = [];
  for (let d = 0; d < documents; d++) {
    const name = `${tag}-d${d}`;
    const object = r.chance(0.2)
      ? {
          apiVersion: "v1",
          kind: "List",
          items: [
            { apiVersion: "v1", kind: "ConfigMap", metadata: { name: `${name}-i0` } },
            { metadata: { name: `${name}-i1` }, data: { a: "1" } },
          ],
        }
      : {
          apiVersion: "v1",
          kind: "Pod",
          metadata: { name },
          spec: { hostPID: r.chance(0.5), containers: [{ name: "app", image: "acme/app:1.0" }] },
        };
    let text = r.chance(0.5) ? JSON.stringify(object, null, 2) : JSON.stringify(object);
    if (r.chance(0.2)) {
      classes.push("json-duplicate-key");
      text = text.replace('"kind":', '"x":1,"x":2,"kind":');
    }
    if (r.chance(0.2)) {
      classes.push("json-numbers");
      text = text.replace(
        '"kind":',
        `"n":[1e3,1.0,-0,1.5E2,${r.pick(["0.1", "12", "-7"])}],"kind":`,
      );
    }
    texts.push(text);
  }
  let text = `${texts.join("\n")}\n`;
  if (r.chance(0.05)) {
    classes.push("json-syntax-error");
    text = text.replace("}", "},");
  }
  return { name: `${tag}.json`, text, documents, classes, pure: false };
}

const NEUTRAL_CONTAINERS = ["containers:", "- name: app", "  image: acme/app:1.0"];
const PRIV_ANCHOR = "x-priv: &priv {privileged: true, allowPrivilegeEscalation: true}";

function neutralDocument(name: string): string[] {
  return [
    "apiVersion: v1",
    "kind: ConfigMap",
    "metadata:",
    `  name: ${name}`,
    "data:",
    "  a: text",
  ];
}

function podDocument(name: string, specLines: string[]): string[] {
  return [
    "apiVersion: v1",
    "kind: Pod",
    "metadata:",
    `  name: ${name}`,
    "spec:",
    ...indent(specLines, 2),
  ];
}

/** A file with one hard case in neutral documents, so that a difference names its class. */
function pureFile(r: Random, tag: string): GeneratedFile {
  const classes: string[] = [];
  const [first, second] = [`${tag}-d0`, `${tag}-d1`];
  const choice = r.int(5);
  let lines: string[];
  if (choice === 0) {
    const spec = r.pick(podSpecVariants)(r);
    classes.push(...spec.classes);
    lines = podDocument(first, [PRIV_ANCHOR, ...spec.lines, ...NEUTRAL_CONTAINERS]);
  } else if (choice === 1) {
    const container = r.pick(containerVariants)(r);
    classes.push(...container.classes);
    lines = podDocument(first, [PRIV_ANCHOR, ...NEUTRAL_CONTAINERS, ...indent(container.lines, 2)]);
  } else if (choice === 2) {
    const pool = r.pick(Object.keys(scalarPools));
    classes.push(pool);
    const values = Array.from({ length: 3 }, (_, i) => `k${i}: ${r.pick(scalarPools[pool]!)}`);
    lines = [
      "apiVersion: v1",
      "kind: ConfigMap",
      `metadata: {name: ${first}}`,
      "data:",
      ...indent(values, 2),
    ];
  } else if (choice === 3) {
    lines = itemsDocument(r, first, classes, true);
  } else {
    return pureLayoutFile(r, tag, first, second);
  }
  return { name: `${tag}.yaml`, text: `${lines.join("\n")}\n`, documents: 1, classes, pure: true };
}

function pureLayoutFile(r: Random, tag: string, first: string, second: string): GeneratedFile {
  const classes: string[] = [];
  const [a, b] = [neutralDocument(first), neutralDocument(second)];
  const layout = r.int(8);
  const lines =
    layout === 0
      ? [...a, ...documentEnd(r, tag, 0, classes), "---", ...b]
      : layout === 1
        ? [...a, "---", "# only a comment", "---", ...b]
        : layout === 2
          ? [...a, badSeparator(r, classes), ...b]
          : layout === 3
            ? [`{apiVersion: v1, kind: ConfigMap, metadata: {name: ${first}}}`, "---", ...b]
            : layout === 4
              ? [...a, "bad: [unclosed", "---", ...b]
              : [...a, "---", ...b];
  if (layout === 1) classes.push("empty-document");
  if (layout === 3) classes.push("flow-document-first");
  if (layout === 4) classes.push("syntax-error");
  let text = `${lines.join("\n")}\n`;
  if (layout === 5) text = text.replaceAll("\n", "\r\n");
  if (layout === 6) text = `\uFEFF${text}`;
  if (layout === 7) text = withComments(r, text, classes);
  if (layout === 5) classes.push("crlf");
  if (layout === 6) classes.push("bom");
  return { name: `${tag}.yaml`, text, documents: 2, classes, pure: true };
}

export function generateCorpus(r: Random, minDocuments: number): GeneratedFile[] {
  const files: GeneratedFile[] = [];
  let documents = 0;
  while (documents < minDocuments) {
    const tag = `f${String(files.length).padStart(5, "0")}`;
    const kind = r.next();
    const file =
      kind < 0.08
        ? jsonFile(r, tag)
        : kind < 0.33
          ? pureFile(r, tag)
          : kind < 0.55
            ? treeFile(r, tag)
            : yamlFile(r, tag);
    files.push(file);
    documents += file.documents;
  }
  return files;
}
