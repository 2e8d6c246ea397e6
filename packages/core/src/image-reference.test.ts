import { describe, expect, it } from "vitest";
import { imageRepository, malformedPart, parseImage } from "./image-reference.js";

describe("imageRepository", () => {
  it("names the repository the kubelet pulls, as distribution/reference normalizes it", () => {
    expect(imageRepository("redis:7.2.5")).toBe("docker.io/library/redis");
    expect(imageRepository("index.docker.io/prom/prometheus:v3.5.0")).toBe(
      "docker.io/prom/prometheus",
    );
    expect(imageRepository("docker.io/redis")).toBe("docker.io/library/redis");
    expect(imageRepository("localhost/app")).toBe("localhost/app");
    expect(imageRepository("host:5000/app:1.2")).toBe("host:5000/app");
    expect(imageRepository(`Registry.Local/app@sha256:${"0".repeat(64)}`)).toBe(
      "Registry.Local/app",
    );
    expect(imageRepository("ghcr.io/Scout/app:1.2")).toBeUndefined();
  });
});

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

describe("malformedPart", () => {
  it("names the part the kubelet refuses (InvalidImageName)", () => {
    expect(malformedPart("ghcr.io/scout/api:1.2")).toBeUndefined();
    expect(malformedPart("ghcr.io/Scout/api:1.2")).toBe("name");
    expect(malformedPart("redis:")).toBe("tag");
    expect(malformedPart("redis@sha1:0123456789abcdef0123456789abcdef01234567")).toBe("digest");
  });
});
