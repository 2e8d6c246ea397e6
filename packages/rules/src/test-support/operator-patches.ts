import type { ValidCase } from "@scout-deploy/core/testing";

/**
 * Containers an operator merges into pods of its own (a Prometheus Operator patch) or most likely
 * runs (an unknown custom resource's `containers` list) that set nothing: every rule that judges
 * what a container leaves out must stay silent, since the operator may set it.
 */
export const containersThatSayNothing: ValidCase = {
  name: "a Prometheus Operator patch and an unknown custom resource's containers are judged on what they set, not on what they leave out",
  yaml: `
    apiVersion: monitoring.coreos.com/v1
    kind: Prometheus
    metadata: {name: k8s}
    spec:
      containers:
        - name: prometheus
          env: [{name: GOMAXPROCS, value: "2"}]
    ---
    apiVersion: example.com/v1
    kind: Runner
    metadata: {name: r}
    spec:
      workers:
        - containers: [{name: run, image: example/runner:1.0}]
  `,
};
