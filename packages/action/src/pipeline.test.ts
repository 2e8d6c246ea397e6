import { type Finding, summarize } from "@scout-deploy/core";
import { describe, expect, it } from "vitest";
import { attributeRendered } from "./pipeline.js";

const finding = (file: string, line: number): Finding => ({
  ruleId: "pod/x",
  severity: "error",
  message: "bad",
  file,
  line,
  column: 3,
});

describe("attributeRendered", () => {
  it("puts findings of rendered files on the config, naming the rendered file and line", () => {
    const findings = [
      finding("../_temp/scout-deploy/rendered/20-backend.yaml", 40),
      finding("k8s/a.yaml", 2),
    ];
    const result = attributeRendered(
      {
        findings,
        suppressed: [],
        summary: summarize(findings, { files: 2, objects: 2, suppressed: 0 }, "error"),
        failOn: "error",
      },
      "../_temp/scout-deploy/rendered",
      "./deploy/scout-deploy.yaml",
    );
    expect(result.findings).toEqual([
      expect.objectContaining({
        file: "deploy/scout-deploy.yaml",
        line: 1,
        column: 1,
        message: "bad (rendered 20-backend.yaml:40)",
      }),
      finding("k8s/a.yaml", 2),
    ]);
    expect(result.summary.findings).toBe(2);
  });
});
