import type { Finding } from "@scout-deploy/core";
import { describe, expect, it } from "vitest";
import { type PatchTarget, type RenderedSource, relocateFindings } from "./source-positions.js";

function finding(file: string, line: number, path: string): Finding {
  return { ruleId: "r/x", severity: "error", message: "m", file, line, column: 1, path };
}

const template = `apiVersion: v1
kind: Pod
metadata:
  name: {{ .Release.Name }}
spec:
  {{- if .Values.host }}
  hostNetwork: {{ .Values.host }}
  {{- end }}
  securityContext:
    {{- toYaml .Values.pod | nindent 4 }}
  containers:
    - name: app
      image: nginx
      securityContext:
        privileged: true
        runAsUser: {{ .Values.user }}
`;

// What helm template prints for it with host: true, pod: {runAsUser: 0}, user: 0.
const rendered = `---
# Source: demo/templates/pod.yaml
apiVersion: v1
kind: Pod
metadata:
  name: r
spec:
  hostNetwork: true
  securityContext:
    runAsUser: 0
  containers:
    - name: app
      image: nginx
      securityContext:
        privileged: true
        runAsUser: 0
`;

const chartValues = "host: false\npod:\n  runAsUser: 1000\nuser: 1000\n";
const userValues = "# mine\nhost: true\npod:\n  runAsUser: 0\n";

const helm: RenderedSource = {
  file: "<rendered>/demo/helm-template.yaml",
  text: rendered,
  map: {
    kind: "helm",
    chartName: "demo",
    chartFolder: "demo",
    templates: { "demo/templates/pod.yaml": { file: "demo/templates/pod.yaml", text: template } },
    values: [
      { file: "demo/values.yaml", text: chartValues },
      { file: "prod.yaml", text: userValues },
    ],
  },
};

function relocate(line: number, path: string) {
  return relocateFindings([finding(helm.file, line, path)], [helm])[0]!;
}

describe("relocateFindings: Helm", () => {
  it("puts a field hard-coded in the template on the template line", () => {
    expect(relocate(14, "/spec/containers/0/securityContext/privileged")).toMatchObject({
      file: "demo/templates/pod.yaml",
      line: 15,
      column: 9,
    });
  });

  it("puts a value printed by {{ .Values.x }} on x in the last values file that sets it", () => {
    expect(relocate(7, "/spec/hostNetwork")).toMatchObject({ file: "prod.yaml", line: 2 });
    expect(relocate(15, "/spec/containers/0/securityContext/runAsUser")).toMatchObject({
      file: "demo/values.yaml",
      line: 4,
    });
  });

  it("follows a block inserted by toYaml into the values file, key by key", () => {
    expect(relocate(9, "/spec/securityContext/runAsUser")).toMatchObject({
      file: "prod.yaml",
      line: 4,
      column: 3,
    });
  });

  it("puts a list item on its first key in the template", () => {
    expect(relocate(11, "/spec/containers/0")).toMatchObject({
      file: "demo/templates/pod.yaml",
      line: 12,
      column: 7,
    });
  });

  it("keeps where the finding was in the rendered text", () => {
    expect(relocate(14, "/spec/containers/0/securityContext/privileged").rendered).toEqual({
      file: helm.file,
      line: 14,
      path: "/spec/containers/0/securityContext/privileged",
    });
  });

  it("finds the second document of a template that prints two", () => {
    const two =
      "apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: a\n---\napiVersion: v1\nkind: Pod\nmetadata:\n  name: b\n";
    const text =
      "---\n# Source: demo/templates/two.yaml\napiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: a\n---\n# Source: demo/templates/two.yaml\napiVersion: v1\nkind: Pod\nmetadata:\n  name: b\n";
    const source: RenderedSource = {
      ...helm,
      text,
      map: {
        ...helm.map,
        templates: { "demo/templates/two.yaml": { file: "two.yaml", text: two } },
      } as RenderedSource["map"],
    };
    const [second, first] = relocateFindings(
      [finding(helm.file, 13, "/metadata/name"), finding(helm.file, 6, "/metadata/name")],
      [source],
    );
    expect(second).toMatchObject({ file: "two.yaml", line: 9 });
    expect(first).toMatchObject({ file: "two.yaml", line: 4 });
  });

  it("puts an image printed from repository and tag on the tag, the key that pins it", () => {
    const pod =
      'apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n    - name: app\n      image: "{{ .Values.image.repository }}:{{ .Values.image.tag }}"\n';
    const text =
      '---\n# Source: demo/templates/image.yaml\napiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n    - name: app\n      image: "scout/backend:latest"\n';
    const source: RenderedSource = {
      ...helm,
      text,
      map: {
        ...helm.map,
        templates: { "demo/templates/image.yaml": { file: "image.yaml", text: pod } },
        values: [
          {
            file: "demo/values.yaml",
            text: "image:\n  repository: scout/backend\n  tag: latest\n",
          },
        ],
      } as RenderedSource["map"],
    };
    const [image] = relocateFindings(
      [finding(helm.file, 10, "/spec/containers/0/image")],
      [source],
    );
    expect(image).toMatchObject({ file: "demo/values.yaml", line: 3 });
  });

  it("leaves findings on other files as they are", () => {
    const other = finding("pod.yaml", 3, "/spec");
    expect(relocateFindings([other], [helm])).toEqual([other]);
  });
});

const base = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  template:
    spec:
      containers:
        - name: sidecar
          image: envoy
        - name: app
          image: nginx
          securityContext:
            runAsUser: 1000
`;

const patch = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  template:
    spec:
      containers:
        - name: app
          securityContext:
            runAsUser: 0
`;

const built = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: prod-web
spec:
  template:
    spec:
      containers:
      - image: envoy
        name: sidecar
      - image: nginx
        name: app
        securityContext:
          runAsUser: 0
`;

const kustomize: RenderedSource = {
  file: "<rendered>/overlays/prod/kustomize-build.yaml",
  text: built,
  map: {
    kind: "kustomize",
    documents: [{ resource: "base/web.yaml", patches: [{ file: "overlays/prod/patch.yaml" }] }],
    files: { "base/web.yaml": base, "overlays/prod/patch.yaml": patch },
  },
};

function relocateBuilt(line: number, path: string) {
  return relocateFindings([finding(kustomize.file, line, path)], [kustomize])[0]!;
}

describe("relocateFindings: Kustomize", () => {
  it("puts a field a patch sets on the patch, matching containers by name", () => {
    expect(
      relocateBuilt(14, "/spec/template/spec/containers/1/securityContext/runAsUser"),
    ).toMatchObject({ file: "overlays/prod/patch.yaml", line: 11, column: 13 });
  });

  it("puts what the patch did not set on the base resource", () => {
    expect(relocateBuilt(11, "/spec/template/spec/containers/1/image")).toMatchObject({
      file: "base/web.yaml",
      line: 12,
    });
  });

  it("puts a container the patch only names on the base, where the rest of it is", () => {
    expect(relocateBuilt(11, "/spec/template/spec/containers/1")).toMatchObject({
      file: "base/web.yaml",
      line: 11,
    });
  });

  it("puts a missing field on its nearest parent in the base", () => {
    expect(relocateBuilt(9, "/spec/template/spec/containers/0/securityContext")).toMatchObject({
      file: "base/web.yaml",
      line: 9,
    });
  });
});

describe("relocateFindings: Kustomize JSON 6902 patches", () => {
  const operations = `- op: replace
  path: /spec/template/spec/containers/1/securityContext/runAsUser
  value: 0
- op: remove
  path: /spec/template/spec/containers/0/image
`;
  const withOperations = (target: PatchTarget): RenderedSource => ({
    ...kustomize,
    map: {
      kind: "kustomize",
      documents: [
        { resource: "base/web.yaml", patches: [{ file: "overlays/prod/ops.yaml", target }] },
      ],
      files: { "base/web.yaml": base, "overlays/prod/ops.yaml": operations },
    },
  });
  const relocate = (target: PatchTarget, line: number, path: string) =>
    relocateFindings([finding(kustomize.file, line, path)], [withOperations(target)])[0]!;

  it("puts a replaced value on the operation's value", () => {
    const target = { kind: "Deployment", name: "prod-.*" };
    expect(
      relocate(target, 14, "/spec/template/spec/containers/1/securityContext/runAsUser"),
    ).toMatchObject({ file: "overlays/prod/ops.yaml", line: 3, column: 3 });
  });

  it("puts a removed field on the remove operation", () => {
    const target = { kind: "Deployment" };
    expect(relocate(target, 9, "/spec/template/spec/containers/0/image")).toMatchObject({
      file: "overlays/prod/ops.yaml",
      line: 4,
    });
  });

  it("leaves it on the base when the patch's target selects another object", () => {
    const target = { kind: "Deployment", name: "web-canary" };
    expect(
      relocate(target, 14, "/spec/template/spec/containers/1/securityContext/runAsUser"),
    ).toMatchObject({ file: "base/web.yaml" });
  });

  it("reads a label selector of the target", () => {
    const target = { kind: "Deployment", labelSelector: "tier=web" };
    expect(
      relocate(target, 14, "/spec/template/spec/containers/1/securityContext/runAsUser"),
    ).toMatchObject({ file: "base/web.yaml" });
  });
});

describe("relocateFindings: a field a patch removed", () => {
  const twoContainers = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  template:
    spec:
      containers:
        - name: sidecar
          securityContext:
            readOnlyRootFilesystem: true
        - name: app
          securityContext:
            readOnlyRootFilesystem: true
`;
  const nullsSidecar = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  template:
    spec:
      containers:
        - name: sidecar
          securityContext:
            readOnlyRootFilesystem: null
`;
  const builtWithout = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  template:
    spec:
      containers:
      - name: sidecar
        securityContext: {}
      - name: app
        securityContext: {}
`;
  const source: RenderedSource = {
    file: "<rendered>/o/kustomize-build.yaml",
    text: builtWithout,
    map: {
      kind: "kustomize",
      documents: [{ resource: "base/web.yaml", patches: [{ file: "o/patch.yaml" }] }],
      files: { "base/web.yaml": twoContainers, "o/patch.yaml": nullsSidecar },
    },
  };
  const relocate = (line: number, path: string, message: string) =>
    relocateFindings([{ ...finding(source.file, line, path), message }], [source])[0]!;
  const missing =
    'container "x" has a writable root filesystem: readOnlyRootFilesystem is not true';

  it("puts it on the null that removed it from that container", () => {
    expect(relocate(10, "/spec/template/spec/containers/0/securityContext", missing)).toMatchObject(
      { file: "o/patch.yaml", line: 11 },
    );
  });

  it('reads a key the message names in words: seccompProfile as "seccomp profile"', () => {
    const withProfile = twoContainers.replace(
      "readOnlyRootFilesystem: true\n        - name: app",
      "readOnlyRootFilesystem: true\n            seccompProfile: {type: RuntimeDefault}\n        - name: app",
    );
    const nullsProfile = nullsSidecar.replace(
      "readOnlyRootFilesystem: null",
      "seccompProfile: null",
    );
    const [found] = relocateFindings(
      [
        {
          ...finding(source.file, 10, "/spec/template/spec/containers/0/securityContext"),
          message: 'container "sidecar" has no seccomp profile: it runs Unconfined',
        },
      ],
      [
        {
          ...source,
          map: {
            kind: "kustomize",
            documents: [{ resource: "base/web.yaml", patches: [{ file: "o/patch.yaml" }] }],
            files: { "base/web.yaml": withProfile, "o/patch.yaml": nullsProfile },
          },
        },
      ],
    );
    expect(found).toMatchObject({ file: "o/patch.yaml", line: 11 });
  });

  it("leaves another container's finding on the base, where its field went missing", () => {
    // The base's app container has the field: the rendered one lacks it for another reason.
    expect(relocate(12, "/spec/template/spec/containers/1/securityContext", missing)).toMatchObject(
      { file: "base/web.yaml", line: 13 },
    );
  });

  it("leaves a finding whose message names no removed field on the base", () => {
    expect(
      relocate(10, "/spec/template/spec/containers/0/securityContext", "runAsNonRoot is not true"),
    ).toMatchObject({ file: "base/web.yaml", line: 10 });
  });
});

describe("relocateFindings: Kustomize patch targets as Kustomize selects them", () => {
  const labelled = built.replace(
    "  name: prod-web\n",
    "  name: prod-web-v2\n  labels:\n    tier: web\n",
  );
  const withTarget = (target: PatchTarget): RenderedSource => ({
    file: kustomize.file,
    text: labelled,
    map: {
      kind: "kustomize",
      documents: [
        { resource: "base/web.yaml", patches: [{ file: "overlays/prod/ops.yaml", target }] },
      ],
      files: {
        "base/web.yaml": base,
        "overlays/prod/ops.yaml": `- op: replace
  path: /spec/template/spec/containers/1/securityContext/runAsUser
  value: 0
`,
      },
    },
  });
  const relocate = (target: PatchTarget) =>
    relocateFindings(
      [finding(kustomize.file, 16, "/spec/template/spec/containers/1/securityContext/runAsUser")],
      [withTarget(target)],
    )[0]!;

  it("matches the name the resource file gives, under the overlays' prefix and suffix", () => {
    expect(relocate({ kind: "Deployment", name: "web" })).toMatchObject({
      file: "overlays/prod/ops.yaml",
      line: 3,
    });
    expect(relocate({ kind: "Deployment", name: "prod-web" })).toMatchObject({
      file: "overlays/prod/ops.yaml",
    });
    expect(relocate({ kind: "Deployment", name: "api" })).toMatchObject({ file: "base/web.yaml" });
  });

  it("reads a set-based label selector, commas inside its parentheses", () => {
    expect(relocate({ kind: "Deployment", labelSelector: "tier in (api,web)" })).toMatchObject({
      file: "overlays/prod/ops.yaml",
    });
    expect(relocate({ kind: "Deployment", labelSelector: "tier in (api,db)" })).toMatchObject({
      file: "base/web.yaml",
    });
    expect(relocate({ kind: "Deployment", labelSelector: "tier notin (web)" })).toMatchObject({
      file: "base/web.yaml",
    });
    expect(relocate({ kind: "Deployment", labelSelector: "tier,!canary" })).toMatchObject({
      file: "overlays/prod/ops.yaml",
    });
  });
});

describe("relocateFindings: a finding on a mapping whose value a patch changed", () => {
  const policy = `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: allow-redis
spec:
  podSelector: {}
  ingress:
    - from:
        - podSelector: {}
      ports:
        - protocol: TCP
          port: 6379
`;
  const builtPolicy = policy.replace("port: 6379", "port: 6380");
  const message = "blocks a flow that Scout needs: backend -> redis on TCP 6379";
  const onIngress = (patchText: string, target?: PatchTarget) =>
    relocateFindings(
      [{ ...finding("<rendered>/o/kustomize-build.yaml", 8, "/spec/ingress/0"), message }],
      [
        {
          file: "<rendered>/o/kustomize-build.yaml",
          text: builtPolicy,
          map: {
            kind: "kustomize",
            documents: [
              {
                resource: "base/np.yaml",
                patches: [{ file: "o/patch.yaml", ...(target ? { target } : {}) }],
              },
            ],
            files: { "base/np.yaml": policy, "o/patch.yaml": patchText },
          },
        },
      ],
    )[0]!;

  it("puts it on the changed value a strategic merge patch wrote below it", () => {
    const patchText = policy.replace("port: 6379", "port: 6380");
    expect(onIngress(patchText)).toMatchObject({ file: "o/patch.yaml", line: 12 });
  });

  it("puts it on a JSON 6902 operation that replaced a value below it", () => {
    const operations = "- op: replace\n  path: /spec/ingress/0/ports/0/port\n  value: 6380\n";
    expect(onIngress(operations, { kind: "NetworkPolicy" })).toMatchObject({
      file: "o/patch.yaml",
      line: 3,
    });
  });

  it("leaves it on the base when what the patch wrote below is the base's value", () => {
    const operations = "- op: replace\n  path: /spec/ingress/0/ports/0/protocol\n  value: TCP\n";
    expect(onIngress(operations, { kind: "NetworkPolicy" })).toMatchObject({
      file: "base/np.yaml",
      line: 8,
    });
  });
});

describe("relocateFindings: a JSON 6902 add to the end of a list", () => {
  const role = `apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata:
  name: backend
rules:
  - apiGroups: [""]
    resources: [configmaps]
    verbs: [get]
`;
  const builtRole = `${role}  - apiGroups: [""]
    resources: [secrets]
    verbs: [list]
`;
  const operations = `- op: add
  path: /rules/-
  value:
    apiGroups: [""]
    resources: [secrets]
    verbs: [list]
`;
  it("puts the appended item's field on the operation's value", () => {
    const [relocated] = relocateFindings(
      [finding("<rendered>/o/kustomize-build.yaml", 11, "/rules/1/verbs")],
      [
        {
          file: "<rendered>/o/kustomize-build.yaml",
          text: builtRole,
          map: {
            kind: "kustomize",
            documents: [
              {
                resource: "base/role.yaml",
                patches: [{ file: "o/ops.yaml", target: { kind: "Role" } }],
              },
            ],
            files: { "base/role.yaml": role, "o/ops.yaml": operations },
          },
        },
      ],
    );
    expect(relocated).toMatchObject({ file: "o/ops.yaml", line: 6 });
  });
});

describe("relocateFindings: Helm items of a range", () => {
  it("puts a field printed from a range item on that item's key in the values file", () => {
    const services = `{{- range .Values.services }}
---
apiVersion: v1
kind: Service
metadata:
  name: {{ .name }}
spec:
  type: {{ .type }}
{{- end }}
`;
    const renderedServices = `---
# Source: demo/templates/services.yaml
apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  type: ClusterIP
---
# Source: demo/templates/services.yaml
apiVersion: v1
kind: Service
metadata:
  name: api
spec:
  type: LoadBalancer
`;
    const listed =
      "services:\n  - name: web\n    type: ClusterIP\n  - name: api\n    type: LoadBalancer\n";
    const [found] = relocateFindings(
      [finding("<rendered>/demo/helm-template.yaml", 15, "/spec/type")],
      [
        {
          file: "<rendered>/demo/helm-template.yaml",
          text: renderedServices,
          map: {
            kind: "helm",
            chartName: "demo",
            chartFolder: "demo",
            templates: {
              "demo/templates/services.yaml": {
                file: "demo/templates/services.yaml",
                text: services,
              },
            },
            values: [{ file: "demo/values.yaml", text: listed }],
          },
        },
      ],
    );
    expect(found).toMatchObject({ file: "demo/values.yaml", line: 5 });
  });
});

describe("relocateFindings: Helm `with` blocks", () => {
  const template = `apiVersion: v1
kind: Pod
metadata:
  name: web
spec:
  {{- with .Values.pod }}
  hostNetwork: {{ .hostNetwork }}
  {{- end }}
  containers:
    - name: app
      image: nginx
      {{- with .Values.security }}
      securityContext:
        {{- toYaml . | nindent 8 }}
      {{- end }}
`;
  const rendered = `---
# Source: demo/templates/pod.yaml
apiVersion: v1
kind: Pod
metadata:
  name: web
spec:
  hostNetwork: true
  containers:
    - name: app
      image: nginx
      securityContext:
        privileged: true
`;
  const values = "pod:\n  hostNetwork: true\nsecurity:\n  privileged: true\n";
  const at = (line: number, path: string) => {
    const [found] = relocateFindings(
      [finding("<rendered>/demo/helm-template.yaml", line, path)],
      [
        {
          file: "<rendered>/demo/helm-template.yaml",
          text: rendered,
          map: {
            kind: "helm",
            chartName: "demo",
            chartFolder: "demo",
            templates: {
              "demo/templates/pod.yaml": { file: "demo/templates/pod.yaml", text: template },
            },
            values: [{ file: "demo/values.yaml", text: values }],
          },
        },
      ],
    );
    return `${found!.file}:${found!.line}`;
  };

  it("reads the dot inside `with .Values.x` as x: a block by toYaml ., a field by {{ .y }}", () => {
    expect(at(13, "/spec/containers/0/securityContext/privileged")).toBe("demo/values.yaml:4");
    expect(at(8, "/spec/hostNetwork")).toBe("demo/values.yaml:2");
  });
});

describe("relocateFindings: a mapping a strategic merge patch deleted", () => {
  it("puts the finding that names the deleted key on its $patch: delete", () => {
    const base = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  template:
    spec:
      securityContext:
        runAsNonRoot: true
        seccompProfile:
          type: RuntimeDefault
`;
    const patch = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  template:
    spec:
      securityContext:
        seccompProfile:
          $patch: delete
`;
    const built = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  template:
    spec:
      securityContext:
        runAsNonRoot: true
`;
    const [found] = relocateFindings(
      [
        {
          ...finding("<rendered>/o/kustomize-build.yaml", 8, "/spec/template/spec/securityContext"),
          message: 'container "app" has no seccomp profile: it runs Unconfined',
        },
      ],
      [
        {
          file: "<rendered>/o/kustomize-build.yaml",
          text: built,
          map: {
            kind: "kustomize",
            documents: [{ resource: "base/web.yaml", patches: [{ file: "o/patch.yaml" }] }],
            files: { "base/web.yaml": base, "o/patch.yaml": patch },
          },
        },
      ],
    );
    expect(found).toMatchObject({ file: "o/patch.yaml", line: 10 });
  });
});

describe("relocateFindings: Helm list items printed by a range", () => {
  const template = `apiVersion: v1
kind: Pod
metadata:
  name: web
spec:
  containers:
    - name: app
      image: nginx
      env:
        - name: MODE
          value: prod
        {{- range .Values.env }}
        - name: {{ .name }}
          value: {{ .value | quote }}
        {{- end }}
`;
  const rendered = `---
# Source: demo/templates/pod.yaml
apiVersion: v1
kind: Pod
metadata:
  name: web
spec:
  containers:
    - name: app
      image: nginx
      env:
        - name: MODE
          value: prod
        - name: DB_HOST
          value: "db"
        - name: DB_PASSWORD
          value: "hunter2"
`;
  const values =
    "env:\n  - name: DB_HOST\n    value: db\n  - name: DB_PASSWORD\n    value: hunter2\n";
  const at = (line: number, path: string) => {
    const [found] = relocateFindings(
      [finding("<rendered>/demo/helm-template.yaml", line, path)],
      [
        {
          file: "<rendered>/demo/helm-template.yaml",
          text: rendered,
          map: {
            kind: "helm",
            chartName: "demo",
            chartFolder: "demo",
            templates: {
              "demo/templates/pod.yaml": { file: "demo/templates/pod.yaml", text: template },
            },
            values: [{ file: "demo/values.yaml", text: values }],
          },
        },
      ],
    );
    return `${found!.file}:${found!.line}`;
  };

  it("puts an item's field on that item of the values list, after the literal items", () => {
    expect(at(16, "/spec/containers/0/env/2/value")).toBe("demo/values.yaml:5");
    expect(at(14, "/spec/containers/0/env/1/value")).toBe("demo/values.yaml:3");
    expect(at(12, "/spec/containers/0/env/0/value")).toBe("demo/templates/pod.yaml:11");
  });
});

describe("relocateFindings: Helm list items printed by a range inside a range", () => {
  const template = `apiVersion: v1
kind: Pod
metadata:
  name: web
spec:
  containers:
    - name: app
      image: nginx
    {{- range .Values.sidecars }}
    - name: {{ .name }}
      image: busybox
      env:
        - name: MODE
          value: prod
        {{- range .env }}
        - name: {{ .name }}
          value: {{ .value | quote }}
        {{- end }}
    {{- end }}
`;
  const rendered = `---
# Source: demo/templates/pod.yaml
apiVersion: v1
kind: Pod
metadata:
  name: web
spec:
  containers:
    - name: app
      image: nginx
    - name: a
      image: busybox
      env:
        - name: MODE
          value: prod
        - name: A1
          value: "1"
    - name: b
      image: busybox
      env:
        - name: MODE
          value: prod
        - name: B1
          value: "1"
        - name: B2
          value: "2"
`;
  const values = [
    "sidecars:",
    "  - name: a",
    "    env:",
    "      - {name: A1, value: '1'}",
    "  - name: b",
    "    env:",
    "      - name: B1",
    "        value: '1'",
    "      - name: B2",
    "        value: '2'",
    "",
  ].join("\n");
  const at = (line: number, path: string) => {
    const [found] = relocateFindings(
      [finding("<rendered>/demo/helm-template.yaml", line, path)],
      [
        {
          file: "<rendered>/demo/helm-template.yaml",
          text: rendered,
          map: {
            kind: "helm",
            chartName: "demo",
            chartFolder: "demo",
            templates: {
              "demo/templates/pod.yaml": { file: "demo/templates/pod.yaml", text: template },
            },
            values: [{ file: "demo/values.yaml", text: values }],
          },
        },
      ],
    );
    return `${found!.file}:${found!.line}`;
  };

  it("puts a field of an inner range's item on list.<i>.sub.<j> in the values file", () => {
    expect(at(27, "/spec/containers/2/env/2/value")).toBe("demo/values.yaml:10");
    expect(at(25, "/spec/containers/2/env/1/value")).toBe("demo/values.yaml:8");
    expect(at(17, "/spec/containers/1/env/1/value")).toBe("demo/values.yaml:4");
  });

  it("reads ranges that name their items (range $i, $car := ...; $car.env; $e.value)", () => {
    const named = template
      .replace("{{- range .Values.sidecars }}", "{{- range $i, $car := .Values.sidecars }}")
      .replace("{{- range .env }}", "{{- range $e := $car.env }}")
      .replace("value: {{ .value | quote }}", "value: {{ $e.value | quote }}");
    expect(named).not.toBe(template);
    const [found] = relocateFindings(
      [finding("<rendered>/demo/helm-template.yaml", 12, "/spec/containers/2/env/2/value")],
      [
        {
          file: "<rendered>/demo/helm-template.yaml",
          text: rendered,
          map: {
            kind: "helm",
            chartName: "demo",
            chartFolder: "demo",
            templates: {
              "demo/templates/pod.yaml": { file: "demo/templates/pod.yaml", text: named },
            },
            values: [{ file: "demo/values.yaml", text: values }],
          },
        },
      ],
    );
    expect(`${found!.file}:${found!.line}`).toBe("demo/values.yaml:10");
  });

  it("keeps the items of a range inside a range printed into one list on the template's line", () => {
    const flattened = template.replace(
      "    {{- range .Values.sidecars }}\n    - name: {{ .name }}\n",
      "    {{- range .Values.sidecars }}\n    {{- range .env }}\n    - name: {{ .name }}\n    {{- end }}\n",
    );
    expect(flattened).not.toBe(template);
    const [found] = relocateFindings(
      [finding("<rendered>/demo/helm-template.yaml", 12, "/spec/containers/2/name")],
      [
        {
          file: "<rendered>/demo/helm-template.yaml",
          text: rendered,
          map: {
            kind: "helm",
            chartName: "demo",
            chartFolder: "demo",
            templates: {
              "demo/templates/pod.yaml": { file: "demo/templates/pod.yaml", text: flattened },
            },
            values: [{ file: "demo/values.yaml", text: values }],
          },
        },
      ],
    );
    expect(`${found!.file}:${found!.line}`).toBe("demo/templates/pod.yaml:11");
  });

  it("puts what a range's item writes literally on the template's line, whichever item", () => {
    expect(at(23, "/spec/containers/2/env/0/value")).toBe("demo/templates/pod.yaml:14");
    expect(at(20, "/spec/containers/2/image")).toBe("demo/templates/pod.yaml:11");
  });
});

describe("relocateFindings: Kustomize images entries of two kustomizations", () => {
  it("puts a tag on the inner entry that set it, under an outer entry that renamed the image", () => {
    const deployment = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  template:
    spec:
      containers:
        - name: app
          image: scout/backend:1.0
`;
    const built = deployment.replace("scout/backend:1.0", "ghcr.io/scout/backend:latest");
    const position = (file: string, line: number) => ({ file, line, column: 5 });
    const [found] = relocateFindings(
      [
        finding(
          "<rendered>/dev/kustomize-build.yaml",
          10,
          "/spec/template/spec/containers/0/image",
        ),
      ],
      [
        {
          file: "<rendered>/dev/kustomize-build.yaml",
          text: built,
          map: {
            kind: "kustomize",
            documents: [
              {
                resource: "base/web.yaml",
                patches: [],
                images: [
                  { name: "scout/backend", newTag: "latest", position: position("base/k.yaml", 5) },
                  {
                    name: "scout/backend",
                    newName: "ghcr.io/scout/backend",
                    position: position("dev/k.yaml", 5),
                  },
                ],
              },
            ],
            files: { "base/web.yaml": deployment },
          },
        },
      ],
    );
    expect(found).toMatchObject({ file: "base/k.yaml", line: 5 });
  });

  it("leaves a tag the resource wrote on the resource, under an entry that only renamed it", () => {
    const deployment = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  template:
    spec:
      containers:
        - name: app
          image: scout/backend:latest
`;
    const built = deployment.replace("scout/backend", "mirror.example/scout/backend");
    const [found] = relocateFindings(
      [
        {
          ...finding(
            "<rendered>/dev/kustomize-build.yaml",
            10,
            "/spec/template/spec/containers/0/image",
          ),
          message:
            'container "app" uses image mirror.example/scout/backend:latest: :latest changes under you',
        },
      ],
      [
        {
          file: "<rendered>/dev/kustomize-build.yaml",
          text: built,
          map: {
            kind: "kustomize",
            documents: [
              {
                resource: "base/web.yaml",
                patches: [],
                images: [
                  {
                    name: "scout/backend",
                    newName: "mirror.example/scout/backend",
                    position: { file: "dev/k.yaml", line: 5, column: 5 },
                  },
                ],
              },
            ],
            files: { "base/web.yaml": deployment },
          },
        },
      ],
    );
    expect(found).toMatchObject({ file: "base/web.yaml", line: 10 });
  });
});

describe("relocateFindings: a strategic merge patch that rewrites an unnamed list item", () => {
  const role = (secretsRule: string) => `apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata:
  name: scout-backend
rules:
  - apiGroups: [""]
    resources: [configmaps]
    verbs: [get]
  - apiGroups: [""]
    resources: [secrets]
${secretsRule}`;
  const named = "    resourceNames: [scout-secrets]\n    verbs: [get]\n";
  const onVerb = (patchText: string) =>
    relocateFindings(
      [finding("<rendered>/o/kustomize-build.yaml", 12, "/rules/1/verbs/0")],
      [
        {
          file: "<rendered>/o/kustomize-build.yaml",
          text: role("    verbs: [get]\n"),
          map: {
            kind: "kustomize",
            documents: [{ resource: "base/role.yaml", patches: [{ file: "o/patch.yaml" }] }],
            files: { "base/role.yaml": role(named), "o/patch.yaml": patchText },
          },
        },
      ],
    )[0]!;

  // A Role's rules have no merge key: the patch's list replaces the base's whole, so the `get`
  // it restates, without the base's resourceNames, is what the patch wrote.
  it("puts a finding on an item the patch changed on the patch, though its value is the base's", () => {
    expect(onVerb(role("    verbs: [get]\n"))).toMatchObject({ file: "o/patch.yaml", line: 11 });
  });

  it("leaves it on the base when the patch restates the item unchanged", () => {
    expect(onVerb(role(named))).toMatchObject({ file: "base/role.yaml", line: 12 });
  });
});
