import {
  type AnyRule,
  type Bundle,
  type BundleObject,
  type ConfigSuppression,
  clusterIdentity,
  effectiveNamespace,
  escapeSegment,
  evaluate,
  type Finding,
  fingerprintOf,
  formatMessage,
  getAtPointer,
  IGNORE_ANNOTATION,
  inputRules,
  isRecord,
  joinPointer,
  type MessageData,
  matchesRuleId,
  type PolicyConfig,
  type Position,
  parseIgnoreAnnotation,
  podTemplateOf,
  type RuleSetting,
  type Severity,
} from "@scout-deploy/core";
import { guideSettings } from "@scout-deploy/rules";
import { defaultConfigPolicy, type LoadedConfig } from "./config-file.js";
import { policyWeakened } from "./rules/policy-weakened/rule.js";

/** One side of the comparison, as far as its policy goes. */
export interface PolicySide {
  config?: LoadedConfig;
  bundle: Bundle;
}

interface Weakening {
  messageId: keyof typeof policyWeakened.meta.messages;
  data: MessageData;
  /** Where it was written: a pointer into the head's config, or a place in a manifest. */
  at: { pointer: string } | { position: Position; object: BundleObject; path: string };
  /** Tells apart weakenings at one place. */
  key: string;
}

type Level = Severity | "off";
const LEVEL_RANK: Record<Level, number> = { off: 0, info: 1, warning: 2, error: 3 };
/** How strict a threshold is: failing on info is the strictest, never the loosest. */
const FAIL_ON_STRICTNESS = { info: 3, warning: 2, error: 1, never: 0 } as const;

/**
 * How the head's policy is weaker than the base's, each change a `policy/weakened` finding at
 * the config line (or annotation) that made it. The base's setting of policy/weakened decides
 * the severity: a change cannot turn off the report of itself.
 */
export function policyWeakenings(
  base: PolicySide,
  head: PolicySide,
  rules: readonly AnyRule[],
  /** Rule packs both sides name whose code the head changed (plugin-changes.ts). */
  changedPlugins: readonly string[] = [],
): Finding[] {
  // A side without a config file runs on the built-in packs' defaults, as loadConfig gives them.
  const basePolicy = base.config?.policy ?? defaultConfigPolicy();
  const severity = levelOf(policyWeakened, basePolicy);
  if (severity === "off") return [];
  const removed = base.config?.path !== undefined && head.config?.path === undefined;
  const headPolicy = head.config?.policy ?? defaultConfigPolicy();
  const weakenings = removed
    ? [configRemoved(base.config!)]
    : [
        ...loweredRules(basePolicy, headPolicy, rules),
        ...relaxedThresholds(basePolicy, headPolicy),
        ...widenedSuppressions(basePolicy.suppressions, headPolicy.suppressions),
        ...removedPlugins(basePolicy.plugins, headPolicy.plugins),
        ...addedPlugins(basePolicy.plugins, headPolicy.plugins),
        ...changedPlugins.map(
          (plugin): Weakening => ({
            messageId: "pluginChanged",
            data: { plugin },
            at: { pointer: `/policy/plugins/${Math.max(0, headPolicy.plugins.indexOf(plugin))}` },
            key: plugin,
          }),
        ),
        ...relaxedSettings(basePolicy, headPolicy),
      ];
  if (!removed) weakenings.push(...hidingChanges(basePolicy, headPolicy, head.bundle, rules));
  if (headPolicy.allowAnnotationSuppressions) {
    weakenings.push(...newIgnoreAnnotations(base.bundle, head.bundle));
  }
  const config = removed ? base.config! : (head.config ?? base.config);
  return weakenings.map((w) => toFinding(w, severity, config));
}

function toFinding(
  weakening: Weakening,
  severity: Severity,
  config: LoadedConfig | undefined,
): Finding {
  const rule = policyWeakened;
  const message = formatMessage(rule, weakening.messageId, weakening.data);
  const at = weakening.at;
  const position =
    "position" in at ? at.position : (config?.locate?.(at.pointer) ?? shownFile(config));
  const path = "path" in at ? at.path : at.pointer;
  const object = "object" in at ? at.object.ref : undefined;
  const finding: Finding = {
    ruleId: rule.id,
    severity,
    message,
    ...(object ? { object } : {}),
    file: position.file,
    line: position.line,
    column: position.column,
    ...(position.endLine !== undefined && position.endColumn !== undefined
      ? { endLine: position.endLine, endColumn: position.endColumn }
      : {}),
    path,
    remediation: rule.meta.remediation,
    ...(rule.meta.docs ? { helpUri: rule.meta.docs } : {}),
  };
  finding.fingerprint = fingerprintOf({
    ruleId: rule.id,
    ...(object ? { object } : { file: position.file }),
    path,
    key: `${weakening.messageId}\u0001${weakening.key}`,
  });
  return finding;
}

function shownFile(config: LoadedConfig | undefined): Position {
  const file = config?.locate?.("").file ?? config?.path ?? "scout-deploy.yaml";
  return { file, line: 1, column: 1 };
}

/** A rule's setting: its own id first, then its area ("pod/*"), then "*" (as evaluate reads it). */
function settingKey(ruleId: string, policy: PolicyConfig): string | undefined {
  const area = `${ruleId.split("/")[0]}/*`;
  if (policy.rules[ruleId] !== undefined) return ruleId;
  if (policy.rules[area] !== undefined) return area;
  const builtIn = ruleId.startsWith("input/") || ruleId.startsWith("suppression/");
  return !builtIn && policy.rules["*"] !== undefined ? "*" : undefined;
}

function levelOf(rule: AnyRule, policy: PolicyConfig): Level {
  const key = settingKey(rule.id, policy);
  const setting: RuleSetting | undefined = key === undefined ? undefined : policy.rules[key];
  if (typeof setting === "string") return setting;
  return setting?.severity ?? rule.meta.severity;
}

function loweredRules(base: PolicyConfig, head: PolicyConfig, rules: readonly AnyRule[]) {
  const byKey = new Map<string, string[]>();
  for (const rule of rules) {
    if (LEVEL_RANK[levelOf(rule, head)] >= LEVEL_RANK[levelOf(rule, base)]) continue;
    const key = settingKey(rule.id, head) ?? "";
    byKey.set(key, [...(byKey.get(key) ?? []), rule.id]);
  }
  return [...byKey].map(([key, ids]): Weakening => {
    const setting = key ? `policy.rules."${key}"` : "removing the base's rule setting";
    return {
      messageId: "ruleLowered",
      data: { setting, count: ids.length, rules: listed(ids) },
      at: { pointer: key ? `/policy/rules/${escapeSegment(key)}` : "/policy/rules" },
      key,
    };
  });
}

function relaxedThresholds(base: PolicyConfig, head: PolicyConfig): Weakening[] {
  const found: Weakening[] = [];
  if (FAIL_ON_STRICTNESS[head.failOn] < FAIL_ON_STRICTNESS[base.failOn]) {
    found.push({
      messageId: "failOn",
      data: { base: base.failOn, head: head.failOn },
      at: { pointer: "/policy/failOn" },
      key: "",
    });
  }
  if (head.allowAnnotationSuppressions && !base.allowAnnotationSuppressions) {
    found.push({
      messageId: "annotations",
      data: {},
      at: { pointer: "/policy/allowAnnotationSuppressions" },
      key: "",
    });
  }
  return found;
}

function relaxedSettings(base: PolicyConfig, head: PolicyConfig): Weakening[] {
  const found: Weakening[] = [];
  const relaxed = (name: string, from: unknown, to: unknown) =>
    found.push({
      messageId: "setting",
      data: { name, base: String(from), head: String(to) },
      at: { pointer: `/policy/settings/${name}` },
      key: name,
    });
  if (base.settings.profile === "production" && head.settings.profile !== "production") {
    relaxed("profile", base.settings.profile, head.settings.profile);
  }
  const baseAuth = guideSettings(base.settings).redisAuth;
  const headAuth = guideSettings(head.settings).redisAuth;
  if (baseAuth && !headAuth) relaxed("redisAuth", baseAuth, headAuth);
  return found;
}

/**
 * Settings and rule options change what a rule looks for in ways no ranking of values can tell
 * (`components` without "backend" leaves the backend unjudged, `expectedUid: 0` expects root,
 * `writablePaths: ["/"]` allows every mount). So their effect is measured: the head's manifests
 * judged with the base's values for the changed ones (profile and redisAuth, ranked above, keep
 * the head's). Every finding that then appears and the head's values hide is the weakening.
 */
function hidingChanges(
  base: PolicyConfig,
  head: PolicyConfig,
  bundle: Bundle,
  rules: readonly AnyRule[],
): Weakening[] {
  const ranked = new Set(["profile", "redisAuth"]);
  const settings = changedKeys(base.settings, head.settings).filter((key) => !ranked.has(key));
  const options = changedKeys(optionsOf(base), optionsOf(head));
  if (!settings.length && !options.length) return [];
  const asBase: PolicyConfig = {
    ...head,
    settings: { ...head.settings, ...pick(base.settings, settings) },
    rules: withOptions(head.rules, optionsOf(base), options),
  };
  const own = rules.filter((rule) => !inputRules.includes(rule));
  const shown = new Set(evaluate(own, bundle, head).findings.map(placeOf));
  const hidden = evaluate(own, bundle, asBase).findings.filter((f) => !shown.has(placeOf(f)));
  if (!hidden.length) return [];
  // A mapping of settings (network) is named down to the keys that changed, the lines edited.
  const changedSettings = settings.flatMap((key) => {
    const [from, to] = [base.settings[key], head.settings[key]];
    const inner = isRecord(from) && isRecord(to) ? changedKeys(from, to) : [];
    return inner.length ? inner.map((k) => [key, k]) : [[key]];
  });
  const names = [
    ...changedSettings.map((path) => `policy.settings.${path.join(".")}`),
    ...options.map((key) => `policy.rules."${key}".options`),
  ];
  // The line edited: a changed key the head writes (one it deleted has no line of its own).
  const pointers = [
    ...changedSettings.map((path) => ({
      pointer: `/policy/settings/${path.map(escapeSegment).join("/")}`,
      written: getAtPointer(head.settings, `/${path.map(escapeSegment).join("/")}`) !== undefined,
    })),
    ...options.map((key) => ({
      pointer: `/policy/rules/${escapeSegment(key)}`,
      written: optionsOf(head)[key] !== undefined,
    })),
  ];
  const first = (pointers.find((p) => p.written) ?? pointers[0]!).pointer;
  return [
    {
      messageId: "hides",
      data: {
        names: names.join(", "),
        count: hidden.length,
        rules: listed([...new Set(hidden.map((f) => f.ruleId))]),
      },
      at: { pointer: first },
      key: names.join(","),
    },
  ];
}

function changedKeys(
  base: Readonly<Record<string, unknown>>,
  head: Readonly<Record<string, unknown>>,
): string[] {
  const keys = new Set([...Object.keys(base), ...Object.keys(head)]);
  return [...keys].filter((key) => JSON.stringify(base[key]) !== JSON.stringify(head[key])).sort();
}

function pick(values: Readonly<Record<string, unknown>>, keys: readonly string[]) {
  return Object.fromEntries(keys.map((key) => [key, values[key]]));
}

function optionsOf(policy: PolicyConfig): Record<string, unknown> {
  const options: Record<string, unknown> = {};
  for (const [key, setting] of Object.entries(policy.rules)) {
    if (typeof setting === "object" && setting.options !== undefined)
      options[key] = setting.options;
  }
  return options;
}

/** The head's rule settings, with the base's options for the keys named. */
function withOptions(
  rules: PolicyConfig["rules"],
  baseOptions: Readonly<Record<string, unknown>>,
  keys: readonly string[],
): PolicyConfig["rules"] {
  const merged: Record<string, RuleSetting> = { ...rules };
  for (const key of keys) {
    const setting = merged[key];
    const severity = typeof setting === "string" ? setting : setting?.severity;
    const options = baseOptions[key] as Record<string, unknown> | undefined;
    merged[key] = { ...(severity ? { severity } : {}), ...(options ? { options } : {}) };
  }
  return merged;
}

/** A finding's place, without its message (which may quote the setting that changed). */
function placeOf(finding: Finding): string {
  const { kind, namespace, name } = finding.object ?? {};
  return [
    finding.ruleId,
    finding.file,
    finding.line,
    finding.column,
    finding.path,
    kind,
    namespace,
    name,
  ].join("\u0000");
}

/** A head suppression is a weakening unless one base entry already covered all it covers. */
function widenedSuppressions(
  base: readonly ConfigSuppression[],
  head: readonly ConfigSuppression[],
): Weakening[] {
  return head.flatMap((entry, index): Weakening[] => {
    if (base.some((old) => covers(old, entry))) return [];
    const related = base.some((old) => entry.rules.some((p) => old.rules.includes(p)));
    return [
      {
        messageId: related ? "suppressionWidened" : "suppressionAdded",
        data: { rules: entry.rules.join(", "), reason: entry.reason },
        at: { pointer: `/policy/suppressions/${index}` },
        key: [...entry.rules].sort().join(","),
      },
    ];
  });
}

function covers(old: ConfigSuppression, entry: ConfigSuppression): boolean {
  const rulesCovered = entry.rules.every((pattern) => coveredBy(pattern, old.rules));
  const listCovered = (o?: string[], n?: string[]) =>
    o === undefined || (n?.every((item) => o.includes(item)) ?? false);
  const expiryCovered =
    old.expires === undefined || (entry.expires !== undefined && entry.expires <= old.expires);
  return (
    rulesCovered &&
    listCovered(old.objects, entry.objects) &&
    listCovered(old.files, entry.files) &&
    expiryCovered
  );
}

/** "pod/x" and "pod/*" are covered by "pod/*" and by "*"; "*" only by "*". */
function coveredBy(pattern: string, patterns: readonly string[]): boolean {
  return patterns.some((old) => matchesRuleId(pattern, old));
}

function removedPlugins(base: readonly string[], head: readonly string[]): Weakening[] {
  return base
    .filter((plugin) => !head.includes(plugin))
    .map((plugin) => ({
      messageId: "pluginRemoved" as const,
      data: { plugin },
      at: { pointer: head.length ? "/policy/plugins" : "/policy" },
      key: plugin,
    }));
}

/**
 * A rule pack is code, and a pack the pull request adds ran inside this very check: it could
 * have changed any result. A pass is worth no more than a review of that code.
 */
function addedPlugins(base: readonly string[], head: readonly string[]): Weakening[] {
  return head.flatMap((plugin, index): Weakening[] =>
    base.includes(plugin)
      ? []
      : [
          {
            messageId: "pluginAdded",
            data: { plugin },
            at: { pointer: `/policy/plugins/${index}` },
            key: plugin,
          },
        ],
  );
}

function configRemoved(config: LoadedConfig): Weakening {
  return {
    messageId: "configRemoved",
    data: { file: shownFile(config).file },
    at: { pointer: "" },
    key: "",
  };
}

interface IgnoreAnnotation {
  object: BundleObject;
  /** Where the object lands: spelling out `namespace: default` keeps it the same object. */
  namespace: string | undefined;
  path: string;
  patterns: string[];
}

/** Annotations the head has where the base had none on that object, or one naming fewer rules. */
function newIgnoreAnnotations(base: Bundle, head: Bundle): Weakening[] {
  const before = new Map<string, string[]>();
  for (const a of ignoreAnnotations(base)) before.set(annotationKey(a), a.patterns);
  return ignoreAnnotations(head).flatMap((annotation): Weakening[] => {
    const old = before.get(annotationKey(annotation)) ?? [];
    const added = annotation.patterns.filter((p) => !coveredBy(p, old));
    if (!added.length) return [];
    const { object, path } = annotation;
    return [
      {
        messageId: "ignoreAnnotation",
        data: { rules: added.join(", "), object: describe(annotation) },
        at: { position: object.document.locate(object.pointer + path), object, path },
        key: [...added].sort().join(","),
      },
    ];
  });
}

function ignoreAnnotations(bundle: Bundle): IgnoreAnnotation[] {
  const found: IgnoreAnnotation[] = [];
  for (const object of bundle.objects) {
    const namespace = effectiveNamespace(bundle, object);
    const template = podTemplateOf(object);
    const places = [
      { metadata: object.value.metadata, pointer: "/metadata" },
      ...(template ? [{ metadata: template.metadata, pointer: template.metadataPointer }] : []),
    ];
    // A Pod is its own template: its metadata is one place, not two.
    if (places[1]?.pointer === "/metadata") places.pop();
    for (const place of places) {
      const annotations = isRecord(place.metadata) ? place.metadata.annotations : undefined;
      const raw = isRecord(annotations) ? annotations[IGNORE_ANNOTATION] : undefined;
      if (raw === undefined) continue;
      const parsed = parseIgnoreAnnotation(raw);
      if (typeof parsed === "string") continue;
      const path = joinPointer(place.pointer, "annotations", IGNORE_ANNOTATION);
      found.push({ object, namespace, path, patterns: parsed.patterns });
    }
  }
  return found;
}

function annotationKey({ object, namespace, path }: IgnoreAnnotation): string {
  // The object as the cluster knows it: a Deployment moved to apps/v1 keeps its annotation.
  return [clusterIdentity({ ...object.ref, namespace }), path].join("\u0000");
}

function describe({ object, namespace }: IgnoreAnnotation): string {
  const { kind, name } = object.ref;
  return `${kind ?? "object"} ${namespace ? `${namespace}/` : ""}${name ?? ""}`;
}

function listed(ids: readonly string[]): string {
  return ids.length > 5
    ? `${ids.slice(0, 5).join(", ")} and ${ids.length - 5} more`
    : ids.join(", ");
}
