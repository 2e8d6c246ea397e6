import { RuleTester } from "@scout-deploy/core/testing";
import { describe, it } from "vitest";
import { containersThatSayNothing } from "../../test-support/operator-patches.js";
import { dropAllCapabilities } from "./rule.js";

new RuleTester({ describe, it }).run(dropAllCapabilities, {
  valid: [
    containersThatSayNothing,
    {
      name: "a Windows pod (spec.os.name: windows) needs no dropped capability: not judged when it sets none",
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
      name: "drop ALL on every container list",
      yaml: `
        apiVersion: apps/v1
        kind: StatefulSet
        metadata: {name: redis}
        spec:
          template:
            spec:
              initContainers:
                - name: init
                  securityContext: {capabilities: {drop: [ALL]}}
              containers:
                - name: redis
                  securityContext:
                    capabilities:
                      drop: ["NET_RAW", "ALL"]
                      add: []
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
              securityContext: {capabilities: {drop: [NET_RAW]}}
          containers:
            - name: app
              securityContext: {capabilities: {drop: [ALL]}}
          ephemeralContainers:
            - name: debug
              securityContext: {capabilities: {drop: [ALL], add: [SYS_PTRACE]}}
      `,
      errors: [
        { messageId: "notDropped", line: 7, column: 40, data: { container: "init" } },
        {
          messageId: "added",
          line: 13,
          column: 59,
          data: { container: "debug", capability: "SYS_PTRACE" },
        },
      ],
    },
    {
      name: "a Windows pod that adds a capability: refused by the API server and rejected by PSA baseline, whatever it drops",
      yaml: `
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: win}
        spec:
          template:
            spec:
              os: {name: windows}
              containers:
                - name: app
                  securityContext:
                    capabilities: {add: [NET_RAW]}
      `,
      errors: [{ messageId: "windows", line: 11, column: 13, data: { container: "app" } }],
    },
    {
      name: "no capabilities at all",
      yaml: `
        apiVersion: v1
        kind: Pod
        metadata: {name: p}
        spec:
          containers:
            - name: app
      `,
      errors: [{ messageId: "notDropped", line: 6, column: 7, data: { container: "app" } }],
    },
    {
      name: "lower-case all is rejected by the restricted profile, and an added capability",
      yaml: `
        apiVersion: v1
        kind: Pod
        metadata: {name: p}
        spec:
          containers:
            - name: app
              securityContext:
                capabilities:
                  drop: [all]
                  add: [NET_BIND_SERVICE]
      `,
      errors: [
        {
          messageId: "wrongCase",
          line: 9,
          column: 18,
          data: { container: "app", spelling: "all" },
        },
        {
          messageId: "added",
          line: 10,
          column: 17,
          data: { container: "app", capability: "NET_BIND_SERVICE" },
        },
      ],
    },
    {
      name: "dropping a list without ALL is reported at drop",
      yaml: `
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: d}
        spec:
          template:
            spec:
              containers:
                - name: app
                  securityContext:
                    capabilities:
                      drop:
                        - NET_RAW
      `,
      errors: [{ messageId: "notDropped", line: 11, column: 15 }],
    },
    {
      name: "an unknown custom resource's container that adds a capability: reported; that it drops none is the operator's to say",
      yaml: `
        apiVersion: example.com/v1
        kind: Runner
        metadata: {name: r}
        spec:
          containers:
            - name: run
              image: example/runner:1.0
              securityContext:
                capabilities: {add: [SYS_ADMIN]}
      `,
      errors: [
        {
          messageId: "added",
          line: 9,
          column: 30,
          data: { container: "run", capability: "SYS_ADMIN" },
        },
      ],
    },
  ],
});
