import { RuleTester } from "@scout-deploy/core/testing";
import { describe, it } from "vitest";
import { nonRootGroups } from "./rule.js";

new RuleTester({ describe, it }).run(nonRootGroups, {
  valid: [
    {
      name: "Scout's group on the pod, groups unset (the image decides), root's group where the user is root (pod/run-as-non-root says it), and a Windows pod",
      yaml: `
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: backend}
        spec:
          template:
            spec:
              securityContext: {runAsUser: 1000, runAsGroup: 1000, fsGroup: 1000, supplementalGroups: [1000, 2000]}
              containers:
                - name: api
                - name: sidecar
                  securityContext: {runAsGroup: 1001}
        ---
        apiVersion: v1
        kind: Pod
        metadata: {name: unset}
        spec:
          containers: [{name: a}]
        ---
        apiVersion: v1
        kind: Pod
        metadata: {name: root}
        spec:
          securityContext: {runAsUser: 0, runAsGroup: 0, fsGroup: 0}
          containers:
            - name: a
              securityContext: {runAsUser: 0, runAsGroup: 0}
        ---
        apiVersion: v1
        kind: Pod
        metadata: {name: win}
        spec:
          os: {name: windows}
          containers: [{name: a}]
      `,
    },
  ],
  invalid: [
    {
      name: "runAsGroup 0 on the pod and on an init container, fsGroup 0, and 0 among supplementalGroups",
      yaml: `
        apiVersion: apps/v1
        kind: StatefulSet
        metadata: {name: redis}
        spec:
          template:
            spec:
              securityContext:
                runAsUser: 1000
                runAsGroup: 0
                fsGroup: 0
                supplementalGroups: [1000, 0]
              initContainers:
                - name: init
                  securityContext: {runAsGroup: 0}
              containers:
                - name: redis
      `,
      errors: [
        { messageId: "runAsGroup", line: 9, column: 9, data: { place: "the pod" } },
        { messageId: "fsGroup", line: 10, column: 9 },
        { messageId: "supplementalGroups", line: 11, column: 36 },
        { messageId: "runAsGroup", line: 14, column: 29, data: { place: 'container "init"' } },
      ],
    },
    {
      name: "a container's runAsGroup 0 under a pod in Scout's group: the container's setting wins",
      yaml: `
        apiVersion: batch/v1
        kind: CronJob
        metadata: {name: backup}
        spec:
          jobTemplate:
            spec:
              template:
                spec:
                  securityContext: {runAsGroup: 1000}
                  containers:
                    - name: dump
                      securityContext:
                        runAsGroup: 0
      `,
      errors: [
        { messageId: "runAsGroup", line: 13, column: 17, data: { place: 'container "dump"' } },
      ],
    },
  ],
});
