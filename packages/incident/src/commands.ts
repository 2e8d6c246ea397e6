import {
  type Bundle,
  type BundleObject,
  buildBundle,
  describeRef,
  parseSource,
} from "@scout-deploy/core";
import {
  type Clock,
  type CommandResult,
  consumerPosition,
  credentialValues,
  encodeBase64,
  type Inputs,
  isValidBase64,
  type Manifest,
  rotateSecret,
  type SecretConsumer,
  secretConsumers,
  toYaml,
} from "@scout-deploy/secrets";
import {
  type IsolationSettings,
  isolationPatch,
  isolationTakesDown,
  scoutWorkloads,
} from "./isolate.js";

const NEEDS_OUT = "--out FILE or --out - is required: secret values are written only where you ask";

function usage(message: string): CommandResult {
  return { messages: [message], exitCode: 2, secretValues: [] };
}

/** Problems that mean some input was not read: what it holds is neither isolated nor rotated. */
const UNREAD = new Set([
  "input/parse-error",
  "input/file-too-large",
  "input/unreadable",
  "input/not-rendered",
]);

/** One line per input that was not read; an incident response must not look complete without it. */
function unreadInputs(command: string, bundle: Bundle): string[] {
  return bundle.problems
    .filter((problem) => UNREAD.has(problem.ruleId))
    .map(
      ({ position, message }) =>
        `${command}: ${position.file}:${position.line}:${position.column}: not read, nothing there is in the output: ${message}`,
    );
}

/** The result, failing (exit 1, output kept) when part of the input was not read. */
function withUnread(result: CommandResult, unread: readonly string[]): CommandResult {
  if (unread.length === 0) return result;
  return {
    ...result,
    messages: [...unread, ...result.messages],
    exitCode: result.exitCode === 2 ? 2 : 1,
  };
}

function bundleOf(options: Inputs): Bundle {
  return (
    options.bundle ?? buildBundle((options.inputs ?? []).map((i) => parseSource(i.path, i.text)))
  );
}

export interface RotateAllOptions extends Clock, Inputs {
  out?: string;
  /**
   * Which workloads `incident isolate` took down: the same settings it ran with. Their pods
   * start with the new values when they come back; the others are named, to restart.
   * @default every workload of the input, as isolate does when no component label matches
   */
  settings?: IsolationSettings;
}

/** Incident response: new values for every credential of every Secret, old values dropped at once. */
export function incidentRotateAll(options: RotateAllOptions): CommandResult {
  if (!options.out) return usage(`incident rotate-all: ${NEEDS_OUT}`);
  const bundle = bundleOf(options);
  return withUnread(rotateAll(bundle, options), unreadInputs("incident rotate-all", bundle));
}

function rotateAll(bundle: Bundle, options: RotateAllOptions): CommandResult {
  const now = options.now ?? new Date();
  const manifests: Manifest[] = [];
  const messages: string[] = [];
  const secretValues: string[] = [];
  for (const object of bundle.objects) {
    const keys = [...new Set(credentialValues(object).map((v) => v.key))].filter(
      (k) => !k.endsWith("-previous"),
    );
    if (keys.length === 0) continue;
    const rotation = rotateSecret(foldable(object), {
      keys,
      now,
      random: options.random,
      overlapDays: 0,
    });
    manifests.push(rotation.manifest);
    secretValues.push(...rotation.newValues);
    messages.push(`rotated ${describeRef(object.ref)}: ${keys.join(", ")}`);
    messages.push(...readerNotes(bundle, object, keys, options.settings));
  }
  if (manifests.length === 0) {
    return {
      messages: ["incident rotate-all: no Secret with credentials in the given paths"],
      exitCode: 1,
      secretValues: [],
    };
  }
  messages.push(
    "apply the new Secrets (kubectl apply -f), handle the readers named above, and change any external system that holds the old values; workloads outside the given paths that read these Secrets through env, envFrom or subPath keep the old values until restarted",
  );
  return {
    output: { target: options.out!, text: toYaml(manifests) },
    messages,
    exitCode: 0,
    secretValues,
  };
}

/**
 * What becomes of each reader of the rotated keys. The breach response isolates first: a
 * workload `incident isolate` scaled to 0 (or suspended, or left without a node) has no pod
 * holding the old values, and its pods start with the new ones when it comes back, so nothing
 * here rolls it. The rest are named, with what to do.
 */
function readerNotes(
  bundle: Bundle,
  secret: BundleObject,
  keys: readonly string[],
  settings: IsolationSettings = { componentLabels: [], components: [] },
): string[] {
  const consumers = secretConsumers(bundle, secret, keys);
  const isolated = new Set(scoutWorkloads(bundle.objects, settings));
  return consumers.map((consumer) => {
    const { file, line } = consumerPosition(consumer);
    const via = [...new Set(consumer.reads.map((read) => read.via))].join(", ");
    const what = afterIsolation(consumer, isolated.has(consumer.workload));
    return `  ${file}:${line}: ${describeRef(consumer.workload.ref)} reads it through ${via}: ${what}`;
  });
}

function afterIsolation(consumer: SecretConsumer, isolated: boolean): string {
  const { kind } = consumer.workload.value;
  if (consumer.fate === "refreshed") return consumer.why;
  if (kind === "Pod")
    return "a bare Pod holds the old values until deleted (isolate cannot scale it): delete it";
  if (isolated && !isolationTakesDown(consumer.workload))
    return `isolate cannot take a ${kind} down: it holds the old values until you delete it`;
  const target = `${kind.toLowerCase()}/${consumer.workload.ref.name ?? ""}`;
  const ns = consumer.workload.ref.namespace ? ` -n ${consumer.workload.ref.namespace}` : "";
  const restart = `kubectl rollout restart ${target}${ns}`;
  if (!isolated) {
    return consumer.fate === "roll"
      ? `not isolated: restart it after applying (${restart})`
      : `not isolated: ${consumer.why}`;
  }
  if (kind === "CronJob")
    return "suspended by incident isolate: Jobs it starts after resuming read the new values, but Jobs it had already started keep running with the old ones: delete them";
  const otherwise = consumer.fate === "roll" ? `; if it was not isolated, ${restart}` : "";
  return `taken down by incident isolate: no restart needed, its pods start with the new values when it is brought back${otherwise}`;
}

/** A Secret whose invalid `data` values are dropped (they are replaced anyway) so it can be rotated. */
function foldable(object: BundleObject): Manifest {
  const value = structuredClone(object.value) as Manifest;
  const data = (value.data ?? {}) as Record<string, unknown>;
  for (const [key, raw] of Object.entries(data))
    if (typeof raw !== "string" || !isValidBase64(raw)) delete data[key];
  const plain = (value.stringData ?? {}) as Record<string, unknown>;
  for (const [key, raw] of Object.entries(plain)) {
    data[key] = encodeBase64(String(raw));
  }
  delete value.stringData;
  value.data = data;
  return value;
}

export interface IsolateOptions extends Inputs {
  /** The namespace of the deny-all policy; default: the workloads' own. */
  namespace?: string;
  /** Which workloads are the application's: the run's settings (the CLI gives the guide pack's). */
  settings: IsolationSettings;
}

export function incidentIsolate(options: IsolateOptions): CommandResult {
  const bundle = bundleOf(options);
  return withUnread(isolate(bundle, options), unreadInputs("incident isolate", bundle));
}

function isolate(bundle: Bundle, options: IsolateOptions): CommandResult {
  const isolation = isolationPatch(bundle.objects, options.settings, options.namespace);
  if (isolation.manifests.length === 0) {
    return {
      messages: ["incident isolate: no workload found in the given paths"],
      exitCode: 1,
      secretValues: [],
    };
  }
  return {
    output: { target: "-", text: toYaml(isolation.manifests) },
    messages: isolation.notes,
    exitCode: 0,
    secretValues: [],
  };
}
