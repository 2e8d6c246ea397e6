import { RuleTester } from "@scout-deploy/core/testing";
import { describe, it } from "vitest";
import { containersThatSayNothing } from "../../test-support/operator-patches.js";
import { runAsNonRoot } from "./rule.js";

new RuleTester({ describe, it }).run(runAsNonRoot, {
  valid: [
    containersThatSayNothing,
    {
      name: "a container's runAsNonRoot: null is unset: the pod's value holds (the API server drops the null)",
      yaml: `
        apiVersion: v1
        kind: Pod
        metadata: {name: p}
        spec:
          securityContext: {runAsNonRoot: true}
          containers:
            - name: app
              securityContext: {runAsNonRoot: null}
      `,
    },
    {
      name: "pod-level runAsNonRoot and runAsUser cover every container",
      yaml: `
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: backend}
        spec:
          template:
            spec:
              securityContext: {runAsNonRoot: true, runAsUser: 1000}
              initContainers: [{name: init, image: busybox:1.36}]
              containers: [{name: api, image: scout/backend:1.0}]
      `,
    },
    {
      name: "a CronJob with the setting on its container",
      yaml: `
        apiVersion: batch/v1
        kind: CronJob
        metadata: {name: report}
        spec:
          schedule: "0 * * * *"
          jobTemplate:
            spec:
              template:
                spec:
                  containers:
                    - name: job
                      securityContext: {runAsNonRoot: true}
      `,
    },
  ],
  invalid: [
    {
      name: "a pod with its own user namespace still runs as root inside: the guide asks for UID 1000 (Pod Security admission 1.35+ would admit it)",
      yaml: `
        apiVersion: v1
        kind: Pod
        metadata: {name: p}
        spec:
          hostUsers: false
          securityContext: {runAsUser: 0}
          containers: [{name: app}]
      `,
      errors: [
        { messageId: "notNonRoot", line: 6, column: 3, data: { container: "app" } },
        { messageId: "rootUser", line: 6, column: 21, data: { container: "app" } },
      ],
    },
    {
      name: "runAsNonRoot unset on a pod that has a securityContext, with two containers: at the pod's securityContext, one line for both",
      yaml: `
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: backend}
        spec:
          template:
            spec:
              securityContext:
                runAsUser: 1000
                seccompProfile: {type: RuntimeDefault}
              initContainers:
                - name: migrate
                  securityContext: {allowPrivilegeEscalation: false}
              containers:
                - name: api
                  securityContext: {allowPrivilegeEscalation: false}
      `,
      errors: [
        { messageId: "notNonRoot", line: 7, column: 7, data: { container: "migrate" } },
        { messageId: "notNonRoot", line: 7, column: 7, data: { container: "api" } },
      ],
    },
    {
      name: "runAsUser: 0 is reported at the field, runAsNonRoot at the container's context",
      yaml: `
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: backend}
        spec:
          template:
            spec:
              containers:
                - name: api
                  securityContext:
                    runAsUser: 0
      `,
      errors: [
        { messageId: "notNonRoot", line: 9, column: 11, data: { container: "api" } },
        { messageId: "rootUser", line: 10, column: 13, data: { container: "api" } },
      ],
    },
    {
      name: "a container overriding the pod with runAsNonRoot: false",
      yaml: `
        apiVersion: v1
        kind: Pod
        metadata: {name: p}
        spec:
          securityContext: {runAsNonRoot: true}
          containers:
            - name: ok
            - name: bad
              securityContext: {runAsNonRoot: false}
      `,
      errors: [{ messageId: "notNonRoot", line: 9, column: 25, data: { container: "bad" } }],
    },
    {
      name: "the pod's runAsUser: 0 is inherited by an ephemeral container",
      yaml: `
        apiVersion: v1
        kind: Pod
        metadata: {name: p}
        spec:
          securityContext:
            runAsNonRoot: true
            runAsUser: 0
          ephemeralContainers:
            - name: debug
      `,
      errors: [{ messageId: "rootUser", line: 7, column: 5, data: { container: "debug" } }],
    },
    {
      name: "StatefulSet, DaemonSet, Job, ReplicaSet, ReplicationController are all judged",
      yaml: `
        apiVersion: apps/v1
        kind: StatefulSet
        metadata: {name: a}
        spec: {template: {spec: {containers: [{name: c}]}}}
        ---
        apiVersion: apps/v1
        kind: DaemonSet
        metadata: {name: b}
        spec: {template: {spec: {containers: [{name: c}]}}}
        ---
        apiVersion: batch/v1
        kind: Job
        metadata: {name: c}
        spec: {template: {spec: {containers: [{name: c}]}}}
        ---
        apiVersion: apps/v1
        kind: ReplicaSet
        metadata: {name: d}
        spec: {template: {spec: {containers: [{name: c}]}}}
        ---
        apiVersion: v1
        kind: ReplicationController
        metadata: {name: e}
        spec: {template: {spec: {containers: [{name: c}]}}}
      `,
      errors: [
        { messageId: "notNonRoot", line: 4, column: 39 },
        { messageId: "notNonRoot", line: 9, column: 39 },
        { messageId: "notNonRoot", line: 14, column: 39 },
        { messageId: "notNonRoot", line: 19, column: 39 },
        { messageId: "notNonRoot", line: 24, column: 39 },
      ],
    },
    {
      name: "a pod-level false or 0 that every container overrides is still the pod's",
      yaml: `
        apiVersion: v1
        kind: Pod
        metadata: {name: p}
        spec:
          securityContext: {runAsNonRoot: false, runAsUser: 0}
          containers:
            - name: app
              securityContext: {runAsNonRoot: true, runAsUser: 1000}
      `,
      errors: [
        { messageId: "podNotNonRoot", line: 5, column: 21 },
        { messageId: "podRootUser", line: 5, column: 42 },
      ],
    },
    {
      name: "ContainerAdministrator is Windows' root, set on the pod or the container",
      yaml: `
        apiVersion: v1
        kind: Pod
        metadata: {name: win}
        spec:
          os: {name: windows}
          securityContext:
            runAsNonRoot: true
            windowsOptions: {runAsUserName: ContainerAdministrator}
          containers:
            - name: inherits
            - name: own
              securityContext: {windowsOptions: {runAsUserName: containeradministrator}}
            - name: user
              securityContext: {windowsOptions: {runAsUserName: ContainerUser}}
      `,
      errors: [
        {
          messageId: "windowsAdmin",
          line: 8,
          column: 22,
          data: { container: "inherits", user: "ContainerAdministrator" },
        },
        {
          messageId: "windowsAdmin",
          line: 12,
          column: 42,
          data: { container: "own", user: "containeradministrator" },
        },
      ],
    },
    {
      name: "Argo: a template's securityContext replaces the workflow's whole (no field-wise merge): the template's runAsUser 0 wins, and the workflow's runAsNonRoot no longer holds",
      yaml: `
        apiVersion: argoproj.io/v1alpha1
        kind: Workflow
        metadata: {name: wf}
        spec:
          securityContext: {runAsNonRoot: true, runAsUser: 1000}
          templates:
            - name: safe
              container: {image: alpine:3.19}
            - name: root
              securityContext: {runAsUser: 0}
              container: {image: alpine:3.19}
      `,
      errors: [
        { messageId: "notNonRoot", line: 10, column: 7, data: { container: "main" } },
        { messageId: "rootUser", line: 10, column: 25, data: { container: "main" } },
      ],
    },
    {
      name: "Argo: the workflow's securityContext holds for a template without one (reported on the workflow's line); Tekton: the podTemplate's, and a stepTemplate's runAsUser 0",
      yaml: `
        apiVersion: argoproj.io/v1alpha1
        kind: Workflow
        metadata: {name: wf}
        spec:
          securityContext: {runAsNonRoot: true, runAsUser: 0}
          templates:
            - name: a
              container: {image: alpine:3.19}
        ---
        apiVersion: tekton.dev/v1
        kind: TaskRun
        metadata: {name: run}
        spec:
          podTemplate:
            securityContext: {runAsNonRoot: true}
          taskSpec:
            stepTemplate:
              securityContext: {runAsUser: 0}
            steps: [{name: s, image: alpine:3.19}]
      `,
      errors: [
        { messageId: "rootUser", line: 5, column: 41, data: { container: "main" } },
        { messageId: "rootUser", line: 18, column: 25, data: { container: "s" } },
      ],
    },
    {
      name: "a patch or an unknown custom resource's container that sets runAsUser 0 or runAsNonRoot false runs as root",
      yaml: `
        apiVersion: monitoring.coreos.com/v1
        kind: Prometheus
        metadata: {name: k8s}
        spec:
          securityContext: {runAsUser: 0}
          containers: [{name: prometheus}]
        ---
        apiVersion: example.com/v1
        kind: Runner
        metadata: {name: r}
        spec:
          containers:
            - name: run
              image: example/runner:1.0
              securityContext: {runAsNonRoot: false}
      `,
      errors: [
        { messageId: "rootUser", line: 5, column: 21, data: { container: "prometheus" } },
        { messageId: "notNonRoot", line: 15, column: 25, data: { container: "run" } },
      ],
    },
  ],
});
