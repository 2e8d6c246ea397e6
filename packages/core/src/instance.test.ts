import { describe, expect, it } from "vitest";
import { type BundleObject, buildBundle } from "./bundle.js";
import { InstanceIndex, instanceOf, sameInstance } from "./instance.js";
import { parseSource } from "./source.js";

const objects = (yaml: string) => buildBundle([parseSource("a.yaml", yaml)]).objects;

const yaml = `apiVersion: apps/v1
kind: Deployment
metadata: {name: backend, namespace: staging}
spec:
  template:
    metadata: {labels: {app.kubernetes.io/instance: shop-a}}
    spec: {containers: [{name: api}]}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: backend, namespace: staging, labels: {app.kubernetes.io/instance: shop-b}}
spec: {template: {spec: {containers: [{name: api}]}}}
---
apiVersion: v1
kind: Service
metadata: {name: redis, namespace: staging}
---
apiVersion: v1
kind: Service
metadata: {name: redis, namespace: production}
---
apiVersion: v1
kind: Service
metadata: {name: bare}
`;

describe("deployment instances", () => {
  const [a, b, shared, production, bare] = objects(yaml);

  it("are named by namespace, narrowed by the instance label of the pod template or the object", () => {
    expect([a, b, shared, production, bare].map((o) => instanceOf(o!).name)).toEqual([
      "staging/shop-a",
      "staging/shop-b",
      "staging",
      "production",
      "default",
    ]);
  });

  it("pair objects of one namespace whose labels agree; an unlabelled object serves them all", () => {
    const [ia, ib, is, ip] = [a, b, shared, production].map((o) => instanceOf(o!));
    expect(sameInstance(ia!, ib!)).toBe(false);
    expect(sameInstance(ia!, is!)).toBe(true);
    expect(sameInstance(ib!, is!)).toBe(true);
    expect(sameInstance(is!, ip!)).toBe(false);
  });

  it("are looked up by index, each item with its own instance's only", () => {
    const index = InstanceIndex.of([a!, b!, shared!, production!], instanceOf);
    const names = (o: BundleObject) =>
      index
        .with(instanceOf(o))
        .map((x) => `${x.ref.namespace}/${x.ref.name}:${instanceOf(x).name}`);
    expect(names(a!)).toEqual(["staging/backend:staging/shop-a", "staging/redis:staging"]);
    expect(names(shared!)).toHaveLength(3);
    expect(names(production!)).toEqual(["production/redis:production"]);
    expect(index.with(instanceOf(bare!))).toEqual([]);
  });
});
