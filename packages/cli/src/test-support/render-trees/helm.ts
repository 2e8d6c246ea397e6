import fc from "fast-check";
import { type FixtureDocument, fixtureDocuments, marked, WEAK } from "./fixture.js";

/**
 * Generated Helm charts of the compliant Scout fixture: each workload's container
 * securityContext written literally, field by field from `.Values.security` (bare or through
 * `default`), or as a block (`toYaml .Values.containerSecurityContext | nindent`); its image
 * literal or from `.Values.images.<name>`; the Services printed by a `range` over
 * `.Values.services`; a `hostNetwork` behind an `if`. Or the securityContext is printed by a
 * define of `_helpers.tpl` (`include`-styles): `toYaml .Values.containerSecurityContext`, keys
 * spelled with `.Values.security`, a `dict` argument (`.sc.x`, `.ctx.Values.x`), bitnami's
 * `$adapted := .secContext` then `omit $adapted "enabled" | toYaml`, or a define
 * that includes another; or the block is printed in the `else` of an `if` whose (not taken)
 * branch spells the same keys. The Services' range may be over a map (`range $name, $svc :=
 * .Values.serviceMap`, visited in sorted key order, one of them disabled by an `if` inside the
 * range) and share its template with a literal
 * NetworkPolicy before or after it (helm prints the NetworkPolicy first either way: its kind
 * sort). An image tag may be `coalesce .Values.images.<name>.tag .Values.defaultTag`, or the
 * image a define's `printf` of variables, its digest branch not taken. At most
 * one control is weakened, in values.yaml, in a --values file, by --set, in a template's
 * literal text or in a define's; `expected` says where.
 */

const WORKLOADS = ["frontend", "backend", "nginx", "prometheus", "redis"] as const;
type Workload = (typeof WORKLOADS)[number];
type Style =
  | "literal"
  | "fields"
  | "default"
  | "block"
  | "with"
  | "include-block"
  | "include-fields"
  | "include-dict"
  | "include-nested"
  | "include-bitnami"
  | "branch";
const STYLES: readonly Style[] = [
  "literal",
  "fields",
  "default",
  "block",
  "with",
  "include-block",
  "include-fields",
  "include-dict",
  "include-nested",
  "include-bitnami",
  "branch",
];
/** The styles whose value is `.Values.security.allowPrivilegeEscalation`, or the block's. */
const FIELD_STYLES: readonly Style[] = ["fields", "default", "include-fields"];
const BLOCK_STYLES: readonly Style[] = [
  "block",
  "with",
  "include-block",
  "include-dict",
  "include-nested",
  "include-bitnami",
  "branch",
];
/** The defines that write `privileged: false` themselves, by the style that includes them. */
type HelperDefine = "include-fields" | "include-dict";
type Source = "values" | "file" | "set";

export type HelmWeakening =
  | { kind: "security-field"; source: Source }
  | { kind: "security-block"; source: Source }
  | { kind: "image-tag"; workload: Workload; source: Source }
  | { kind: "template-literal"; workload: Workload }
  /** `privileged: true` written in a define of _helpers.tpl: every workload including it. */
  | { kind: "helper-literal"; define: HelperDefine }
  | { kind: "service-type"; source: Source }
  | { kind: "host-network"; source: Source }
  /** A credential in plain text among the env items a range prints. */
  | { kind: "plaintext-env"; source: "values" | "file" }
  /** The same among the env items of an inner range (`range .extraEnv` in a range of containers). */
  | { kind: "plaintext-nested-env"; source: "values" | "file" };

export interface HelmSpec {
  styles: Style[];
  imageFromValues: boolean[];
  servicesByRange: boolean;
  /** The range over the Services is over a map, `.Values.serviceMap`, keyed by name. */
  servicesByMap: boolean;
  /** A literal NetworkPolicy shares the Services' template, before or after their range. */
  servicesBeside: "none" | "before" | "after";
  /**
   * How images from values print their tag: `{{ .Values.images.<name>.tag }}`, `coalesce` of it
   * and `.Values.defaultTag`, or a define that joins repository and tag (or digest, when set) by
   * `printf` of variables, as bitnami's common.images.image does.
   */
  imageBy: "fields" | "coalesce" | "define";
  hostNetworkIf: boolean;
  /** The backend's env items after the literal ones come from a range over `.Values.extraEnv`. */
  envByRange: boolean;
  /**
   * The backend's container is printed by `range .Values.backendContainers`, its extra env items
   * by an inner `range .extraEnv` (not with envByRange: one range per list).
   */
  containerByRange: boolean;
  /** A --values file is given even when no weakening is in it. */
  extraValuesFile: boolean;
  weakening?: HelmWeakening;
}

export interface Chart {
  files: Record<string, string>;
  /** CLI flags after the chart's path (--values, --set). */
  flags: string[];
  /** Places the weakening may be reported on (more than one where the guide allows either). */
  expected: { file: string; line: number }[];
  affected: number;
}

const source = fc.constantFrom<Source>("values", "file", "set");

export function helmSpecArb(options: { weakened: boolean }): fc.Arbitrary<HelmSpec> {
  const count = WORKLOADS.length;
  return fc
    .record({
      styles: fc.array(fc.constantFrom<Style>(...STYLES), {
        minLength: count,
        maxLength: count,
      }),
      imageFromValues: fc.array(fc.boolean(), { minLength: count, maxLength: count }),
      servicesByRange: fc.boolean(),
      servicesByMap: fc.boolean(),
      servicesBeside: fc.constantFrom<HelmSpec["servicesBeside"]>("none", "before", "after"),
      imageBy: fc.constantFrom<HelmSpec["imageBy"]>("fields", "coalesce", "define"),
      hostNetworkIf: fc.boolean(),
      envByRange: fc.boolean(),
      containerByRange: fc.boolean(),
      extraValuesFile: fc.boolean(),
    })
    .chain((spec) => {
      if (!options.weakened) return fc.constant(spec as HelmSpec);
      const styled = (style: Style) => spec.styles.some((s) => s === style);
      const literal = WORKLOADS.filter((_, index) => spec.styles[index] === "literal");
      const imaged = WORKLOADS.filter((_, index) => spec.imageFromValues[index]);
      const choices: fc.Arbitrary<HelmWeakening>[] = [
        ...(FIELD_STYLES.some(styled)
          ? [fc.record({ kind: fc.constant("security-field" as const), source })]
          : []),
        ...(BLOCK_STYLES.some(styled)
          ? [fc.record({ kind: fc.constant("security-block" as const), source })]
          : []),
        ...(["include-fields", "include-dict"] as const)
          .filter(styled)
          .map((define) => fc.constant<HelmWeakening>({ kind: "helper-literal", define })),
        ...(imaged.length
          ? [
              fc.record({
                kind: fc.constant("image-tag" as const),
                workload: fc.constantFrom(...imaged),
                source,
              }),
            ]
          : []),
        ...(literal.length
          ? [
              fc.record({
                kind: fc.constant("template-literal" as const),
                workload: fc.constantFrom(...literal),
              }),
            ]
          : []),
        // --set services[1].type=... would replace the whole list, as helm merges lists.
        ...(spec.servicesByRange
          ? [
              fc.record({
                kind: fc.constant("service-type" as const),
                source: fc.constantFrom<Source>("values", "file"),
              }),
            ]
          : []),
        ...(spec.hostNetworkIf
          ? [fc.record({ kind: fc.constant("host-network" as const), source })]
          : []),
        ...(nestedRanges(spec)
          ? [
              fc.record({
                kind: fc.constant("plaintext-nested-env" as const),
                source: fc.constantFrom("values" as const, "file" as const),
              }),
            ]
          : []),
        ...(spec.envByRange
          ? [
              fc.record({
                kind: fc.constant("plaintext-env" as const),
                source: fc.constantFrom("values" as const, "file" as const),
              }),
            ]
          : []),
      ];
      if (!choices.length) return fc.constant(spec as HelmSpec);
      return fc.oneof(...choices).map((weakening) => ({ ...spec, weakening }));
    });
}

function nestedRanges(spec: Pick<HelmSpec, "containerByRange" | "envByRange">): boolean {
  return spec.containerByRange && !spec.envByRange;
}

/**
 * The backend's container printed by a range over `.Values.backendContainers` (one item: its
 * name and extra env), the extra env items by a range inside it; `.Values` is `$.Values` there.
 */
function containerByRange(text: string): string {
  const block = /^( +)containers:\n((?:\1 {2}.*\n)+)/m.exec(text)!;
  const [whole, indent] = block;
  const item = `${indent}  `;
  const body = block[2]!
    .replace(/(?<!\$)\.Values\./g, "$.Values.")
    .replace(/("scout\.[\w-]+" |"ctx" )\.(?=[\s)])/g, "$1$")
    .replace(
      `${item}- name: backend\n`,
      `${item}{{- range .Values.backendContainers }}\n${item}- name: {{ .name }}\n`,
    )
    .replace(
      /^( +)- name: REDIS_HOST\n( +)value: redis\n/m,
      (items, dash: string, value: string) =>
        `${items}${dash}{{- range .extraEnv }}\n${dash}- name: {{ .name }}\n${value}value: {{ .value | quote }}\n${dash}{{- end }}\n`,
    );
  return text.replace(whole, `${indent}containers:\n${body}${item}{{- end }}\n`);
}

const CONTAINER_SECURITY = [
  "allowPrivilegeEscalation: false",
  "privileged: false",
  "readOnlyRootFilesystem: true",
  "capabilities:",
  "  drop: [ALL]",
];

function isWorkload(document: FixtureDocument): document is FixtureDocument & { name: Workload } {
  return (
    (document.kind === "Deployment" || document.kind === "StatefulSet") &&
    (WORKLOADS as readonly string[]).includes(document.name)
  );
}

/** The workload's template: its container securityContext and image as the spec says. */
function workloadTemplate(document: FixtureDocument & { name: Workload }, spec: HelmSpec): string {
  const index = WORKLOADS.indexOf(document.name);
  const style = spec.styles[index]!;
  const weak = spec.weakening;
  let text = document.text;
  const block = /^( +)securityContext:\n(?:\1 {2}.*\n)+/m;
  const container = [...text.matchAll(new RegExp(block, "gm"))].at(-1)!;
  const indent = container[1]!;
  const inner = `${indent}  `;
  const replacement = (() => {
    switch (style) {
      case "literal": {
        const lines = CONTAINER_SECURITY.map((line) =>
          weak?.kind === "template-literal" &&
          weak.workload === document.name &&
          line.startsWith("allowPrivilegeEscalation")
            ? `allowPrivilegeEscalation: true${WEAK}`
            : line,
        );
        return `${indent}securityContext:\n${lines.map((l) => `${inner}${l}`).join("\n")}\n`;
      }
      case "fields":
        return [
          `${indent}securityContext:`,
          `${inner}allowPrivilegeEscalation: {{ .Values.security.allowPrivilegeEscalation }}`,
          `${inner}privileged: false`,
          `${inner}readOnlyRootFilesystem: {{ .Values.security.readOnlyRootFilesystem }}`,
          `${inner}capabilities:`,
          `${inner}  drop: [ALL]`,
          "",
        ].join("\n");
      case "default":
        // `default` takes false for unset: only a true can be given this way.
        return [
          `${indent}securityContext:`,
          `${inner}allowPrivilegeEscalation: {{ .Values.security.allowPrivilegeEscalation | default false }}`,
          `${inner}privileged: false`,
          `${inner}readOnlyRootFilesystem: true`,
          `${inner}capabilities:`,
          `${inner}  drop: [ALL]`,
          "",
        ].join("\n");
      case "with":
        return [
          `${indent}{{- with .Values.containerSecurityContext }}`,
          `${indent}securityContext:`,
          `${inner}{{- toYaml . | nindent ${inner.length} }}`,
          `${indent}{{- end }}`,
          "",
        ].join("\n");
      case "block":
        return `${indent}securityContext:\n${inner.slice(2)}  {{- toYaml .Values.containerSecurityContext | nindent ${inner.length} }}\n`;
      case "branch":
        // The branch not taken spells the keys too, with the values a legacy runtime needed.
        return [
          `${indent}securityContext:`,
          `${inner}{{- if .Values.legacyRuntime }}`,
          `${inner}allowPrivilegeEscalation: true`,
          `${inner}readOnlyRootFilesystem: false`,
          `${inner}{{- else }}`,
          `${inner}{{- toYaml .Values.containerSecurityContext | nindent ${inner.length} }}`,
          `${inner}{{- end }}`,
          "",
        ].join("\n");
      case "include-block":
      case "include-fields":
      case "include-nested":
        return `${indent}securityContext:\n${inner}{{- include "scout.${style}" . | nindent ${inner.length} }}\n`;
      case "include-bitnami":
        return `${indent}securityContext: {{- include "scout.include-bitnami" (dict "secContext" .Values.containerSecurityContext "context" $) | nindent ${inner.length} }}\n`;
      case "include-dict":
        return `${indent}securityContext:\n${inner}{{- include "scout.include-dict" (dict "ctx" . "sc" .Values.containerSecurityContext) | nindent ${inner.length} }}\n`;
    }
  })();
  text = `${text.slice(0, container.index)}${replacement}${text.slice(container.index! + container[0].length)}`;
  const image = `.Values.images.${document.name}`;
  const tag =
    spec.imageBy === "coalesce" ? `coalesce ${image}.tag .Values.defaultTag` : `${image}.tag`;
  if (spec.imageFromValues[index])
    text = text.replace(
      /^(\s+)image: \S+$/m,
      spec.imageBy === "define"
        ? `$1image: {{ include "scout.image" (dict "root" ${image} "global" .Values.global) }}`
        : `$1image: "{{ ${image}.repository }}:{{ ${tag} }}"`,
    );
  if (nestedRanges(spec) && document.name === "backend") text = containerByRange(text);
  if (spec.envByRange && document.name === "backend")
    text = text.replace(
      /^( +)- name: REDIS_HOST\n( +)value: redis\n/m,
      (items, dash: string, value: string) =>
        `${items}${dash}{{- range .Values.extraEnv }}\n${dash}- name: {{ .name }}\n${value}value: {{ .value | quote }}\n${dash}{{- end }}\n`,
    );
  if (spec.hostNetworkIf && document.name === "backend")
    text = text.replace(
      /^( +)automountServiceAccountToken: false\n|^( +)serviceAccountName: (\S+)\n/m,
      (line, a, b) =>
        `${line}${a ?? b}{{- if .Values.hostNetwork }}\n${a ?? b}hostNetwork: true\n${a ?? b}{{- end }}\n`,
    );
  return text;
}

/** The defines the `include` styles print, `privileged: true` in one if the spec says so. */
function helpersText(spec: HelmSpec): string {
  const weak = spec.weakening;
  const privileged = (define: HelperDefine) =>
    weak?.kind === "helper-literal" && weak.define === define
      ? `privileged: true${WEAK}`
      : "privileged: false";
  return [
    "{{/* What the workloads' securityContexts print. */}}",
    '{{- define "scout.include-block" -}}',
    "{{- toYaml .Values.containerSecurityContext }}",
    "{{- end }}",
    "",
    '{{- define "scout.include-fields" -}}',
    "allowPrivilegeEscalation: {{ .Values.security.allowPrivilegeEscalation }}",
    privileged("include-fields"),
    "readOnlyRootFilesystem: {{ .Values.security.readOnlyRootFilesystem }}",
    "capabilities:",
    "  drop: [ALL]",
    "{{- end }}",
    "",
    '{{- define "scout.include-dict" -}}',
    "allowPrivilegeEscalation: {{ .sc.allowPrivilegeEscalation }}",
    privileged("include-dict"),
    "readOnlyRootFilesystem: {{ .ctx.Values.security.readOnlyRootFilesystem }}",
    "capabilities:",
    "  {{- toYaml .sc.capabilities | nindent 2 }}",
    "{{- end }}",
    "",
    "{{/* As bitnami's common.compatibility.renderSecurityContext does. */}}",
    '{{- define "scout.include-bitnami" -}}',
    "{{- $adapted := .secContext -}}",
    '{{- if and (((.context.Values.global).compatibility).openshift) (include "scout.is-openshift" .context) -}}',
    '{{- $adapted = omit $adapted "runAsUser" -}}',
    "{{- end -}}",
    '{{- omit $adapted "enabled" | toYaml -}}',
    "{{- end }}",
    '{{- define "scout.is-openshift" -}}{{- end }}',
    "",
    "{{/* An image by its repository and tag, or digest when set, as bitnami's images do. */}}",
    '{{- define "scout.image" -}}',
    "{{- $end := .root.tag | toString -}}",
    '{{- $join := ":" -}}',
    "{{- if .root.digest }}",
    '{{- $join = "@" -}}',
    "{{- $end = .root.digest | toString -}}",
    "{{- end -}}",
    '{{- printf "%s%s%s" .root.repository $join $end -}}',
    "{{- end }}",
    "",
    '{{- define "scout.include-nested" -}}',
    '{{- include "scout.include-block" . }}',
    "{{- end }}",
    "",
  ].join("\n");
}

const IMAGES: Record<Workload, [string, string]> = {
  frontend: ["ghcr.io/scout/frontend", "1.4.2"],
  backend: ["ghcr.io/scout/backend", "1.4.2"],
  nginx: ["docker.io/nginxinc/nginx-unprivileged", "1.27.1"],
  prometheus: ["quay.io/prometheus/prometheus", "v2.53.1"],
  redis: ["docker.io/library/redis", "7.2.5"],
};

const SERVICES: { name: string; port: number; target: string; type: string }[] = [
  { name: "frontend", port: 3000, target: "http", type: "ClusterIP" },
  { name: "backend", port: 8000, target: "http", type: "ClusterIP" },
  { name: "redis", port: 6379, target: "redis", type: "ClusterIP" },
  { name: "prometheus", port: 9090, target: "web", type: "ClusterIP" },
  { name: "nginx", port: 80, target: "http", type: "LoadBalancer" },
];

const SERVICES_TEMPLATE = `{{- range .Values.services }}
---
apiVersion: v1
kind: Service
metadata:
  name: {{ .name }}
  namespace: scout
  labels:
    app.kubernetes.io/component: {{ .name }}
spec:
  type: {{ .type }}
  selector:
    app.kubernetes.io/component: {{ .name }}
  ports:
    - name: {{ .target }}
      port: {{ .port }}
      targetPort: {{ .target }}
      protocol: TCP
{{- end }}
`;

/** The same Services printed by a range over a map: `$name` its key, `$svc` its item. */
const SERVICES_MAP_TEMPLATE = SERVICES_TEMPLATE.replace(
  "{{- range .Values.services }}",
  "{{- range $name, $svc := .Values.serviceMap }}\n{{- if not $svc.disabled }}",
)
  .replace("{{- end }}", "{{- end }}\n{{- end }}")
  .replaceAll("{{ .name }}", "{{ $name }}")
  .replace(/\{\{ \.(type|target|port) \}\}/g, "{{ $svc.$1 }}");

/** The Services' template: the range, with a literal document before or after it. */
function servicesTemplate(spec: HelmSpec, beside: string | undefined): string {
  const range = spec.servicesByMap ? SERVICES_MAP_TEMPLATE : SERVICES_TEMPLATE;
  if (!beside || spec.servicesBeside === "none") return range;
  const literal = `---\n${beside}`;
  return spec.servicesBeside === "before" ? `${literal}${range}` : `${range}${literal}`;
}

/** The value a weakening gives, and the values path it gives it at. */
function weakValue(
  weak: HelmWeakening,
  servicesByMap = false,
): { path: string[]; value: string } | undefined {
  switch (weak.kind) {
    case "security-field":
      return { path: ["security", "allowPrivilegeEscalation"], value: "true" };
    case "security-block":
      return { path: ["containerSecurityContext", "allowPrivilegeEscalation"], value: "true" };
    case "image-tag":
      return { path: ["images", weak.workload, "tag"], value: "latest" };
    case "service-type":
      return servicesByMap
        ? { path: ["serviceMap", "backend", "type"], value: "LoadBalancer" }
        : { path: ["services", "1", "type"], value: "LoadBalancer" };
    case "host-network":
      return { path: ["hostNetwork"], value: "true" };
    case "template-literal":
    case "helper-literal":
    case "plaintext-env":
    case "plaintext-nested-env":
      return undefined;
  }
}

/** The extraEnv list of a values file, with the credential when the weakening is there. */
function extraEnv(spec: HelmSpec, where: "values" | "file"): string[] {
  const weak = spec.weakening;
  const credential = weak?.kind === "plaintext-env" && weak.source === where;
  return [
    "extraEnv:",
    "  - name: LOG_LEVEL",
    "    value: info",
    ...(credential ? ["  - name: DB_PASSWORD", `    value: s3cr3t-in-plain-text${WEAK}`] : []),
  ];
}

/** The backendContainers list, with the credential in its extra env when the weakening is there. */
function backendContainers(spec: HelmSpec, where: "values" | "file"): string[] {
  const weak = spec.weakening;
  const credential = weak?.kind === "plaintext-nested-env" && weak.source === where;
  return [
    "backendContainers:",
    "  - name: backend",
    "    extraEnv:",
    "      - name: LOG_FORMAT",
    "        value: json",
    ...(credential
      ? ["      - name: DB_PASSWORD", `        value: s3cr3t-in-plain-text${WEAK}`]
      : []),
  ];
}

function valuesText(spec: HelmSpec): string {
  const weak = spec.weakening;
  const at =
    weak && "source" in weak && weak.source !== "file"
      ? weakValue(weak, spec.servicesByMap)
      : undefined;
  // --set is in no file: its finding is on the default it overrode, where the key is defined
  // (the engine's README), so that key is marked with its own value.
  const set = weak && "source" in weak && weak.source === "set";
  const mark = (path: string[], value: string) =>
    at && at.path.join(".") === path.join(".") ? `${set ? value : at.value}${WEAK}` : value;
  const lines = [
    "# Values of the generated Scout chart.",
    "security:",
    `  allowPrivilegeEscalation: ${mark(["security", "allowPrivilegeEscalation"], "false")}`,
    "  readOnlyRootFilesystem: true",
    "containerSecurityContext:",
    `  allowPrivilegeEscalation: ${mark(["containerSecurityContext", "allowPrivilegeEscalation"], "false")}`,
    "  privileged: false",
    "  readOnlyRootFilesystem: true",
    "  capabilities:",
    "    drop: [ALL]",
    "images:",
    ...WORKLOADS.flatMap((name) => [
      `  ${name}:`,
      `    repository: ${IMAGES[name][0]}`,
      `    tag: ${mark(["images", name, "tag"], `"${IMAGES[name][1]}"`)}`,
      '    digest: ""',
    ]),
    `hostNetwork: ${mark(["hostNetwork"], "false")}`,
    "legacyRuntime: false",
    'defaultTag: "1.0.0"',
    ...extraEnv(spec, "values"),
    ...backendContainers(spec, "values"),
    "services:",
    ...SERVICES.flatMap((service, index) => [
      `  - name: ${service.name}`,
      `    port: ${service.port}`,
      `    target: ${service.target}`,
      `    type: ${mark(["services", String(index), "type"], service.type)}`,
    ]),
    // In the fixture's order, not the sorted order the range visits; the first in that order
    // is disabled: it prints no Service.
    "serviceMap:",
    "  admin: {port: 9000, target: http, type: LoadBalancer, disabled: true}",
    ...SERVICES.flatMap((service) => [
      `  ${service.name}:`,
      `    port: ${service.port}`,
      `    target: ${service.target}`,
      `    type: ${mark(["serviceMap", service.name, "type"], service.type)}`,
    ]),
  ];
  return `${lines.join("\n")}\n`;
}

/** A --values file that sets the weakened key (or, for services, the whole list). */
function overrideText(spec: HelmSpec): string {
  const weak = spec.weakening;
  const at =
    weak && "source" in weak && weak.source === "file"
      ? weakValue(weak, spec.servicesByMap)
      : undefined;
  if (weak?.kind === "plaintext-nested-env" && weak.source === "file")
    return `# prod\n${backendContainers(spec, "file").join("\n")}\n`;
  if (weak?.kind === "plaintext-env" && weak.source === "file")
    return `# prod\n${extraEnv(spec, "file").join("\n")}\n`;
  if (!at)
    return "# prod: the chart's own value, restated\nsecurity:\n  readOnlyRootFilesystem: true\n";
  if (at.path[0] === "serviceMap")
    return `# prod\nserviceMap:\n  backend:\n    type: ${at.value}${WEAK}\n`;
  if (at.path[0] === "services")
    return `services:\n${SERVICES.map((service, index) =>
      [
        `  - name: ${service.name}`,
        `    port: ${service.port}`,
        `    target: ${service.target}`,
        `    type: ${index === 1 ? `${at.value}${WEAK}` : service.type}`,
      ].join("\n"),
    ).join("\n")}\n`;
  const lines = at.path.map((key, depth) =>
    depth === at.path.length - 1
      ? `${"  ".repeat(depth)}${key}: ${at.value}${WEAK}`
      : `${"  ".repeat(depth)}${key}:`,
  );
  return `# prod\n${lines.join("\n")}\n`;
}

export function writeHelmChart(spec: HelmSpec): Chart {
  const files: Record<string, string> = {
    "chart/Chart.yaml": "apiVersion: v2\nname: scout\nversion: 0.1.0\n",
    "chart/values.yaml": valuesText(spec),
    "chart/templates/_helpers.tpl": helpersText(spec),
  };
  const others: string[] = [];
  let beside: string | undefined;
  for (const document of fixtureDocuments()) {
    if (isWorkload(document)) {
      files[`chart/templates/${document.kind.toLowerCase()}-${document.name}.yaml`] =
        workloadTemplate(document, spec);
    } else if (document.kind === "Service" && spec.servicesByRange) continue;
    else if (
      spec.servicesByRange &&
      spec.servicesBeside !== "none" &&
      !beside &&
      document.kind === "NetworkPolicy"
    )
      beside = document.text;
    else others.push(document.text);
  }
  files["chart/templates/others.yaml"] = others.map((text) => `---\n${text}`).join("");
  if (spec.servicesByRange) files["chart/templates/services.yaml"] = servicesTemplate(spec, beside);
  const weak = spec.weakening;
  const flags: string[] = [];
  if (spec.extraValuesFile || (weak && "source" in weak && weak.source === "file")) {
    files["values-prod.yaml"] = overrideText(spec);
    flags.push("--values", "values-prod.yaml");
  }
  const set =
    weak && "source" in weak && weak.source === "set"
      ? weakValue(weak, spec.servicesByMap)
      : undefined;
  if (set) flags.push("--set", `${set.path.join(".").replace(/\.(\d+)\./, "[$1].")}=${set.value}`);
  const { texts, places } = marked(files);
  return {
    files: texts,
    flags,
    expected: [...places, ...templatePlaces(texts, spec)],
    affected: affectedBy(spec),
  };
}

/** The literal `hostNetwork: true` that an `if` on the values key prints may carry it too. */
function templatePlaces(files: Record<string, string>, spec: HelmSpec) {
  if (spec.weakening?.kind !== "host-network") return [];
  return Object.entries(files).flatMap(([file, text]) =>
    file.includes("/templates/")
      ? text
          .split("\n")
          .flatMap((line, index) =>
            /^\s*hostNetwork: true$/.test(line) ? [{ file, line: index + 1 }] : [],
          )
      : [],
  );
}

function affectedBy(spec: HelmSpec): number {
  const weak = spec.weakening;
  if (!weak) return 0;
  const styled = (...styles: Style[]) =>
    spec.styles.filter((style) => styles.includes(style)).length;
  switch (weak.kind) {
    case "security-field":
      return styled(...FIELD_STYLES);
    case "security-block":
      return styled(...BLOCK_STYLES);
    case "helper-literal":
      return styled(weak.define);
    default:
      return 1;
  }
}
