import { closeSync, mkdirSync, openSync, writeSync } from "node:fs";
import { dirname } from "node:path";
import {
  type AnnotationLevel,
  COMMENT_BUDGET,
  type FileLinks,
  fitMarkdown,
  formatJsonChunks,
  formatSarifChunks,
  GITHUB_ANNOTATION_LIMITS,
  type MarkdownSection,
  planAnnotations,
  type ToolInfo,
} from "@scout-deploy/report";
import { checkedCommit, headNotCheckedOut, type RunContext } from "./context.js";
import { type Inputs, resolveIn } from "./inputs.js";
import type { WriteAccess } from "./permissions.js";
import type { PipelineRun } from "./pipeline.js";
import type { GitHubPort, Logger, Runner } from "./ports.js";
import {
  COMMENT_MARKER,
  checkLine,
  legacyCheckLine,
  type RunStamp,
  runLine,
  upsertComment,
} from "./sticky.js";

export { COMMENT_MARKER, checkLine } from "./sticky.js";

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
  /** The commit the workspace holds (git HEAD), read on pull_request_target. */
  workspaceCommit?: string;
  /** Annotations of each level the step made (or keeps) besides the findings'. */
  annotationsUsed?: Partial<Record<AnnotationLevel, number>>;
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
  const plan = planAnnotations(
    run.result.findings.filter((f) => f.baseline !== "unchanged"),
    GITHUB_ANNOTATION_LIMITS,
    deps.annotationsUsed,
  );
  for (const annotation of plan.annotations) deps.runner.annotate(annotation);
  const sections = [...extraSections];
  if (plan.omitted > 0) {
    const { error, warning, info } = plan.omittedBySeverity;
    const line = `${plan.omitted} more findings were not annotated (GitHub shows 10 per level and step): ${error} error, ${warning} warning, ${info} info. They are all in the SARIF file and the findings file (outputs sarif-file and findings-file).`;
    deps.log.info(line);
    sections.push({ title: "Annotations", body: line });
  }
  const markdown = (maxLength: number, allFindings: string, header?: string) =>
    fitMarkdown(run.result, {
      rules: run.rules,
      links: fileLinks(context, deps.workspaceCommit),
      ...(context.runUrl ? { allFindings: { url: context.runUrl, label: allFindings } } : {}),
      sections,
      maxLength,
      ...(header ? { header } : {}),
      ...(inputs.name ? { title: `Scout Secure Deploy: ${inputs.name.replace(/[<>]/g, "")}` } : {}),
    });
  const summary = markdown(SUMMARY_BUDGET, FILES_LABEL);
  await deps.runner.appendSummary(summary.markdown);
  const unchecked = headNotCheckedOut(context, deps.workspaceCommit);
  if (inputs.comment && context.pullRequest && unchecked) {
    deps.log.warning(
      `${unchecked}, so no comment is posted on the pull request: it would report files the pull request may not have. Run the check on pull_request (see the README's safe fork pattern).`,
    );
  } else if (inputs.comment && context.pullRequest) {
    const check = checkLine(inputs);
    const legacyCheck = legacyCheckLine(inputs);
    const run = runStamp(context);
    const header = [COMMENT_MARKER, check, ...(run ? [runLine(run)] : [])].join("\n");
    await upsertComment(
      {
        issue: context.pullRequest.number,
        // The summary holds what a comment has no room for: the comment points there.
        body: markdown(COMMENT_BUDGET, summary.complete ? SUMMARY_LABEL : FILES_LABEL, header)
          .markdown,
        check,
        ...(legacyCheck !== check ? { legacyCheck } : {}),
        commentAuthor: inputs.commentAuthor,
        ...(run ? { run } : {}),
      },
      deps,
    );
  }
}

/**
 * GitHub takes at most 1 MiB of summary per step; a UTF-16 unit (what the budget counts) is at
 * most 3 bytes of UTF-8, and the rest is room for the runner's own lines.
 */
const SUMMARY_BUDGET = Math.floor((1024 * 1024 - 8 * 1024) / 3);
const FILES_LABEL =
  "the findings file and the SARIF of this run (outputs findings-file, sarif-file)";
const SUMMARY_LABEL = "the job summary of this run";

function runStamp(context: RunContext): RunStamp | undefined {
  const id = Number(context.runId);
  if (!Number.isSafeInteger(id) || id <= 0) return undefined;
  return { id, attempt: Number(context.runAttempt) || 1 };
}

function fileLinks(context: RunContext, workspaceCommit?: string): FileLinks | undefined {
  const sha = checkedCommit(context, workspaceCommit);
  if (!sha) return undefined;
  const { owner, repo } = context.repository;
  return { serverUrl: context.serverUrl, repository: `${owner}/${repo}`, sha };
}
