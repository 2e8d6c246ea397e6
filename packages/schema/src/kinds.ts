import { apiGroupOf, type BundleObject } from "@scout-deploy/core";
import { schemaData } from "./data.js";
import type { SchemaProblem } from "./port.js";

/** apiVersions of every bundled version in which `kind` of `group` exists. */
function servedApiVersions(group: string, kind: string): string[] {
  const found = new Set<string>();
  for (const version of Object.values(schemaData().versions)) {
    for (const key of Object.keys(version.kinds)) {
      const apiVersion = key.slice(0, key.lastIndexOf("/"));
      if (key.endsWith(`/${kind}`) && apiGroupOf(apiVersion) === group) found.add(apiVersion);
    }
  }
  return [...found].sort();
}

/**
 * A group of Kubernetes itself: one the bundled schemas know, or the removed "extensions".
 * Not every *.k8s.io group: the Gateway API's are custom resources.
 */
function isBuiltInGroup(group: string): boolean {
  if (group === "extensions") return true;
  return Object.values(schemaData().versions).some((version) =>
    Object.keys(version.kinds).some(
      (key) => apiGroupOf(key.slice(0, key.lastIndexOf("/"))) === group,
    ),
  );
}

/**
 * The problem for an object whose kind has no schema. In a built-in API group this is an error
 * (an apiVersion removed from, or never in, Kubernetes); elsewhere (CRDs) it is reported once
 * per kind as `info`, since nothing can be checked without the CRD's schema.
 */
export function missingSchemaProblem(
  object: BundleObject,
  kubernetesVersion: string,
): SchemaProblem {
  const apiVersion = object.value.apiVersion;
  const kind = object.value.kind;
  const group = apiGroupOf(apiVersion);
  const minor = kubernetesVersion.split(".").slice(0, 2).join(".");
  if (!isBuiltInGroup(group)) {
    return {
      ruleId: "input/no-schema",
      code: "no-schema",
      severity: "info",
      object,
      pointer: "/kind",
      message: `no schema for ${kind} (${apiVersion}): objects of this kind are not schema-checked`,
    };
  }
  const served = servedApiVersions(group, kind);
  const hint = served.length ? ` (${kind} is served as ${served.join(", ")})` : "";
  return {
    ruleId: "input/schema",
    code: "unserved",
    severity: "error",
    object,
    pointer: "/apiVersion",
    message: `${apiVersion} ${kind} is not served by Kubernetes ${minor}${hint}`,
  };
}
