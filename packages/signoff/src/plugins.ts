/** A rule pack of `policy.plugins`, by the name the config gives it and the digest of its code. */
export interface RecordedPlugin {
  name: string;
  digest: { sha256: string };
}

/** How the rule packs loaded now compare with those the record was signed with. */
export interface PluginCheck {
  ok: boolean;
  /** One line per pack that differs; empty when they all hold. */
  problems: string[];
  detail: string;
}

/**
 * A rule pack is code that judges the manifests: its config entry can stay the same while its
 * files change, so each pack loaded now must have the digest it had at sign-off. A record
 * without `plugins` was signed before they were recorded and speaks for no pack at all.
 */
export function checkPlugins(
  signed: readonly RecordedPlugin[] | undefined,
  current: readonly RecordedPlugin[],
): PluginCheck {
  if (signed === undefined) {
    return current.length === 0
      ? { ok: true, problems: [], detail: "no rule packs (policy.plugins)" }
      : {
          ok: false,
          problems: [
            `the record names no rule pack digests (signed before they were recorded), and ${names(current)} ${current.length === 1 ? "is" : "are"} loaded now: sign off again`,
          ],
          detail: "",
        };
  }
  const before = new Map(signed.map((p) => [p.name, p.digest.sha256]));
  const now = new Map(current.map((p) => [p.name, p.digest.sha256]));
  const problems: string[] = [];
  for (const [name, digest] of now) {
    const was = before.get(name);
    if (was === undefined) problems.push(`${name} is loaded now, but was not at sign-off`);
    else if (was !== digest) {
      problems.push(`${name} changed since sign-off: its code judges the manifests`);
    }
  }
  for (const name of before.keys()) {
    if (!now.has(name)) problems.push(`${name} was loaded at sign-off, and is not now`);
  }
  if (problems.length > 0) return { ok: false, problems, detail: "" };
  return {
    ok: true,
    problems,
    detail:
      current.length === 0
        ? "no rule packs (policy.plugins), as at sign-off"
        : `${names(current)} unchanged since sign-off`,
  };
}

function names(plugins: readonly RecordedPlugin[]): string {
  return plugins.map((p) => p.name).join(", ");
}
