import { RuleTester } from "@scout-deploy/core/testing";
import { describe, it } from "vitest";
import { guideSettingsSchema } from "../../settings.js";
import { containersThatSayNothing } from "../../test-support/operator-patches.js";
import { runAsUser } from "./rule.js";

new RuleTester({ describe, it, settings: guideSettingsSchema }).run(runAsUser, {
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
      name: "a container's runAsUser: null is unset: the pod's value holds (the API server drops the null)",
      yaml: `
        apiVersion: v1
        kind: Pod
        metadata: {name: p}
        spec:
          securityContext: {runAsUser: 1000}
          containers:
            - name: app
              securityContext: {runAsUser: null}
      `,
    },
    {
      name: "the pod's runAsUser 1000 covers every container",
      yaml: `
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: backend}
        spec:
          template:
            spec:
              securityContext: {runAsUser: 1000}
              initContainers: [{name: init}]
              containers: [{name: api}]
      `,
    },
    {
      name: "the expected UID comes from the settings",
      settings: { expectedUid: 101 },
      yaml: `
        apiVersion: v1
        kind: Pod
        metadata: {name: nginx}
        spec:
          containers:
            - name: nginx
              securityContext: {runAsUser: 101}
      `,
    },
  ],
  invalid: [
    {
      name: 'a quoted runAsUser is the string "1000", which the API server refuses: not user 1000',
      yaml: `
        apiVersion: v1
        kind: Pod
        metadata: {name: p}
        spec:
          securityContext: {runAsUser: "1000"}
          containers: [{name: app}]
      `,
      errors: [
        {
          messageId: "wrongUid",
          line: 5,
          column: 21,
          data: { container: "app", expected: 1000, actual: '"1000"' },
        },
      ],
    },
    {
      name: "runAsUser unset on a pod that has a securityContext, with two containers: at the pod's securityContext, one line for both",
      yaml: `
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: backend}
        spec:
          template:
            spec:
              securityContext:
                runAsNonRoot: true
                seccompProfile: {type: RuntimeDefault}
              initContainers:
                - name: migrate
                  securityContext: {allowPrivilegeEscalation: false}
              containers:
                - name: api
                  securityContext: {allowPrivilegeEscalation: false}
      `,
      errors: [
        { messageId: "unset", line: 7, column: 7, data: { container: "migrate", expected: 1000 } },
        { messageId: "unset", line: 7, column: 7, data: { container: "api", expected: 1000 } },
      ],
    },
    {
      name: "no runAsUser anywhere",
      yaml: `
        apiVersion: v1
        kind: Pod
        metadata: {name: p}
        spec:
          containers:
            - name: app
              image: app:1
      `,
      errors: [
        { messageId: "unset", line: 6, column: 7, data: { container: "app", expected: 1000 } },
      ],
    },
    {
      name: "a container overriding the pod's UID",
      yaml: `
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: backend}
        spec:
          template:
            spec:
              securityContext: {runAsUser: 1000}
              containers:
                - name: ok
                - name: sidecar
                  securityContext:
                    runAsUser: 2000
      `,
      errors: [
        {
          messageId: "wrongUid",
          line: 12,
          column: 13,
          data: { container: "sidecar", actual: "2000", expected: 1000 },
        },
      ],
    },
    {
      name: "the pod's wrong UID is inherited by an ephemeral container of a CronJob",
      yaml: `
        apiVersion: batch/v1
        kind: CronJob
        metadata: {name: c}
        spec:
          jobTemplate:
            spec:
              template:
                spec:
                  securityContext:
                    runAsUser: 0
                  ephemeralContainers: [{name: debug}]
      `,
      errors: [{ messageId: "wrongUid", line: 10, column: 13 }],
    },
  ],
});
