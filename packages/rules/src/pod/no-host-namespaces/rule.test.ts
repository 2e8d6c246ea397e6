import { RuleTester } from "@scout-deploy/core/testing";
import { describe, it } from "vitest";
import { noHostNamespaces } from "./rule.js";

new RuleTester({ describe, it }).run(noHostNamespaces, {
  valid: [
    {
      name: "host namespaces false or unset",
      yaml: `
        apiVersion: apps/v1
        kind: DaemonSet
        metadata: {name: d}
        spec:
          template:
            spec:
              hostNetwork: false
              containers: [{name: a}]
      `,
    },
  ],
  invalid: [
    {
      name: "each host namespace is one finding at its field",
      yaml: `
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: d}
        spec:
          template:
            spec:
              hostNetwork: true
              hostPID: true
              hostIPC: true
              containers: [{name: a}]
      `,
      errors: [
        {
          messageId: "hostNamespace",
          line: 7,
          column: 7,
          data: {
            field: "hostNetwork",
            effect:
              "shares the node's network namespace: it can bind the node's ports and sniff its traffic, and no NetworkPolicy applies to it",
          },
        },
        // Only the network namespace is beyond NetworkPolicies: the other two say what they expose.
        {
          messageId: "hostNamespace",
          line: 8,
          column: 7,
          data: {
            field: "hostPID",
            effect:
              "shares the node's process namespace: it sees and can signal every process of the node",
          },
        },
        {
          messageId: "hostNamespace",
          line: 9,
          column: 7,
          data: {
            field: "hostIPC",
            effect:
              "shares the node's IPC namespace: it can read and write the shared memory of the node's processes",
          },
        },
      ],
    },
    {
      name: "a Windows HostProcess pod and container, in a Knative Service",
      yaml: `
        apiVersion: serving.knative.dev/v1
        kind: Service
        metadata: {name: k}
        spec:
          template:
            spec:
              securityContext:
                windowsOptions: {hostProcess: true}
              containers:
                - name: a
                  securityContext:
                    windowsOptions:
                      hostProcess: true
      `,
      errors: [
        { messageId: "hostProcess", line: 8, column: 26, data: { place: "the pod" } },
        { messageId: "hostProcess", line: 13, column: 15, data: { place: 'container "a"' } },
      ],
    },
    {
      name: "Argo: the workflow's hostNetwork gives every template's pod the node's network; a TaskRun's and a PipelineRun's podTemplate; a training replica's hostPID",
      yaml: `
        apiVersion: argoproj.io/v1alpha1
        kind: Workflow
        metadata: {name: wf}
        spec:
          hostNetwork: true
          templates:
            - name: a
              container: {image: alpine:3.19}
            - name: b
              script: {image: alpine:3.19, source: "true"}
        ---
        apiVersion: tekton.dev/v1
        kind: TaskRun
        metadata: {name: run}
        spec:
          podTemplate:
            hostNetwork: true
          taskSpec:
            steps: [{name: s, image: alpine:3.19}]
        ---
        apiVersion: tekton.dev/v1
        kind: PipelineRun
        metadata: {name: prun}
        spec:
          taskRunTemplate:
            podTemplate:
              hostNetwork: true
          pipelineSpec:
            tasks:
              - name: t
                taskSpec:
                  steps: [{name: s, image: alpine:3.19}]
        ---
        apiVersion: kubeflow.org/v1
        kind: TFJob
        metadata: {name: tf}
        spec:
          tfReplicaSpecs:
            PS:
              template:
                spec:
                  hostPID: true
                  containers: [{name: tensorflow}]
      `,
      errors: [
        { messageId: "hostNamespace", line: 5, column: 3 },
        { messageId: "hostNamespace", line: 17, column: 5 },
        { messageId: "hostNamespace", line: 27, column: 7 },
        { messageId: "hostNamespace", line: 42, column: 11 },
      ],
    },
    {
      name: "Argo: a Workflow that runs a WorkflowTemplate on the node's network (its spec reaches every pod of the template)",
      yaml: `
        apiVersion: argoproj.io/v1alpha1
        kind: Workflow
        metadata: {name: ref}
        spec:
          workflowTemplateRef: {name: shared}
          hostNetwork: true
      `,
      errors: [{ messageId: "hostNamespace", line: 6, column: 3 }],
    },
    {
      name: "Tekton: a TaskRun of a referenced Task and a PipelineRun of a referenced Pipeline give their pods the podTemplate's host network",
      yaml: `
        apiVersion: tekton.dev/v1
        kind: TaskRun
        metadata: {name: run}
        spec:
          taskRef: {name: build}
          podTemplate: {hostNetwork: true}
        ---
        apiVersion: tekton.dev/v1
        kind: PipelineRun
        metadata: {name: prun}
        spec:
          pipelineRef: {name: release}
          taskRunTemplate:
            podTemplate: {hostNetwork: true}
      `,
      errors: [
        { messageId: "hostNamespace", line: 6, column: 17 },
        { messageId: "hostNamespace", line: 14, column: 19 },
      ],
    },
  ],
});
