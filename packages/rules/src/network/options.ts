import { escapeSegment, type PolicyConfig, type Settings } from "@scout-deploy/core";
import {
  NETWORK_SETTING_KEYS,
  type NetworkOptions,
  type NetworkSettings,
  networkOptionsSchema,
  networkSettingsSchema,
} from "@scout-deploy/netpol";
import { guideSettings } from "../settings.js";

type Key = (typeof NETWORK_SETTING_KEYS)[number];

/**
 * The rules whose options held the network settings before `policy.settings.network`, and the
 * keys each took. They still read them (deprecated): one value per key, whichever place sets it.
 */
export const LEGACY_NETWORK_OPTIONS: Readonly<Record<string, readonly Key[]>> = {
  "network/allowed-flows": ["flows", "externalAccess", "externalPort", "dns"],
  "network/no-broad-peers": ["externalAccess", "externalPort", "dns"],
  "network/external-exposure": ["externalAccess"],
};

/** One place a network key is written: `policy.settings.network.<key>` or a rule's option. */
interface Written {
  key: Key;
  value: unknown;
  /** JSON Pointer into the config file. */
  pointer: string;
  /** How messages name it: `policy.settings.network.externalAccess`. */
  name: string;
  ruleId?: string;
}

/**
 * Every place the policy writes a network key, the shared settings first. `optionsOf` gives a
 * rule's options (as written, or after its schema); values are compared after the settings'
 * schema, so `dns` written in part equals the same written in full with the defaults.
 */
function writtenNetworkKeys(
  settings: Settings,
  optionsOf: (ruleId: string) => Readonly<Record<string, unknown>>,
): Written[] {
  const written: Written[] = [];
  const shared: NetworkSettings = guideSettings(settings).network;
  for (const key of NETWORK_SETTING_KEYS) {
    if (shared[key] !== undefined)
      written.push({
        key,
        value: shared[key],
        pointer: `/policy/settings/network/${key}`,
        name: `policy.settings.network.${key}`,
      });
  }
  for (const [ruleId, keys] of Object.entries(LEGACY_NETWORK_OPTIONS)) {
    const options = optionsOf(ruleId);
    for (const key of keys) {
      if (options[key] === undefined) continue;
      const parsed = networkSettingsSchema.safeParse({ [key]: options[key] });
      written.push({
        key,
        value: parsed.success ? parsed.data[key] : options[key],
        pointer: `/policy/rules/${escapeSegment(ruleId)}/options/${key}`,
        name: `policy.rules."${ruleId}".options.${key}`,
        ruleId,
      });
    }
  }
  return written;
}

/**
 * The network settings every network rule and report reads: `policy.settings.network`, else
 * the deprecated per-rule option that sets the key, else the default. One value for all, so
 * that no two rules judge by different tables.
 */
export function resolveNetworkOptions(
  settings: Settings,
  optionsOf: (ruleId: string) => Readonly<Record<string, unknown>>,
): NetworkOptions {
  const chosen: Partial<Record<Key, unknown>> = {};
  for (const place of writtenNetworkKeys(settings, optionsOf))
    if (!(place.key in chosen)) chosen[place.key] = place.value;
  return networkOptionsSchema.parse(chosen);
}

/** The network settings of a run, from a rule's context. */
export function networkOptions(context: {
  settings: Settings;
  ruleOptions(ruleId: string): Record<string, unknown>;
}): NetworkOptions {
  return resolveNetworkOptions(context.settings, (id) => context.ruleOptions(id));
}

/** The network settings of a policy (reports and comparisons outside a rule). */
export function networkOptionsOfPolicy(policy: PolicyConfig): NetworkOptions {
  return resolveNetworkOptions(policy.settings, (id) => rawOptions(policy, id));
}

export interface NetworkSettingsProblem {
  /** "conflict": two places give one key different values; "deprecated": a rule option. */
  kind: "conflict" | "deprecated";
  pointer: string;
  message: string;
}

/**
 * What the config's network keys need said: two places that disagree on a key (an error, as
 * ESLint's shared settings would have one value), and each deprecated per-rule option.
 */
export function networkSettingsProblems(policy: PolicyConfig): NetworkSettingsProblem[] {
  const written = writtenNetworkKeys(policy.settings, (id) => rawOptions(policy, id));
  const problems: NetworkSettingsProblem[] = [];
  for (const place of written) {
    const first = written.find((w) => w.key === place.key)!;
    if (first !== place && JSON.stringify(first.value) !== JSON.stringify(place.value))
      problems.push({
        kind: "conflict",
        pointer: place.pointer,
        message: `${place.name} is ${JSON.stringify(place.value)} but ${first.name} is ${JSON.stringify(first.value)}: the network rules share one value; set it once, in policy.settings.network.${place.key}`,
      });
    else if (place.ruleId)
      problems.push({
        kind: "deprecated",
        pointer: place.pointer,
        message: `${place.name} is deprecated: set policy.settings.network.${place.key} once for every network rule`,
      });
  }
  return problems;
}

function rawOptions(policy: PolicyConfig, ruleId: string): Readonly<Record<string, unknown>> {
  const setting = policy.rules[ruleId];
  return typeof setting === "object" && setting.options ? setting.options : {};
}
