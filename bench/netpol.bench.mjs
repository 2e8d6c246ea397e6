// Benchmark: connectivity analysis of 1,000 NetworkPolicies over 1,000 workloads.
// Run after a build: `node bench/netpol.bench.mjs`. Prints the time of `analyze` alone (the
// bundle is built first); BENCH_COMPARE=1 adds the whole comparison with the intended flows,
// BENCH_DIFF=1 a pull request's flow diff.
import { buildBundle, parsePolicy, parseSource } from "../packages/core/dist/index.js";
import { analyze, compareWithIntended, diffFlows } from "../packages/netpol/dist/index.js";
import { guideSettings } from "../packages/rules/dist/index.js";

const WORKLOADS = 1000;
const POLICIES = 1000;
const NAMESPACES = 10;
const APPS = 50;
const COMPONENTS = ["frontend", "backend", "redis", "nginx", "prometheus"];

function workload(i) {
  const ns = `ns-${i % NAMESPACES}`;
  const app = `app-${i % APPS}`;
  return {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name: `w${i}`, namespace: ns },
    spec: {
      selector: { matchLabels: { id: `w${i}` } },
      template: {
        metadata: {
          labels: {
            id: `w${i}`,
            app,
            tier: i % 3 === 0 ? "web" : "db",
            "app.kubernetes.io/component": COMPONENTS[i % 5],
          },
        },
        spec: {
          containers: [{ name: "main", ports: [{ name: "http", containerPort: 8000 + (i % 7) }] }],
        },
      },
    },
  };
}

function policy(i) {
  const ns = `ns-${i % NAMESPACES}`;
  if (i < NAMESPACES) {
    return {
      apiVersion: "networking.k8s.io/v1",
      kind: "NetworkPolicy",
      metadata: { name: "deny", namespace: ns },
      spec: { podSelector: {}, policyTypes: ["Ingress", "Egress"] },
    };
  }
  const app = `app-${i % APPS}`;
  const peerApp = `app-${(i * 7) % APPS}`;
  return {
    apiVersion: "networking.k8s.io/v1",
    kind: "NetworkPolicy",
    metadata: { name: `p${i}`, namespace: ns },
    spec: {
      podSelector: { matchLabels: { app } },
      policyTypes: ["Ingress", "Egress"],
      ingress: [
        {
          from: [{ podSelector: { matchLabels: { app: peerApp } } }],
          ports: [{ port: "http" }, { port: 9000, endPort: 9100 }],
        },
        {
          from: [
            {
              namespaceSelector: {
                matchLabels: { "kubernetes.io/metadata.name": `ns-${(i + 1) % NAMESPACES}` },
              },
              podSelector: { matchExpressions: [{ key: "tier", operator: "In", values: ["web"] }] },
            },
          ],
          ports: [{ port: 8000 + (i % 7) }],
        },
      ],
      egress: [
        {
          to: [{ podSelector: { matchLabels: { app: peerApp } } }],
          ports: [{ port: 8000 + (i % 7) }],
        },
        {
          to: [{ ipBlock: { cidr: `10.${i % 256}.0.0/16`, except: [`10.${i % 256}.1.0/24`] } }],
          ports: [{ port: 443 }],
        },
      ],
    },
  };
}

const documents = [];
for (let i = 0; i < NAMESPACES; i++)
  documents.push({ apiVersion: "v1", kind: "Namespace", metadata: { name: `ns-${i}` } });
for (let i = 0; i < WORKLOADS; i++) documents.push(workload(i));
for (let i = 0; i < POLICIES; i++) documents.push(policy(i));
const text = documents.map((d) => `---\n${JSON.stringify(d)}\n`).join("");
const bundle = buildBundle([parseSource("bench.yaml", text)]);

// CPU time beside wall time: on a shared machine the wall clock measures the neighbours too.
function time(label, fn) {
  const start = performance.now();
  const cpu = process.cpuUsage();
  const result = fn();
  const ms = performance.now() - start;
  const used = process.cpuUsage(cpu);
  console.log(
    `${label}: ${ms.toFixed(0)} ms (cpu ${((used.user + used.system) / 1000).toFixed(0)} ms)`,
  );
  return result;
}

analyze(bundle); // warm-up
const connectivity = time(`netpol analyze (${POLICIES} policies, ${WORKLOADS} workloads)`, () =>
  analyze(bundle),
);
console.log(
  `  ${connectivity.flows.length} allowed flows, ${connectivity.ingressRanges.length + connectivity.egressRanges.length} external ranges`,
);
if (process.env.BENCH_COMPARE)
  time("netpol analyze + compare with the intended flows", () =>
    compareWithIntended(analyze(bundle), guideSettings(parsePolicy({}).settings)),
  );
if (process.env.BENCH_DIFF) {
  // A pull request's flow diff: the same manifests on both sides, and every policy removed.
  const settings = guideSettings(parsePolicy({}).settings);
  const same = buildBundle([parseSource("bench.yaml", text)]);
  const withoutPolicies = documents.filter((d) => d.kind !== "NetworkPolicy");
  const open = buildBundle([
    parseSource("open.yaml", withoutPolicies.map((d) => `---\n${JSON.stringify(d)}\n`).join("")),
  ]);
  time("flow diff, nothing changed", () => diffFlows(bundle, same, settings));
  time("flow diff, every policy removed", () => diffFlows(bundle, open, settings));
}
