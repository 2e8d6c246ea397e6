import { isRecord } from "@scout-deploy/core";
import type { Protocol } from "./conns.js";

/** A port a container declares (`ports[]` of a container spec). */
export interface ContainerPort {
  name?: string;
  port: number;
  protocol: Protocol;
}

const PROTOCOL_NAMES = new Set<string>(["TCP", "UDP", "SCTP"]);

/** Kubernetes' default protocol is TCP: absent or unknown values read as TCP. */
export function protocolOf(value: unknown): Protocol {
  return typeof value === "string" && PROTOCOL_NAMES.has(value) ? (value as Protocol) : "TCP";
}

/** A port given as a number or a numeric string (an IntOrString that holds a number). */
export function numberedPort(port: unknown): number | undefined {
  if (typeof port === "number" && Number.isInteger(port)) return port;
  if (typeof port === "string" && /^\d+$/.test(port)) return Number(port);
  return undefined;
}

/** The ports a container declares; entries without a numeric containerPort declare nothing. */
export function containerPortsOf(container: Record<string, unknown>): ContainerPort[] {
  const ports = Array.isArray(container.ports) ? container.ports : [];
  return ports.flatMap((p): ContainerPort[] =>
    isRecord(p) && typeof p.containerPort === "number"
      ? [
          {
            port: p.containerPort,
            protocol: protocolOf(p.protocol),
            ...(typeof p.name === "string" ? { name: p.name } : {}),
          },
        ]
      : [],
  );
}

/**
 * The declared port a reference means, as Kubernetes resolves a Service's targetPort, a probe's
 * port or a NetworkPolicy's port: a number (or numeric string) by number, any other string by
 * name; with a protocol, only a port of that protocol.
 */
export function findPort(
  ports: readonly ContainerPort[],
  ref: unknown,
  protocol?: Protocol,
): ContainerPort | undefined {
  const number = numberedPort(ref);
  if (number === undefined && typeof ref !== "string") return undefined;
  return ports.find(
    (p) =>
      (number !== undefined ? p.port === number : p.name === ref) &&
      (protocol === undefined || p.protocol === protocol),
  );
}
