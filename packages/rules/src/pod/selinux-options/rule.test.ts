import { RuleTester } from "@scout-deploy/core/testing";
import { describe, it } from "vitest";
import { selinuxOptions } from "./rule.js";

new RuleTester({ describe, it }).run(selinuxOptions, {
  valid: [
    {
      name: "container types and a level",
      yaml: `
        apiVersion: v1
        kind: Pod
        metadata: {name: p}
        spec:
          securityContext:
            seLinuxOptions: {level: "s0:c123,c456"}
          containers:
            - name: a
              securityContext:
                seLinuxOptions: {type: container_t}
            - name: b
              securityContext:
                seLinuxOptions: {type: "", user: ""}
      `,
    },
    {
      name: "container_engine_t on Kubernetes 1.31 and later (the default target): allowed",
      kubernetesVersion: "1.31",
      yaml: `
        apiVersion: v1
        kind: Pod
        metadata: {name: p}
        spec:
          securityContext:
            seLinuxOptions: {type: container_engine_t}
          containers: [{name: a}]
      `,
    },
  ],
  invalid: [
    {
      name: "container_engine_t on Kubernetes 1.30: Pod Security admission allows it only from 1.31",
      kubernetesVersion: "1.30",
      yaml: `
        apiVersion: v1
        kind: Pod
        metadata: {name: p}
        spec:
          securityContext:
            seLinuxOptions: {type: container_engine_t}
          containers: [{name: a}]
      `,
      errors: [
        {
          messageId: "type",
          line: 6,
          column: 22,
          data: { place: "the pod", value: "container_engine_t" },
        },
      ],
    },
    {
      name: "a privileged type on the pod, a user and a role on a container",
      yaml: `
        apiVersion: batch/v1
        kind: CronJob
        metadata: {name: c}
        spec:
          jobTemplate:
            spec:
              template:
                spec:
                  securityContext:
                    seLinuxOptions:
                      type: spc_t
                  containers:
                    - name: job
                      securityContext:
                        seLinuxOptions: {user: system_u, role: system_r}
      `,
      errors: [
        { messageId: "type", line: 11, column: 15, data: { place: "the pod", value: "spc_t" } },
        {
          messageId: "custom",
          line: 15,
          column: 34,
          data: { place: 'container "job"', field: "user" },
        },
        { messageId: "custom", line: 15, column: 50 },
      ],
    },
  ],
});
