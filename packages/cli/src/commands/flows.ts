import { ConfigurationError, inertText } from "@scout-deploy/core";
import {
  type CheckOptions,
  type CheckRun,
  flowDiffMermaid,
  flowDiffSection,
  flowDiffText,
  networkChanges,
  networkFlows,
  runBaseCheck,
  runCheck,
  systemToolRunner,
} from "@scout-deploy/engine";
import { oneOf, parseCommandArgs } from "../args.js";
import type { Command } from "../command.js";
import type { Io } from "../io.js";
import { refuseOutputOverInput, writeOutput } from "../output.js";
import { help } from "./check.js";

const FORMATS = ["matrix", "markdown", "mermaid"] as const;
const FLOWS_RULE = "network/allowed-flows";

export const flowsCommand: Command = {
  name: "flows",
  summary: "print the connectivity that the NetworkPolicies allow",
  help: `Usage: scout-deploy flows [PATH...] [options]

Computes who may talk to whom under the NetworkPolicies of the manifests (Kubernetes
semantics) and prints it. The intended flows are the Security Guide's, or the options of
${FLOWS_RULE} in the config.

Options:
  --config FILE    config file (default: scout-deploy.yaml, found by walking up)
  --format FORMAT  ${FORMATS.join("|")} (default matrix): matrix prints one
                   "source => destination : connections" line per allowed flow; markdown the
                   table of component flows with the extra and missing ones; mermaid a diagram
  --output FILE    write there instead of stdout
  --base REF       what the change since git REF does instead: the flows it opens and closes,
                   workload by workload and address range by range (the same paths, or the
                   config, read at REF as check --base reads them); matrix prints one line each
  -h, --help       this help

Exit codes: 0 printed, 2 could not run.
`,
  async run(argv, io) {
    const { values, positionals } = parseCommandArgs("flows", argv, {
      config: { type: "string" },
      format: { type: "string" },
      output: { type: "string" },
      base: { type: "string" },
    });
    if (values.help) return help(io, this.help);
    const format = oneOf("--format", values.format, FORMATS) ?? "matrix";
    const options: CheckOptions = {
      cwd: io.cwd,
      paths: positionals,
      readStdin: io.readStdin,
      ...(values.config ? { configPath: values.config } : {}),
      tools: systemToolRunner(io.env),
    };
    const run = await runCheck(options);
    refuseOutputOverInput([values.output], run.bundle.files, io.cwd);
    const text =
      values.base === undefined
        ? allowedFlows(run, format)
        : await changedFlows(run, values.base, options, format, io);
    writeOutput(io, values.output, text);
    return 0;
  },
};

type Format = (typeof FORMATS)[number];

function allowedFlows(run: CheckRun, format: Format): string {
  const report = networkFlows(run);
  if (format === "markdown") return report.markdown;
  return format === "mermaid" ? `\`\`\`mermaid\n${report.mermaid}\`\`\`\n` : report.matrix;
}

/** `--base REF`: the flows the change opens and closes. */
async function changedFlows(
  run: CheckRun,
  ref: string,
  options: CheckOptions,
  format: Format,
  io: Io,
): Promise<string> {
  if (!ref.trim()) throw new ConfigurationError("--base needs a git revision, e.g. origin/main");
  const base = await runBaseCheck(run, ref, options);
  for (const notice of [base.configProblem, base.renderProblem]) {
    if (notice) io.stderr(`scout-deploy: ${inertText(notice)}\n`);
  }
  const diff = networkChanges(base, run);
  if (format === "markdown") return `${flowDiffSection(diff).body}\n`;
  if (format === "mermaid") return `\`\`\`mermaid\n${flowDiffMermaid(diff)}\`\`\`\n`;
  return flowDiffText(diff) || `the change since ${inertText(ref)} opens and closes no flow\n`;
}
