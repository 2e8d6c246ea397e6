import { buildBundle, parseSource, settingsSchema } from "@scout-deploy/core";
import { describe, expect, it } from "vitest";
import {
  bindingsOf,
  mainContainer,
  resolvePort,
  scoutNamespace,
  scoutServiceAccounts,
} from "./index.js";
import { componentWorkloads } from "./workloads.js";

const settings = (value: Record<string, unknown> = {}) => settingsSchema.parse(value);
const bundleOf = (...files: Array<[string, string]>) =>
  buildBundle(files.map(([path, text]) => parseSource(path, text)));

const namespaceYaml = "apiVersion: v1\nkind: Namespace\nmetadata: {name: scout}\n";
const backendYaml = `apiVersion: apps/v1
kind: Deployment
metadata: {name: api, namespace: team}
spec:
  template:
    metadata: {labels: {app: backend}}
    spec:
      serviceAccountName: api
      containers:
        - {name: logs}
        - {name: api, ports: [{name: http, containerPort: 8000}]}
`;
const crbYaml = `apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: wide}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: view}
subjects:
  - {kind: ServiceAccount, name: api, namespace: team}
  - {kind: ServiceAccount, name: other, namespace: scout}
  - {kind: ServiceAccount, name: stranger, namespace: elsewhere}
  - {kind: User, name: api}
`;

describe("scoutNamespace", () => {
  it("is the config's, else the single Namespace object's, else unknown", () => {
    expect(
      scoutNamespace(bundleOf(["a.yaml", namespaceYaml]), settings({ namespace: "prod" })),
    ).toBe("prod");
    expect(scoutNamespace(bundleOf(["a.yaml", namespaceYaml]), settings())).toBe("scout");
    const two = `${namespaceYaml}---\napiVersion: v1\nkind: Namespace\nmetadata: {name: other}\n`;
    expect(scoutNamespace(bundleOf(["a.yaml", two]), settings())).toBeUndefined();
  });
});

describe("scoutServiceAccounts across files", () => {
  it("finds a ClusterRoleBinding's Scout subjects wherever the binding sits", () => {
    const bundle = bundleOf(
      ["ns.yaml", namespaceYaml],
      ["backend.yaml", backendYaml],
      ["rbac/crb.yaml", crbYaml],
    );
    const isScout = scoutServiceAccounts(bundle, settings());
    const [binding] = bindingsOf(bundle);
    expect(binding?.object.document.file.path).toBe("rbac/crb.yaml");
    expect(binding!.subjects.filter(isScout).map((s) => s.name)).toEqual(["api", "other"]);
  });
});

describe("ports", () => {
  it("resolves named ports and finds the serving container", () => {
    const bundle = bundleOf(["backend.yaml", backendYaml]);
    const [workload] = componentWorkloads(bundle, settings(), "backend");
    const main = mainContainer(workload!.template, 8000);
    expect(main?.name).toBe("api");
    expect(resolvePort("http", main!.container)).toBe(8000);
    expect(resolvePort("8000", main!.container)).toBe(8000);
    expect(resolvePort("metrics", main!.container)).toBeUndefined();
  });
});
