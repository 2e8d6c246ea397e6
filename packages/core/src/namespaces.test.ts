import { describe, expect, it } from "vitest";
import { buildBundle } from "./bundle.js";
import { effectiveNamespace } from "./namespaces.js";
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
metadata: {name: backend}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: backend, namespace: default}
`);
    expect(found).toHaveLength(1);
    expect(found[0]!.position.line).toBe(7);
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
