import { existsSync, mkdtempSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { makeFolder } from "./folder.js";

describe("makeFolder", () => {
  it("creates the missing folders of a path and accepts one that exists", () => {
    const dir = mkdtempSync(join(tmpdir(), "folder-"));
    makeFolder(join(dir, "a/b/c"));
    makeFolder(join(dir, "a/b/c"));
    expect(statSync(join(dir, "a/b/c")).isDirectory()).toBe(true);
  });

  it("refuses a path whose part is a file", () => {
    const dir = mkdtempSync(join(tmpdir(), "folder-"));
    writeFileSync(join(dir, "file"), "");
    expect(() => makeFolder(join(dir, "file"))).toThrow(/EEXIST/);
    expect(() => makeFolder(join(dir, "file/sub"))).toThrow(/ENOTDIR/);
  });

  it.skipIf(!existsSync("/proc/self"))(
    "fails, not hangs, where mkdir says ENOENT under a parent that exists (/proc)",
    () => {
      expect(() => makeFolder("/proc/scout-deploy-test/out")).toThrow(/ENOENT/);
    },
  );
});
