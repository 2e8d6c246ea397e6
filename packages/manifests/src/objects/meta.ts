import type { ComponentName, ScoutConfig } from "../schema.js";

export type Json = Record<string, unknown>;

/** The file groups of the rendered output, in apply order. */
export const GROUPS = [
  "namespace",
  "secrets",
  "backend",
  "frontend",
  "redis",
  "nginx",
  "prometheus",
] as const;
export type Group = (typeof GROUPS)[number];

export interface Rendered {
  group: Group;
  object: Json;
}

export const PORTS = {
  frontend: 3000,
  backend: 8000,
  redis: 6379,
  nginx: 80,
  prometheus: 9090,
} as const;

export const SECRET_SOURCE_ANNOTATION = "scout-deploy.io/secret-source";

export function resourceName(component: ComponentName, suffix = ""): string {
  return `scout-${component}${suffix}`;
}

export function selectorLabels(component: ComponentName): Record<string, string> {
  return { "app.kubernetes.io/name": "scout", "app.kubernetes.io/component": component };
}

/** The labels every object carries; `component` is left out for namespace-wide objects. */
export function standardLabels(config: ScoutConfig, component?: string): Record<string, string> {
  return sortedMap({
    ...config.labels,
    "app.kubernetes.io/name": "scout",
    ...(component ? { "app.kubernetes.io/component": component } : {}),
    "app.kubernetes.io/part-of": "scout",
    "app.kubernetes.io/managed-by": "scout-deploy",
  });
}

interface MetadataOptions {
  component?: string;
  namespaced?: boolean;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

export function metadata(config: ScoutConfig, name: string, options: MetadataOptions = {}): Json {
  const annotations = sortedMap({ ...config.annotations, ...options.annotations });
  return {
    name,
    ...(options.namespaced === false ? {} : { namespace: config.namespace }),
    labels: sortedMap({ ...standardLabels(config, options.component), ...options.labels }),
    ...(Object.keys(annotations).length ? { annotations } : {}),
  };
}

export function sortedMap(map: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(map).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

export function imageOf(config: ScoutConfig, component: ComponentName): string {
  const { image, digest } = config.components[component];
  return digest ? `${image}@${digest}` : image;
}

/**
 * YAML 1.1 quoting ("no", "on", "1:30" quoted) so that readers of either YAML version, Go's
 * included, read every string as a string; no line folding.
 */
export const YAML_OPTIONS = { lineWidth: 0, version: "1.1" } as const;
