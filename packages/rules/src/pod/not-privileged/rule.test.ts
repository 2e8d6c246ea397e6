import { RuleTester } from "@scout-deploy/core/testing";
import { describe, it } from "vitest";
import { notPrivileged } from "./rule.js";

new RuleTester({ describe, it }).run(notPrivileged, {
  valid: [
    {
      name: "privileged unset or false",
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
                  securityContext: {privileged: false}
      `,
    },
    {
      name: "a pod-level privileged (not a PodSecurityContext field) is ignored",
      yaml: `
        apiVersion: v1
        kind: Pod
        metadata: {name: p}
        spec:
          securityContext: {privileged: true}
          containers: [{name: a}]
      `,
    },
  ],
  invalid: [
    {
      name: "an init container and an ephemeral container run privileged",
      yaml: `
        apiVersion: v1
        kind: Pod
        metadata: {name: p}
        spec:
          initContainers:
            - name: setup
              securityContext:
                privileged: true
          containers: [{name: app}]
          ephemeralContainers:
            - name: debug
              securityContext: {privileged: true}
      `,
      errors: [
        { messageId: "privileged", line: 8, column: 9, data: { container: "setup" } },
        { messageId: "privileged", line: 12, column: 25, data: { container: "debug" } },
      ],
    },
  ],
});
