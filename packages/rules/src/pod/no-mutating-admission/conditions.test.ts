import { describe, expect, it } from "vitest";
import { complete, ERROR, evaluateCondition, parseCondition, UNKNOWN } from "./conditions.js";

const variables = {
  object: {
    metadata: {
      name: UNKNOWN,
      namespace: "scout",
      labels: complete({ app: "backend", "pod-template-hash": UNKNOWN }),
    },
    spec: {},
  },
  request: { operation: "CREATE", namespace: "scout", userInfo: UNKNOWN },
  params: UNKNOWN,
};

const verdict = (source: string) => {
  const parsed = parseCondition(source);
  return parsed ? evaluateCondition(parsed, variables) : "unparsed";
};

describe("the CEL subset of match conditions", () => {
  it.each([
    ["object.metadata.namespace == 'scout'", true],
    ["object.metadata.namespace != 'scout'", false],
    ["request.namespace == \"kube-system\" || request.operation == 'CREATE'", true],
    ["'app' in object.metadata.labels && !has(object.metadata.labels.tier)", true],
    ["object.metadata.labels['app'] in ['web', 'backend']", true],
    ["object.metadata.labels.app.startsWith('back')", true],
    ["has(object.metadata.labels.inject)", false],
    [
      "has(object.metadata.labels.app) && (false || object.metadata.namespace.endsWith('ut'))",
      true,
    ],
  ])("decides %s", (source, expected) => {
    expect(verdict(source)).toBe(expected);
  });

  it.each([
    "object.metadata.labels['pod-template-hash'] == '5d8f7c9b6'",
    "object.metadata.name.startsWith('backend-')",
    "request.userInfo.username == 'system:admin'",
    "has(object.spec.hostNetwork)",
    "params.enabled == true",
    "object.metadata.labels.app == 'backend' && request.userInfo.groups == ['a']",
  ])("leaves %s open: it reads what no manifest tells", (source) => {
    expect(verdict(source)).toBe(UNKNOWN);
  });

  it("a missing label key is an evaluation error, which a false side still decides", () => {
    expect(verdict("object.metadata.labels.tier == 'web'")).toBe(ERROR);
    expect(verdict("object.metadata.labels.tier == 'web' && false")).toBe(false);
    expect(verdict("object.metadata.labels.tier == 'web' || true")).toBe(true);
  });

  it.each([
    "size(object.spec.containers) > 1",
    "object.metadata.name.matches('^backend')",
    "request.operation == 'CREATE' ? true : false",
    "object.metadata.labels.exists(k, k == 'app')",
    "object.metadata.namespace ==",
  ])("does not parse %s: outside the subset", (source) => {
    expect(parseCondition(source)).toBeUndefined();
  });
});
