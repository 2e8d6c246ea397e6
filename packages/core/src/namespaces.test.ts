import { describe, expect, it } from "vitest";
import { buildBundle } from "./bundle.js";
import { evaluate } from "./evaluate.js";
import { effectiveNamespace } from "./namespaces.js";
import { defineRule } from "./rule.js";
import { parseSource } from "./source.js";

const bundleOf = (yaml: string) => buildBundle([parseSource("a.yaml", yaml)]);

describe("effectiveNamespace: where the API server creates an object", () => {
  const bundle = bundleOf(`apiVersion: apps/v1
kind: Deployment
metadata: {name: explicit, namespace: scout}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: unset}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: empty, namespace: ""}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: crb, namespace: scout}
---
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: widgets.example.com}
spec: {group: example.com, scope: Cluster, names: {kind: Widget}}
---
apiVersion: example.com/v1
kind: Widget
metadata: {name: w, namespace: scout}
---
apiVersion: example.com/v1
kind: Gadget
metadata: {name: g}
`);
  const named = (name: string) => bundle.objects.find((o) => o.ref.name === name)!;

  it("an explicit namespace wins over the request's", () => {
    expect(effectiveNamespace(bundle, named("explicit"), "other")).toBe("scout");
  });

  it("an unset or empty namespace is the request's (-n), else default", () => {
    expect(effectiveNamespace(bundle, named("unset"))).toBe("default");
    expect(effectiveNamespace(bundle, named("empty"))).toBe("default");
    expect(effectiveNamespace(bundle, named("unset"), "staging")).toBe("staging");
  });

  it("a cluster-scoped object has none, though its metadata names one (the API server clears it)", () => {
    expect(effectiveNamespace(bundle, named("crb"))).toBeUndefined();
    expect(effectiveNamespace(bundle, named("w"), "staging")).toBeUndefined();
  });

  it("well-known cluster-wide add-on kinds have none without their CRD in the input", () => {
    const addOns = bundleOf(`apiVersion: kyverno.io/v1
kind: ClusterPolicy
metadata: {name: require-labels}
---
apiVersion: templates.gatekeeper.sh/v1
kind: ConstraintTemplate
metadata: {name: k8srequiredlabels}
---
apiVersion: constraints.gatekeeper.sh/v1beta1
kind: K8sRequiredLabels
metadata: {name: must-have-owner}
`);
    for (const object of addOns.objects) {
      expect(effectiveNamespace(addOns, object), object.ref.kind).toBeUndefined();
    }
  });

  it("a custom kind no CRD of the input defines is namespaced", () => {
    expect(effectiveNamespace(bundle, named("g"))).toBe("default");
  });
});

describe("input/duplicate-object: one object for the API server", () => {
  const duplicates = (yaml: string) =>
    bundleOf(yaml).problems.filter((p) => p.ruleId === "input/duplicate-object");

  it("a Deployment without a namespace and one in default are the same object", () => {
    const found = duplicates(`apiVersion: apps/v1
kind: Deployment
metadata: {name: backend, namespace: default}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: backend}
`);
    expect(found).toHaveLength(1);
    expect(found[0]!.position.line).toBe(7);
    expect(found[0]!.message).toMatch(/^Deployment default\/backend is defined twice/);
  });

  it("a ClusterRole with a namespace and one without are the same object", () => {
    expect(
      duplicates(`apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: reader, namespace: scout}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: reader}
`),
    ).toHaveLength(1);
  });

  it("the same name in two namespaces is two objects", () => {
    expect(
      duplicates(`apiVersion: apps/v1
kind: Deployment
metadata: {name: backend}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: backend, namespace: scout}
`),
    ).toHaveLength(0);
  });
});

describe("the report names an object by where it lands", () => {
  const everyObject = defineRule({
    id: "test/every-object",
    meta: { severity: "error", description: "d", remediation: "r", messages: { seen: "seen" } },
    check({ bundle, report }) {
      for (const object of bundle.objects) report({ object, messageId: "seen" });
    },
  });
  const findingsOf = (yaml: string) => evaluate([everyObject], bundleOf(yaml)).findings;

  it("an unset namespace is default, a cluster-scoped object has none", () => {
    const [deployment, binding] = findingsOf(`apiVersion: apps/v1
kind: Deployment
metadata: {name: backend}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: crb, namespace: scout}
`);
    expect(deployment!.object).toEqual({
      apiVersion: "apps/v1",
      kind: "Deployment",
      namespace: "default",
      name: "backend",
    });
    expect(deployment!.instance).toBe("default");
    expect(binding!.object).toEqual({
      apiVersion: "rbac.authorization.k8s.io/v1",
      kind: "ClusterRoleBinding",
      name: "crb",
    });
    expect(binding!.instance).toBeUndefined();
  });

  it("spelling out namespace: default keeps a finding's fingerprint", () => {
    const [unset] = findingsOf("apiVersion: v1\nkind: Pod\nmetadata: {name: p}\n");
    const [spelt] = findingsOf(
      "apiVersion: v1\nkind: Pod\nmetadata: {name: p, namespace: default}\n",
    );
    expect(spelt!.fingerprint).toBe(unset!.fingerprint);
  });
});
