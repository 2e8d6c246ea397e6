import {
  type BundleObject,
  componentOf,
  containersOf,
  defineRule,
  InstanceIndex,
  instanceOf,
  isRecord,
  joinPointer,
  metadataPointerOf,
  type RuleContext,
  type RuleReport,
} from "@scout-deploy/core";
import {
  analyze,
  type Connectivity,
  type ContainerPort,
  containerPortsOf,
  contains,
  findPort,
  GUIDE_FLOWS,
  isBadPortName,
  numberedPort,
  type Policy,
  type Protocol,
  policyRefusals,
  protocolOf,
  refusalOptionsFor,
  type Workload,
  workloadName,
} from "@scout-deploy/netpol";
import { guideSettings } from "../../settings.js";
import {
  onePerObject,
  portEntryPointer,
  selectedBy,
  serviceTargets,
  targetPortOf,
} from "../scope.js";

const PROBES = ["livenessProbe", "readinessProbe", "startupProbe"] as const;
const PROBE_HANDLERS = ["httpGet", "tcpSocket", "grpc"] as const;
const SCRAPE = "prometheus.io/scrape";
/**
 * A probe port that workload/probes reports (a quoted number; the backend's port other than
 * 8000) is its cause: this rule's finding on the same field yields to it.
 */
const PROBE_OWNER = ["workload/probes"];
const SCRAPE_OWNER = ["monitoring/metrics-scraped"];
const SCRAPE_PORT = "prometheus.io/port";

/**
 * A port the API server refuses is an error whatever the rule's warning: the object is never
 * created, and input/schema's refusal, which this finding stands for, is one.
 */
const REFUSAL = "error" as const;

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
      unusedContainerPort:
        'container "{{container}}" of {{workload}} declares port {{declared}}, which nothing uses, while {{users}} ask port {{port}}, which it does not declare: change this port or them',
      scrapeBlocked:
        "{{workload}} asks Prometheus to scrape port {{port}}, but the NetworkPolicies do not let {{prometheus}} of its instance {{instance}} reach it",
    },
  },
  check(context) {
    const connectivity = analyze(context.bundle, refusalOptionsFor(context.kubernetesVersion));
    const identified = new Set(
      connectivity.model.workloads.filter(
        (w) => componentOf(w.object, guideSettings(context.settings)) !== undefined,
      ),
    );
    const dangling = new DanglingReferences();
    for (const object of context.bundle.objects) {
      if (object.value.kind === "Service")
        checkService(context, connectivity, object, identified, dangling);
    }
    const byObject = groupByObject(identified);
    for (const [workload] of byObject) checkProbes(context, workload!, dangling);
    // A refused policy is never created: the refusal is its one finding, whatever it selects
    // (a policy applied without its workloads fails `kubectl apply` all the same).
    for (const policy of connectivity.model.refused) reportRefusedPolicyPorts(context, policy);
    for (const policy of connectivity.model.policies) {
      const targets = selectedBy(connectivity.model, policy).filter((w) => identified.has(w));
      if (targets.length === 0) continue;
      if (!policy.isolatesIngress) continue;
      for (const rule of policy.ingress) {
        if (rule.ports === "all") continue;
        rule.ports.forEach((spec, index) => {
          if (typeof spec.port === "number" && spec.endPort !== undefined) {
            checkRange(context, policy, targets, spec.port, spec.endPort, spec.protocol, {
              pointer: `${rule.pointer}/ports/${index}/endPort`,
            });
            return;
          }
          if (spec.port === undefined || isBadPortName(spec.port)) return;
          if (targets.some((w) => resolves(w.ports, spec.port!, spec.protocol))) return;
          // The number declared for another protocol: the protocol is what differs.
          const otherProtocol = targets.some((w) => resolves(w.ports, spec.port!));
          const report = {
            messageId: "policyPort",
            data: {
              policy: `${policy.namespace}/${policy.name}`,
              port: spec.port,
              workload: names(targets),
            },
            object: policy.object,
            pointer: otherProtocol
              ? `${rule.pointer}/ports/${index}/protocol`
              : portEntryPointer(rule, index),
            // A port no intended flow uses is network/allowed-flows' extra flow on this line.
            yieldsTo: ["network/allowed-flows"],
          } as const;
          if (targets.length === 1) dangling.add(targets[0]!, spec.port, report);
          else context.report(report);
        });
      }
    }
    const prometheus = InstanceIndex.of(
      [...identified].filter(
        (w) => componentOf(w.object, guideSettings(context.settings)) === "prometheus",
      ),
      (w) => instanceOf(w.object),
    );
    for (const groups of byObject) {
      const scrapers = prometheus.with(instanceOf(groups[0]!.object));
      checkScrape(context, connectivity, groups, scrapers, dangling);
    }
    dangling.flush(context);
  },
});

/** A reference to a port the workload does not declare, held until all are known. */
interface Dangling {
  workload: Workload;
  port: number | string;
  report: RuleReport;
}

/**
 * One cause, one finding: when every reference to a workload that finds no port asks the same
 * one, and its containers declare a single port that none of them finds, that container port is
 * what changed (8000 to 8080 breaks the Service, the probes, the policy and the scrape port at
 * once): one finding on it instead of one on each reference, when two references agree.
 * Otherwise each reference is reported, where it names the port (a renumbered named port keeps
 * its named users: its one numbered user is reported).
 */
class DanglingReferences {
  private readonly byWorkload = new Map<BundleObject, Dangling[]>();

  add(workload: Workload, port: number | string, report: RuleReport): void {
    const list = this.byWorkload.get(workload.object) ?? [];
    list.push({ workload, port, report });
    this.byWorkload.set(workload.object, list);
  }

  flush(context: Context): void {
    for (const list of this.byWorkload.values()) {
      const asked = new Set(list.map((d) => String(d.port)));
      // Two references that agree outvote it; one alone may be the side that changed.
      const entry =
        list.length > 1 && asked.size === 1 ? soleDeclaredPort(list[0]!.workload) : undefined;
      if (!entry) {
        for (const { report } of list) context.report(report);
        continue;
      }
      const port = list[0]!.port;
      const field =
        typeof port === "string"
          ? "name"
          : entry.value.containerPort === port
            ? "protocol"
            : "containerPort";
      context.report({
        messageId: "unusedContainerPort",
        data: {
          container: entry.container,
          workload: label(list[0]!.workload),
          declared: String(entry.value[field === "name" ? "name" : "containerPort"] ?? ""),
          port: String(port),
          users: [...new Set(list.map(({ report }) => userOf(report)))].join(", "),
        },
        object: list[0]!.workload.object,
        pointer: joinPointer(entry.pointer, field),
        // A containerPort the API server refuses (a quoted number) is input/schema's.
        yieldsTo: ["input/schema"],
      });
    }
  }
}

/** The one port entry the workload's app containers declare, when they declare exactly one. */
function soleDeclaredPort(
  workload: Workload,
): { container: string; value: Record<string, unknown>; pointer: string } | undefined {
  const entries = containersOf(workload.template)
    .filter((c) => c.list === "containers")
    .flatMap((c) =>
      (Array.isArray(c.container.ports) ? c.container.ports : []).map((value, index) => ({
        container: c.name,
        value: isRecord(value) ? value : {},
        pointer: joinPointer(c.pointer, "ports", index),
      })),
    );
  return entries.length === 1 ? entries[0] : undefined;
}

/** Who asks the port, as a reviewer reads it. */
function userOf(report: RuleReport): string {
  const data = report.data ?? {};
  switch (report.messageId) {
    case "serviceTarget":
      return `Service "${data.service}"`;
    case "policyPort":
      return `NetworkPolicy "${data.policy}"`;
    case "probePort":
      return `the ${data.probe}`;
    default:
      return "the prometheus.io/port annotation";
  }
}

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
 * The ports of a refused policy that the API server refuses (netpol's shared validation), each
 * one finding: a string that is no port name, a number outside 1-65535, an endPort beside a
 * named port or no port, below its port or outside 1-65535.
 */
function reportRefusedPolicyPorts(context: Context, policy: Policy) {
  const owner = `NetworkPolicy "${policy.namespace}/${policy.name}"`;
  for (const refusal of policyRefusals(
    policy.object.value,
    refusalOptionsFor(context.kubernetesVersion),
  )) {
    if (refusal.kind !== "port") continue;
    context.report({
      messageId: refusal.badName ? "badPortName" : "refusedPort",
      severity: REFUSAL,
      data: { owner, port: String(refusal.port), reason: refusal.badName ? "" : refusal.reason },
      object: policy.object,
      pointer: refusal.pointer,
    });
  }
}

/** The workloads of each object, in order: an object whose pods selectors tell apart is several. */
function groupByObject(workloads: Iterable<Workload>): Workload[][] {
  const groups = new Map<BundleObject, Workload[]>();
  for (const w of workloads) {
    const group = groups.get(w.object);
    if (group) group.push(w);
    else groups.set(w.object, [w]);
  }
  return [...groups.values()];
}

function resolves(ports: readonly ContainerPort[], port: unknown, protocol?: Protocol): boolean {
  return findPort(ports, port, protocol) !== undefined;
}

function names(workloads: readonly Workload[]): string {
  return workloads.map(label).join(", ");
}

function label(workload: Workload): string {
  return `${workload.kind} ${workload.namespace}/${workloadName(workload)}`;
}

function checkService(
  context: Context,
  connectivity: Connectivity,
  service: BundleObject,
  identified: Set<Workload>,
  dangling: DanglingReferences,
) {
  const targets = serviceTargets(connectivity.model, service).filter((w) => identified.has(w));
  const spec = isRecord(service.value.spec) ? service.value.spec : {};
  if (targets.length === 0 || !Array.isArray(spec.ports)) return;
  spec.ports.forEach((entry, index) => {
    if (!isRecord(entry)) return;
    const field = entry.targetPort !== undefined ? "targetPort" : "port";
    // The API server defaults an absent, 0 or "" targetPort to the port.
    const raw = targetPortOf(entry);
    if (isBadPortName(raw)) {
      context.report({
        messageId: "badPortName",
        severity: REFUSAL,
        data: { owner: `Service "${service.ref.name ?? ""}"`, port: String(raw) },
        object: service,
        pointer: `/spec/ports/${index}/${field}`,
      });
      return;
    }
    const port = numberedPort(raw) ?? raw;
    if (typeof port !== "number" && typeof port !== "string") return;
    const protocol = protocolOf(entry.protocol);
    for (const workload of onePerObject(targets)) {
      if (resolves(workload.ports, port, protocol)) continue;
      dangling.add(workload, port, {
        messageId: "serviceTarget",
        data: {
          service: service.ref.name ?? "",
          // A port declared for TCP only does not serve a UDP Service port: say which is missing.
          port: protocol === "TCP" ? port : `${port}/${protocol}`,
          workload: label(workload),
        },
        object: service,
        pointer: `/spec/ports/${index}/${field}`,
      });
    }
  });
}

function checkProbes(context: Context, workload: Workload, dangling: DanglingReferences) {
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
            severity: REFUSAL,
            data: { owner: `${probe} of container "${container.name}"`, port: String(port) },
            object: workload.object,
            pointer: joinPointer(container.pointer, probe, handler, "port"),
            yieldsTo: PROBE_OWNER,
          });
          continue;
        }
        // A numbered probe of a container that declares no port is not checked: ports are optional.
        const known =
          (typeof port === "number" && declared.length === 0) || resolves(declared, port);
        if (known) continue;
        dangling.add(workload, port, {
          messageId: "probePort",
          data: { probe, container: container.name, workload: label(workload), port },
          object: workload.object,
          pointer: joinPointer(container.pointer, probe, handler, "port"),
          yieldsTo: PROBE_OWNER,
        });
      }
    }
  }
}

/** `groups`: the workloads of one object (its pods, when selectors tell them apart). */
function checkScrape(
  context: Context,
  connectivity: Connectivity,
  groups: readonly Workload[],
  prometheus: readonly Workload[],
  dangling: DanglingReferences,
) {
  const workload = groups[0]!;
  const annotations = isRecord(workload.template.metadata.annotations)
    ? workload.template.metadata.annotations
    : {};
  if (String(annotations[SCRAPE]) !== "true" || annotations[SCRAPE_PORT] === undefined) return;
  const port = numberedPort(annotations[SCRAPE_PORT]);
  const pointer = metadataPointerOf(workload.template, "annotations", SCRAPE_PORT);
  // The backend annotated for another port than its metrics' is monitoring/metrics-scraped's
  // wrongPort on this field: one cause, one finding.
  const yieldsTo = SCRAPE_OWNER;
  const data = { workload: label(workload), port: String(annotations[SCRAPE_PORT]) };
  if (port === undefined) {
    // Not a port at all: one finding on it, not a missing container port and a blocked flow.
    context.report({
      messageId: "scrapePortName",
      data,
      object: workload.object,
      pointer,
      yieldsTo,
    });
    return;
  }
  if (!resolves(workload.ports, port)) {
    dangling.add(workload, port, {
      messageId: "scrapePort",
      data,
      object: workload.object,
      pointer,
      yieldsTo,
    });
  }
  // The guide's own scrape flow (Prometheus -> backend on 8000) that a policy blocks is
  // network/allowed-flows' missing flow, with the rule to add: one cause, one finding.
  const component = componentOf(workload.object, guideSettings(context.settings));
  const intended = GUIDE_FLOWS.some(
    (f) => f.from === "prometheus" && f.to === component && f.protocol === "TCP" && f.port === port,
  );
  if (intended) return;
  for (const scraper of prometheus) {
    const blocked = groups.filter((target) => {
      if (scraper === target) return false;
      const sides = connectivity.sides(
        { kind: "workload", workload: scraper },
        { kind: "workload", workload: target },
      );
      return !contains(sides.egress, "TCP", port) || !contains(sides.ingress, "TCP", port);
    });
    if (blocked.length === 0) continue;
    context.report({
      messageId: "scrapeBlocked",
      data: {
        ...data,
        workload: names(blocked),
        prometheus: label(scraper),
        instance: instanceOf(workload.object).name,
      },
      object: workload.object,
      pointer,
      yieldsTo,
    });
  }
}
