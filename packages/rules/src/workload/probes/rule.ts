import {
  allContainers,
  type ContainerRef,
  componentOf,
  containersOf,
  defineRule,
  isRecord,
  joinPointer,
  type PodTemplate,
  podTemplates,
  probeHandlersOf,
  z,
} from "@scout-deploy/core";
import { guideSettings } from "../../settings.js";
import { isLongRunning, mainContainer, resolvePort } from "../../support/index.js";

const options = z
  .object({
    /** The path the backend's probes ask. @default "/docs" */
    backendPath: z.string().startsWith("/").default("/docs"),
    /** The port the backend's probes ask. @default 8000 */
    backendPort: z.number().int().min(1).max(65535).default(8000),
  })
  .strict();

const ALL_PROBES = ["startupProbe", "livenessProbe", "readinessProbe"] as const;
const PROBES = [
  { field: "livenessProbe", missing: "noLiveness" },
  { field: "readinessProbe", missing: "noReadiness" },
] as const;

export const probes = defineRule({
  id: "workload/probes",
  meta: {
    severity: "error",
    description:
      "Every long-running container has a liveness and a readiness probe; the backend's ask /docs on port 8000.",
    remediation:
      "Add livenessProbe and readinessProbe (for the backend: httpGet {path: /docs, port: 8000}).",
    guide: "Health Checks: Liveness probe: /docs endpoint",
    options,
    messages: {
      noLiveness:
        'container "{{container}}" has no livenessProbe: a hung process is never restarted',
      noReadiness:
        'container "{{container}}" has no readinessProbe: traffic reaches it before it is ready',
      backendPath: "the backend's {{probe}} asks {{actual}}, expected httpGet path {{expected}}",
      backendPort: "the backend's {{probe}} asks port {{actual}}, expected {{expected}}",
      notHttpGet:
        "the backend's {{probe}} uses {{kind}}, which does not show that the app answers: use httpGet {{expected}}",
      noHandler:
        'the {{probe}} of container "{{container}}" has no handler (exec, httpGet, tcpSocket or grpc): the API server refuses the object',
      manyHandlers:
        'the {{probe}} of container "{{container}}" sets several handlers ({{handlers}}): the API server refuses the object, one is allowed',
      portNameOfDigits:
        'the {{probe}} of container "{{container}}" asks port "{{port}}", a string: the API server reads a string as a port name, and a name must contain a letter, so it refuses the object; write {{port}} unquoted',
    },
  },
  check(context) {
    const { backendPath, backendPort } = context.options;
    for (const container of allContainers(context.bundle)) {
      for (const field of ALL_PROBES) {
        const probe = container.container[field];
        const handlers = isRecord(probe) ? probeHandlersOf(probe) : [];
        if (isRecord(probe) && handlers.length !== 1) {
          context.report({
            messageId: handlers.length === 0 ? "noHandler" : "manyHandlers",
            data: { container: container.name, probe: field, handlers: handlers.join(", ") },
            object: container.template.object,
            pointer: joinPointer(container.pointer, field),
          });
        }
        const handler = portHandlerOf(probe);
        const port = handler?.value.port;
        if (!handler || !isDigitsString(port)) continue;
        context.report({
          messageId: "portNameOfDigits",
          data: { container: container.name, probe: field, port },
          object: container.template.object,
          pointer: joinPointer(container.pointer, field, handler.key, "port"),
        });
      }
    }
    for (const template of podTemplates(context.bundle)) {
      // The operator a patch is merged into sets the probes it leaves out.
      if (!isLongRunning(template) || template.partial) continue;
      const isBackend = componentOf(template.object, guideSettings(context.settings)) === "backend";
      const backendMain = isBackend ? mainContainer(template, backendPort) : undefined;
      for (const container of longRunningContainers(template)) {
        const report = (
          messageId: "backendPath" | "backendPort" | "noLiveness" | "noReadiness" | "notHttpGet",
          pointer: string,
          data: Record<string, string | number> = {},
        ) =>
          context.report({
            messageId,
            data: { container: container.name, ...data },
            object: template.object,
            pointer,
          });
        for (const { field, missing } of PROBES) {
          const probe = container.container[field];
          if (!isRecord(probe)) {
            report(missing, container.pointer);
            continue;
          }
          if (container.pointer !== backendMain?.pointer) continue;
          const pointer = joinPointer(container.pointer, field);
          const httpGet = isRecord(probe.httpGet) ? probe.httpGet : undefined;
          // A probe without exactly one handler is refused; that finding is already made above.
          if (probeHandlersOf(probe).length !== 1) continue;
          if (!httpGet) {
            const kind = probeHandlersOf(probe)[0] ?? "";
            report("notHttpGet", joinPointer(pointer, kind), {
              probe: field,
              kind,
              expected: backendPath,
            });
            continue;
          }
          if (pathOf(httpGet.path) !== backendPath) {
            report(
              "backendPath",
              httpGet.path !== undefined
                ? joinPointer(pointer, "httpGet", "path")
                : joinPointer(pointer, "httpGet"),
              { probe: field, actual: String(httpGet.path ?? "/"), expected: backendPath },
            );
          }
          // A host (any container's) is pod/no-handler-host's finding: one cause, one finding.
          if (isDigitsString(httpGet.port)) continue;
          const port = resolvePort(httpGet.port, container.container);
          if (port !== backendPort) {
            report("backendPort", joinPointer(pointer, "httpGet", "port"), {
              probe: field,
              actual: String(httpGet.port),
              expected: backendPort,
            });
          }
        }
      }
    }
  },
});

/** App containers, and init containers with restartPolicy: Always (sidecars). */
function longRunningContainers(template: PodTemplate): ContainerRef[] {
  return containersOf(template).filter(
    (c) =>
      c.list === "containers" ||
      (c.list === "initContainers" && c.container.restartPolicy === "Always"),
  );
}

/** The handler of a probe that names a port by IntOrString: httpGet or tcpSocket. */
function portHandlerOf(
  probe: unknown,
): { key: string; value: Record<string, unknown> } | undefined {
  if (!isRecord(probe)) return undefined;
  for (const key of ["httpGet", "tcpSocket"]) {
    const value = probe[key];
    if (isRecord(value)) return { key, value };
  }
  return undefined;
}

/** A port given as a quoted number: an IntOrString string is a port name to the API server. */
function isDigitsString(port: unknown): port is string {
  return typeof port === "string" && /^[0-9]+$/.test(port);
}

/** The path the kubelet asks, without the query string it sends along. */
function pathOf(path: unknown): unknown {
  return typeof path === "string" ? path.split("?")[0] : path;
}
