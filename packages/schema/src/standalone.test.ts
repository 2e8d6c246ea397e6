import { describe, expect, it } from "vitest";
import { bundledSchemaSet } from "./embedded.js";
import { kindFileName, standaloneSchemas } from "./standalone.js";

describe("standalone schemas for kubeconform", () => {
  it("names files as kubeconform's {{ .ResourceKind }}{{ .KindSuffix }}.json", () => {
    expect(kindFileName("apps/v1/Deployment")).toBe("deployment-apps-v1.json");
    expect(kindFileName("v1/Pod")).toBe("pod-v1.json");
    expect(kindFileName("networking.k8s.io/v1/NetworkPolicy")).toBe(
      "networkpolicy-networking-v1.json",
    );
  });

  it("makes each file self-contained: every $ref resolves in its own $defs", () => {
    const files = standaloneSchemas("1.36");
    expect(files.size).toBeGreaterThan(90);
    const deployment = files.get("deployment-apps-v1.json") as Record<string, unknown>;
    expect(deployment.$schema).toBe("https://json-schema.org/draft/2020-12/schema");
    const defs = deployment.$defs as Record<string, unknown>;
    const refs = JSON.stringify(deployment).match(/"\$ref":"[^"]+"/g) ?? [];
    expect(refs.length).toBeGreaterThan(50);
    for (const ref of refs) {
      const name = ref.slice('"$ref":"#/$defs/'.length, -1);
      expect(defs, ref).toHaveProperty([name]);
    }
  });
});

describe("looking up the schema at a pointer", () => {
  it("follows references, list items and maps", () => {
    const set = bundledSchemaSet();
    const schema = set.kindSchema("apps/v1", "Deployment");
    expect(schema).toBeDefined();
    const value = { spec: { template: { spec: { containers: [{ name: "a" }] } } } };
    const container = set.schemaAt(schema!, value, "/spec/template/spec/containers/0");
    expect(Object.keys(container?.properties ?? {})).toContain("imagePullPolicy");
    const surge = set.schemaAt(
      schema!,
      { spec: { strategy: { rollingUpdate: {} } } },
      "/spec/strategy/rollingUpdate/maxSurge",
    );
    expect(surge?.oneOf).toHaveLength(2);
    expect(set.schemaAt(schema!, value, "/spec/nothing/here")).toBeUndefined();
  });
});
