import type { ComponentName, ScoutConfig } from "../schema.js";
import {
  type Json,
  metadata,
  PORTS,
  type Rendered,
  resourceName,
  selectorLabels,
  sortedMap,
} from "./meta.js";

/**
 * Default deny both ways, DNS for every pod, then exactly the guide's table:
 * frontend→backend 8000, nginx→frontend 3000, nginx→backend 8000, backend→redis 6379,
 * prometheus→backend 8000, and (when enabled) outside→nginx 80.
 */
export function networkPolicies(config: ScoutConfig): Rendered[] {
  if (!config.security.networkPolicies) return [];
  const shared = [defaultDeny(config), allowDns(config)].map((object) => ({
    group: "namespace" as const,
    object,
  }));
  return [
    ...shared,
    ...componentPolicies(config).map(([component, object]) => ({ group: component, object })),
  ];
}

function defaultDeny(config: ScoutConfig): Json {
  return policy(config, "scout-default-deny", undefined, {
    podSelector: {},
    policyTypes: ["Ingress", "Egress"],
  });
}

function allowDns(config: ScoutConfig): Json {
  return policy(config, "scout-allow-dns", undefined, {
    podSelector: {},
    policyTypes: ["Egress"],
    egress: [
      {
        to: [
          {
            namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "kube-system" } },
            podSelector: { matchLabels: { "k8s-app": "kube-dns" } },
          },
        ],
        ports: [
          { protocol: "UDP", port: 53 },
          { protocol: "TCP", port: 53 },
        ],
      },
    ],
  });
}

type Rule = Json;

const tcp = (port: number) => [{ protocol: "TCP", port }];
const pods = (component: ComponentName): Json => ({
  podSelector: { matchLabels: selectorLabels(component) },
});

function componentPolicies(config: ScoutConfig): [ComponentName, Json][] {
  const monitoring = config.monitoring.mode;
  const prometheusPeer =
    monitoring === "serviceMonitor" ? operatorPrometheus(config) : pods("prometheus");
  const backendIngress: Rule[] = [
    { from: [pods("frontend"), pods("nginx")], ports: tcp(PORTS.backend) },
    ...(monitoring === "off" ? [] : [{ from: [prometheusPeer], ports: tcp(PORTS.backend) }]),
  ];
  const nginxIngress: Rule[] =
    config.externalAccess.type === "off"
      ? []
      : [{ from: [{ ipBlock: { cidr: "0.0.0.0/0" } }], ports: tcp(PORTS.nginx) }];
  const policies: [ComponentName, Json][] = [
    [
      "backend",
      directed(config, "backend", backendIngress, [
        { to: [pods("redis")], ports: tcp(PORTS.redis) },
      ]),
    ],
    [
      "frontend",
      directed(
        config,
        "frontend",
        [{ from: [pods("nginx")], ports: tcp(PORTS.frontend) }],
        [{ to: [pods("backend")], ports: tcp(PORTS.backend) }],
      ),
    ],
    [
      "redis",
      directed(config, "redis", [{ from: [pods("backend")], ports: tcp(PORTS.redis) }], []),
    ],
    [
      "nginx",
      directed(config, "nginx", nginxIngress, [
        { to: [pods("frontend")], ports: tcp(PORTS.frontend) },
        { to: [pods("backend")], ports: tcp(PORTS.backend) },
      ]),
    ],
  ];
  if (monitoring === "prometheus") {
    policies.push([
      "prometheus",
      directed(config, "prometheus", [], [{ to: [pods("backend")], ports: tcp(PORTS.backend) }]),
    ]);
  }
  return policies;
}

/** The operator's Prometheus pods, in their own namespace. */
function operatorPrometheus(config: ScoutConfig): Json {
  const { namespace, podLabels } = config.monitoring.operator;
  return {
    namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": namespace } },
    podSelector: { matchLabels: sortedMap(podLabels) },
  };
}

/** One policy per component, listing only the directions it has allowances for. */
function directed(
  config: ScoutConfig,
  component: ComponentName,
  ingress: Rule[],
  egress: Rule[],
): Json {
  const policyTypes = [
    ...(ingress.length ? ["Ingress"] : []),
    ...(egress.length ? ["Egress"] : []),
  ];
  return policy(config, resourceName(component), component, {
    podSelector: { matchLabels: selectorLabels(component) },
    policyTypes,
    ...(ingress.length ? { ingress } : {}),
    ...(egress.length ? { egress } : {}),
  });
}

function policy(
  config: ScoutConfig,
  name: string,
  component: ComponentName | undefined,
  spec: Json,
): Json {
  return {
    apiVersion: "networking.k8s.io/v1",
    kind: "NetworkPolicy",
    metadata: metadata(config, name, component ? { component } : {}),
    spec,
  };
}
