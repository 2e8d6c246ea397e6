import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { buildBundle, evaluate, type Finding, parsePolicy, parseSource } from "@scout-deploy/core";
import { describe, expect, it } from "vitest";
import { noHostNamespaces } from "../pod/no-host-namespaces/rule.js";
import { allowedFlows } from "./allowed-flows/rule.js";
import { defaultDeny } from "./default-deny/rule.js";
import { externalExposure } from "./external-exposure/rule.js";
import { noBroadPeers } from "./no-broad-peers/rule.js";
import { portCoherence } from "./port-coherence/rule.js";

const here = dirname(fileURLToPath(import.meta.url));
const FIXTURE = readFileSync(join(here, "fixtures", "scout-network.yaml"), "utf8");
const NETWORK_RULES = [allowedFlows, defaultDeny, externalExposure, noBroadPeers, portCoherence];

function check(yaml: string, policy: unknown = {}): Finding[] {
  const bundle = buildBundle([parseSource("scout-network.yaml", yaml)]);
  return evaluate(NETWORK_RULES, bundle, parsePolicy(policy)).findings;
}

/** One line per finding: rule, severity, object name, path: what a reviewer reads. */
function summary(findings: readonly Finding[]): string[] {
  return findings.map(
    (f) => `${f.ruleId} ${f.severity} ${f.object?.kind}/${f.object?.name} ${f.path}`,
  );
}

/** Replaces exactly one occurrence of `from`; fails loudly when the fixture no longer has it. */
function mutate(from: string, to: string): string {
  expect(FIXTURE.split(from).length, `fixture text "${from}"`).toBe(2);
  return FIXTURE.replace(from, to);
}

function removeDocument(name: string): string {
  const documents = FIXTURE.split(/^---\n/m);
  const kept = documents.filter(
    (d) => !(d.includes("kind: NetworkPolicy") && d.includes(`  name: ${name}\n`)),
  );
  expect(kept.length).toBe(documents.length - 1);
  return kept.join("---\n");
}

describe("the compliant Scout network fixture", () => {
  it("is silent for all five network rules", () => {
    expect(summary(check(FIXTURE))).toEqual([]);
  });

  it("removing the default deny leaves prometheus open to ingress, and so open to the outside: one finding", () => {
    const findings = check(removeDocument("default-deny"));
    expect(summary(findings)).toEqual([
      "network/default-deny error Deployment/prometheus /spec/template/metadata",
    ]);
    expect(findings[0]!.message).toBe(
      'Deployment "prometheus" (instance scout) is not isolated for ingress: no NetworkPolicy with policyType Ingress selects its pods, so any pod of the cluster and any outside address may connect to it on every port',
    );
  });

  it("without any NetworkPolicy, each workload is one network finding naming both directions", () => {
    const workloads = FIXTURE.split(/^---\n/m)
      .filter((d) => !d.includes("kind: NetworkPolicy"))
      .join("---\n");
    const findings = check(workloads);
    const deployments = workloads.match(/^kind: Deployment$/gm)?.length ?? 0;
    expect(deployments).toBeGreaterThan(3);
    expect(findings).toHaveLength(deployments);
    for (const finding of findings) {
      expect(finding.ruleId).toBe("network/default-deny");
      expect(finding.message).toContain("is not isolated for ingress and egress");
    }
  });

  it("a lone Deployment without policies gives exactly one network finding", () => {
    const deployment = FIXTURE.split(/^---\n/m).find((d) => d.includes("kind: Deployment"))!;
    expect(check(deployment)).toHaveLength(1);
  });

  it("hostNetwork on Redis is one finding, pod/no-host-namespaces', which says no policy applies", () => {
    const yaml = mutate(
      "      containers:\n        - name: redis",
      "      hostNetwork: true\n      containers:\n        - name: redis",
    );
    const bundle = buildBundle([parseSource("scout-network.yaml", yaml)]);
    const all = (policy: unknown = {}) =>
      summary(evaluate([...NETWORK_RULES, noHostNamespaces], bundle, parsePolicy(policy)).findings);
    expect(all()).toEqual([
      "pod/no-host-namespaces error Deployment/redis /spec/template/spec/hostNetwork",
    ]);
    // With that rule off, the network rules say what it means for them, on the same line.
    expect(all({ rules: { "pod/no-host-namespaces": "off" } })).toEqual([
      "network/allowed-flows warning Deployment/redis /spec/template/spec/hostNetwork",
      "network/default-deny error Deployment/redis /spec/template/spec/hostNetwork",
    ]);
  });

  it("namespaceSelector: {} in Redis's ingress is a broad peer on that policy", () => {
    const yaml = mutate(
      "    - from: [{podSelector: {matchLabels: {app.kubernetes.io/component: backend}}}]\n      ports: [{port: 6379, protocol: TCP}]",
      "    - from: [{podSelector: {matchLabels: {app.kubernetes.io/component: backend}}}, {namespaceSelector: {}}]\n      ports: [{port: 6379, protocol: TCP}]",
    );
    expect(summary(check(yaml))).toEqual([
      "network/no-broad-peers error NetworkPolicy/redis-ingress /spec/ingress/0/from/1/namespaceSelector",
    ]);
  });

  it("opening backend egress to 0.0.0.0/0 is an extra flow and a broad peer, both on backend-egress", () => {
    const yaml = mutate(
      "    - to: [{podSelector: {matchLabels: {app.kubernetes.io/component: redis}}}]\n      ports: [{port: 6379, protocol: TCP}]\n",
      "    - to: [{podSelector: {matchLabels: {app.kubernetes.io/component: redis}}}]\n      ports: [{port: 6379, protocol: TCP}]\n    - to: [{ipBlock: {cidr: 0.0.0.0/0}}]\n",
    );
    const findings = check(yaml);
    expect(summary(findings)).toEqual([
      "network/allowed-flows error NetworkPolicy/backend-egress /spec/egress/1",
      "network/no-broad-peers error NetworkPolicy/backend-egress /spec/egress/1/to/0/ipBlock/cidr",
    ]);
    expect(findings[0]!.message).toContain(
      "spec.egress[1], admits a flow that the intended table does not have (instance scout): scout/backend -> external (backend -> external) on every port but TCP 53, UDP 53",
    );
  });

  it("dropping nginx's egress to the backend is a missing flow (a warning) on nginx-egress", () => {
    const yaml = mutate(
      "    - to: [{podSelector: {matchLabels: {app.kubernetes.io/component: backend}}}]\n      ports: [{port: 8000, protocol: TCP}]\n---\napiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: prometheus-egress",
      "---\napiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: prometheus-egress",
    );
    const findings = check(yaml);
    expect(summary(findings)).toEqual([
      "network/allowed-flows warning NetworkPolicy/nginx-egress /spec/egress",
    ]);
    expect(findings[0]!.message).toBe(
      "NetworkPolicy scout/nginx-egress blocks a flow that Scout needs (instance scout), so Scout would break: scout/nginx -> scout/backend (nginx -> backend) on TCP 8000: add this egress rule {to: [{podSelector: {matchLabels: {app.kubernetes.io/component: backend}}}], ports: [{protocol: TCP, port: 8000}]}",
    );
  });

  it("a severity set in the config wins over the warning of a missing flow", () => {
    const yaml = removeDocument("nginx-egress");
    const findings = check(yaml, { rules: { "network/allowed-flows": "error" } });
    expect(
      findings.filter((f) => f.ruleId === "network/allowed-flows").map((f) => f.severity),
    ).toEqual(expect.arrayContaining(["error"]));
  });

  it("a port added beside nginx's external port is one finding, on the line that added it", () => {
    const yaml = mutate(
      "      ports: [{port: 80, protocol: TCP}]\n---",
      "      ports:\n        - {port: 80, protocol: TCP}\n        - {port: 443, protocol: TCP}\n---",
    );
    const findings = check(yaml);
    // allowed-flows' extra flow; no-broad-peers and port-coherence say nothing more of that port.
    expect(summary(findings)).toEqual([
      "network/allowed-flows error NetworkPolicy/nginx-ingress /spec/ingress/0/ports/1/port",
    ]);
    expect(findings[0]).toMatchObject({ line: 284, column: 12 });
    expect(findings[0]!.message).toContain("external -> nginx) on TCP 443");
    // With allowed-flows off, each of the others still says it.
    const alone = check(yaml, { rules: { "network/allowed-flows": "off" } });
    expect(summary(alone)).toEqual([
      "network/no-broad-peers error NetworkPolicy/nginx-ingress /spec/ingress/0/ports/1/port",
      "network/port-coherence warning NetworkPolicy/nginx-ingress /spec/ingress/0/ports/1/port",
    ]);
  });

  it("a wrong peer on an intended port is reported on that peer, not on the port: the port is not the cause", () => {
    // Outside addresses let into the backend on its own port 8000, and on 9000 beside it.
    const yaml = mutate(
      "        - podSelector: {matchLabels: {app.kubernetes.io/component: prometheus}}\n      ports: [{port: 8000, protocol: TCP}]",
      "        - podSelector: {matchLabels: {app.kubernetes.io/component: prometheus}}\n        - ipBlock: {cidr: 203.0.113.0/24}\n      ports: [{port: 8000, protocol: TCP}, {port: 9000, protocol: TCP}]",
    );
    const paths = check(yaml)
      .filter((f) => f.ruleId === "network/allowed-flows")
      .map((f) => f.path);
    expect(paths).toEqual(["/spec/ingress/0/from/3/ipBlock/cidr"]);
  });

  it("turning external access off makes nginx's LoadBalancer and its 0.0.0.0/0 ingress findings", () => {
    const findings = check(FIXTURE, {
      rules: {
        "network/external-exposure": { options: { externalAccess: false } },
        "network/no-broad-peers": { options: { externalAccess: false } },
        "network/allowed-flows": { options: { externalAccess: false } },
      },
    });
    expect(summary(findings)).toEqual([
      "network/external-exposure error Service/nginx /spec/type",
      "network/allowed-flows error NetworkPolicy/nginx-ingress /spec/ingress/0",
      "network/no-broad-peers error NetworkPolicy/nginx-ingress /spec/ingress/0/from/0/ipBlock/cidr",
    ]);
  });
});
