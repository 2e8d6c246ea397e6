import { buildBundle, parseSource, podTemplateOf } from "@scout-deploy/core";
import { describe, expect, it } from "vitest";
import { analyze, endpointId, type Flow } from "./analyze.js";
import { formatConns } from "./conns.js";
import { podLabelSets, podNameOf } from "./pods.js";

const lines = (flows: Flow[]) =>
  flows.map((f) => `${endpointId(f.from)} => ${endpointId(f.to)} : ${formatConns(f.conns)}`);

const analyzed = (yaml: string) => analyze(buildBundle([parseSource("test.yaml", yaml)]));

describe("the pods a workload's controller makes", () => {
  it("carry labels the template never spells, and unknowable ones hold no value a selector names", () => {
    const { model } = analyzed(`
apiVersion: batch/v1
kind: CronJob
metadata: {name: report, namespace: scout}
spec:
  schedule: "0 * * * *"
  jobTemplate: {spec: {template: {metadata: {labels: {app: report}}, spec: {containers: [{name: r}]}}}}
---
apiVersion: batch/v1
kind: Job
metadata: {name: manual, namespace: scout}
spec:
  manualSelector: true
  selector: {matchLabels: {app: manual}}
  template: {metadata: {labels: {app: manual}}, spec: {containers: [{name: m}]}}
---
apiVersion: apps/v1
kind: DaemonSet
metadata: {name: agent, namespace: scout}
spec:
  selector: {matchLabels: {app: agent}}
  template: {metadata: {labels: {app: agent, pod-template-hash: abc}}, spec: {containers: [{name: a}]}}
`);
    const [report, manual, agent] = model.workloads;
    expect(report!.unknownLabels).toEqual([
      "job-name",
      "batch.kubernetes.io/job-name",
      "controller-uid",
      "batch.kubernetes.io/controller-uid",
    ]);
    expect(manual!.labels).toEqual({ app: "manual" });
    expect(manual!.unknownLabels).toEqual([]);
    // A DaemonSet's own controller labels are unknowable; a template's pod-template-hash is just a label there.
    expect(agent!.unknownLabels).toEqual(["controller-revision-hash", "pod-template-generation"]);
    expect(agent!.labels["pod-template-hash"]).toBe("abc");
  });

  it("split a StatefulSet only into the groups of pods that some selector tells apart", () => {
    const statefulSet = (name: string, replicas: number) => `
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: ${name}, namespace: scout}
spec:
  replicas: ${replicas}
  selector: {matchLabels: {app: ${name}}}
  template: {metadata: {labels: {app: ${name}}}, spec: {containers: [{name: c}]}}
---`;
    const connectivity = analyzed(`${statefulSet("redis", 4)}${statefulSet("client", 2)}
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: redis, namespace: scout}
spec:
  podSelector: {matchLabels: {app: redis}}
  policyTypes: [Ingress]
  ingress:
    - from: [{podSelector: {matchExpressions: [{key: apps.kubernetes.io/pod-index, operator: In, values: ["1"]}]}}]
      ports: [{port: 6379}]
`);
    expect(connectivity.model.workloads.map((w) => w.id)).toEqual([
      "scout/redis[StatefulSet]/redis-0,redis-2,redis-3",
      "scout/redis[StatefulSet]/redis-1",
      "scout/client[StatefulSet]/client-0",
      "scout/client[StatefulSet]/client-1",
    ]);
    expect(
      lines(
        connectivity.flows.filter(
          (f) =>
            f.from.kind === "workload" &&
            f.to.kind === "workload" &&
            f.to.workload.name === "redis",
        ),
      ),
    ).toEqual([
      "scout/redis[StatefulSet]/redis-1 => scout/redis[StatefulSet]/redis-0,redis-2,redis-3 : TCP 6379",
      "scout/client[StatefulSet]/client-1 => scout/redis[StatefulSet]/redis-0,redis-2,redis-3 : TCP 6379",
      "scout/client[StatefulSet]/client-1 => scout/redis[StatefulSet]/redis-1 : TCP 6379",
    ]);
  });

  it("are isolated only by policies that surely select them, and admitted by peers that may", () => {
    const connectivity = analyzed(`
apiVersion: apps/v1
kind: Deployment
metadata: {name: api, namespace: scout}
spec:
  selector: {matchLabels: {app: api}}
  template: {metadata: {labels: {app: api}}, spec: {containers: [{name: c}]}}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: scout}
spec:
  selector: {matchLabels: {app: web}}
  template: {metadata: {labels: {app: web}}, spec: {containers: [{name: c}]}}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: api, namespace: scout}
spec:
  podSelector: {matchLabels: {app: api}}
  policyTypes: [Ingress]
  ingress: [{from: [{podSelector: {matchLabels: {app: web, pod-template-hash: 5d8f7c9b6}}}], ports: [{port: 8000}]}]
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: web, namespace: scout}
spec:
  podSelector: {matchLabels: {app: web, pod-template-hash: 5d8f7c9b6}}
  policyTypes: [Ingress]
`);
    const [api, web] = connectivity.model.workloads;
    expect(connectivity.isolatedFor(api!, "ingress").map((p) => p.name)).toEqual(["api"]);
    expect(connectivity.isolatedFor(web!, "ingress")).toEqual([]);
    expect(
      lines(
        [...connectivity.flows].filter(
          (f) => f.to.kind === "workload" && f.to.workload === api && f.from.kind === "workload",
        ),
      ),
    ).toEqual(["scout/web[Deployment] => scout/api[Deployment] : TCP 8000"]);
  });
});

describe("the names the controllers give pods", () => {
  const namesOf = (yaml: string, hints: string[] = []) => {
    const bundle = buildBundle([parseSource("test.yaml", yaml)]);
    const object = bundle.objects[0]!;
    const template = podTemplateOf(object)!;
    return podLabelSets(object, template).map((set) => podNameOf(object, set, hints));
  };

  it("a StatefulSet's are known, <name>-<ordinal>; a bare Pod's is its own", () => {
    expect(
      namesOf(`
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: redis}
spec: {replicas: 2, ordinals: {start: 3}, template: {spec: {containers: [{name: r}]}}}
`),
    ).toEqual([{ known: "redis-3" }, { known: "redis-4" }]);
    expect(
      namesOf(
        "apiVersion: v1\nkind: Pod\nmetadata: {name: debug}\nspec: {containers: [{name: d}]}",
      ),
    ).toEqual([{ known: "debug" }]);
  });

  it("a Deployment's are sampled in its controller's shape, with every character at every generated place", () => {
    const [name] = namesOf(
      "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: backend}\nspec: {template: {spec: {containers: [{name: b}]}}}",
      ["5d8f", "backend"],
    );
    if (!name || !("samples" in name)) throw new Error("a Deployment's pod name is not known");
    for (const sample of name.samples)
      expect(sample).toMatch(/^backend-[456789bcdf]{1,10}-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
    for (const position of [0, 1, 2, 3, 4]) {
      const seen = new Set(name.samples.map((s) => s.split("-")[2]![position]));
      expect(seen.size).toBe(27);
    }
    // A fragment a question names is tried in the hash.
    expect(name.samples.some((s) => s.startsWith("backend-5d8f"))).toBe(true);
  });
});
