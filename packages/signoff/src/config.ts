import { createHash } from "node:crypto";
import { isRecord, parseSource } from "@scout-deploy/core";

const sha256Hex = (content: string | Uint8Array) =>
  createHash("sha256").update(content).digest("hex");

/** The config's sections and what each decides: `scout:` what is rendered, `policy:` how it is judged. */
export const CONFIG_SECTIONS = {
  scout: "what is rendered",
  policy: "how the manifests are judged",
} as const;
export type ConfigSection = keyof typeof CONFIG_SECTIONS;

/** The sha256 of each section a config file has, over its meaning (keys sorted, comments and layout left out). */
export type ConfigSectionDigests = Partial<Record<ConfigSection, { sha256: string }>>;

/** The digests of a config file's sections; undefined when it is no YAML mapping. */
export function configSectionDigests(
  content: string | Uint8Array,
): ConfigSectionDigests | undefined {
  const text = typeof content === "string" ? content : Buffer.from(content).toString("utf8");
  const parsed = parseSource("config", text, undefined, "yaml");
  const value = parsed.documents[0]?.value;
  if (parsed.problems.length > 0 || parsed.documents.length !== 1 || !isRecord(value)) {
    return undefined;
  }
  const digests: ConfigSectionDigests = {};
  for (const section of Object.keys(CONFIG_SECTIONS) as ConfigSection[]) {
    if (value[section] !== undefined) {
      digests[section] = { sha256: sha256Hex(canonicalJson(value[section])) };
    }
  }
  return digests;
}

/** JSON with every object's keys sorted: the same meaning always gives the same text. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  if (isRecord(value)) {
    const keys = Object.keys(value).sort();
    return `{${keys.map((key) => `${JSON.stringify(key)}:${canonicalJson(value[key])}`).join(",")}}`;
  }
  return JSON.stringify(value) ?? "null";
}

/** The config file that is used now, as verify sees it; null when there is none. */
export type CurrentConfig = { name: string; content: string | Uint8Array } | null;

/** How the config used now compares with the one the record was signed with. */
export interface ConfigCheck {
  ok: boolean;
  detail: string;
}

interface SignedConfig {
  configDigest?: { sha256: string } | null;
  configSections?: ConfigSectionDigests;
}

/**
 * The config decides what is rendered and how it is judged, so a record speaks for the config it
 * was signed with only. A change of comments or layout alone is no change; a changed section is
 * named, and so is a config added or removed since.
 */
export function checkConfig(signed: SignedConfig, current: CurrentConfig): ConfigCheck {
  const before = signed.configDigest ?? null;
  if (current === null) {
    return before === null
      ? { ok: true, detail: "no config file, as at sign-off" }
      : {
          ok: false,
          detail:
            "the record was signed with a config file, and none is used now: the sign-off judged with another config",
        };
  }
  if (before === null) {
    return {
      ok: false,
      detail: `${current.name} is used now, but the record was signed without a config file`,
    };
  }
  if (before.sha256 === sha256Hex(current.content)) {
    return { ok: true, detail: `${current.name} is the signed one` };
  }
  const now = configSectionDigests(current.content);
  if (!signed.configSections || !now) {
    return {
      ok: false,
      detail: `${current.name} changed since sign-off (the record names no sections to tell which)`,
    };
  }
  const changed = (Object.keys(CONFIG_SECTIONS) as ConfigSection[]).filter(
    (section) => signed.configSections?.[section]?.sha256 !== now[section]?.sha256,
  );
  if (changed.length === 0) {
    return { ok: true, detail: `${current.name} differs only in comments or layout` };
  }
  const which = changed.map((section) => `${section} (${CONFIG_SECTIONS[section]})`).join(", ");
  return { ok: false, detail: `${current.name} changed since sign-off: ${which}` };
}
