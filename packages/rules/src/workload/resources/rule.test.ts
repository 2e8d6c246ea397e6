import { RuleTester } from "@scout-deploy/core/testing";
import { describe, it } from "vitest";
import { resources } from "./rule.js";

new RuleTester({ describe, it }).run(resources, {
  valid: [
    {
      name: "requests and limits on init and app containers; ephemeral containers cannot have any",
      yaml: `
        apiVersion: v1
        kind: Pod
        metadata: {name: p}
        spec:
          initContainers:
            - name: init
              resources: {requests: {cpu: 10m, memory: 16Mi}, limits: {cpu: 100m, memory: 32Mi}}
          containers:
            - name: app
              resources:
                requests: {cpu: 100m, memory: 128Mi}
                limits: {cpu: "1", memory: 256Mi}
          ephemeralContainers: [{name: debug}]
      `,
    },
  ],
  invalid: [
    {
      name: "no resources at all, and a CPU limit missing",
      yaml: `
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: d}
        spec:
          template:
            spec:
              initContainers:
                - name: init
              containers:
                - name: app
                  resources:
                    requests: {cpu: 100m, memory: 128Mi}
                    limits: {memory: 256Mi}
      `,
      errors: [
        {
          messageId: "missing",
          line: 8,
          column: 11,
          data: {
            container: "init",
            missing: "requests.cpu, requests.memory, limits.cpu, limits.memory",
          },
        },
        {
          messageId: "missing",
          line: 11,
          column: 11,
          data: { container: "app", missing: "limits.cpu" },
        },
      ],
    },
  ],
});
