import { RuleTester } from "@scout-deploy/core/testing";
import { describe, it } from "vitest";
import { startupProbe } from "./rule.js";

new RuleTester({ describe, it }).run(startupProbe, {
  valid: [
    {
      name: "the backend has a startup probe",
      yaml: `
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: backend}
        spec:
          template:
            metadata: {labels: {app.kubernetes.io/component: backend}}
            spec:
              containers:
                - name: api
                  startupProbe: {httpGet: {path: /docs, port: 8000}, failureThreshold: 30, periodSeconds: 2}
      `,
    },
    {
      name: "workloads that are not the backend need none",
      yaml: `
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: web}
        spec: {template: {spec: {containers: [{name: web}]}}}
      `,
    },
    {
      name: "a Job of the backend (a migration) runs to completion: it has no start to wait for",
      yaml: `
        apiVersion: batch/v1
        kind: Job
        metadata: {name: backend-migrate}
        spec:
          template:
            metadata: {labels: {app.kubernetes.io/component: backend}}
            spec:
              restartPolicy: Never
              containers: [{name: migrate}]
      `,
    },
  ],
  invalid: [
    {
      name: "the backend's serving container lacks one, a sidecar is not judged",
      yaml: `
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: backend}
        spec:
          template:
            metadata: {labels: {app.kubernetes.io/component: backend}}
            spec:
              containers:
                - name: logs
                - name: api
                  ports: [{containerPort: 8000}]
      `,
      errors: [
        {
          messageId: "noStartupProbe",
          line: 10,
          column: 11,
          data: { component: "backend", container: "api" },
        },
      ],
    },
    {
      name: "components named by the options",
      options: { components: ["redis"] },
      yaml: `
        apiVersion: apps/v1
        kind: StatefulSet
        metadata: {name: redis}
        spec:
          template:
            metadata: {labels: {app: redis}}
            spec:
              containers:
                - name: redis
      `,
      errors: [{ messageId: "noStartupProbe", line: 9, column: 11 }],
    },
  ],
});
