import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadConfig, parseConfigText } from "./config-file.js";

describe("loadConfig", () => {
  it("walks up to the nearest scout-deploy.yaml and names it relative to the working folder", () => {
    const root = mkdtempSync(join(tmpdir(), "scout-config-"));
    mkdirSync(join(root, "a/b"), { recursive: true });
    writeFileSync(join(root, "scout-deploy.yaml"), "policy:\n  failOn: warning\n");
    const config = loadConfig(join(root, "a/b"));
    expect(config.policy.failOn).toBe("warning");
    expect(config.path).toBe(join(root, "scout-deploy.yaml"));
    expect(config.folder).toBe(root);
  });

  it("uses defaults when there is no config file", () => {
    const config = loadConfig(mkdtempSync(join(tmpdir(), "scout-noconfig-")));
    expect(config.path).toBeUndefined();
    expect(config.policy).toMatchObject({ failOn: "error", allowAnnotationSuppressions: true });
    expect(config.policy.settings.expectedUid).toBe(1000);
  });

  it("names a --config that is a folder as it was given", () => {
    const root = mkdtempSync(join(tmpdir(), "scout-config-"));
    mkdirSync(join(root, "conf"));
    expect(() => loadConfig(root, "conf")).toThrow(
      /^cannot read config file conf: it is a folder$/,
    );
  });

  it("refuses --config - with a reason, not as a file named '-' not found", () => {
    expect(() => loadConfig(tmpdir(), "-")).toThrow(/^--config - is not read: standard input/);
  });

  it("refuses an explicit config that does not exist", () => {
    expect(() => loadConfig(tmpdir(), "missing.yaml")).toThrow(
      "config file not found: missing.yaml",
    );
  });
});

describe("parseConfigText", () => {
  it("keeps the scout: section for the renderer", () => {
    const config = parseConfigText("/x/scout-deploy.yaml", "scout:\n  namespace: scout\n");
    expect(config.scout).toEqual({ namespace: "scout" });
  });

  it.each([
    [
      "plicy:\n  failOn: error\n",
      /c\.yaml:1:1: unknown section "plicy" \(did you mean "policy"\?\) \(allowed: scout, policy\)/,
    ],
    ["policy:\n  settings:\n    expectedUid: -1\n", /c\.yaml:3:5: policy\.settings\.expectedUid: /],
    [
      "policy:\n  settings:\n    expectedUids: 1\n",
      /c\.yaml:3:5: policy\.settings\.expectedUids: unknown key "expectedUids" \(did you mean "expectedUid"\?\) \(allowed: namespace, componentLabels, profile, components, expectedUid, writablePaths, redisAuth\)/,
    ],
    ["policy: [\n", /c\.yaml:\d+:\d+: YAML syntax/],
    [
      "policy:\n  suppressions:\n    - rules: [pod/x]\n",
      /c\.yaml:3:7: policy\.suppressions\.0\.reason: /,
    ],
    ["a: 1\n---\nb: 2\n", /one YAML document, not 2/],
  ])("names the file, line and key of %j", (text, message) => {
    expect(() => parseConfigText("/x/c.yaml", text, "c.yaml")).toThrow(message);
  });
});
