import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import {
  type Bundle,
  ConfigurationError,
  compareFindings,
  type FailOn,
  type Finding,
  isRecord,
  type Result,
  SEVERITIES,
  summarize,
} from "@scout-deploy/core";
import { displayPath } from "@scout-deploy/loader";
import { type BaseRendering, runBaseCheck } from "./base.js";
import type { CheckOptions, CheckRun } from "./check.js";
import { compareResults } from "./compare.js";
import type { LoadedConfig } from "./config-file.js";
import { snapshotAt } from "./git.js";
import { changedLocalPlugins } from "./plugin-changes.js";
import { policyWeakenings } from "./policy-diff.js";

/** Where the base comes from: a git ref rendered in this run, or an earlier `--format json`. */
export type BaseSource = { ref: string } | { baselineFile: string };

export type BaseSide =
  | { kind: "git"; ref: string; commit: string; bundle: Bundle; config?: LoadedConfig }
  | { kind: "file"; path: string };

export interface ComparedRun {
  /** The head's run, untouched: the whole bundle judged (what sign-off records). */
  head: CheckRun;
  /**
   * The head's findings (and policy/weakened ones) each marked new or unchanged, the base's
   * fixed ones, and a summary whose `passed` is decided on new findings only.
   */
  result: Result;
  base: BaseSide;
  /** What the reader should know about how the base was read. */
  notices: string[];
}

/** Compares the head's run with its base: what this change adds, fixes and weakens. */
export async function compareWithBase(
  head: CheckRun,
  source: BaseSource,
  options: CheckOptions,
  rendering: BaseRendering = {},
): Promise<ComparedRun> {
  if ("baselineFile" in source) {
    const findings = readBaselineFile(source.baselineFile, options.cwd);
    return {
      head,
      result: comparedResult(head.result, findings, [], false),
      base: { kind: "file", path: source.baselineFile },
      notices: [],
    };
  }
  const base = await runBaseCheck(head, source.ref, options, rendering);
  const weakened = policyWeakenings(
    { bundle: base.bundle, ...(base.config ? { config: base.config } : {}) },
    { bundle: head.bundle, config: head.config },
    head.rules,
    head.config.policy.plugins.length
      ? changedLocalPlugins(head.config, base.config, snapshotAt(options.cwd, base.commit))
      : [],
  );
  const failOn = options.failOn ?? stricterFailOn(head.result.failOn, base.config?.policy.failOn);
  return {
    head,
    result: comparedResult({ ...head.result, failOn }, base.result.findings, weakened),
    base: {
      kind: "git",
      ref: source.ref,
      commit: base.commit,
      bundle: base.bundle,
      ...(base.config ? { config: base.config } : {}),
    },
    notices: [base.configProblem, base.renderProblem].filter((notice) => notice !== undefined),
  };
}

const FAIL_ON_STRICTNESS: Record<FailOn, number> = { never: 0, error: 1, warning: 2, info: 3 };

/**
 * The threshold a pull request is judged at when the caller set none: the base's, unless the
 * head's is stricter. A head that relaxes `policy.failOn` (to `never`) is a policy/weakened
 * error, which its own threshold would otherwise let pass.
 */
function stricterFailOn(head: FailOn, base: FailOn = "error"): FailOn {
  return FAIL_ON_STRICTNESS[base] > FAIL_ON_STRICTNESS[head] ? base : head;
}

/** `baseMerges`: the base says what its merged findings stood for (a run, not a JSON report). */
function comparedResult(
  head: Result,
  base: readonly Finding[],
  weakened: Finding[],
  baseMerges = true,
): Result {
  const findings = [...head.findings, ...weakened].sort(compareFindings);
  const comparison = compareResults(base, { ...head, findings }, head.failOn, baseMerges);
  const counts = {
    files: head.summary.files,
    objects: head.summary.objects,
    suppressed: head.summary.suppressed,
  };
  const summary = summarize(comparison.findings, counts, head.failOn);
  return {
    ...head,
    findings: comparison.findings,
    fixed: comparison.fixed,
    summary: { ...summary, ...comparison.summary },
  };
}

/** The findings of an earlier `check --format json`; anything else is refused with its place. */
export function readBaselineFile(path: string, cwd: string): Finding[] {
  const absolute = resolve(cwd, path);
  const shown = displayPath(absolute, cwd);
  let text: string;
  try {
    text = readFileSync(absolute, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new ConfigurationError(`--baseline ${shown}: cannot be read${code ? ` (${code})` : ""}`);
  }
  return parseBaseline(text, shown);
}

export function parseBaseline(text: string, shown: string): Finding[] {
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch (error) {
    throw new ConfigurationError(`--baseline ${shown}: not JSON (${(error as Error).message})`);
  }
  if (!isRecord(document) || document.version !== 1 || !Array.isArray(document.findings)) {
    throw new ConfigurationError(
      `--baseline ${shown}: not a scout-deploy --format json report (version 1 with a findings list)`,
    );
  }
  return document.findings.map((entry, index) =>
    baselineFinding(entry, `${shown}: findings[${index}]`),
  );
}

function baselineFinding(entry: unknown, where: string): Finding {
  const fail = (what: string) => {
    throw new ConfigurationError(`--baseline ${where}: ${what}`);
  };
  if (!isRecord(entry)) return fail("not an object");
  for (const key of ["ruleId", "message", "file"] as const) {
    if (typeof entry[key] !== "string") fail(`"${key}" must be a string`);
  }
  if (!SEVERITIES.includes(entry.severity as never))
    fail(`"severity" must be one of ${SEVERITIES.join(", ")}`);
  if (entry.fingerprint !== undefined && typeof entry.fingerprint !== "string") {
    fail('"fingerprint" must be a string');
  }
  return entry as unknown as Finding;
}
