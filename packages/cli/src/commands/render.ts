import { resolve } from "node:path";
import { ConfigurationError } from "@scout-deploy/core";
import { loadConfig, renderScout, writeRendered } from "@scout-deploy/engine";
import { parseCommandArgs } from "../args.js";
import type { Command } from "../command.js";
import { cannotWrite, writeOutput } from "../output.js";
import { help } from "./check.js";

export const renderCommand: Command = {
  name: "render",
  summary: "render Scout's manifests from the config's scout: section",
  help: `Usage: scout-deploy render [options]

Renders Scout's Kubernetes manifests, secure by default, from the scout: section of the
config file. The same config always gives the same bytes; the header names the config's sha256.

Options:
  --config FILE  config file (default: scout-deploy.yaml, found by walking up)
  --out DIR|-    - writes one YAML stream to stdout (the default); DIR writes one file per
                 component (00-namespace.yaml, 20-backend.yaml, ...) and removes files of an
                 earlier render that this one no longer produces
  -h, --help     this help

Exit codes: 0 rendered, 2 could not run (no config, no scout: section, a bad value).
`,
  async run(argv, io) {
    const { values, positionals } = parseCommandArgs("render", argv, {
      config: { type: "string" },
      out: { type: "string" },
    });
    if (values.help) return help(io, this.help);
    if (positionals.length) {
      throw new ConfigurationError(`render takes no paths (got "${positionals[0]}"); see --help`);
    }
    const loaded = loadConfig(io.cwd, values.config);
    if (!loaded.path) {
      throw new ConfigurationError(
        "no scout-deploy.yaml here or in a parent folder: create one or pass --config FILE",
      );
    }
    const { yaml, files } = renderScout(loaded);
    const out = values.out ?? "-";
    if (out === "-") {
      writeOutput(io, undefined, yaml);
      return 0;
    }
    const written = writeFolder(out, () => writeRendered(resolve(io.cwd, out), files));
    io.stderr(`wrote ${written.length} files to ${out}\n`);
    return 0;
  },
};

function writeFolder(out: string, write: () => string[]): string[] {
  try {
    return write();
  } catch (error) {
    throw cannotWrite(out, error);
  }
}
