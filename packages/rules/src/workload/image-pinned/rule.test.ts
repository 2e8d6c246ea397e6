import { RuleTester } from "@scout-deploy/core/testing";
import { describe, expect, it } from "vitest";
import { imagePinned, parseImage } from "./rule.js";

describe("parseImage", () => {
  it("tells a registry port from a tag", () => {
    expect(parseImage("registry:5000/scout/api")).toEqual({ name: "registry:5000/scout/api" });
    expect(parseImage("registry:5000/scout/api:1.2")).toEqual({
      name: "registry:5000/scout/api",
      tag: "1.2",
    });
    expect(parseImage("api@sha256:abc")).toEqual({ name: "api", digest: "sha256:abc" });
  });
});

new RuleTester({ describe, it }).run(imagePinned, {
  valid: [
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
      name: "an upper-case repository path or spaces around the name: the kubelet refuses the reference",
      yaml: `
        apiVersion: v1
        kind: Pod
        metadata: {name: p}
        spec:
          containers:
            - {name: a, image: "ghcr.io/Scout/api:1.4.2"}
            - {name: b, image: " ghcr.io/scout/api:1.4.2"}
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
          data: { place: 'container "b"', part: "name", image: " ghcr.io/scout/api:1.4.2" },
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
        { messageId: "noImage", line: 8, column: 11, data: { place: 'container "app"' } },
        { messageId: "noImage", line: 9, column: 24, data: { place: 'container "side"' } },
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
  ],
});
