import type { z } from "zod";
import type { Bundle, BundleObject } from "./bundle.js";
import type { Settings } from "./config.js";
import type { Severity } from "./model.js";

export interface RuleMeta<MessageId extends string = string> {
  severity: Severity;
  /** One sentence: what the rule wants. */
  description: string;
  /** What the user should change; shown with every finding. */
  remediation: string;
  /** Message templates by id; `{{name}}` is replaced by `data.name`. */
  messages: Readonly<Record<MessageId, string>>;
  /** The section of the Security Guide the rule enforces. */
  guide?: string;
  /** Where the rule's documentation lives (a pack may derive it from the id, see `withDocs`). */
  docs?: string;
  /** Schema of the rule's options, with their defaults. */
  options?: z.ZodType;
}

export type MessageData = Readonly<Record<string, string | number | boolean>>;

export interface RuleReport<MessageId extends string = string> {
  messageId: MessageId;
  data?: MessageData;
  /** The object that should change. */
  object: BundleObject;
  /** JSON Pointer inside the object to the offending field (or where it should be). */
  pointer?: string;
  /**
   * What tells this finding apart from the rule's other findings on the same object and field,
   * when the message data does not (or holds volatile parts): a flow, a container name. Never
   * a line number. Default: the message id and the data.
   */
  key?: string;
  /**
   * A position inside the string at `pointer` (1-based line and column in that string): a line
   * of a file a ConfigMap holds, a token of an expression. The finding goes there when the
   * manifest holds the string's lines as they are (a block scalar), else on the field.
   */
  within?: { line: number; column: number };
  /** This finding's severity when it differs from the rule's default; a user's setting wins. */
  severity?: Severity;
  /**
   * Rules that own this finding's cause (`hostNetwork: true` is pod/no-host-namespaces'): when
   * one of them reports the same object and field, this report is dropped, one cause being one
   * finding; when they are off or say nothing there, it stands.
   */
  yieldsTo?: readonly string[];
}

export interface RuleContext<Options = Record<string, unknown>, MessageId extends string = string> {
  bundle: Bundle;
  settings: Settings;
  options: Options;
  /**
   * The Kubernetes version the check targets (`--kubernetes-version`, as given); undefined for
   * the default, the newest bundled one. What the API server refuses may depend on it.
   */
  kubernetesVersion?: string | undefined;
  /**
   * The options the policy gives another rule, after that rule's schema (its defaults where the
   * policy sets none), whether it runs or is off; the policy's raw options for a rule the run does
   * not know. For a rule that judges by another's table (no-broad-peers by allowed-flows' intended
   * flows), so that one setting serves both.
   */
  ruleOptions(ruleId: string): Record<string, unknown>;
  report(report: RuleReport<MessageId>): void;
}

export interface Rule<Options = Record<string, unknown>, MessageId extends string = string> {
  id: string;
  meta: RuleMeta<MessageId>;
  check(context: RuleContext<Options, MessageId>): void;
}

/**
 * What `defineRule` takes: the options' type comes from `meta.options`, the message ids from the
 * keys of `meta.messages`, so `report({ messageId })` with a misspelt id does not compile.
 */
export interface RuleDefinition<MessageId extends string, Schema extends z.ZodType> {
  id: string;
  meta: Omit<RuleMeta<MessageId>, "options"> & { options?: Schema };
  check(context: RuleContext<z.output<Schema>, NoInfer<MessageId>>): void;
}

// biome-ignore lint/suspicious/noExplicitAny: a list of rules holds rules of any option type.
export type AnyRule = Rule<any, string>;

const RULE_ID = /^[a-z0-9]+(?:-[a-z0-9]+)*(?:\/[a-z0-9]+(?:-[a-z0-9]+)*)+$/;

export function defineRule<
  MessageId extends string,
  Schema extends z.ZodType = z.ZodType<Record<string, unknown>>,
>(rule: RuleDefinition<MessageId, Schema>): Rule<z.output<Schema>, MessageId> {
  if (!RULE_ID.test(rule.id)) {
    throw new Error(`rule id "${rule.id}" is not of the form area/name in kebab-case`);
  }
  const problem = metaProblem(rule as unknown as Record<string, unknown>);
  if (problem) throw new Error(`rule ${rule.id} ${problem}`);
  return Object.freeze({ ...rule, meta: Object.freeze({ ...rule.meta }) }) as Rule<
    z.output<Schema>,
    MessageId
  >;
}

const SEVERITIES: readonly unknown[] = ["error", "warning", "info"];

/**
 * What is wrong with a rule's shape, in words. A rule pack is often plain JavaScript, so the
 * types alone do not keep a missing `remediation` from failing later as a TypeError.
 */
function metaProblem(rule: Record<string, unknown>): string | undefined {
  const meta = rule.meta as Record<string, unknown> | undefined;
  if (typeof meta !== "object" || meta === null) return "has no meta";
  if (typeof rule.check !== "function") return "has no check function";
  if (!SEVERITIES.includes(meta.severity))
    return `has meta.severity ${JSON.stringify(meta.severity)}; expected "error", "warning" or "info"`;
  for (const key of ["description", "remediation"] as const) {
    const text = meta[key];
    if (typeof text !== "string" || !text.trim()) return `has no meta.${key} (a non-empty string)`;
  }
  const messages = meta.messages as Record<string, unknown> | undefined;
  if (typeof messages !== "object" || messages === null || Object.keys(messages).length === 0)
    return "declares no messages";
  const notText = Object.keys(messages).find((id) => typeof messages[id] !== "string");
  if (notText !== undefined) return `has meta.messages.${notText} that is not a string`;
  return undefined;
}

/** The rule with its docs URL derived from its id, for a pack whose docs follow its ids. */
export function withDocs<R extends AnyRule>(rule: R, docsOf: (id: string) => string): R {
  return Object.freeze({ ...rule, meta: Object.freeze({ ...rule.meta, docs: docsOf(rule.id) }) });
}

export function formatMessage(rule: AnyRule, messageId: string, data: MessageData = {}): string {
  const template = (rule.meta.messages as Readonly<Record<string, string>>)[messageId];
  if (template === undefined) {
    throw new Error(`rule ${rule.id} reported unknown messageId "${messageId}"`);
  }
  return template.replace(/\{\{\s*(\w+)\s*\}\}/g, (whole, key: string) =>
    key in data ? String(data[key]) : whole,
  );
}
