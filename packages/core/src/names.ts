/**
 * The identifier formats the API server enforces (k8s.io/apimachinery/pkg/util/validation).
 * Each returns the reason a value is refused, or undefined when it is accepted. Reasons name
 * the format, never the value: a label value can be anything a user put there.
 */

const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const QUALIFIED_NAME_PART = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

/** IsDNS1123Label: at most 63 characters of [a-z0-9-], starting and ending alphanumeric. */
export function dns1123LabelProblem(value: string): string | undefined {
  if (value.length > 63) return "is longer than 63 characters (a DNS-1123 label)";
  if (!DNS1123_LABEL.test(value))
    return "is no DNS-1123 label (lower-case letters, digits and '-', starting and ending with a letter or digit)";
  return undefined;
}

/** IsDNS1123Subdomain: at most 253 characters, dot-separated DNS-1123 labels. */
export function dns1123SubdomainProblem(value: string): string | undefined {
  if (value.length > 253) return "is longer than 253 characters (a DNS-1123 subdomain)";
  if (!DNS1123_SUBDOMAIN.test(value))
    return "is no DNS-1123 subdomain (lower-case letters, digits, '-' and '.', starting and ending with a letter or digit)";
  return undefined;
}

/** IsQualifiedName, the format of label and annotation keys: an optional DNS prefix and "/", then a name of at most 63 characters. */
export function qualifiedNameProblem(value: string): string | undefined {
  const parts = value.split("/");
  if (parts.length > 2) return "is no qualified name (at most one '/')";
  const name = parts.length === 2 ? parts[1]! : parts[0]!;
  if (parts.length === 2) {
    const prefix = parts[0]!;
    if (prefix.length === 0) return "has an empty prefix before '/'";
    const prefixProblem = dns1123SubdomainProblem(prefix);
    if (prefixProblem) return `has a prefix that ${prefixProblem}`;
  }
  if (name.length === 0) return "has an empty name";
  if (name.length > 63) return "has a name longer than 63 characters";
  if (!QUALIFIED_NAME_PART.test(name))
    return "has a name that is not letters, digits, '-', '_' and '.', starting and ending with a letter or digit";
  return undefined;
}

/** IsValidLabelValue: empty, or at most 63 characters of [A-Za-z0-9-_.] starting and ending alphanumeric. */
export function labelValueProblem(value: string): string | undefined {
  if (value.length > 63) return "is longer than 63 characters";
  if (!LABEL_VALUE.test(value))
    return "is not letters, digits, '-', '_' and '.', starting and ending with a letter or digit";
  return undefined;
}

/**
 * IsValidPortName (IANA_SVC_NAME): 1 to 15 characters of [a-z0-9-], at least one letter, no
 * leading, trailing or doubled hyphen.
 */
export function portNameProblem(value: string): string | undefined {
  if (value.length < 1 || value.length > 15) return "is not 1 to 15 characters long";
  if (!/^[a-z0-9-]+$/.test(value))
    return "has characters other than lower-case letters, digits and '-'";
  if (!/[a-z]/.test(value)) return "has no letter";
  if (value.includes("--") || value.startsWith("-") || value.endsWith("-"))
    return "starts, ends or doubles '-'";
  return undefined;
}

const FORMATS = {
  "namespace name": dns1123LabelProblem,
  "object name": dns1123SubdomainProblem,
  "label value": labelValueProblem,
} as const;

/**
 * Why the API server would refuse a value the user typed (a flag), quoting it: `"Prod" is not a
 * namespace name: it is no DNS-1123 label (...)`. Never for values read from manifests.
 */
export function typedNameProblem(what: keyof typeof FORMATS, value: string): string | undefined {
  const problem = FORMATS[what](value);
  const article = /^[aeiou]/.test(what) ? "an" : "a";
  return problem && `${JSON.stringify(value)} is not ${article} ${what}: it ${problem}`;
}

/**
 * What the API server refuses in one label (ValidateLabels): the key as a qualified name, else
 * the value as a label value; undefined when both pass. Callers word it for their message.
 */
export function labelProblem(
  key: string,
  value: unknown,
): { part: "key" | "value"; problem: string } | undefined {
  const keyProblem = qualifiedNameProblem(key);
  if (keyProblem) return { part: "key", problem: keyProblem };
  const valueProblem = typeof value === "string" ? labelValueProblem(value) : undefined;
  return valueProblem ? { part: "value", problem: valueProblem } : undefined;
}

/** ValidateAnnotations: the key is a qualified name once lower-cased (an upper-case prefix passes). */
export function annotationKeyProblem(key: string): string | undefined {
  return qualifiedNameProblem(key.toLowerCase());
}
