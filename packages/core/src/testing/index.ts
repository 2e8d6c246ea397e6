import { strict as assert } from "node:assert";
import { buildBundle } from "../bundle.js";
import { parseWithSchema, settingsSchema } from "../config.js";
import type { Severity } from "../model.js";
import type { MessageData, Rule, RuleReport } from "../rule.js";
import { formatMessage } from "../rule.js";
import { parseSource } from "../source.js";

export interface ValidCase {
  name?: string;
  /** One or more YAML documents; `dedent` is applied. */
  yaml: string;
  options?: Record<string, unknown>;
  settings?: Record<string, unknown>;
}

export interface ExpectedError {
  messageId: string;
  line: number;
  column: number;
  /** When given, the interpolated message must equal the one these data produce. */
  data?: MessageData;
  /** When given, the finding's severity (the report's own, else the rule's default). */
  severity?: Severity;
}

export interface InvalidCase extends ValidCase {
  errors: ExpectedError[];
}

type Block = (name: string, body: () => void) => void;

export interface TestHooks {
  describe: Block;
  it: Block;
}

export interface ReportedError {
  messageId: string;
  message: string;
  severity: Severity;
  line: number;
  column: number;
}

/**
 * ESLint's RuleTester for Scout rules: each case is YAML and every expected error states its
 * messageId, line and column. Pass your test runner's `describe` and `it`.
 */
export class RuleTester {
  constructor(private readonly hooks: TestHooks) {}

  run<O>(rule: Rule<O>, cases: { valid: ValidCase[]; invalid: InvalidCase[] }): void {
    const { describe, it } = this.hooks;
    describe(rule.id, () => {
      describe("valid", () => {
        for (const [index, c] of cases.valid.entries()) {
          it(c.name ?? `valid #${index + 1}`, () => {
            assert.deepEqual(runRule(rule, c), [], "a valid case reported errors");
          });
        }
      });
      describe("invalid", () => {
        for (const [index, c] of cases.invalid.entries()) {
          it(c.name ?? `invalid #${index + 1}`, () => assertInvalid(rule, c));
        }
      });
    });
  }
}

function assertInvalid<O>(rule: Rule<O>, c: InvalidCase) {
  assert.ok(c.errors.length > 0, "an invalid case must expect at least one error");
  for (const expected of c.errors) {
    assert.ok(expected.messageId in rule.meta.messages, `unknown messageId ${expected.messageId}`);
  }
  const actual = runRule(rule, c);
  const simplify = (e: { messageId: string; line: number; column: number }) =>
    `${e.line}:${e.column} ${e.messageId}`;
  assert.deepEqual(actual.map(simplify), c.errors.map(simplify));
  c.errors.forEach((expected, i) => {
    if (expected.data) {
      assert.equal(actual[i]?.message, formatMessage(rule, expected.messageId, expected.data));
    }
    if (expected.severity) assert.equal(actual[i]?.severity, expected.severity);
  });
}

/** Runs one rule over YAML text; the YAML must parse and hold only Kubernetes objects. */
export function runRule<O>(rule: Rule<O>, c: ValidCase): ReportedError[] {
  const bundle = buildBundle([parseSource("test.yaml", dedent(c.yaml))]);
  assert.deepEqual(
    bundle.problems.map((p) => `${p.position.line}: ${p.message}`),
    [],
    "the case's YAML has input problems",
  );
  const settings = parseWithSchema(settingsSchema, c.settings ?? {}, undefined, "/settings");
  const options = (
    rule.meta.options
      ? parseWithSchema(rule.meta.options, c.options ?? {}, undefined, "/options")
      : (c.options ?? {})
  ) as O;
  const reports: RuleReport[] = [];
  rule.check({ bundle, settings, options, report: (r) => reports.push(r) });
  return reports
    .map((r) => {
      const position = r.object.document.locate(r.object.pointer + (r.pointer ?? ""));
      const message = formatMessage(rule, r.messageId, r.data);
      const severity = r.severity ?? rule.meta.severity;
      return {
        messageId: r.messageId,
        message,
        severity,
        line: position.line,
        column: position.column,
      };
    })
    .sort((a, b) => a.line - b.line || a.column - b.column || (a.messageId < b.messageId ? -1 : 1));
}

/** Removes the indentation common to all non-blank lines and a leading newline. */
export function dedent(text: string): string {
  const lines = text
    .replace(/^\n/, "")
    .replace(/\n[ \t]*$/, "\n")
    .split("\n");
  const indents = lines.filter((l) => l.trim()).map((l) => /^ */.exec(l)![0].length);
  const common = indents.length ? Math.min(...indents) : 0;
  return lines.map((l) => l.slice(common)).join("\n");
}
export {
  findPlantedSecrets,
  PLANTED_BROKEN_MANIFESTS,
  PLANTED_MANIFESTS,
  PLANTED_SECRETS,
} from "./planted-secrets.js";
