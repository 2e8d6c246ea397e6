import { buildBundle, parseSource } from "@scout-deploy/core";
import { describe, expect, it } from "vitest";
import { flowsSection } from "./flows.js";
import { scoutSettings } from "./test-support/settings.js";

const COMPONENTS = ["frontend", "backend", "redis", "nginx", "prometheus"];

function deployment(component: string): string {
  return `apiVersion: apps/v1
kind: Deployment
metadata: {name: scout-${component}, namespace: scout}
spec:
  selector: {matchLabels: {app.kubernetes.io/component: ${component}}}
  template:
    metadata: {labels: {app.kubernetes.io/component: ${component}}}
    spec: {containers: [{name: ${component}, image: x:1}]}
`;
}

/** A policy for pods that do not exist: the bundle has policies, none isolates Scout. */
const UNRELATED_POLICY = `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: other, namespace: scout}
spec: {podSelector: {matchLabels: {app: other}}, policyTypes: [Ingress]}
`;

const settings = scoutSettings();

describe("the network flows section", () => {
  it("says in one line what nothing isolates instead of drawing every open flow", () => {
    const yaml = [...COMPONENTS.map(deployment), UNRELATED_POLICY].join("---\n");
    const section = flowsSection(buildBundle([parseSource("k8s.yaml", yaml)]), settings);
    expect(section?.body).not.toContain("```mermaid");
    expect(section?.body).toContain(
      "**Nothing isolates these 5 workloads**: `scout/scout-frontend`",
    );
    // The table still has every flow.
    expect(section?.body).toContain("| from | to | allowed | intended | status |");
  });

  it("draws the diagram while it stays readable", () => {
    const yaml = [deployment("frontend"), deployment("backend"), UNRELATED_POLICY].join("---\n");
    const section = flowsSection(buildBundle([parseSource("k8s.yaml", yaml)]), settings);
    expect(section?.body).toContain("```mermaid\nflowchart LR");
  });
});
