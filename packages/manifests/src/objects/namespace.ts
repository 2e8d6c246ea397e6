import type { ScoutConfig } from "../schema.js";
import { metadata, type Rendered } from "./meta.js";

export function namespace(config: ScoutConfig): Rendered[] {
  const level = config.security.podSecurityLevel;
  const podSecurity = {
    "pod-security.kubernetes.io/enforce": level,
    "pod-security.kubernetes.io/enforce-version": "latest",
    "pod-security.kubernetes.io/audit": level,
    "pod-security.kubernetes.io/warn": level,
  };
  const object = {
    apiVersion: "v1",
    kind: "Namespace",
    metadata: metadata(config, config.namespace, { namespaced: false, labels: podSecurity }),
  };
  return [{ group: "namespace", object }];
}
