import type { z } from "zod";
import type { Bundle, BundleObject } from "./bundle.js";
import type { Settings } from "./config.js";
import type { Severity } from "./model.js";

export interface RuleMeta {
  severity: Severity;
  /** One sentence: what the rule wants. */
  description: string;
  /** What the user should change; shown with every finding. */
  remediation: string;
  /** Kinds the rule judges; "PodTemplate" stands for every kind that holds a pod spec. */
  appliesTo: readonly string[];
  /** Message templates by id; `{{name}}` is replaced by `data.name`. */
  messages: Readonly<Record<string, string>>;
  /** The section of the Security Guide the rule enforces. */
  guide?: string;
  /** Where the rule's documentation lives. */
  docs?: string;
  /** Schema of the rule's options, with their defaults. */
  options?: z.ZodType;
}

export type MessageData = Readonly<Record<string, string | number | boolean>>;

export interface RuleReport {
  messageId: string;
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
  /** This finding's severity when it differs from the rule's default; a user's setting wins. */
  severity?: Severity;
}

export interface RuleContext<Options = Record<string, unknown>> {
  bundle: Bundle;
  settings: Settings;
  options: Options;
  report(report: RuleReport): void;
}

export interface Rule<Options = Record<string, unknown>> {
  id: string;
  meta: RuleMeta;
  check(context: RuleContext<Options>): void;
}

// biome-ignore lint/suspicious/noExplicitAny: a list of rules holds rules of any option type.
export type AnyRule = Rule<any>;

const RULE_ID = /^[a-z0-9]+(?:-[a-z0-9]+)*(?:\/[a-z0-9]+(?:-[a-z0-9]+)*)+$/;

export function defineRule<Options = Record<string, unknown>>(rule: Rule<Options>): Rule<Options> {
  if (!RULE_ID.test(rule.id)) {
    throw new Error(`rule id "${rule.id}" is not of the form area/name in kebab-case`);
  }
  if (Object.keys(rule.meta.messages).length === 0) {
    throw new Error(`rule ${rule.id} declares no messages`);
  }
  if (!rule.meta.remediation.trim()) throw new Error(`rule ${rule.id} has no remediation`);
  return Object.freeze({ ...rule, meta: Object.freeze({ ...rule.meta }) });
}

export function formatMessage(rule: AnyRule, messageId: string, data: MessageData = {}): string {
  const template = rule.meta.messages[messageId];
  if (template === undefined) {
    throw new Error(`rule ${rule.id} reported unknown messageId "${messageId}"`);
  }
  return template.replace(/\{\{\s*(\w+)\s*\}\}/g, (whole, key: string) =>
    key in data ? String(data[key]) : whole,
  );
}
