import { relative, sep } from "node:path";
import type { Finding, Result } from "@scout-deploy/core";
import type { MarkdownSection } from "@scout-deploy/report";
import { comparisonBase, isPullRequestTarget, type RunContext } from "./context.js";
import type { Inputs } from "./inputs.js";
import type { PipelineRun } from "./pipeline.js";
import type { Logger } from "./ports.js";

/** How the pull request gate judged: on what the change adds, or on the whole bundle. */
export type GateMode = "diff" | "whole";

export interface Gate {
  mode: GateMode;
  /** The run the report, the annotations and the status are about. */
  run: PipelineRun;
  /** Sections of the comment beside the findings (network changes). */
  sections: MarkdownSection[];
  /** The base commit compared with, in a diff. */
  base?: string;
  /**
   * Why the report is a full one although the run was asked to compare, or, in a diff, why the
   * base counted for less than it should (its config or chart could not be read).
   */
  notice?: string;
}

/**
 * On a pull request or a merge group with `compare: base`, the base commit is read (fetched with the token when
 * the checkout lacks it), judged with the head's rules and policy in this job, and the gate is
 * decided on new findings. Otherwise, or when the base cannot be had, the whole run, with a
 * notice saying why.
 */
export async function gateOnBase(
  pipeline: PipelineRun,
  inputs: Inputs,
  context: RunContext,
  log: Logger,
): Promise<Gate> {
  const whole = (notice?: string): Gate => ({
    mode: "whole",
    run: pipeline,
    sections: [],
    ...(notice ? { notice } : {}),
  });
  if (inputs.compare === "none") return whole();
  // A merge queue must gate as the pull request did: a group that adds no finding passes even
  // where the base branch has some, or no pull request could ever leave the queue.
  const baseSha = comparisonBase(context);
  if (!baseSha) {
    return whole(
      `Full report: a ${context.eventName || "run"} event has no pull request or merge group base to compare with; every finding counts.`,
    );
  }
  if (isPullRequestTarget(context)) {
    return whole(
      "Full report: on pull_request_target the workspace holds the base, not the change; every finding counts.",
    );
  }
  if (!pipeline.check) return whole("Full report: this build cannot compare with the base.");
  const engine = await import("@scout-deploy/engine");
  try {
    engine.gitRoot(context.workspace);
  } catch {
    return whole(
      "Full report: the workspace is not a git checkout, so the base cannot be read; every finding counts (check out the repository with actions/checkout).",
    );
  }
  if (!engine.hasCommit(context.workspace, baseSha)) {
    try {
      engine.fetchCommit(context.workspace, baseSha, { token: inputs.token });
      log.info(`fetched the base commit ${baseSha}`);
    } catch (error) {
      return whole(
        `Full report: the base commit ${baseSha} is not in the checkout and could not be fetched (${(error as Error).message}); every finding counts. Give actions/checkout fetch-depth: 0, or let the token read the repository.`,
      );
    }
  }
  const { run: head, options } = pipeline.check;
  const renderedPrefix = pipeline.renderedDir
    ? `${relativePath(context.workspace, pipeline.renderedDir)}/`
    : undefined;
  const compared = await engine.compareWithBase(
    head,
    { ref: baseSha },
    { ...options, paths: [...inputs.manifests] },
    { render: Boolean(pipeline.renderedDir), ...(renderedPrefix ? { renderedPrefix } : {}) },
  );
  for (const notice of compared.notices) log.warning(notice);
  const notice = compared.notices.length ? compared.notices.join("\n\n") : undefined;
  const sections: MarkdownSection[] = [];
  if (compared.base.kind === "git") {
    sections.push(engine.flowDiffSection(engine.networkChanges(compared.base, head)));
  }
  const result = attributed(compared.result, pipeline, context, engine.attributeRendered);
  log.info(
    `compared with the base ${baseSha}: ${result.summary.new} new, ${result.summary.fixed} fixed, ${result.summary.unchanged} unchanged`,
  );
  return {
    mode: "diff",
    run: { ...pipeline, result },
    sections,
    base: baseSha,
    // A base that could not be read or rendered makes every finding new: the reviewer must know.
    ...(notice ? { notice } : {}),
  };
}

/** Rendered files sit outside the repository: their findings go on the config, both sides. */
function attributed(
  result: Result,
  pipeline: PipelineRun,
  context: RunContext,
  attributeRendered: typeof import("@scout-deploy/engine").attributeRendered,
): Result {
  if (!pipeline.renderedDir || !pipeline.check) return result;
  const dir = relativePath(context.workspace, pipeline.renderedDir);
  const { config } = pipeline.check.run;
  const onConfig = (findings: Finding[]) =>
    attributeRendered({ ...result, findings }, dir, config).findings;
  return {
    ...result,
    findings: onConfig(result.findings),
    ...(result.fixed ? { fixed: onConfig(result.fixed) } : {}),
  };
}

function relativePath(from: string, to: string): string {
  return relative(from, to).split(sep).join("/");
}
