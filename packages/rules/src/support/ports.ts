import { type ContainerRef, containersOf, isRecord, type PodTemplate } from "@scout-deploy/core";

/** A port given as a number or a numeric string. */
export function numberedPort(port: unknown): number | undefined {
  if (typeof port === "number" && Number.isInteger(port)) return port;
  if (typeof port === "string" && /^\d+$/.test(port)) return Number(port);
  return undefined;
}

/** A probe's or a Service's port, a named one resolved against the container's ports. */
export function resolvePort(port: unknown, container: Record<string, unknown>): number | undefined {
  const number = numberedPort(port);
  if (number !== undefined || typeof port !== "string") return number;
  const ports = Array.isArray(container.ports) ? container.ports : [];
  const named = ports.find((p) => isRecord(p) && p.name === port);
  return isRecord(named) ? numberedPort(named.containerPort) : undefined;
}

/**
 * The container that serves a component: the first app container that declares `port`, else the
 * first app container.
 */
export function mainContainer(template: PodTemplate, port?: number): ContainerRef | undefined {
  const apps = containersOf(template).filter((c) => c.list === "containers");
  const serving = apps.find((c) => {
    const ports = Array.isArray(c.container.ports) ? c.container.ports : [];
    return ports.some((p) => isRecord(p) && numberedPort(p.containerPort) === port);
  });
  return serving ?? apps[0];
}
