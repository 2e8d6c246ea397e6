import { RuleTester } from "@scout-deploy/core/testing";
import { describe, it } from "vitest";
import { podSecurityLabels } from "./rule.js";

new RuleTester({ describe, it }).run(podSecurityLabels, {
  valid: [
    {
      name: "the single Namespace enforces restricted",
      yaml: `
        apiVersion: v1
        kind: Namespace
        metadata:
          name: scout
          labels: {pod-security.kubernetes.io/enforce: restricted}
      `,
    },
    {
      name: "other namespaces than the configured one are not judged",
      settings: { namespace: "scout" },
      yaml: `
        apiVersion: v1
        kind: Namespace
        metadata: {name: tools}
      `,
    },
    {
      name: "restricted holds every baseline check: it passes a baseline requirement",
      options: { level: "baseline" },
      yaml: `
        apiVersion: v1
        kind: Namespace
        metadata:
          name: scout
          labels: {pod-security.kubernetes.io/enforce: restricted}
      `,
    },
  ],
  invalid: [
    {
      name: "no labels at all",
      yaml: `
        apiVersion: v1
        kind: Namespace
        metadata:
          name: scout
      `,
      errors: [
        {
          messageId: "missing",
          line: 3,
          column: 1,
          data: { name: "scout", label: "pod-security.kubernetes.io/enforce", level: "restricted" },
        },
      ],
    },
    {
      name: "a weaker level on the configured namespace",
      settings: { namespace: "scout" },
      yaml: `
        apiVersion: v1
        kind: Namespace
        metadata:
          name: scout
          labels:
            pod-security.kubernetes.io/enforce: baseline
        ---
        apiVersion: v1
        kind: Namespace
        metadata: {name: other}
      `,
      errors: [
        {
          messageId: "weaker",
          line: 6,
          column: 5,
          data: { name: "scout", actual: "baseline", level: "restricted" },
        },
      ],
    },
  ],
});
