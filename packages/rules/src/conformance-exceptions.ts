/**
 * Peer conformance cases (../shared/conformance/peers/manifest.json) where our rule deliberately
 * differs from the case's `expect`. Each id is `<file>#<Kind>/<name>` and is named, with the
 * reason, in the rule's README; the conformance test fails when an entry is stale.
 */
export interface ConformanceException {
  rule: string;
  case: string;
  reason: string;
}

export const conformanceExceptions: readonly ConformanceException[] = [
  {
    rule: "workload/namespace",
    case: "kyverno/disallow-default-namespace/resource.yaml#Deployment/baddeployment01",
    reason:
      "rules.md Scope: with no configured namespace and no single Namespace object, only an explicit namespace: default is reported",
  },
];
