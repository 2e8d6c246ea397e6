import { parseSource } from "@scout-deploy/core";
import fc from "fast-check";
import { type FixtureDocument, fixtureDocuments, marked, WEAK } from "./fixture.js";

/**
 * Generated Kustomize trees of the compliant Scout fixture: a base split into files, one or two
 * overlays, maybe a component, with the transformers and the patch forms Kustomize knows, and
 * at most one control weakened at one place. The place is marked in the text (`WEAK`) and the
 * marks are taken out when the tree is written: `expected` says where each one was.
 */

export const WORKLOADS = ["frontend", "backend", "nginx", "prometheus", "redis"] as const;
export type Workload = (typeof WORKLOADS)[number];
const DEPLOYMENTS: readonly Workload[] = ["frontend", "backend", "nginx", "prometheus"];

/** Where a patch is written: an overlay (0 the first over the base) or the component. */
export type Layer = 0 | 1 | "component";
export type SmForm = "file" | "file-target" | "inline" | "legacy-file" | "legacy-inline";
/** `inline-json`: the operations as one quoted JSON line, `patch: '[{"op": ...}]'`. */
export type JsonForm = "inline" | "inline-json" | "file" | "legacy";
export type ContainerField = "allowPrivilegeEscalation" | "readOnlyRootFilesystem";

export type Weakening =
  | { kind: "base-container"; workload: Workload; field: ContainerField }
  | { kind: "sm-container"; workload: Workload; field: ContainerField; form: SmForm; layer: Layer }
  | {
      kind: "json-op";
      workloads: Workload[];
      field: ContainerField;
      whole: boolean;
      select: "name" | "name-regex" | "labels-set" | "labels-equal";
      form: JsonForm;
      layer: Layer;
    }
  | { kind: "pod-seccomp"; workloads: Workload[]; form: "file" | "inline"; layer: Layer }
  | { kind: "image"; workload: Workload; layer: Layer | "base" }
  | { kind: "secret-literal"; key: "redis-password" | "api-token" }
  | { kind: "role-verb"; form: "sm" | "json"; layer: Layer }
  | { kind: "netpol-port"; form: "sm" | "json"; layer: Layer }
  | { kind: "replacement-source" }
  /** A patch removes a control the base sets: a null, a `$patch: delete`, a JSON `remove`. */
  | {
      kind: "removal";
      workload: Workload;
      form: "sm-null" | "sm-delete" | "json-remove";
      layer: Layer;
    }
  /** commonLabels go into selectors too: the DNS peer (kube-system) no longer matches. */
  | { kind: "common-labels"; layer: 0 | 1 };

export interface KustomizeSpec {
  /** Which file of the base each object goes to (an index), and the order of `resources:`. */
  grouping: number[];
  order: number[];
  secret: "plain" | "literals" | "envs" | "files";
  hashSuffix: boolean;
  configMapGenerator: boolean;
  replacements: boolean;
  overlays: {
    legacyBases: boolean;
    namePrefix?: string;
    nameSuffix?: string;
    namespace: boolean;
    labels: boolean;
    replicas: boolean;
    neutralImages: boolean;
    /** An `images:` entry that moves every image to a mirror (newName only). */
    mirror: boolean;
    neutralPatches: NeutralPatch[];
  }[];
  component?: { neutralPatch: boolean; layer: 0 | 1 };
  weakening?: Weakening;
  /** A refactor: the weakened value is also written by a patch of the outer overlay. */
  restatedInPatch: boolean;
}

export type NeutralPatch =
  | { kind: "annotation"; form: SmForm; workload: Workload }
  | { kind: "same-privileged"; form: SmForm; workload: Workload }
  | { kind: "json-memory"; form: JsonForm; workload: Workload }
  | { kind: "all-deployments-annotation" };

export interface Tree {
  /** Files by path below the tree's folder. */
  files: Record<string, string>;
  /** The folder to check (the outermost overlay). */
  root: string;
  /** Where the weakening was written. */
  expected: { file: string; line: number }[];
  /** How many objects the weakening reaches. */
  affected: number;
}

const layerArb = (overlays: number, component: boolean): fc.Arbitrary<Layer> =>
  fc.constantFrom<Layer>(
    ...((overlays > 1 ? [0, 1] : [0]) as Layer[]),
    ...((component ? ["component"] : []) as Layer[]),
  );

const smForm = fc.constantFrom<SmForm>(
  "file",
  "file-target",
  "inline",
  "legacy-file",
  "legacy-inline",
);
const jsonForm = fc.constantFrom<JsonForm>("inline", "inline-json", "file", "legacy");
const workload = fc.constantFrom<Workload>(...WORKLOADS);
const deployment = fc.constantFrom<Workload>(...DEPLOYMENTS);
const field = fc.constantFrom<ContainerField>("allowPrivilegeEscalation", "readOnlyRootFilesystem");

function weakeningArb(
  overlays: number,
  component: boolean,
  secret: KustomizeSpec["secret"],
): fc.Arbitrary<Weakening> {
  const layer = layerArb(overlays, component);
  const several = fc.subarray([...DEPLOYMENTS], { minLength: 2 });
  return fc.oneof(
    fc.record({ kind: fc.constant("base-container" as const), workload, field }),
    fc.record({
      kind: fc.constant("sm-container" as const),
      workload,
      field,
      form: smForm,
      layer,
    }),
    fc
      .record({
        kind: fc.constant("json-op" as const),
        workloads: fc.oneof(
          fc.tuple(deployment).map((one) => [...one]),
          several,
        ),
        field,
        whole: fc.boolean(),
        select: fc.constantFrom(
          "name" as const,
          "name-regex" as const,
          "labels-set" as const,
          "labels-equal" as const,
        ),
        form: jsonForm,
        layer,
      })
      .map((weak) =>
        // The legacy field needs a target name (its own matching is by exact name).
        weak.form === "legacy"
          ? { ...weak, workloads: weak.workloads.slice(0, 1), select: "name" as const }
          : weak,
      ),
    fc.record({
      kind: fc.constant("pod-seccomp" as const),
      workloads: several,
      form: fc.constantFrom("file" as const, "inline" as const),
      layer,
    }),
    fc.record({
      kind: fc.constant("image" as const),
      workload,
      layer: fc.constantFrom<Layer | "base">("base", ...([0, 1] as Layer[]).slice(0, overlays)),
    }),
    ...(secret === "plain"
      ? []
      : [
          fc.record({
            kind: fc.constant("secret-literal" as const),
            key: fc.constantFrom("redis-password" as const, "api-token" as const),
          }),
        ]),
    fc.record({
      kind: fc.constant("role-verb" as const),
      form: fc.constantFrom("sm" as const, "json" as const),
      layer,
    }),
    fc.record({
      kind: fc.constant("netpol-port" as const),
      form: fc.constantFrom("sm" as const, "json" as const),
      layer,
    }),
    fc.constant({ kind: "replacement-source" as const }),
    fc.record({
      kind: fc.constant("removal" as const),
      workload,
      form: fc.constantFrom("sm-null" as const, "sm-delete" as const, "json-remove" as const),
      layer,
    }),
    fc.record({
      kind: fc.constant("common-labels" as const),
      layer: fc.constantFrom<0 | 1>(...([0, 1] as const).slice(0, overlays)),
    }),
  );
}

const neutralPatch: fc.Arbitrary<NeutralPatch> = fc.oneof(
  fc.record({ kind: fc.constant("annotation" as const), form: smForm, workload }),
  fc.record({ kind: fc.constant("same-privileged" as const), form: smForm, workload }),
  fc.record({ kind: fc.constant("json-memory" as const), form: jsonForm, workload }),
  fc.constant({ kind: "all-deployments-annotation" as const }),
);

const overlayArb = fc.record({
  legacyBases: fc.boolean(),
  namePrefix: fc.option(fc.constantFrom("prod-", "eu-"), { nil: undefined }),
  nameSuffix: fc.option(fc.constantFrom("-v2", "-blue"), { nil: undefined }),
  namespace: fc.boolean(),
  labels: fc.boolean(),
  replicas: fc.boolean(),
  neutralImages: fc.boolean(),
  mirror: fc.boolean(),
  neutralPatches: fc.array(neutralPatch, { maxLength: 2 }),
});

export function kustomizeSpecArb(options: { weakened: boolean }): fc.Arbitrary<KustomizeSpec> {
  const count = fixtureDocuments().length;
  return fc
    .record({
      grouping: fc.array(fc.nat(5), { minLength: count, maxLength: count }),
      order: fc.shuffledSubarray([0, 1, 2, 3, 4, 5], { minLength: 6, maxLength: 6 }),
      secret: fc.constantFrom(
        "plain" as const,
        "literals" as const,
        "envs" as const,
        "files" as const,
      ),
      hashSuffix: fc.boolean(),
      configMapGenerator: fc.boolean(),
      replacements: fc.boolean(),
      overlays: fc.array(overlayArb, { minLength: 1, maxLength: 2 }),
      component: fc.option(
        fc.record({ neutralPatch: fc.boolean(), layer: fc.constantFrom<0 | 1>(0, 1) }),
        { nil: undefined },
      ),
      restatedInPatch: fc.constant(false),
    })
    .chain((spec) => {
      const component = spec.component && {
        ...spec.component,
        layer: Math.min(spec.component.layer, spec.overlays.length - 1) as 0 | 1,
      };
      const base = { ...spec, component };
      if (!options.weakened) return fc.constant(base as KustomizeSpec);
      return weakeningArb(spec.overlays.length, component !== undefined, spec.secret).map(
        (weakening) => ({ ...base, weakening }) as KustomizeSpec,
      );
    });
}

// ---- writing the tree --------------------------------------------------------------------

const SECRET_VALUES: Record<string, string> = {};

function secretValues(documents: readonly FixtureDocument[]): Record<string, string> {
  if (Object.keys(SECRET_VALUES).length) return SECRET_VALUES;
  const secret = documents.find((d) => d.kind === "Secret")!;
  for (const match of secret.text.matchAll(/^ {2}([\w-]+): (\S+)$/gm)) {
    if (match[1] === "name" || match[1] === "namespace") continue;
    SECRET_VALUES[match[1]!] = Buffer.from(match[2]!, "base64").toString("utf8");
  }
  return SECRET_VALUES;
}

const WEAK_VALUE: Record<ContainerField, string> = {
  allowPrivilegeEscalation: "true",
  readOnlyRootFilesystem: "false",
};
const KIND_OF = (name: Workload) => (name === "redis" ? "StatefulSet" : "Deployment");
const IMAGES: Record<Workload, { name: string; tag: string }> = {
  frontend: { name: "ghcr.io/scout/frontend", tag: "1.4.2" },
  backend: { name: "ghcr.io/scout/backend", tag: "1.4.2" },
  nginx: { name: "docker.io/nginxinc/nginx-unprivileged", tag: "1.27.1" },
  prometheus: { name: "quay.io/prometheus/prometheus", tag: "v2.53.1" },
  redis: { name: "docker.io/library/redis", tag: "7.2.5" },
};

interface Layering {
  /** Patch entries of `patches:` and the legacy fields, as YAML lines under each key. */
  patches: string[];
  patchesStrategicMerge: string[];
  patchesJson6902: string[];
  images: string[];
  files: Record<string, string>;
}

const emptyLayering = (): Layering => ({
  patches: [],
  patchesStrategicMerge: [],
  patchesJson6902: [],
  images: [],
  files: {},
});

export function writeKustomizeTree(spec: KustomizeSpec): Tree {
  const documents = fixtureDocuments();
  const weak = spec.weakening;
  const files: Record<string, string> = {};
  // ---- base
  const texts = documents.map((document) => {
    let text = document.text;
    if (weak?.kind === "base-container" && document.name === weak.workload && isWorkload(document))
      text = text.replace(
        new RegExp(`^(\\s+${weak.field}: )\\S+$`, "m"),
        `$1${WEAK_VALUE[weak.field]}${WEAK}`,
      );
    if (weak?.kind === "replacement-source" && document.name === "backend" && isWorkload(document))
      text = text.replace(/^(\s+runAsUser: )1000$/m, `$1${"0"}${WEAK}`);
    if (
      weak?.kind === "image" &&
      weak.layer === "base" &&
      isWorkload(document) &&
      document.name === weak.workload
    )
      text = text.replace(/^(\s+image: \S+):\S+$/m, `$1:latest${WEAK}`);
    return text;
  });
  const generated = (document: FixtureDocument) =>
    (document.kind === "Secret" && spec.secret !== "plain") ||
    (document.kind === "ConfigMap" && document.name === "scout-config" && spec.configMapGenerator);
  const groups = new Map<number, number[]>();
  documents.forEach((document, index) => {
    if (generated(document)) return;
    const group = spec.grouping[index]!;
    groups.set(group, [...(groups.get(group) ?? []), index]);
  });
  const baseFiles = [...groups.entries()]
    .sort(([a], [b]) => spec.order.indexOf(a) - spec.order.indexOf(b))
    .map(([group, members]) => {
      const path = `base/part-${group}.yaml`;
      files[path] = members.map((index) => texts[index]!).join("---\n");
      return path;
    });
  const base: string[] = [
    "resources:",
    ...baseFiles.map((path) => `  - ${path.slice("base/".length)}`),
  ];
  if (!spec.hashSuffix && (spec.secret !== "plain" || spec.configMapGenerator))
    base.push("generatorOptions:", "  disableNameSuffixHash: true");
  if (spec.secret !== "plain") base.push(...secretGenerator(spec, documents, files));
  if (spec.configMapGenerator)
    base.push(
      "configMapGenerator:",
      "  - name: scout-config",
      "    namespace: scout",
      "    literals:",
      "      - LOG_FORMAT=json",
      "      - REDIS_HOST=redis",
      '      - REDIS_PORT="6379"',
    );
  if (spec.replacements)
    base.push(
      "replacements:",
      "  - source:",
      "      kind: Deployment",
      "      name: backend",
      "      fieldPath: spec.template.spec.securityContext.runAsUser",
      "    targets:",
      "      - select:",
      "          kind: Deployment",
      "          name: frontend",
      "        fieldPaths:",
      "          - spec.template.spec.securityContext.runAsUser",
      "      - select:",
      "          kind: StatefulSet",
      "        fieldPaths:",
      "          - spec.template.spec.securityContext.runAsUser",
    );
  if (weak?.kind === "image" && weak.layer === "base") {
    // nothing more: the base's own image line is weakened
  }
  files["base/kustomization.yaml"] = `${base.join("\n")}\n`;
  // ---- overlays and the component
  const layers: Layering[] = spec.overlays.map(() => emptyLayering());
  const componentLayer = spec.component ? emptyLayering() : undefined;
  const layerOf = (layer: Layer): Layering =>
    layer === "component" ? componentLayer! : layers[Math.min(layer, layers.length - 1)]!;
  const mirrors: number[] = [];
  spec.overlays.forEach((overlay, index) => {
    overlay.neutralPatches.forEach((patch, n) => {
      neutral(patch, layers[index]!, `n${n}`);
    });
    const imageWeakened = weak?.kind === "image" ? weak.workload : undefined;
    // The outermost overlay moves every image to a mirror (newName only): the entries below it
    // name the images as they were.
    const outermost = index === spec.overlays.length - 1;
    const sameLayer = weak?.kind === "image" && weak.layer === index;
    if (overlay.mirror && outermost && !sameLayer) mirrors.push(index);
    if (overlay.neutralImages && imageWeakened !== "redis" && imageWeakened !== "frontend")
      layers[index]!.images.push(
        `  - name: ${IMAGES.redis.name}`,
        `    newTag: "${IMAGES.redis.tag}"`,
        `  - name: ${IMAGES.frontend.name}`,
        `    digest: sha256:${"ab".repeat(32)}`,
      );
  });
  if (spec.component)
    neutral(
      spec.component.neutralPatch
        ? { kind: "same-privileged", form: "file", workload: "nginx" }
        : { kind: "annotation", form: "inline", workload: "backend" },
      componentLayer!,
      "c",
    );
  let affected = 1;
  if (weak) affected = weaken(weak, layerOf);
  for (const index of mirrors)
    for (const workload of WORKLOADS) {
      const { name } = IMAGES[workload];
      layers[index]!.images.push(`  - name: ${name}`, `    newName: mirror.example/${name}`);
    }
  if (spec.restatedInPatch && weak?.kind === "base-container") {
    const outer = layers[layers.length - 1]!;
    smPatch(outer, "restate", "file", weak.workload, [
      "          securityContext:",
      `            ${weak.field}: ${WEAK_VALUE[weak.field]}`,
    ]);
  }
  const overlayPath = (index: number) => `overlays/o${index}`;
  spec.overlays.forEach((overlay, index) => {
    const folder = overlayPath(index);
    const below = index === 0 ? "../../base" : `../o${index - 1}`;
    const lines = [
      overlay.legacyBases ? "bases:" : "resources:",
      `  - ${below}`,
      ...(spec.component && spec.component.layer === index
        ? ["components:", "  - ../../components/c"]
        : []),
      ...(overlay.namePrefix ? [`namePrefix: ${overlay.namePrefix}`] : []),
      ...(overlay.nameSuffix ? [`nameSuffix: ${overlay.nameSuffix}`] : []),
      ...(overlay.namespace ? ["namespace: scout"] : []),
      ...(weak?.kind === "common-labels" && weak.layer === index
        ? ["commonLabels:", `  scout.example/team: platform${WEAK}`]
        : []),
      ...(overlay.labels
        ? [
            "labels:",
            "  - pairs:",
            `      scout.example/overlay: o${index}`,
            "    includeSelectors: false",
          ]
        : []),
      ...(overlay.replicas
        ? ["replicas:", "  - name: frontend", "    count: 2", "  - name: nginx", "    count: 3"]
        : []),
      ...layerLines(layers[index]!),
    ];
    files[`${folder}/kustomization.yaml`] = `${lines.join("\n")}\n`;
    for (const [name, text] of Object.entries(layers[index]!.files))
      files[`${folder}/${name}`] = text;
  });
  if (componentLayer) {
    const lines = [
      "apiVersion: kustomize.config.k8s.io/v1alpha1",
      "kind: Component",
      ...layerLines(componentLayer),
    ];
    files["components/c/kustomization.yaml"] = `${lines.join("\n")}\n`;
    for (const [name, text] of Object.entries(componentLayer.files))
      files[`components/c/${name}`] = text;
  }
  const { texts: clean, places } = marked(files);
  return {
    files: clean,
    root: overlayPath(spec.overlays.length - 1),
    expected: places,
    affected: weak ? affected : 0,
  };
}

function isWorkload(document: FixtureDocument): boolean {
  return document.kind === "Deployment" || document.kind === "StatefulSet";
}

function secretGenerator(
  spec: KustomizeSpec,
  documents: readonly FixtureDocument[],
  files: Record<string, string>,
): string[] {
  const values = { ...secretValues(documents) };
  const weak = spec.weakening?.kind === "secret-literal" ? spec.weakening.key : undefined;
  const written = (key: string) => (key === weak ? `changeme${WEAK}` : values[key]!);
  const lines = [
    "secretGenerator:",
    "  - name: scout-secrets",
    "    namespace: scout",
    "    type: Opaque",
    "    options:",
    "      labels:",
    "        app.kubernetes.io/part-of: scout",
  ];
  const keys = Object.keys(values);
  if (spec.secret === "literals")
    lines.push("    literals:", ...keys.map((key) => `      - ${key}=${written(key)}`));
  if (spec.secret === "envs") {
    files["base/secrets.env"] = `${keys.map((key) => `${key}=${written(key)}`).join("\n")}\n`;
    lines.push("    envs:", "      - secrets.env");
  }
  if (spec.secret === "files") {
    for (const key of keys) files[`base/secret-files/${key}`] = written(key);
    lines.push("    files:", ...keys.map((key) => `      - secret-files/${key}`));
  }
  return lines;
}

function layerLines(layer: Layering): string[] {
  return [
    ...(layer.patches.length ? ["patches:", ...layer.patches] : []),
    ...(layer.patchesStrategicMerge.length
      ? ["patchesStrategicMerge:", ...layer.patchesStrategicMerge]
      : []),
    ...(layer.patchesJson6902.length ? ["patchesJson6902:", ...layer.patchesJson6902] : []),
    ...(layer.images.length ? ["images:", ...layer.images] : []),
  ];
}

let unique = 0;

/** A strategic merge patch of one workload's pod template, in the given form. */
function smPatch(
  layer: Layering,
  name: string,
  form: SmForm,
  target: Workload,
  body: readonly string[],
  header: readonly string[] = [
    "spec:",
    "  template:",
    "    spec:",
    "      containers:",
    `        - name: ${target}`,
  ],
) {
  smDocument(layer, name, form, KIND_OF(target), target, [...header, ...body], {
    kind: KIND_OF(target),
    name: target,
  });
}

function smDocument(
  layer: Layering,
  name: string,
  form: SmForm,
  kind: string,
  objectName: string,
  body: readonly string[],
  target: { kind: string; name?: string; labelSelector?: string },
) {
  const apiVersion =
    kind === "Role"
      ? "rbac.authorization.k8s.io/v1"
      : kind === "NetworkPolicy"
        ? "networking.k8s.io/v1"
        : "apps/v1";
  const document = [
    `apiVersion: ${apiVersion}`,
    `kind: ${kind}`,
    "metadata:",
    `  name: ${objectName}`,
    "  namespace: scout",
    ...body,
  ];
  const file = `${name}-${unique++}.yaml`;
  const targetLines = [
    "    target:",
    `      kind: ${target.kind}`,
    ...(target.name ? [`      name: ${target.name}`] : []),
    ...(target.labelSelector ? [`      labelSelector: "${target.labelSelector}"`] : []),
  ];
  switch (form) {
    case "file":
      layer.files[file] = `${document.join("\n")}\n`;
      layer.patches.push(`  - path: ${file}`);
      return;
    case "file-target":
      layer.files[file] = `${document.join("\n")}\n`;
      layer.patches.push(`  - path: ${file}`, ...targetLines);
      return;
    case "inline":
      layer.patches.push("  - patch: |-", ...document.map((line) => `      ${line}`));
      return;
    case "legacy-file":
      layer.files[file] = `${document.join("\n")}\n`;
      layer.patchesStrategicMerge.push(`  - ${file}`);
      return;
    case "legacy-inline":
      layer.patchesStrategicMerge.push("  - |-", ...document.map((line) => `    ${line}`));
      return;
  }
}

interface JsonTarget {
  group?: string;
  version?: string;
  kind: string;
  name?: string;
  labelSelector?: string;
}

function jsonPatch(
  layer: Layering,
  name: string,
  form: JsonForm,
  target: JsonTarget,
  operations: readonly string[],
) {
  const targetLines = (indent: string) => [
    `${indent}target:`,
    ...(target.group ? [`${indent}  group: ${target.group}`] : []),
    ...(target.version ? [`${indent}  version: ${target.version}`] : []),
    `${indent}  kind: ${target.kind}`,
    ...(target.name ? [`${indent}  name: "${target.name}"`] : []),
    ...(target.labelSelector ? [`${indent}  labelSelector: "${target.labelSelector}"`] : []),
  ];
  const file = `${name}-${unique++}.yaml`;
  switch (form) {
    case "inline":
      layer.patches.push(
        "  - target:",
        ...targetLines("    ").slice(1),
        "    patch: |-",
        ...operations.map((line) => `      ${line}`),
      );
      return;
    case "inline-json": {
      const weak = operations.some((line) => line.includes(WEAK));
      const yaml = operations.map((line) => line.split(WEAK).join("")).join("\n");
      const json = JSON.stringify(parseSource("operations.yaml", yaml).documents[0]!.value);
      layer.patches.push(
        "  - target:",
        ...targetLines("    ").slice(1),
        `    patch: '${json}'${weak ? WEAK : ""}`,
      );
      return;
    }
    case "file":
      layer.files[file] = `${operations.join("\n")}\n`;
      layer.patches.push(`  - path: ${file}`, ...targetLines("    "));
      return;
    case "legacy":
      layer.files[file] = `${operations.join("\n")}\n`;
      // The legacy field needs the group and version of the target.
      layer.patchesJson6902.push(`  - path: ${file}`, ...targetLines("    "));
      return;
  }
}

function neutral(patch: NeutralPatch, layer: Layering, name: string) {
  switch (patch.kind) {
    case "annotation":
      smPatch(
        layer,
        name,
        patch.form,
        patch.workload,
        [],
        [
          "spec:",
          "  template:",
          "    metadata:",
          "      annotations:",
          '        scout.example/patched: "yes"',
        ],
      );
      return;
    case "same-privileged":
      smPatch(layer, name, patch.form, patch.workload, [
        "          securityContext:",
        "            privileged: false",
      ]);
      return;
    case "json-memory":
      jsonPatch(layer, name, patch.form, jsonTarget(patch.workload), [
        "- op: replace",
        "  path: /spec/template/spec/containers/0/resources/limits/memory",
        "  value: 256Mi",
      ]);
      return;
    case "all-deployments-annotation":
      jsonPatch(
        layer,
        name,
        "inline",
        {
          group: "apps",
          version: "v1",
          kind: "Deployment",
          labelSelector: "app.kubernetes.io/part-of=scout",
        },
        ["- op: add", "  path: /metadata/annotations", "  value:", '    scout.example/all: "yes"'],
      );
      return;
  }
}

function jsonTarget(workload: Workload): JsonTarget {
  return { group: "apps", version: "v1", kind: KIND_OF(workload), name: workload };
}

/** Writes the weakening into its layer; returns how many objects it reaches. */
function weaken(weak: Weakening, layerOf: (layer: Layer) => Layering): number {
  switch (weak.kind) {
    case "base-container":
    case "replacement-source":
      // Written into the base's text; the replacement copies backend's UID to frontend and redis
      // only when the base has replacements, and the source alone is weakened otherwise.
      return weak.kind === "base-container" ? 1 : -1;
    case "sm-container":
      smPatch(layerOf(weak.layer), "weak", weak.form, weak.workload, [
        "          securityContext:",
        `            ${weak.field}: ${WEAK_VALUE[weak.field]}${WEAK}`,
      ]);
      return 1;
    case "json-op": {
      const target = selectTarget(weak.workloads, weak.select);
      const path = "/spec/template/spec/containers/0/securityContext";
      const operations = weak.whole
        ? [
            "- op: replace",
            `  path: ${path}`,
            "  value:",
            "    allowPrivilegeEscalation: " +
              (weak.field === "allowPrivilegeEscalation" ? `true${WEAK}` : "false"),
            "    privileged: false",
            "    readOnlyRootFilesystem: " +
              (weak.field === "readOnlyRootFilesystem" ? `false${WEAK}` : "true"),
            "    capabilities:",
            "      drop: [ALL]",
          ]
        : [
            "- op: replace",
            `  path: ${path}/${weak.field}`,
            `  value: ${WEAK_VALUE[weak.field]}${WEAK}`,
          ];
      jsonPatch(layerOf(weak.layer), "weak", weak.form, target.json, operations);
      return target.count;
    }
    case "pod-seccomp": {
      const selector = `app.kubernetes.io/component in (${weak.workloads.join(",")})`;
      smDocument(
        layerOf(weak.layer),
        "weak",
        weak.form === "file" ? "file-target" : "inline",
        "Deployment",
        "any",
        [
          "spec:",
          "  template:",
          "    spec:",
          "      securityContext:",
          "        seccompProfile:",
          `          type: Unconfined${WEAK}`,
        ],
        { kind: "Deployment", labelSelector: selector },
      );
      // An inline patch with a target needs it too: the form "inline" above has none.
      if (weak.form === "inline") {
        const layer = layerOf(weak.layer);
        const at = layer.patches.lastIndexOf("  - patch: |-");
        layer.patches.splice(
          at,
          1,
          "  - target:",
          "      kind: Deployment",
          `      labelSelector: "${selector}"`,
          "    patch: |-",
        );
      }
      return weak.workloads.length;
    }
    case "image": {
      if (weak.layer === "base") return 1;
      layerOf(weak.layer).images.push(
        `  - name: ${IMAGES[weak.workload].name}`,
        `    newTag: latest${WEAK}`,
      );
      return 1;
    }
    case "secret-literal":
    case "common-labels":
      return 1;
    case "removal": {
      const header = ["spec:", "  template:", "    spec:", "      securityContext:"];
      if (weak.form === "sm-null")
        smPatch(
          layerOf(weak.layer),
          "weak",
          "file",
          weak.workload,
          [],
          [...header, `        seccompProfile: null${WEAK}`],
        );
      else if (weak.form === "sm-delete")
        smPatch(
          layerOf(weak.layer),
          "weak",
          "file",
          weak.workload,
          [],
          [...header, "        seccompProfile:", `          $patch: delete${WEAK}`],
        );
      else
        jsonPatch(layerOf(weak.layer), "weak", "file", jsonTarget(weak.workload), [
          `- op: remove${WEAK}`,
          "  path: /spec/template/spec/securityContext/seccompProfile",
        ]);
      return 1;
    }
    case "role-verb":
      if (weak.form === "sm")
        smDocument(
          layerOf(weak.layer),
          "weak",
          "file",
          "Role",
          "scout-backend",
          [
            "rules:",
            '  - apiGroups: [""]',
            "    resources: [configmaps]",
            "    resourceNames: [scout-config]",
            "    verbs: [get]",
            '  - apiGroups: [""]',
            "    resources: [secrets]",
            "    resourceNames: [scout-secrets]",
            "    verbs: [get]",
            // One control: list on every Secret (the named get stays, as in the JSON form).
            '  - apiGroups: [""]',
            "    resources: [secrets]",
            `    verbs: [list]${WEAK}`,
          ],
          { kind: "Role", name: "scout-backend" },
        );
      else
        jsonPatch(
          layerOf(weak.layer),
          "weak",
          "inline",
          {
            group: "rbac.authorization.k8s.io",
            version: "v1",
            kind: "Role",
            name: "scout-backend",
          },
          [
            "- op: add",
            "  path: /rules/-",
            "  value:",
            '    apiGroups: [""]',
            "    resources: [secrets]",
            `    verbs: [list]${WEAK}`,
          ],
        );
      return 1;
    case "netpol-port":
      if (weak.form === "json")
        jsonPatch(
          layerOf(weak.layer),
          "weak",
          "file",
          { group: "networking.k8s.io", version: "v1", kind: "NetworkPolicy", name: "allow-redis" },
          ["- op: replace", "  path: /spec/ingress/0/ports/0/port", `  value: 6380${WEAK}`],
        );
      else
        smDocument(
          layerOf(weak.layer),
          "weak",
          "file",
          "NetworkPolicy",
          "allow-redis",
          [
            "spec:",
            "  ingress:",
            "    - from:",
            "        - podSelector:",
            "            matchLabels:",
            "              app.kubernetes.io/component: backend",
            "      ports:",
            "        - protocol: TCP",
            `          port: 6380${WEAK}`,
          ],
          { kind: "NetworkPolicy", name: "allow-redis" },
        );
      return -1;
  }
}

function selectTarget(
  workloads: readonly Workload[],
  select: "name" | "name-regex" | "labels-set" | "labels-equal",
): { json: JsonTarget; count: number } {
  const base = { group: "apps", version: "v1", kind: "Deployment" };
  if (workloads.length === 1 && select === "name")
    return { json: { ...base, name: workloads[0]! }, count: 1 };
  if (select === "labels-equal" || workloads.length === 1)
    return {
      json: { ...base, labelSelector: `app.kubernetes.io/component=${workloads[0]!}` },
      count: 1,
    };
  if (select === "name-regex")
    return { json: { ...base, name: workloads.join("|") }, count: workloads.length };
  return {
    json: { ...base, labelSelector: `app.kubernetes.io/component in (${workloads.join(",")})` },
    count: workloads.length,
  };
}
