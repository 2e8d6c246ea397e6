import { describe, expect, it } from "vitest";
import { buildBundle } from "./bundle.js";
import { evaluate } from "./evaluate.js";
import { defineRule } from "./rule.js";
import { parseSource } from "./source.js";

/** Reports each missing probe of each container, on the container. */
const probes = defineRule({
  id: "test/probes",
  meta: {
    severity: "warning",
    description: "test",
    remediation: "test",
    messages: { missing: 'container "{{name}}" has no {{probe}}' },
  },
  check(context) {
    for (const object of context.bundle.objects) {
      const containers = (object.value.spec as { containers: { name: string }[] }).containers;
      containers.forEach((container, i) => {
        for (const probe of ["livenessProbe", "readinessProbe"]) {
          context.report({
            messageId: "missing",
            data: { name: container.name, probe },
            object,
            pointer: `/spec/containers/${i}`,
          });
        }
      });
    }
  },
});

const pods = `apiVersion: v1
kind: Pod
metadata: {name: a}
spec:
  containers:
    - name: web
    - name: sidecar
`;

describe("several messages of one rule on one field", () => {
  it("are one finding naming each, and the counts follow", () => {
    const result = evaluate([probes], buildBundle([parseSource("pod.yaml", pods)]));
    const findings = result.findings.filter((f) => f.ruleId === "test/probes");
    expect(findings.map((f) => [f.line, f.message])).toEqual([
      [6, 'container "web" has no livenessProbe; container "web" has no readinessProbe'],
      [7, 'container "sidecar" has no livenessProbe; container "sidecar" has no readinessProbe'],
    ]);
    expect(result.summary.findings).toBe(result.findings.length);
  });

  it("keep one fingerprint, the same when lines are inserted above", () => {
    const web = (text: string) =>
      evaluate([probes], buildBundle([parseSource("pod.yaml", text)])).findings.find(
        (f) => f.ruleId === "test/probes" && f.message.startsWith('container "web"'),
      );
    const before = web(pods);
    const after = web(`# a comment\n${pods}`);
    expect(before?.fingerprint).toMatch(/^[0-9a-f]{64}$/);
    expect(after?.line).toBe((before?.line ?? 0) + 1);
    expect(after?.fingerprint).toBe(before?.fingerprint);
  });
});
