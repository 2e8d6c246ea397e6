import { ConfigurationError, defaultPolicy } from "@scout-deploy/core";
import { guideSettings } from "@scout-deploy/engine";
import { incidentIsolate, incidentRotateAll } from "@scout-deploy/incident";
import { loadBundle } from "@scout-deploy/loader";
import { parseCommandArgs, unknownSubcommand } from "../args.js";
import type { Command } from "../command.js";
import type { Io } from "../io.js";
import { help } from "./check.js";
import { finish } from "./secrets.js";

const HELP = `Usage: scout-deploy incident <isolate|rotate-all> PATH... [options]

The Security Guide's breach response, step 1 and 2.

  isolate PATH... [--namespace NS]
      Prints partial objects that scale every Scout workload to 0 (Jobs and CronJobs suspended,
      DaemonSets given an unsatisfiable nodeSelector) and a deny-all NetworkPolicy. Apply with
      kubectl apply --server-side --field-manager=scout-incident --force-conflicts -f -

  rotate-all PATH... --out FILE|-
      New values for every credential of every Secret in PATHs; old values are not kept.
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
    namespace: { type: "string" },
  });
  if (values.help) return help(io, HELP);
  const bundle = await load("incident isolate", positionals, io);
  return finish(
    incidentIsolate({
      bundle,
      settings: guideSettings(defaultPolicy().settings),
      ...(values.namespace ? { namespace: values.namespace } : {}),
    }),
    io,
  );
}

async function rotateAll(argv: readonly string[], io: Io): Promise<number> {
  const { values, positionals } = parseCommandArgs("incident rotate-all", argv, {
    out: { type: "string" },
  });
  if (values.help) return help(io, HELP);
  const bundle = await load("incident rotate-all", positionals, io);
  return finish(incidentRotateAll({ bundle, out: values.out }), io);
}

function load(command: string, paths: readonly string[], io: Io) {
  if (paths.length === 0)
    throw new ConfigurationError(`${command}: give PATHs (files, folders, globs or -)`);
  return loadBundle(paths, { cwd: io.cwd, readStdin: io.readStdin });
}
