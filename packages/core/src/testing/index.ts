import { strict as assert } from "node:assert";
import { buildBundle } from "../bundle.js";
import { parsePolicy, type SettingsSchema } from "../config.js";
import { evaluate, positionOf } from "../evaluate.js";
import type { Severity } from "../model.js";
import type { AnyRule, MessageData, Rule, RuleReport } from "../rule.js";
import { defineRule, formatMessage } from "../rule.js";
import { parseSource } from "../source.js";

export interface ValidCase {
  name?: string;
  /** One or more YAML documents; `dedent` is applied. */
  yaml: string;
  options?: Record<string, unknown>;
  settings?: Record<string, unknown>;
  /** The targeted Kubernetes version (`--kubernetes-version`); none is the default target. */
  kubernetesVersion?: string;
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
  /** The settings schema of the rule's pack: cases' `settings` are validated against it and core's. */
  settings?: SettingsSchema;
}

export interface ReportedError {
  messageId: string;
  message: string;
  severity: Severity;
  line: number;
  column: number;
}

/**
 * ESLint's RuleTester for rules made with `defineRule`: each case is YAML and every expected error states its
 * messageId, line and column. Pass your test runner's `describe` and `it`.
 */
export class RuleTester {
  constructor(private readonly hooks: TestHooks) {}

  run<O, M extends string>(
    rule: Rule<O, M>,
    cases: { valid: ValidCase[]; invalid: InvalidCase[] },
  ): void {
    rejectDuplicates(rule.id, [...cases.valid, ...cases.invalid]);
    const { describe, it, settings } = this.hooks;
    describe(rule.id, () => {
      describe("valid", () => {
        for (const [index, c] of cases.valid.entries()) {
          it(c.name ?? `valid #${index + 1}`, () => {
            assert.deepEqual(runRule(rule, c, settings), [], "a valid case reported errors");
          });
        }
      });
      describe("invalid", () => {
        for (const [index, c] of cases.invalid.entries()) {
          it(c.name ?? `invalid #${index + 1}`, () => assertInvalid(rule, c, settings));
        }
      });
    });
  }
}

/** The same YAML with the same options and settings twice is a copy-paste slip, as in ESLint. */
function rejectDuplicates(ruleId: string, cases: readonly ValidCase[]): void {
  const seen = new Map<string, string>();
  cases.forEach((c, index) => {
    const key = JSON.stringify([
      dedent(c.yaml),
      c.options ?? {},
      c.settings ?? {},
      c.kubernetesVersion,
    ]);
    const name = c.name ?? `case #${index + 1}`;
    const other = seen.get(key);
    if (other !== undefined) {
      throw new Error(`${ruleId}: test case "${name}" duplicates "${other}"`);
    }
    seen.set(key, name);
  });
}

function assertInvalid<O, M extends string>(
  rule: Rule<O, M>,
  c: InvalidCase,
  settings: SettingsSchema | undefined,
) {
  assert.ok(c.errors.length > 0, "an invalid case must expect at least one error");
  for (const expected of c.errors) {
    assert.ok(expected.messageId in rule.meta.messages, `unknown messageId ${expected.messageId}`);
  }
  const actual = runRule(rule, c, settings);
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

/**
 * Runs one rule over YAML text through `evaluate`, as `check` does: the same positions, messages
 * and severities. The YAML must parse and hold only Kubernetes objects.
 */
export function runRule<O, M extends string>(
  rule: Rule<O, M>,
  c: ValidCase,
  settings?: SettingsSchema,
): ReportedError[] {
  const bundle = buildBundle([parseSource("test.yaml", dedent(c.yaml))]);
  assert.deepEqual(
    bundle.problems.map((p) => `${p.position.line}: ${p.message}`),
    [],
    "the case's YAML has input problems",
  );
  const policy = parsePolicy(
    { settings: c.settings ?? {}, rules: { [rule.id]: { options: c.options ?? {} } } },
    undefined,
    { packs: [{ name: "the rule's pack", ...(settings ? { settings } : {}) }] },
  );
  const { rule: recording, reportsIn } = recordMessageIds(rule as AnyRule);
  const target = c.kubernetesVersion ? { kubernetesVersion: c.kubernetesVersion } : {};
  return evaluate([recording], bundle, policy, target)
    .findings.filter((f) => f.ruleId === rule.id)
    .flatMap((f) =>
      reportsIn(f.line, f.column, f.message).map(({ messageId, message }) => ({
        messageId,
        message,
        severity: f.severity,
        line: f.line,
        column: f.column,
      })),
    )
    .sort((a, b) => a.line - b.line || a.column - b.column || (a.messageId < b.messageId ? -1 : 1));
}

/**
 * Findings carry no messageId; the rule is wrapped to note which id produced each message at
 * each place, so that cases can name ids while positions and text come from `evaluate`.
 */
function recordMessageIds(rule: AnyRule) {
  const reports = new Map<string, { messageId: string; message: string }[]>();
  const where = (line: number, column: number) => `${line}:${column}`;
  const recording = defineRule({
    ...rule,
    check(context) {
      rule.check({
        ...context,
        report(r: RuleReport) {
          const position = positionOf(r);
          const message = formatMessage(rule, r.messageId, r.data);
          const place = where(position.line, position.column);
          const here = reports.get(place) ?? [];
          if (!here.some((e) => e.message === message))
            here.push({ messageId: r.messageId, message });
          reports.set(place, here);
          context.report(r);
        },
      });
    },
  });
  /** The reports a finding stands for: one, or each message of a merged finding ("a; b"). */
  const reportsIn = (line: number, column: number, message: string) => {
    const found = (reports.get(where(line, column)) ?? []).filter(
      (e) => e.message === message || partOf(e.message, message),
    );
    return found.length ? found : [{ messageId: "(a crash: no messageId)", message }];
  };
  return { rule: recording, reportsIn };
}

function partOf(part: string, merged: string): boolean {
  return (
    merged.startsWith(`${part}; `) || merged.endsWith(`; ${part}`) || merged.includes(`; ${part}; `)
  );
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
export { askJsonLines } from "./json-lines.js";
export {
  findPlantedSecrets,
  PLANTED_BROKEN_MANIFESTS,
  PLANTED_MANIFESTS,
  PLANTED_SECRETS,
} from "./planted-secrets.js";
export { findTool } from "./tools.js";
