import { RuleTester } from "@scout-deploy/core/testing";
import { describe, it } from "vitest";
import { containersThatSayNothing } from "../../test-support/operator-patches.js";
import { imagePinned } from "./rule.js";

new RuleTester({ describe, it }).run(imagePinned, {
  valid: [
    containersThatSayNothing,
    {
      name: "a version tag and a digest",
      yaml: `
        apiVersion: v1
        kind: Pod
        metadata: {name: p}
        spec:
          containers:
            - {name: a, image: "ghcr.io/scout/api:1.4.2"}
            - {name: b, image: "redis@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"}
            - {name: c, image: "redis:7.2.5@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"}
      `,
    },
  ],
  invalid: [
    {
      name: "no tag (behind a registry port) and latest",
      yaml: `
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: d}
        spec:
          template:
            spec:
              initContainers:
                - name: init
                  image: registry:5000/busybox
              containers:
                - name: app
                  image: nginx:latest
      `,
      errors: [
        {
          messageId: "noTag",
          line: 9,
          column: 11,
          data: { place: 'container "init"', image: "registry:5000/busybox" },
        },
        {
          messageId: "latest",
          line: 12,
          column: 11,
          data: { place: 'container "app"', image: "nginx:latest" },
        },
      ],
    },
    {
      name: "requireDigest reports a tag without a digest",
      options: { requireDigest: true },
      yaml: `
        apiVersion: v1
        kind: Pod
        metadata: {name: p}
        spec:
          containers:
            - name: a
              image: redis:7.2
      `,
      errors: [{ messageId: "noDigest", line: 7, column: 7 }],
    },
    {
      name: "a digest that is not 64 lower-case hex digits, an empty tag: the kubelet refuses the reference",
      yaml: `
        apiVersion: v1
        kind: Pod
        metadata: {name: p}
        spec:
          containers:
            - {name: a, image: "redis@sha256:0123456789abcdef"}
            - {name: b, image: "redis:"}
            - {name: c, image: "redis@sha256:0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF"}
      `,
      errors: [
        {
          messageId: "malformed",
          line: 6,
          column: 17,
          data: { place: 'container "a"', part: "digest", image: "redis@sha256:0123456789abcdef" },
        },
        {
          messageId: "malformed",
          line: 7,
          column: 17,
          data: { place: 'container "b"', part: "tag", image: "redis:" },
        },
        {
          messageId: "malformed",
          line: 8,
          column: 17,
          data: {
            place: 'container "c"',
            part: "digest",
            image: `redis@sha256:${"0123456789ABCDEF".repeat(4)}`,
          },
        },
      ],
    },
    {
      name: "a digest of an algorithm the kubelet does not know, or of the wrong length for its own",
      yaml: `
        apiVersion: v1
        kind: Pod
        metadata: {name: p}
        spec:
          containers:
            - {name: a, image: "redis@md5:0123456789abcdef0123456789abcdef"}
            - {name: b, image: "redis@sha512:${"0".repeat(64)}"}
            - {name: c, image: "redis@sha384:${"0".repeat(96)}"}
            - {name: d, image: "redis@sha512:${"0".repeat(128)}"}
      `,
      errors: [
        { messageId: "malformed", line: 6, column: 17 },
        { messageId: "malformed", line: 7, column: 17 },
      ],
    },
    {
      name: "a repository path over 255 characters, Docker Hub's library/ counted, the registry host not",
      yaml: `
        apiVersion: v1
        kind: Pod
        metadata: {name: p}
        spec:
          containers:
            - {name: a, image: "${"x".repeat(248)}:1.2"}
            - {name: b, image: "${"x".repeat(247)}:1.2"}
            - {name: c, image: "ghcr.io/${"x".repeat(255)}:1.2"}
            - {name: d, image: "ghcr.io/${"x".repeat(256)}:1.2"}
      `,
      errors: [
        { messageId: "malformed", line: 6, column: 17 },
        { messageId: "malformed", line: 9, column: 17 },
      ],
    },
    {
      name: "a bare 64-hex string reads as an image ID; with a tag it is a name",
      yaml: `
        apiVersion: v1
        kind: Pod
        metadata: {name: p}
        spec:
          containers:
            - {name: a, image: "${"0123456789abcdef".repeat(4)}"}
            - {name: b, image: "${"0123456789abcdef".repeat(4)}:1.2"}
      `,
      errors: [{ messageId: "malformed", line: 6, column: 17 }],
    },
    {
      name: "spaces around a container's image: the API server refuses the Pod, or every Pod of a template",
      yaml: `
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: d}
        spec:
          template:
            spec:
              containers:
                - {name: a, image: "redis:7.2.5 "}
              volumes:
                - {name: v, image: {reference: " ghcr.io/scout/models:1.0"}}
        ---
        apiVersion: v1
        kind: Pod
        metadata: {name: p}
        spec:
          containers:
            - {name: a, image: "\u0085redis:7.2.5"}
            - {name: b, image: "\ufeffredis:7.2.5"}
      `,
      errors: [
        {
          messageId: "spaces",
          severity: "warning",
          line: 8,
          column: 21,
          data: {
            place: 'container "a"',
            image: '"redis:7.2.5 "',
            refused: "the API server accepts the template but refuses every Pod made from it",
          },
        },
        // The API server does not look at an image volume's reference: the kubelet refuses it.
        { messageId: "malformed", line: 10, column: 29 },
        {
          messageId: "spaces",
          severity: "error",
          line: 17,
          column: 17,
          data: {
            place: 'container "a"',
            image: '"\\u{85}redis:7.2.5"',
            refused: "the API server refuses the Pod",
          },
        },
        // Go's TrimSpace keeps U+FEFF: the API server accepts it, the kubelet cannot parse it.
        { messageId: "malformed", line: 18, column: 17 },
      ],
    },
    {
      name: "an upper-case repository path: the kubelet refuses the reference",
      yaml: `
        apiVersion: v1
        kind: Pod
        metadata: {name: p}
        spec:
          containers:
            - {name: a, image: "ghcr.io/Scout/api:1.4.2"}
            - {name: b, image: "docker.io/Library/redis:7.2.5"}
            - {name: c, image: "Registry.Local:5000/scout/api:1.4.2"}
            - {name: d, image: "scout/Api:1.4.2"}
      `,
      errors: [
        {
          messageId: "malformed",
          line: 6,
          column: 17,
          data: { place: 'container "a"', part: "name", image: "ghcr.io/Scout/api:1.4.2" },
        },
        {
          messageId: "malformed",
          line: 7,
          column: 17,
          data: { place: 'container "b"', part: "name", image: "docker.io/Library/redis:7.2.5" },
        },
        {
          messageId: "malformed",
          line: 9,
          column: 17,
          data: { place: 'container "d"', part: "name", image: "scout/Api:1.4.2" },
        },
      ],
    },
    {
      name: "a container without an image: the API server refuses the object",
      yaml: `
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: d}
        spec:
          template:
            spec:
              containers:
                - name: app
                - {name: side, image: ""}
      `,
      errors: [
        {
          messageId: "noImage",
          severity: "error",
          line: 8,
          column: 11,
          data: { place: 'container "app"', field: "image" },
        },
        {
          messageId: "noImage",
          severity: "error",
          line: 9,
          column: 24,
          data: { place: 'container "side"', field: "image" },
        },
      ],
    },
    {
      name: "an image volume is pulled by the kubelet like a container's image",
      yaml: `
        apiVersion: v1
        kind: Pod
        metadata: {name: p}
        spec:
          containers: [{name: a, image: "redis:7.2.5"}]
          volumes:
            - name: models
              image: {reference: ghcr.io/scout/models, pullPolicy: IfNotPresent}
      `,
      errors: [
        {
          messageId: "noTag",
          line: 8,
          column: 15,
          data: { place: 'volume "models"', image: "ghcr.io/scout/models" },
        },
      ],
    },
    {
      name: "an image volume without a reference: the API server refuses the object",
      yaml: `
        apiVersion: batch/v1
        kind: CronJob
        metadata: {name: c}
        spec:
          schedule: "@daily"
          jobTemplate:
            spec:
              template:
                spec:
                  containers: [{name: a, image: "redis:7.2.5"}]
                  volumes:
                    - {name: models, image: {reference: ""}}
                    - {name: data, image: {pullPolicy: Always}}
      `,
      errors: [
        {
          messageId: "noImage",
          severity: "error",
          line: 12,
          column: 38,
          data: { place: 'volume "models"', field: "image.reference" },
        },
        {
          messageId: "noImage",
          severity: "error",
          line: 13,
          column: 28,
          data: { place: 'volume "data"', field: "image.reference" },
        },
      ],
    },
    {
      name: "init, sidecar and ephemeral containers are judged alike, each on its image line",
      yaml: `
        apiVersion: v1
        kind: Pod
        metadata: {name: p}
        spec:
          initContainers:
            - name: init
              image: localhost:5000/scout/migrate
            - name: sidecar
              restartPolicy: Always
              image: ghcr.io/scout/proxy:latest
          containers:
            - name: app
              image: "[::1]:5000/scout/api:1.2"
          ephemeralContainers:
            - name: debug
              image: busybox
      `,
      errors: [
        { messageId: "noTag", line: 7, column: 7 },
        { messageId: "latest", line: 10, column: 7 },
        { messageId: "noTag", line: 16, column: 7 },
      ],
    },
  ],
});
