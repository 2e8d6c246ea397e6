import { existsSync, readFileSync } from "node:fs";
import { resolve } from "node:path";
import { ConfigurationError, FAIL_ON, type FailOn } from "@scout-deploy/core";
import {
  checkedKubernetesVersion,
  loadCheckInputs,
  pluginDigests,
  systemToolRunner,
} from "@scout-deploy/engine";
import { checkedPaths, recordedKubernetesVersion, runVerify } from "@scout-deploy/signoff";
import { oneOf, parseCommandArgs } from "../args.js";
import type { Command } from "../command.js";
import type { Io } from "../io.js";
import { HELM_ARGS, helmOptions, help } from "./check.js";
import { readFiles, refuseRecordAmongFiles, signedFiles } from "./signoff.js";

export const verifyCommand: Command = {
  name: "verify",
  summary: "check that the files are exactly the signed-off ones, before applying them",
  help: `Usage: scout-deploy verify --signoff FILE --key PUBLIC.pem [PATH...] [options]

Exit 0 only when the signature on the sign-off record holds for --key, the signed verdict was
a pass taken at a threshold at least as strict as --require-fail-on, PATH is the sign-off's
own (one file of a signed folder would miss a file added beside it), the files under PATH
are exactly the signed ones (each changed, missing or extra file is named), and the config
file means what it meant at sign-off (a changed scout: or policy: section is named; comments
and layout do not count). Charts are rendered for the Kubernetes version the record was
checked against (the newest bundled for a record that names none), and the output says which.

Options:
  --signoff FILE              the record written by "scout-deploy signoff"
  --key FILE                  the PEM public key (Ed25519 or ECDSA P-256)
  --require-fail-on LEVEL     ${FAIL_ON.join("|")} (default error): the most lenient failOn a
                              passing record may have been signed at; a pass signed at a more
                              lenient one (failOn never passes anything) is refused
  --config FILE               config file (default: scout-deploy.yaml, found by walking up)
  --values FILE, --set KEY=VALUE, --set-string KEY=VALUE, --set-json KEY=JSON,
  --set-file KEY=PATH, --release-name NAME, --namespace NS, --kube-version X.Y.Z
                              how charts among the paths are rendered: give the flags the
                              deployment renders with; other values render other objects,
                              and the rendered file is then named as changed (a --set-file
                              file whose bytes changed is named too)
  -h, --help                  this help

Exit codes: 0 verified, 1 not verified, 2 could not run.
`,
  async run(argv, io) {
    const { values, positionals } = parseCommandArgs("verify", argv, {
      signoff: { type: "string" },
      key: { type: "string" },
      config: { type: "string" },
      "require-fail-on": { type: "string" },
      ...HELM_ARGS,
    });
    if (values.help) return help(io, this.help);
    if (!values.signoff) throw new ConfigurationError("--signoff FILE is required");
    if (!values.key) throw new ConfigurationError("--key PUBLIC.pem is required");
    const requireFailOn =
      oneOf<FailOn>("--require-fail-on", values["require-fail-on"], FAIL_ON) ?? "error";
    if (positionals.includes("-")) {
      throw new ConfigurationError("checks files, not standard input: give paths");
    }
    const helm = helmOptions(values);
    // The same file list the check saw: folders, globs and config resolve as they did at signoff.
    // Read, not judged: no rule pack's code runs before its digest is compared.
    const record = readText(io, "--signoff", values.signoff);
    // Charts render for the version the sign-off checked against, so the same objects compare.
    const recorded = recordedKubernetesVersion(record);
    const kubernetesVersion = recorded ?? checkedKubernetesVersion(undefined);
    const run = await loadCheckInputs({
      cwd: io.cwd,
      paths: positionals,
      kubernetesVersion,
      ...(values.config ? { configPath: values.config } : {}),
      helm,
      tools: systemToolRunner(io.env),
    });
    refuseRecordAmongFiles(io, "--signoff", values.signoff, run.bundle.files);
    const out = runVerify({
      record,
      publicKeyPem: readText(io, "--key", values.key),
      files: readFiles(io, signedFiles(run.bundle.files, helm, io.cwd), run.rendered),
      cwd: io.cwd,
      requireFailOn,
      config: run.config.path
        ? { name: run.config.shown ?? run.config.path, content: readFileSync(run.config.path) }
        : null,
      plugins: pluginDigests(run.config),
      kubernetes: { used: kubernetesVersion, recorded },
      paths: checkedPaths(positionals, io.cwd),
    });
    io.stdout(out.text);
    return out.exitCode;
  },
};

function readText(io: Io, flag: string, path: string): string {
  const full = resolve(io.cwd, path);
  if (!existsSync(full)) throw new ConfigurationError(`${flag}: file not found: ${path}`);
  return readFileSync(full, "utf8");
}
