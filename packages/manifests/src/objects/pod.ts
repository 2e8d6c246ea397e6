import type { ComponentName, ScoutConfig } from "../schema.js";
import {
  imageOf,
  type Json,
  metadata,
  resourceName,
  selectorLabels,
  sortedMap,
  standardLabels,
} from "./meta.js";

export interface ContainerSpec {
  command?: string[];
  args?: string[];
  port: number;
  env?: Json[];
  probes: Json;
  /** Read-only mounts besides /tmp (ConfigMaps). */
  configMounts?: { volume: string; configMap: string; mountPath: string }[];
}

export interface WorkloadSpec {
  component: ComponentName;
  container: ContainerSpec;
  serviceAccountName?: string;
  podAnnotations?: Record<string, string>;
  deploymentAnnotations?: Record<string, string>;
  sysctls?: Json[];
}

/** A Deployment with the guide's pod security: UID 1000, read-only root, /tmp only, no capabilities. */
export function deployment(config: ScoutConfig, spec: WorkloadSpec): Json {
  const { component } = spec;
  const podAnnotations = sortedMap({ ...config.annotations, ...spec.podAnnotations });
  return {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: metadata(config, resourceName(component), {
      component,
      ...(spec.deploymentAnnotations ? { annotations: spec.deploymentAnnotations } : {}),
    }),
    spec: {
      replicas: config.components[component].replicas,
      revisionHistoryLimit: 3,
      selector: { matchLabels: selectorLabels(component) },
      template: {
        metadata: {
          labels: standardLabels(config, component),
          ...(Object.keys(podAnnotations).length ? { annotations: podAnnotations } : {}),
        },
        spec: podSpec(config, spec),
      },
    },
  };
}

function podSpec(config: ScoutConfig, spec: WorkloadSpec): Json {
  const security = config.security;
  const mounts = spec.container.configMounts ?? [];
  return {
    ...(spec.serviceAccountName ? { serviceAccountName: spec.serviceAccountName } : {}),
    automountServiceAccountToken: security.automountServiceAccountToken,
    enableServiceLinks: false,
    securityContext: {
      runAsNonRoot: security.runAsNonRoot,
      runAsUser: security.runAsUser,
      runAsGroup: security.runAsUser,
      fsGroup: security.runAsUser,
      seccompProfile: { type: security.seccompProfile },
      ...(spec.sysctls ? { sysctls: spec.sysctls } : {}),
    },
    containers: [container(config, spec)],
    volumes: [
      { name: "tmp", emptyDir: {} },
      ...mounts.map((m) => ({ name: m.volume, configMap: { name: m.configMap } })),
    ],
  };
}

function container(config: ScoutConfig, spec: WorkloadSpec): Json {
  const { component, container: c } = spec;
  const security = config.security;
  const { requests, limits } = config.components[component].resources;
  return {
    name: component,
    image: imageOf(config, component),
    imagePullPolicy: "IfNotPresent",
    ...(c.command ? { command: c.command } : {}),
    ...(c.args ? { args: c.args } : {}),
    ports: [{ name: portName(component), containerPort: c.port, protocol: "TCP" }],
    ...(c.env?.length ? { env: c.env } : {}),
    ...c.probes,
    resources: { requests: { ...requests }, limits: { ...limits } },
    securityContext: {
      allowPrivilegeEscalation: security.allowPrivilegeEscalation,
      readOnlyRootFilesystem: security.readOnlyRootFilesystem,
      ...(security.dropAllCapabilities ? { capabilities: { drop: ["ALL"] } } : {}),
    },
    volumeMounts: [
      { name: "tmp", mountPath: "/tmp" },
      ...(c.configMounts ?? []).map((m) => ({
        name: m.volume,
        mountPath: m.mountPath,
        readOnly: true,
      })),
    ],
  };
}

export function portName(component: ComponentName): string {
  return component === "redis" ? "redis" : "http";
}

export function httpProbes(
  port: number,
  paths: { live: string; ready: string },
  startup?: { path: string; delay: number; failureThreshold: number },
): Json {
  const probe = (path: string, extra: Json) => ({ httpGet: { path, port }, ...extra });
  return {
    ...(startup
      ? {
          startupProbe: probe(startup.path, {
            initialDelaySeconds: startup.delay,
            periodSeconds: 5,
            failureThreshold: startup.failureThreshold,
          }),
        }
      : {}),
    livenessProbe: probe(paths.live, { periodSeconds: 10, timeoutSeconds: 5, failureThreshold: 3 }),
    readinessProbe: probe(paths.ready, {
      periodSeconds: 5,
      timeoutSeconds: 3,
      failureThreshold: 3,
    }),
  };
}

export function service(
  config: ScoutConfig,
  component: ComponentName,
  port: number,
  options: { name?: string; type?: string; headless?: boolean } = {},
): Json {
  return {
    apiVersion: "v1",
    kind: "Service",
    metadata: metadata(config, options.name ?? resourceName(component), { component }),
    spec: {
      type: options.type ?? "ClusterIP",
      ...(options.headless ? { clusterIP: "None" } : {}),
      selector: selectorLabels(component),
      ports: [{ name: portName(component), port, targetPort: port, protocol: "TCP" }],
    },
  };
}

export function secretEnv(config: ScoutConfig, name: string, key: string): Json {
  return { name, valueFrom: { secretKeyRef: { name: config.secrets.name, key } } };
}
