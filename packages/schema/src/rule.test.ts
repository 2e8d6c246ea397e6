import { evaluate, parsePolicy } from "@scout-deploy/core";
import { describe, expect, it } from "vitest";
import { validateBundle } from "./embedded.js";
import {
  noSchemaRule,
  schemaFindings,
  schemaInputProblems,
  schemaRule,
  schemaRules,
} from "./rule.js";
import { bundleOf } from "./test-support/bundle.js";

const yaml = `apiVersion: apps/v1
kind: Deployment
metadata: {name: backend, namespace: scout}
spec:
  replicas: one
  selector: {matchLabels: {app: backend}}
  template:
    metadata: {labels: {app: backend}}
    spec:
      containers:
        - name: api
          image: scout/backend:1.0
          imagePullPolcy: Always
---
apiVersion: example.com/v1
kind: Widget
metadata: {name: w}
`;

describe("schema rules in evaluate", () => {
  it("turns problems into positioned findings with the rule's severity and docs", () => {
    const bundle = bundleOf(yaml, "k8s/backend.yaml");
    const problems = schemaInputProblems(validateBundle(bundle));
    const result = evaluate(schemaRules, bundle, undefined, { problems });
    expect(
      result.findings.map(
        (f) => `${f.file}:${f.line}:${f.column} ${f.severity} ${f.ruleId} ${f.path}`,
      ),
    ).toEqual([
      "k8s/backend.yaml:5:3 error input/schema /spec/replicas",
      "k8s/backend.yaml:13:11 error input/schema /spec/template/spec/containers/0/imagePullPolcy",
      "k8s/backend.yaml:16:1 info input/no-schema /kind",
    ]);
    expect(result.findings[1]?.message).toBe(
      "spec.template.spec.containers[0]: unknown field imagePullPolcy (did you mean imagePullPolicy?)",
    );
    expect(result.findings[0]?.helpUri).toMatch(/packages\/schema\/docs\/input\/schema\.md$/);
    expect(result.summary.passed).toBe(false);
  });

  it("lets the config turn the rules off or change their severity", () => {
    const bundle = bundleOf(yaml);
    const config = parsePolicy({
      rules: { "input/schema": "warning", "input/no-schema": "off" },
    });
    const problems = schemaInputProblems(validateBundle(bundle));
    const result = evaluate(schemaRules, bundle, config, { problems });
    expect(result.findings.map((f) => `${f.severity} ${f.ruleId}`)).toEqual([
      "warning input/schema",
      "warning input/schema",
    ]);
  });

  it("exports the rules' metadata, and plain findings for an engine that positions them", () => {
    expect(schemaRule.id).toBe("input/schema");
    expect(noSchemaRule.meta.severity).toBe("info");
    const bundle = bundleOf(yaml);
    expect(evaluate(schemaRules, bundle).findings).toEqual([]);
    const findings = schemaFindings(validateBundle(bundle));
    expect(findings.map((f) => [f.ruleId, f.pointer, f.severity])).toEqual([
      ["input/schema", "/spec/replicas", "error"],
      ["input/schema", "/spec/template/spec/containers/0/imagePullPolcy", "error"],
      ["input/no-schema", "/kind", "info"],
    ]);
  });
});
