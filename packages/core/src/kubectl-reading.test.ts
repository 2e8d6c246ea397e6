import { describe, expect, it } from "vitest";
import { buildBundle } from "./bundle.js";
import { parseSource } from "./source.js";

/**
 * What kubectl sends, class by class; each expectation was read off
 * `kubectl annotate --local -f FILE x=y -o json` (client 1.32). The differential test holds
 * the same against generated documents.
 */
function read(text: string, path = "a.yaml") {
  const bundle = buildBundle([parseSource(path, text)]);
  return {
    values: bundle.objects.map((o) => o.value),
    problems: bundle.problems.map((p) => ({
      ruleId: p.ruleId,
      line: p.position.line,
      message: p.message,
    })),
    bundle,
  };
}

const pod = (spec: string) => `apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n${spec}`;

describe("merge keys, as go-yaml v2 applies them", () => {
  it("lets a merge written after an explicit key win", () => {
    const { values } = read(pod("  hostPID: false\n  <<: {hostPID: true}\n  containers: []\n"));
    expect(values[0]).toMatchObject({ spec: { hostPID: true } });
  });

  it("lets a later explicit key win over an earlier merge", () => {
    const { values } = read(pod("  <<: {hostPID: true}\n  hostPID: false\n"));
    expect(values[0]).toMatchObject({ spec: { hostPID: false } });
  });

  it("applies several << keys in order and a << list with its first map winning", () => {
    const text = `base: &b {hostPID: true, a: 1}
other: &c {a: 2, z: 3}
apiVersion: v1
kind: ConfigMap
metadata: {name: m}
<<: [*b, *c]
a: 0
<<: {a: 9}
`;
    const { values } = read(text);
    expect(values[0]).toMatchObject({ a: 9, z: 3, hostPID: true });
  });

  it("places a field that a merge set on the line of the merge source", () => {
    const text = pod("  hostPID: false\n  <<: &x\n    hostPID: true\n");
    const { bundle } = read(text);
    expect(bundle.objects[0]!.document.locate("/spec/hostPID")).toMatchObject({
      line: 8,
      column: 5,
    });
  });

  it("refuses a merge of a scalar, as kubectl does", () => {
    const { values, problems } = read(pod("  <<: 5\n"));
    expect(values).toEqual([]);
    expect(problems).toMatchObject([{ ruleId: "input/parse-error", line: 6 }]);
  });
});

describe("YAML 1.1 scalars", () => {
  it("reads numbers as Go does: octal, hex, binary, 0o, underscores, 08 as 8, 1e3", () => {
    const { values } = read(
      pod(
        "  a: 01000\n  b: 0x1F\n  c: 0b101\n  d: 0o17\n  e: 1_000\n  f: 08\n  g: 1e3\n  h: +12\n  i: '0777'\n  j: 1.5\n",
      ),
    );
    expect(values[0]).toMatchObject({
      spec: { a: 512, b: 31, c: 5, d: 15, e: 1000, f: 8, g: 1000, h: 12, i: "0777", j: 1.5 },
    });
  });

  it("reads every YAML 1.1 spelling of a boolean, in values and in keys", () => {
    const { values } = read(
      pod("  a: yes\n  b: On\n  c: n\n  d: OFF\n  e: Y\n  f: 'yes'\n  y: 1\n  no: 2\n"),
    );
    expect(values[0]).toMatchObject({
      spec: { a: true, b: true, c: false, d: false, e: true, f: "yes", true: 1, false: 2 },
    });
  });

  it("keeps timestamps as text and reads ~ and empty values as null", () => {
    const { values } = read(pod("  t: 2001-12-14\n  nul: ~\n  e:\n  n: x\n"));
    expect(values[0]).toMatchObject({ spec: { t: "2001-12-14", nul: null, e: null, false: "x" } });
  });

  it("reads tags as go-yaml does: !!str keeps text, unknown tags keep the text, !!binary decodes", () => {
    const { values } = read(
      pod('  a: !!str 0777\n  b: !foo 12\n  c: !!binary aGk=\n  d: !!int "12"\n'),
    );
    expect(values[0]).toMatchObject({ spec: { a: "0777", b: "12", c: "hi", d: 12 } });
  });

  it("refuses .inf and .nan, which JSON cannot carry", () => {
    const { values, problems } = read(pod("  replicas: .inf\n"));
    expect(values).toEqual([]);
    expect(problems[0]).toMatchObject({
      ruleId: "input/parse-error",
      message: expect.stringMatching(/\.inf/),
    });
  });
});

describe("keys that collide or repeat", () => {
  it("reports keys that become the same JSON key, which kubectl picks at random", () => {
    const { problems } = read(pod('  1: a\n  "1": b\n'));
    expect(problems).toMatchObject([
      { ruleId: "input/duplicate-key", message: expect.stringMatching(/both become "1".*random/) },
    ]);
  });

  it("keeps the last of two equal keys and survives a syntax error later in the file", () => {
    const text = `${pod("  hostPID: false\n  hostPID: true\n")}---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata: [\n---\n${pod("  hostIPC: true\n").replace("name: p", "name: q")}`;
    const { values, problems } = read(text);
    expect(values.map((v) => (v as { spec?: unknown }).spec)).toEqual([
      { hostPID: true },
      { hostIPC: true },
    ]);
    expect(problems.map((p) => p.ruleId).sort()).toEqual([
      "input/duplicate-key",
      "input/parse-error",
    ]);
  });

  it("refuses a null key", () => {
    const { values, problems } = read(pod("  ~: x\n"));
    expect(values).toEqual([]);
    expect(problems[0]).toMatchObject({
      ruleId: "input/parse-error",
      message: expect.stringMatching(/null map key/),
    });
  });
});

describe("items on any kind", () => {
  it("sends the items of any object with items, never the object itself", () => {
    const text = `apiVersion: apps/v1
kind: Deployment
metadata: {name: decoy}
spec: {template: {spec: {containers: []}}}
items:
- apiVersion: v1
  kind: Pod
  metadata: {name: hidden}
  spec: {hostPID: true}
`;
    const { bundle } = read(text);
    expect(bundle.objects.map((o) => [o.ref.kind, o.ref.name, o.pointer])).toEqual([
      ["Pod", "hidden", "/items/0"],
    ]);
  });

  it("gives items without kind and apiVersion the list's kind less List, and its apiVersion", () => {
    const text =
      "apiVersion: v1\nkind: PodList\nitems:\n- metadata: {name: a}\n  spec: {hostNetwork: true}\n";
    const { bundle } = read(text);
    expect(bundle.objects.map((o) => o.ref)).toEqual([
      { apiVersion: "v1", kind: "Pod", name: "a" },
    ]);
  });

  it("refuses a list inside a list and items that are not a list", () => {
    const nested = read(
      "apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: List\n  items: []\n",
    );
    expect(nested.problems).toMatchObject([{ ruleId: "input/parse-error", line: 4 }]);
    const scalar = read("apiVersion: v1\nkind: Foo\nmetadata: {name: f}\nitems: text\n");
    expect(scalar.problems).toMatchObject([{ ruleId: "input/parse-error", line: 4 }]);
  });

  it("says that an empty items on a kind that is no List sends nothing", () => {
    const { bundle, problems } = read(
      "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d}\nitems: null\n",
    );
    expect(bundle.objects).toEqual([]);
    expect(problems).toMatchObject([{ ruleId: "input/ignored-by-kubectl", line: 4 }]);
  });
});

describe("documents kubectl cannot decode into an object", () => {
  it("refuses a document that is a list of objects, whose objects kubectl never sends", () => {
    const text = `apiVersion: v1
kind: ConfigMap
metadata: {name: a}
---
- apiVersion: v1
  kind: Pod
  metadata: {name: hidden}
  spec: {hostPID: true}
`;
    const { bundle, problems } = read(text);
    expect(bundle.objects.map((o) => o.ref.name)).toEqual(["a"]);
    expect(problems).toEqual([
      {
        ruleId: "input/parse-error",
        line: 5,
        message:
          "kubectl refuses document 2: it is a list, not a mapping, so the object in it is never sent; write each object as a document of its own after a --- line, or as an item of a kind: List",
      },
    ]);
    const json = read('[{"apiVersion": "v1", "kind": "Pod"}, {"kind": "Service"}]', "a.json");
    expect(json.problems).toMatchObject([{ ruleId: "input/parse-error", line: 1 }]);
    expect(json.problems[0]!.message).toContain("none of the 2 objects in it is sent");
  });

  it("refuses a .json file whose object follows a // or /* */ comment: kubectl reads one string", () => {
    // kubectl: unable to decode "a.json": json: cannot unmarshal string into Go value
    // Written compactly (JSON.stringify's way): with ": " YAML finds a mapping and fails already.
    const object = JSON.stringify({ apiVersion: "v1", kind: "Pod", spec: { hostPID: true } });
    for (const text of [`// the API pod\n${object}\n`, `\n/* the API pod */ ${object}\n`]) {
      const { bundle, problems } = read(text, "a.json");
      expect(bundle.objects).toEqual([]);
      expect(problems).toMatchObject([
        { ruleId: "input/parse-error", line: text.startsWith("\n") ? 2 : 1 },
      ]);
      expect(problems[0]!.message).toBe(
        "kubectl refuses document 1: it reads as one string, not a mapping, so the object written in it is never sent; JSON has no comments (a YAML comment line starts with #)",
      );
    }
  });

  it("notes a string that holds no object as no manifest", () => {
    const { problems } = read("just some notes\n");
    expect(problems).toMatchObject([{ ruleId: "input/not-kubernetes", line: 1 }]);
  });

  it("notes a list of other things as no manifest (a playbook, a list of hosts)", () => {
    const { problems } = read("- hosts: all\n  tasks: []\n");
    expect(problems).toMatchObject([{ ruleId: "input/not-kubernetes", line: 1 }]);
  });
});

describe("documents as kubectl cuts them", () => {
  it("ignores what follows a ... line, and says so", () => {
    const text = `${pod("  hostPID: false\n")}...\napiVersion: v1\nkind: Pod\nmetadata: {name: ghost}\n`;
    const { bundle, problems } = read(text);
    expect(bundle.objects.map((o) => o.ref.name)).toEqual(["p"]);
    expect(problems).toMatchObject([{ ruleId: "input/ignored-by-kubectl", line: 8 }]);
  });

  it("refuses a --- line with content, a document starting with ..., and directives", () => {
    const inline = read("--- {apiVersion: v1, kind: ConfigMap, metadata: {name: a}}\n");
    expect(inline.problems[0]).toMatchObject({ ruleId: "input/parse-error", line: 1 });
    const dots = read("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n---\n...\n");
    expect(dots.problems).toMatchObject([{ ruleId: "input/parse-error", line: 5 }]);
    const directive = read(
      "%YAML 1.1\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n",
    );
    expect(directive.problems).toMatchObject([{ ruleId: "input/parse-error", line: 1 }]);
  });

  it("reads a file that starts with { as a JSON stream, and refuses YAML flow style there", () => {
    const stream = read(
      '{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"a"}}\n{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"b"}}\n',
      "s.json",
    );
    expect(stream.bundle.objects.map((o) => o.ref.name)).toEqual(["a", "b"]);
    const flow = read("{apiVersion: v1, kind: ConfigMap, metadata: {name: flow}}\n");
    expect(flow.bundle.objects).toEqual([]);
    expect(flow.problems[0]).toMatchObject({
      ruleId: "input/parse-error",
      message: expect.stringMatching(/JSON/),
    });
  });
});

/** Divergences the generative test (kubectl-fuzz.test.ts) found, each minimised to one case. */
describe("what the generative test found", () => {
  const configMap = (data: string) =>
    `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: m}\ndata:\n${data}`;

  it("reads !!null as go-yaml does: null for a null spelling, a refusal for anything else", () => {
    const { values } = read(configMap("  a: !!null ''\n  b: !!null null\n"));
    expect(values[0]).toMatchObject({ data: { a: null, b: null } });
    const refused = read(configMap("  a: !!null x\n"));
    expect(refused.values).toEqual([]);
    expect(refused.problems).toMatchObject([
      { ruleId: "input/parse-error", line: 5, message: expect.stringMatching(/!!null/) },
    ]);
  });

  it("decodes !!binary as Go's base64 does: line breaks skipped, a space or missing padding refused", () => {
    const { values } = read(configMap("  a: !!binary |\n    aGVs\n    bG8=\n"));
    expect(values[0]).toMatchObject({ data: { a: "hello" } });
    for (const bad of ["aGVs bG8=", "aGVsbG8"]) {
      const refused = read(configMap(`  a: !!binary ${bad}\n`));
      expect(refused.values, bad).toEqual([]);
      expect(refused.problems[0]).toMatchObject({ ruleId: "input/parse-error", line: 5 });
    }
  });

  it("keeps a plain number beyond float64's range as text, as go-yaml does (1e400)", () => {
    const { values, problems } = read(configMap("  a: 1e400\n  b: -1e400\n  c: 1e-400\n"));
    expect(problems).toEqual([]);
    expect(values[0]).toMatchObject({ data: { a: "1e400", b: "-1e400", c: 0 } });
  });

  it("refuses a JSON file with a number beyond float64's range, as kubectl does", () => {
    const { values, problems } = read(
      '{"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "m"}, "n": 1E400}\n',
      "m.json",
    );
    expect(values).toEqual([]);
    expect(problems).toMatchObject([{ ruleId: "input/parse-error", line: 1 }]);
  });

  it("writes a float key as Go does even where no other key needs the exact reader", () => {
    const { values } = read(configMap("  1000000.0: x\n"));
    expect(values[0]).toMatchObject({ data: { "1e+06": "x" } });
  });

  it("refuses what go-yaml's scanner refuses and the YAML 1.2 reader takes", () => {
    const cases = [
      ["anchor name with a dot", "  a: &a.b x\n"],
      ["tag before a closing brace", "  a: {b: !!str}\n"],
      ["tag before a comma", "  a: {b: !!str, c: 1}\n"],
      ["tab after a dash", "  a:\n  - \tx\n"],
      ["tab after an explicit key's colon", "  ? a\n  :\tx\n"],
      ['YAML 1.2 escape "\\/"', '  a: "\\/"\n'],
    ] as const;
    for (const [name, data] of cases) {
      const { values, problems } = read(configMap(data));
      expect(values, name).toEqual([]);
      expect(problems[0], name).toMatchObject({ ruleId: "input/parse-error" });
      expect(problems[0]!.line, name).toBeGreaterThanOrEqual(5);
    }
  });

  // go-yaml ends an alias name at the first character that is not a letter, digit, "_" or "-",
  // so "*a:" is alias "a" and a key; the YAML 1.2 reader takes "a:" as the name and fails.
  it("refuses an alias key written '*a:' with a message that says how to write it", () => {
    const { values, problems } = read(configMap("  x: &a app\n  *a: value\n"));
    expect(values).toEqual([]);
    expect(problems[0]).toMatchObject({ ruleId: "input/parse-error", line: 6 });
    expect(problems[0]!.message).toContain('write "*a :"');
    const spaced = read(configMap("  x: &a app\n  *a : value\n"));
    expect(spaced.problems).toEqual([]);
    expect(spaced.values[0]).toMatchObject({ data: { x: "app", app: "value" } });
  });

  it("refuses an implicit key whose ':' is more than 1024 characters from its start, as go-yaml does", () => {
    const key = "k".repeat(1024);
    for (const data of [
      `  ${key}k: x\n`,
      `  {${key}k: x}\n`,
      `  "${key}": x\n`,
      `  &a ${key}: x\n`,
    ]) {
      const { values, problems } = read(configMap(data));
      expect(values, data.slice(-12)).toEqual([]);
      expect(problems[0]).toMatchObject({ ruleId: "input/parse-error", line: 5 });
    }
    const fits = read(configMap(`  ${key}: x\n  ? ${key}k\n  : y\n  a: ${key}k\n`));
    expect(fits.problems).toEqual([]);
    expect(Object.keys(fits.values[0]?.data as object)).toHaveLength(3);
  });

  it("cuts a file only at a '---' after a line feed: after a lone CR go-yaml ends the document", () => {
    const cm = (name: string) => `apiVersion: v1\rkind: ConfigMap\rmetadata: {name: ${name}}\r`;
    const { values, problems } = read(`${cm("a")}---\r${cm("b")}`);
    expect(values.map((v) => v.metadata?.name)).toEqual(["a"]);
    expect(problems).toMatchObject([{ ruleId: "input/ignored-by-kubectl" }]);
    const started = read(`--- # first\r${cm("a")}`);
    expect(started.problems).toEqual([]);
    expect(started.values).toHaveLength(1);
  });

  it("reads a lone-CR file with anchors as go-yaml does, and gives its lines as go-yaml counts them", () => {
    const text =
      "apiVersion: v1\rkind: ConfigMap\rmetadata: {name: m}\rdata:\r  a: &v x\r  b: *v\r  c: !!null y\r";
    const { problems } = read(text);
    expect(problems).toMatchObject([{ ruleId: "input/parse-error", line: 7 }]);
    const { values } = read(text.replace("  c: !!null y\r", ""));
    expect(values[0]).toMatchObject({ data: { a: "x", b: "x" } });
  });

  it("refuses a null key only where kubectl converts it: not in a value a duplicate key replaced", () => {
    const replaced = read(configMap("  10: {~: x}\n  0xA: y\n"));
    expect(replaced.values[0]).toMatchObject({ data: { "10": true } });
    expect(replaced.problems.map((p) => p.ruleId)).toEqual(["input/duplicate-key"]);
    const merged = read(configMap("  a: &n {~: x}\n  a: 1\n  b: {<<: *n}\n"));
    expect(merged.values).toEqual([]);
    expect(merged.problems).toContainEqual(
      expect.objectContaining({ ruleId: "input/parse-error", line: 5 }),
    );
  });

  it("refuses a ',' right after a tag, which go-yaml reads into the tag", () => {
    const { values, problems } = read(configMap("  a: [!!null, false, v]\n"));
    expect(values).toEqual([]);
    expect(problems[0]).toMatchObject({ ruleId: "input/parse-error", line: 5 });
  });

  it("refuses a document whose metadata kubectl cannot decode as ObjectMeta, but not such a list item", () => {
    for (const metadata of [
      "{name: m, labels: {a: 1}}",
      "{name: m, annotations: {a: [x]}}",
      "{name: m, generation: 1.5}",
      '{name: m, creationTimestamp: "2020-01-01"}',
      "{name: m, ownerReferences: [{name: 5}]}",
      "5",
    ]) {
      const { values, problems } = read(`apiVersion: v1\nkind: ConfigMap\nmetadata: ${metadata}\n`);
      expect(values, metadata).toEqual([]);
      expect(problems, metadata).toMatchObject([
        { ruleId: "input/parse-error", line: 3, message: expect.stringMatching(/ObjectMeta/) },
      ]);
    }
    const fine = read(
      "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: m, labels: {a: ~}, generation: 1000.0, finalizers: [~]}\n",
    );
    expect(fine.problems).toEqual([]);
    const item = read(
      "apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: ConfigMap\n  metadata: {name: m, labels: {a: 1}}\n",
    );
    expect(item.problems).toEqual([]);
    expect(item.values).toHaveLength(1);
  });

  it("reads a lone-CR file that starts with a comment or a directive as go-yaml does", () => {
    const cm = (name: string) => `apiVersion: v1\rkind: ConfigMap\rmetadata: {name: ${name}}\r`;
    for (const head of ["# only a comment\r---\r", "%YAML 1.1\r---\r"]) {
      const { values, problems } = read(`${head}${cm("a")}`);
      expect(problems, head).toEqual([]);
      expect(values, head).toHaveLength(1);
    }
  });

  it("sends nothing of a lone-CR piece whose first document is empty, as go-yaml reads only that one", () => {
    const { values, problems } = read(
      "--- # start\r\r---\rapiVersion: v1\rkind: ConfigMap\rmetadata: {name: m}\r",
    );
    expect(values).toEqual([]);
    expect(problems).toMatchObject([{ ruleId: "input/ignored-by-kubectl", line: 4 }]);
  });

  it("refuses %YAML 1.2, which go-yaml calls an incompatible document, in any file", () => {
    for (const lineBreak of ["\n", "\r"]) {
      const { problems } = read(
        `%YAML 1.2${lineBreak}---${lineBreak}apiVersion: v1${lineBreak}kind: ConfigMap${lineBreak}metadata: {name: m}${lineBreak}`,
      );
      expect(problems[0], JSON.stringify(lineBreak)).toMatchObject({
        ruleId: "input/parse-error",
        line: 1,
        message: expect.stringMatching(/1\.1/),
      });
    }
  });

  it("writes an int64 key with all its digits, and refuses a key beyond int64 (a uint64 for go-yaml)", () => {
    const { values } = read(configMap("  -9223372036854775808: a\n  9007199254740993: b\n"));
    expect(Object.keys(values[0]?.data as object).sort()).toEqual([
      "-9223372036854775808",
      "9007199254740993",
    ]);
    const refused = read(configMap("  18446744073709551615: b\n"));
    expect(refused.values).toEqual([]);
    expect(refused.problems[0]).toMatchObject({ ruleId: "input/parse-error", line: 5 });
  });

  it("sees the '---' kubectl keeps in a piece: '---' then '...' is an empty document, not a refusal", () => {
    const text = "---\n...\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: m}\n";
    expect(read(text).problems).toEqual([]);
    expect(read(text).values).toHaveLength(1);
    const hidden = read("---\n...\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: m}\n");
    expect(hidden.values).toEqual([]);
    expect(hidden.problems).toMatchObject([{ ruleId: "input/ignored-by-kubectl", line: 3 }]);
  });

  it("takes an implicit key of 1023 characters after a tagged empty value", () => {
    const key = "k".repeat(1023);
    const { values, problems } = read(configMap(`  a: !!null\n  ${key}: x\n`));
    expect(problems).toEqual([]);
    expect(values[0]).toMatchObject({ data: { a: null, [key]: "x" } });
  });

  it("reads a document that starts with a flow collection used as a key as a block mapping", () => {
    const { values, problems } = read(
      "{a: 1}: x\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: m}\n".replace(/^/, "---\n"),
    );
    expect(values).toEqual([]);
    expect(problems).toMatchObject([
      { ruleId: "input/parse-error", line: 2, message: expect.stringMatching(/map key/) },
    ]);
  });

  it("reports a duplicate key in a map merged inline, whose last value kubectl keeps", () => {
    const { values, problems } = read(configMap("  <<: {true: a, y: b}\n"));
    expect(values[0]).toMatchObject({ data: { true: "b" } });
    expect(problems).toMatchObject([{ ruleId: "input/duplicate-key", line: 5 }]);
  });

  it("refuses a tab in a line's indentation, a blank line of a tab included, as go-yaml does", () => {
    for (const data of ["  a: 1\n\t# c\n", '  a: "x"\n\t# c\n', "  a: 1\n\t\n  b: 2\n"]) {
      const { values, problems } = read(configMap(data));
      expect(values, JSON.stringify(data)).toEqual([]);
      expect(problems[0], JSON.stringify(data)).toMatchObject({
        ruleId: "input/parse-error",
        line: 6,
      });
    }
    const continued = read(configMap("  a: 1\n    \t# c\n"));
    expect(continued.problems).toEqual([]);
  });

  it("reads go-yaml's escape \\' in double quotes, which YAML 1.2 readers refuse", () => {
    const { values, problems } = read(configMap(`  a: "echo \\'hi\\' \\\\"\n  "k\\'": [x]\n`));
    expect(problems).toEqual([]);
    expect(values[0]).toMatchObject({ data: { a: "echo 'hi' \\", "k'": ["x"] } });
  });

  it("merges as go-yaml's isMerge decides: any '<<' tagged !!merge, never an alias to a sequence", () => {
    const tagged = read(
      `x: &m {a: 1}\n${configMap('  !!merge <<: *m\n  !!merge "<<": {b: 1}\n  !!str <<: 1\n')}`,
    );
    expect(tagged.problems).toEqual([]);
    expect(tagged.values[0]).toMatchObject({ data: { a: 1, b: 1, "<<": 1 } });
    const aliased = read(`x: &s [{privileged: true}]\n${configMap("  <<: *s\n")}`);
    expect(aliased.values).toEqual([]);
    expect(aliased.problems[0]).toMatchObject({ ruleId: "input/parse-error", line: 6 });
  });

  it("takes a tab where go-yaml takes one: after a simple key's colon, inside flow collections", () => {
    const { values, problems } = read(configMap("  a:\tx\n  b: [\t1]\n"));
    expect(problems).toEqual([]);
    expect(values[0]).toMatchObject({ data: { a: "x", b: [1] } });
  });
});
