import { type AnyRule, ConfigurationError, didYouMean, inputRules, z } from "@scout-deploy/core";
import { securityGuideRules } from "@scout-deploy/engine";
import { parseCommandArgs, unknownSubcommand } from "../args.js";
import type { Command } from "../command.js";
import type { Io } from "../io.js";
import { help } from "./check.js";

const HELP = `Usage: scout-deploy rules <list|show> [options]

  list [--format text|json]
      Every built-in rule: id, default severity, what it wants.

  show ID [--format text|json]
      One rule: severity, what it checks, the guide's section, the fix, the kinds it judges,
      its options (with their defaults, set under policy.rules.ID.options) and its docs.
`;

const SUBCOMMANDS = ["list", "show"];

export const rulesCommand: Command = {
  name: "rules",
  summary: "list the rules, or show one (options, docs)",
  help: HELP,
  async run(argv, io) {
    const [sub, ...rest] = argv;
    if (sub === undefined || sub === "--help" || sub === "-h") return help(io, HELP);
    if (sub === "list") return list(rest, io);
    if (sub === "show") return show(rest, io);
    throw unknownSubcommand("rules", sub, SUBCOMMANDS);
  },
};

function builtInRules(): AnyRule[] {
  return [...inputRules, ...securityGuideRules].sort((a, b) => (a.id < b.id ? -1 : 1));
}

function formatFlag(command: string, argv: readonly string[]) {
  const parsed = parseCommandArgs(command, argv, { format: { type: "string" } });
  const format = parsed.values.format ?? "text";
  if (format !== "text" && format !== "json")
    throw new ConfigurationError(`${command}: --format must be text or json, not "${format}"`);
  return { ...parsed, format };
}

function list(argv: readonly string[], io: Io): number {
  const { values, positionals, format } = formatFlag("rules list", argv);
  if (values.help) return help(io, HELP);
  if (positionals.length) throw new ConfigurationError("rules list: takes no argument");
  const rules = builtInRules();
  if (format === "json") {
    io.stdout(`${JSON.stringify(rules.map(summaryOf), null, 2)}\n`);
    return 0;
  }
  const width = Math.max(...rules.map((r) => r.id.length));
  for (const rule of rules)
    io.stdout(
      `${rule.id.padEnd(width)}  ${rule.meta.severity.padEnd(7)}  ${rule.meta.description}\n`,
    );
  return 0;
}

function show(argv: readonly string[], io: Io): number {
  const { values, positionals, format } = formatFlag("rules show", argv);
  if (values.help) return help(io, HELP);
  if (positionals.length !== 1) throw new ConfigurationError("rules show: give one rule ID");
  const id = positionals[0]!;
  const rules = builtInRules();
  const rule = rules.find((r) => r.id === id);
  if (!rule) {
    const ids = rules.map((r) => r.id);
    throw new ConfigurationError(
      `rules show: unknown rule "${id}"${didYouMean(id, ids)} (scout-deploy rules list names them all)`,
    );
  }
  io.stdout(format === "json" ? `${JSON.stringify(detailOf(rule), null, 2)}\n` : describe(rule));
  return 0;
}

function summaryOf(rule: AnyRule) {
  return { id: rule.id, severity: rule.meta.severity, description: rule.meta.description };
}

function detailOf(rule: AnyRule) {
  const { meta } = rule;
  return {
    ...summaryOf(rule),
    remediation: meta.remediation,
    ...(meta.guide ? { guide: meta.guide } : {}),
    options: optionsOf(rule),
    messages: meta.messages,
    ...(meta.docs ? { docs: meta.docs } : {}),
  };
}

interface OptionDoc {
  name: string;
  type: string;
  default?: unknown;
}

/** The options' names, types and defaults, from the rule's own schema. */
function optionsOf(rule: AnyRule): OptionDoc[] {
  if (!rule.meta.options) return [];
  const schema = z.toJSONSchema(rule.meta.options, { io: "input", unrepresentable: "any" }) as {
    properties?: Record<string, { type?: string; items?: { type?: string }; default?: unknown }>;
  };
  return Object.entries(schema.properties ?? {}).map(([name, property]) => ({
    name,
    type:
      property.type === "array" ? `${property.items?.type ?? "any"}[]` : (property.type ?? "any"),
    ...(property.default !== undefined ? { default: property.default } : {}),
  }));
}

function describe(rule: AnyRule): string {
  const { meta } = rule;
  const options = optionsOf(rule);
  const lines = [
    `${rule.id} (${meta.severity})`,
    "",
    meta.description,
    "",
    `Fix:         ${meta.remediation}`,
    ...(meta.guide ? [`Guide:       ${meta.guide}`] : []),
    `Options:     ${options.length ? `(policy.rules.${rule.id}.options)` : "none"}`,
    ...options.map(
      (o) =>
        `  ${o.name}: ${o.type}${o.default !== undefined ? ` (default ${JSON.stringify(o.default)})` : ""}`,
    ),
    ...(meta.docs ? [`Docs:        ${meta.docs}`] : []),
  ];
  return `${lines.join("\n")}\n`;
}
