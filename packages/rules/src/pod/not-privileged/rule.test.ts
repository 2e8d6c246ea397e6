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
    {
      name: "Argo: every container a Workflow's templates run (container, script, containerSet, initContainers, sidecars)",
      yaml: `
        apiVersion: argoproj.io/v1alpha1
        kind: Workflow
        metadata: {name: wf}
        spec:
          templates:
            - name: build
              container:
                image: alpine:3.19
                securityContext: {privileged: true}
              initContainers:
                - name: init
                  securityContext: {privileged: true}
              sidecars:
                - name: dind
                  securityContext: {privileged: true}
            - name: report
              script:
                image: python:3.12
                source: print(1)
                securityContext: {privileged: true}
            - name: many
              containerSet:
                containers:
                  - name: a
                    image: alpine:3.19
                    securityContext: {privileged: true}
            - name: steps
              steps: [[{name: s, template: build}]]
      `,
      errors: [
        { messageId: "privileged", line: 9, column: 27, data: { container: "main" } },
        { messageId: "privileged", line: 12, column: 29, data: { container: "init" } },
        { messageId: "privileged", line: 15, column: 29, data: { container: "dind" } },
        { messageId: "privileged", line: 20, column: 27, data: { container: "main" } },
        { messageId: "privileged", line: 26, column: 31, data: { container: "a" } },
      ],
    },
    {
      name: "Argo: a CronWorkflow's templates under spec.workflowSpec, a WorkflowTemplate's",
      yaml: `
        apiVersion: argoproj.io/v1alpha1
        kind: CronWorkflow
        metadata: {name: nightly}
        spec:
          schedule: "0 3 * * *"
          workflowSpec:
            templates:
              - name: run
                container:
                  securityContext: {privileged: true}
        ---
        apiVersion: argoproj.io/v1alpha1
        kind: WorkflowTemplate
        metadata: {name: shared}
        spec:
          templates:
            - name: run
              container:
                securityContext: {privileged: true}
      `,
      errors: [
        { messageId: "privileged", line: 10, column: 29, data: { container: "main" } },
        { messageId: "privileged", line: 19, column: 27, data: { container: "main" } },
      ],
    },
    {
      name: "Tekton: a step inherits privileged from stepTemplate (both steps on its line: evaluate merges them into one finding), a sidecar sets it",
      yaml: `
        apiVersion: tekton.dev/v1
        kind: Task
        metadata: {name: build}
        spec:
          stepTemplate:
            securityContext: {privileged: true}
          steps:
            - name: one
              image: alpine:3.19
            - name: two
              image: alpine:3.19
              securityContext: {runAsNonRoot: true}
            - name: three
              image: alpine:3.19
              securityContext: {privileged: false}
          sidecars:
            - name: dind
              image: docker:dind
              securityContext: {privileged: true}
      `,
      errors: [
        { messageId: "privileged", line: 6, column: 23, data: { container: "one" } },
        { messageId: "privileged", line: 6, column: 23, data: { container: "two" } },
        { messageId: "privileged", line: 19, column: 25, data: { container: "dind" } },
      ],
    },
    {
      name: "Tekton: a TaskRun's taskSpec, a Pipeline's and a PipelineRun's embedded taskSpec",
      yaml: `
        apiVersion: tekton.dev/v1
        kind: TaskRun
        metadata: {name: run}
        spec:
          taskSpec:
            steps:
              - name: s
                securityContext: {privileged: true}
        ---
        apiVersion: tekton.dev/v1
        kind: PipelineRun
        metadata: {name: prun}
        spec:
          pipelineSpec:
            tasks:
              - name: t
                taskSpec:
                  steps:
                    - name: s
                      securityContext: {privileged: true}
            finally:
              - name: f
                taskSpec:
                  steps:
                    - name: s
                      securityContext: {privileged: true}
      `,
      errors: [
        { messageId: "privileged", line: 8, column: 27, data: { container: "s" } },
        { messageId: "privileged", line: 20, column: 33, data: { container: "s" } },
        { messageId: "privileged", line: 26, column: 33, data: { container: "s" } },
      ],
    },
    {
      name: "several pod templates in one object: Kubeflow replicas, Ray groups, JobSet, LeaderWorkerSet, Volcano tasks",
      yaml: `
        apiVersion: kubeflow.org/v1
        kind: PyTorchJob
        metadata: {name: train}
        spec:
          pytorchReplicaSpecs:
            Master:
              template:
                spec:
                  containers: [{name: pytorch}]
            Worker:
              template:
                spec:
                  containers:
                    - name: pytorch
                      securityContext: {privileged: true}
        ---
        apiVersion: ray.io/v1
        kind: RayCluster
        metadata: {name: ray}
        spec:
          headGroupSpec:
            template:
              spec:
                containers: [{name: head, securityContext: {privileged: true}}]
          workerGroupSpecs:
            - groupName: gpu
              template:
                spec:
                  containers: [{name: worker, securityContext: {privileged: true}}]
        ---
        apiVersion: jobset.x-k8s.io/v1alpha2
        kind: JobSet
        metadata: {name: js}
        spec:
          replicatedJobs:
            - name: workers
              template:
                spec:
                  template:
                    spec:
                      containers: [{name: w, securityContext: {privileged: true}}]
        ---
        apiVersion: leaderworkerset.x-k8s.io/v1
        kind: LeaderWorkerSet
        metadata: {name: lws}
        spec:
          leaderWorkerTemplate:
            leaderTemplate:
              spec:
                containers: [{name: leader}]
            workerTemplate:
              spec:
                containers: [{name: worker, securityContext: {privileged: true}}]
        ---
        apiVersion: batch.volcano.sh/v1alpha1
        kind: Job
        metadata: {name: vc}
        spec:
          tasks:
            - name: ps
              template:
                spec:
                  containers: [{name: ps, securityContext: {privileged: true}}]
      `,
      errors: [
        { messageId: "privileged", line: 15, column: 33, data: { container: "pytorch" } },
        { messageId: "privileged", line: 24, column: 53, data: { container: "head" } },
        { messageId: "privileged", line: 29, column: 57, data: { container: "worker" } },
        { messageId: "privileged", line: 41, column: 56, data: { container: "w" } },
        { messageId: "privileged", line: 53, column: 55, data: { container: "worker" } },
        { messageId: "privileged", line: 63, column: 53, data: { container: "ps" } },
      ],
    },
    {
      name: "Argo: a podSpecPatch (workflow's, then template's, YAML or JSON) merges into the pod by container name; templateDefaults' container applies to container templates only",
      yaml: `
        apiVersion: argoproj.io/v1alpha1
        kind: Workflow
        metadata: {name: wf}
        spec:
          templateDefaults:
            container:
              securityContext: {privileged: true}
          templates:
            - name: defaulted
              container:
                image: alpine:3.19
                securityContext: {readOnlyRootFilesystem: true}
            - name: script-not-defaulted
              script: {image: alpine:3.19, source: "true"}
        ---
        apiVersion: argoproj.io/v1alpha1
        kind: WorkflowTemplate
        metadata: {name: patched}
        spec:
          podSpecPatch: |
            containers:
              - name: main
                securityContext:
                  privileged: yes
          templates:
            - name: a
              container:
                image: alpine:3.19
                securityContext: {privileged: false}
            - name: b
              podSpecPatch: '{"containers":[{"name":"main","securityContext":{"privileged":false}}]}'
              container: {image: alpine:3.19}
      `,
      errors: [
        { messageId: "privileged", line: 7, column: 25, data: { container: "main" } },
        { messageId: "privileged", line: 20, column: 3, data: { container: "main" } },
      ],
    },
    {
      name: "a Prometheus Operator container patch that sets privileged makes the operator's container privileged; an unknown custom resource's container list is judged too",
      yaml: `
        apiVersion: monitoring.coreos.com/v1
        kind: Alertmanager
        metadata: {name: main}
        spec:
          containers:
            - name: alertmanager
              securityContext: {privileged: true}
        ---
        apiVersion: example.com/v1
        kind: Runner
        metadata: {name: r}
        spec:
          pool:
            workers:
              - containers:
                  - name: run
                    image: example/runner:1.0
                    securityContext: {privileged: true}
      `,
      errors: [
        { messageId: "privileged", line: 7, column: 25, data: { container: "alertmanager" } },
        { messageId: "privileged", line: 18, column: 31, data: { container: "run" } },
      ],
    },
    {
      name: "Argo: an inline template of a step or a DAG task runs as a pod; a Workflow that runs a WorkflowTemplate lays its podSpecPatch over it; a Tekton StepAction is a step's container; a Kubeflow kind without replica specs is searched for containers",
      yaml: `
        apiVersion: argoproj.io/v1alpha1
        kind: Workflow
        metadata: {name: wf}
        spec:
          templates:
            - name: main
              steps:
                - - name: hidden
                    inline:
                      container:
                        image: alpine:3.19
                        securityContext: {privileged: true}
            - name: graph
              dag:
                tasks:
                  - name: t
                    inline:
                      script: {image: alpine:3.19, source: "true", securityContext: {privileged: true}}
        ---
        apiVersion: argoproj.io/v1alpha1
        kind: Workflow
        metadata: {name: ref}
        spec:
          workflowTemplateRef: {name: shared}
          podSpecPatch: '{"containers":[{"name":"main","securityContext":{"privileged":true}}]}'
        ---
        apiVersion: tekton.dev/v1beta1
        kind: StepAction
        metadata: {name: act}
        spec:
          image: alpine:3.19
          securityContext: {privileged: true}
        ---
        apiVersion: kubeflow.org/v1beta1
        kind: Experiment
        metadata: {name: katib}
        spec:
          trialTemplate:
            trialSpec:
              apiVersion: batch/v1
              kind: Job
              spec:
                template:
                  spec:
                    containers: [{name: train, image: train:1.0, securityContext: {privileged: true}}]
      `,
      errors: [
        { messageId: "privileged", line: 12, column: 35, data: { container: "main" } },
        { messageId: "privileged", line: 18, column: 78, data: { container: "main" } },
        { messageId: "privileged", line: 25, column: 3, data: { container: "main" } },
        { messageId: "privileged", line: 32, column: 21, data: { container: "step" } },
        { messageId: "privileged", line: 45, column: 76, data: { container: "train" } },
      ],
    },
  ],
});
