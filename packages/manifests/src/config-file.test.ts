import { readFileSync } from "node:fs";
import { join } from "node:path";
import { isConfigurationError } from "@scout-deploy/core";
import { describe, expect, it } from "vitest";
import { renderConfigFile } from "./config-file.js";
import { render } from "./render.js";
import { EXAMPLES, examplePath, loadExample, REPO_ROOT } from "./test-support/examples.js";

function messageOf(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    if (isConfigurationError(error)) return error.message;
    throw error;
  }
  throw new Error("expected a ConfigurationError");
}

describe("renderConfigFile", () => {
  it("renders each example from its path relative to the repo root", () => {
    for (const name of EXAMPLES) {
      const path = examplePath(name);
      const rendered = renderConfigFile(path, readFileSync(join(REPO_ROOT, path), "utf8"));
      expect(rendered?.result.yaml).toBe(render(loadExample(name).scout).yaml);
    }
  });

  it("is undefined for a config without a scout: section", () => {
    expect(renderConfigFile("scout-deploy.yaml", "policy:\n  failOn: warning\n")).toBeUndefined();
    expect(renderConfigFile("scout-deploy.yaml", "# nothing yet\n")).toBeUndefined();
  });

  it("names the file and line of a YAML mistake", () => {
    expect(
      messageOf(() => renderConfigFile("deploy/scout.yaml", "scout:\n  namespace: [\n")),
    ).toMatch(/^deploy\/scout\.yaml:3:1: YAML syntax: /);
    expect(
      messageOf(() =>
        renderConfigFile("scout-deploy.yaml", "scout:\n  namespace: a\n  namespace: b\n"),
      ),
    ).toMatch(/^scout-deploy\.yaml:3:3: duplicate key "namespace"/);
  });

  it("names the file, line and key of a bad value", () => {
    expect(
      messageOf(() => renderConfigFile("scout-deploy.yaml", "scout:\n  namespace: Scout_Prod\n")),
    ).toBe(
      'scout-deploy.yaml:2:3: scout.namespace: expected a namespace name: lower-case letters, digits and "-"',
    );
  });

  it("refuses a second YAML document", () => {
    expect(messageOf(() => renderConfigFile("c.yaml", "scout: {}\n---\npolicy: {}\n"))).toBe(
      "c.yaml:3:1: a config file holds one YAML document",
    );
  });
});
