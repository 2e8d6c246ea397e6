import { RuleTester } from "@scout-deploy/core/testing";
import { describe, it } from "vitest";
import { namespace } from "./rule.js";

new RuleTester({ describe, it }).run(namespace, {
  valid: [
    {
      name: "cluster-wide policy kinds of Kyverno and Gatekeeper need no namespace, even without their CRD",
      settings: { namespace: "scout" },
      yaml: `
        apiVersion: kyverno.io/v1
        kind: ClusterPolicy
        metadata: {name: require-labels}
        ---
        apiVersion: templates.gatekeeper.sh/v1
        kind: ConstraintTemplate
        metadata: {name: k8srequiredlabels}
        ---
        apiVersion: constraints.gatekeeper.sh/v1beta1
        kind: K8sRequiredLabels
        metadata: {name: must-have-owner}
      `,
    },
    {
      name: "everything in the configured namespace; cluster-scoped kinds need none",
      settings: { namespace: "scout" },
      yaml: `
        apiVersion: v1
        kind: ConfigMap
        metadata: {name: c, namespace: scout}
        ---
        apiVersion: rbac.authorization.k8s.io/v1
        kind: ClusterRole
        metadata: {name: reader}
        ---
        apiVersion: gateway.networking.k8s.io/v1
        kind: GatewayClass
        metadata: {name: edge}
        ---
        apiVersion: storage.k8s.io/v1
        kind: VolumeAttributesClass
        metadata: {name: fast}
        ---
        apiVersion: networking.k8s.io/v1
        kind: IPAddress
        metadata: {name: 10.0.0.10}
      `,
    },
    {
      name: "without a Scout namespace, unset and other namespaces are not judged",
      yaml: `
        apiVersion: v1
        kind: Service
        metadata: {name: s}
        ---
        apiVersion: v1
        kind: Service
        metadata: {name: t, namespace: team-a}
      `,
    },
    {
      name: "a kind that a CRD of the input declares cluster-scoped needs no namespace",
      settings: { namespace: "scout" },
      yaml: `
        apiVersion: apiextensions.k8s.io/v1
        kind: CustomResourceDefinition
        metadata: {name: widgets.example.com}
        spec:
          group: example.com
          scope: Cluster
          names: {kind: Widget, plural: widgets}
        ---
        apiVersion: example.com/v1
        kind: Widget
        metadata: {name: w}
      `,
    },
  ],
  invalid: [
    {
      name: 'namespace: "" is unset: kubectl and the API server place the object in the -n namespace',
      settings: { namespace: "scout" },
      yaml: `
        apiVersion: v1
        kind: ConfigMap
        metadata:
          name: c
          namespace: ""
      `,
      errors: [
        {
          messageId: "unset",
          line: 5,
          column: 3,
          data: { kind: "ConfigMap", name: "c", expected: "scout" },
        },
      ],
    },
    {
      name: "a CRD of the input that declares its kind Namespaced overrides the built-in table",
      settings: { namespace: "scout" },
      yaml: `
        apiVersion: apiextensions.k8s.io/v1
        kind: CustomResourceDefinition
        metadata: {name: nodes.example.com}
        spec:
          group: example.com
          scope: Namespaced
          names: {kind: Node, plural: nodes}
        ---
        apiVersion: example.com/v1
        kind: Node
        metadata: {name: edge-1}
      `,
      errors: [
        {
          messageId: "unset",
          line: 11,
          column: 1,
          data: { kind: "Node", name: "edge-1", expected: "scout" },
        },
      ],
    },
    {
      name: "explicit default is reported even without a Scout namespace",
      yaml: `
        apiVersion: v1
        kind: Pod
        metadata:
          name: p
          namespace: default
      `,
      errors: [
        { messageId: "defaultNamespace", line: 5, column: 3, data: { kind: "Pod", name: "p" } },
      ],
    },
    {
      name: "the single Namespace object names the Scout namespace: unset and other are reported",
      yaml: `
        apiVersion: v1
        kind: Namespace
        metadata: {name: scout}
        ---
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: backend
        ---
        apiVersion: v1
        kind: Secret
        metadata:
          name: s
          namespace: other
      `,
      errors: [
        {
          messageId: "unset",
          line: 7,
          column: 1,
          data: { kind: "Deployment", name: "backend", expected: "scout" },
        },
        {
          messageId: "otherNamespace",
          line: 14,
          column: 3,
          data: { kind: "Secret", name: "s", actual: "other", expected: "scout" },
        },
      ],
    },
  ],
});
