import { RuleTester } from "@scout-deploy/core/testing";
import { describe, it } from "vitest";
import { noSharedProcessNamespace } from "./rule.js";

new RuleTester({ describe, it }).run(noSharedProcessNamespace, {
  valid: [
    {
      name: "unset or false",
      yaml: `
        apiVersion: v1
        kind: Pod
        metadata: {name: p}
        spec:
          shareProcessNamespace: false
          containers: [{name: a}]
      `,
    },
  ],
  invalid: [
    {
      name: "shared between the app and a debug container",
      yaml: `
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: d}
        spec:
          template:
            spec:
              shareProcessNamespace: true
              containers: [{name: a}, {name: debug}]
      `,
      errors: [{ messageId: "shared", line: 7, column: 7 }],
    },
  ],
});
