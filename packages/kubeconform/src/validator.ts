import { spawn } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import {
  type Bundle,
  type BundleObject,
  ConfigurationError,
  describeRef,
} from "@scout-deploy/core";
import {
  apiServerProblems,
  bundledKubernetesVersions,
  bundledSchemaSet,
  defaultKubernetesVersion,
  normalizeProblems,
  parseKubernetesVersion,
  type SchemaProblem,
  type SchemaValidator,
  type ValidateOptions,
} from "@scout-deploy/schema";
import { findKubeconform, requireKubeconform } from "./binary.js";
import { type InstallOptions, installKubeconform } from "./install.js";
import { problemsOf, type SchemaLookup } from "./map.js";
import { type KubeconformOutput, parseOutput } from "./output.js";

/** The Datree CRDs catalog, kubeconform's usual second location for custom resources. */
export const CRDS_CATALOG =
  "https://raw.githubusercontent.com/datreeio/CRDs-catalog/main/{{.Group}}/{{.ResourceKind}}_{{.ResourceAPIVersion}}.json";

export interface KubeconformOptions {
  /** The binary; else KUBECONFORM_PATH, PATH, ~/go/bin. */
  binary?: string;
  env?: NodeJS.ProcessEnv;
  /**
   * Where schemas come from, in order: "default" (kubeconform's own), URL templates, local
   * folders (offline: see writeOfflineSchemas). Default: SCOUT_KUBECONFORM_SCHEMA_LOCATION
   * (comma-separated) when set, else ["default"].
   */
  schemaLocations?: string[];
  /** Add the CRDs catalog after the other locations. */
  crdsCatalog?: boolean;
  skipKinds?: string[];
  rejectKinds?: string[];
  /** Goroutines kubeconform runs (its -n). */
  workers?: number;
  /** In GitHub Actions (GITHUB_ACTIONS=true) a missing binary is installed with these. */
  install?: InstallOptions;
}

/** kubeconform behind the SchemaValidator port. */
export function createKubeconformValidator(options: KubeconformOptions = {}): SchemaValidator {
  return {
    name: "kubeconform",
    validate: (bundle, validate) => runKubeconform(bundle, { ...options, ...validate }),
  };
}

/**
 * The version kubeconform is asked for, with all three parts. A minor that the embedded
 * validator bundles is asked as X.Y.0, like the embedded engine (the API of a minor does not
 * change between patches, and offline folders hold X.Y.0); others as given. A bad string is a
 * ConfigurationError.
 */
export function kubeconformVersion(requested: string | undefined): string {
  const { major, minor, patch } = parseKubernetesVersion(requested || defaultKubernetesVersion());
  const bundled = bundledKubernetesVersions().find((v) => v.startsWith(`${major}.${minor}.`));
  return bundled ?? `${major}.${minor}.${patch}`;
}

export async function runKubeconform(
  bundle: Bundle,
  options: KubeconformOptions & ValidateOptions = {},
): Promise<SchemaProblem[]> {
  const version = kubeconformVersion(options.kubernetesVersion);
  if (bundle.objects.length === 0) return [];
  const binary = await binaryFor(options);
  const work = await mkdtemp(join(tmpdir(), "scout-kubeconform-"));
  try {
    await writeObjects(work, bundle.objects);
    const output = await execute(binary, argumentsFor(options, version, work));
    // kubeconform checks the schema only; what the API server's validation refuses besides
    // is judged by the same code as the embedded engine's, so both engines agree.
    const problems = [
      ...mapResults(bundle.objects, output, version),
      ...apiServerProblems(bundle, { kubernetesVersion: version }),
    ];
    return normalizeProblems(bundle, problems);
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

async function binaryFor(options: KubeconformOptions): Promise<string> {
  const env = options.env ?? process.env;
  const found = findKubeconform({ path: options.binary, env });
  if (found) return found;
  if (env.GITHUB_ACTIONS === "true") return installKubeconform(options.install);
  return requireKubeconform({ path: options.binary, env });
}

/**
 * One file per object, named by its index: kubeconform reads only files named .yaml, .yml or
 * .json and reports no lines, so the file name is what maps a result back to our object (and
 * through the loader's pointer map, to a line). JSON of the loaded value: List items are
 * objects of their own, and both engines see exactly the same values.
 */
async function writeObjects(dir: string, objects: readonly BundleObject[]): Promise<void> {
  const batch = 256;
  for (let start = 0; start < objects.length; start += batch) {
    await Promise.all(
      objects
        .slice(start, start + batch)
        .map((object, i) =>
          writeFile(join(dir, `${start + i}.json`), JSON.stringify(object.value)),
        ),
    );
  }
}

export function argumentsFor(options: KubeconformOptions, version: string, dir: string): string[] {
  const env = options.env ?? process.env;
  const fromEnv = env.SCOUT_KUBECONFORM_SCHEMA_LOCATION?.split(",").filter(Boolean);
  const locations = [...(options.schemaLocations ?? fromEnv ?? ["default"])];
  if (options.crdsCatalog) locations.push(CRDS_CATALOG);
  const args = [
    "-strict",
    "-output",
    "json",
    "-summary",
    "-verbose",
    "-kubernetes-version",
    version,
  ];
  for (const location of locations) args.push("-schema-location", location);
  if (options.skipKinds?.length) args.push("-skip", options.skipKinds.join(","));
  if (options.rejectKinds?.length) args.push("-reject", options.rejectKinds.join(","));
  if (options.workers) args.push("-n", String(options.workers));
  args.push(dir);
  return args;
}

function execute(binary: string, args: string[]): Promise<KubeconformOutput> {
  return new Promise((resolve, reject) => {
    const child = spawn(binary, args, { stdio: ["ignore", "pipe", "pipe"] });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    child.stdout.on("data", (chunk: Buffer) => stdout.push(chunk));
    child.stderr.on("data", (chunk: Buffer) => stderr.push(chunk));
    child.on("error", (error) =>
      reject(new ConfigurationError(`kubeconform: cannot run ${binary}: ${error.message}`)),
    );
    child.on("close", (code) => {
      const text = Buffer.concat(stdout).toString("utf8");
      try {
        resolve(parseOutput(text));
      } catch {
        const why = Buffer.concat(stderr).toString("utf8").trim() || text.trim();
        reject(new ConfigurationError(`kubeconform failed (exit ${code}): ${why.split("\n")[0]}`));
      }
    });
  });
}

function mapResults(
  objects: readonly BundleObject[],
  output: KubeconformOutput,
  version: string,
): SchemaProblem[] {
  const { valid, invalid, errors, skipped } = output.summary;
  if (valid + invalid + errors + skipped === 0) {
    throw new ConfigurationError(
      `kubeconform validated 0 resources of the ${objects.length} given: nothing was checked`,
    );
  }
  const unreachable = schemasUnreachable(output, objects.length);
  if (unreachable) throw new ConfigurationError(unreachable);
  const lookup = schemaLookup(version);
  const seen = new Set<number>();
  const problems: SchemaProblem[] = [];
  for (const result of output.resources) {
    const index = Number(basename(result.filename, ".json"));
    const object = objects[index];
    if (!object) throw new Error(`kubeconform reported on an unknown file ${result.filename}`);
    seen.add(index);
    problems.push(...problemsOf(object, result, version, lookup));
  }
  const lost = objects.findIndex((_, i) => !seen.has(i));
  if (lost !== -1) {
    const object = objects[lost] as BundleObject;
    throw new Error(
      `kubeconform returned no result for ${describeRef(object.ref)} (${object.document.file.path})`,
    );
  }
  return problems;
}

const DOWNLOAD_FAILED = /^failed downloading schema at (\S+): /;

/**
 * Schemas kubeconform could not download (offline, a proxy, a schema server down): one message
 * that says what to do, instead of the same long network error on every object.
 */
function schemasUnreachable(output: KubeconformOutput, total: number): string | undefined {
  const failed = output.resources.filter((r) => DOWNLOAD_FAILED.test(r.msg ?? ""));
  if (failed.length === 0) return undefined;
  const first = failed[0]!.msg as string;
  const url = DOWNLOAD_FAILED.exec(first)?.[1] ?? "";
  const reason = first.split(": ").slice(-2).join(": ");
  return (
    `kubeconform could not download its schemas (${failed.length} of ${total} objects; ${url}: ${reason}). ` +
    "Offline, pass --schema-location DIR with a local schema folder " +
    "(scripts/install-kubeconform.sh writes one from the embedded validator's schemas; " +
    "or set SCOUT_KUBECONFORM_SCHEMA_LOCATION), or use --schema embedded"
  );
}

/** The bundled schemas of the same version, when it is bundled, to word messages alike. */
function schemaLookup(version: string): SchemaLookup {
  let set: ReturnType<typeof bundledSchemaSet>;
  try {
    set = bundledSchemaSet(version);
  } catch {
    return () => undefined;
  }
  return (object, pointer) => {
    const schema = set.kindSchema(object.value.apiVersion, object.value.kind);
    return schema && set.schemaAt(schema, object.value, pointer);
  };
}
