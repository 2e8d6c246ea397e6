import { RuleTester } from "@scout-deploy/core/testing";
import { describe, it } from "vitest";
import { noHandlerHost } from "./rule.js";

new RuleTester({ describe, it }).run(noHandlerHost, {
  valid: [
    {
      name: "probes and hooks of the pod itself: no host, an empty host, exec, grpc and sleep",
      yaml: `
        apiVersion: v1
        kind: Pod
        metadata: {name: p}
        spec:
          containers:
            - name: app
              livenessProbe: {httpGet: {path: /healthz, port: 8000}}
              readinessProbe: {tcpSocket: {port: 8000, host: ""}}
              startupProbe: {grpc: {port: 9000}}
              lifecycle:
                postStart: {exec: {command: [touch, /tmp/started]}}
                preStop: {sleep: {seconds: 5}}
      `,
    },
  ],
  invalid: [
    {
      name: "a probe and a hook that name another host, in an app and a sidecar container",
      yaml: `
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: d}
        spec:
          template:
            spec:
              initContainers:
                - name: proxy
                  restartPolicy: Always
                  readinessProbe: {tcpSocket: {host: 10.0.0.1, port: 15021}}
              containers:
                - name: app
                  livenessProbe: {httpGet: {host: 169.254.169.254, path: /, port: 80}}
                  lifecycle:
                    preStop: {httpGet: {host: localhost, path: /drain, port: 8000}}
      `,
      errors: [
        {
          messageId: "host",
          line: 10,
          column: 40,
          data: { container: "proxy", place: "readinessProbe tcpSocket", host: "10.0.0.1" },
        },
        {
          messageId: "host",
          line: 13,
          column: 37,
          data: { container: "app", place: "livenessProbe httpGet", host: "169.254.169.254" },
        },
        {
          messageId: "host",
          line: 15,
          column: 33,
          data: { container: "app", place: "preStop httpGet", host: "localhost" },
        },
      ],
    },
  ],
});
