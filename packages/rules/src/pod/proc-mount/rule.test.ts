import { RuleTester } from "@scout-deploy/core/testing";
import { describe, it } from "vitest";
import { procMount } from "./rule.js";

new RuleTester({ describe, it }).run(procMount, {
  valid: [
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
          messageId: "unmasked",
          line: 10,
          column: 13,
          data: { place: 'container "init"', value: "Unmasked" },
        },
        { messageId: "unmasked", line: 13, column: 29 },
      ],
    },
  ],
});
