import { isAbsolute, join } from "node:path";
import { ConfigurationError, FAIL_ON, type FailOn } from "@scout-deploy/core";
import { type HelmOptions, SCHEMA_ENGINES, type SchemaEngine } from "@scout-deploy/engine";

export const SIGNOFF_MODES = ["none", "status", "attest"] as const;
export const COMPARE_MODES = ["base", "none"] as const;

export type SignoffMode = (typeof SIGNOFF_MODES)[number];
export type CompareMode = (typeof COMPARE_MODES)[number];

/** Every input of action.yml, parsed and checked in one place. */
export interface Inputs {
  /** A Scout config file (its scout: section is rendered; its policy: section applies). */
  config?: string;
  /** Files, folders and globs, one per line or comma-separated. */
  manifests: string[];
  schema: SchemaEngine;
  kubernetesVersion?: string;
  failOn?: FailOn;
  comment: boolean;
  sarifFile: string;
  findingsFile: string;
  signoff: SignoffMode;
  signoffFile: string;
  /** PEM private key (Ed25519 or ECDSA P-256) that signs the attest record; from a secret. */
  signoffKey?: string;
  token: string;
  /** The login the token posts as, when GitHub cannot tell (GET /user and GraphQL refused). */
  commentAuthor?: string;
  /** Tells several checks of one pull request apart: their statuses and comments. */
  name?: string;
  /** Seconds all GitHub API calls of the run (comment, status) may take together. */
  githubTimeout: number;
  /** On pull requests: "base" gates on what the change adds; "none" on the whole bundle. */
  compare: CompareMode;
  /** How the charts among manifests are rendered: what the deploy passes to helm install. */
  helm?: HelmOptions;
}

export type ReadInput = (name: string) => string;

export function parseInputs(read: ReadInput, tempDir: string): Inputs {
  const text = (name: string) => read(name).trim();
  const config = text("config");
  const kubernetesVersion = text("kubernetes-version");
  const failOn = text("fail-on");
  const outDir = join(tempDir, "scout-deploy");
  const inputs: Inputs = {
    manifests: list(read("manifests")),
    schema: oneOf("schema", text("schema") || "embedded", SCHEMA_ENGINES),
    comment: boolean("comment", text("comment") || "true"),
    sarifFile: text("sarif-file") || join(outDir, "results.sarif"),
    findingsFile: text("findings-file") || join(outDir, "findings.json"),
    signoff: oneOf("signoff", text("signoff") || "none", SIGNOFF_MODES),
    signoffFile: text("signoff-file") || join(outDir, "signoff.intoto.jsonl"),
    token: text("token"),
    githubTimeout: seconds("github-timeout", text("github-timeout") || "120"),
    compare: oneOf("compare", text("compare") || "base", COMPARE_MODES),
  };
  if (config) inputs.config = config;
  const name = text("name");
  if (name) inputs.name = checkName(name);
  const commentAuthor = text("comment-author");
  if (commentAuthor) inputs.commentAuthor = login("comment-author", commentAuthor);
  const signoffKey = read("signoff-key").trim();
  if (signoffKey) {
    if (!signoffKey.includes("-----BEGIN")) {
      throw new ConfigurationError("input signoff-key must be a PEM private key (from a secret)");
    }
    inputs.signoffKey = `${signoffKey}\n`;
  }
  const helm = helmOptions(read);
  if (Object.keys(helm).length > 0) inputs.helm = helm;
  if (kubernetesVersion) inputs.kubernetesVersion = version(kubernetesVersion);
  if (failOn) inputs.failOn = oneOf("fail-on", failOn, FAIL_ON);
  if (!inputs.config && inputs.manifests.length === 0) {
    throw new ConfigurationError(
      "nothing to check: set the config input (a Scout config to render) or manifests (paths or globs)",
    );
  }
  for (const path of [inputs.sarifFile, inputs.findingsFile, inputs.signoffFile]) {
    if (path.includes("\n")) throw new ConfigurationError(`a file input holds a newline: ${path}`);
  }
  return inputs;
}

/**
 * The helm-* inputs; `--set` pairs may hold commas (`a={x,y}`), JSON always does, so the
 * `--set*` inputs go one per line.
 */
function helmOptions(read: ReadInput): HelmOptions {
  const lines = (value: string) =>
    value
      .split("\n")
      .map((entry) => entry.trim())
      .filter((entry) => entry && !entry.startsWith("#"));
  const values = list(read("helm-values"));
  const set = lines(read("helm-set"));
  const setString = lines(read("helm-set-string"));
  const setJson = lines(read("helm-set-json"));
  const setFile = lines(read("helm-set-file"));
  const apiVersions = list(read("helm-api-versions"));
  const namespace = read("helm-namespace").trim();
  const releaseName = read("helm-release-name").trim();
  return {
    ...(values.length ? { values } : {}),
    ...(set.length ? { set } : {}),
    ...(setString.length ? { setString } : {}),
    ...(setJson.length ? { setJson } : {}),
    ...(setFile.length ? { setFile } : {}),
    ...(apiVersions.length ? { apiVersions } : {}),
    ...(namespace ? { namespace } : {}),
    ...(releaseName ? { releaseName } : {}),
  };
}

/** A name for the status context and the comment's title: one short line. */
function checkName(name: string): string {
  if (name.includes("\n") || name.length > 100 || name.includes("-->")) {
    throw new ConfigurationError(
      `input name must be one line of at most 100 characters without "-->": ${JSON.stringify(name.slice(0, 120))}`,
    );
  }
  return name;
}

/** One entry per line or comma; blank lines and # comments ignored. */
function list(value: string): string[] {
  return value
    .split(/[\n,]/)
    .map((entry) => entry.trim())
    .filter((entry) => entry && !entry.startsWith("#"));
}

function oneOf<T extends string>(name: string, value: string, allowed: readonly T[]): T {
  if ((allowed as readonly string[]).includes(value)) return value as T;
  throw new ConfigurationError(
    `input ${name} must be one of ${allowed.join(", ")}, not "${value}"`,
  );
}

/** YAML 1.2 core schema booleans, as @actions/core's getBooleanInput accepts them. */
function boolean(name: string, value: string): boolean {
  if (["true", "True", "TRUE"].includes(value)) return true;
  if (["false", "False", "FALSE"].includes(value)) return false;
  throw new ConfigurationError(`input ${name} must be true or false, not "${value}"`);
}

function seconds(name: string, value: string): number {
  const number = Number(value);
  if (!/^\d+(\.\d+)?$/.test(value) || number < 1 || number > 3600) {
    throw new ConfigurationError(
      `input ${name} must be a number of seconds from 1 to 3600, not "${value}"`,
    );
  }
  return number;
}

/** A GitHub login as comments show it: a user's, or an app's "<slug>[bot]" (no "@"). */
function login(name: string, value: string): string {
  if (/^[A-Za-z0-9][A-Za-z0-9-]{0,99}(\[bot\])?$/.test(value)) return value;
  throw new ConfigurationError(
    `input ${name} must be a GitHub login such as my-app[bot] or octocat, not "${value}"`,
  );
}

function version(value: string): string {
  const bare = value.replace(/^v/, "");
  if (!/^\d+\.\d+(\.\d+)?$/.test(bare)) {
    throw new ConfigurationError(
      `input kubernetes-version must look like 1.31 or 1.31.0, not "${value}"`,
    );
  }
  return bare;
}

/** A path from an input, against the workspace. */
export function resolveIn(workspace: string, path: string): string {
  return isAbsolute(path) ? path : join(workspace, path);
}
