import { networkFlows, runCheck } from "@scout-deploy/engine";
import { oneOf, parseCommandArgs } from "../args.js";
import type { Command } from "../command.js";
import { writeOutput } from "../output.js";
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
  -h, --help       this help

Exit codes: 0 printed, 2 could not run.
`,
  async run(argv, io) {
    const { values, positionals } = parseCommandArgs("flows", argv, {
      config: { type: "string" },
      format: { type: "string" },
      output: { type: "string" },
    });
    if (values.help) return help(io, this.help);
    const format = oneOf("--format", values.format, FORMATS) ?? "matrix";
    const run = await runCheck({
      cwd: io.cwd,
      paths: positionals,
      readStdin: io.readStdin,
      ...(values.config ? { configPath: values.config } : {}),
    });
    const report = networkFlows(run);
    const text =
      format === "markdown"
        ? report.markdown
        : format === "mermaid"
          ? `\`\`\`mermaid\n${report.mermaid}\`\`\`\n`
          : report.matrix;
    writeOutput(io, values.output, text);
    return 0;
  },
};
