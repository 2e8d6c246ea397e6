import { RuleTester } from "@scout-deploy/core/testing";
import { describe, it } from "vitest";
import { containersThatSayNothing } from "../../test-support/operator-patches.js";
import { readOnlyRootFilesystem } from "./rule.js";

new RuleTester({ describe, it }).run(readOnlyRootFilesystem, {
  valid: [
    containersThatSayNothing,
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
      name: "every container is judged: initContainers and ephemeralContainers as well as containers",
      yaml: `
        apiVersion: v1
        kind: Pod
        metadata: {name: p}
        spec:
          initContainers:
            - name: init
              securityContext: {readOnlyRootFilesystem: false}
          containers:
            - name: app
              securityContext: {readOnlyRootFilesystem: true}
          ephemeralContainers:
            - name: debug
              securityContext: {privileged: false}
      `,
      errors: [
        { messageId: "writableRoot", line: 7, column: 25, data: { container: "init" } },
        { messageId: "writableRoot", line: 13, column: 7, data: { container: "debug" } },
      ],
    },
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
    {
      name: "a Windows pod cannot make a root filesystem read-only: one finding at its os.name, naming the containers",
      yaml: `
        apiVersion: v1
        kind: Pod
        metadata: {name: win}
        spec:
          os: {name: windows}
          securityContext: {runAsNonRoot: true, windowsOptions: {runAsUserName: ContainerUser}}
          initContainers: [{name: init, image: "mcr.microsoft.com/windows/nanoserver:ltsc2022"}]
          containers: [{name: app, image: "mcr.microsoft.com/windows/nanoserver:ltsc2022"}]
      `,
      errors: [
        {
          messageId: "windowsPod",
          line: 5,
          column: 8,
          data: { containers: '"init", "app"' },
        },
      ],
    },
  ],
});
