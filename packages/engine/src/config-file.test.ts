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
      /c\.yaml:3:5: policy\.settings\.expectedUids: unknown key "expectedUids" \(did you mean "expectedUid"\?\) \(allowed: namespace, componentLabels, profile, components, expectedUid, writablePaths, redisAuth, network\)/,
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

describe("the network settings, one value for every network rule", () => {
  it("reads policy.settings.network with no notice", () => {
    const config = parseConfigText(
      "/r/c.yaml",
      "policy:\n  settings:\n    network:\n      externalPort: 8080\n",
      "c.yaml",
    );
    expect(config.notices).toBeUndefined();
  });

  it("still reads a deprecated rule option, with a notice naming its line and the new place", () => {
    const config = parseConfigText(
      "/r/c.yaml",
      "policy:\n  rules:\n    network/no-broad-peers:\n      options:\n        externalAccess: false\n",
      "c.yaml",
    );
    expect(config.notices).toEqual([
      'c.yaml:5:9: policy.rules."network/no-broad-peers".options.externalAccess is deprecated: set policy.settings.network.externalAccess once for every network rule',
    ]);
  });

  it("refuses two places that disagree, at the second, naming both", () => {
    expect(() =>
      parseConfigText(
        "/r/c.yaml",
        "policy:\n  settings:\n    network: {externalAccess: false}\n  rules:\n    network/allowed-flows:\n      options: {externalAccess: true}\n",
        "c.yaml",
      ),
    ).toThrow(
      'c.yaml:6:17: policy.rules."network/allowed-flows".options.externalAccess is true but policy.settings.network.externalAccess is false: the network rules share one value; set it once, in policy.settings.network.externalAccess',
    );
    expect(() =>
      parseConfigText(
        "/r/c.yaml",
        "policy:\n  rules:\n    network/allowed-flows: {options: {externalPort: 80}}\n    network/no-broad-peers: {options: {externalPort: 443}}\n",
        "c.yaml",
      ),
    ).toThrow(
      /c\.yaml:4:.*no-broad-peers"\.options\.externalPort is 443 but policy\.rules\."network\/allowed-flows"\.options\.externalPort is 80/,
    );
  });
});
