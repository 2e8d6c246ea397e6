import { RuleTester } from "@scout-deploy/core/testing";
import { describe, it } from "vitest";
import { containersThatSayNothing } from "../../test-support/operator-patches.js";
import { resources } from "./rule.js";

new RuleTester({ describe, it }).run(resources, {
  valid: [
    containersThatSayNothing,
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
    {
      name: "every quantity form the API server decodes: exponents, decimal and binary suffixes, numbers",
      yaml: `
        apiVersion: v1
        kind: Pod
        metadata: {name: p}
        spec:
          containers:
            - name: app
              resources:
                requests: {cpu: 0.25, memory: 1e8}
                limits: {cpu: "1", memory: 0.5Gi}
            - name: side
              resources:
                requests: {cpu: 250m, memory: 128M}
                limits: {cpu: .5, memory: 134217728}
      `,
    },
    {
      name: "a LimitRange of the namespace fills in what a container leaves out (LimitRanger admission)",
      yaml: `
        apiVersion: v1
        kind: LimitRange
        metadata: {name: defaults, namespace: scout}
        spec:
          limits:
            - type: Container
              default: {cpu: 500m, memory: 256Mi}
        ---
        apiVersion: v1
        kind: Pod
        metadata: {name: p, namespace: scout}
        spec:
          containers: [{name: app}]
      `,
    },
    {
      name: "pod-level limits bound every container of the pod: the kubelet caps the pod's cgroup",
      yaml: `
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: d}
        spec:
          template:
            spec:
              resources:
                limits: {cpu: "1", memory: 512Mi}
              initContainers: [{name: init}]
              containers:
                - name: app
                - name: side
                  resources: {limits: {memory: 128Mi}}
      `,
    },
  ],
  invalid: [
    {
      name: "a LimitRange without a namespace is created in default: it fills in nothing for the Scout namespace",
      settings: { namespace: "scout" },
      yaml: `
        apiVersion: v1
        kind: LimitRange
        metadata: {name: defaults}
        spec:
          limits: [{type: Container, default: {cpu: 500m, memory: 256Mi}}]
        ---
        apiVersion: v1
        kind: Pod
        metadata: {name: p, namespace: scout}
        spec:
          containers: [{name: app}]
      `,
      errors: [
        {
          messageId: "missing",
          line: 11,
          column: 16,
          data: {
            container: "app",
            missing: "requests.cpu, requests.memory, limits.cpu, limits.memory",
          },
        },
      ],
    },
    {
      name: "a pod-level bound covers only its own resource; a pod-level request alone bounds nothing",
      yaml: `
        apiVersion: v1
        kind: Pod
        metadata: {name: p}
        spec:
          resources:
            requests: {cpu: 500m}
            limits: {memory: 512Mi}
          containers:
            - name: app
      `,
      errors: [
        {
          messageId: "missing",
          line: 9,
          column: 7,
          data: { container: "app", missing: "limits.cpu" },
        },
      ],
    },
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
          // At limits, the node the user edits: everything missing belongs there.
          messageId: "missing",
          line: 13,
          column: 13,
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
    {
      name: "a limit of 0 is no limit: the kubelet sets no CPU quota and no memory limit",
      yaml: `
        apiVersion: v1
        kind: Pod
        metadata: {name: p}
        spec:
          containers:
            - name: app
              resources:
                limits: {cpu: 0, memory: "0"}
      `,
      errors: [
        {
          messageId: "zeroLimit",
          line: 8,
          column: 18,
          data: { container: "app", field: "limits.cpu", resource: "cpu" },
        },
        {
          messageId: "zeroLimit",
          line: 8,
          column: 26,
          data: { container: "app", field: "limits.memory", resource: "memory" },
        },
      ],
    },
    {
      name: "a quantity the API server cannot decode, and a request above its limit, are refused: errors, whatever the rule's warning",
      yaml: `
        apiVersion: v1
        kind: Pod
        metadata: {name: p}
        spec:
          containers:
            - name: app
              resources:
                requests: {cpu: lots, memory: 1Gi}
                limits: {cpu: 1e3m, memory: 256Mi}
      `,
      errors: [
        {
          messageId: "invalid",
          line: 8,
          column: 20,
          data: { container: "app", field: "requests.cpu", value: "lots" },
          severity: "error",
        },
        {
          messageId: "requestAboveLimit",
          line: 8,
          column: 31,
          data: { container: "app", resource: "memory", request: "1Gi", limit: "256Mi" },
          severity: "error",
        },
        {
          messageId: "invalid",
          line: 9,
          column: 18,
          data: { container: "app", field: "limits.cpu", value: "1e3m" },
          severity: "error",
        },
      ],
    },
    {
      name: "a LimitRange of another namespace, or one with only a default request, does not set the limit",
      yaml: `
        apiVersion: v1
        kind: LimitRange
        metadata: {name: defaults, namespace: other}
        spec:
          limits: [{type: Container, default: {cpu: 500m, memory: 256Mi}}]
        ---
        apiVersion: v1
        kind: LimitRange
        metadata: {name: requests, namespace: scout}
        spec:
          limits: [{type: Container, defaultRequest: {cpu: 100m, memory: 128Mi}}]
        ---
        apiVersion: v1
        kind: Pod
        metadata: {name: p, namespace: scout}
        spec:
          containers: [{name: app}]
      `,
      errors: [
        {
          messageId: "missing",
          line: 17,
          column: 16,
          data: { container: "app", missing: "limits.cpu, limits.memory" },
          // A missing field is the rule's warning: the object is created, unbounded.
          severity: "warning",
        },
      ],
    },
  ],
});
