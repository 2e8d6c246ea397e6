import { allContainers, defineRule, isRecord, joinPointer } from "@scout-deploy/core";

const REQUIRED = [
  ["requests", "cpu"],
  ["requests", "memory"],
  ["limits", "cpu"],
  ["limits", "memory"],
] as const;

function isSet(
  resources: Record<string, unknown> | undefined,
  group: string,
  name: string,
): boolean {
  const values = resources?.[group];
  return isRecord(values) && values[name] !== undefined && values[name] !== null;
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
    },
  },
  check(context) {
    for (const container of allContainers(context.bundle)) {
      // Ephemeral containers may not set resources.
      if (container.list === "ephemeralContainers") continue;
      const resources = isRecord(container.container.resources)
        ? container.container.resources
        : undefined;
      const missing = REQUIRED.filter(
        ([group, name]) =>
          !isSet(resources, group, name) &&
          // The API server defaults a missing request to the limit of the same resource.
          !(group === "requests" && isSet(resources, "limits", name)),
      ).map(([group, name]) => `${group}.${name}`);
      if (missing.length === 0) continue;
      context.report({
        messageId: "missing",
        data: { container: container.name, missing: missing.join(", ") },
        object: container.template.object,
        pointer: resources ? joinPointer(container.pointer, "resources") : container.pointer,
      });
    }
  },
});
