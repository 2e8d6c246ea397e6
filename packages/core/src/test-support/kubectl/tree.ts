import type { Random } from "./random.js";

/** Files in this class hold keys that collide after resolution: kubectl keeps either value. */
export const COLLIDING_KEYS = "colliding-keys";

/** A generated file (see generate.ts). */
export interface GeneratedFile {
  /** "f0007.yaml": lexical order is generation order (kubectl visits a folder in that order). */
  name: string;
  text: string;
  /** YAML or JSON documents written to the file (a List counts once). */
  documents: number;
  /** The hard cases in the file, for the report of which classes differ. */
  classes: string[];
  /** The file holds one hard case and nothing else: a difference in it is that class's. */
  pure: boolean;
}

/**
 * The structural files of generate.ts's corpus. Where generate.ts writes fixed hard cases
 * into fixed places, these build a random tree under a Kubernetes skeleton (Pod, Deployment,
 * ConfigMap, List) and write every node with a random YAML feature: anchors and aliases,
 * merge keys, tags, YAML 1.1 scalars, quoting and escapes, block scalars, flow collections,
 * explicit and non-string keys, comments, tabs; files get markers, directives, a BOM, CRLF or
 * lone CR line ends. Nothing here knows what kubectl makes of it: kubectl is the oracle.
 * Every object's metadata.name starts with its file's tag, so kubectl's output can be matched.
 */

type Scalar = { t: "scalar"; text: string; flowSafe: boolean };
type Block = { t: "block"; header: string; lines: string[] };
type Alias = { t: "alias"; name: string };
type MapNode = { t: "map"; props: string; entries: Entry[]; flow: boolean };
type SeqNode = { t: "seq"; props: string; items: Node[]; flow: boolean };
type Node = Scalar | Block | Alias | MapNode | SeqNode;
interface LazyEntry {
  key: string;
  explicit: boolean;
  make: () => Node;
}
interface Entry {
  key: string;
  /** `? key` on its own line: any key, however long. */
  explicit: boolean;
  value: Node;
}

const BOOL_WORDS = ["y", "Y", "yes", "Yes", "YES", "n", "N", "no", "No", "NO"];
const ON_OFF = ["on", "On", "ON", "off", "Off", "OFF", "true", "True", "TRUE", "false", "FALSE"];
const ODD_CASE = ["yEs", "tRUE", "oN", "nO", "NuLL", "fAlse"];
const NUMBERS = [
  "0o17",
  "017",
  "0x1F",
  "0X1f",
  "0b101",
  "-0b11",
  "1_000",
  "0x_1F",
  "1:30",
  "190:20:30",
  "1:30.5",
  "+1",
  "-1",
  "1e3",
  "1E3",
  "-1e-3",
  "1.5e+3",
  "-0",
  "-0.0",
  "0.0",
  "007",
  "08",
  "09.5",
  "012345678",
  ".5",
  "5.",
  "+.5",
  "1_0.5",
  "1__0",
  "0b",
  "0x",
  "0o8",
  "9223372036854775807",
  "9223372036854775808",
  "-9223372036854775808",
  "-9223372036854775809",
  "18446744073709551615",
  "18446744073709551616",
  "0xFFFFFFFFFFFFFFFF",
  "123456789012345678901234567890",
  "9007199254740993",
  "1e400",
  "4.9e-325",
  "0.1",
  "3.14159265358979323846",
];
const SPECIALS = [".inf", "-.inf", "+.INF", ".Inf", ".nan", ".NaN", ".NAN", ".inF", ".NAn"];
const NULLS = ["~", "null", "Null", "NULL"];
const TIMESTAMPS = [
  "2001-12-14",
  "2001-12-14t21:59:43.10-05:00",
  "2001-12-14 21:59:43.10 -5",
  "2002-12-14T00:00:00Z",
  "2001-1-1",
];
const WORDS = ["hello", "a b", "-dash", "x-y", "a:b", "a#b", "?q", "1.2.3", "0x", "_1", "é"];
const DOUBLE_QUOTED = [
  '"yes"',
  '"0777"',
  '"1e3"',
  '"null"',
  '"\\x41\\x7e"',
  '"\\u00e9t\\u00e9"',
  '"\\U0001F600"',
  '"a\\Nb\\_c\\Ld\\Pe"',
  '"\\0\\a\\b\\e\\f\\v\\r"',
  '"\\t\\"\\\\\\ "',
  '"tab\there"',
  '""',
  '"it\\\'s"',
  '"#not a comment"',
];
const SINGLE_QUOTED = ["'on'", "'it''s'", "'~'", "''", "'0x1F'", "'a \\n b'"];
const TAGGED = [
  "!!str 0777",
  "!!str yes",
  "!!str",
  '!!int "12"',
  "!!int 0x1F",
  "!!int 1_0",
  "!!bool yes",
  '!!bool "true"',
  "!!float 1",
  '!!float "1e3"',
  '!!null ""',
  "!!null",
  "!!binary aGVsbG8=",
  "!!binary aGVsbG8K",
  "!!timestamp 2001-12-14",
  "!foo bar",
  "!foo 12",
  "!foo",
  "!<tag:yaml.org,2002:str> 12",
  "!<tag:yaml.org,2002:int> 12",
  "! 12",
];
/** Tagged scalars go-yaml cannot decode: each makes kubectl refuse the file. */
const TAGGED_BAD = [
  "!!int 1.5",
  "!!int yes",
  "!!bool 1",
  "!!float text",
  "!!float .inf",
  "!!null x",
  "!!binary not*base64",
  "!!binary aGVs bG8=",
  "!!timestamp text",
  "!!merge x",
];

/** Spellings of one JSON key per group: keys of different groups never collide. */
const KEY_GROUPS: readonly (readonly string[])[] = [
  ["true", "y", "Y", "yes", "on", "ON", '"true"', "!!str true"],
  ["false", "n", "no", "Off", '"false"'],
  ["1", '"1"', "0x1", "01", "+1", "!!str 1", "1_"],
  ["10", "0xA", "012", "1_0", "0b1010", '"10"'],
  ["1.5", "15e-1", '"1.5"', "1.50"],
  ["1e+06", "1e6", "1000000.0", '"1e+06"'],
  ["0.1", ".1", '"0.1"'],
  ["null-ish", "~", "null", "Null", "''", '""'],
  ["2001-12-14", '"2001-12-14"'],
  ["a", '"a"', "'a'", "!!str a", "! a"],
  ["b-c", '"b-c"'],
  ["<<", '"<<"', "'<<'", "!!str <<"],
  ["=", '"="'],
];
const PLAIN_KEYS = ["name", "value", "image", "hostPID", "privileged", "runAsUser", "key"];

/**
 * Features that make kubectl refuse the file. Each file gets at most one (most get none): with
 * every node free to refuse, nearly every file would be refused and few values compared.
 */
const HAZARDS = [
  "special-float",
  "tag-undecodable",
  "tag-collection-mismatch",
  "anchor-odd-name",
  "key-too-long",
  "key-null",
  "key-collection",
  "alias-across-documents",
  "merge-non-map",
  "merge-recursive",
  "escape-yaml12-only",
  "labels-not-strings",
  "tab-after-indicator",
  "directive",
  "document-starts-with-end",
] as const;
type Hazard = (typeof HAZARDS)[number];

class Builder {
  readonly classes = new Set<string>();
  private readonly hazard: Hazard | undefined;
  private readonly anchors: { name: string; kind: Node["t"] }[] = [];
  private readonly open: string[] = [];
  private serial = 0;

  constructor(private readonly r: Random) {
    this.hazard = r.chance(0.4) ? r.pick(HAZARDS) : undefined;
  }

  /** True, now and then, when this file's hazard is `name`. */
  risk(name: Hazard, probability = 0.3): boolean {
    if (this.hazard !== name || !this.r.chance(probability)) return false;
    this.mark(name);
    return true;
  }

  /** Anchors are a document's own: an alias to another document's anchor is an error. */
  newDocument() {
    if (this.anchors.length > 0 && this.risk("alias-across-documents", 0.5)) return;
    this.anchors.length = 0;
  }

  private mark(name: string) {
    this.classes.add(name);
  }

  private anchorName(): string {
    this.serial++;
    if (this.risk("anchor-odd-name")) {
      return this.r.pick([
        `a.${this.serial}`,
        `a/${this.serial}`,
        `ä${this.serial}`,
        `a${this.serial}:`,
      ]);
    }
    return this.r.pick([`a${this.serial}`, `b_${this.serial}`, `c-${this.serial}`]);
  }

  /** `&name` (and maybe a tag) before a collection; the anchor becomes usable once it is built. */
  private collectionProps(kind: "map" | "seq"): { props: string; anchor?: string } {
    const parts: string[] = [];
    let anchor: string | undefined;
    if (this.r.chance(0.25)) {
      anchor = this.anchorName();
      parts.push(`&${anchor}`);
      this.mark(`anchor-${kind}`);
    }
    if (this.r.chance(0.06)) {
      const tag = this.risk("tag-collection-mismatch", 0.5)
        ? this.r.pick(kind === "map" ? ["!!seq", "!!str", "!!int"] : ["!!map", "!!str"])
        : this.r.pick([kind === "map" ? "!!map" : "!!seq", "!foo"]);
      parts.push(tag);
      this.mark(`tag-${kind}`);
    }
    return { props: parts.join(" "), anchor };
  }

  scalar(inFlow: boolean): Node {
    const r = this.r;
    const alias = this.maybeAlias();
    if (alias) return alias;
    const choice = r.int(100);
    let text: string;
    let flowSafe = true;
    if (choice < 12) {
      this.mark("yaml11-bool");
      text = r.pick([...BOOL_WORDS, ...ON_OFF, ...ODD_CASE]);
    } else if (choice < 30) {
      this.mark("yaml11-number");
      text = r.pick(NUMBERS);
      if (text.includes(":")) flowSafe = false;
    } else if (choice < 33 && this.risk("special-float", 0.5)) {
      text = r.pick(SPECIALS);
    } else if (choice < 37) {
      this.mark("null");
      text = r.pick(NULLS);
    } else if (choice < 41) {
      this.mark("timestamp");
      text = r.pick(TIMESTAMPS);
      flowSafe = !text.includes(":");
    } else if (choice < 50) {
      this.mark("plain-string");
      text = r.pick(WORDS);
      flowSafe = !/[:#?]/.test(text);
    } else if (choice < 62) {
      this.mark("double-quoted");
      text = this.risk("escape-yaml12-only") ? r.pick(['"\\/"', '"a\\/b"']) : r.pick(DOUBLE_QUOTED);
      if (!inFlow && r.chance(0.15)) {
        this.mark("double-quoted-folded");
        text = r.pick([
          '"folded\n  line"',
          '"kept\n\n  break"',
          '"escaped \\\n  break"',
          '"tab\\t\n   x"',
        ]);
      }
    } else if (choice < 68) {
      this.mark("single-quoted");
      text = r.pick(SINGLE_QUOTED);
      if (!inFlow && r.chance(0.15)) {
        this.mark("single-quoted-folded");
        text = "'two\n  lines'";
      }
    } else if (choice < 80) {
      this.mark("tag-scalar");
      text = this.risk("tag-undecodable") ? r.pick(TAGGED_BAD) : r.pick(TAGGED);
      if (inFlow && text.endsWith("!foo")) text = `${text} x`;
    } else if (!inFlow && r.chance(0.1)) {
      this.mark("plain-multiline");
      text = r.pick(["folded\n  plain words", "two\n\n  paragraphs", "yes\n  no"]);
    } else if (!inFlow && r.chance(0.05)) {
      this.mark("null-empty");
      text = "";
    } else {
      text = `v${r.int(100)}`;
    }
    if (r.chance(0.08)) {
      const anchor = this.anchorName();
      this.mark("anchor-scalar");
      text = `&${anchor} ${text}`;
      this.anchors.push({ name: anchor, kind: "scalar" });
    }
    return { t: "scalar", text, flowSafe };
  }

  private maybeAlias(): Alias | undefined {
    if (this.anchors.length === 0 || !this.r.chance(0.12)) return undefined;
    const target = this.r.pick(this.anchors);
    this.mark(`alias-of-${target.kind}`);
    return { t: "alias", name: target.name };
  }

  blockScalar(): Block {
    const r = this.r;
    this.mark("block-scalar");
    const style = r.pick(["|", ">"]);
    const chomp = r.pick(["", "-", "+"]);
    const indicator = r.chance(0.3) ? String(1 + r.int(3)) : "";
    const header = r.chance(0.5) ? `${style}${indicator}${chomp}` : `${style}${chomp}${indicator}`;
    const extra = indicator ? " ".repeat(Number(indicator)) : "  ";
    const lines: string[] = [];
    if (r.chance(0.2)) lines.push("");
    const count = 1 + r.int(4);
    for (let i = 0; i < count; i++) {
      const kind = r.int(6);
      if (kind === 0) lines.push("");
      else if (kind === 1) lines.push(`  more indented ${i}`);
      else if (kind === 2) lines.push(`text\twith tab ${i}`);
      else lines.push(r.pick(["line", "yes", "# not a comment", "key: value", "- item"]));
    }
    for (let i = r.int(3); i > 0; i--) lines.push("");
    if (r.chance(0.1)) lines.push("# a comment after the scalar?");
    return {
      t: "block",
      header: r.chance(0.1) ? `${header} # comment` : header,
      lines: lines.map((l) => (l === "" ? "" : extra + l)),
    };
  }

  /** Keys of one mapping: distinct groups, unless a duplicate or a collision is wanted. */
  private keys(count: number): { key: string; explicit: boolean }[] {
    const r = this.r;
    const keys: { key: string; explicit: boolean }[] = [];
    const usedGroups = new Set<number>();
    for (let i = 0; i < count; i++) {
      let key: string;
      if (r.chance(0.25)) {
        const group = r.int(KEY_GROUPS.length);
        if (usedGroups.has(group)) continue;
        usedGroups.add(group);
        key = r.pick(KEY_GROUPS[group]!);
        this.mark("key-yaml11");
      } else key = `${r.pick(PLAIN_KEYS)}${i}`;
      let explicit = false;
      if (r.chance(0.02)) {
        this.mark("key-long");
        const tooLong = this.risk("key-too-long", 0.5);
        key = `${"k".repeat(tooLong ? r.pick([1024, 1025, 1100]) : r.pick([100, 1000, 1022]))}${i}`;
        explicit = r.chance(0.5);
      } else if (r.chance(0.04)) {
        explicit = true;
        this.mark("key-explicit");
      }
      keys.push({ key, explicit });
    }
    if (keys.length > 0 && r.chance(0.05)) {
      this.mark("duplicate-key");
      keys.push({ ...r.pick(keys) });
    }
    if (r.chance(0.04)) {
      this.mark(COLLIDING_KEYS);
      const group = r.pick(KEY_GROUPS.slice(0, 5));
      keys.push({ key: group[0]!, explicit: false }, { key: group[1]!, explicit: false });
    }
    if (this.risk("key-null")) {
      keys.push({ key: r.pick(["~", "null", "!!null x"]), explicit: false });
    }
    if (this.risk("key-collection")) {
      keys.push({ key: r.pick(["[a, b]", "{a: 1}"]), explicit: r.chance(0.5) });
    }
    const scalars = this.anchors.filter((a) => a.kind === "scalar" || this.risk("key-collection"));
    if (scalars.length > 0 && r.chance(0.03)) {
      const target = r.pick(scalars);
      this.mark(`key-alias-of-${target.kind}`);
      keys.push({ key: `*${target.name}`, explicit: false });
    }
    return keys;
  }

  value(depth: number, inFlow: boolean): Node {
    const r = this.r;
    if (depth <= 0 || r.chance(0.45)) {
      if (!inFlow && r.chance(0.1)) return this.blockScalar();
      return this.scalar(inFlow);
    }
    const alias = this.maybeAlias();
    if (alias) return alias;
    return r.chance(0.6) ? this.map(depth - 1, inFlow) : this.seq(depth - 1, inFlow);
  }

  /**
   * Entries are placed first and built in document order, so that an alias only ever names an
   * anchor written before it (else kubectl refuses the file, and most files would be refused).
   */
  map(depth: number, inFlow: boolean, fixed: LazyEntry[] = []): MapNode {
    const r = this.r;
    const flow = inFlow || (fixed.length === 0 && r.chance(0.25));
    if (flow) this.mark("flow-map");
    const { props, anchor } = fixed.length === 0 ? this.collectionProps("map") : { props: "" };
    if (anchor) this.open.push(anchor);
    const slots: LazyEntry[] = [...fixed];
    const place = (slot: LazyEntry) => slots.splice(r.int(slots.length + 1), 0, slot);
    for (const { key, explicit } of this.keys(r.int(5))) {
      const anchored = !explicit && /^\w+$/.test(key) && r.chance(0.03);
      const anchor = anchored ? this.anchorName() : undefined;
      if (anchor) this.mark("anchor-key");
      const make = () => {
        // the key's anchor is defined where the key is written, before its value
        if (anchor) this.anchors.push({ name: anchor, kind: "scalar" });
        return this.value(depth, flow);
      };
      place({ key: anchor ? `&${anchor} ${key}` : key, explicit, make });
    }
    if (r.chance(0.2)) {
      const key = r.pick(["<<", "<<", "<<", "!!merge <<", '!!merge "<<"']);
      place({ key, explicit: false, make: () => this.mergeValue(flow) });
    }
    const entries = slots.map(({ key, explicit, make }) => ({ key, explicit, value: make() }));
    if (anchor) {
      this.open.pop();
      this.anchors.push({ name: anchor, kind: "map" });
    }
    return { t: "map", props, entries, flow };
  }

  /** `<<` entries: an alias, a list of aliases, an inline map, or something kubectl refuses. */
  private mergeValue(flow: boolean): Node {
    const r = this.r;
    const maps = this.anchors.filter((a) => a.kind === "map");
    const others = this.anchors.filter((a) => a.kind !== "map");
    let value: Node;
    const choice = r.int(10);
    if (choice < 4 && maps.length > 0) {
      this.mark("merge-alias");
      value = { t: "alias", name: r.pick(maps).name };
    } else if (choice < 6 && maps.length > 1) {
      this.mark("merge-list");
      const items: Node[] = [r.pick(maps), r.pick(maps)].map((a) => ({ t: "alias", name: a.name }));
      if (r.chance(0.3)) items.push(this.map(0, true));
      value = { t: "seq", props: "", items, flow: flow || r.chance(0.6) };
    } else if (choice < 8) {
      this.mark("merge-inline");
      value = this.map(1, flow || r.chance(0.5));
    } else if (others.length > 0 && this.risk("merge-non-map")) {
      this.mark("merge-non-map-alias");
      value = { t: "alias", name: r.pick(others).name };
    } else if (this.open.length > 0 && this.risk("merge-recursive")) {
      value = { t: "alias", name: r.pick(this.open) };
    } else if (this.risk("merge-non-map")) {
      value = { t: "scalar", text: r.pick(["1", "~", "text", "[]", "{}"]), flowSafe: true };
    } else {
      this.mark("merge-inline");
      value = this.map(0, true);
    }
    return value;
  }

  seq(depth: number, inFlow: boolean): SeqNode {
    const r = this.r;
    const flow = inFlow || r.chance(0.3);
    if (flow) this.mark("flow-seq");
    const { props, anchor } = this.collectionProps("seq");
    if (anchor) this.open.push(anchor);
    const items: Node[] = [];
    for (let i = r.int(4); i > 0; i--) items.push(this.value(depth, flow));
    if (anchor) {
      this.open.pop();
      this.anchors.push({ name: anchor, kind: "seq" });
    }
    return { t: "seq", props, items, flow };
  }

  /** The root of one object: a skeleton whose body is random. */
  object(name: string, depth: number): MapNode {
    const r = this.r;
    const kind = r.pick(["Pod", "Deployment", "ConfigMap", "Secret", "Foo"]);
    const plain = (text: string): Scalar => ({ t: "scalar", text, flowSafe: true });
    const body = kind === "ConfigMap" || kind === "Secret" ? "data" : "spec";
    const fixed: LazyEntry[] = [
      {
        key: "apiVersion",
        explicit: false,
        make: () => plain(kind === "Deployment" ? "apps/v1" : "v1"),
      },
      { key: "kind", explicit: false, make: () => plain(kind) },
      { key: "metadata", explicit: false, make: () => this.metadata(name) },
      { key: body, explicit: false, make: () => this.map(depth, false) },
    ];
    return this.map(depth, false, fixed);
  }

  private metadata(name: string): MapNode {
    const flow = this.r.chance(0.3);
    const entries: Entry[] = [
      { key: "name", explicit: false, value: { t: "scalar", text: name, flowSafe: true } },
    ];
    if (this.r.chance(0.4))
      entries.push({ key: "labels", explicit: false, value: this.labels(flow) });
    return { t: "map", props: "", entries, flow };
  }

  /** kubectl decodes metadata into ObjectMeta: labels are strings, else it refuses the file. */
  private labels(flow: boolean): Node {
    if (this.risk("labels-not-strings")) {
      return this.map(1, flow);
    }
    const value = (text: string): Scalar => ({ t: "scalar", text, flowSafe: true });
    const entries = ["app", "tier"].map((key) => ({
      key,
      explicit: false,
      value: value(this.r.pick(['"yes"', "'0777'", "web", "!!str 1", '"1e3"', "~"])),
    }));
    return { t: "map", props: "", entries, flow };
  }

  /** A List, or any kind with items: kubectl sends each item. */
  list(name: string, depth: number): MapNode {
    const r = this.r;
    const kind = r.pick(["List", "PodList", "ConfigMapList", "Deployment"]);
    this.mark(kind === "Deployment" ? "items-other-kind" : "items-list");
    const items = Array.from({ length: 1 + r.int(3) }, (_, i) => {
      const item = this.object(`${name}-i${i}`, depth);
      if (r.chance(0.3)) {
        this.mark("items-inherit");
        item.entries = item.entries.filter((e) => e.key !== "apiVersion" && e.key !== "kind");
      }
      return item;
    });
    const plain = (text: string): Scalar => ({ t: "scalar", text, flowSafe: true });
    return {
      t: "map",
      props: "",
      flow: false,
      entries: [
        { key: "apiVersion", explicit: false, value: plain("v1") },
        { key: "kind", explicit: false, value: plain(kind) },
        {
          key: "metadata",
          explicit: false,
          value: {
            t: "map",
            props: "",
            flow: true,
            entries: [{ key: "name", explicit: false, value: plain(name) }],
          },
        },
        { key: "items", explicit: false, value: { t: "seq", props: "", items, flow: false } },
      ],
    };
  }
}

/** Renders nodes as YAML text, with random layout: comments, tabs, trailing commas. */
class Writer {
  private readonly classes: Set<string>;

  constructor(
    private readonly r: Random,
    private readonly builder: Builder,
  ) {
    this.classes = builder.classes;
  }

  /** go-yaml takes a tab after `-`, `?` and an explicit key's `:` for a token: it refuses it. */
  private tabAllowed(afterIndicator: boolean): boolean {
    return !afterIndicator || this.builder.risk("tab-after-indicator", 0.5);
  }

  private comment(afterIndicator = false): string {
    if (!this.r.chance(0.06)) return "";
    this.classes.add("comments");
    const tab = this.tabAllowed(afterIndicator) && this.r.chance(0.3);
    return tab ? "\t# tab then comment" : this.r.pick([" # c", "  #c"]);
  }

  inline(node: Node): string {
    switch (node.t) {
      case "scalar":
        return node.text;
      case "alias":
        return `*${node.name}`;
      case "block":
        return '"block in flow"';
      case "map":
        return this.flowMap(node);
      case "seq":
        return this.flowSeq(node);
    }
  }

  private withProps(props: string, body: string): string {
    return props ? `${props} ${body}` : body;
  }

  private trailingComma(count: number): string {
    if (count === 0 || !this.r.chance(0.15)) return "";
    this.classes.add("flow-trailing-comma");
    return ",";
  }

  private flowItem(node: Node): string {
    // a plain scalar with ':' or '#' cannot stand in flow context
    if (node.t === "scalar" && !node.flowSafe) return JSON.stringify(node.text);
    return this.inline(node);
  }

  private flowMap(node: MapNode): string {
    const parts = node.entries.map((e) => {
      const key = e.explicit ? `? ${e.key}` : e.key;
      const value = this.flowItem(e.value);
      const gap = e.key.startsWith("*") ? " " : "";
      return `${key}${gap}: ${value}`;
    });
    const body = `{${parts.join(this.flowSeparator())}${this.trailingComma(parts.length)}}`;
    return this.withProps(node.props, body);
  }

  /** Now and then a flow collection spans lines. */
  private flowSeparator(): string {
    if (!this.r.chance(0.1)) return ", ";
    this.classes.add("flow-multiline");
    return ",\n  ";
  }

  private flowSeq(node: SeqNode): string {
    const parts = node.items.map((item) => this.flowItem(item));
    if (parts.length > 0 && this.r.chance(0.1)) {
      this.classes.add("flow-implicit-key");
      parts.push(`k${this.r.int(9)}: ${this.r.pick(["v", "yes", "1"])}`);
    }
    const body = `[${parts.join(this.flowSeparator())}${this.trailingComma(parts.length)}]`;
    return this.withProps(node.props, body);
  }

  /** A node as the value after `key:` or `-`: its first-line text and its following lines. */
  private valueLines(
    node: Node,
    indent: number,
    afterIndicator: boolean,
  ): { head: string; rest: string[] } {
    if (node.t === "block") {
      return {
        head: ` ${node.header}`,
        rest: node.lines.map((l) => (l === "" ? l : " ".repeat(indent) + l)),
      };
    }
    if (node.t === "map" && !node.flow && node.entries.length > 0) {
      const head = node.props ? ` ${node.props}` : "";
      return { head: head + this.comment(afterIndicator), rest: this.blockMap(node, indent) };
    }
    if (node.t === "seq" && !node.flow && node.items.length > 0) {
      const head = node.props ? ` ${node.props}` : "";
      const at = this.r.chance(0.5) ? Math.max(indent - 2, 0) : indent;
      return { head: head + this.comment(afterIndicator), rest: this.blockSeq(node, at) };
    }
    const text = this.inline(node);
    const tab = this.r.chance(0.04) && this.tabAllowed(afterIndicator);
    if (tab) this.classes.add("tab-separator");
    const separator = tab ? "\t" : " ";
    const indented = text.replaceAll("\n", `\n${" ".repeat(indent)}`);
    return { head: separator + indented + (text.includes("\n") ? "" : this.comment()), rest: [] };
  }

  blockMap(node: MapNode, indent: number): string[] {
    const pad = " ".repeat(indent);
    const lines: string[] = [];
    node.entries.forEach((entry, i) => {
      if (i > 0 && this.r.chance(0.05)) {
        this.classes.add("comments");
        const tabbed = this.builder.risk("tab-after-indicator", 0.5);
        lines.push(tabbed ? "\t# tab-indented" : `${" ".repeat(this.r.int(indent + 1))}# between`);
      }
      const { head, rest } = this.valueLines(entry.value, indent + 2, entry.explicit);
      if (entry.explicit) {
        lines.push(`${pad}? ${entry.key}`, `${pad}:${head}`, ...rest);
      } else {
        const gap = entry.key.startsWith("*") ? " " : "";
        lines.push(`${pad}${entry.key}${gap}:${head}`, ...rest);
      }
    });
    return lines;
  }

  blockSeq(node: SeqNode, indent: number): string[] {
    const pad = " ".repeat(indent);
    const lines: string[] = [];
    for (const item of node.items) {
      const compact = item.t === "map" && !item.flow && !item.props && item.entries.length > 0;
      if (compact && this.r.chance(0.6)) {
        const inner = this.blockMap(item, indent + 2);
        lines.push(`${pad}- ${inner[0]!.slice(indent + 2)}`, ...inner.slice(1));
        continue;
      }
      const { head, rest } = this.valueLines(item, indent + 2, true);
      lines.push(`${pad}-${head}`, ...rest);
    }
    return lines;
  }
}

/** Nesting depth of the random bodies. */
const DEPTH = 3;

/** One structural file: one to three documents, or a JSON stream, with file-level features. */
export function treeFile(r: Random, tag: string): GeneratedFile {
  if (r.chance(0.08)) return jsonStreamFile(r, tag);
  const builder = new Builder(r);
  const writer = new Writer(r, builder);
  const count = 1 + r.int(3);
  const parts: string[] = [];
  if (builder.risk("directive", 1)) {
    parts.push(r.pick(["%YAML 1.1", "%TAG !e! tag:example.com,2000:", "%YAML 1.2"]), "---");
  } else if (r.chance(0.2)) parts.push(r.pick(["---", "--- # start"]));
  for (let d = 0; d < count; d++) {
    if (d > 0) parts.push(r.pick(["---", "---", "--- # next", "---\t"]));
    if (r.chance(0.06)) {
      builder.classes.add("empty-document");
      const empty = builder.risk("document-starts-with-end", 1)
        ? "..."
        : r.pick(["# only a comment", "", "null", "~"]);
      parts.push(empty, "---");
    }
    const name = `${tag}-d${d}`;
    builder.newDocument();
    const root = r.chance(0.15) ? builder.list(name, DEPTH) : builder.object(name, DEPTH);
    parts.push(...writer.blockMap(root, 0));
    if (r.chance(0.05)) {
      builder.classes.add("document-end-marker");
      parts.push("...");
    }
  }
  let text = `${parts.join("\n")}\n`;
  if (r.chance(0.08)) {
    builder.classes.add("crlf");
    text = text.replaceAll("\n", "\r\n");
  } else if (r.chance(0.03)) {
    builder.classes.add("lone-cr");
    text = text.replaceAll("\n", "\r");
  }
  if (r.chance(0.04)) {
    builder.classes.add("bom");
    text = `\uFEFF${text}`;
  }
  if (r.chance(0.05)) {
    builder.classes.add("no-final-newline");
    text = text.replace(/[\r\n]+$/, "");
  }
  return {
    name: `${tag}.yaml`,
    text,
    documents: count,
    classes: [...builder.classes],
    pure: false,
  };
}

/** JSON: one value or several, duplicate keys, numbers kubectl reads by value. */
function jsonStreamFile(r: Random, tag: string): GeneratedFile {
  const classes = new Set(["json-file"]);
  const count = 1 + r.int(3);
  if (count > 1) classes.add("json-stream");
  const texts: string[] = [];
  for (let d = 0; d < count; d++) {
    const name = `${tag}-d${d}`;
    const extras: string[] = [];
    if (r.chance(0.3)) {
      classes.add("json-duplicate-key");
      extras.push(
        `"hostPID": ${r.pick(["true", "false"])}`,
        `"hostPID": ${r.pick(["true", "false"])}`,
      );
    }
    if (r.chance(0.5)) {
      classes.add("json-numbers");
      const numbers = [
        "1e3",
        "1.0",
        "-0",
        "1.5E2",
        "12345678901234567890",
        "9007199254740993",
        "0.1",
        "-0.0",
      ];
      if (r.chance(0.1)) numbers.push("1E400");
      extras.push(`"n": [${numbers.filter(() => r.chance(0.5)).join(", ")}]`);
    }
    if (r.chance(0.2)) {
      classes.add("json-escapes");
      extras.push(`"s": "\\u00e9\\ud83d\\ude00\\/\\n\\t"`);
    }
    const items = r.chance(0.15);
    const body = items
      ? `"apiVersion": "v1", "kind": "List", "items": [{"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "${name}-i0"}${extras.map((e) => `, ${e}`).join("")}}]`
      : `"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "${name}"}${extras.map((e) => `, ${e}`).join("")}`;
    if (items) classes.add("items-list");
    texts.push(`{${body}}`);
  }
  const separator = r.pick(["\n", " ", "", "\n\n"]);
  let text = `${texts.join(separator)}\n`;
  if (r.chance(0.1)) {
    classes.add("json-crlf");
    text = text.replaceAll("\n", "\r\n");
  }
  if (r.chance(0.05)) {
    classes.add("json-bom");
    text = `\uFEFF${text}`;
  }
  return { name: `${tag}.json`, text, documents: count, classes: [...classes], pure: false };
}
