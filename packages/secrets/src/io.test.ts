import { existsSync, mkdtempSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { writeSecretFile } from "./io.js";

describe("writeSecretFile", () => {
  it("creates the missing folders and writes the file owner-only", () => {
    const dir = mkdtempSync(join(tmpdir(), "secret-io-"));
    writeSecretFile(join(dir, "a/b/s.yaml"), "x");
    expect(statSync(join(dir, "a/b/s.yaml")).mode & 0o777).toBe(0o600);
  });

  it("names the file when its folder would be inside a file", () => {
    const dir = mkdtempSync(join(tmpdir(), "secret-io-"));
    writeFileSync(join(dir, "file"), "");
    expect(() => writeSecretFile(join(dir, "file/s.yaml"), "x")).toThrow(
      `cannot write ${join(dir, "file/s.yaml")}: EEXIST`,
    );
  });

  it.skipIf(!existsSync("/proc/self"))(
    "fails, not hangs, where no folder can be made (/proc)",
    () => {
      expect(() => writeSecretFile("/proc/scout-deploy-test/s.yaml", "x")).toThrow(
        "cannot write /proc/scout-deploy-test/s.yaml: ENOENT",
      );
    },
  );
});
