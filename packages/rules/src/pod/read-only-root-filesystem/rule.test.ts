import { RuleTester } from "@scout-deploy/core/testing";
import { describe, it } from "vitest";
import { readOnlyRootFilesystem } from "./rule.js";

new RuleTester({ describe, it }).run(readOnlyRootFilesystem, {
  valid: [
    {
      name: "a Windows pod (spec.os.name: windows) cannot set this Linux-only field: not judged",
      yaml: `
        apiVersion: v1
        kind: Pod
        metadata: {name: win}
        spec:
          os: {name: windows}
          securityContext: {windowsOptions: {runAsUserName: ContainerUser}}
          containers: [{name: app, image: "mcr.microsoft.com/windows/nanoserver:ltsc2022"}]
      `,
    },
    {
      yaml: `
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: frontend}
        spec:
          template:
            spec:
              containers:
                - name: web
                  securityContext: {readOnlyRootFilesystem: true}
                  volumeMounts: [{name: tmp, mountPath: /tmp}]
              volumes: [{name: tmp, emptyDir: {}}]
      `,
    },
  ],
  invalid: [
    {
      name: "the field set to false is reported at the field",
      yaml: `
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: frontend}
        spec:
          template:
            spec:
              containers:
                - name: web
                  securityContext:
                    readOnlyRootFilesystem: false
      `,
      errors: [{ messageId: "writableRoot", line: 10, column: 13, data: { container: "web" } }],
    },
    {
      name: "a pod-level value does not count: the field exists only on containers",
      yaml: `
        apiVersion: v1
        kind: Pod
        metadata: {name: p}
        spec:
          securityContext: {readOnlyRootFilesystem: true}
          initContainers:
            - name: init
          containers:
            - name: main
              securityContext: {readOnlyRootFilesystem: true}
      `,
      errors: [{ messageId: "writableRoot", line: 7, column: 7, data: { container: "init" } }],
    },
  ],
});
