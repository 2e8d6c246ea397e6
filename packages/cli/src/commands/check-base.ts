import { ConfigurationError } from "@scout-deploy/core";
import {
  type BaseSource,
  type CheckOptions,
  type CheckRun,
  type ComparedRun,
  compareWithBase,
  type FlowDiff,
  flowDiffJson,
  flowDiffSection,
  flowDiffText,
  networkChanges,
} from "@scout-deploy/engine";
import {
  formatJsonChunks,
  formatJunit,
  formatMarkdown,
  formatSarifChunks,
  formatText,
} from "@scout-deploy/report";
import type { Io } from "../io.js";
import { TOOL } from "../version.js";

export interface ComparedCheck extends ComparedRun {
  /** The flows the change opens and closes, when the base was rendered in this run. */
  flows?: FlowDiff;
}

/** `--base REF` or `--baseline FILE`, never both. */
export function baseSourceOf(
  base: string | undefined,
  baseline: string | undefined,
): BaseSource | undefined {
  if (base !== undefined && baseline !== undefined) {
    throw new ConfigurationError("--base and --baseline both name a base: give one");
  }
  if (base !== undefined) {
    if (!base.trim()) throw new ConfigurationError("--base needs a git revision, e.g. origin/main");
    return { ref: base };
  }
  return baseline !== undefined ? { baselineFile: baseline } : undefined;
}

export async function compareRun(
  run: CheckRun,
  source: BaseSource,
  options: CheckOptions,
): Promise<ComparedCheck> {
  const compared = await compareWithBase(run, source, options);
  if (compared.base.kind !== "git") return compared;
  const flows = networkChanges(compared.base, run);
  return { ...compared, flows };
}

type Format = "text" | "json" | "sarif" | "markdown" | "junit";

export function comparedOutput(
  format: Format,
  compared: ComparedCheck,
  io: Io,
  target: string | undefined,
): string | Iterable<string> {
  const { result } = compared;
  const { rules } = compared.head;
  switch (format) {
    case "json":
      return formatJsonChunks(
        result,
        TOOL,
        compared.flows ? { flows: flowDiffJson(compared.flows) } : {},
      );
    case "sarif":
      return formatSarifChunks(result, { tool: TOOL, rules });
    case "markdown":
      return formatMarkdown(result, {
        rules,
        ...(compared.flows ? { sections: [flowDiffSection(compared.flows)] } : {}),
      });
    case "junit":
      return formatJunit(result, { rules });
    case "text": {
      const color = io.color && (target === undefined || target === "-");
      const { summary } = result;
      const against = compared.base.kind === "git" ? compared.base.ref : compared.base.path;
      const flows = compared.flows ? flowDiffText(compared.flows) : "";
      return `${formatText(result, { color })}against ${against}: ${summary.new} new, ${summary.unchanged} unchanged, ${summary.fixed} fixed; the exit code counts new findings only\n${flows}`;
    }
  }
}
