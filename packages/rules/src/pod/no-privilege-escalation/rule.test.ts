import { RuleTester } from "@scout-deploy/core/testing";
import { describe, it } from "vitest";
import { noPrivilegeEscalation } from "./rule.js";

new RuleTester({ describe, it }).run(noPrivilegeEscalation, {
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
      name: "another added capability does not void false",
      yaml: `
        apiVersion: v1
        kind: Pod
        metadata: {name: p}
        spec:
          containers:
            - name: app
              securityContext:
                allowPrivilegeEscalation: false
                privileged: false
                capabilities: {drop: [ALL], add: [NET_BIND_SERVICE]}
      `,
    },
  ],
  invalid: [
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
    {
      name: "false is void beside privileged: true (the API server rejects the pair)",
      yaml: `
        apiVersion: v1
        kind: Pod
        metadata: {name: p}
        spec:
          containers:
            - name: app
              securityContext:
                privileged: true
                allowPrivilegeEscalation: false
      `,
      errors: [
        {
          messageId: "voided",
          line: 9,
          column: 9,
          data: { container: "app", cause: "privileged: true" },
        },
      ],
    },
    {
      name: "false is void beside an added SYS_ADMIN, with or without the CAP_ prefix, or ALL",
      yaml: `
        apiVersion: v1
        kind: Pod
        metadata: {name: p}
        spec:
          initContainers:
            - name: init
              securityContext:
                allowPrivilegeEscalation: false
                capabilities: {drop: [ALL], add: [sys_admin]}
          containers:
            - name: app
              securityContext:
                allowPrivilegeEscalation: false
                capabilities: {drop: [ALL], add: [NET_BIND_SERVICE, CAP_SYS_ADMIN]}
            - name: all
              securityContext:
                allowPrivilegeEscalation: false
                capabilities: {add: [ALL]}
      `,
      errors: [
        {
          messageId: "voided",
          line: 8,
          column: 9,
          data: { container: "init", cause: "capabilities.add sys_admin" },
        },
        {
          messageId: "voided",
          line: 13,
          column: 9,
          data: { container: "app", cause: "capabilities.add CAP_SYS_ADMIN" },
        },
        {
          messageId: "voided",
          line: 17,
          column: 9,
          data: { container: "all", cause: "capabilities.add ALL" },
        },
      ],
    },
  ],
});
