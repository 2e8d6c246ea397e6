import { RuleTester } from "@scout-deploy/core/testing";
import { describe, it } from "vitest";
import { containersThatSayNothing } from "../../test-support/operator-patches.js";
import { noPrivilegeEscalation } from "./rule.js";

new RuleTester({ describe, it }).run(noPrivilegeEscalation, {
  valid: [
    containersThatSayNothing,
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
        metadata: {name: redis}
        spec:
          template:
            spec:
              containers:
                - name: redis
                  securityContext: {allowPrivilegeEscalation: false}
      `,
    },
    {
      name: "privileged or an added SYS_ADMIN beside false is not-privileged's and drop-all-capabilities' finding",
      yaml: `
        apiVersion: v1
        kind: Pod
        metadata: {name: p}
        spec:
          containers:
            - name: app
              securityContext:
                allowPrivilegeEscalation: false
                privileged: true
                capabilities: {drop: [ALL], add: [CAP_SYS_ADMIN]}
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
              securityContext: {allowPrivilegeEscalation: true}
          containers:
            - name: app
              securityContext: {allowPrivilegeEscalation: false}
          ephemeralContainers:
            - name: debug
              securityContext: {privileged: false}
      `,
      errors: [
        { messageId: "enabled", line: 7, column: 25, data: { container: "init" } },
        { messageId: "notDisabled", line: 13, column: 7, data: { container: "debug" } },
      ],
    },
    {
      name: "unset: reported where the field belongs",
      yaml: `
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: redis}
        spec:
          template:
            spec:
              containers:
                - name: redis
                  image: redis:7
      `,
      errors: [{ messageId: "notDisabled", line: 8, column: 11, data: { container: "redis" } }],
    },
    {
      name: "explicitly true",
      yaml: `
        apiVersion: v1
        kind: Pod
        metadata: {name: p}
        spec:
          containers:
            - name: app
              securityContext:
                allowPrivilegeEscalation: true
      `,
      errors: [{ messageId: "enabled", line: 8, column: 9, data: { container: "app" } }],
    },
  ],
});
