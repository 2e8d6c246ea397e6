import { RuleTester } from "@scout-deploy/core/testing";
import { describe, it } from "vitest";
import { defaultDeny } from "./rule.js";

new RuleTester({ describe, it }).run(defaultDeny, {
  valid: [
    {
      name: "an Argo Workflow's and a TaskRun's pods carry the labels their controllers set (workflow name; taskRun name, managed-by): a policy that selects by them isolates them",
      yaml: `
        apiVersion: argoproj.io/v1alpha1
        kind: Workflow
        metadata: {name: nightly, namespace: scout}
        spec:
          templates:
            - name: run
              container: {image: alpine:3.19}
        ---
        apiVersion: tekton.dev/v1
        kind: TaskRun
        metadata: {name: build, namespace: scout}
        spec:
          taskSpec:
            steps: [{name: s, image: alpine:3.19}]
        ---
        apiVersion: networking.k8s.io/v1
        kind: NetworkPolicy
        metadata: {name: batch, namespace: scout}
        spec:
          podSelector:
            matchExpressions:
              - {key: workflows.argoproj.io/workflow, operator: In, values: [nightly]}
          policyTypes: [Ingress, Egress]
        ---
        apiVersion: networking.k8s.io/v1
        kind: NetworkPolicy
        metadata: {name: tekton, namespace: scout}
        spec:
          podSelector:
            matchLabels: {app.kubernetes.io/managed-by: tekton-pipelines, tekton.dev/taskRun: build}
          policyTypes: [Ingress, Egress]
      `,
    },
    {
      name: "a default deny for both directions isolates every pod of the namespace",
      yaml: `
        apiVersion: v1
        kind: Pod
        metadata: {name: api, namespace: scout, labels: {app: api}}
        spec: {containers: [{name: api}]}
        ---
        apiVersion: networking.k8s.io/v1
        kind: NetworkPolicy
        metadata: {name: default-deny, namespace: scout}
        spec: {podSelector: {}, policyTypes: [Ingress, Egress]}
      `,
    },
    {
      name: "without policyTypes, egress rules make a policy isolate egress too",
      yaml: `
        apiVersion: v1
        kind: Pod
        metadata: {name: api, labels: {app: api}}
        spec: {containers: [{name: api}]}
        ---
        apiVersion: networking.k8s.io/v1
        kind: NetworkPolicy
        metadata: {name: api}
        spec:
          podSelector: {matchExpressions: [{key: app, operator: In, values: [api]}]}
          egress: [{ports: [{port: 53, protocol: UDP}]}]
      `,
    },
    {
      name: "an empty policyTypes list is defaulted like an unset one: Ingress, and Egress with egress rules",
      yaml: `
        apiVersion: v1
        kind: Pod
        metadata: {name: api, labels: {app: api}}
        spec: {containers: [{name: api}]}
        ---
        apiVersion: networking.k8s.io/v1
        kind: NetworkPolicy
        metadata: {name: default-deny}
        spec:
          podSelector: {}
          policyTypes: []
          egress: [{ports: [{port: 53, protocol: UDP}]}]
      `,
    },
    {
      name: "a policy selecting a StatefulSet's pod by the name its controller gives it isolates that pod",
      yaml: `
        apiVersion: apps/v1
        kind: StatefulSet
        metadata: {name: redis, namespace: scout}
        spec:
          selector: {matchLabels: {app: redis}}
          template:
            metadata: {labels: {app: redis}}
            spec: {containers: [{name: redis}]}
        ---
        apiVersion: networking.k8s.io/v1
        kind: NetworkPolicy
        metadata: {name: redis, namespace: scout}
        spec:
          podSelector: {matchLabels: {statefulset.kubernetes.io/pod-name: redis-0}}
          policyTypes: [Ingress, Egress]
      `,
    },
    {
      name: "a policy selecting a Job's pods by the job-name label the API server adds isolates them",
      yaml: `
        apiVersion: batch/v1
        kind: Job
        metadata: {name: migrate, namespace: scout}
        spec:
          template:
            spec: {restartPolicy: Never, containers: [{name: migrate}]}
        ---
        apiVersion: networking.k8s.io/v1
        kind: NetworkPolicy
        metadata: {name: migrate, namespace: scout}
        spec:
          podSelector: {matchExpressions: [{key: batch.kubernetes.io/job-name, operator: In, values: [migrate]}]}
          policyTypes: [Ingress, Egress]
      `,
    },
    {
      name: "Exists on a label the controller sets is certain: every pod of a Deployment carries pod-template-hash",
      yaml: `
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: api, namespace: scout}
        spec:
          selector: {matchLabels: {app: api}}
          template:
            metadata: {labels: {app: api}}
            spec: {containers: [{name: api}]}
        ---
        apiVersion: networking.k8s.io/v1
        kind: NetworkPolicy
        metadata: {name: deployments, namespace: scout}
        spec:
          podSelector: {matchExpressions: [{key: pod-template-hash, operator: Exists}]}
          policyTypes: [Ingress, Egress]
      `,
    },
  ],
  invalid: [
    {
      name: "a default deny whose podSelector was narrowed to the backend (which its own policy isolates already): the frontend left open is reported on that selector, the line to widen",
      yaml: `
        apiVersion: v1
        kind: Pod
        metadata: {name: frontend, namespace: scout, labels: {app: frontend}}
        spec: {containers: [{name: web}]}
        ---
        apiVersion: v1
        kind: Pod
        metadata: {name: backend, namespace: scout, labels: {app: backend}}
        spec: {containers: [{name: api}]}
        ---
        apiVersion: networking.k8s.io/v1
        kind: NetworkPolicy
        metadata: {name: backend, namespace: scout}
        spec:
          podSelector: {matchLabels: {app: backend}}
          policyTypes: [Ingress, Egress]
          ingress: [{from: [{podSelector: {matchLabels: {app: frontend}}}]}]
        ---
        apiVersion: networking.k8s.io/v1
        kind: NetworkPolicy
        metadata: {name: default-deny, namespace: scout}
        spec:
          podSelector: {matchLabels: {app: backend}}
          policyTypes: [Ingress, Egress]
      `,
      errors: [
        {
          messageId: "notIsolated",
          line: 23,
          column: 3,
          data: {
            kind: "Pod",
            name: "frontend",
            instance: "instance scout",
            directions: "ingress and egress",
            types: "Ingress or Egress",
            open: "any pod of the cluster and any outside address may connect to it on every port, and it may connect to any of them on every port",
          },
        },
      ],
    },
    {
      name: "a policy naming one pod of a StatefulSet leaves the others open, and says which",
      yaml: `
        apiVersion: apps/v1
        kind: StatefulSet
        metadata: {name: redis, namespace: scout}
        spec:
          replicas: 3
          selector: {matchLabels: {app: redis}}
          template:
            metadata: {labels: {app: redis}}
            spec: {containers: [{name: redis}]}
        ---
        apiVersion: networking.k8s.io/v1
        kind: NetworkPolicy
        metadata: {name: redis, namespace: scout}
        spec:
          podSelector: {matchLabels: {statefulset.kubernetes.io/pod-name: redis-0}}
          policyTypes: [Ingress, Egress]
      `,
      errors: [
        {
          messageId: "notIsolated",
          line: 8,
          column: 5,
          data: {
            kind: "StatefulSet",
            name: "redis (pods redis-1, redis-2)",
            instance: "instance scout",
            directions: "ingress and egress",
            types: "Ingress or Egress",
            open: "any pod of the cluster and any outside address may connect to it on every port, and it may connect to any of them on every port",
          },
        },
      ],
    },
    {
      name: "a podSelector on pod-template-hash cannot be counted on: reported on that label, not on the workload",
      yaml: `
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: api, namespace: scout}
        spec:
          selector: {matchLabels: {app: api}}
          template:
            metadata: {labels: {app: api}}
            spec: {containers: [{name: api}]}
        ---
        apiVersion: networking.k8s.io/v1
        kind: NetworkPolicy
        metadata: {name: api, namespace: scout}
        spec:
          podSelector: {matchLabels: {app: api, pod-template-hash: 5d8f7c9b6}}
          policyTypes: [Ingress, Egress]
      `,
      errors: [
        {
          messageId: "uncertainSelector",
          line: 14,
          column: 41,
          data: {
            kind: "Deployment",
            name: "api",
            policy: "scout/api",
            key: "pod-template-hash",
            reason:
              "the Deployment controller sets it to a hash of the pod template, a new one at every rollout",
            instance: "instance scout",
            directions: "ingress and egress",
            types: "Ingress or Egress",
            open: "any pod of the cluster and any outside address may connect to it on every port, and it may connect to any of them on every port",
          },
        },
      ],
    },
    {
      name: "a RayCluster's pods carry ray.io labels only its operator sets: a policy on them may or may not isolate them",
      yaml: `
        apiVersion: ray.io/v1
        kind: RayCluster
        metadata: {name: ray, namespace: scout}
        spec:
          headGroupSpec:
            template:
              spec:
                containers: [{name: head, image: rayproject/ray:2.41.0}]
        ---
        apiVersion: networking.k8s.io/v1
        kind: NetworkPolicy
        metadata: {name: ray, namespace: scout}
        spec:
          podSelector: {matchLabels: {ray.io/node-type: head}}
          policyTypes: [Ingress, Egress]
      `,
      errors: [
        {
          messageId: "uncertainSelector",
          line: 14,
          column: 31,
          data: {
            kind: "RayCluster",
            name: "ray",
            policy: "scout/ray",
            key: "ray.io/node-type",
            reason:
              "the KubeRay operator sets it on its pods, to a name, an index or a hash the cluster decides",
            instance: "instance scout",
            directions: "ingress and egress",
            types: "Ingress or Egress",
            open: "any pod of the cluster and any outside address may connect to it on every port, and it may connect to any of them on every port",
          },
        },
      ],
    },
    {
      name: "a CronJob's pods carry a job-name only the cluster knows: a policy on it cannot isolate them",
      yaml: `
        apiVersion: batch/v1
        kind: CronJob
        metadata: {name: report, namespace: scout}
        spec:
          schedule: "0 * * * *"
          jobTemplate:
            spec:
              template:
                spec: {restartPolicy: Never, containers: [{name: report}]}
        ---
        apiVersion: networking.k8s.io/v1
        kind: NetworkPolicy
        metadata: {name: report, namespace: scout}
        spec:
          podSelector: {matchExpressions: [{key: job-name, operator: In, values: [report]}]}
          policyTypes: [Ingress, Egress]
      `,
      errors: [
        {
          messageId: "uncertainSelector",
          line: 15,
          column: 36,
          data: {
            kind: "CronJob",
            name: "report",
            policy: "scout/report",
            key: "job-name",
            reason:
              "the CronJob or JobSet controller names each Job it creates (after the scheduled time, or after the JobSet and an index), so each run's pods carry another name",
            instance: "instance scout",
            directions: "ingress and egress",
            types: "Ingress or Egress",
            open: "any pod of the cluster and any outside address may connect to it on every port, and it may connect to any of them on every port",
          },
        },
      ],
    },
    {
      name: "a hostNetwork pod that a default deny selects is still open: policies do not apply on the node's network",
      yaml: `
        apiVersion: v1
        kind: Pod
        metadata: {name: agent, namespace: scout, labels: {app: agent}}
        spec: {hostNetwork: true, containers: [{name: agent}]}
        ---
        apiVersion: networking.k8s.io/v1
        kind: NetworkPolicy
        metadata: {name: default-deny, namespace: scout}
        spec: {podSelector: {}, policyTypes: [Ingress, Egress]}
      `,
      errors: [
        {
          messageId: "onHostNetwork",
          // On hostNetwork, the line that puts the pod on the node's network.
          line: 4,
          column: 8,
          data: {
            kind: "Pod",
            name: "agent",
            instance: "instance scout",
            directions: "ingress and egress",
            types: "Ingress or Egress",
            policies: "scout/default-deny",
            open: "any pod of the cluster and any outside address may connect to it on every port, and it may connect to any of them on every port",
          },
        },
      ],
    },
    {
      name: "a policy the API server refuses (a policyType spelt egress, an In without values) isolates nothing",
      yaml: `
        apiVersion: v1
        kind: Pod
        metadata: {name: api, namespace: scout, labels: {app: api}}
        spec: {containers: [{name: api}]}
        ---
        apiVersion: networking.k8s.io/v1
        kind: NetworkPolicy
        metadata: {name: default-deny, namespace: scout}
        spec:
          podSelector: {}
          policyTypes: [Ingress, egress]
        ---
        apiVersion: networking.k8s.io/v1
        kind: NetworkPolicy
        metadata: {name: api, namespace: scout}
        spec:
          podSelector:
            matchExpressions: [{key: app, operator: In}]
          policyTypes: [Ingress, Egress]
      `,
      errors: [
        {
          messageId: "notIsolated",
          line: 3,
          column: 1,
          data: {
            kind: "Pod",
            name: "api",
            instance: "instance scout",
            directions: "ingress and egress",
            types: "Ingress or Egress",
            open: "any pod of the cluster and any outside address may connect to it on every port, and it may connect to any of them on every port",
          },
        },
        {
          messageId: "refusedPolicy",
          line: 11,
          column: 26,
          data: {
            policy: "scout/default-deny",
            reason: 'policyTypes holds "egress": only "Ingress" and "Egress" exist, spelt so',
          },
        },
        {
          messageId: "refusedPolicy",
          line: 18,
          column: 24,
          data: {
            policy: "scout/api",
            reason: "a matchExpressions entry with operator In has no values",
          },
        },
      ],
    },
    {
      name: "a default deny whose name the API server refuses (upper case, underscore) isolates nothing",
      yaml: `
        apiVersion: v1
        kind: Pod
        metadata: {name: api, namespace: scout, labels: {app: api}}
        spec: {containers: [{name: api}]}
        ---
        apiVersion: networking.k8s.io/v1
        kind: NetworkPolicy
        metadata: {name: Default_Deny, namespace: scout}
        spec:
          podSelector: {}
          policyTypes: [Ingress, Egress]
      `,
      errors: [
        {
          messageId: "notIsolated",
          line: 3,
          column: 1,
          data: {
            kind: "Pod",
            name: "api",
            instance: "instance scout",
            directions: "ingress and egress",
            types: "Ingress or Egress",
            open: "any pod of the cluster and any outside address may connect to it on every port, and it may connect to any of them on every port",
          },
        },
        {
          messageId: "refusedPolicy",
          line: 8,
          column: 12,
          data: {
            policy: "scout/Default_Deny",
            reason:
              "its name is no DNS-1123 subdomain (lower-case letters, digits, '-' and '.', starting and ending with a letter or digit)",
          },
        },
      ],
    },
    {
      name: "no policy at all: one finding naming both directions, at the pod template's metadata",
      yaml: `
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: backend, namespace: scout}
        spec:
          template:
            metadata:
              labels: {app: backend}
            spec: {containers: [{name: api}]}
      `,
      errors: [
        {
          messageId: "notIsolated",
          line: 6,
          column: 5,
          data: {
            kind: "Deployment",
            name: "backend",
            instance: "instance scout",
            directions: "ingress and egress",
            types: "Ingress or Egress",
            open: "any pod of the cluster and any outside address may connect to it on every port, and it may connect to any of them on every port",
          },
        },
      ],
    },
    {
      name: "without policyTypes and without egress rules a policy isolates ingress only; a policy elsewhere does nothing",
      yaml: `
        apiVersion: v1
        kind: Pod
        metadata: {name: api, namespace: scout, labels: {app: api}}
        spec: {containers: [{name: api}]}
        ---
        apiVersion: networking.k8s.io/v1
        kind: NetworkPolicy
        metadata: {name: ingress-only, namespace: scout}
        spec: {podSelector: {matchLabels: {app: api}}, egress: []}
        ---
        apiVersion: networking.k8s.io/v1
        kind: NetworkPolicy
        metadata: {name: other-namespace, namespace: other}
        spec: {podSelector: {}, policyTypes: [Egress]}
      `,
      errors: [
        {
          messageId: "notIsolated",
          line: 3,
          column: 1,
          data: {
            kind: "Pod",
            name: "api",
            instance: "instance scout",
            directions: "egress",
            types: "Egress",
            open: "it may connect to any pod of the cluster and any outside address on every port",
          },
        },
      ],
    },
    {
      name: "each kind of pod of a training job is its own workload, reported at its template",
      yaml: `
        apiVersion: kubeflow.org/v1
        kind: PyTorchJob
        metadata: {name: train, namespace: scout}
        spec:
          pytorchReplicaSpecs:
            Master:
              template:
                metadata: {labels: {role: master}}
                spec:
                  containers: [{name: pytorch, image: pytorch:2.1}]
            Worker:
              template:
                metadata: {labels: {role: worker}}
                spec:
                  containers: [{name: pytorch, image: pytorch:2.1}]
        ---
        apiVersion: networking.k8s.io/v1
        kind: NetworkPolicy
        metadata: {name: master, namespace: scout}
        spec:
          podSelector: {matchLabels: {role: master}}
          policyTypes: [Ingress, Egress]
      `,
      errors: [{ messageId: "notIsolated", line: 13, column: 9 }],
    },
  ],
});
