import {
  allContainers,
  type Bundle,
  type ContainerRef,
  defineRule,
  isRecord,
  joinPointer,
  quantityValue,
  type RuleContext,
} from "@scout-deploy/core";
import { effectiveNamespace } from "../../support/index.js";

const GROUPS = ["requests", "limits"] as const;
/**
 * A quantity the API server refuses is an error whatever the rule's warning: the object is never
 * created. input/schema's refusal on the same field yields to it (one cause, one finding).
 */
const REFUSAL = "error" as const;
const RESOURCES = ["cpu", "memory"] as const;
type Group = (typeof GROUPS)[number];
type Resource = (typeof RESOURCES)[number];

function resourceValue(
  resources: Record<string, unknown> | undefined,
  group: Group,
  name: Resource,
) {
  const values = resources?.[group];
  return isRecord(values) ? values[name] : undefined;
}

function isSet(value: unknown): boolean {
  return value !== undefined && value !== null;
}

export const resources = defineRule({
  id: "workload/resources",
  meta: {
    severity: "warning",
    description: "Every container sets CPU and memory requests and limits.",
    remediation:
      "Set resources.requests.cpu, requests.memory, limits.cpu and limits.memory on every container.",
    guide: "Pod Security Standards: All Scout containers follow security best practices",
    messages: {
      missing: 'container "{{container}}" sets no {{missing}}',
      invalid:
        'container "{{container}}" sets {{field}}: {{value}}, which is not a Kubernetes quantity (such as 500m or 256Mi): the API server refuses the object',
      zeroLimit:
        'container "{{container}}" sets {{field}}: 0, which is no limit: the kubelet leaves the {{resource}} of the container unbounded',
      requestAboveLimit:
        'container "{{container}}" requests {{request}} {{resource}} above its limit {{limit}}: the API server refuses the object',
    },
  },
  check(context) {
    const defaults = limitRangeDefaults(context.bundle);
    for (const container of allContainers(context.bundle)) {
      // Ephemeral containers may not set resources.
      if (container.list === "ephemeralContainers") continue;
      const namespace = effectiveNamespace(context.bundle, container.template.object) ?? "";
      const filled = new Set([
        ...(defaults.get(namespace) ?? []),
        ...podLevelBounds(container.template.spec.resources),
      ]);
      checkContainer(context, container, filled);
    }
  },
});

/**
 * The fields ("limits.cpu"…) that pod-level `spec.resources` (PodLevelResources, on by default
 * since Kubernetes 1.34) covers for every container: the kubelet bounds the pod's cgroup by the
 * pod's limit, which holds a container without a limit of its own, and the scheduler places the
 * pod by its pod-level request (defaulted to the pod-level limit).
 */
function podLevelBounds(resources: unknown): string[] {
  if (!isRecord(resources)) return [];
  const fields: string[] = [];
  for (const name of RESOURCES) {
    const bounded = (group: Group) =>
      (quantityValue(resourceValue(resources, group, name)) ?? 0) > 0;
    if (bounded("limits")) fields.push(`limits.${name}`, `requests.${name}`);
    else if (bounded("requests")) fields.push(`requests.${name}`);
  }
  return fields;
}

/**
 * The fields ("limits.cpu"…) that a LimitRange of each namespace fills in for a container that
 * leaves them out: the LimitRanger admission plugin sets `default` as the limit and
 * `defaultRequest` (itself defaulted to `default`) as the request.
 */
function limitRangeDefaults(bundle: Bundle): Map<string, Set<string>> {
  const byNamespace = new Map<string, Set<string>>();
  for (const object of bundle.objects) {
    if (object.value.kind !== "LimitRange" || !isRecord(object.value.spec)) continue;
    const items = Array.isArray(object.value.spec.limits) ? object.value.spec.limits : [];
    const namespace = effectiveNamespace(bundle, object) ?? "";
    const fields = byNamespace.get(namespace) ?? new Set<string>();
    for (const item of items) {
      if (!isRecord(item) || item.type !== "Container") continue;
      for (const name of RESOURCES) {
        if (isRecord(item.default) && isSet(item.default[name])) {
          fields.add(`limits.${name}`).add(`requests.${name}`);
        }
        if (isRecord(item.defaultRequest) && isSet(item.defaultRequest[name])) {
          fields.add(`requests.${name}`);
        }
      }
    }
    byNamespace.set(namespace, fields);
  }
  return byNamespace;
}

function checkContainer(
  context: RuleContext,
  container: ContainerRef,
  defaulted: ReadonlySet<string>,
) {
  const resources = isRecord(container.container.resources)
    ? container.container.resources
    : undefined;
  const report = (
    messageId: string,
    pointer: string,
    data: Record<string, string> = {},
    severity?: typeof REFUSAL,
  ) =>
    context.report({
      messageId,
      data: { container: container.name, ...data },
      object: container.template.object,
      pointer,
      ...(severity ? { severity } : {}),
    });
  const fieldPointer = (group: Group, name: Resource) =>
    joinPointer(container.pointer, "resources", group, name);
  const missing: string[] = [];
  for (const name of RESOURCES) {
    const limit = resourceValue(resources, "limits", name);
    const request = resourceValue(resources, "requests", name);
    // The API server defaults a missing request to the limit of the same resource.
    if (!isSet(limit))
      missing.push(...(isSet(request) ? [] : [`requests.${name}`]), `limits.${name}`);
    const values: Partial<Record<Group, number>> = {};
    for (const group of GROUPS) {
      const raw = group === "limits" ? limit : request;
      if (!isSet(raw)) continue;
      const value = quantityValue(raw);
      if (value === undefined || value < 0) {
        report(
          "invalid",
          fieldPointer(group, name),
          { field: `${group}.${name}`, value: String(raw) },
          REFUSAL,
        );
      } else values[group] = value;
    }
    if (values.limits !== undefined && (values.requests ?? 0) > values.limits) {
      report(
        "requestAboveLimit",
        fieldPointer("requests", name),
        { resource: name, request: String(request), limit: String(limit) },
        REFUSAL,
      );
    } else if (values.limits === 0) {
      report("zeroLimit", fieldPointer("limits", name), {
        field: `limits.${name}`,
        resource: name,
      });
    }
  }
  const unfilled = missing.filter((field) => !defaulted.has(field));
  // A patch over an operator's container keeps the operator's resources unless it sets them.
  if (unfilled.length === 0 || container.template.partial) return;
  report("missing", missingPointer(container.pointer, resources, unfilled), {
    missing: sortMissing(unfilled).join(", "),
  });
}

/**
 * The most specific node that exists: `limits` (or `requests`) when everything missing belongs
 * there and the user wrote it, else `resources`, else the container.
 */
function missingPointer(
  containerPointer: string,
  resources: Record<string, unknown> | undefined,
  missing: readonly string[],
): string {
  if (!resources) return containerPointer;
  const groups = new Set(missing.map((field) => field.split(".")[0]!));
  const [only] = groups;
  if (groups.size === 1 && only && isRecord(resources[only])) {
    return joinPointer(containerPointer, "resources", only);
  }
  return joinPointer(containerPointer, "resources");
}

/** Requests first, then limits, each cpu before memory, as the message always listed them. */
function sortMissing(missing: string[]): string[] {
  const order = GROUPS.flatMap((group) => RESOURCES.map((name) => `${group}.${name}`));
  return order.filter((field) => missing.includes(field));
}
