import { RuleTester } from "@scout-deploy/core/testing";
import { describe, it } from "vitest";
import { noMutatingAdmission } from "./rule.js";

const backend = `
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: backend, namespace: scout, labels: {app: backend}}
        spec:
          template:
            metadata: {labels: {app: backend}}
            spec:
              containers: [{name: api, image: ghcr.io/scout/backend:1.4.2}]
`;

new RuleTester({ describe, it }).run(noMutatingAdmission, {
  valid: [
    {
      name: "webhooks that cannot rewrite Scout's pods: other resources, DELETE, a status subresource, cluster scope, another namespace, another object, a version not served, match conditions false for Scout, an excluded resource, a namespace label the Namespace lacks, a validating webhook",
      yaml: `${backend}
        ---
        apiVersion: admissionregistration.k8s.io/v1
        kind: MutatingWebhookConfiguration
        metadata: {name: harmless}
        webhooks:
          - name: configmaps.example.com
            rules: [{apiGroups: [""], apiVersions: [v1], operations: [CREATE, UPDATE], resources: [configmaps]}]
          - name: deletes.example.com
            rules: [{apiGroups: [""], apiVersions: [v1], operations: [DELETE, CONNECT], resources: [pods]}]
          - name: status.example.com
            rules: [{apiGroups: [apps], apiVersions: [v1], operations: [UPDATE], resources: [deployments/status]}]
          - name: cluster.example.com
            rules: [{apiGroups: ["*"], apiVersions: ["*"], operations: ["*"], resources: ["*"], scope: Cluster}]
          - name: other-namespace.example.com
            namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: monitoring}}
            rules: [{apiGroups: [""], apiVersions: [v1], operations: [CREATE], resources: [pods]}]
          - name: other-object.example.com
            objectSelector: {matchLabels: {app: nginx}}
            rules: [{apiGroups: [""], apiVersions: [v1], operations: [CREATE], resources: [pods]}]
          - name: old-version.example.com
            rules: [{apiGroups: [apps], apiVersions: [v1beta1], operations: [CREATE], resources: [deployments]}]
          - name: kube-system.example.com
            rules: [{apiGroups: [""], apiVersions: [v1], operations: [CREATE], resources: [pods]}]
            matchConditions:
              - {name: kube-system, expression: "object.metadata.namespace == 'kube-system'"}
          - name: labelled.example.com
            rules: [{apiGroups: [""], apiVersions: [v1], operations: [CREATE, UPDATE], resources: [pods]}]
            matchConditions:
              - {name: opted-in, expression: "has(object.metadata.labels.inject) && object.metadata.labels.inject == 'true'"}
              - {name: not-nginx, expression: "!('app' in object.metadata.labels) || object.metadata.labels['app'] != 'backend'"}
          - name: missing-key.example.com
            failurePolicy: Ignore
            rules: [{apiGroups: [""], apiVersions: [v1], operations: [CREATE], resources: [pods]}]
            matchConditions:
              - {name: tier, expression: "object.metadata.labels.tier == 'web'"}
          - name: namespace.sidecar-injector.istio.io
            namespaceSelector: {matchLabels: {istio-injection: enabled}}
            rules: [{apiGroups: [""], apiVersions: [v1], operations: [CREATE], resources: [pods]}]
        ---
        apiVersion: admissionregistration.k8s.io/v1beta1
        kind: MutatingAdmissionPolicy
        metadata: {name: all-but-workloads}
        spec:
          matchConstraints:
            resourceRules: [{apiGroups: ["*"], apiVersions: ["*"], operations: ["*"], resources: ["*"]}]
            excludeResourceRules:
              - {apiGroups: ["", apps], apiVersions: ["*"], operations: ["*"], resources: [pods, deployments, replicasets]}
          mutations: [{patchType: ApplyConfiguration, applyConfiguration: {expression: "Object{}"}}]
        ---
        apiVersion: admissionregistration.k8s.io/v1beta1
        kind: MutatingAdmissionPolicyBinding
        metadata: {name: all-but-workloads}
        spec: {policyName: all-but-workloads}
        ---
        apiVersion: v1
        kind: Namespace
        metadata: {name: scout, labels: {pod-security.kubernetes.io/enforce: restricted}}
        ---
        apiVersion: admissionregistration.k8s.io/v1
        kind: ValidatingWebhookConfiguration
        metadata: {name: checks}
        webhooks:
          - name: pods.example.com
            rules: [{apiGroups: [""], apiVersions: [v1], operations: [CREATE], resources: [pods]}]
      `,
    },
  ],
  invalid: [
    {
      name: "a webhook on pods of the Scout namespace, and one on every resource of every group",
      yaml: `${backend}
        ---
        apiVersion: admissionregistration.k8s.io/v1
        kind: MutatingWebhookConfiguration
        metadata: {name: injector}
        webhooks:
          - name: configmaps.example.com
            rules: [{apiGroups: [""], apiVersions: [v1], operations: [CREATE], resources: [configmaps]}]
          - name: pods.example.com
            namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: scout}}
            objectSelector: {matchLabels: {app: backend}}
            rules:
              - {apiGroups: [""], apiVersions: [v1], operations: [CREATE], resources: [services]}
              - {apiGroups: [""], apiVersions: [v1], operations: [CREATE], resources: [pods]}
          - name: everything.example.com
            rules: [{apiGroups: ["*"], apiVersions: ["*"], operations: ["*"], resources: ["*/*"]}]
      `,
      errors: [
        {
          messageId: "rewrites",
          line: 22,
          column: 9,
          data: {
            what: 'the mutating webhook "pods.example.com" of MutatingWebhookConfiguration injector',
            resources: "pods",
          },
        },
        {
          messageId: "rewrites",
          line: 24,
          column: 13,
          data: {
            what: 'the mutating webhook "everything.example.com" of MutatingWebhookConfiguration injector',
            resources:
              "pods, pods/ephemeralcontainers, podtemplates, replicationcontrollers, apps/deployments, apps/replicasets, apps/statefulsets, apps/daemonsets, batch/jobs, batch/cronjobs",
          },
        },
      ],
    },
    {
      name: "a MutatingAdmissionPolicy that patches Deployments",
      yaml: `${backend}
        ---
        apiVersion: admissionregistration.k8s.io/v1beta1
        kind: MutatingAdmissionPolicy
        metadata: {name: make-privileged}
        spec:
          matchConstraints:
            resourceRules:
              - apiGroups: [apps]
                apiVersions: [v1]
                operations: [CREATE, UPDATE]
                resources: [deployments]
          mutations:
            - patchType: JSONPatch
              jsonPatch:
                expression: >
                  [JSONPatch{op: "add", path: "/spec/template/spec/containers/0/securityContext/privileged", value: true}]
      `,
      errors: [
        {
          messageId: "unboundPolicy",
          line: 17,
          column: 9,
          data: { what: "MutatingAdmissionPolicy make-privileged", resources: "apps/deployments" },
        },
      ],
    },
    {
      name: "a bound MutatingAdmissionPolicy rewrites; a policy whose only binding excludes the Scout namespace does not",
      yaml: `${backend}
        ---
        apiVersion: admissionregistration.k8s.io/v1beta1
        kind: MutatingAdmissionPolicy
        metadata: {name: make-privileged}
        spec:
          matchConstraints:
            resourceRules:
              - {apiGroups: [""], apiVersions: [v1], operations: [CREATE], resources: [pods]}
          mutations: [{patchType: ApplyConfiguration, applyConfiguration: {expression: "Object{}"}}]
        ---
        apiVersion: admissionregistration.k8s.io/v1beta1
        kind: MutatingAdmissionPolicyBinding
        metadata: {name: make-privileged}
        spec: {policyName: make-privileged}
        ---
        apiVersion: admissionregistration.k8s.io/v1beta1
        kind: MutatingAdmissionPolicy
        metadata: {name: elsewhere}
        spec:
          matchConstraints:
            resourceRules:
              - {apiGroups: [""], apiVersions: [v1], operations: [CREATE], resources: [pods]}
          mutations: [{patchType: ApplyConfiguration, applyConfiguration: {expression: "Object{}"}}]
        ---
        apiVersion: admissionregistration.k8s.io/v1beta1
        kind: MutatingAdmissionPolicyBinding
        metadata: {name: elsewhere}
        spec:
          policyName: elsewhere
          matchResources: {namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: monitoring}}}
      `,
      errors: [
        {
          messageId: "rewrites",
          line: 17,
          column: 9,
          data: { what: "MutatingAdmissionPolicy make-privileged", resources: "pods" },
        },
      ],
    },
    {
      name: "match conditions the input cannot decide: the user who sends the request, a CEL function outside the subset",
      yaml: `${backend}
        ---
        apiVersion: admissionregistration.k8s.io/v1
        kind: MutatingWebhookConfiguration
        metadata: {name: injector}
        webhooks:
          - name: by-user.example.com
            rules: [{apiGroups: [""], apiVersions: [v1], operations: [CREATE], resources: [pods]}]
            matchConditions:
              - {name: not-kube-system, expression: "object.metadata.namespace != 'kube-system'"}
              - {name: controllers, expression: "request.userInfo.username.startsWith('system:serviceaccount:kube-system:')"}
          - name: by-size.example.com
            rules: [{apiGroups: [apps], apiVersions: [v1], operations: [CREATE], resources: [deployments]}]
            matchConditions:
              - {name: big, expression: "size(object.spec.template.spec.containers) > 1"}
      `,
      errors: [
        {
          messageId: "mayRewrite",
          line: 19,
          column: 29,
          data: {
            what: 'the mutating webhook "by-user.example.com" of MutatingWebhookConfiguration injector',
            resources: "pods",
            why: 'its match condition "controllers", which reads what no manifest tells',
          },
        },
        {
          messageId: "mayRewrite",
          line: 23,
          column: 21,
          data: {
            what: 'the mutating webhook "by-size.example.com" of MutatingWebhookConfiguration injector',
            resources: "apps/deployments",
            why: 'its match condition "big", whose CEL this rule does not evaluate',
          },
        },
      ],
    },
    {
      name: "a sidecar injector selecting namespaces by istio-injection: the input holds no Namespace scout, so it may",
      yaml: `${backend}
        ---
        apiVersion: admissionregistration.k8s.io/v1
        kind: MutatingWebhookConfiguration
        metadata: {name: istio-sidecar-injector}
        webhooks:
          - name: namespace.sidecar-injector.istio.io
            namespaceSelector: {matchLabels: {istio-injection: enabled}}
            rules: [{apiGroups: [""], apiVersions: [v1], operations: [CREATE], resources: [pods]}]
      `,
      errors: [
        {
          messageId: "mayRewrite",
          line: 16,
          column: 5,
          data: {
            what: 'the mutating webhook "namespace.sidecar-injector.istio.io" of MutatingWebhookConfiguration istio-sidecar-injector',
            resources: "pods",
            why: "the labels of namespace scout, whose Namespace object the input does not hold: its namespaceSelector reads istio-injection",
          },
        },
      ],
    },
    {
      name: "match conditions the input decides to be true, and an objectSelector on a label only the cluster knows",
      yaml: `${backend}
        ---
        apiVersion: admissionregistration.k8s.io/v1
        kind: MutatingWebhookConfiguration
        metadata: {name: injector}
        webhooks:
          - name: scout.example.com
            rules: [{apiGroups: [""], apiVersions: [v1], operations: [CREATE], resources: [pods]}]
            matchConditions:
              - {name: scout, expression: "request.namespace == 'scout' && object.metadata.labels['app'] == 'backend'"}
          - name: hash.example.com
            objectSelector: {matchLabels: {pod-template-hash: 5d8f7c9b6}}
            rules: [{apiGroups: [""], apiVersions: [v1], operations: [CREATE], resources: [pods]}]
      `,
      errors: [
        {
          messageId: "rewrites",
          line: 16,
          column: 13,
          data: {
            what: 'the mutating webhook "scout.example.com" of MutatingWebhookConfiguration injector',
            resources: "pods",
          },
        },
        {
          messageId: "mayRewrite",
          line: 20,
          column: 36,
          data: {
            what: 'the mutating webhook "hash.example.com" of MutatingWebhookConfiguration injector',
            resources: "pods",
            why: "the label pod-template-hash of its objectSelector, whose value no manifest can know (the Deployment controller sets it to a hash of the pod template, a new one at every rollout)",
          },
        },
      ],
    },
    {
      name: "policy engines' mutations of pods: a Kyverno mutate rule, a Gatekeeper Assign, an OpenKruise SidecarSet",
      yaml: `${backend}
        ---
        apiVersion: kyverno.io/v1
        kind: ClusterPolicy
        metadata: {name: add-privileged}
        spec:
          rules:
            - name: validate-only
              match: {any: [{resources: {kinds: [Pod]}}]}
              validate: {message: x, pattern: {metadata: {name: "?*"}}}
            - name: privileged
              match: {any: [{resources: {kinds: [Pod]}}]}
              mutate:
                patchStrategicMerge:
                  spec:
                    containers: [{(name): "*", securityContext: {privileged: true}}]
        ---
        apiVersion: mutations.gatekeeper.sh/v1
        kind: Assign
        metadata: {name: host-network}
        spec:
          applyTo: [{groups: [""], kinds: [Pod], versions: [v1]}]
          location: spec.hostNetwork
          parameters: {assign: {value: true}}
        ---
        apiVersion: apps.kruise.io/v1alpha1
        kind: SidecarSet
        metadata: {name: root-sidecar}
        spec:
          selector: {matchLabels: {app: backend}}
          containers: [{name: shell, image: busybox:1.36, securityContext: {runAsUser: 0}}]
      `,
      errors: [
        {
          messageId: "rewrites",
          line: 19,
          column: 7,
          data: {
            what: 'the mutate rule "privileged" of Kyverno ClusterPolicy add-privileged',
            resources: "Pod",
          },
        },
        {
          messageId: "rewrites",
          line: 30,
          column: 3,
          data: { what: "Gatekeeper Assign host-network", resources: "Pod" },
        },
        {
          messageId: "rewrites",
          line: 39,
          column: 3,
          data: { what: "OpenKruise SidecarSet root-sidecar", resources: "Pod" },
        },
      ],
    },
  ],
});
