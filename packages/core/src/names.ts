/** What the API server accepts as names and label values (apimachinery's validation). */

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

/** Why the API server would refuse `value` as a namespace name; undefined when it accepts it. */
export function namespaceNameProblem(value: string): string | undefined {
  if (value.length <= 63 && DNS_LABEL.test(value)) return undefined;
  return `"${value}" is not a namespace name: at most 63 lower-case letters, digits and "-", starting and ending with a letter or digit`;
}

/** Why the API server would refuse `value` as an object name (a Secret's, a ConfigMap's). */
export function objectNameProblem(value: string): string | undefined {
  if (value.length <= 253 && DNS_SUBDOMAIN.test(value)) return undefined;
  return `"${value}" is not an object name: at most 253 lower-case letters, digits, "-" and ".", starting and ending with a letter or digit`;
}

/** Why the API server would refuse `value` as a label value. */
export function labelValueProblem(value: string): string | undefined {
  if (value.length <= 63 && LABEL_VALUE.test(value)) return undefined;
  return `"${value}" is not a label value: at most 63 letters, digits, "-", "_" and ".", starting and ending with a letter or digit`;
}
