import { type ContainerRef, containersOf, type PodTemplate } from "@scout-deploy/core";
import { containerPortsOf, findPort, numberedPort } from "@scout-deploy/netpol";

export { numberedPort };

/** A probe's or a Service's port, a named one resolved against the container's ports. */
export function resolvePort(port: unknown, container: Record<string, unknown>): number | undefined {
  return numberedPort(port) ?? findPort(containerPortsOf(container), port)?.port;
}

/**
 * The container that serves a component: the first app container that declares `port`, else the
 * first app container.
 */
export function mainContainer(template: PodTemplate, port?: number): ContainerRef | undefined {
  const apps = containersOf(template).filter((c) => c.list === "containers");
  const serving = apps.find((c) => findPort(containerPortsOf(c.container), port) !== undefined);
  return serving ?? apps[0];
}
