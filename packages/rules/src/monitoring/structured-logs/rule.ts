import {
  type Bundle,
  type BundleObject,
  type ContainerRef,
  containersOf,
  defineRule,
  effectiveNamespace,
  isRecord,
  joinPointer,
  type RuleReport,
} from "@scout-deploy/core";
import { literalSetting } from "../../secrets/env.js";
import { componentWorkloads, configMapProjections, configMapsNamed } from "../../support/index.js";

type Report = (r: RuleReport<"appText" | "prometheusText" | "nginxText">) => void;

/** Scout's own setting (backend and frontend): `json` or `text`. */
const SCOUT_LOG_FORMAT = "SCOUT_LOG_FORMAT";

export const structuredLogs = defineRule({
  id: "monitoring/structured-logs",
  meta: {
    severity: "info",
    description:
      "Scout's components log JSON: no SCOUT_LOG_FORMAT, Prometheus --log.format or nginx access_log set to another format.",
    remediation:
      "Log JSON: SCOUT_LOG_FORMAT=json, Prometheus --log.format=json, nginx access_log with a log_format declared escape=json (scout-deploy.yaml: logging.format: json).",
    guide: "Security Monitoring: Logging: Structured logging: JSON format",
    messages: {
      appText:
        'container "{{container}}" sets SCOUT_LOG_FORMAT={{format}}: its security events are not logged as JSON',
      prometheusText:
        'container "{{container}}" runs Prometheus with --log.format={{format}}, not json',
      nginxText:
        'nginx access_log "{{format}}" in ConfigMap {{configMap}} key {{key}} is not a JSON log_format (escape=json)',
    },
  },
  check(context) {
    const report: Report = (r) => context.report(r);
    // A ConfigMap that several nginx containers mount is judged once.
    const nginxConfigs = new Set<BundleObject>();
    for (const { object, template, component } of componentWorkloads(
      context.bundle,
      context.settings,
    )) {
      for (const container of containersOf(template)) {
        if (component === "backend" || component === "frontend")
          checkApp(container, object, report);
        if (component === "prometheus") checkPrometheus(container, object, report);
        if (component === "nginx") {
          for (const configMap of mountedConfigMaps(container, context.bundle)) {
            nginxConfigs.add(configMap);
          }
        }
      }
    }
    for (const configMap of nginxConfigs) checkNginx(configMap, report);
  },
});

function checkApp(container: ContainerRef, object: BundleObject, report: Report) {
  const setting = literalSetting(container, SCOUT_LOG_FORMAT);
  if (!setting || setting.text.toLowerCase() === "json") return;
  report({
    messageId: "appText",
    data: { container: container.name, format: setting.text || '""' },
    object,
    pointer: joinPointer(setting.variable.pointer, "value"),
  });
}

/** `--log.format=X` or `--log.format X` in command or args; the last one wins, as in kingpin. */
function checkPrometheus(container: ContainerRef, object: BundleObject, report: Report) {
  let found: { format: string; pointer: string } | undefined;
  for (const list of ["command", "args"] as const) {
    const items = container.container[list];
    if (!Array.isArray(items)) continue;
    items.forEach((item, index) => {
      if (typeof item !== "string") return;
      const pointer = joinPointer(container.pointer, list, String(index));
      const flag = /^--?log\.format(?:=(.*))?$/.exec(item);
      if (!flag) return;
      const next = items[index + 1];
      const format = flag[1] ?? (typeof next === "string" ? next : undefined);
      if (format !== undefined) found = { format, pointer };
    });
  }
  if (!found || found.format.trim().toLowerCase() === "json") return;
  report({
    messageId: "prometheusText",
    data: { container: container.name, format: found.format },
    object,
    pointer: found.pointer,
  });
}

/** Every `access_log` of a ConfigMap nginx mounts must name a JSON log_format of that ConfigMap. */
function checkNginx(configMap: BundleObject, report: Report) {
  const data = configMap.value.data;
  if (!isRecord(data)) return;
  const texts = Object.values(data).filter((v): v is string => typeof v === "string");
  const jsonFormats = new Set(texts.flatMap(jsonLogFormats));
  for (const [key, text] of Object.entries(data)) {
    if (typeof text !== "string") continue;
    for (const format of accessLogFormats(text)) {
      if (jsonFormats.has(format)) continue;
      report({
        messageId: "nginxText",
        data: { format, configMap: configMap.ref.name ?? "", key },
        object: configMap,
        pointer: joinPointer("/data", key),
      });
    }
  }
}

function mountedConfigMaps(container: ContainerRef, bundle: Bundle): BundleObject[] {
  const namespace = effectiveNamespace(bundle, container.template.object);
  const mounts = container.container.volumeMounts;
  const volumes = container.template.spec.volumes;
  if (!Array.isArray(mounts) || !Array.isArray(volumes)) return [];
  const mounted = new Set(mounts.filter(isRecord).map((m) => m.name));
  const names = new Set<string>();
  for (const volume of volumes.filter(isRecord)) {
    if (!mounted.has(volume.name)) continue;
    for (const projection of configMapProjections(volume) ?? []) {
      if (typeof projection.name === "string") names.add(projection.name);
    }
  }
  return [...names].flatMap((name) => configMapsNamed(bundle, namespace, name));
}

/** nginx directives of a config text: [name, ...arguments], quotes kept, comments left out. */
function directives(text: string): string[][] {
  const statements: string[][] = [];
  let words: string[] = [];
  let word = "";
  let quote = "";
  const endWord = () => {
    if (word) words.push(word);
    word = "";
  };
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quote) {
      word += c;
      if (c === "\\") word += text[++i] ?? "";
      else if (c === quote) quote = "";
    } else if (c === "'" || c === '"') {
      word += c;
      quote = c;
    } else if (c === "#" && word === "") {
      while (i + 1 < text.length && text[i + 1] !== "\n") i++;
    } else if (c === ";" || c === "{" || c === "}") {
      endWord();
      if (words.length > 0) statements.push(words);
      words = [];
    } else if (/\s/.test(c)) endWord();
    else word += c;
  }
  return statements;
}

const unquoted = (word: string) => word.replace(/^(['"])(.*)\1$/, "$2");

/** The `log_format` names declared with `escape=json` (nginx then escapes values for JSON). */
function jsonLogFormats(text: string): string[] {
  return directives(text)
    .filter(([name, , escaping]) => name === "log_format" && escaping === "escape=json")
    .map(([, format]) => unquoted(format ?? ""));
}

/** The format each `access_log` writes with: `combined` when none is named; `off` logs nothing. */
function accessLogFormats(text: string): string[] {
  return directives(text)
    .filter(([name, path]) => name === "access_log" && path !== undefined && path !== "off")
    .map(([, , format]) =>
      format === undefined || format.includes("=") ? "combined" : unquoted(format),
    );
}
