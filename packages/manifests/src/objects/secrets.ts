import type { ScoutConfig } from "../schema.js";
import { type Json, metadata, type Rendered, sortedMap, standardLabels } from "./meta.js";

/**
 * Only the objects that hold no plaintext: an ExternalSecret or a SealedSecret. A "generated"
 * or "existing" Secret is referenced, never rendered (see the README, "Secrets").
 */
export function secretObjects(config: ScoutConfig): Rendered[] {
  const { source } = config.secrets;
  const wanted = wantedKeys(config);
  if (wanted.length === 0 && config.secrets.extraKeys.length === 0) return [];
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
      data: [
        ...wanted.flatMap((credential) => {
          const ref = external[credential];
          return ref ? [{ secretKey: keys[credential], remoteRef: { ...ref } }] : [];
        }),
        ...config.secrets.extraKeys.map((key) => ({
          secretKey: key,
          remoteRef: { ...(external.extraKeys[key] ?? impliedRemoteRef(external.apiToken, key)) },
        })),
      ],
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
  for (const key of config.secrets.extraKeys) {
    const value = sealed.extraKeys[key];
    if (value) encryptedData[key] = value;
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

type RemoteRef = { key: string; property?: string };

/**
 * Where an extra key lives when the config does not say: beside the API token, in its naming
 * scheme (the same key with another property, or another entry in the same folder).
 */
export function impliedRemoteRef(apiToken: RemoteRef, secretKey: string): RemoteRef {
  if (apiToken.property !== undefined) return { key: apiToken.key, property: secretKey };
  const slash = apiToken.key.lastIndexOf("/");
  return { key: slash < 0 ? secretKey : `${apiToken.key.slice(0, slash + 1)}${secretKey}` };
}
