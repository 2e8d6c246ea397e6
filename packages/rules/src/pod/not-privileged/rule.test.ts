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
    {
      name: "a custom resource whose spec.template is no pod template (no containers) is not a workload",
      yaml: `
        apiVersion: example.com/v1
        kind: Report
        metadata: {name: r}
        spec:
          template:
            spec: {privileged: true}
      `,
    },
  ],
  invalid: [
    {
      name: "an OpenShift DeploymentConfig and an unknown custom resource with a PodTemplateSpec: their controllers make these pods",
      yaml: `
        apiVersion: apps.openshift.io/v1
        kind: DeploymentConfig
        metadata: {name: web}
        spec:
          template:
            spec:
              containers:
                - name: web
                  securityContext: {privileged: true}
        ---
        apiVersion: workloads.example.com/v1
        kind: Runner
        metadata: {name: r}
        spec:
          template:
            spec:
              containers:
                - name: runner
                  securityContext: {privileged: true}
      `,
      errors: [
        { messageId: "privileged", line: 9, column: 29, data: { container: "web" } },
        { messageId: "privileged", line: 19, column: 29, data: { container: "runner" } },
      ],
    },
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
