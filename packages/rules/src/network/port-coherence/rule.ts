import {
  type BundleObject,
  componentOf,
  containersOf,
  defineRule,
  escapeSegment,
  InstanceIndex,
  instanceOf,
  isRecord,
  joinPointer,
  type RuleContext,
} from "@scout-deploy/core";
import {
  analyze,
  type Connectivity,
  type ContainerPort,
  containerPortsOf,
  contains,
  findPort,
  GUIDE_FLOWS,
  numberedPort,
  type Policy,
  type Protocol,
  protocolOf,
  type Workload,
} from "@scout-deploy/netpol";
import { guideSettings } from "../../settings.js";
import { selectedBy, serviceTargets } from "../scope.js";

const PROBES = ["livenessProbe", "readinessProbe", "startupProbe"] as const;
const PROBE_HANDLERS = ["httpGet", "tcpSocket", "grpc"] as const;
const SCRAPE = "prometheus.io/scrape";
const SCRAPE_PORT = "prometheus.io/port";

export const portCoherence = defineRule({
  id: "network/port-coherence",
  meta: {
    severity: "warning",
    description:
      "A Service's targetPort, the container ports, the probe ports, the NetworkPolicy ports and the Prometheus scrape port of Scout's components agree.",
    remediation:
      "Use one port per purpose and name it: the container port, the Service's targetPort, the probes and the NetworkPolicy all refer to it, and Prometheus is allowed to reach the port it scrapes.",
    guide:
      "Network Policies: Prometheus can scrape Backend metrics on port 8000; Only allow necessary ports",
    messages: {
      serviceTarget:
        'Service "{{service}}" sends to targetPort {{port}}, but {{workload}} has no container port {{port}}',
      probePort:
        '{{probe}} of container "{{container}}" in {{workload}} checks port {{port}}, which the container does not declare',
      policyPort:
        'NetworkPolicy "{{policy}}" allows port {{port}} to {{workload}}, which has no such container port',
      policyRange:
        'NetworkPolicy "{{policy}}" allows {{protocol}} ports {{range}} to {{workload}}, which declares {{declared}} of them: a process may listen on any port, and the policy lets it be reached',
      scrapePort:
        "{{workload}} asks Prometheus to scrape port {{port}}, which it does not declare as a container port",
      badPortName:
        '{{owner}} gives port "{{port}}" as a string that is no port name (1 to 15 lower-case letters, digits and hyphens, at least one letter): the API server refuses the object (a number is written without quotes)',
      refusedPort:
        "{{owner}} gives a port the API server refuses ({{reason}}): the whole policy is refused",
      scrapePortName:
        "{{workload}} gives prometheus.io/port as {{port}}, not a number: the usual relabeling takes only digits, so Prometheus ignores it and scrapes every port the pod declares",
      scrapeBlocked:
        "{{workload}} asks Prometheus to scrape port {{port}}, but the NetworkPolicies do not let {{prometheus}} of its instance {{instance}} reach it",
    },
  },
  check(context) {
    const connectivity = analyze(context.bundle);
    const identified = new Set(
      connectivity.model.workloads.filter(
        (w) => componentOf(w.object, guideSettings(context.settings)) !== undefined,
      ),
    );
    for (const object of context.bundle.objects) {
      if (object.value.kind === "Service") checkService(context, connectivity, object, identified);
    }
    for (const workload of identified) checkProbes(context, workload);
    for (const policy of connectivity.model.policies) {
      const targets = selectedBy(connectivity.model, policy).filter((w) => identified.has(w));
      if (targets.length === 0) continue;
      const refused = checkRefusedPolicyPorts(context, policy);
      if (!policy.isolatesIngress) continue;
      for (const rule of policy.ingress) {
        if (rule.ports === "all") continue;
        rule.ports.forEach((spec, index) => {
          if (refused.has(`${rule.pointer}/ports/${index}`)) return;
          if (typeof spec.port === "number" && spec.endPort !== undefined) {
            checkRange(context, policy, targets, spec.port, spec.endPort, spec.protocol, {
              pointer: `${rule.pointer}/ports/${index}/endPort`,
            });
            return;
          }
          if (spec.port === undefined || isBadPortName(spec.port)) return;
          if (targets.some((w) => resolves(w.ports, spec.port!, spec.protocol))) return;
          context.report({
            messageId: "policyPort",
            data: {
              policy: `${policy.namespace}/${policy.name}`,
              port: spec.port,
              workload: names(targets),
            },
            object: policy.object,
            pointer: `${rule.pointer}/ports/${index}/port`,
          });
        });
      }
    }
    const prometheus = InstanceIndex.of(
      [...identified].filter(
        (w) => componentOf(w.object, guideSettings(context.settings)) === "prometheus",
      ),
      (w) => instanceOf(w.object),
    );
    for (const workload of identified) {
      checkScrape(context, connectivity, workload, prometheus.with(instanceOf(workload.object)));
    }
  },
});

type Context = RuleContext<Record<string, unknown>>;

/**
 * A port range (`endPort`) opens every port in it: containerPort declarations are informational,
 * so a range wider than the ports the targets declare lets anything listening there be reached.
 */
function checkRange(
  context: Context,
  policy: Policy,
  targets: readonly Workload[],
  start: number,
  end: number,
  protocol: Protocol,
  at: { pointer: string },
): void {
  if (end < start) return; // the API server refuses it; the schema check says so
  const declared = [
    ...new Set(
      targets.flatMap((w) =>
        w.ports
          .filter((p) => p.protocol === protocol && p.port >= start && p.port <= end)
          .map((p) => p.port),
      ),
    ),
  ].sort((a, b) => a - b);
  if (declared.length === end - start + 1) return;
  context.report({
    messageId: "policyRange",
    data: {
      policy: `${policy.namespace}/${policy.name}`,
      protocol,
      range: `${start}-${end}`,
      workload: names(targets),
      declared: declared.length ? `only ${declared.join(", ")}` : "none",
    },
    object: policy.object,
    pointer: at.pointer,
  });
}

/**
 * A string port must be a port name (IANA_SVC_NAME, as the API server validates it): 1 to 15
 * characters of [a-z0-9-], at least one letter, no leading, trailing or doubled hyphen. "8000"
 * in quotes is a string, not a number, and the whole object is refused.
 */
export function isBadPortName(port: unknown): boolean {
  if (typeof port !== "string") return false;
  return !(
    port.length >= 1 &&
    port.length <= 15 &&
    /^[a-z0-9-]+$/.test(port) &&
    /[a-z]/.test(port) &&
    !port.includes("--") &&
    !port.startsWith("-") &&
    !port.endsWith("-")
  );
}

/**
 * The ports of a policy's rules that the API server refuses (ValidateNetworkPolicyPort), each
 * one finding: a string that is no port name, a number outside 1-65535, an endPort beside a
 * named port or no port, below its port or outside 1-65535. Returns where they are, so that
 * they are not judged again against the container ports.
 */
function checkRefusedPolicyPorts(context: Context, policy: Policy): Set<string> {
  const refused = new Set<string>();
  const spec = isRecord(policy.object.value.spec) ? policy.object.value.spec : {};
  const owner = `NetworkPolicy "${policy.namespace}/${policy.name}"`;
  for (const direction of ["ingress", "egress"] as const) {
    const rules = Array.isArray(spec[direction]) ? spec[direction] : [];
    rules.forEach((rule, r) => {
      const ports = isRecord(rule) && Array.isArray(rule.ports) ? rule.ports : [];
      ports.forEach((entry, p) => {
        if (!isRecord(entry)) return;
        const at = `/spec/${direction}/${r}/ports/${p}`;
        const problem = refusedPortProblem(entry.port, entry.endPort);
        if (!problem) return;
        refused.add(at);
        const [messageId, field] =
          problem === "name"
            ? (["badPortName", "port"] as const)
            : (["refusedPort", problem.field] as const);
        context.report({
          messageId,
          data: {
            owner,
            port: String(entry.port),
            reason: problem === "name" ? "" : problem.reason,
          },
          object: policy.object,
          pointer: `${at}/${field}`,
        });
      });
    });
  }
  return refused;
}

const isPortNumber = (n: unknown) =>
  typeof n === "number" && Number.isInteger(n) && n >= 1 && n <= 65535;

function refusedPortProblem(
  port: unknown,
  endPort: unknown,
): "name" | { field: "port" | "endPort"; reason: string } | undefined {
  if (isBadPortName(port)) return "name";
  if (typeof port === "number" && !isPortNumber(port))
    return { field: "port", reason: "a port number is 1 to 65535" };
  if (endPort === undefined || endPort === null) return undefined;
  if (port === undefined || port === null)
    return { field: "endPort", reason: "an endPort needs a port to start the range" };
  if (typeof port === "string")
    return { field: "endPort", reason: "an endPort needs a numeric port, not a name" };
  if (!isPortNumber(endPort)) return { field: "endPort", reason: "a port number is 1 to 65535" };
  if ((endPort as number) < (port as number))
    return { field: "endPort", reason: "the endPort is below the port" };
  return undefined;
}

function resolves(ports: readonly ContainerPort[], port: unknown, protocol?: Protocol): boolean {
  return findPort(ports, port, protocol) !== undefined;
}

function names(workloads: readonly Workload[]): string {
  return workloads.map(label).join(", ");
}

function label(workload: Workload): string {
  return `${workload.kind} ${workload.namespace}/${workload.name}`;
}

function checkService(
  context: Context,
  connectivity: Connectivity,
  service: BundleObject,
  identified: Set<Workload>,
) {
  const targets = serviceTargets(connectivity.model, service).filter((w) => identified.has(w));
  const spec = isRecord(service.value.spec) ? service.value.spec : {};
  if (targets.length === 0 || !Array.isArray(spec.ports)) return;
  spec.ports.forEach((entry, index) => {
    if (!isRecord(entry)) return;
    const field = entry.targetPort !== undefined ? "targetPort" : "port";
    const raw = entry[field];
    if (isBadPortName(raw)) {
      context.report({
        messageId: "badPortName",
        data: { owner: `Service "${service.ref.name ?? ""}"`, port: String(raw) },
        object: service,
        pointer: `/spec/ports/${index}/${field}`,
      });
      return;
    }
    const port = numberedPort(raw) ?? raw;
    if (typeof port !== "number" && typeof port !== "string") return;
    const protocol = protocolOf(entry.protocol);
    for (const workload of targets) {
      if (resolves(workload.ports, port, protocol)) continue;
      context.report({
        messageId: "serviceTarget",
        data: { service: service.ref.name ?? "", port, workload: label(workload) },
        object: service,
        pointer: `/spec/ports/${index}/${field}`,
      });
    }
  });
}

function checkProbes(context: Context, workload: Workload) {
  for (const container of containersOf(workload.template)) {
    if (container.list !== "containers") continue;
    const declared = containerPortsOf(container.container);
    for (const probe of PROBES) {
      const body = container.container[probe];
      if (!isRecord(body)) continue;
      for (const handler of PROBE_HANDLERS) {
        const action = body[handler];
        if (
          !isRecord(action) ||
          (typeof action.port !== "number" && typeof action.port !== "string")
        )
          continue;
        const port = action.port;
        if (isBadPortName(port)) {
          context.report({
            messageId: "badPortName",
            data: { owner: `${probe} of container "${container.name}"`, port: String(port) },
            object: workload.object,
            pointer: joinPointer(container.pointer, probe, handler, "port"),
          });
          continue;
        }
        // A numbered probe of a container that declares no port is not checked: ports are optional.
        const known =
          (typeof port === "number" && declared.length === 0) || resolves(declared, port);
        if (known) continue;
        context.report({
          messageId: "probePort",
          data: { probe, container: container.name, workload: label(workload), port },
          object: workload.object,
          pointer: joinPointer(container.pointer, probe, handler, "port"),
        });
      }
    }
  }
}

function checkScrape(
  context: Context,
  connectivity: Connectivity,
  workload: Workload,
  prometheus: readonly Workload[],
) {
  const annotations = isRecord(workload.template.metadata.annotations)
    ? workload.template.metadata.annotations
    : {};
  if (String(annotations[SCRAPE]) !== "true" || annotations[SCRAPE_PORT] === undefined) return;
  const port = numberedPort(annotations[SCRAPE_PORT]);
  const pointer = `${workload.template.metadataPointer}/annotations/${escapeSegment(SCRAPE_PORT)}`;
  const data = { workload: label(workload), port: String(annotations[SCRAPE_PORT]) };
  if (port === undefined) {
    // Not a port at all: one finding on it, not a missing container port and a blocked flow.
    context.report({ messageId: "scrapePortName", data, object: workload.object, pointer });
    return;
  }
  if (!resolves(workload.ports, port)) {
    context.report({ messageId: "scrapePort", data, object: workload.object, pointer });
  }
  // The guide's own scrape flow (Prometheus -> backend on 8000) that a policy blocks is
  // network/allowed-flows' missing flow, with the rule to add: one cause, one finding.
  const component = componentOf(workload.object, guideSettings(context.settings));
  const intended = GUIDE_FLOWS.some(
    (f) => f.from === "prometheus" && f.to === component && f.protocol === "TCP" && f.port === port,
  );
  if (intended) return;
  for (const scraper of prometheus) {
    if (scraper === workload) continue;
    const sides = connectivity.sides(
      { kind: "workload", workload: scraper },
      { kind: "workload", workload },
    );
    if (contains(sides.egress, "TCP", port) && contains(sides.ingress, "TCP", port)) continue;
    context.report({
      messageId: "scrapeBlocked",
      data: { ...data, prometheus: label(scraper), instance: instanceOf(workload.object).name },
      object: workload.object,
      pointer,
    });
  }
}
