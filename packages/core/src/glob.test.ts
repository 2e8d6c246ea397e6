import { describe, expect, it } from "vitest";
import { matchesGlob } from "./glob.js";

// The same dialect as the CLI's path arguments (the loader's picomatch with dot: true).
describe("config globs", () => {
  it("cross folders with ** and stay in one with *", () => {
    expect(matchesGlob("legacy/a/b.yaml", "legacy/**")).toBe(true);
    expect(matchesGlob("legacy/a/b.yaml", "legacy/*.yaml")).toBe(false);
    expect(matchesGlob("legacy/b.yaml", "legacy/*.yaml")).toBe(true);
  });

  it("expand braces", () => {
    expect(matchesGlob("k8s/a.yml", "k8s/*.{yaml,yml}")).toBe(true);
    expect(matchesGlob("staging/x.yaml", "{prod,staging}/**")).toBe(true);
    expect(matchesGlob("dev/x.yaml", "{prod,staging}/**")).toBe(false);
  });

  it("match character classes", () => {
    expect(matchesGlob("k8s/backend.yaml", "k8s/[ab]*.yaml")).toBe(true);
    expect(matchesGlob("k8s/redis.yaml", "k8s/[ab]*.yaml")).toBe(false);
  });

  it("accept a leading ./ on the glob or the path", () => {
    expect(matchesGlob("legacy/a.yaml", "./legacy/**")).toBe(true);
    expect(matchesGlob("./legacy/a.yaml", "legacy/**")).toBe(true);
  });

  it("match dotfiles and dot folders, as the loader reads them", () => {
    expect(matchesGlob(".deploy/a.yaml", "**/*.yaml")).toBe(true);
  });
});
