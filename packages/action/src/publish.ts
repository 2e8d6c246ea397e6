import { closeSync, mkdirSync, openSync, writeSync } from "node:fs";
import { dirname } from "node:path";
import {
  type FileLinks,
  formatJsonChunks,
  formatMarkdown,
  formatSarifChunks,
  type MarkdownSection,
  planAnnotations,
  type ToolInfo,
} from "@scout-deploy/report";
import type { RunContext } from "./context.js";
import { type Inputs, resolveIn } from "./inputs.js";
import type { WriteAccess } from "./permissions.js";
import type { PipelineRun } from "./pipeline.js";
import { type GitHubPort, type Logger, type Runner, WriteDeniedError } from "./ports.js";

/** The hidden marker that identifies the Action's one sticky comment on a pull request. */
export const COMMENT_MARKER = "<!-- scout/secure-deploy: sticky comment -->";
const CHECK_LINE = "<!-- scout/secure-deploy: check ";

/**
 * The hidden line that tells which check a comment reports: the name input, else what it
 * checks. Two jobs (or matrix legs) on one pull request keep a comment each instead of
 * overwriting one another's findings.
 */
export function checkLine(inputs: Pick<Inputs, "name" | "config" | "manifests">): string {
  const key = inputs.name ?? inputs.config ?? inputs.manifests.join(", ");
  // An HTML comment cannot hold "--".
  return `${CHECK_LINE}${encodeURIComponent(key).replaceAll("-", "%2D")} -->`;
}

export interface ReportFiles {
  sarifFile: string;
  findingsFile: string;
}

export interface PublishDeps {
  runner: Runner;
  log: Logger;
  github: GitHubPort | undefined;
  access: WriteAccess;
  tool: ToolInfo;
}

/** SARIF and the findings JSON, written whatever the token may do. */
export function writeReportFiles(
  run: PipelineRun,
  inputs: Inputs,
  context: RunContext,
  tool: ToolInfo,
): ReportFiles {
  const sarifFile = resolveIn(context.workspace, inputs.sarifFile);
  const findingsFile = resolveIn(context.workspace, inputs.findingsFile);
  writeFile(
    sarifFile,
    formatSarifChunks(run.result, {
      tool,
      rules: run.rules,
      // For github/codeql-action/upload-sarif: code scanning closes an alert whose result the
      // upload lacks and ignores baselineState, so a fixed finding listed "absent" would stay open.
      absent: false,
      ...(run.policy ? { policy: run.policy } : {}),
    }),
  );
  writeFile(findingsFile, formatJsonChunks(run.result, tool));
  return { sarifFile, findingsFile };
}

/** Chunk by chunk: a result of any size is written without one string of the whole file. */
function writeFile(path: string, chunks: Iterable<string>): void {
  mkdirSync(dirname(path), { recursive: true });
  const fd = openSync(path, "w");
  try {
    for (const chunk of chunks) writeSync(fd, chunk);
  } finally {
    closeSync(fd);
  }
}

/** Annotations, the job summary and the sticky pull request comment. */
export async function publish(
  run: PipelineRun,
  inputs: Inputs,
  context: RunContext,
  deps: PublishDeps,
  extraSections: readonly MarkdownSection[] = [],
): Promise<void> {
  // In a comparison with the base, only what the change adds is annotated.
  const plan = planAnnotations(run.result.findings.filter((f) => f.baseline !== "unchanged"));
  for (const annotation of plan.annotations) deps.runner.annotate(annotation);
  const sections = [...extraSections];
  if (plan.omitted > 0) {
    const { error, warning, info } = plan.omittedBySeverity;
    const line = `${plan.omitted} more findings were not annotated (GitHub shows 10 per level and step): ${error} error, ${warning} warning, ${info} info. They are all in the SARIF file and the findings file (outputs sarif-file and findings-file).`;
    deps.log.info(line);
    sections.push({ title: "Annotations", body: line });
  }
  const markdown = (header?: string) =>
    formatMarkdown(run.result, {
      rules: run.rules,
      links: fileLinks(context),
      ...(context.runUrl
        ? {
            allFindings: {
              url: context.runUrl,
              label:
                "the findings file and the SARIF of this run (outputs findings-file, sarif-file)",
            },
          }
        : {}),
      sections,
      ...(header ? { header } : {}),
      ...(inputs.name ? { title: `Scout Secure Deploy: ${inputs.name.replace(/[<>]/g, "")}` } : {}),
    });
  await deps.runner.appendSummary(markdown());
  if (inputs.comment && context.pullRequest) {
    const check = checkLine(inputs);
    await upsertComment(
      context.pullRequest.number,
      markdown(`${COMMENT_MARKER}\n${check}`),
      check,
      inputs.commentAuthor,
      deps,
    );
  }
}

function fileLinks(context: RunContext): FileLinks | undefined {
  const sha = context.pullRequest?.headSha ?? context.sha;
  if (!sha) return undefined;
  const { owner, repo } = context.repository;
  return { serverUrl: context.serverUrl, repository: `${owner}/${repo}`, sha };
}

/**
 * One comment per pull request and check, updated on every push. Ours is the first with the
 * marker and this check's line AND written by the identity the token posts as: anyone can paste
 * the marker into a comment of their own, and editing theirs would put our report under their
 * name (or be refused). A marked comment without a check line (written before there were
 * several) is taken over when no comment has ours.
 */
async function upsertComment(
  issue: number,
  body: string,
  check: string,
  commentAuthor: string | undefined,
  deps: PublishDeps,
): Promise<void> {
  if (!deps.github || !deps.access.allowed) return deps.access.skip("the pull request comment");
  const github = deps.github;
  try {
    const self = commentAuthor
      ? { login: commentAuthor, source: "input comment-author" }
      : await github.identity();
    deps.log.info(`Our pull request comment is the one by ${self.login} (${self.source})`);
    const marked = (await github.listComments(issue)).filter(
      (c) => c.author === self.login && c.body.includes(COMMENT_MARKER),
    );
    const existing =
      marked.find((c) => c.body.includes(check)) ??
      marked.find((c) => !c.body.includes(CHECK_LINE));
    if (existing) {
      await github.updateComment(existing.id, body);
      deps.log.info(`updated the pull request comment ${existing.id}`);
    } else {
      const created = await github.createComment(issue, body);
      deps.log.info(`created the pull request comment ${created.id}`);
    }
  } catch (error) {
    // A comment is never a reason to fail the run, and its permission (pull-requests: write) is
    // not the status's (statuses: write): a refused comment leaves the status to be tried.
    if (error instanceof WriteDeniedError) {
      deps.log.info(
        `Skipping the pull request comment: GitHub refused it (HTTP ${error.status}); the job needs pull-requests: write. Other writes still go ahead.`,
      );
    } else {
      deps.log.warning(`could not post the pull request comment: ${(error as Error).message}`);
    }
  }
}
