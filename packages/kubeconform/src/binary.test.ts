import { chmodSync, mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ConfigurationError } from "@scout-deploy/core";
import { describe, expect, it } from "vitest";
import { findKubeconform, requireKubeconform } from "./binary.js";

function folderWith(name: string, executable: boolean): string {
  const dir = mkdtempSync(join(tmpdir(), "scout-find-"));
  writeFileSync(join(dir, name), "#!/bin/sh\n");
  chmodSync(join(dir, name), executable ? 0o755 : 0o644);
  return dir;
}

describe("finding kubeconform", () => {
  const nowhere = mkdtempSync(join(tmpdir(), "scout-empty-"));
  const bare = { PATH: nowhere, HOME: nowhere };

  it("takes an explicit path first, and refuses one that is not executable", () => {
    const dir = folderWith("kubeconform", true);
    expect(findKubeconform({ path: join(dir, "kubeconform"), env: bare })).toBe(
      join(dir, "kubeconform"),
    );
    const plain = folderWith("kubeconform", false);
    expect(() => findKubeconform({ path: join(plain, "kubeconform"), env: bare })).toThrow(
      ConfigurationError,
    );
  });

  it("then KUBECONFORM_PATH, then PATH, then ~/go/bin", () => {
    const viaEnv = folderWith("kubeconform", true);
    const onPath = folderWith("kubeconform", true);
    const home = mkdtempSync(join(tmpdir(), "scout-home-"));
    mkdirSync(join(home, "go", "bin"), { recursive: true });
    writeFileSync(join(home, "go", "bin", "kubeconform"), "#!/bin/sh\n");
    chmodSync(join(home, "go", "bin", "kubeconform"), 0o755);
    const env = {
      KUBECONFORM_PATH: join(viaEnv, "kubeconform"),
      PATH: `${nowhere}:${onPath}`,
      HOME: home,
    };
    expect(findKubeconform({ env })).toBe(join(viaEnv, "kubeconform"));
    expect(findKubeconform({ env: { ...env, KUBECONFORM_PATH: "" } })).toBe(
      join(onPath, "kubeconform"),
    );
    expect(findKubeconform({ env: { PATH: nowhere, HOME: home } })).toBe(
      join(home, "go", "bin", "kubeconform"),
    );
    expect(findKubeconform({ env: { PATH: nowhere, HOME: home }, goBin: false })).toBeUndefined();
  });

  it("skips a non-executable file on PATH", () => {
    const plain = folderWith("kubeconform", false);
    expect(findKubeconform({ env: { PATH: plain, HOME: nowhere } })).toBeUndefined();
  });

  it("says how to get it when it is missing", () => {
    expect(() => requireKubeconform({ env: bare })).toThrow(
      /kubeconform not found: install it \(go install github.com\/yannh\/kubeconform\/cmd\/kubeconform@v0.7.0\)/,
    );
  });
});
