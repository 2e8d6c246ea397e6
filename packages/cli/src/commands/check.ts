import { ConfigurationError, type FailOn } from "@scout-deploy/core";
import { type CheckRun, runCheck, SCHEMA_ENGINES, type SchemaEngine } from "@scout-deploy/engine";
import { flowsSection } from "@scout-deploy/netpol";
import {
  formatJsonChunks,
  formatJunit,
  formatMarkdown,
  formatSarifChunks,
  formatText,
} from "@scout-deploy/report";
import { oneOf, parseCommandArgs } from "../args.js";
import type { Command } from "../command.js";
import type { Io } from "../io.js";
import { writeOutput } from "../output.js";
import { TOOL } from "../version.js";

const FORMATS = ["text", "json", "sarif", "markdown", "junit"] as const;
type Format = (typeof FORMATS)[number];
const FAIL_ON = ["error", "warning", "info", "never"] as const;

export const checkCommand: Command = {
  name: "check",
  summary: "check manifests against the Security Guide",
  help: `Usage: scout-deploy check [PATH...] [options]

Loads manifests (files, folders, globs, - for stdin), runs the rule packs and reports.

Options:
  --config FILE          config file (default: scout-deploy.yaml, found by walking up)
  --format FORMAT        ${FORMATS.join("|")} (default text); repeat with --output for several
  --output FILE          where the matching --format goes (default: stdout)
  --fail-on LEVEL        ${FAIL_ON.join("|")} (default error, or policy.failOn)
  --max-file-size BYTES  larger files are reported, not read (default 16 MiB)
  --schema ENGINE        ${SCHEMA_ENGINES.join("|")} (default embedded: offline, no binary)
  --kubernetes-version X.Y.Z
                         Kubernetes version of the schemas (default: newest bundled)
  --schema-location LOC  schema folder (CRDs catalog or kubeconform layout), repeatable;
                         kubeconform also takes URL templates and "default"
  -h, --help             this help

Exit codes: 0 no finding at or above --fail-on, 1 at least one, 2 could not run.
`,
  async run(argv, io) {
    const { values, positionals } = parseCommandArgs("check", argv, {
      config: { type: "string" },
      format: { type: "string", multiple: true },
      output: { type: "string", multiple: true },
      "fail-on": { type: "string" },
      "max-file-size": { type: "string" },
      schema: { type: "string" },
      "kubernetes-version": { type: "string" },
      "schema-location": { type: "string", multiple: true },
    });
    if (values.help) return help(io, this.help);
    const formats = (values.format ?? ["text"]).map((f) => oneOf("--format", f, FORMATS)!);
    const outputs = values.output ?? [];
    if (outputs.length > formats.length)
      throw new ConfigurationError("more --output than --format flags");
    const failOn = oneOf<FailOn>("--fail-on", values["fail-on"], FAIL_ON);
    const schema = oneOf<SchemaEngine>("--schema", values.schema, SCHEMA_ENGINES);
    const locations = values["schema-location"];
    const run = await runCheck({
      cwd: io.cwd,
      paths: positionals,
      readStdin: io.readStdin,
      ...(values.config ? { configPath: values.config } : {}),
      ...(failOn ? { failOn } : {}),
      ...(values["max-file-size"]
        ? { maxFileSize: positiveInteger("--max-file-size", values["max-file-size"]) }
        : {}),
      ...(schema ? { schema } : {}),
      ...(values["kubernetes-version"] ? { kubernetesVersion: values["kubernetes-version"] } : {}),
      ...(locations?.length ? { schemaLocations: locations } : {}),
      kubeconform: { env: io.env },
    });
    formats.forEach((format, index) => {
      writeOutput(io, outputs[index], render(format, run, io, outputs[index]));
    });
    return run.result.summary.passed ? 0 : 1;
  },
};

/** JSON and SARIF come in chunks: a result of any size is written without one string of it all. */
function render(
  format: Format,
  run: CheckRun,
  io: Io,
  target: string | undefined,
): string | Iterable<string> {
  const { result, rules } = run;
  switch (format) {
    case "json":
      return formatJsonChunks(result, TOOL);
    case "sarif":
      return formatSarifChunks(result, { tool: TOOL, rules, policy: run.config.policy });
    case "markdown": {
      const network = flowsSection(run.bundle, run.config.policy.settings);
      return formatMarkdown(result, { rules, ...(network ? { sections: [network] } : {}) });
    }
    case "junit":
      return formatJunit(result, { rules });
    case "text":
      return formatText(result, { color: io.color && (target === undefined || target === "-") });
  }
}

function positiveInteger(flag: string, value: string): number {
  const number = Number(value);
  if (!Number.isInteger(number) || number <= 0)
    throw new ConfigurationError(`${flag} must be a positive integer, not "${value}"`);
  return number;
}

export function help(io: Io, text: string): number {
  io.stdout(text);
  return 0;
}
