import { resolve } from "node:path";
import { ConfigurationError, FAIL_ON, type FailOn, inertText } from "@scout-deploy/core";
import {
  type CheckRun,
  type HelmOptions,
  networkSection,
  runCheck,
  SCHEMA_ENGINES,
  type SchemaEngine,
  systemToolRunner,
} from "@scout-deploy/engine";
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
import { refuseOutputOverInput, writeOutput } from "../output.js";
import { TOOL } from "../version.js";
import { baseSourceOf, comparedOutput, compareRun } from "./check-base.js";

const FORMATS = ["text", "json", "sarif", "markdown", "junit"] as const;
export type Format = (typeof FORMATS)[number];

export const checkCommand: Command = {
  name: "check",
  summary: "check manifests against the Security Guide",
  help: `Usage: scout-deploy check [PATH...] [options]

Loads manifests (files, folders, globs, - for stdin), runs the rule packs and reports.
A folder with Chart.yaml is rendered with \`helm template\`, one with kustomization.yaml with
\`kubectl kustomize\` (or \`kustomize build\`); findings land on the template, values file,
base resource or patch that produced the value, the rendered place kept in the JSON.
A folder walked (\`check .\`) renders the charts and the top kustomizations it holds the same
way instead of reading their files; one that cannot be rendered is an input/not-rendered error.
The run's config among the paths has its scout: section rendered, as with no PATH; another
Scout config there is an input/not-rendered error (check it with --config).

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
  --values FILE          Helm values file, repeatable (later ones win)
  --set KEY=VALUE        Helm value, repeatable
  --set-string KEY=VALUE Helm value kept a string ("true", "0123"), repeatable
  --set-json KEY=JSON    Helm value written in JSON, repeatable
  --set-file KEY=PATH    Helm value read from a file (relative to the working folder),
                         repeatable; helm applies --values, then --set-json, --set,
                         --set-string and --set-file, in that order, whatever the order given
  --release-name NAME    Helm release name (default release-name)
  --namespace NS         Helm release namespace
  --kube-version X.Y.Z   Kubernetes version Helm renders for (.Capabilities; default:
                         --kubernetes-version, else the newest bundled, not helm's v1.20)
  --api-versions G/V     an API the cluster serves beyond Kubernetes' own (a CRD's
                         group/version), for .Capabilities.APIVersions.Has; repeatable
  --color MODE           auto|always|never (default auto: a terminal, unless NO_COLOR or
                         TERM=dumb; FORCE_COLOR forces it)
  --base REF             compare with the same paths (or config) at git REF, read with git
                         without touching the working tree (charts and kustomizations
                         rendered there too); exit code on new findings only
  --baseline FILE        compare with an earlier --format json report instead
  -h, --help             this help

Exit codes: 0 no finding at or above --fail-on, 1 at least one, 2 could not run.
With --base or --baseline, only new findings (and policy/weakened) count.
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
      ...HELM_ARGS,
      base: { type: "string" },
      baseline: { type: "string" },
    });
    if (values.help) return help(io, this.help);
    const formats = (values.format ?? ["text"]).map((f) => oneOf("--format", f, FORMATS)!);
    const outputs = values.output ?? [];
    if (outputs.length > formats.length)
      throw new ConfigurationError("more --output than --format flags");
    refuseSharedOutput(outputs, formats, io.cwd);
    const toStdout = formats.filter((_, index) => (outputs[index] ?? "-") === "-");
    if (toStdout.length > 1)
      throw new ConfigurationError(
        `${toStdout.length} formats (${toStdout.join(", ")}) would be mixed on stdout: give each but one an --output FILE, in the order of the --format flags`,
      );
    const failOn = oneOf<FailOn>("--fail-on", values["fail-on"], FAIL_ON);
    const schema = oneOf<SchemaEngine>("--schema", values.schema, SCHEMA_ENGINES);
    const locations = values["schema-location"];
    const baseSource = baseSourceOf(values.base, values.baseline);
    const options = {
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
      helm: helmOptions(values),
      tools: systemToolRunner(io.env),
    };
    const run = await runCheck(options);
    refuseOutputOverInput(outputs, run.bundle.files, io.cwd);
    for (const notice of run.config.notices ?? [])
      io.stderr(`scout-deploy: ${inertText(notice)}\n`);
    const compared = baseSource ? await compareRun(run, baseSource, options) : undefined;
    for (const notice of compared?.notices ?? []) io.stderr(`scout-deploy: ${inertText(notice)}\n`);
    formats.forEach((format, index) => {
      const text = compared
        ? comparedOutput(format, compared, io, outputs[index])
        : render(format, run, io, outputs[index]);
      writeOutput(io, outputs[index], text);
    });
    return (compared ?? run).result.summary.passed ? 0 : 1;
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
      const network = networkSection(run);
      return formatMarkdown(result, { rules, ...(network ? { sections: [network] } : {}) });
    }
    case "junit":
      return formatJunit(result, { rules });
    case "text":
      return formatText(result, { color: io.color && (target === undefined || target === "-") });
  }
}

/** The Helm flags of every command that reads charts. */
export const HELM_ARGS = {
  values: { type: "string", multiple: true },
  set: { type: "string", multiple: true },
  "set-string": { type: "string", multiple: true },
  "set-json": { type: "string", multiple: true },
  "set-file": { type: "string", multiple: true },
  "release-name": { type: "string" },
  namespace: { type: "string" },
  "kube-version": { type: "string" },
  "api-versions": { type: "string", multiple: true },
} as const;

export function helmOptions(values: {
  values?: string[];
  set?: string[];
  "set-string"?: string[];
  "set-json"?: string[];
  "set-file"?: string[];
  "release-name"?: string;
  namespace?: string;
  "kube-version"?: string;
  "api-versions"?: string[];
}): HelmOptions {
  return {
    ...(values.values ? { values: values.values } : {}),
    ...(values.set ? { set: values.set } : {}),
    ...(values["set-string"] ? { setString: values["set-string"] } : {}),
    ...(values["set-json"] ? { setJson: values["set-json"] } : {}),
    ...(values["set-file"] ? { setFile: values["set-file"] } : {}),
    ...(values["release-name"] ? { releaseName: values["release-name"] } : {}),
    ...(values.namespace ? { namespace: values.namespace } : {}),
    ...(values["kube-version"] ? { kubeVersion: values["kube-version"] } : {}),
    ...(values["api-versions"] ? { apiVersions: values["api-versions"] } : {}),
  };
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

/** Two formats into one file: the second would overwrite the first, and a report be lost. */
function refuseSharedOutput(outputs: readonly string[], formats: readonly string[], cwd: string) {
  const seen = new Map<string, number>();
  outputs.forEach((output, index) => {
    if (output === "-") return;
    const path = resolve(cwd, output);
    const earlier = seen.get(path);
    if (earlier !== undefined)
      throw new ConfigurationError(
        `--output ${output} is given for both ${formats[earlier]} and ${formats[index]}: the second would overwrite the first; give each format its own file`,
      );
    seen.set(path, index);
  });
}
