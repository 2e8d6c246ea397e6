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
    {
      name: "limits alone: the API server copies each limit into the missing request",
      yaml: `
        apiVersion: v1
        kind: Pod
        metadata: {name: p}
        spec:
          containers:
            - name: app
              resources:
                limits: {cpu: 500m, memory: 256Mi}
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
    {
      name: "a CPU limit alone stands for the CPU request only",
      yaml: `
        apiVersion: v1
        kind: Pod
        metadata: {name: p}
        spec:
          containers:
            - name: app
              resources: {limits: {cpu: "1"}}
      `,
      errors: [
        {
          messageId: "missing",
          line: 7,
          column: 7,
          data: { container: "app", missing: "requests.memory, limits.memory" },
        },
      ],
    },
  ],
});
