import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
/** The committed bundle, exactly what `uses: scout/secure-deploy@v1` runs. */
export const BUNDLE = resolve(here, "../../../dist/index.js");
export const repoRoot = resolve(here, "../../..");
/** GITHUB_SHA in every run: for pull requests, GitHub's merge commit. */
export const PUSHED_SHA = "0000000000000000000000000000000000000001";

type Payload = Record<string, unknown> & {
  repository: { full_name: string };
  pull_request: {
    number: number;
    head: { sha: string; repo: Record<string, unknown> & { full_name: string } };
    base: { repo: { full_name: string } };
  };
};

/** A real pull_request payload from @octokit/webhooks-examples. */
export function pullRequestPayload(action: "opened" | "synchronize"): Payload {
  const require = createRequire(import.meta.url);
  const examples = require("@octokit/webhooks-examples") as {
    name: string;
    examples: (Payload & { action: string })[];
  }[];
  const payload = examples
    .find((e) => e.name === "pull_request")!
    .examples.find((e) => e.action === action);
  if (!payload) throw new Error(`no pull_request.${action} example`);
  return structuredClone(payload);
}

/** A real push payload from @octokit/webhooks-examples. */
export function pushPayload(): Record<string, unknown> & { repository: { full_name: string } } {
  const require = createRequire(import.meta.url);
  const examples = require("@octokit/webhooks-examples") as {
    name: string;
    examples: (Record<string, unknown> & { repository: { full_name: string } })[];
  }[];
  return structuredClone(examples.find((e) => e.name === "push")!.examples[0]!);
}

/** The same pull request, opened from a fork. */
export function forkPayload(): Payload {
  const payload = pullRequestPayload("opened");
  const repo = payload.pull_request.head.repo;
  const [, name] = repo.full_name.split("/");
  repo.full_name = `fork-owner/${name}`;
  repo.fork = true;
  (repo.owner as Record<string, unknown>).login = "fork-owner";
  return payload;
}

export interface ActionRun {
  code: number | null;
  stdout: string;
  stderr: string;
  outputs: Record<string, string>;
  summary: string;
}

export interface RunOptions {
  workspace: string;
  payload: Record<string, unknown> & { repository: { full_name: string } };
  apiUrl: string;
  inputs: Record<string, string>;
  eventName?: string;
  /** More runner variables, e.g. the id-token ones. */
  env?: Record<string, string>;
}

/** Runs dist/index.js as the runner does: INPUT_* variables, event file, output files. */
export async function runAction(options: RunOptions): Promise<ActionRun> {
  const runnerDir = mkdtempSync(join(tmpdir(), "scout-runner-"));
  const eventPath = join(runnerDir, "event.json");
  const outputPath = join(runnerDir, "output");
  const summaryPath = join(runnerDir, "summary.md");
  mkdirSync(join(runnerDir, "temp"));
  writeFileSync(eventPath, JSON.stringify(options.payload));
  writeFileSync(outputPath, "");
  writeFileSync(summaryPath, "");
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? "",
    HOME: process.env.HOME ?? runnerDir,
    CI: "true",
    GITHUB_ACTIONS: "true",
    GITHUB_EVENT_NAME: options.eventName ?? "pull_request",
    GITHUB_EVENT_PATH: eventPath,
    GITHUB_REPOSITORY: options.payload.repository.full_name,
    // For pull requests the merge commit: the status must go to the head SHA instead.
    GITHUB_SHA: PUSHED_SHA,
    GITHUB_SERVER_URL: "https://github.com",
    GITHUB_API_URL: options.apiUrl,
    GITHUB_RUN_ID: "42",
    GITHUB_WORKSPACE: options.workspace,
    GITHUB_OUTPUT: outputPath,
    GITHUB_STEP_SUMMARY: summaryPath,
    RUNNER_TEMP: join(runnerDir, "temp"),
    ...options.env,
  };
  for (const [name, value] of Object.entries(options.inputs)) {
    env[`INPUT_${name.replace(/ /g, "_").toUpperCase()}`] = value;
  }
  const child = spawn(process.execPath, [BUNDLE], { cwd: options.workspace, env });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk) => {
    stdout += chunk;
  });
  child.stderr.on("data", (chunk) => {
    stderr += chunk;
  });
  const code = await new Promise<number | null>((done) => child.on("close", done));
  return {
    code,
    stdout,
    stderr,
    outputs: parseOutputs(readFileSync(outputPath, "utf8")),
    summary: readFileSync(summaryPath, "utf8"),
  };
}

/** GITHUB_OUTPUT's heredoc format: name<<DELIMITER, value lines, DELIMITER. */
function parseOutputs(text: string): Record<string, string> {
  const outputs: Record<string, string> = {};
  const lines = text.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const match = /^([^<]+)<<(.+)$/.exec(lines[i]!);
    if (!match) continue;
    const end = lines.indexOf(match[2]!, i + 1);
    outputs[match[1]!] = lines.slice(i + 1, end).join("\n");
    i = end;
  }
  return outputs;
}
