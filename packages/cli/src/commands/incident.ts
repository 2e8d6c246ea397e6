import { ConfigurationError, typedNameProblem } from "@scout-deploy/core";
import { guideSettings, loadCheckInputs, loadConfig } from "@scout-deploy/engine";
import { incidentIsolate, incidentRotateAll } from "@scout-deploy/incident";
import { parseCommandArgs, unknownSubcommand } from "../args.js";
import type { Command } from "../command.js";
import type { Io } from "../io.js";
import { HELM_ARGS, helmOptions, help } from "./check.js";
import { finish } from "./secrets.js";

const HELP = `Usage: scout-deploy incident <isolate|rotate-all> [PATH...] [options]

The Security Guide's breach response, step 1 and 2.

  isolate [PATH...] [--namespace NS]
      Prints partial objects that scale every Scout workload to 0 (Jobs and CronJobs suspended,
      DaemonSets given an unsatisfiable nodeSelector) and a deny-all NetworkPolicy. Apply with
      kubectl apply --server-side --field-manager=scout-incident --force-conflicts -f -

  rotate-all [PATH...] --out FILE|-
      New values for every credential of every Secret in PATHs; old values are not kept.
      The output holds the new Secrets only: what isolate took down (scaled to 0, suspended,
      unscheduled) starts with the new values when it comes back, so nothing is rolled.
      stderr names, with file:line, every reader of a rotated key that still holds the old
      values: workloads isolate did not take down (with the kubectl rollout restart to run),
      bare Pods, Jobs a suspended CronJob had already started.

PATHs are read as check reads them: charts and kustomizations rendered, with the Helm options
below (--namespace is also the Helm release namespace); with no PATH, or PATHs that hold the
config, the config's scout: section is rendered. Scout's components are the config's.
A file that cannot be read or a chart that cannot be rendered is named and the exit code is 1:
what it holds is not in the output.

Options:
  --config FILE          config file (default: scout-deploy.yaml, found by walking up)
  --values FILE, --set KEY=VALUE, --set-string KEY=VALUE, --set-json KEY=JSON,
  --set-file KEY=PATH, --release-name NAME, --kube-version X.Y.Z,
  --api-versions G/V     as for check
`;

export const incidentCommand: Command = {
  name: "incident",
  summary: "breach response: isolate Scout, rotate every credential",
  help: HELP,
  async run(argv, io) {
    const [sub, ...rest] = argv;
    if (sub === undefined || sub === "--help" || sub === "-h") return help(io, this.help);
    if (sub === "isolate") return isolate(rest, io);
    if (sub === "rotate-all") return rotateAll(rest, io);
    throw unknownSubcommand("incident", sub, ["isolate", "rotate-all"]);
  },
};

async function isolate(argv: readonly string[], io: Io): Promise<number> {
  const { values, positionals } = parseCommandArgs("incident isolate", argv, {
    config: { type: "string" },
    ...HELM_ARGS,
  });
  if (values.help) return help(io, HELP);
  const badNamespace = values.namespace && typedNameProblem("namespace name", values.namespace);
  if (badNamespace) throw new ConfigurationError(`incident isolate: --namespace: ${badNamespace}`);
  // --namespace is the deny-all policy's namespace here, and a chart's release namespace too.
  const { bundle, settings } = await load("incident isolate", positionals, values, io, true);
  return finish(
    incidentIsolate({
      bundle,
      settings,
      ...(values.namespace ? { namespace: values.namespace } : {}),
    }),
    io,
  );
}

async function rotateAll(argv: readonly string[], io: Io): Promise<number> {
  const { values, positionals } = parseCommandArgs("incident rotate-all", argv, {
    out: { type: "string" },
    config: { type: "string" },
    ...HELM_ARGS,
  });
  if (values.help) return help(io, HELP);
  const { bundle, settings } = await load("incident rotate-all", positionals, values, io);
  return finish(incidentRotateAll({ bundle, settings, out: values.out }), io);
}

/**
 * The objects `check` would judge for these paths (the config's scout: section rendered when no
 * path is given or the paths hold the config), and the config's idea of Scout's components.
 */
async function load(
  command: string,
  paths: readonly string[],
  values: Parameters<typeof helmOptions>[0] & { config?: string },
  io: Io,
  namespaceOfItsOwn = false,
) {
  if (paths.length === 0 && loadConfig(io.cwd, values.config).scout === undefined) {
    throw new ConfigurationError(
      `${command}: give PATHs (files, folders, globs or -), or a config with a scout: section`,
    );
  }
  const { config, bundle } = await loadCheckInputs({
    cwd: io.cwd,
    paths,
    ...(values.config ? { configPath: values.config } : {}),
    helm: helmOptions(values),
    readStdin: io.readStdin,
    ...(namespaceOfItsOwn ? { namespaceOfItsOwn } : {}),
  });
  return { bundle, settings: guideSettings(config.policy.settings) };
}
