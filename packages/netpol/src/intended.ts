import { z } from "@scout-deploy/core";
import { type ConnSet, connsOf, NO_CONNS, PROTOCOLS, type Protocol, union } from "./conns.js";
import { DEFAULT_DNS_OPTIONS, dnsOptionsSchema } from "./dns.js";

/** The endpoint that stands for every address outside the cluster. */
export const EXTERNAL = "external";

export interface IntendedFlow {
  /** A component name, or "external". */
  from: string;
  to: string;
  port: number;
  protocol: Protocol;
}

export const intendedFlowSchema = z
  .object({
    from: z.string().min(1),
    to: z.string().min(1),
    port: z.number().int().min(1).max(65535),
    protocol: z.enum(PROTOCOLS).default("TCP"),
  })
  .strict();

/** The Security Guide's "Network Policies" section, between Scout's components (rules.md). */
export const GUIDE_FLOWS: readonly IntendedFlow[] = Object.freeze([
  { from: "frontend", to: "backend", port: 8000, protocol: "TCP" },
  { from: "nginx", to: "frontend", port: 3000, protocol: "TCP" },
  { from: "nginx", to: "backend", port: 8000, protocol: "TCP" },
  { from: "backend", to: "redis", port: 6379, protocol: "TCP" },
  { from: "prometheus", to: "backend", port: 8000, protocol: "TCP" },
]);

/**
 * Options of the network rules, shared so that every rule reads the intended table the same way.
 * `flows` replaces the in-cluster table; external access to nginx is added unless turned off.
 */
export const networkOptionsSchema = z
  .object({
    /** The intended in-cluster flows. @default the guide's table */
    flows: z.array(intendedFlowSchema).default(GUIDE_FLOWS.map((f) => ({ ...f }))),
    /** Allow external access to nginx. @default true */
    externalAccess: z.boolean().default(true),
    /** The port external clients reach nginx on. @default 80 */
    externalPort: z.number().int().min(1).max(65535).default(80),
    /** Where the cluster's DNS answers (its namespace, pod labels, node-local CIDRs). */
    dns: dnsOptionsSchema.default(DEFAULT_DNS_OPTIONS),
  })
  .strict();

export type NetworkOptions = z.output<typeof networkOptionsSchema>;

/**
 * The network settings as the user writes them, once for every network rule
 * (`policy.settings.network`): each key optional, so that what was written can be told from a
 * default. `networkOptionsSchema` fills the defaults.
 */
export const networkSettingsSchema = z
  .object({
    /** The intended in-cluster flows. @default the guide's table */
    flows: z.array(intendedFlowSchema).optional(),
    /** Allow external access to nginx (network/allowed-flows, no-broad-peers, external-exposure). @default true */
    externalAccess: z.boolean().optional(),
    /** The port external clients reach nginx on. @default 80 */
    externalPort: z.number().int().min(1).max(65535).optional(),
    /** Where the cluster's DNS answers (its namespaces, pod labels, node-local CIDRs). */
    dns: dnsOptionsSchema.optional(),
  })
  .strict();

export type NetworkSettings = z.output<typeof networkSettingsSchema>;

/** The keys of the network settings, in the order findings and errors name them. */
export const NETWORK_SETTING_KEYS = ["flows", "externalAccess", "externalPort", "dns"] as const;

export const DEFAULT_NETWORK_OPTIONS: NetworkOptions = networkOptionsSchema.parse({});

/** The whole intended table: the in-cluster flows plus external access to nginx when it is on. */
export function intendedFlows(options: NetworkOptions = DEFAULT_NETWORK_OPTIONS): IntendedFlow[] {
  const external: IntendedFlow[] = options.externalAccess
    ? [{ from: EXTERNAL, to: "nginx", port: options.externalPort, protocol: "TCP" }]
    : [];
  return [...options.flows, ...external];
}

/**
 * The components another component is meant to reach (the destinations of the table's in-cluster
 * flows). The others (Prometheus; nginx, reached from outside only) are clients only: a namespace
 * of such components alone is a shared service (a `monitoring` namespace) that serves every Scout
 * instance across namespaces.
 */
export function reachedComponents(intended: readonly IntendedFlow[]): ReadonlySet<string> {
  return new Set(intended.filter((f) => f.from !== EXTERNAL).map((f) => f.to));
}

/** The connections the table intends from one component (or "external") to another. */
export function intendedConns(
  intended: readonly IntendedFlow[],
  from: string,
  to: string,
): ConnSet {
  return intended
    .filter((f) => f.from === from && f.to === to)
    .reduce((all, f) => union(all, connsOf(f.protocol, f.port)), NO_CONNS);
}
