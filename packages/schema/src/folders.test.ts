import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ConfigurationError } from "@scout-deploy/core";
import { describe, expect, it } from "vitest";
import { createEmbeddedValidator, validateBundle } from "./embedded.js";
import { bundleOf, positioned } from "./test-support/bundle.js";

// A CRD's schema as the CRDs catalog ships it (openapi2jsonschema output, strict).
const serviceMonitor = {
  type: "object",
  properties: {
    apiVersion: { type: "string" },
    kind: { type: "string" },
    metadata: { type: "object" },
    spec: {
      type: "object",
      additionalProperties: false,
      required: ["endpoints"],
      properties: {
        endpoints: { type: "array", items: { $ref: "#/definitions/endpoint" } },
        jobLabel: { type: "string" },
      },
    },
  },
  definitions: {
    endpoint: {
      type: "object",
      additionalProperties: false,
      properties: {
        port: { type: "string" },
        targetPort: {
          "x-kubernetes-int-or-string": true,
          anyOf: [{ type: "integer" }, { type: "string" }],
        },
        interval: { type: "string" },
      },
    },
  },
};

const yaml = `apiVersion: monitoring.coreos.com/v1
kind: ServiceMonitor
metadata: {name: backend}
spec:
  jobLabl: app
  endpoints:
    - port: http
      targetPort: true
      intervall: 30s
`;

function catalog(): string {
  const dir = mkdtempSync(join(tmpdir(), "scout-crds-"));
  mkdirSync(join(dir, "monitoring.coreos.com"));
  writeFileSync(
    join(dir, "monitoring.coreos.com", "servicemonitor_v1.json"),
    JSON.stringify(serviceMonitor),
  );
  return dir;
}

describe("schema folders for custom resources", () => {
  it("without one, a CRD is reported once as info", () => {
    expect(validateBundle(bundleOf(yaml)).map((p) => `${p.ruleId} ${p.severity}`)).toEqual([
      "input/no-schema info",
    ]);
  });

  it("with one (CRDs-catalog layout), a CRD is checked like a built-in kind", async () => {
    const validator = createEmbeddedValidator({ schemaFolders: [catalog()] });
    expect(positioned(await validator.validate(bundleOf(yaml)))).toEqual([
      "9:7 unknown-field spec.endpoints[0]: unknown field intervall (did you mean interval?)",
      "8:7 type spec.endpoints[0].targetPort: expected integer or string, got boolean",
      "5:3 unknown-field spec: unknown field jobLabl (did you mean jobLabel?)",
    ]);
  });

  it("finds kubeconform-style file names too, and names a broken file", () => {
    const dir = mkdtempSync(join(tmpdir(), "scout-crds-"));
    writeFileSync(join(dir, "servicemonitor-monitoring-v1.json"), JSON.stringify(serviceMonitor));
    expect(validateBundle(bundleOf(yaml), {}, { schemaFolders: [dir] })).toHaveLength(3);
    writeFileSync(join(dir, "servicemonitor-monitoring-v1.json"), "{oops");
    expect(() => validateBundle(bundleOf(yaml), {}, { schemaFolders: [dir] })).toThrow(
      ConfigurationError,
    );
  });
});
