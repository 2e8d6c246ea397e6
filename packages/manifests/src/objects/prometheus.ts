import { stringify } from "yaml";
import type { ScoutConfig } from "../schema.js";
import {
  type Json,
  metadata,
  PORTS,
  type Rendered,
  resourceName,
  selectorLabels,
  sortedMap,
  YAML_OPTIONS,
} from "./meta.js";
import { deployment, httpProbes, portName } from "./pod.js";

const CONFIG_DIR = "/etc/prometheus/scout";
const ALERTS_FILE = "scout-alerts.yml";

export function prometheus(config: ScoutConfig): Rendered[] {
  const objects =
    config.monitoring.mode === "prometheus"
      ? inNamespace(config)
      : config.monitoring.mode === "serviceMonitor"
        ? operator(config)
        : [];
  return objects.map((object) => ({ group: "prometheus", object }));
}

function inNamespace(config: ScoutConfig): Json[] {
  const name = resourceName("prometheus");
  const data: Record<string, string> = { "prometheus.yml": prometheusYaml(config) };
  if (config.monitoring.alerts.enabled) {
    data[ALERTS_FILE] = stringify({ groups: alertGroups(config, false) }, YAML_OPTIONS);
  }
  return [
    {
      apiVersion: "v1",
      kind: "ConfigMap",
      metadata: metadata(config, name, { component: "prometheus" }),
      data,
    },
    deployment(config, {
      component: "prometheus",
      container: {
        args: [
          `--config.file=${CONFIG_DIR}/prometheus.yml`,
          "--storage.tsdb.path=/tmp/prometheus",
          "--storage.tsdb.retention.time=15d",
          `--log.format=${config.logging.format === "json" ? "json" : "logfmt"}`,
          `--log.level=${config.logging.level === "warning" ? "warn" : config.logging.level}`,
        ],
        port: PORTS.prometheus,
        probes: httpProbes(PORTS.prometheus, { live: "/-/healthy", ready: "/-/ready" }),
        configMounts: [{ volume: "config", configMap: name, mountPath: CONFIG_DIR }],
      },
    }),
  ];
}

/** Scrapes the backend pods found through the headless Service's DNS: no Kubernetes API calls. */
function prometheusYaml(config: ScoutConfig): string {
  const { scrapeInterval, alerts } = config.monitoring;
  const document = {
    global: { scrape_interval: scrapeInterval, evaluation_interval: scrapeInterval },
    ...(alerts.enabled ? { rule_files: [`${CONFIG_DIR}/${ALERTS_FILE}`] } : {}),
    scrape_configs: [
      {
        job_name: "scout-backend",
        metrics_path: "/metrics",
        dns_sd_configs: [
          {
            names: [`${resourceName("backend", "-metrics")}.${config.namespace}.svc`],
            type: "A",
            port: PORTS.backend,
          },
        ],
      },
    ],
  };
  return stringify(document, YAML_OPTIONS);
}

function operator(config: ScoutConfig): Json[] {
  const { operator: op, scrapeInterval, alerts } = config.monitoring;
  const name = resourceName("backend");
  const objects: Json[] = [
    {
      apiVersion: "monitoring.coreos.com/v1",
      kind: "ServiceMonitor",
      metadata: metadata(config, name, {
        component: "prometheus",
        labels: sortedMap(op.ruleLabels),
      }),
      spec: {
        selector: { matchLabels: selectorLabels("backend") },
        namespaceSelector: { matchNames: [config.namespace] },
        endpoints: [{ port: portName("backend"), path: "/metrics", interval: scrapeInterval }],
      },
    },
  ];
  if (alerts.enabled) {
    objects.push({
      apiVersion: "monitoring.coreos.com/v1",
      kind: "PrometheusRule",
      metadata: metadata(config, "scout-security-alerts", {
        component: "prometheus",
        labels: sortedMap(op.ruleLabels),
      }),
      spec: { groups: alertGroups(config, true) },
    });
  }
  return objects;
}

function alertGroups(config: ScoutConfig, byNamespace: boolean): Json[] {
  const { authFailuresPerMinute, for: duration } = config.monitoring.alerts;
  const selector = byNamespace ? `{namespace="${config.namespace}"}` : "";
  return [
    {
      name: "scout-security",
      rules: [
        {
          alert: "ScoutAuthenticationFailures",
          expr: `sum(rate(scout_auth_failures_total${selector}[5m])) * 60 > ${authFailuresPerMinute}`,
          for: duration,
          labels: { severity: "warning" },
          annotations: {
            summary: "Scout API authentication failures are high",
            description: `More than ${authFailuresPerMinute} failed API authentications per minute for ${duration}: a credential may have leaked or is being guessed. Review the backend's security logs.`,
          },
        },
      ],
    },
  ];
}
