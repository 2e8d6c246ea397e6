import { buildBundle, parseSource } from "@scout-deploy/core";
import { describe, expect, it } from "vitest";
import { analyze } from "./analyze.js";
import {
  compareWithIntended,
  describeDifference,
  MAX_EXTRA_PAIRS_PER_COMPONENTS,
} from "./compare.js";
import { ALL_CONNS, connsOf, formatConns, parseConns, subtract, union } from "./conns.js";
import { flows, flowsSection } from "./flows.js";
import { atoms, formatInterval, ipBlockSet, parseCidr } from "./ip.js";
import { modelOf, namespaceLabelsUnder } from "./model.js";
import { flowsMarkdown, flowsMermaid, formatMatrix } from "./render.js";
import { compilePodSelector, compileSelector, type PodSide } from "./selector.js";
import { scoutSettings } from "./test-support/settings.js";

const bundleOf = (yaml: string) => buildBundle([parseSource("test.yaml", yaml)]);
const settings = scoutSettings();

describe("connection sets", () => {
  it("print and read back the way netpol-analyzer writes them", () => {
    const set = union(connsOf("TCP", 80), union(connsOf("TCP", 8000, 8010), connsOf("UDP", 53)));
    expect(formatConns(set)).toBe("TCP 80,8000-8010,UDP 53");
    expect(parseConns("TCP 80,8000-8010,UDP 53")).toEqual(set);
    expect(formatConns(ALL_CONNS)).toBe("All Connections");
    expect(formatConns(subtract(ALL_CONNS, connsOf("UDP", 53)))).toBe(
      "TCP 1-65535,UDP 1-52,54-65535,SCTP 1-65535",
    );
  });
});

describe("addresses", () => {
  it("cut the address space at every ipBlock and except boundary", () => {
    const set = ipBlockSet("10.0.0.0/8", ["10.1.0.0/16"])!;
    expect(atoms([set]).map(formatInterval)).toEqual([
      "0.0.0.0-9.255.255.255",
      "10.0.0.0-10.0.255.255",
      "10.1.0.0-10.1.255.255",
      "10.2.0.0-10.255.255.255",
      "11.0.0.0-255.255.255.255",
    ]);
    expect(parseCidr("::/0")).toBeDefined();
    expect(parseCidr("10.0.0.0/33")).toBeUndefined();
    // An IPv4-mapped block admits IPv4 addresses (Go's IPNet.Contains): 10.0.0.0/8 here.
    expect(formatInterval(parseCidr("::ffff:10.0.0.0/104")!)).toBe("10.0.0.0-10.255.255.255");
  });
});

describe("hostNetwork pods", () => {
  const pod = (name: string, hostNetwork: boolean) => `apiVersion: v1
kind: Pod
metadata: {name: ${name}, namespace: scout, labels: {app: ${name}}}
spec: {hostNetwork: ${hostNetwork}, containers: [{name: c, image: x}]}
---
`;
  const policies = `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: default-deny, namespace: scout}
spec: {podSelector: {}, policyTypes: [Ingress]}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: redis, namespace: scout}
spec:
  podSelector: {matchLabels: {app: redis}}
  ingress: [{from: [{podSelector: {matchLabels: {app: backend}}}], ports: [{port: 6379}]}]
`;

  it("are isolated by no policy and admitted by no pod peer: their traffic is the node's", () => {
    const onPods = analyze(bundleOf(`${pod("backend", false)}${pod("redis", false)}${policies}`));
    const podLines = formatMatrix(onPods).split("\n");
    expect(podLines).toContain("scout/backend[Pod] => scout/redis[Pod] : TCP 6379");
    expect(podLines.filter((l) => l.endsWith("=> scout/backend[Pod] : All Connections"))).toEqual(
      [],
    );
    const onHost = analyze(bundleOf(`${pod("backend", true)}${pod("redis", false)}${policies}`));
    const backend = onHost.model.workloads.find((w) => w.name === "backend")!;
    expect(onHost.isolatedFor(backend, "ingress")).toEqual([]);
    // Reachable from everywhere, and no longer the backend the redis policy admits.
    const hostLines = formatMatrix(onHost).split("\n");
    expect(hostLines).toContain("0.0.0.0-255.255.255.255 => scout/backend[Pod] : All Connections");
    expect(hostLines).toContain("scout/redis[Pod] => scout/backend[Pod] : All Connections");
    expect(hostLines.filter((l) => l.startsWith("scout/backend[Pod] => scout/redis"))).toEqual([]);
  });
});

describe("named ports", () => {
  const egressTo = (port: string) => `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: client-egress, namespace: scout}
spec:
  podSelector: {matchLabels: {app: client}}
  policyTypes: [Egress]
  egress: [{ports: [{port: ${port}}]}]
---
apiVersion: v1
kind: Pod
metadata: {name: client, namespace: scout, labels: {app: client}}
spec: {containers: [{name: c, image: x}]}
---
`;
  const lineTo = (yaml: string, name: string) =>
    formatMatrix(analyze(bundleOf(yaml)))
      .split("\n")
      .find((l) => l.startsWith(`scout/client[Pod] => scout/${name}[Pod]`));

  // The API server checks port names unique per container only, and the dataplane
  // (kube-network-policies, like Calico) admits every container port of that name.
  it("resolve to every container of the destination that declares the name", () => {
    const server = `apiVersion: v1
kind: Pod
metadata: {name: server, namespace: scout}
spec:
  containers:
    - {name: app, image: x, ports: [{name: http, containerPort: 80}]}
    - {name: proxy, image: x, ports: [{name: http, containerPort: 8000}]}
`;
    expect(lineTo(`${egressTo("http")}${server}`, "server")).toBe(
      "scout/client[Pod] => scout/server[Pod] : TCP 80,8000",
    );
  });

  // Kubernetes 1.32 resolves a Service's named targetPort on native sidecars (init containers
  // with restartPolicy: Always, kubernetes#127976), and Calico and kube-ovn a policy's named port:
  // they serve for the pod's whole life. A plain init container has exited before the pod serves.
  it("resolve on a native sidecar, not on a plain init container", () => {
    const server = (restartPolicy: string) => `apiVersion: v1
kind: Pod
metadata: {name: server, namespace: scout}
spec:
  initContainers:
    - {name: proxy, image: x, ${restartPolicy}ports: [{name: http, containerPort: 8443}]}
  containers: [{name: app, image: x}]
`;
    expect(lineTo(`${egressTo("http")}${server("restartPolicy: Always, ")}`, "server")).toBe(
      "scout/client[Pod] => scout/server[Pod] : TCP 8443",
    );
    expect(lineTo(`${egressTo("http")}${server("")}`, "server")).toBeUndefined();
  });

  // A hostNetwork pod's address is its node's: the dataplane finds no pod there to look the
  // name up in, so a named port never reaches it (a numbered one does).
  it("never resolve on a pod that runs on the node's network", () => {
    const nodeAgent = `apiVersion: v1
kind: Pod
metadata: {name: agent, namespace: scout}
spec:
  hostNetwork: true
  containers: [{name: app, image: x, ports: [{name: http, containerPort: 8080}]}]
`;
    expect(lineTo(`${egressTo("http")}${nodeAgent}`, "agent")).toBeUndefined();
    expect(lineTo(`${egressTo("8080")}${nodeAgent}`, "agent")).toBe(
      "scout/client[Pod] => scout/agent[Pod] : TCP 8080",
    );
  });
});

describe("selectors", () => {
  it("match labels and the four expression operators", () => {
    const select = compileSelector({
      matchLabels: { app: "api" },
      matchExpressions: [
        { key: "tier", operator: "In", values: ["web", "db"] },
        { key: "env", operator: "NotIn", values: ["dev"] },
        { key: "team", operator: "Exists" },
        { key: "legacy", operator: "DoesNotExist" },
      ],
    });
    expect(select({ app: "api", tier: "web", team: "x" })).toBe(true);
    expect(select({ app: "api", tier: "web", team: "x", env: "dev" })).toBe(false);
    expect(select({ app: "api", tier: "cache", team: "x" })).toBe(false);
    expect(select({ app: "api", tier: "web" })).toBe(false);
    expect(select({ app: "api", tier: "web", team: "x", legacy: "1" })).toBe(false);
  });
});

const TWO_NAMESPACES = `
apiVersion: v1
kind: Namespace
metadata: {name: mon, labels: {purpose: monitoring}}
---
apiVersion: v1
kind: Pod
metadata: {name: scraper, namespace: mon, labels: {app: prometheus}}
spec: {containers: [{name: p}]}
---
apiVersion: v1
kind: Pod
metadata: {name: api, namespace: app, labels: {app: backend}}
spec: {containers: [{name: a, ports: [{name: metrics, containerPort: 9100}, {name: dns, containerPort: 53, protocol: UDP}]}]}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: api, namespace: app}
spec:
  podSelector: {}
  ingress:
    - from: [{namespaceSelector: {matchLabels: {purpose: monitoring}}, podSelector: {matchLabels: {app: prometheus}}}]
      ports: [{port: metrics}, {port: 9200, endPort: 9210}, {port: dns, protocol: TCP}]
`;

describe("analyze", () => {
  it("resolves named ports against the destination, counts endPort ranges, matches namespace labels", () => {
    expect(formatMatrix(analyze(bundleOf(TWO_NAMESPACES)))).toBe(
      [
        "0.0.0.0-255.255.255.255 => mon/scraper[Pod] : All Connections",
        "app/api[Pod] => 0.0.0.0-255.255.255.255 : All Connections",
        "app/api[Pod] => mon/scraper[Pod] : All Connections",
        "mon/scraper[Pod] => 0.0.0.0-255.255.255.255 : All Connections",
        "mon/scraper[Pod] => app/api[Pod] : TCP 9100,9200-9210",
        "",
      ].join("\n"),
    );
  });

  it("needs both the source's egress and the destination's ingress", () => {
    const yaml = `${TWO_NAMESPACES}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: scraper, namespace: mon}
spec:
  podSelector: {}
  policyTypes: [Egress]
  egress: [{to: [{namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: app}}}], ports: [{port: 9100}]}]
`;
    const matrix = formatMatrix(analyze(bundleOf(yaml)));
    expect(matrix).toContain("mon/scraper[Pod] => app/api[Pod] : TCP 9100\n");
    expect(matrix).not.toContain("mon/scraper[Pod] => 0.0.0.0");
  });
});

describe("policies the API server refuses", () => {
  const refusedDeny = (peer: string) => `${TWO_NAMESPACES}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: scraper, namespace: mon}
spec:
  podSelector: {}
  policyTypes: [Ingress, Egress]
  egress: [{to: [${peer}], ports: [{port: 9100}]}]
`;

  it("are never created: they isolate nothing and admit nothing, and the model keeps them apart", () => {
    const accepted = analyze(bundleOf(refusedDeny("{podSelector: {}}")));
    expect(formatMatrix(accepted)).not.toContain("mon/scraper[Pod] => 0.0.0.0");
    for (const peer of [
      "{}",
      "{podSelector: {}, ipBlock: {cidr: 10.0.0.0/8}}",
      "{ipBlock: {cidr: 10.0.0.0/33}}",
      "{ipBlock: {cidr: 10.0.0.0/8, except: [10.0.0.0/8]}}",
    ]) {
      const connectivity = analyze(bundleOf(refusedDeny(peer)));
      expect(
        connectivity.model.refused.map((p) => p.name),
        peer,
      ).toEqual(["scraper"]);
      expect(
        connectivity.model.policies.map((p) => p.name),
        peer,
      ).toEqual(["api"]);
      expect(formatMatrix(connectivity), peer).toContain(
        "mon/scraper[Pod] => 0.0.0.0-255.255.255.255 : All Connections\n",
      );
    }
  });

  it("a refused port (a quoted number, an endPort below its port) refuses the whole policy", () => {
    for (const port of ['{port: "9100"}', "{port: 9200, endPort: 9100}", "{port: 0}"]) {
      const yaml = refusedDeny("{podSelector: {}}").replace(
        "ports: [{port: 9100}]",
        `ports: [${port}]`,
      );
      const connectivity = analyze(bundleOf(yaml));
      expect(
        connectivity.model.refused.map((p) => p.name),
        port,
      ).toEqual(["scraper"]);
      expect(connectivity.isolatedFor(connectivity.model.workloads[0]!, "egress"), port).toEqual(
        [],
      );
    }
  });
});

describe("flows report", () => {
  const yaml = `
apiVersion: v1
kind: Pod
metadata: {name: frontend, labels: {app: frontend}}
spec: {containers: [{name: f}]}
---
apiVersion: v1
kind: Pod
metadata: {name: backend, labels: {app: backend}}
spec: {containers: [{name: b}]}
---
apiVersion: v1
kind: Pod
metadata: {name: redis, labels: {app: redis}}
spec: {containers: [{name: r}]}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: deny}
spec: {podSelector: {}, policyTypes: [Ingress, Egress]}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: redis}
spec:
  podSelector: {matchLabels: {app: redis}}
  ingress: [{from: [{podSelector: {}}], ports: [{port: 6379}]}]
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: out}
spec:
  podSelector: {}
  egress: [{to: [{podSelector: {matchLabels: {app: redis}}}]}]
`;
  const report = flows(bundleOf(yaml), settings);

  it("finds the extra flow frontend -> redis and the missing frontend -> backend, each with its policy", () => {
    const lines = report.comparison.differences.map(
      (d) => `${d.kind} ${d.from}->${d.to} ${formatConns(d.conns)} ${d.target.label}`,
    );
    expect(lines.sort()).toEqual([
      // Both may reach redis only: neither can resolve the Service it connects to.
      "dns backend->redis TCP 53,UDP 53 a new NetworkPolicy for Pod default/backend (only namespace-wide policies isolate it)",
      "dns frontend->backend TCP 53,UDP 53 a new NetworkPolicy for Pod default/frontend (only namespace-wide policies isolate it)",
      "extra frontend->redis TCP 6379 NetworkPolicy default/redis",
      // Only namespace-wide policies isolate the two ends: a rule added to "deny" or "out" would
      // open the flow to every pod, so the change is a policy of their own.
      "missing frontend->backend TCP 8000 a new NetworkPolicy for Pod default/backend (only namespace-wide policies isolate it)",
      "missing frontend->backend TCP 8000 a new NetworkPolicy for Pod default/frontend (only namespace-wide policies isolate it)",
    ]);
    expect(
      report.comparison.differences.filter((d) => d.kind === "missing").map((d) => d.fix),
    ).toEqual([
      "egress rule {to: [{podSelector: {matchLabels: {app: backend}}}], ports: [{protocol: TCP, port: 8000}]}",
      "ingress rule {from: [{podSelector: {matchLabels: {app: frontend}}}], ports: [{protocol: TCP, port: 8000}]}",
    ]);
  });

  it("draws intended, extra and missing flows differently in Mermaid and in the table", () => {
    expect(report.mermaid).toContain('n_frontend == "extra: TCP 6379" ==> n_redis');
    expect(report.mermaid).toContain('n_frontend -. "missing: TCP 8000" .-> n_backend');
    expect(report.mermaid).toContain('n_backend -- "TCP 6379" --> n_redis');
    expect(report.mermaid).toMatch(/linkStyle \d+ stroke:#d00/);
    expect(report.markdown).toContain(
      "| frontend | redis | TCP 6379 | none | **extra** (extra: TCP 6379) |",
    );
    expect(report.markdown).toContain("| frontend | backend | none | TCP 8000 | **missing** |");
  });
});

describe("extra flows at scale", () => {
  it("reports at most MAX_EXTRA_PAIRS_PER_COMPONENTS workload pairs per component pair, then one that counts the rest", () => {
    const backends = Array.from(
      { length: 120 },
      (_, i) =>
        `apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: b${i}, namespace: scout}\nspec:\n  template:\n    metadata: {labels: {app.kubernetes.io/component: backend}}\n    spec: {containers: [{name: c}]}\n`,
    ).join("---\n");
    const bundle = buildBundle([parseSource("many.yaml", backends)]);
    const comparison = compareWithIntended(analyze(bundle), settings);
    const extras = comparison.differences.filter(
      (d) => d.kind === "extra" && d.from === "backend" && d.to === "backend",
    );
    expect(extras).toHaveLength(MAX_EXTRA_PAIRS_PER_COMPONENTS + 1);
    expect(extras.at(-1)!.source).toMatch(/^14180 more backend workload\(s\), like scout\/b/);
  });
});

describe("namespaces the input has no Namespace object for", () => {
  const side = (labels: Record<string, string>, open: boolean): PodSide => ({
    labels,
    unknownLabels: [],
    ...(open ? { openLabels: true } : {}),
  });
  const scout = side({ "kubernetes.io/metadata.name": "scout" }, true);

  it("answer 'maybe' to a requirement on any label but their name, whatever its operator", () => {
    const match = (selector: unknown) => compilePodSelector(selector)(scout);
    expect(match({ matchLabels: { team: "x" } })).toEqual({
      key: "team",
      pointer: "/matchLabels/team",
    });
    for (const operator of ["In", "NotIn", "Exists", "DoesNotExist"]) {
      const values = operator.endsWith("In") ? ["x"] : undefined;
      expect(match({ matchExpressions: [{ key: "team", operator, values }] })).toEqual({
        key: "team",
        pointer: "/matchExpressions/0",
      });
    }
    // The name label is known: the answer is certain.
    expect(match({ matchLabels: { "kubernetes.io/metadata.name": "scout" } })).toBe(true);
    expect(match({ matchLabels: { "kubernetes.io/metadata.name": "other", team: "x" } })).toBe(
      false,
    );
    // Requirements on one key that no value (nor its absence) meets together.
    expect(
      match({
        matchExpressions: [
          { key: "team", operator: "In", values: ["x"] },
          { key: "team", operator: "NotIn", values: ["x"] },
        ],
      }),
    ).toBe(false);
    expect(
      match({
        matchLabels: { team: "x" },
        matchExpressions: [{ key: "team", operator: "DoesNotExist" }],
      }),
    ).toBe(false);
    // With its Namespace object, its labels are exact.
    const declared = side({ "kubernetes.io/metadata.name": "scout", team: "y" }, false);
    expect(compilePodSelector({ matchLabels: { team: "x" } })(declared)).toBe(false);
    expect(
      compilePodSelector({ matchExpressions: [{ key: "env", operator: "DoesNotExist" }] })(
        declared,
      ),
    ).toBe(true);
  });

  it("leave a pod's copy of them open under a CNI's prefix (Cilium's, Calico's pcns.), its own labels exact", () => {
    const model = (namespaceObject: string) =>
      modelOf(
        buildBundle([
          parseSource(
            "ns.yaml",
            `${namespaceObject}apiVersion: v1\nkind: Pod\nmetadata: {name: p, namespace: scout, labels: {app: p}}\nspec: {containers: [{name: c, image: x}]}\n`,
          ),
        ]),
      );
    const pod = (namespaceObject: string): PodSide => {
      const inherited = namespaceLabelsUnder(model(namespaceObject), "scout", "pcns.");
      return { ...inherited, labels: { app: "p", ...inherited.labels }, unknownLabels: [] };
    };
    const open = pod("");
    expect(open.labels).toEqual({ app: "p", "pcns.kubernetes.io/metadata.name": "scout" });
    expect(compilePodSelector({ matchLabels: { "pcns.team": "x" } })(open)).toEqual({
      key: "pcns.team",
      pointer: "/matchLabels/pcns.team",
    });
    expect(compilePodSelector({ matchLabels: { tier: "x" } })(open)).toBe(false);
    const declared = pod(
      "apiVersion: v1\nkind: Namespace\nmetadata: {name: scout, labels: {team: y1}}\n---\n",
    );
    expect(compilePodSelector({ matchLabels: { "pcns.team": "x" } })(declared)).toBe(false);
    expect(compilePodSelector({ matchLabels: { "pcns.team": "y1" } })(declared)).toBe(true);
  });

  const yaml = (namespace: string) => `${namespace}
apiVersion: v1
kind: Pod
metadata: {name: client, namespace: scout-b, labels: {app: client}}
spec: {containers: [{name: c, image: x}]}
---
apiVersion: v1
kind: Pod
metadata: {name: server, namespace: scout, labels: {app: server}}
spec: {containers: [{name: c, image: x}]}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: server, namespace: scout}
spec:
  podSelector: {matchLabels: {app: server}}
  ingress: [{from: [{namespaceSelector: {matchLabels: {team: x}}}], ports: [{port: 443}]}]
`;
  const ends = (connectivity: ReturnType<typeof analyze>) => {
    const [client, server] = connectivity.model.workloads.map((workload) => ({
      kind: "workload" as const,
      workload,
    }));
    return [client!, server!] as const;
  };

  it("may be admitted by a namespaceSelector on another label: a flow that may exist, not a sure one", () => {
    const connectivity = analyze(bundleOf(yaml("")));
    const [client, server] = ends(connectivity);
    // The matrix (`scout-deploy flows`) marks it: it holds only for some labellings.
    expect(formatMatrix(connectivity)).toContain(
      "scout-b/client[Pod] => scout/server[Pod] : TCP 443 (maybe)\n",
    );
    expect(formatConns(connectivity.sides(client, server).ingress)).toBe("TCP 443");
    expect(formatConns(connectivity.sureSides(client, server).ingress)).toBe("No Connections");
    expect(connectivity.model.namesOpenNamespaceLabels).toBe(true);
  });

  it("are exact with their Namespace object: labelled team=x the flow is sure, labelled otherwise it is none", () => {
    const labelled = (team: string) =>
      `apiVersion: v1\nkind: Namespace\nmetadata: {name: scout-b, labels: {team: ${team}}}\n---`;
    const sure = analyze(bundleOf(yaml(labelled("x"))));
    const [client, server] = ends(sure);
    expect(formatConns(sure.sureSides(client, server).ingress)).toBe("TCP 443");
    expect(formatMatrix(sure)).toContain("scout-b/client[Pod] => scout/server[Pod] : TCP 443\n");
    const none = analyze(bundleOf(yaml(labelled("z"))));
    expect(formatMatrix(none)).not.toContain("scout-b/client[Pod] => scout/server[Pod]");
  });

  it("the component table and the diagram mark such a flow 'maybe', as the matrix does; sure once the Namespace object says", async () => {
    const components = (namespace: string) =>
      yaml(namespace)
        .replace("{app: client}", "{app: frontend}")
        .replace(/\{app: server\}/g, "{app: redis}")
        .replace("ports: [{port: 443}]", "ports: [{port: 443}, {port: 6379}]");
    const maybe = compareWithIntended(analyze(bundleOf(components(""))), settings);
    expect(flowsMarkdown(maybe)).toContain(
      "| frontend | redis | TCP 443 and 6379 (maybe) | none | maybe **extra** (extra: TCP 443 and 6379) |",
    );
    expect(flowsMermaid(maybe)).toContain(
      'n_frontend -. "maybe extra: TCP 443 and 6379" .-> n_redis',
    );
    // The section of the PR comment and check --format markdown: diagram, table, legend.
    await expect(flowsSection(bundleOf(components("")), settings)?.body).toMatchFileSnapshot(
      "__snapshots__/flows-section-maybe.md",
    );
    const labelled =
      "apiVersion: v1\nkind: Namespace\nmetadata: {name: scout-b, labels: {team: x}}\n---";
    const sure = compareWithIntended(analyze(bundleOf(components(labelled))), settings);
    expect(flowsMarkdown(sure)).toContain(
      "| frontend | redis | TCP 443 and 6379 | none | **extra** (extra: TCP 443 and 6379) |",
    );
    expect(flowsMermaid(sure)).toContain('n_frontend == "extra: TCP 443 and 6379" ==> n_redis');
  });

  it("a sure port beside a maybe one: the table says what is sure, the status stands on the sure part", () => {
    const open = `${yaml("")
      .replace("{app: client}", "{app: frontend}")
      .replace(/\{app: server\}/g, "{app: redis}")}---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: sure, namespace: scout}
spec:
  podSelector: {matchLabels: {app: redis}}
  ingress: [{from: [{namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: scout-b}}}], ports: [{port: 80}]}]
`;
    const comparison = compareWithIntended(analyze(bundleOf(open)), settings);
    expect(flowsMarkdown(comparison)).toContain(
      "| frontend | redis | TCP 80 and 443 (maybe; sure: TCP 80) | none | **extra** (extra: TCP 80 and 443 (maybe; sure: TCP 80)) |",
    );
  });

  it("an extra flow through such a selector names the namespace and the label, on the selector's line", () => {
    const yamlWithComponents = yaml("")
      .replace("{app: client}", "{app: frontend}")
      .replace(/\{app: server\}/g, "{app: redis}");
    const connectivity = analyze(bundleOf(yamlWithComponents));
    const [extra] = compareWithIntended(connectivity, settings).differences.filter(
      (d) => d.kind === "extra",
    );
    expect(extra?.target.pointer).toBe("/spec/ingress/0/from/0/namespaceSelector/matchLabels/team");
    expect(extra?.target.uncertain).toEqual({
      key: "team",
      namespace: "scout-b",
      reason: "no Namespace object for scout-b in the input, so its label team is unknown",
    });
    // The flows report (markdown, `scout-deploy flows`) says "may".
    expect(describeDifference(extra!)).toMatch(
      /^scout-b\/client -> scout\/server on TCP 443 may be allowed but is not intended \(no Namespace object for scout-b in the input, so its label team is unknown\) \(between instances scout-b and scout\); change: NetworkPolicy scout\/server$/,
    );
  });
});
