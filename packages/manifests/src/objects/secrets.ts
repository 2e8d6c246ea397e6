import type { ScoutConfig } from "../schema.js";
import { type Json, metadata, type Rendered, sortedMap, standardLabels } from "./meta.js";

/**
 * Only the objects that hold no plaintext: an ExternalSecret or a SealedSecret. A "generated"
 * or "existing" Secret is referenced, never rendered (see the README, "Secrets").
 */
export function secretObjects(config: ScoutConfig): Rendered[] {
  const { source } = config.secrets;
  const wanted = wantedKeys(config);
  if (wanted.length === 0) return [];
  if (source === "externalSecret")
    return [{ group: "secrets", object: externalSecret(config, wanted) }];
  if (source === "sealedSecret")
    return [{ group: "secrets", object: sealedSecret(config, wanted) }];
  return [];
}

type Credential = "apiToken" | "redisPassword";

function wantedKeys(config: ScoutConfig): Credential[] {
  return [
    ...(config.auth.apiToken ? (["apiToken"] as const) : []),
    ...(config.auth.redis ? (["redisPassword"] as const) : []),
  ];
}

function externalSecret(config: ScoutConfig, wanted: Credential[]): Json {
  const { name, keys } = config.secrets;
  const external = config.secrets.externalSecret!;
  return {
    apiVersion: "external-secrets.io/v1",
    kind: "ExternalSecret",
    metadata: metadata(config, name, { component: "secrets" }),
    spec: {
      refreshInterval: external.refreshInterval,
      secretStoreRef: { name: external.storeName, kind: external.storeKind },
      target: {
        name,
        creationPolicy: "Owner",
        template: { type: "Opaque", metadata: { labels: standardLabels(config, "secrets") } },
      },
      data: wanted.flatMap((credential) => {
        const ref = external[credential];
        return ref ? [{ secretKey: keys[credential], remoteRef: { ...ref } }] : [];
      }),
    },
  };
}

function sealedSecret(config: ScoutConfig, wanted: Credential[]): Json {
  const { name, keys } = config.secrets;
  const sealed = config.secrets.sealedSecret!;
  const encryptedData: Record<string, string> = {};
  for (const credential of wanted) {
    const value = sealed[credential];
    if (value) encryptedData[keys[credential]] = value;
  }
  return {
    apiVersion: "bitnami.com/v1alpha1",
    kind: "SealedSecret",
    metadata: metadata(config, name, { component: "secrets" }),
    spec: {
      encryptedData: sortedMap(encryptedData),
      template: {
        type: "Opaque",
        metadata: { name, namespace: config.namespace, labels: standardLabels(config, "secrets") },
      },
    },
  };
}
