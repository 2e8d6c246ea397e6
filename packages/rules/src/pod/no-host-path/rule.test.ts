import { RuleTester } from "@scout-deploy/core/testing";
import { describe, it } from "vitest";
import { noHostPath } from "./rule.js";

new RuleTester({ describe, it }).run(noHostPath, {
  valid: [
    {
      name: "emptyDir volumes and container ports, hostPort 0",
      yaml: `
        apiVersion: v1
        kind: Pod
        metadata: {name: p}
        spec:
          volumes: [{name: tmp, emptyDir: {}}]
          containers:
            - name: a
              ports: [{containerPort: 8000, hostPort: 0}]
      `,
    },
  ],
  invalid: [
    {
      name: "a hostPath volume and a hostPort on an init container",
      yaml: `
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: d}
        spec:
          template:
            spec:
              volumes:
                - name: sock
                  hostPath:
                    path: /var/run/docker.sock
              initContainers:
                - name: init
                  ports:
                    - containerPort: 80
                      hostPort: 8080
              containers: [{name: a}]
      `,
      errors: [
        {
          messageId: "hostPath",
          line: 9,
          column: 11,
          data: { volume: "sock", path: "/var/run/docker.sock" },
        },
        { messageId: "hostPort", line: 15, column: 15, data: { container: "init", port: "8080" } },
      ],
    },
  ],
});
