import { type Bundle, buildBundle, parseSource } from "@scout-deploy/core";
import type { SchemaProblem } from "../port.js";

export function bundleOf(yaml: string, file = "test.yaml"): Bundle {
  return buildBundle([parseSource(file, yaml)]);
}

/** "line:column code message" for each problem: what a user reads. */
export function positioned(problems: readonly SchemaProblem[]): string[] {
  return problems.map((p) => {
    const position = p.object.document.locate(p.object.pointer + p.pointer);
    return `${position.line}:${position.column} ${p.code} ${p.message}`;
  });
}
