import { RuleTester } from "@scout-deploy/core/testing";
import { describe, it } from "vitest";
import { apparmorProfile } from "./rule.js";

new RuleTester({ describe, it }).run(apparmorProfile, {
  valid: [
    {
      name: "unset, RuntimeDefault, Localhost and the allowed annotations (empty is the default)",
      yaml: `
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: d}
        spec:
          template:
            metadata:
              annotations:
                container.apparmor.security.beta.kubernetes.io/a: runtime/default
                container.apparmor.security.beta.kubernetes.io/b: localhost/scout
                container.apparmor.security.beta.kubernetes.io/c: ""
            spec:
              securityContext:
                appArmorProfile: {type: RuntimeDefault}
              containers:
                - name: a
                - name: c
                - name: b
                  securityContext:
                    appArmorProfile: {type: Localhost, localhostProfile: scout}
      `,
    },
  ],
  invalid: [
    {
      name: "type Localhost without a profile name is refused by the API server, not a pass (empty or blank alike)",
      yaml: `
        apiVersion: v1
        kind: Pod
        metadata: {name: p}
        spec:
          securityContext: {appArmorProfile: {type: Localhost}}
          containers:
            - name: app
              securityContext: {appArmorProfile: {type: Localhost, localhostProfile: " "}}
            - name: side
              securityContext: {appArmorProfile: {type: RuntimeDefault, localhostProfile: k8s-x}}
      `,
      errors: [
        {
          messageId: "refused",
          line: 5,
          column: 21,
          data: {
            place: "the pod",
            reason: "localhostProfile must be set when AppArmor type is Localhost",
          },
        },
        {
          messageId: "refused",
          line: 8,
          column: 25,
          data: {
            place: 'container "app"',
            reason: "localhostProfile must be set when AppArmor type is Localhost",
          },
        },
        {
          messageId: "refused",
          line: 10,
          column: 25,
          data: {
            place: 'container "side"',
            reason: "localhostProfile can only be set when AppArmor type is Localhost",
          },
        },
      ],
    },
    {
      name: "Unconfined by field on the pod and by annotation for a container",
      yaml: `
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: d}
        spec:
          template:
            metadata:
              annotations:
                container.apparmor.security.beta.kubernetes.io/app: unconfined
            spec:
              securityContext:
                appArmorProfile:
                  type: Unconfined
              containers: [{name: app}]
      `,
      errors: [
        {
          messageId: "annotation",
          line: 8,
          column: 9,
          data: { container: "app", value: "unconfined" },
        },
        {
          messageId: "field",
          line: 12,
          column: 11,
          data: { place: "the pod", type: "Unconfined" },
        },
      ],
    },
    {
      name: "Unconfined on one container of a Pod",
      yaml: `
        apiVersion: v1
        kind: Pod
        metadata: {name: p}
        spec:
          containers:
            - name: app
              securityContext:
                appArmorProfile: {type: Unconfined}
      `,
      errors: [
        {
          messageId: "field",
          line: 8,
          column: 27,
          data: { place: 'container "app"', type: "Unconfined" },
        },
      ],
    },
  ],
});
