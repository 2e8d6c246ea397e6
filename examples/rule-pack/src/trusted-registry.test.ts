import { RuleTester } from "@scout-deploy/core/testing";
import { describe, it } from "vitest";
import { trustedRegistry } from "./trusted-registry.js";

new RuleTester({ describe, it }).run(trustedRegistry, {
  valid: [
    {
      name: "images from the default trusted registry",
      yaml: `
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: backend}
        spec:
          template:
            spec:
              containers:
                - name: api
                  image: ghcr.io/scout/backend:1.4.2
      `,
    },
    {
      name: "a registry allowed by the options",
      options: { registries: ["registry.internal/"] },
      yaml: `
        apiVersion: v1
        kind: Pod
        metadata: {name: p}
        spec:
          containers: [{name: redis, image: "registry.internal/redis:7.2"}]
      `,
    },
  ],
  invalid: [
    {
      name: "an image from Docker Hub, in an init container",
      yaml: `
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: backend}
        spec:
          template:
            spec:
              initContainers:
                - name: wait
                  image: busybox:1.36
              containers:
                - name: api
                  image: ghcr.io/scout/backend:1.4.2
      `,
      errors: [
        {
          messageId: "untrusted",
          line: 9,
          column: 11,
          data: { container: "wait", image: "busybox:1.36", registries: "ghcr.io/scout/" },
        },
      ],
    },
  ],
});
