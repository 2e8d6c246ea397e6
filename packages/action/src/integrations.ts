import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { isAbsolute, relative, resolve, sep } from "node:path";
import type { LoadedConfig, PluginDigest } from "@scout-deploy/engine";
import type { ActionsAttestFunction, KeylessAttestor } from "@scout-deploy/signoff";
import type { RunContext } from "./context.js";
import type { Inputs } from "./inputs.js";
import type { Logger } from "./ports.js";
import type { Attester } from "./signoff.js";
import { TOOL } from "./version.js";

export const PASSPHRASE_ENV = "SCOUT_SIGNOFF_KEY_PASSPHRASE";

/** @actions/attest's `attest`, loaded only when a run signs keyless. */
export type AttestLoader = () => Promise<ActionsAttestFunction>;

const loadActionsAttest: AttestLoader = async () => (await import("@actions/attest")).attest;

/**
 * The runner sets both variables only for a job with `permissions: id-token: write`; the
 * signoff package's `canSignKeyless` looks at the URL inside Actions, @actions/attest needs both.
 * `attestations: write` cannot be seen in advance: a refusal fails the attest call.
 */
export function hasIdToken(
  env: Readonly<Record<string, string | undefined>>,
  canSignKeyless: (env: Record<string, string | undefined>) => boolean,
): boolean {
  return canSignKeyless(env) && Boolean(env.ACTIONS_ID_TOKEN_REQUEST_TOKEN);
}

const UNSIGNED_HINT =
  "to sign it, pass signoff-key from a secret, or grant the job `permissions: id-token: write, attestations: write` to sign keyless with Sigstore";

/**
 * Writes the sign-off record with @scout-deploy/signoff: signed by the signoff-key input, else
 * keyless through @actions/attest when the job may mint an OIDC token, else unsigned.
 */
export function signoffAttester(
  inputs: Inputs,
  context: RunContext,
  env: Readonly<Record<string, string | undefined>>,
  log: Logger,
  loadAttest: AttestLoader = loadActionsAttest,
  /** The run's bound on GitHub calls: keyless signing (Fulcio, Rekor, GitHub) stays inside it. */
  deadline?: AbortSignal,
): Attester {
  return async (run, file) => {
    const signoff = await import("@scout-deploy/signoff");
    const checked = run.check?.run;
    const { GUIDE_PACK, RENDERED_PREFIX, helmSetFiles } = await import("@scout-deploy/engine");
    // A value read from a --set-file file is deployed as the file is: the record binds its bytes.
    const setFiles = helmSetFiles(inputs.helm ?? {}, context.workspace).filter(
      (path) => !run.bundle.files.includes(path),
    );
    const files = checkedFiles(
      [...run.bundle.files, ...new Set(setFiles)],
      checked?.rendered,
      context.workspace,
      {
        dir: run.renderedDir,
        prefix: RENDERED_PREFIX,
      },
    );
    const passphrase = env[PASSPHRASE_ENV];
    const keyless = await keylessAttestor(inputs, env, loadAttest, signoff, deadline);
    const out = await signoff.runSignoff({
      files,
      result: run.result,
      cwd: context.workspace,
      context: {
        tool: { ...TOOL },
        rulePacks: [{ ...GUIDE_PACK }],
        // The version the check used (the newest bundled when the input is empty).
        kubernetesVersion: checked?.kubernetesVersion ?? inputs.kubernetesVersion ?? null,
        checkedAt: new Date().toISOString(),
        ...(run.gate ? { gate: run.gate } : {}),
        // What verify must walk: the manifests input as written (none: the config is rendered).
        paths: signoff.checkedPaths(inputs.manifests, context.workspace),
        ...(checked ? await loadedConfig(checked.config) : configBytes(inputs, context)),
        ...githubContext(signoff.githubContextFromEnv, env),
      },
      ...(inputs.signoffKey
        ? { key: { pem: inputs.signoffKey, ...(passphrase ? { passphrase } : {}) } }
        : {}),
      ...(keyless ? { keyless } : {}),
    });
    writeFileSync(file, out.mode === "keyless" ? jsonLine(out.record) : out.record);
    const [how, ...rest] = out.messages;
    if (out.mode === "unsigned") {
      log.warning(how!);
      if (!keyless) log.info(UNSIGNED_HINT);
    } else log.info(how!);
    for (const line of rest) log.info(line);
  };
}

async function keylessAttestor(
  inputs: Inputs,
  env: Readonly<Record<string, string | undefined>>,
  loadAttest: AttestLoader,
  signoff: Pick<typeof import("@scout-deploy/signoff"), "actionsAttestor" | "canSignKeyless">,
  deadline: AbortSignal | undefined,
): Promise<KeylessAttestor | undefined> {
  if (inputs.signoffKey || !hasIdToken(env, signoff.canSignKeyless)) return undefined;
  const attest = await loadAttest();
  return signoff.actionsAttestor(async (options) => {
    try {
      return await withinDeadline(attest(options), deadline, inputs.githubTimeout);
    } catch (error) {
      throw new Error(withCauses(error));
    }
  }, inputs.token);
}

/** @actions/attest takes no signal: its promise is raced against the run's deadline. */
function withinDeadline<T>(
  work: Promise<T>,
  deadline: AbortSignal | undefined,
  seconds: number,
): Promise<T> {
  if (!deadline) return work;
  const timedOut = () => new Error(`no answer within github-timeout (${seconds}s)`);
  if (deadline.aborted) return Promise.reject(timedOut());
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(timedOut());
    deadline.addEventListener("abort", onAbort, { once: true });
    work.then(resolve, reject).finally(() => deadline.removeEventListener("abort", onAbort));
  });
}

/** Sigstore's errors name the step ("error creating signing certificate"); the why is in `cause`. */
export function withCauses(error: unknown): string {
  const parts: string[] = [];
  for (let e: unknown = error; e !== undefined && parts.length < 5; ) {
    const message = e instanceof Error ? e.message : String(e);
    if (message && !parts.some((part) => part.includes(message))) parts.push(message);
    e = e instanceof Error ? e.cause : undefined;
  }
  return parts.join(": ");
}

/** `gh attestation verify --bundle` reads a .jsonl file as one Sigstore bundle per line. */
function jsonLine(record: string): string {
  return `${JSON.stringify(JSON.parse(record))}\n`;
}

/**
 * The exact bytes the check judged: a chart or kustomization among the manifests was rendered
 * in memory (`<rendered>/...`), every other file is read again. The config's render went to the
 * runner's temp folder, a name no deploy job shares: its files are named as `scout-deploy
 * verify --config` names its own render of the config, `<rendered>/NN-name.yaml`.
 */
function checkedFiles(
  shown: readonly string[],
  rendered: Readonly<Record<string, string>> = {},
  workspace: string,
  renderedDir: { dir: string | undefined; prefix: string },
): { path: string; content: Uint8Array }[] {
  return shown.map((path) => {
    if (path in rendered) return { path, content: Buffer.from(rendered[path]!) };
    const full = resolve(workspace, path);
    const inRender = renderedDir.dir ? relative(renderedDir.dir, full) : "..";
    const name =
      inRender === ".." || inRender.startsWith(`..${sep}`) || isAbsolute(inRender)
        ? path
        : `${renderedDir.prefix}${inRender.split(sep).join("/")}`;
    return { path: name, content: readFileSync(full) };
  });
}

/**
 * The config the run loaded (found by walking up when the config input is empty, or the
 * trusted defaults on pull_request_target) and the code of the rule packs it named: the record
 * speaks for the policy that judged, and verify compares both.
 */
async function loadedConfig(
  config: LoadedConfig,
): Promise<{ config?: Uint8Array; plugins: PluginDigest[] }> {
  const { pluginDigests } = await import("@scout-deploy/engine");
  return {
    ...(config.path ? { config: readFileSync(config.path) } : {}),
    plugins: pluginDigests(config),
  };
}

function configBytes(inputs: Inputs, context: RunContext): { config?: Uint8Array } {
  if (!inputs.config) return {};
  const path = resolve(context.workspace, inputs.config);
  return existsSync(path) ? { config: readFileSync(path) } : {};
}

function githubContext<T>(
  fromEnv: (env: Record<string, string | undefined>, event?: unknown) => T | undefined,
  env: Readonly<Record<string, string | undefined>>,
): { github?: T } {
  let event: unknown;
  try {
    event = env.GITHUB_EVENT_PATH
      ? JSON.parse(readFileSync(env.GITHUB_EVENT_PATH, "utf8"))
      : undefined;
  } catch {
    event = undefined;
  }
  const github = fromEnv({ ...env }, event);
  return github ? { github } : {};
}
