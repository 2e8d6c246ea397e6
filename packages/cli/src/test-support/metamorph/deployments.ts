/**
 * Scout deployments to transform: rendered by the project's own templates from generated
 * `scout:` configs (namespaces, replicas, Redis auth, external access, monitoring, one relaxed
 * control or none), with the Secret the backend reads, or the compliant fixture.
 */
import { readFileSync } from "node:fs";
import { parseSource } from "@scout-deploy/core";
import { parseConfigText, renderScout } from "@scout-deploy/engine";
import fc from "fast-check";
import { fixturePath } from "../render-trees/fixture.js";
import type { Json, Obj } from "../yaml-text.js";

export interface ScoutVariant {
  namespace: string;
  replicas: number;
  redisAuth: boolean;
  apiToken: boolean;
  external: "off" | "LoadBalancer" | "Ingress";
  monitoring: "prometheus" | "serviceMonitor" | "off";
  /** One `security:` key set to its insecure value, or none. */
  relaxed?: keyof typeof RELAXED;
}

const RELAXED = {
  runAsNonRoot: false,
  readOnlyRootFilesystem: false,
  dropAllCapabilities: false,
  allowPrivilegeEscalation: true,
  seccompProfile: "Unconfined",
  automountServiceAccountToken: true,
} as const;

export const variantArb: fc.Arbitrary<ScoutVariant> = fc
  .record({
    namespace: fc.constantFrom("scout", "scout-prod", "team-a"),
    replicas: fc.integer({ min: 1, max: 3 }),
    redisAuth: fc.boolean(),
    apiToken: fc.oneof({ weight: 4, arbitrary: fc.constant(true) }, fc.constant(false)),
    external: fc.constantFrom("off" as const, "LoadBalancer" as const, "Ingress" as const),
    monitoring: fc.constantFrom(
      "prometheus" as const,
      "serviceMonitor" as const,
      "prometheus" as const,
      "off" as const,
    ),
    relaxed: fc.option(fc.constantFrom(...(Object.keys(RELAXED) as (keyof typeof RELAXED)[])), {
      nil: undefined,
      freq: 3,
    }),
  })
  .map((v) => {
    const clean = { ...v };
    if (clean.relaxed === undefined) delete clean.relaxed;
    return clean;
  });

/** The `scout:` section of a variant, as a user writes it. */
export function configText(v: ScoutVariant): string {
  const external =
    v.external === "Ingress"
      ? "{ type: Ingress, host: scout.example.com, tlsSecretName: scout-tls }"
      : `{ type: ${v.external === "off" ? '"off"' : v.external} }`;
  return [
    "scout:",
    `  namespace: ${v.namespace}`,
    "  components:",
    ...["frontend", "backend", "nginx"].map((c) => `    ${c}: { replicas: ${v.replicas} }`),
    `  externalAccess: ${external}`,
    `  auth: { apiToken: ${v.apiToken}, redis: ${v.redisAuth} }`,
    `  monitoring: { mode: ${v.monitoring === "off" ? '"off"' : v.monitoring} }`,
    ...(v.relaxed ? [`  security: { ${v.relaxed}: ${JSON.stringify(RELAXED[v.relaxed])} }`] : []),
    "",
  ].join("\n");
}

export const documentsOf = (text: string, file = "scout.yaml"): Obj[] =>
  parseSource(file, text)
    .documents.map((d) => d.value as Obj)
    .filter((v) => v !== null);

/** Strong, fixed values: the checks judge their strength, and the suite must be deterministic. */
const API_TOKEN = "mROLNsF2uFYHWtzQEexUcvAVrEy0+Dx4z5Te71JLKNY=";
const REDIS_PASSWORD = "rtdv8PzjSxTkVxxMQwo3usk9cOizxrTXG7cf37vjKqA=";

/** The Secret `secrets generate` would write for this namespace: what the backend reads. */
function generatedSecret(namespace: string): Obj {
  const b64 = (text: string) => Buffer.from(text).toString("base64");
  return {
    apiVersion: "v1",
    kind: "Secret",
    metadata: {
      name: "scout-secrets",
      namespace,
      labels: { "app.kubernetes.io/part-of": "scout" },
    },
    type: "Opaque",
    data: { "api-token": b64(API_TOKEN), "redis-password": b64(REDIS_PASSWORD) },
  };
}

/** The objects `scout-deploy render` writes for this variant, and the Secret they read. */
export function renderVariant(v: ScoutVariant): Obj[] {
  const rendered = renderScout(parseConfigText("scout-deploy.yaml", configText(v)));
  const objects = Object.values(rendered.files).flatMap((text) => documentsOf(text));
  return [...objects, generatedSecret(v.namespace)];
}

let fixture: Obj[] | undefined;

/** The compliant fixture of the rules package, hand-written rather than rendered. */
export function fixtureObjects(): Obj[] {
  fixture ??= documentsOf(readFileSync(fixturePath, "utf8"));
  return fixture.map((o) => structuredClone(o));
}

/** A base deployment: a rendered variant, or (one in five) the hand-written fixture. */
export type Base = { kind: "rendered"; variant: ScoutVariant } | { kind: "fixture" };

export const baseArb: fc.Arbitrary<Base> = fc.oneof(
  { weight: 4, arbitrary: variantArb.map((variant) => ({ kind: "rendered" as const, variant })) },
  { weight: 1, arbitrary: fc.constant({ kind: "fixture" as const }) },
);

/** The same base with every control on: what a second, compliant Scout would render. */
export function compliantOf(base: Base): Base {
  if (base.kind === "fixture") return base;
  const { relaxed: _, ...variant } = base.variant;
  const on = { apiToken: true, redisAuth: true, monitoring: "prometheus" as const };
  return { kind: "rendered", variant: { ...variant, ...on } };
}

const rendered = new Map<string, Obj[]>();

export function baseObjects(base: Base): Obj[] {
  if (base.kind === "fixture") return fixtureObjects();
  const key = JSON.stringify(base.variant);
  if (!rendered.has(key)) rendered.set(key, renderVariant(base.variant));
  return rendered.get(key)!.map((o) => structuredClone(o));
}

// ---- reading objects --------------------------------------------------------------------------

export const isObj = (v: Json | undefined): v is Obj =>
  v !== null && typeof v === "object" && !Array.isArray(v);
export const meta = (o: Obj) => o.metadata as Obj;
export const nameOf = (o: Obj) => String(meta(o).name);
export const namespaceOf = (o: Obj) => meta(o).namespace as string | undefined;

const POD_KINDS = ["Deployment", "StatefulSet", "DaemonSet", "Job", "ReplicaSet"];

export function podSpecOf(o: Obj): Obj | undefined {
  if (o.kind === "Pod") return o.spec as Obj;
  if (!POD_KINDS.includes(String(o.kind))) return undefined;
  return ((o.spec as Obj).template as Obj).spec as Obj;
}

export function podLabelsOf(o: Obj): Obj {
  return (o.kind === "Pod" ? meta(o).labels : meta((o.spec as Obj).template as Obj).labels) as Obj;
}

/** The workload whose pods carry this component label. */
export function workloadOf(objects: readonly Obj[], component: string): Obj | undefined {
  return objects.find(
    (o) => podSpecOf(o) && podLabelsOf(o)["app.kubernetes.io/component"] === component,
  );
}

export function componentsOf(objects: readonly Obj[]): string[] {
  return objects
    .filter((o) => podSpecOf(o))
    .map((o) => String(podLabelsOf(o)["app.kubernetes.io/component"]));
}
