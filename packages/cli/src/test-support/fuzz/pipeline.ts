import {
  type Bundle,
  buildBundle,
  defaultPolicy,
  evaluate,
  inputRules,
  isRecord,
  parseSource,
  type Result,
} from "@scout-deploy/core";
import { type CheckRun, networkSection, securityGuideRules } from "@scout-deploy/engine";
import {
  formatJson,
  formatJunit,
  formatMarkdown,
  formatSarif,
  formatText,
  planAnnotations,
} from "@scout-deploy/report";
import { createEmbeddedValidator, schemaInputProblems, schemaRules } from "@scout-deploy/schema";
import { XMLValidator } from "fast-xml-parser";
import { TOOL } from "../../version.js";
import { type FuzzInput, PLANTED } from "./inputs.js";

export type Outputs = Record<
  "text" | "json" | "sarif" | "markdown" | "junit" | "annotations",
  string
>;

const validator = createEmbeddedValidator();
const rules = [...securityGuideRules, ...schemaRules];

/** What `check` does, in memory: parse, validate schemas, evaluate every rule, every format. */
export async function runPipeline(
  input: FuzzInput,
): Promise<{ bundle: Bundle; result: Result; outputs: Outputs }> {
  const bundle = buildBundle(input.files.map((f) => parseSource(f.path, f.text)));
  const problems = schemaInputProblems(await validator.validate(bundle, {}));
  const policy = defaultPolicy();
  const result = evaluate(rules, bundle, policy, { problems });
  const allRules = [...inputRules, ...rules];
  const network = networkSection({ bundle, config: { policy } as CheckRun["config"] });
  const outputs: Outputs = {
    text: formatText(result, { color: false }),
    json: formatJson(result, TOOL),
    sarif: formatSarif(result, { tool: TOOL, rules: allRules }),
    markdown: formatMarkdown(result, {
      rules: allRules,
      ...(network ? { sections: [network] } : {}),
    }),
    junit: formatJunit(result, { rules: allRules }),
    annotations: workflowCommands(result),
  };
  return { bundle, result, outputs };
}

/** The annotations as the Action prints them: `::error file=F,line=L,title=T::message`. */
function workflowCommands(result: Result): string {
  return planAnnotations(result.findings)
    .annotations.map(
      (a) =>
        `::${a.level} file=${a.file},line=${a.line},col=${a.column},title=${a.title}::${a.message}`,
    )
    .join("\n");
}

/** Every property the fuzz test holds the pipeline to; an empty list when all hold. */
export function violations(bundle: Bundle, result: Result, outputs: Outputs): string[] {
  const found: string[] = [];
  for (const finding of [...result.findings, ...result.suppressed]) {
    if (
      !bundle.files.includes(finding.file) ||
      !Number.isInteger(finding.line) ||
      finding.line < 1
    ) {
      found.push(`finding without an input file and a line >= 1: ${JSON.stringify(finding)}`);
    }
  }
  for (const format of ["json", "sarif"] as const) {
    try {
      JSON.parse(outputs[format]);
    } catch (error) {
      found.push(`${format} output does not parse: ${String(error)}`);
    }
  }
  const xml = XMLValidator.validate(outputs.junit);
  if (xml !== true) found.push(`junit output is not well-formed XML: ${JSON.stringify(xml.err)}`);
  const exempt = valuesNotInSecretPlaces(bundle);
  const checked = Object.entries(PLANTED).filter(([, value]) => !exempt.has(value));
  if (checked.length === 0) return found;
  const anyPart = partsPattern(checked.map(([, value]) => value));
  for (const [format, text] of Object.entries(outputs)) {
    const leaked = anyPart.exec(text)?.[0];
    if (!leaked) continue;
    const [name] = checked.find(([, value]) => leakedPart(leaked, value))!;
    found.push(`${format} output shows "${leaked}" of the planted ${name} value`);
  }
  return found;
}

const b64 = (value: string) => Buffer.from(value).toString("base64");

/** The value, its base64, or any 8 characters of either, when one of them is in `text`. */
export function leakedPart(text: string, value: string): string | undefined {
  return partsPattern([value]).exec(text)?.[0];
}

const patterns = new Map<string, RegExp>();

/** One alternation of every 8-character part of the values: one pass over a large output. */
function partsPattern(values: readonly string[]): RegExp {
  const key = values.join("\u0000");
  let pattern = patterns.get(key);
  if (!pattern) {
    const parts = new Set<string>();
    for (const form of values.flatMap((value) => [value, b64(value)])) {
      for (let i = 0; i + 8 <= form.length; i++) parts.add(form.slice(i, i + 8));
    }
    const escaped = [...parts].map((part) => part.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&"));
    pattern = new RegExp(escaped.join("|"));
    patterns.set(key, pattern);
  }
  return pattern;
}

/**
 * A mutation can move a planted value out of where credentials sit (into a name, a label, a
 * key); there it is no secret and may be shown. The values found anywhere but a Secret's data
 * or stringData, a credential-like ConfigMap key or an env value.
 */
function valuesNotInSecretPlaces(bundle: Bundle): Set<string> {
  const values = Object.values(PLANTED);
  const anyPart = partsPattern(values);
  const exempt = new Set<string>();
  const note = (text: string, secretPlace: boolean) => {
    if (secretPlace || !anyPart.test(text)) return;
    for (const value of values) if (leakedPart(text, value)) exempt.add(value);
  };
  const walk = (node: unknown, kind: string, path: string[]) => {
    if (typeof node === "string") {
      note(node, isSecretPlace(kind, path));
      return;
    }
    if (Array.isArray(node)) {
      for (const [i, child] of node.entries()) walk(child, kind, [...path, String(i)]);
      return;
    }
    if (!isRecord(node)) return;
    const ownKind = typeof node.kind === "string" ? node.kind : undefined;
    for (const [key, child] of Object.entries(node)) {
      note(key, false);
      walk(child, ownKind ?? kind, ownKind ? [key] : [...path, key]);
    }
  };
  for (const document of bundle.documents) walk(document.value, "", []);
  return exempt;
}

function isSecretPlace(kind: string, path: string[]): boolean {
  const [top, key] = path;
  if (kind === "Secret" && (top === "data" || top === "stringData") && path.length === 2)
    return true;
  if (kind === "ConfigMap" && top === "data" && path.length === 2) {
    return /pass|token|secret|key|cred/i.test(key ?? "");
  }
  return path.length >= 3 && path.at(-1) === "value" && path.at(-3) === "env";
}
