const RULES_DOCS = "https://github.com/scout/secure-deploy/blob/main/packages/rules/src";

/** Where a rule's README lives on GitHub; the folder of a rule is its id. */
export function docsUrl(ruleId: string): string {
  return `${RULES_DOCS}/${ruleId}/README.md`;
}
