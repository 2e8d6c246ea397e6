import { RuleTester } from "@scout-deploy/core/testing";
import { describe, it } from "vitest";
import { unmodeledPolicies } from "./rule.js";

const FINAL =
  "an Allow of an AdminNetworkPolicy is final: it is decided before any NetworkPolicy is looked at";
const ADDED = "the CNI adds what it allows to what the NetworkPolicies allow";

const TEAM_X_POLICIES = `
        ---
        apiVersion: crd.projectcalico.org/v1
        kind: GlobalNetworkPolicy
        metadata: {name: team-x}
        spec:
          namespaceSelector: team == 'x'
          selector: all()
          ingress: [{action: Allow}]
        ---
        apiVersion: crd.projectcalico.org/v1
        kind: GlobalNetworkPolicy
        metadata: {name: pcns-team-x}
        spec:
          selector: pcns.team == 'x' || has(pcns.tier)
          ingress: [{action: Allow}]
        ---
        apiVersion: cilium.io/v2
        kind: CiliumClusterwideNetworkPolicy
        metadata: {name: team-x}
        spec:
          endpointSelector: {matchLabels: {io.cilium.k8s.namespace.labels.team: x}}
          ingress: [{fromEntities: [world]}]
        ---
        apiVersion: cilium.io/v2
        kind: CiliumNetworkPolicy
        metadata: {name: to-team-x, namespace: monitoring}
        spec:
          endpointSelector: {matchLabels: {app: prometheus}}
          egress: [{toEndpoints: [{matchLabels: {k8s:io.cilium.k8s.namespace.labels.team: x}}]}]
        ---
        apiVersion: crd.projectcalico.org/v1
        kind: NetworkPolicy
        metadata: {name: to-team-x, namespace: monitoring}
        spec:
          selector: app == 'prometheus'
          egress: [{action: Allow, destination: {namespaceSelector: "team == 'x'"}}]
        ---
        apiVersion: cilium.io/v2
        kind: CiliumClusterwideNetworkPolicy
        metadata: {name: not-a-cilium-label}
        spec:
          endpointSelector: {matchLabels: {io.kubernetes.pod.namespace.labels.team: x}}
          ingress: [{fromEntities: [world]}]
`;

const redis = `
        apiVersion: apps/v1
        kind: StatefulSet
        metadata: {name: redis, namespace: scout}
        spec:
          template:
            metadata: {labels: {app.kubernetes.io/component: redis}}
            spec:
              containers: [{name: redis, image: redis:7.2.5}]
`;

new RuleTester({ describe, it }).run(unmodeledPolicies, {
  valid: [
    {
      name: "policies that only deny or pass, a baseline policy, and a Cilium policy of denies",
      yaml: `${redis}
        ---
        apiVersion: policy.networking.k8s.io/v1alpha1
        kind: AdminNetworkPolicy
        metadata: {name: guard}
        spec:
          priority: 5
          subject: {namespaces: {}}
          ingress:
            - {name: pass, action: Pass, from: [{namespaces: {}}]}
            - {name: deny, action: Deny, from: [{namespaces: {matchLabels: {tenant: other}}}]}
        ---
        apiVersion: policy.networking.k8s.io/v1alpha1
        kind: BaselineAdminNetworkPolicy
        metadata: {name: default}
        spec:
          subject: {namespaces: {}}
          ingress: [{name: allow, action: Allow, from: [{namespaces: {}}]}]
        ---
        apiVersion: cilium.io/v2
        kind: CiliumNetworkPolicy
        metadata: {name: deny-world, namespace: scout}
        spec:
          endpointSelector: {}
          ingressDeny: [{fromEntities: [world]}]
      `,
    },
    {
      name: "allow policies whose subjects and peers are no pod of the input: another namespace, nodes, a staged policy, outside addresses",
      yaml: `${redis}
        ---
        apiVersion: cilium.io/v2
        kind: CiliumNetworkPolicy
        metadata: {name: node-exporter, namespace: monitoring}
        spec:
          endpointSelector: {matchLabels: {app: node-exporter}}
          ingress: [{fromEntities: [world]}]
        ---
        apiVersion: cilium.io/v2
        kind: CiliumClusterwideNetworkPolicy
        metadata: {name: host-ssh}
        spec:
          nodeSelector: {}
          ingress: [{fromCIDR: [10.0.0.0/8]}]
        ---
        apiVersion: crd.projectcalico.org/v1
        kind: NetworkPolicy
        metadata: {name: other-app, namespace: scout}
        spec:
          selector: app.kubernetes.io/component == 'nginx' || (has(tier) && tier != 'cache')
          ingress: [{action: Allow, source: {selector: "app.kubernetes.io/component in {'nginx', 'frontend'}"}}]
        ---
        apiVersion: crd.projectcalico.org/v1
        kind: GlobalNetworkPolicy
        metadata: {name: dns}
        spec:
          namespaceSelector: projectcalico.org/name == 'kube-system'
          selector: k8s-app == 'kube-dns'
          ingress: [{action: Allow, source: {nets: [10.0.0.0/8]}}]
        ---
        apiVersion: crd.projectcalico.org/v1
        kind: StagedNetworkPolicy
        metadata: {name: trial, namespace: scout}
        spec:
          selector: all()
          ingress: [{action: Allow}]
        ---
        apiVersion: crd.antrea.io/v1beta1
        kind: ClusterNetworkPolicy
        metadata: {name: monitoring}
        spec:
          priority: 5
          appliedTo: [{namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: monitoring}}}]
          ingress: [{action: Allow, from: [{ipBlock: {cidr: 10.0.0.0/8}}]}]
        ---
        apiVersion: policy.networking.k8s.io/v1alpha1
        kind: AdminNetworkPolicy
        metadata: {name: tenants}
        spec:
          priority: 20
          subject: {namespaces: {matchLabels: {tenant: blue}}}
          ingress: [{name: blue, action: Allow, from: [{namespaces: {matchLabels: {tenant: blue}}}]}]
        ---
        apiVersion: v1
        kind: Namespace
        metadata: {name: scout, labels: {tenant: green}}
      `,
    },
    {
      name: "Calico and Cilium namespace expressions on team=x where the Namespace object says team=blue: they select no pod of the input (io.kubernetes.pod.namespace.labels.* is no label Cilium sets)",
      yaml: `${redis}${TEAM_X_POLICIES}
        ---
        apiVersion: v1
        kind: Namespace
        metadata: {name: scout, labels: {team: blue}}
      `,
    },
    {
      name: "no workload in the input: nothing to reach",
      yaml: `
        apiVersion: cilium.io/v2
        kind: CiliumNetworkPolicy
        metadata: {name: open, namespace: scout}
        spec:
          endpointSelector: {}
          ingress: [{fromEntities: [world]}]
      `,
    },
  ],
  invalid: [
    {
      name: "Calico and Cilium namespace expressions on team=x may select redis: namespace scout has no Namespace object, so its labels (projectcalico.org/name and its name label aside) are unknown; a Cilium peer on a namespace label looks beyond the policy's namespace",
      yaml: `${redis}${TEAM_X_POLICIES}`,
      errors: [
        {
          messageId: "mayAllow",
          line: 17,
          column: 14,
          data: { kind: "GlobalNetworkPolicy", name: "team-x", rule: "ingress rule 0", why: ADDED },
        },
        {
          messageId: "mayAllow",
          line: 24,
          column: 14,
          data: {
            kind: "GlobalNetworkPolicy",
            name: "pcns-team-x",
            rule: "ingress rule 0",
            why: ADDED,
          },
        },
        {
          messageId: "mayAllow",
          line: 31,
          column: 3,
          data: {
            kind: "CiliumClusterwideNetworkPolicy",
            name: "team-x",
            rule: "its ingress rules",
            why: ADDED,
          },
        },
        {
          messageId: "mayAllow",
          line: 38,
          column: 3,
          data: {
            kind: "CiliumNetworkPolicy",
            name: "to-team-x",
            rule: "its egress rules",
            why: ADDED,
          },
        },
        {
          messageId: "mayAllow",
          line: 45,
          column: 13,
          data: { kind: "NetworkPolicy", name: "to-team-x", rule: "egress rule 0", why: ADDED },
        },
      ],
    },
    {
      name: "an AdminNetworkPolicy for namespaces labelled tenant=blue may select redis: namespace scout has no Namespace object, so its labels are unknown",
      yaml: `${redis}
        ---
        apiVersion: policy.networking.k8s.io/v1alpha1
        kind: AdminNetworkPolicy
        metadata: {name: tenants}
        spec:
          priority: 20
          subject: {namespaces: {matchLabels: {tenant: blue}}}
          ingress: [{name: blue, action: Allow, from: [{namespaces: {matchLabels: {tenant: blue}}}]}]
      `,
      errors: [{ messageId: "mayAllow", line: 17, column: 26 }],
    },
    {
      name: "selectors read as each CNI reads them: a Cilium source prefix, a peer naming the Scout namespace, a Calico set, an Antrea appliedTo",
      yaml: `${redis}
        ---
        apiVersion: cilium.io/v2
        kind: CiliumNetworkPolicy
        metadata: {name: redis-world, namespace: scout}
        spec:
          endpointSelector: {matchLabels: {k8s:app.kubernetes.io/component: redis}}
          ingress: [{fromEntities: [world]}]
        ---
        apiVersion: cilium.io/v2
        kind: CiliumNetworkPolicy
        metadata: {name: scrape-scout, namespace: monitoring}
        spec:
          endpointSelector: {matchLabels: {app: prometheus}}
          egress: [{toEndpoints: [{matchLabels: {k8s:io.kubernetes.pod.namespace: scout}}]}]
        ---
        apiVersion: projectcalico.org/v3
        kind: NetworkPolicy
        metadata: {name: cache, namespace: scout}
        spec:
          selector: app.kubernetes.io/component in {'redis', 'cache'}
          ingress: [{action: Allow}]
        ---
        apiVersion: crd.antrea.io/v1beta1
        kind: NetworkPolicy
        metadata: {name: redis, namespace: scout}
        spec:
          priority: 5
          appliedTo: [{podSelector: {matchLabels: {app.kubernetes.io/component: redis}}}]
          ingress: [{action: Allow, from: [{namespaceSelector: {}}]}]
      `,
      errors: [
        {
          messageId: "allows",
          line: 16,
          column: 3,
          data: {
            kind: "CiliumNetworkPolicy",
            name: "redis-world",
            rule: "its ingress rules",
            why: ADDED,
          },
        },
        {
          messageId: "allows",
          line: 23,
          column: 3,
          data: {
            kind: "CiliumNetworkPolicy",
            name: "scrape-scout",
            rule: "its egress rules",
            why: ADDED,
          },
        },
        {
          messageId: "allows",
          line: 30,
          column: 14,
          data: { kind: "NetworkPolicy", name: "cache", rule: "ingress rule 0", why: ADDED },
        },
        {
          messageId: "allows",
          line: 38,
          column: 14,
          data: { kind: "NetworkPolicy", name: "redis", rule: "ingress rule 0", why: ADDED },
        },
      ],
    },
    {
      name: "selectors that may select a pod of the input: a label only the cluster knows, a selector not parsed, a peer by service account",
      yaml: `${redis}
        ---
        apiVersion: policy.networking.k8s.io/v1alpha1
        kind: AdminNetworkPolicy
        metadata: {name: one-revision}
        spec:
          priority: 10
          subject:
            pods:
              namespaceSelector: {}
              podSelector: {matchLabels: {controller-revision-hash: redis-6d4f8c9b7}}
          ingress: [{name: all, action: Allow, from: [{namespaces: {}}]}]
        ---
        apiVersion: crd.projectcalico.org/v1
        kind: GlobalNetworkPolicy
        metadata: {name: odd}
        spec:
          selector: app == 'x' && (tier == 'y'
          ingress: [{action: Allow, source: {nets: [10.0.0.0/8]}}]
        ---
        apiVersion: crd.projectcalico.org/v1
        kind: NetworkPolicy
        metadata: {name: by-account, namespace: monitoring}
        spec:
          selector: app == 'prometheus'
          egress: [{action: Allow, destination: {serviceAccounts: {names: [scout-redis]}}}]
      `,
      errors: [
        {
          messageId: "mayAllow",
          line: 20,
          column: 25,
          data: {
            kind: "AdminNetworkPolicy",
            name: "one-revision",
            rule: "ingress rule 0",
            why: FINAL,
          },
        },
        {
          messageId: "mayAllow",
          line: 27,
          column: 14,
          data: { kind: "GlobalNetworkPolicy", name: "odd", rule: "ingress rule 0", why: ADDED },
        },
        {
          messageId: "mayAllow",
          line: 34,
          column: 13,
          data: { kind: "NetworkPolicy", name: "by-account", rule: "egress rule 0", why: ADDED },
        },
      ],
    },
    {
      name: "an AdminNetworkPolicy's Allow, a Cilium ingress rule, a Calico GlobalNetworkPolicy's Allow",
      yaml: `${redis}
        ---
        apiVersion: policy.networking.k8s.io/v1alpha1
        kind: AdminNetworkPolicy
        metadata: {name: open-redis}
        spec:
          priority: 10
          subject:
            pods:
              namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: scout}}
              podSelector: {matchLabels: {app.kubernetes.io/component: redis}}
          ingress:
            - {name: deny, action: Deny, from: [{namespaces: {matchLabels: {tenant: x}}}]}
            - {name: all, action: Allow, from: [{namespaces: {}}]}
        ---
        apiVersion: cilium.io/v2
        kind: CiliumNetworkPolicy
        metadata: {name: world-to-redis, namespace: scout}
        spec:
          endpointSelector: {matchLabels: {app.kubernetes.io/component: redis}}
          ingress:
            - fromEntities: [world]
        ---
        apiVersion: crd.projectcalico.org/v1
        kind: GlobalNetworkPolicy
        metadata: {name: egress-anywhere}
        spec:
          order: 1
          selector: all()
          egress:
            - action: Allow
      `,
      errors: [
        {
          messageId: "allows",
          line: 22,
          column: 19,
          data: {
            kind: "AdminNetworkPolicy",
            name: "open-redis",
            rule: "ingress rule 1",
            why: FINAL,
          },
        },
        {
          messageId: "allows",
          line: 29,
          column: 3,
          data: {
            kind: "CiliumNetworkPolicy",
            name: "world-to-redis",
            rule: "its ingress rules",
            why: ADDED,
          },
        },
        {
          messageId: "allows",
          line: 39,
          column: 7,
          data: {
            kind: "GlobalNetworkPolicy",
            name: "egress-anywhere",
            rule: "egress rule 0",
            why: ADDED,
          },
        },
      ],
    },
  ],
});
