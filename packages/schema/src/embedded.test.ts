import { ConfigurationError } from "@scout-deploy/core";
import { describe, expect, it } from "vitest";
import { bundledKubernetesVersions, defaultKubernetesVersion } from "./data.js";
import { createEmbeddedValidator, validateBundle } from "./embedded.js";
import { bundleOf, positioned } from "./test-support/bundle.js";

const deployment = (spec: string) => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: backend
  namespace: scout
spec:
  selector:
    matchLabels: {app: backend}
  template:
    metadata:
      labels: {app: backend}
    spec:
      containers:
        - name: api
          image: scout/backend:1.0
${spec}`;

describe("embedded validator", () => {
  it("names the wrong types in a Secret without quoting its values", () => {
    const yaml = `apiVersion: v1
kind: Secret
metadata: {name: scout-secrets, namespace: scout}
stringData:
  pin: 739154820661
  enabled: yes-but-Q8wErTy1
data:
  token: [Zq8WmT3vXk5Jr7Lp]
`;
    const messages = positioned(validateBundle(bundleOf(yaml)));
    expect(messages).toEqual([
      "8:3 type data.token: expected string, got array",
      "5:3 type stringData.pin: expected string, got integer",
    ]);
  });

  it("quotes a long value outside an enum only by its first characters", () => {
    const yaml = deployment("          imagePullPolicy: Zq8WmT3vXk5Jr7Lp\n");
    expect(positioned(validateBundle(bundleOf(yaml)))).toEqual([
      '16:11 enum spec.template.spec.containers[0].imagePullPolicy: "Zq8..." is not one of Always, IfNotPresent, Never',
    ]);
  });

  it("flags replicas: one at its line with the expected type", () => {
    const yaml = deployment("").replace("spec:\n  selector", "spec:\n  replicas: one\n  selector");
    expect(positioned(validateBundle(bundleOf(yaml)))).toEqual([
      "7:3 type spec.replicas: expected integer, got string",
    ]);
  });

  it("flags an unknown field at its key and suggests the known one", () => {
    const yaml = deployment("          imagePullPolcy: Always\n");
    expect(positioned(validateBundle(bundleOf(yaml)))).toEqual([
      "16:11 unknown-field spec.template.spec.containers[0]: unknown field imagePullPolcy (did you mean imagePullPolicy?)",
    ]);
  });

  it("names no suggestion when nothing is close", () => {
    const yaml = deployment("          flavour: vanilla\n");
    expect(positioned(validateBundle(bundleOf(yaml)))).toEqual([
      "16:11 unknown-field spec.template.spec.containers[0]: unknown field flavour",
    ]);
  });

  it("flags a missing required field at the object that lacks it", () => {
    const yaml = deployment("        - image: sidecar:1.0\n");
    expect(positioned(validateBundle(bundleOf(yaml)))).toEqual([
      "16:11 required spec.template.spec.containers[1]: missing required field name",
    ]);
  });

  it("flags a value outside an enum", () => {
    const yaml = deployment("          imagePullPolicy: Sometimes\n");
    expect(positioned(validateBundle(bundleOf(yaml)))).toEqual([
      '16:11 enum spec.template.spec.containers[0].imagePullPolicy: "Sometimes" is not one of Always, IfNotPresent, Never',
    ]);
  });

  it("reports a wrong-typed enum field once, as a type error", () => {
    const yaml = deployment("          imagePullPolicy: 3\n");
    expect(positioned(validateBundle(bundleOf(yaml)))).toEqual([
      "16:11 type spec.template.spec.containers[0].imagePullPolicy: expected string, got integer",
    ]);
  });

  it("accepts both shapes of int-or-string and rejects the others, null included", () => {
    const yaml = (value: string) =>
      deployment("").replace(
        "spec:\n  selector",
        `spec:\n  strategy:\n    rollingUpdate: {maxSurge: ${value}}\n  selector`,
      );
    expect(validateBundle(bundleOf(yaml("1")))).toEqual([]);
    expect(validateBundle(bundleOf(yaml("25%")))).toEqual([]);
    expect(positioned(validateBundle(bundleOf(yaml("true"))))).toEqual([
      "8:21 type spec.strategy.rollingUpdate.maxSurge: expected string or integer, got boolean",
    ]);
    expect(positioned(validateBundle(bundleOf(yaml("null"))))).toEqual([
      "8:21 type spec.strategy.rollingUpdate.maxSurge: expected string or integer, got null",
    ]);
  });

  it("checks map values (labels must be strings) and list items", () => {
    // the template's labels: a document's own metadata kubectl decodes itself (core refuses it)
    const yaml = deployment("          ports: [{containerPort: '8000'}]\n").replace(
      "labels: {app: backend}",
      "labels: {app: backend, tier: 1}",
    );
    expect(positioned(validateBundle(bundleOf(yaml)))).toEqual([
      "11:30 type spec.template.metadata.labels.tier: expected string, got integer",
      "16:20 type spec.template.spec.containers[0].ports[0].containerPort: expected integer, got string",
    ]);
  });

  it("finds nothing wrong in valid objects of many kinds", () => {
    const yaml = `${deployment("          securityContext: {runAsNonRoot: true, runAsUser: 1000}\n")}
---
apiVersion: v1
kind: Service
metadata: {name: backend, namespace: scout}
spec:
  selector: {app: backend}
  ports: [{port: 8000, targetPort: http, protocol: TCP}]
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: default-deny, namespace: scout}
spec:
  podSelector: {}
  policyTypes: [Ingress, Egress]
---
apiVersion: v1
kind: Secret
metadata: {name: tokens, namespace: scout}
type: Opaque
data: {token: c2VjcmV0}
---
apiVersion: batch/v1
kind: CronJob
metadata: {name: rotate, namespace: scout}
spec:
  schedule: "0 0 * * *"
  jobTemplate:
    spec:
      template:
        spec:
          restartPolicy: OnFailure
          containers: [{name: rotate, image: "scout/rotate:1.0"}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: backend, namespace: scout}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: backend}
subjects: [{kind: ServiceAccount, name: backend, namespace: scout}]
`;
    const bundle = bundleOf(yaml);
    expect(bundle.objects).toHaveLength(6);
    expect(validateBundle(bundle)).toEqual([]);
  });

  it("validates each item of a List at its own place", () => {
    const yaml = `apiVersion: v1
kind: List
items:
  - apiVersion: v1
    kind: ConfigMap
    metadata: {name: a}
    data: {key: value}
  - apiVersion: v1
    kind: ConfigMap
    metadata: {name: b}
    dta: {key: value}
`;
    expect(positioned(validateBundle(bundleOf(yaml)))).toEqual([
      "11:5 unknown-field unknown field dta (did you mean data?)",
    ]);
  });

  it("reports a kind without a schema once, as info, and still checks the rest", () => {
    const yaml = `apiVersion: monitoring.coreos.com/v1
kind: ServiceMonitor
metadata: {name: a}
---
apiVersion: monitoring.coreos.com/v1
kind: ServiceMonitor
metadata: {name: b}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: c, labelz: {}}
`;
    const problems = validateBundle(bundleOf(yaml));
    expect(problems.map((p) => [p.ruleId, p.severity, p.object.ref.name])).toEqual([
      ["input/no-schema", "info", "a"],
      ["input/schema", "error", "c"],
    ]);
    expect(positioned(problems)[0]).toBe(
      "2:1 no-schema no schema for ServiceMonitor (monitoring.coreos.com/v1): objects of this kind are not schema-checked",
    );
  });

  it("reports an apiVersion that Kubernetes no longer serves as an error", () => {
    const yaml = "apiVersion: apps/v1beta1\nkind: Deployment\nmetadata: {name: old}\n";
    expect(positioned(validateBundle(bundleOf(yaml)))).toEqual([
      "1:1 unserved apps/v1beta1 Deployment is not served by Kubernetes 1.37 (Deployment is served as apps/v1)",
    ]);
  });

  it("bundles the three newest minors and defaults to the newest", () => {
    const versions = bundledKubernetesVersions();
    expect(versions).toHaveLength(3);
    const minors = versions.map((v) => Number(v.split(".")[1]));
    expect(minors[1]).toBe((minors[0] ?? 0) + 1);
    expect(minors[2]).toBe((minors[1] ?? 0) + 1);
    expect(defaultKubernetesVersion()).toBe(versions[2]);
  });

  it("judges by the requested Kubernetes version, any patch of a bundled minor", () => {
    const yaml = `apiVersion: storagemigration.k8s.io/v1
kind: StorageVersionMigration
metadata: {name: m}
spec:
  resource: {group: apps, resource: deployments}
`;
    expect(validateBundle(bundleOf(yaml), { kubernetesVersion: "1.37.2" })).toEqual([]);
    expect(positioned(validateBundle(bundleOf(yaml), { kubernetesVersion: "v1.36" }))).toEqual([
      "1:1 unserved storagemigration.k8s.io/v1 StorageVersionMigration is not served by Kubernetes 1.36 (StorageVersionMigration is served as storagemigration.k8s.io/v1, storagemigration.k8s.io/v1beta1)",
    ]);
  });

  it("rejects a bad or unbundled version with a one-line configuration error", () => {
    const bundle = bundleOf("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n");
    expect(() => validateBundle(bundle, { kubernetesVersion: "latest" })).toThrow(
      ConfigurationError,
    );
    expect(() => validateBundle(bundle, { kubernetesVersion: "latest" })).toThrow(
      '--kubernetes-version: "latest" is not a Kubernetes version such as 1.34.1',
    );
    expect(() => validateBundle(bundle, { kubernetesVersion: "1.20.0" })).toThrow(
      /bundles schemas for 1\.35, 1\.36, 1\.37; use one of those or --schema kubeconform/,
    );
  });

  it("serves the same results through the SchemaValidator port", async () => {
    const bundle = bundleOf(deployment("          imagePullPolcy: Always\n"));
    const validator = createEmbeddedValidator();
    expect(validator.name).toBe("embedded");
    expect(await validator.validate(bundle)).toEqual(validateBundle(bundle));
  });
});

describe("apiVersions of Kubernetes' own groups", () => {
  it("treats a removed group as built in, and the Gateway API's group as custom", () => {
    const yaml = `apiVersion: extensions/v1beta1
kind: Ingress
metadata: {name: old}
---
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: route}
`;
    expect(validateBundle(bundleOf(yaml)).map((p) => `${p.code} ${p.severity}`)).toEqual([
      "unserved error",
      "no-schema info",
    ]);
  });
});
