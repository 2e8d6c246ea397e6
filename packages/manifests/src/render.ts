import { createHash } from "node:crypto";
import { stringify } from "yaml";
import { GROUPS, type Group, type Json, type Rendered, YAML_OPTIONS } from "./objects/meta.js";
import { namespace } from "./objects/namespace.js";
import { networkPolicies } from "./objects/network.js";
import { nginx } from "./objects/nginx.js";
import { prometheus } from "./objects/prometheus.js";
import { secretObjects } from "./objects/secrets.js";
import { backend, frontend, redis } from "./objects/workloads.js";
import type { ScoutConfig } from "./schema.js";
import { type RenderedSource, renderedSources } from "./sources.js";
import { TOOL_NAME, VERSION } from "./version.js";

export interface RenderResult {
  /** Every Kubernetes object, in apply order. */
  objects: Json[];
  /** One YAML stream of all objects, headed by the tool, version and config digest. */
  yaml: string;
  /** One file per component, e.g. "20-backend.yaml", in apply order; each has the header. */
  files: Record<string, string>;
  /** sha256 of the canonical (defaults applied, keys sorted) config. */
  configDigest: string;
  /** Per rendered object, in apply order: its file and the config key that decided each field. */
  sources: RenderedSource[];
}

const BUILDERS = [
  namespace,
  secretObjects,
  backend,
  frontend,
  redis,
  nginx,
  prometheus,
  networkPolicies,
];

/** Renders Scout's manifests. Pure and deterministic: the same config gives the same bytes. */
export function render(config: ScoutConfig): RenderResult {
  const rendered = sortByGroup(BUILDERS.flatMap((build) => build(config)));
  const documents = rendered.map(({ group, object }) => ({
    group,
    object,
    text: stringify(object, YAML_OPTIONS),
  }));
  const configDigest = digestOf(config);
  const header = headerLines(configDigest);
  const files: Record<string, string> = {};
  GROUPS.forEach((group) => {
    const members = documents.filter((d) => d.group === group);
    if (members.length) files[fileName(group)] = stream(header, members);
  });
  return {
    objects: rendered.map((r) => r.object),
    yaml: stream(header, documents),
    files,
    configDigest,
    sources: renderedSources(config, rendered, fileName),
  };
}

function fileName(group: Group): string {
  return `${GROUPS.indexOf(group)}0-${group}.yaml`;
}

function sortByGroup(rendered: Rendered[]): Rendered[] {
  const rank = (r: Rendered) => GROUPS.indexOf(r.group);
  return rendered
    .map((r, i) => ({ r, i }))
    .sort((a, b) => rank(a.r) - rank(b.r) || a.i - b.i)
    .map(({ r }) => r);
}

function headerLines(digest: string): string {
  return [
    `# Rendered by ${TOOL_NAME} ${VERSION} from the scout: section of its config. Do not edit: re-render.`,
    `# config-sha256: ${digest}`,
  ].join("\n");
}

function stream(header: string, documents: { text: string }[]): string {
  return `${header}\n${documents.map((d) => `---\n${d.text}`).join("")}`;
}

export function digestOf(config: ScoutConfig): string {
  return createHash("sha256").update(canonicalJson(config)).digest("hex");
}

/** JSON with object keys sorted at every level: equal configs give equal text. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === "object" && !Array.isArray(v)
      ? Object.fromEntries(
          Object.entries(v as Json).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
        )
      : v,
  );
}
