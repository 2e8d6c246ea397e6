import { buildBundle, parseSource } from "@scout-deploy/core";
import { describe, expect, it } from "vitest";
import {
  diffFlows,
  flowDiffMarkdown,
  flowDiffMermaid,
  flowDiffSection,
  flowDiffText,
} from "./diff.js";
import { scoutSettings } from "./test-support/settings.js";

const settings = scoutSettings();

const workload = (component: string, name = component) => `apiVersion: apps/v1
kind: Deployment
metadata: {name: ${name}, namespace: scout}
spec:
  selector: {matchLabels: {app: ${component}}}
  template:
    metadata: {labels: {app: ${component}}}
    spec:
      containers: [{name: main, image: x, ports: [{containerPort: 6379}]}]
---
`;

/** backend, nginx and redis (and `more`); redis takes ingress from `peers` on TCP 6379. */
function bundle(peers: string, more = "") {
  return buildBundle([source(peers, more)]);
}

function source(peers: string, more = "") {
  const policy = `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: redis, namespace: scout}
spec:
  podSelector: {matchLabels: {app: redis}}
  policyTypes: [Ingress]
  ingress:
    - from: [${peers}]
      ports: [{protocol: TCP, port: 6379}]
`;
  const text = `${workload("backend")}${workload("nginx")}${workload("redis")}${more}${policy}`;
  return parseSource("all.yaml", text);
}

const backendOnly = "{podSelector: {matchLabels: {app: backend}}}";
const backendAndNginx = `${backendOnly}, {podSelector: {matchLabels: {app: nginx}}}`;

describe("diffFlows", () => {
  it("opens and closes nothing when a workload is written twice and nothing changes", () => {
    // A variant of redis kept in a second file: the same name twice. The flows of an
    // egress-isolated source went to the last copy only, so the first seemed to lose them:
    // "closes backend → redis".
    const egress = `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: egress, namespace: scout}
spec:
  podSelector: {}
  policyTypes: [Egress]
  egress: [{to: [{podSelector: {matchLabels: {app: redis}}}], ports: [{protocol: TCP, port: 6379}]}]
---
`;
    const twice = (peers = backendOnly) =>
      buildBundle([source(peers, egress), parseSource("variant/redis.yaml", workload("redis"))]);
    const diff = diffFlows(twice(), twice(), settings);
    expect(flowDiffText(diff)).toBe("");
    const opened = diffFlows(twice(), twice(backendAndNginx), settings);
    expect(opened.closed).toEqual([]);
    expect(opened.opened.flatMap((c) => c.ends)).toEqual([
      "scout/nginx[Deployment] → scout/redis[Deployment]",
      "scout/nginx[Deployment] → scout/redis[Deployment]",
    ]);
  });

  it("lists the flows the head opens, and the reverse as closed", () => {
    const diff = diffFlows(bundle(backendOnly), bundle(backendAndNginx), settings);
    expect(diff.opened.map(({ from, to, connections }) => ({ from, to, connections }))).toEqual([
      { from: "nginx", to: "redis", connections: "TCP 6379" },
    ]);
    expect(diff.closed).toEqual([]);
    expect(flowDiffMarkdown(diff)).toBe(
      "- This pull request **opens** nginx → redis on TCP 6379 (`scout/nginx[Deployment] → scout/redis[Deployment]`); through NetworkPolicy scout/redis \\(all.yaml:38\\)\n",
    );
    const back = diffFlows(bundle(backendAndNginx), bundle(backendOnly), settings);
    expect(back.opened).toEqual([]);
    expect(flowDiffMarkdown(back)).toBe(
      "- This pull request closes nginx → redis on TCP 6379 (`scout/nginx[Deployment] → scout/redis[Deployment]`)\n",
    );
  });

  it("says the ports as people do: a policy removed opens every port", () => {
    const withoutPolicy = buildBundle([
      parseSource("all.yaml", `${workload("backend")}${workload("nginx")}${workload("redis")}`),
    ]);
    const diff = diffFlows(bundle(backendOnly), withoutPolicy, settings);
    expect(flowDiffMarkdown(diff)).toContain(
      "- This pull request **opens** external → redis on every port (`0.0.0.0-255.255.255.255 → scout/redis[Deployment]`); through nothing isolates scout/redis\\[Deployment\\] for ingress \\(all.yaml:27\\)\n",
    );
    expect(flowDiffMarkdown(diff)).toContain(
      "- This pull request **opens** backend → redis on every port but TCP 6379 (`scout/backend[Deployment] → scout/redis[Deployment]`); through nothing isolates scout/backend\\[Deployment\\] for egress \\(all.yaml:7\\), nothing isolates scout/redis\\[Deployment\\] for ingress \\(all.yaml:27\\)\n",
    );
  });

  it("draws an opened flow thick in the head's diagram and a closed one dotted", () => {
    const opened = flowDiffMermaid(
      diffFlows(bundle(backendOnly), bundle(backendAndNginx), settings),
    );
    const edge = opened
      .split("\n")
      .filter((l) => l.startsWith("  n_nginx ") && l.endsWith("n_redis"));
    expect(edge).toEqual(['  n_nginx == "opened: TCP 6379" ==> n_redis']);
    const links = opened.split("\n").filter((l) => / (--|==|-\.) /.test(l));
    const index = links.findIndex((l) => l.includes("opened"));
    expect(opened).toContain(`linkStyle ${index} stroke:#c0c,stroke-width:5px`);
    const closed = flowDiffMermaid(
      diffFlows(bundle(backendAndNginx), bundle(backendOnly), settings),
    );
    expect(closed).toMatch(/n_nginx -\. "closed: TCP 6379" \.-> n_redis/);
  });

  it("opens the flows of a new workload that an allow rule admits, though its component had them", () => {
    const debug = workload("nginx", "debug");
    const diff = diffFlows(bundle(backendAndNginx), bundle(backendAndNginx, debug), settings);
    const plain = diff.opened.map(({ from, to, connections, ends }) => ({
      from,
      to,
      connections,
      ends,
    }));
    expect(plain).toContainEqual({
      from: "nginx",
      to: "redis",
      connections: "TCP 6379",
      ends: ["scout/debug[Deployment] → scout/redis[Deployment]"],
    });
    expect(flowDiffMarkdown(diff)).toContain(
      "- This pull request **opens** nginx → redis on TCP 6379 (`scout/debug[Deployment] → scout/redis[Deployment]`); through NetworkPolicy scout/redis \\(all.yaml:48\\)\n",
    );
    const back = diffFlows(bundle(backendAndNginx, debug), bundle(backendAndNginx), settings);
    expect(back.opened).toEqual([]);
    expect(back.closed.flatMap((c) => c.ends)).toContain(
      "scout/debug[Deployment] → scout/redis[Deployment]",
    );
  });

  it("lists the first ends of a change and counts the rest", () => {
    const copies = Array.from({ length: 25 }, (_, i) => workload("nginx", `copy${i}`)).join("");
    const diff = diffFlows(bundle(backendAndNginx), bundle(backendAndNginx, copies), settings);
    const toRedis = diff.opened.find((c) => c.from === "nginx" && c.to === "redis");
    expect(toRedis).toMatchObject({ connections: "TCP 6379", endCount: 25 });
    expect(toRedis?.ends).toHaveLength(20);
    expect(flowDiffMarkdown(diff)).toContain(
      "- This pull request **opens** nginx → redis on TCP 6379 (`scout/copy0[Deployment] → scout/redis[Deployment]`, `scout/copy1[Deployment] → scout/redis[Deployment]`, `scout/copy2[Deployment] → scout/redis[Deployment]` and 22 more); through NetworkPolicy scout/redis \\(all.yaml:288\\)\n",
    );
  });

  it("opens the addresses an ipBlock widened or an except removed lets in", () => {
    const narrow = "{ipBlock: {cidr: 203.0.113.0/24}}";
    const wide = "{ipBlock: {cidr: 0.0.0.0/0}}";
    const widened = diffFlows(bundle(narrow), bundle(wide), settings);
    expect(
      widened.opened.map(({ from, to, connections, ends }) => ({ from, to, connections, ends })),
    ).toEqual([
      {
        from: "external",
        to: "redis",
        connections: "TCP 6379",
        ends: [
          "0.0.0.0-203.0.112.255 → scout/redis[Deployment]",
          "203.0.114.0-255.255.255.255 → scout/redis[Deployment]",
        ],
      },
    ]);
    expect(widened.closed).toEqual([]);
    // Where the head lets them in: the rule the change widened.
    expect(widened.opened[0]?.via).toEqual(["NetworkPolicy scout/redis (all.yaml:38)"]);
    // Two halves that open alike are one range, let through by the rule of each half.
    const halves = "{ipBlock: {cidr: 10.0.0.0/9}}, {ipBlock: {cidr: 10.128.0.0/9}}";
    const split = diffFlows(bundle(narrow), bundle(halves), settings);
    expect(split.opened.map(({ ends, via }) => ({ ends, via }))).toEqual([
      {
        ends: ["10.0.0.0-10.255.255.255 → scout/redis[Deployment]"],
        via: ["NetworkPolicy scout/redis (all.yaml:38)"],
      },
    ]);
    const except = "{ipBlock: {cidr: 0.0.0.0/0, except: [198.51.100.0/24]}}";
    const removed = diffFlows(bundle(except), bundle(wide), settings);
    expect(removed.opened.flatMap((c) => c.ends)).toEqual([
      "198.51.100.0-198.51.100.255 → scout/redis[Deployment]",
    ]);
    expect(removed.closed).toEqual([]);
  });

  it("names a closed flow by the base's components: a workload relabelled closed what it was", () => {
    const egressToRedis = `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: backend, namespace: scout}
spec:
  podSelector: {matchLabels: {app: backend}}
  policyTypes: [Egress]
  egress: [{to: [{podSelector: {matchLabels: {app: redis}}}], ports: [{port: 6379}]}]
`;
    const redisAs = (app: string) =>
      buildBundle([
        parseSource(
          "all.yaml",
          `${workload("backend")}${workload(app).replace(`name: ${app},`, "name: redis,")}${egressToRedis}`,
        ),
      ]);
    const diff = diffFlows(redisAs("redis"), redisAs("nginx"), settings);
    expect(diff.closed.map(({ from, to, ends }) => ({ from, to, ends }))).toEqual([
      {
        from: "backend",
        to: "redis",
        ends: ["scout/backend[Deployment] → scout/redis[Deployment]"],
      },
    ]);
    expect(diff.opened.map(({ from, to }) => `${from} → ${to}`)).not.toContain("backend → nginx");
  });

  it("prints names from the manifests inert: no escape sequence, no line of their own", () => {
    const hostile = `apiVersion: v1
kind: Pod
metadata: {name: "web\\n::error::pwned\\e[2J", namespace: "::warning::ns", labels: {app: web}}
spec: {containers: [{name: c}]}
`;
    const diff = diffFlows(
      buildBundle([]),
      buildBundle([parseSource("pod.yaml", hostile)]),
      settings,
    );
    for (const text of [flowDiffText(diff), flowDiffSection(diff).body]) {
      expect(text).not.toContain("\u001b");
      expect(text.split("\n").filter((l) => l.trimStart().startsWith("::"))).toEqual([]);
    }
    expect(flowDiffText(diff)).toContain(
      "opens ::warning::ns/web\\n::error::pwned\\u001b[2J[Pod] → external on every port",
    );
  });

  it("opens every flow of a pod moved onto the node's network (hostNetwork: true)", () => {
    const redisPolicy = bundle(backendOnly);
    const text = redisPolicy.documents[0]!.file.text;
    const redisOnHost = text.replace(
      "metadata: {labels: {app: redis}}\n    spec:\n",
      "metadata: {labels: {app: redis}}\n    spec:\n      hostNetwork: true\n",
    );
    expect(redisOnHost).not.toBe(text);
    const diff = diffFlows(
      redisPolicy,
      buildBundle([parseSource("all.yaml", redisOnHost)]),
      settings,
    );
    expect(
      diff.opened.map(({ from, to, connections }) => `${from} → ${to}: ${connections}`),
    ).toContain("external → redis: All Connections");
    expect(diff.opened.find((c) => c.from === "external")?.via).toEqual([
      "nothing isolates scout/redis[Deployment] for ingress (all.yaml:27)",
    ]);
  });

  it("leads with a headline and folds the list when a change opens many flows", () => {
    const workloads = `${workload("backend")}${workload("nginx")}${workload("redis")}`;
    const denyAll = `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: deny-all, namespace: scout}
spec: {podSelector: {}, policyTypes: [Ingress, Egress]}
`;
    const many = diffFlows(
      buildBundle([parseSource("all.yaml", `${workloads}${denyAll}`)]),
      buildBundle([parseSource("all.yaml", workloads)]),
      settings,
    );
    expect(many.opened.length).toBeGreaterThan(6);
    const body = flowDiffSection(many).body;
    expect(body.split("\n")[0]).toBe(
      `This pull request **opens ${many.opened.length} flows** and closes none, between backend, external, nginx, redis.`,
    );
    const [open, folded] = body.split("<details>");
    expect(open).toContain("```mermaid");
    expect(open).not.toContain("- This pull request **opens**");
    expect(folded).toContain(flowDiffMarkdown(many));

    const few = diffFlows(bundle(backendOnly), bundle(backendAndNginx), settings);
    expect(flowDiffSection(few).body.startsWith(flowDiffMarkdown(few))).toBe(true);
    expect(flowDiffSection(few).body).not.toContain("<details>");
  });

  it("says so when nothing changes", () => {
    const diff = diffFlows(bundle(backendOnly), bundle(backendOnly), settings);
    expect(diff).toMatchObject({ opened: [], closed: [], widened: [] });
    expect(flowDiffMarkdown(diff)).toBe("This pull request changes no network flow.\n");
  });
});

describe("diffFlows on a policy side that widens while the other side holds", () => {
  // nginx may send only to backend: whatever redis's ingress admits, nginx does not reach it.
  const nginxEgress = `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: nginx-egress, namespace: scout}
spec:
  podSelector: {matchLabels: {app: nginx}}
  policyTypes: [Egress]
  egress: [{to: [{podSelector: {matchLabels: {app: backend}}}], ports: [{protocol: TCP, port: 6379}]}]
---
`;
  const held = (peers: string) => bundle(peers, nginxEgress);

  it("tells that redis's ingress now admits nginx though no flow opens", () => {
    const diff = diffFlows(held(backendOnly), held(backendAndNginx), settings);
    expect(diff.opened).toEqual([]);
    expect(diff.closed).toEqual([]);
    expect(diff.widened).toEqual([
      {
        side: "ingress",
        of: "redis",
        peers: ["nginx"],
        connections: "TCP 6379",
        conns: diff.widened[0]?.conns,
        ends: ["scout/nginx[Deployment] → scout/redis[Deployment]"],
        endCount: 1,
        via: ["NetworkPolicy scout/redis (all.yaml:46)"],
      },
    ]);
    expect(flowDiffMarkdown(diff)).toBe(
      "This pull request changes no network flow.\n\n- This pull request **widens the ingress of redis**: it now admits nginx on TCP 6379 (`scout/nginx[Deployment] → scout/redis[Deployment]`); through NetworkPolicy scout/redis \\(all.yaml:46\\). No flow opens: the egress of nginx still stops it.\n",
    );
    expect(flowDiffText(diff)).toBe(
      "widens the ingress of redis: it now admits nginx on TCP 6379 (scout/nginx[Deployment] → scout/redis[Deployment]); through NetworkPolicy scout/redis (all.yaml:46); no flow opens: the egress of nginx still stops it\n",
    );
    expect(flowDiffSection(diff).body).toBe(flowDiffMarkdown(diff));
    // Narrowing it again is no widening, and no flow closes either.
    expect(diffFlows(held(backendAndNginx), held(backendOnly), settings)).toMatchObject({
      opened: [],
      closed: [],
      widened: [],
    });
  });

  it("tells an egress that now reaches a pod whose ingress still refuses it", () => {
    const widerEgress = nginxEgress.replace("{app: backend}", "{app: redis}");
    const diff = diffFlows(
      held("{podSelector: {matchLabels: {app: backend}}}"),
      bundle(backendOnly, widerEgress),
      settings,
    );
    expect(diff.opened).toEqual([]);
    expect(
      diff.widened.map(({ side, of, peers, connections }) => ({ side, of, peers, connections })),
    ).toEqual([{ side: "egress", of: "nginx", peers: ["redis"], connections: "TCP 6379" }]);
    expect(flowDiffText(diff)).toContain(
      "widens the egress of nginx: it now reaches redis on TCP 6379",
    );
    expect(flowDiffText(diff)).toContain("no flow opens: the ingress of redis still stops it");
  });

  it("tells a side that no policy isolates any more, while the other still holds", () => {
    const workloads = `${workload("backend")}${workload("nginx")}${workload("redis")}`;
    const withoutRedisPolicy = buildBundle([parseSource("all.yaml", `${workloads}${nginxEgress}`)]);
    const diff = diffFlows(held(backendOnly), withoutRedisPolicy, settings);
    const nginxToRedis = diff.widened.find((c) => c.of === "redis" && c.peers.includes("nginx"));
    expect(nginxToRedis?.via).toEqual([
      "nothing isolates scout/redis[Deployment] for ingress (all.yaml:27)",
    ]);
    // What the opened ingress lets through from backend, which nothing isolates, is an opened flow.
    expect(diff.opened.map(({ from, to }) => `${from} → ${to}`)).toContain("backend → redis");
    expect(diff.widened.some((c) => c.peers.includes("backend"))).toBe(false);
  });

  it("widens nothing when the change opens the flow itself", () => {
    const diff = diffFlows(bundle(backendOnly), bundle(backendAndNginx), settings);
    expect(diff.opened).toHaveLength(1);
    expect(diff.widened).toEqual([]);
  });
});

describe("diffFlows when a selector starts telling a StatefulSet's pods apart", () => {
  const cache = `apiVersion: apps/v1
kind: StatefulSet
metadata: {name: cache, namespace: scout}
spec:
  replicas: 3
  selector: {matchLabels: {app: cache}}
  template:
    metadata: {labels: {app: cache}}
    spec:
      containers: [{name: main, image: x, ports: [{containerPort: 6379}]}]
---
`;
  const isolating = (podName: string) => `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: isolate-one, namespace: scout}
spec:
  podSelector: {matchLabels: {statefulset.kubernetes.io/pod-name: ${podName}}}
  policyTypes: [Ingress]
  ingress: [{from: [{podSelector: {matchLabels: {app: backend}}}], ports: [{protocol: TCP, port: 6379}]}]
---
`;
  const withCache = (more = "") => buildBundle([source(backendOnly, `${cache}${more}`)]);
  const changes = (list: readonly { from: string; to: string; connections: string }[]) =>
    list.map((c) => `${c.from} → ${c.to}: ${c.connections}`).sort();

  it("isolating cache-0 only closes what reached cache-0: the other pods and cache-0's egress are unchanged", () => {
    const diff = diffFlows(withCache(), withCache(isolating("cache-0")), settings);
    expect(changes(diff.opened)).toEqual([]);
    expect(changes(diff.closed)).toEqual([
      "backend → scout/cache[StatefulSet]/cache-0: TCP 1-6378,6380-65535,UDP 1-65535,SCTP 1-65535",
      "external → scout/cache[StatefulSet]/cache-0: All Connections",
      "nginx → scout/cache[StatefulSet]/cache-0: All Connections",
      "redis → scout/cache[StatefulSet]/cache-0: All Connections",
      "scout/cache[StatefulSet]/cache-1,cache-2 → scout/cache[StatefulSet]/cache-0: All Connections",
    ]);
  });

  it("the same policy moved from cache-0 to cache-1: cache-0 opens, cache-1 closes, cache-2 is untouched", () => {
    const diff = diffFlows(
      withCache(isolating("cache-0")),
      withCache(isolating("cache-1")),
      settings,
    );
    expect(
      changes(diff.opened).every((c) => c.includes("→ scout/cache[StatefulSet]/cache-0:")),
    ).toBe(true);
    expect(
      changes(diff.closed).every((c) => c.includes("→ scout/cache[StatefulSet]/cache-1:")),
    ).toBe(true);
    expect(diff.opened.length).toBeGreaterThan(0);
    expect(diff.closed.length).toBe(diff.opened.length);
  });
});
