import { createHash } from "node:crypto";
import { isAbsolute, relative, resolve, sep } from "node:path";
import { type FailOn, failsAt, type Result, type Severity } from "@scout-deploy/core";
import { type ConfigSectionDigests, configSectionDigests } from "./config.js";
import type { RecordedPlugin } from "./plugins.js";

export const STATEMENT_TYPE = "https://in-toto.io/Statement/v1";
/** Versioned: a change that breaks readers gets /v2. */
export const PREDICATE_TYPE = "https://scout-deploy.dev/signoff/v1";

/** A file that was checked (or is about to be applied), with its exact bytes. */
export interface SignedFile {
  path: string;
  content: string | Uint8Array;
}

export interface Subject {
  name: string;
  digest: { sha256: string };
}

export interface GitHubContext {
  repository: string;
  pullRequest?: number;
  headSha: string;
  runUrl: string;
}

/** What the run knew besides its Result: the caller (CLI or Action) fills it in. */
export interface SignoffContext {
  tool: { name: string; version: string };
  rulePacks: { name: string; version: string }[];
  /** The Kubernetes version schemas were checked against; null when none was set. */
  kubernetesVersion: string | null;
  /** The config file's bytes, when there was one; only its digest is recorded. */
  config?: string | Uint8Array;
  /** The rule packs of `policy.plugins` that ran, by the digest of their code. */
  plugins?: readonly RecordedPlugin[];
  github?: GitHubContext;
  /** ISO 8601 time of the check; left out when not given, for reproducible records. */
  checkedAt?: string;
  /** How the pull request's gate judged; the record itself always judges the whole bundle. */
  gate?: PullRequestGate;
  /** The paths the check was given (relative to the working folder): verify must walk the same. */
  paths?: readonly string[];
}

/** The pull request gate beside the record: on the whole bundle, or on what the change adds. */
export type PullRequestGate =
  | { mode: "whole" }
  | { mode: "diff"; base: string; new: number; fixed: number; passed: boolean };

export interface SignoffPredicate {
  tool: { name: string; version: string };
  rulePacks: { name: string; version: string }[];
  kubernetesVersion: string | null;
  configDigest: { sha256: string } | null;
  /**
   * The digest of each section of the config (`scout:`, `policy:`) over its meaning, so that
   * verify can say which one changed since; absent without a config file.
   */
  configSections?: ConfigSectionDigests;
  /**
   * The rule packs of `policy.plugins` that judged, by the digest of their code (their config
   * entry can stay while their files change); absent in records signed before they were.
   */
  plugins?: RecordedPlugin[];
  /** What the verdict judged: always the whole bundle (a diff is never signed off). */
  scope: "whole";
  verdict: "pass" | "fail";
  failOn: FailOn;
  findings: Record<Severity, number> & { total: number };
  /** Whether the pull request's gate was a diff against the base, and what it said. */
  gate?: PullRequestGate;
  suppressions: RecordedSuppression[];
  github?: GitHubContext;
  checkedAt?: string;
  /**
   * The paths the check walked, as given: a file added to a signed folder is only seen when
   * verify walks that folder too. Absent in records signed before they were recorded.
   */
  paths?: string[];
}

export interface RecordedSuppression {
  ruleId: string;
  file: string;
  line: number;
  object?: string;
  source: "annotation" | "config";
  reason: string;
}

export interface Statement {
  _type: typeof STATEMENT_TYPE;
  subject: Subject[];
  predicateType: typeof PREDICATE_TYPE;
  predicate: SignoffPredicate;
}

export function sha256Hex(content: string | Uint8Array): string {
  return createHash("sha256").update(content).digest("hex");
}

/** The name a file is recorded under: relative to `cwd`, with forward slashes. */
export function subjectName(path: string, cwd = process.cwd()): string {
  const rel = isAbsolute(path) ? relative(cwd, path) : path;
  return rel.split(sep).join("/").replace(/^\.\//, "");
}

/** Subjects sorted by name, so the same files always give the same statement. */
export function subjectsOf(files: readonly SignedFile[], cwd?: string): Subject[] {
  return files
    .map((file) => ({
      name: subjectName(file.path, cwd),
      digest: { sha256: sha256Hex(file.content) },
    }))
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

export function buildStatement(
  files: readonly SignedFile[],
  result: Result,
  context: SignoffContext,
  cwd?: string,
): Statement {
  return {
    _type: STATEMENT_TYPE,
    subject: subjectsOf(files, cwd),
    predicateType: PREDICATE_TYPE,
    predicate: buildPredicate(result, context),
  };
}

function buildPredicate(result: Result, context: SignoffContext): SignoffPredicate {
  const predicate: SignoffPredicate = {
    tool: { ...context.tool },
    rulePacks: context.rulePacks.map((p) => ({ ...p })),
    kubernetesVersion: context.kubernetesVersion,
    configDigest: context.config === undefined ? null : { sha256: sha256Hex(context.config) },
    scope: "whole",
    verdict: wholeVerdict(result),
    failOn: result.failOn,
    findings: { ...result.summary.bySeverity, total: result.summary.findings },
    suppressions: result.suppressed.map((f) => {
      const entry: RecordedSuppression = {
        ruleId: f.ruleId,
        file: f.file,
        line: f.line,
        source: f.suppression.source,
        reason: f.suppression.reason,
      };
      if (f.object?.kind && f.object.name) entry.object = describeObject(f.object);
      return entry;
    }),
  };
  const sections = context.config === undefined ? undefined : configSectionDigests(context.config);
  if (sections) predicate.configSections = sections;
  if (context.plugins) {
    predicate.plugins = context.plugins.map((p) => ({ name: p.name, digest: { ...p.digest } }));
  }
  if (context.github) predicate.github = { ...context.github };
  if (context.checkedAt) predicate.checkedAt = context.checkedAt;
  if (context.gate) predicate.gate = { ...context.gate };
  if (context.paths) predicate.paths = [...context.paths];
  return predicate;
}

/**
 * Every finding of the bundle at the threshold, never a comparison's `passed` (which counts
 * only what a pull request adds): a record signs off what will be applied, all of it.
 */
function wholeVerdict(result: Result): "pass" | "fail" {
  return result.findings.some((f) => failsAt(f.severity, result.failOn)) ? "fail" : "pass";
}

function describeObject(ref: { kind?: string; namespace?: string; name?: string }): string {
  return [ref.kind, ref.namespace, ref.name].filter(Boolean).join("/");
}

/**
 * The GitHub facts from an Actions run: `env` is process.env, `event` the parsed
 * GITHUB_EVENT_PATH file. Undefined outside Actions. For a pull request the head SHA is the
 * PR's head commit, not the merge commit in GITHUB_SHA.
 */
export function githubContextFromEnv(
  env: Record<string, string | undefined>,
  event?: unknown,
): GitHubContext | undefined {
  const repository = env.GITHUB_REPOSITORY;
  if (env.GITHUB_ACTIONS !== "true" || !repository) return undefined;
  const pr = pullRequestOf(event);
  const server = env.GITHUB_SERVER_URL ?? "https://github.com";
  const context: GitHubContext = {
    repository,
    headSha: pr?.headSha ?? env.GITHUB_SHA ?? "",
    runUrl: `${server}/${repository}/actions/runs/${env.GITHUB_RUN_ID ?? ""}`,
  };
  const number = pr?.number ?? prNumberFromRef(env.GITHUB_REF);
  if (number !== undefined) context.pullRequest = number;
  return context;
}

function pullRequestOf(event: unknown): { number: number; headSha?: string } | undefined {
  if (typeof event !== "object" || event === null) return undefined;
  const pr = (event as { pull_request?: { number?: unknown; head?: { sha?: unknown } } })
    .pull_request;
  if (!pr || typeof pr.number !== "number") return undefined;
  const headSha = typeof pr.head?.sha === "string" ? pr.head.sha : undefined;
  return headSha ? { number: pr.number, headSha } : { number: pr.number };
}

function prNumberFromRef(ref: string | undefined): number | undefined {
  const match = ref?.match(/^refs\/pull\/(\d+)\//);
  return match ? Number(match[1]) : undefined;
}

/**
 * The paths a check was given, as a record names them: relative to the working folder (as its
 * files are), without a trailing slash, so `k8s/` and `./k8s` are the same path.
 */
export function checkedPaths(paths: readonly string[], cwd: string): string[] {
  return paths.map((path) => relative(cwd, resolve(cwd, path)).split(sep).join("/") || ".");
}
