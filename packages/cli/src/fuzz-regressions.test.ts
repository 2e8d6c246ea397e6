import { describe, expect, it } from "vitest";
import { PLANTED, SECRETS_DOCUMENTS } from "./test-support/fuzz/inputs.js";
import { leakedPart, runPipeline, violations } from "./test-support/fuzz/pipeline.js";

/**
 * Inputs the fuzz test found crashing the pipeline, minimized, as plain cases. Each must give
 * an input/* error on its file, keep the findings of the other file, and break no property.
 */
const CRASHES: Record<string, string> = {
  "duplicate key, then bad indentation":
    "---\r\napiVersion: apps/v1\r\napiVersion: v1\r\n      containers:\r",
  "duplicate key, then a tab in indentation": "---\napiVersion: v1\napiVersion: v1\n\t- tab",
  "duplicate key, then a multiline implicit key":
    "---\r\napiVersion: v1\r\napiVersion: v1\r\ntype| Opaque\r",
  "duplicate quoted key, then an unterminated string":
    '"apiVersion": "apps/v1"\n"apiVersion": "apps/v1"\n"met',
  "duplicate key, then an unterminated flow mapping":
    "kind: ConfigMap\r\nkind: ConfigMap\r\nmetadata: {name: fuzz-config, namespac",
  "duplicate nested key, then bad sequence indentation":
    "metadata:\n  capabilities:\n  capabilities:\n  volumeMounts:\n    - name: tmp\n     mountPath: /tmp",
  "duplicate key, then a directive inside the document": "kind: Secret\r\nkind: List\n%YAML 1.1",
  "duplicate key, then a missing colon":
    "apiVersion: apps/v1\r\r\napiVersion: apps/v1\r\r\nspec:\r\r\n  selector: {matchLabels: {a: b}}\r\r\n  te",
  "duplicate key in a Secret, then a syntax error": `${SECRETS_DOCUMENTS.replace(
    "type: Opaque",
    "type: Opaque\ntype: Opaque\nbad: [",
  )}`,
};

const PRIVILEGED_POD = `apiVersion: v1
kind: Pod
metadata: {name: other, namespace: scout}
spec:
  containers:
    - name: app
      image: scout/app:1.0
      securityContext: {privileged: true}
`;

describe("inputs the fuzz test found", () => {
  it.each(Object.entries(CRASHES))(
    "%s: an input error, and the other file's findings",
    async (_, text) => {
      const input = {
        files: [
          { path: "manifests/broken.yaml", text },
          { path: "manifests/other.yaml", text: PRIVILEGED_POD },
        ],
      };
      const { bundle, result, outputs } = await runPipeline(input);
      expect(violations(bundle, result, outputs)).toEqual([]);
      const onBroken = result.findings.filter((f) => f.file === "manifests/broken.yaml");
      expect(onBroken.some((f) => f.ruleId.startsWith("input/") && f.severity === "error")).toBe(
        true,
      );
      expect(
        result.findings.some(
          (f) => f.file === "manifests/other.yaml" && !f.ruleId.startsWith("input/"),
        ),
      ).toBe(true);
    },
  );
});

/** Inputs the fuzz test found showing a planted credential in an output. */
const LEAKS: Record<string, string> = {
  "a credential turned into an unknown alias (the parse error names the alias)":
    SECRETS_DOCUMENTS.replace(
      `DB_PASSWORD: ${PLANTED.configMap}`,
      `DB_PASSWORD: *${PLANTED.configMap}`,
    ),
  "a credential turned into an unknown tag (the parse error names the tag)":
    SECRETS_DOCUMENTS.replace(
      `DB_PASSWORD: ${PLANTED.configMap}`,
      `DB_PASSWORD: !${PLANTED.configMap}`,
    ),
};

describe("inputs the fuzz test found leaking", () => {
  it.each(Object.entries(LEAKS))("%s", async (_, text) => {
    const { bundle, result, outputs } = await runPipeline({ files: [{ path: "m.yaml", text }] });
    expect(violations(bundle, result, outputs)).toEqual([]);
  });
});

describe("the fuzz test's secret check", () => {
  it("finds the value, its base64 or any 8 characters of them", () => {
    const value = PLANTED.stringData;
    expect(leakedPart(`x ${value} y`, value)).toBe(value.slice(0, 8));
    expect(leakedPart(`...${value.slice(5, 13)}...`, value)).toBe(value.slice(5, 13));
    expect(leakedPart(Buffer.from(value).toString("base64"), value)).toBeDefined();
    expect(leakedPart(value.slice(0, 7), value)).toBeUndefined();
  });

  it("reports a planted value a format shows", async () => {
    const { bundle, result, outputs } = await runPipeline({
      files: [{ path: "manifests/s.yaml", text: SECRETS_DOCUMENTS }],
    });
    expect(violations(bundle, result, outputs)).toEqual([]);
    const leaky = { ...outputs, markdown: `${outputs.markdown}\n${PLANTED.configMap}` };
    expect(violations(bundle, result, leaky)).toEqual([
      expect.stringContaining("markdown output shows"),
    ]);
  });

  it("lets a planted value moved into a name be shown", async () => {
    const moved = SECRETS_DOCUMENTS.replace("name: fuzz-config", `name: ${PLANTED.configMap}`);
    const { bundle, result, outputs } = await runPipeline({
      files: [{ path: "m.yaml", text: moved }],
    });
    const leaky = { ...outputs, text: `${outputs.text}\n${PLANTED.configMap}` };
    expect(violations(bundle, result, leaky)).toEqual([]);
  });
});
