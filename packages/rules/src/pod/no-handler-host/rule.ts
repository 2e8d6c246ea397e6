import { allContainers, defineRule, isRecord, joinPointer } from "@scout-deploy/core";

const PROBES = ["livenessProbe", "readinessProbe", "startupProbe"] as const;
const HOOKS = ["postStart", "preStop"] as const;
/** The handlers that open a connection; `exec`, `grpc` and `sleep` name no host. */
const CONNECTING = ["httpGet", "tcpSocket"] as const;

/** Each handler of a container (probe or lifecycle hook) with the path to it. */
function handlersOf(container: Record<string, unknown>): { at: string[]; handler: unknown }[] {
  const probes = PROBES.map((probe) => ({ at: [probe], handler: container[probe] }));
  const lifecycle = isRecord(container.lifecycle) ? container.lifecycle : {};
  const hooks = HOOKS.map((hook) => ({ at: ["lifecycle", hook], handler: lifecycle[hook] }));
  return [...probes, ...hooks];
}

export const noHandlerHost = defineRule({
  id: "pod/no-handler-host",
  meta: {
    severity: "error",
    description:
      "No probe or lifecycle hook names a host (httpGet.host, tcpSocket.host): the kubelet would connect from the node to it (Pod Security Standards, baseline, Kubernetes 1.34+).",
    remediation:
      "Remove the host field: the kubelet then connects to the pod's own IP, which is what a probe or hook is for.",
    guide: "Pod Security Standards: All Scout containers follow security best practices",
    messages: {
      host: 'container "{{container}}" {{place}} connects to host "{{host}}", not to the pod: the kubelet opens that connection from the node, and Pod Security admission (baseline, 1.34+) refuses the pod',
    },
  },
  check(context) {
    for (const container of allContainers(context.bundle)) {
      for (const { at, handler } of handlersOf(container.container)) {
        if (!isRecord(handler)) continue;
        for (const kind of CONNECTING) {
          const action = handler[kind];
          const host = isRecord(action) ? action.host : undefined;
          if (typeof host !== "string" || host === "") continue;
          context.report({
            messageId: "host",
            data: { container: container.name, place: `${at.at(-1)} ${kind}`, host },
            object: container.template.object,
            pointer: joinPointer(container.pointer, ...at, kind, "host"),
          });
        }
      }
    }
  },
});
