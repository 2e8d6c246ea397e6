import { RuleTester } from "@scout-deploy/core/testing";
import { describe, it } from "vitest";
import { procMount } from "./rule.js";

new RuleTester({ describe, it }).run(procMount, {
  valid: [
    {
      name: "procMount: null is unset (the API server drops the null)",
      yaml: `
        apiVersion: v1
        kind: Pod
        metadata: {name: p}
        spec:
          containers: [{name: a, securityContext: {procMount: null}}]
      `,
    },
    {
      name: "procMount unset or Default",
      yaml: `
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: d}
        spec:
          template:
            spec:
              containers:
                - name: a
                - name: b
                  securityContext: {procMount: Default}
      `,
    },
  ],
  invalid: [
    {
      name: "Unmasked on an init container and on a container of an Argo Rollout",
      yaml: `
        apiVersion: argoproj.io/v1alpha1
        kind: Rollout
        metadata: {name: r}
        spec:
          template:
            spec:
              initContainers:
                - name: init
                  securityContext:
                    procMount: Unmasked
              containers:
                - name: app
                  securityContext: {procMount: Unmasked}
      `,
      errors: [
        {
          messageId: "refused",
          line: 10,
          column: 13,
          severity: "error",
          data: { place: 'container "init"', value: "Unmasked" },
        },
        { messageId: "refused", line: 13, column: 29, severity: "error" },
      ],
    },
    {
      name: "Unmasked in a pod of its own user namespace (hostUsers: false): admitted by the API server and baseline, still rejected by restricted",
      yaml: `
        apiVersion: v1
        kind: Pod
        metadata: {name: p}
        spec:
          hostUsers: false
          containers:
            - name: app
              securityContext: {procMount: Unmasked}
      `,
      errors: [
        {
          messageId: "unmasked",
          line: 8,
          column: 25,
          severity: "warning",
          data: { place: 'container "app"' },
        },
      ],
    },
    {
      name: "hostUsers: true is the node's user namespace: Unmasked is refused; a value other than Default or Unmasked too",
      yaml: `
        apiVersion: v1
        kind: Pod
        metadata: {name: p}
        spec:
          hostUsers: true
          containers:
            - name: app
              securityContext: {procMount: Unmasked}
            - name: side
              securityContext: {procMount: unmasked}
      `,
      errors: [
        { messageId: "refused", line: 8, column: 25, severity: "error" },
        {
          messageId: "notSupported",
          line: 10,
          column: 25,
          severity: "error",
          data: { place: 'container "side"', value: "unmasked" },
        },
      ],
    },
  ],
});
