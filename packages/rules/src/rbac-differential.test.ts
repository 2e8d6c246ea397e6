import { buildBundle, evaluate, type Finding, parsePolicy, parseSource } from "@scout-deploy/core";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ESCALATION_PATHS } from "./rbac/no-dangerous-verbs/rule.js";
import { securityGuidePack, securityGuideRules } from "./registry.js";
import { NON_AGGREGATED_BUILT_INS } from "./support/built-in-roles.js";
import {
  DANGERS,
  type Danger,
  OVERRIDDEN_BUILT_INS,
  RBAC_GROUP,
  type RbacObject,
  rbacCase,
  SCOUT,
} from "./test-support/rbac-cases.js";
import {
  askOracle,
  findRbacOracle,
  INSTALL_HINT,
  type OracleCase,
  type Request,
} from "./test-support/rbac-oracle.js";

/**
 * The rbac/* rules must report exactly what the Kubernetes RBAC authorizer grants. A seeded
 * generator writes Roles, ClusterRoles (aggregated too) and bindings; scripts/rbac-oracle (the
 * v1.37.2 authorizer, bootstrap roles, aggregation and API-server validation) says what each
 * grants, and every finding, or missing finding, of ours is compared with it.
 * RBAC_DIFF_SEED and RBAC_DIFF_CASES rerun one corpus or make it larger.
 */
/** The authorizer's version: the rules judge the same cluster (get on pods/exec opens nothing there). */
const ORACLE_VERSION = "1.37.2";
const SEED = Number(process.env.RBAC_DIFF_SEED ?? 20_261_207);
const CASES = Number(process.env.RBAC_DIFF_CASES ?? 500);
const oracle = findRbacOracle();
const NO_ORACLE = `rbac-oracle is not installed (${INSTALL_HINT} builds it)`;
const RBAC_RULES = securityGuideRules.filter((rule) => rule.id.startsWith("rbac/"));

const HEADER = `apiVersion: v1
kind: Namespace
metadata: {name: ${SCOUT}}
---
apiVersion: v1
kind: ServiceAccount
metadata: {name: scout-backend, namespace: ${SCOUT}}
`;

function ourFindings(objects: readonly unknown[]): Finding[] {
  const text = [HEADER, ...objects.map((o) => JSON.stringify(o))].join("\n---\n");
  const bundle = buildBundle([parseSource("rbac.yaml", text)]);
  const policy = parsePolicy({}, undefined, { packs: [securityGuidePack] });
  return evaluate(RBAC_RULES, bundle, policy, { kubernetesVersion: ORACLE_VERSION }).findings;
}

const idOf = (o: { kind?: string; name?: string; namespace?: string }) =>
  `${o.kind}/${o.namespace ?? ""}/${o.name}`;
const objectId = (o: RbacObject) =>
  idOf({
    kind: o.kind,
    name: o.metadata.name,
    namespace: (o.metadata as { namespace?: string }).namespace,
  });

/** What one message of a finding names: the aggregated built-in, the verb or resource. */
function detailOf(ruleId: string, message: string): string {
  if (ruleId !== "rbac/no-dangerous-verbs") return "";
  if (message.includes(" aggregates the built-in ")) return "aggregated";
  if (message.includes(" binds the built-in ")) return "built-in";
  const path = Object.entries(ESCALATION_PATHS).find(([, sentence]) =>
    message.endsWith(`: ${sentence}`),
  );
  if (path) return path[0];
  const match = /grants "([^"]+)"(?: on (\S+))?/.exec(message);
  return match?.[2] ?? match?.[1] ?? message;
}

/** A finding on a subject's field (its name, kind or namespace) is about that subject. */
const subjectOf = (path: string) => path.replace(/^(\/subjects\/\d+)\/.*$/, "$1");

/** The engine merges the messages of one rule on one field into one finding: one key each. */
const keysOf = (finding: Finding) =>
  finding.message
    .split("; ")
    .map((message) =>
      message.includes("the API server refuses")
        ? `refused|${idOf(finding.object ?? {})}`
        : [
            finding.ruleId,
            idOf(finding.object ?? {}),
            subjectOf(finding.path ?? ""),
            detailOf(finding.ruleId, message),
          ].join("|"),
    );

interface PendingRequest {
  request: Request;
  answer?: boolean;
}

/** Requests that stand for a danger: a name from the rule's resourceNames where a name is enough. */
function dangerRequests(
  danger: Danger,
  resourceNames: readonly string[],
  resources: readonly string[] = [],
): Request[] {
  const names = danger.unnamed
    ? [""]
    : (danger.requestNames ?? [
        danger.anyName ? "zz-unlisted" : (resourceNames.find((n) => n !== "") ?? "any"),
      ]);
  // Every key of user extras can be impersonated: ask for each subresource the rule names too.
  const extras = danger.targets.some((t) => t.resource === "userextras")
    ? resources.flatMap((r) => {
        const sub = r.split("/")[1];
        return sub
          ? [{ apiGroup: "authentication.k8s.io", resource: "userextras", subresource: sub }]
          : [];
      })
    : [];
  return [...danger.targets, ...extras].flatMap((t) =>
    names.map((name) => ({ verb: danger.verb, ...t, name })),
  );
}

const FUTURE = { verb: "futureverb", apiGroup: "future.example.com", resource: "futures" };

/** Each entry of a rule alone, with the other fields open: does it match what does not exist yet? */
function wildcardProbes(field: string, value: string) {
  switch (field) {
    case "verbs":
      return { rule: { verbs: [value], apiGroups: ["*"], resources: ["*"] }, request: FUTURE };
    case "apiGroups":
      return { rule: { verbs: ["*"], apiGroups: [value], resources: ["*"] }, request: FUTURE };
    case "resources":
      return { rule: { verbs: ["*"], apiGroups: ["*"], resources: [value] }, request: FUTURE };
    default:
      return {
        rule: { verbs: ["*"], nonResourceURLs: [value] },
        request: { verb: "get", path: "/future/path" },
      };
  }
}

const accountOf = (namespace: string, name: string) => ({
  user: `system:serviceaccount:${namespace}:${name}`,
  groups: ["system:serviceaccounts", `system:serviceaccounts:${namespace}`, "system:authenticated"],
  account: { namespace, name },
});

/** Who could hold a binding's subject: accounts here and elsewhere, a user, a group member, anonymous. */
const PEOPLE = [
  ...[SCOUT, "other"].flatMap((ns) =>
    ["scout-backend", "scout-worker", "default"].map((name) => accountOf(ns, name)),
  ),
  { user: "alice", groups: ["system:authenticated"], account: undefined },
  { user: "bob", groups: ["scout-admins", "system:authenticated"], account: undefined },
  { user: "system:anonymous", groups: ["system:unauthenticated"], account: undefined },
];

const PROBE_ALL = {
  apiVersion: `${RBAC_GROUP}/v1`,
  kind: "ClusterRole",
  metadata: { name: "probe-all" },
  rules: [{ apiGroups: ["*"], resources: ["*"], verbs: ["*"] }],
};

describe("rbac/* rules against the Kubernetes v1.37.2 RBAC authorizer", () => {
  it.runIf(!oracle && process.env.CI === "true")("has rbac-oracle in CI", () => {
    expect.fail(NO_ORACLE);
  });
  if (!oracle) console.warn(`rbac differential skipped: ${NO_ORACLE}`);

  it.skipIf(!oracle)(
    "reports a binding to a built-in ClusterRole exactly when the bootstrap role grants a danger",
    () => {
      const first = askOracle(oracle!, []);
      const names = first.bootstrapRoles.map((r) => r.name);
      const plain = first.bootstrapRoles.filter((r) => !r.aggregated).map((r) => r.name);
      expect(new Set(NON_AGGREGATED_BUILT_INS)).toEqual(new Set(plain));
      // A RoleBinding grants nothing on cluster-scoped resources: some built-ins are risky only
      // through a ClusterRoleBinding.
      for (const kind of ["RoleBinding", "ClusterRoleBinding"]) {
        const risky = riskyBuiltIns(names, kind);
        const bindings = names.map((name, i) => ({
          apiVersion: `${RBAC_GROUP}/v1`,
          kind,
          metadata: { name: `b${i}`, ...(kind === "RoleBinding" ? { namespace: SCOUT } : {}) },
          roleRef: { apiGroup: RBAC_GROUP, kind: "ClusterRole", name },
          subjects: [{ kind: "ServiceAccount", name: "scout-backend", namespace: SCOUT }],
        }));
        const reported = ourFindings(bindings)
          .filter((f) => keysOf(f).some((k) => k.endsWith("|built-in")))
          .map((f) => names[Number(f.object?.name?.slice(1))]);
        console.log(
          `rbac differential: ${risky.length} of ${names.length} built-in ClusterRoles grant a danger through a ${kind}`,
        );
        expect({ kind, reported: [...new Set(reported)].sort() }).toEqual({
          kind,
          reported: [...risky].sort(),
        });
      }
    },
  );

  it.skipIf(!oracle)(
    "reports an aggregation selector exactly when it pulls a dangerous built-in's rules",
    () => {
      const { bootstrapRoles } = askOracle(oracle!, []);
      const labels = new Map<string, string>();
      for (const role of bootstrapRoles)
        for (const [k, v] of Object.entries(role.labels)) labels.set(`${k}=${v}`, k);
      const selectors = [
        {},
        ...[...labels.keys()].map((kv) => ({ matchLabels: Object.fromEntries([kv.split("=")]) })),
        ...[...new Set(labels.values())].map((key) => ({
          matchExpressions: [{ key, operator: "DoesNotExist" }],
        })),
      ];
      const aggregated = selectors.map((selector, i) => ({
        apiVersion: `${RBAC_GROUP}/v1`,
        kind: "ClusterRole",
        metadata: { name: `agg${i}` },
        aggregationRule: { clusterRoleSelectors: [selector] },
        rules: [],
      }));
      const cases = aggregated.map((role) => grantCase([role], role.metadata.name, "ClusterRole"));
      const output = askOracle(oracle!, cases);
      const expected = aggregated
        .filter((_, i) => output.cases[i]!.answers.some(Boolean))
        .map((r) => r.metadata.name);
      const reported = ourFindings(aggregated)
        .filter((f) => keysOf(f).some((k) => k.endsWith("|aggregated")))
        .map((f) => f.object?.name);
      expect(new Set(reported)).toEqual(new Set(expected));
    },
  );

  it.skipIf(!oracle)(
    `reports every dangerous grant, wildcard and subject the authorizer sees (seed ${SEED}, ${CASES} cases)`,
    () => {
      const cases = fc.sample(rbacCase, { numRuns: CASES, seed: SEED }).map(distinct);
      const divergences: string[] = [];
      let questions = 0;
      const oracleCases: OracleCase[] = [];
      const checks: Array<() => void> = [];
      for (const objects of cases) {
        const expected: string[] = [];
        const owned = new Set<string>();
        const caseIndex = oracleCases.length;
        const whole: OracleCase = { objects, bootstrap: true, rules: [], ruleQuestions: [] };
        oracleCases.push(whole);
        const pending: Array<{ at: number; key: string; requests: PendingRequest[] }> = [];
        const ask = (rule: Record<string, unknown>, requests: Request[], key: string) => {
          const ruleIndex = whole.rules!.length;
          whole.rules!.push(rule);
          const entries = requests.map((request) => {
            whole.ruleQuestions!.push({ ...request, rule: ruleIndex });
            return { request };
          });
          pending.push({
            at: whole.ruleQuestions!.length - entries.length,
            key,
            requests: entries,
          });
        };
        const subjectChecks: Array<{ key: string; at: number; adds?: boolean }> = [];
        for (const object of objects) {
          const id = objectId(object);
          if ("rules" in object) {
            owned.add(id);
            // A Role's rules apply in its namespace alone: where that matters, ask the authorizer
            // through a RoleBinding of it (the rule alone) rather than the rule's match.
            const askBound: Ask = (rule, requests, key, clusterScoped) => {
              const at = oracleCases.length;
              oracleCases.push(boundRuleCase(object, rule, requests, clusterScoped ?? false));
              subjectChecks.push({ key, at });
            };
            object.rules.forEach((rule, i) => {
              askRuleQuestions(
                rule as RuleShape,
                i,
                id,
                ask,
                object.kind === "Role" ? askBound : ask,
              );
            });
            const selectors =
              (object as { aggregationRule?: { clusterRoleSelectors: unknown[] } }).aggregationRule
                ?.clusterRoleSelectors ?? [];
            // The role itself with this selector alone, against the role without it: does the
            // selector add a danger? (A built-in's name keeps its reconciled rules and selectors.)
            const others = builtInOverrides(objects.filter((o) => o !== object));
            const alone = (selector?: unknown) => ({
              ...object,
              rules: [],
              aggregationRule: selector ? { clusterRoleSelectors: [selector] } : undefined,
            });
            selectors.forEach((selector, j) => {
              const at = oracleCases.length;
              oracleCases.push(
                grantCase([...others, alone(selector)], object.metadata.name, "ClusterRole"),
              );
              oracleCases.push(
                grantCase([...others, alone()], object.metadata.name, "ClusterRole"),
              );
              subjectChecks.push({
                key: `rbac/no-dangerous-verbs|${id}|/aggregationRule/clusterRoleSelectors/${j}|aggregated`,
                at,
                adds: true,
              });
            });
          } else {
            owned.add(id);
            bindingChecks(objects, object, id, expected, subjectChecks, oracleCases);
          }
        }
        checks.push(() => {
          const answer = output!.cases[caseIndex]!;
          const refused = new Set(answer.refused.map((r) => r.index));
          const refusedIds = new Set(objects.filter((_, i) => refused.has(i)).map(objectId));
          for (const p of pending) {
            const allowed = p.requests.some((_, k) => answer.ruleAnswers[p.at + k]);
            questions += p.requests.length;
            if (allowed && !refusedIds.has(p.key.split("|")[1]!)) expected.push(p.key);
          }
          for (const check of subjectChecks) {
            if (refusedIds.has(check.key.split("|")[1]!)) continue;
            const sub = output!.cases[check.at]!;
            questions += sub.answers.length;
            if (sub.refused.length > 0) continue;
            const without = check.adds ? output!.cases[check.at + 1]!.answers : [];
            if (sub.answers.some((a, i) => a && !without[i])) expected.push(check.key);
          }
          for (const r of answer.refused) {
            const object = objects[r.index]!;
            if (/subjects\[\d+\]/.test(r.reason)) expected.push(`refused|${objectId(object)}`);
          }
          const ours = [
            ...new Set(
              ourFindings(objects)
                .filter((f) => owned.has(idOf(f.object ?? {})))
                .flatMap(keysOf),
            ),
          ];
          const oursForValid = ours.filter((k) => {
            const id = k.startsWith("refused|") ? k.slice(8) : k.split("|")[1]!;
            return !refusedIds.has(id) || k.startsWith("refused|");
          });
          // A refused object is not in the cluster: only its refusal is expected.
          const wanted = [...new Set(expected)].filter(
            (k) => k.startsWith("refused|") || !refusedIds.has(k.split("|")[1]!),
          );
          const missing = difference(wanted, oursForValid);
          const extra = difference(oursForValid, wanted);
          if (missing.length > 0 || extra.length > 0) {
            divergences.push(
              `${JSON.stringify(objects)}\n  missing (cluster grants, we do not report): ${missing.join(", ") || "-"}\n  extra (we report, cluster does not grant): ${extra.join(", ") || "-"}`,
            );
          }
        });
      }
      const started = Date.now();
      const output = askOracle(oracle!, oracleCases);
      const oracleMs = Date.now() - started;
      for (const check of checks) check();
      console.log(
        `rbac differential: ${cases.length} cases, ${questions} authorizer questions, seed ${SEED}; oracle ${oracleMs} ms, ours ${Date.now() - started - oracleMs} ms; ${divergences.length} divergent`,
      );
      expect(divergences.slice(0, 5).join("\n\n")).toBe("");
    },
    120_000,
  );
});

interface RuleShape {
  verbs?: string[];
  apiGroups?: string[];
  resources?: string[];
  resourceNames?: string[];
  nonResourceURLs?: string[];
}

const BUILT_IN_NAMES = new Set(OVERRIDDEN_BUILT_INS);

/**
 * What the built-ins bring in this input: its ClusterRoles named like one, without their written
 * rules and selectors (judged where they are written), as the API server reconciles them.
 */
function builtInOverrides(objects: RbacObject[]): Record<string, unknown>[] {
  return objects
    .filter((r) => r.kind === "ClusterRole" && BUILT_IN_NAMES.has(r.metadata.name))
    .map((r) => ({ ...r, rules: [], aggregationRule: undefined }));
}

function askRuleQuestions(rule: RuleShape, index: number, id: string, ask: Ask, askScoped: Ask) {
  for (const field of ["verbs", "apiGroups", "resources", "nonResourceURLs"] as const) {
    (rule[field] ?? []).forEach((value, j) => {
      const probe = wildcardProbes(field, value);
      ask(probe.rule, [probe.request], `rbac/no-wildcards|${id}|/rules/${index}/${field}/${j}|`);
    });
  }
  if (!rule.resources) return;
  (rule.verbs ?? []).forEach((verb, j) => {
    if (verb === "*") return; // rbac/no-wildcards' alone
    // Several dangers may share a key (escalate on roles and on clusterroles): any one is the finding.
    for (const danger of DANGERS.filter((d) => d.verb === verb)) {
      const escalating = danger.names === verb;
      // A grant only through a "*" resource is rbac/no-wildcards' finding; a named escalating verb is the cause itself.
      const resources = escalating ? rule.resources! : rule.resources!.filter((r) => r !== "*");
      const key = `rbac/no-dangerous-verbs|${id}|/rules/${index}/verbs/${j}|${danger.names}`;
      const requests = dangerRequests(danger, rule.resourceNames ?? [], resources);
      const scoped = danger.clusterScoped || danger.names === "namespaces";
      const asked = { ...rule, verbs: [verb], resources };
      if (scoped) askScoped(asked, requests, key, danger.clusterScoped ?? false);
      else ask(asked, requests, key);
    }
  });
}

type Ask = (
  rule: Record<string, unknown>,
  requests: Request[],
  key: string,
  clusterScoped?: boolean,
) => void;

/**
 * A Role of one rule bound to `user probe` in its namespace, asked the requests as the API server
 * makes them: a cluster-scoped resource with no namespace, a Namespace with its own name as the
 * namespace (RequestInfo), here the Role's, for the Role can reach no other.
 */
function boundRuleCase(
  role: RbacObject,
  rule: Record<string, unknown>,
  requests: Request[],
  clusterScoped: boolean,
) {
  const namespace = (role.metadata as { namespace?: string }).namespace ?? SCOUT;
  const binding = {
    apiVersion: `${RBAC_GROUP}/v1`,
    kind: "RoleBinding",
    metadata: { name: "probe", namespace },
    roleRef: { apiGroup: RBAC_GROUP, kind: "Role", name: role.metadata.name },
    subjects: [{ kind: "User", apiGroup: RBAC_GROUP, name: "probe" }],
  };
  const questions = requests.map((r) => ({
    ...r,
    ...(r.resource === "namespaces"
      ? { namespace, name: namespace }
      : { namespace: clusterScoped ? "" : namespace }),
    user: "probe",
    groups: [],
  }));
  return { objects: [{ ...role, rules: [rule] }, binding], questions };
}

/**
 * A case where `user probe` holds only the named role, through a ClusterRoleBinding or a
 * RoleBinding in the Scout namespace, asked every danger in the Scout namespace and cluster-wide
 * (a request on a Namespace has its own name as its namespace).
 */
function grantCase(
  objects: Record<string, unknown>[],
  role: string,
  kind: string,
  bindingKind = "ClusterRoleBinding",
): OracleCase {
  const binding = {
    apiVersion: `${RBAC_GROUP}/v1`,
    kind: bindingKind,
    metadata: { name: "probe", ...(bindingKind === "RoleBinding" ? { namespace: SCOUT } : {}) },
    roleRef: { apiGroup: RBAC_GROUP, kind, name: role },
    subjects: [{ kind: "User", apiGroup: RBAC_GROUP, name: "probe" }],
  };
  // The API server asks about a cluster-scoped resource with no namespace.
  const questions = DANGERS.flatMap((d) =>
    dangerRequests(d, []).map((r) => ({ r, namespaces: d.clusterScoped ? [""] : [SCOUT, ""] })),
  ).flatMap(({ r, namespaces }) =>
    namespaces.map((namespace) => ({
      ...r,
      ...(r.resource === "namespaces" ? { namespace: SCOUT, name: SCOUT } : { namespace }),
      user: "probe",
      groups: [],
    })),
  );
  return { objects: [...objects, binding], bootstrap: true, questions };
}

function riskyBuiltIns(names: string[], bindingKind: string): string[] {
  const output = askOracle(
    oracle!,
    names.map((name) => grantCase([], name, "ClusterRole", bindingKind)),
  );
  return names.filter((_, i) => output.cases[i]!.answers.some(Boolean));
}

function bindingChecks(
  roles: RbacObject[],
  binding: Extract<RbacObject, { roleRef: unknown }>,
  id: string,
  expected: string[],
  checks: Array<{ key: string; at: number; adds?: boolean }>,
  oracleCases: OracleCase[],
) {
  const cluster = binding.kind === "ClusterRoleBinding";
  const namespace = (binding.metadata as { namespace?: string }).namespace;
  if (!cluster && namespace !== SCOUT)
    expected.push(`rbac/namespace-scoped|${id}|/metadata/namespace|`);
  if (binding.roleRef.kind === "ClusterRole") {
    // What the built-in itself brings: the input's role of that name without its written rules
    // (those are judged where they are written), as the API server reconciles it.
    const overrides = builtInOverrides(roles);
    const at = oracleCases.length;
    oracleCases.push(grantCase(overrides, binding.roleRef.name, "ClusterRole", binding.kind));
    checks.push({ key: `rbac/no-dangerous-verbs|${id}|/roleRef/name|built-in`, at });
  }
  binding.subjects.forEach((subject, s) => {
    // The subject alone, bound to a role that grants everything: whom does it reach?
    const alone = {
      ...binding,
      roleRef: { apiGroup: RBAC_GROUP, kind: "ClusterRole", name: "probe-all" },
      subjects: [subject],
    };
    const asked = (people: typeof PEOPLE) =>
      people.map((p) => ({
        user: p.user,
        groups: p.groups,
        namespace: namespace ?? SCOUT,
        ...FUTURE,
      }));
    const scoutAccounts = PEOPLE.filter((p) => p.account?.namespace === SCOUT);
    if (cluster || binding.roleRef.kind === "ClusterRole") {
      const at = oracleCases.length;
      oracleCases.push({ objects: [PROBE_ALL, alone], questions: asked(scoutAccounts) });
      const pointer = cluster ? `/subjects/${s}` : "/roleRef/kind";
      checks.push({ key: `rbac/namespace-scoped|${id}|${pointer}|`, at });
    }
    const inScout = !cluster && namespace === SCOUT;
    const outsiders = PEOPLE.filter(
      (p) =>
        !p.account || p.account.name === "default" || (inScout && p.account.namespace !== SCOUT),
    );
    const at = oracleCases.length;
    oracleCases.push({ objects: [PROBE_ALL, alone], questions: asked(outsiders) });
    checks.push({ key: `rbac/minimal-subjects|${id}|/subjects/${s}|`, at });
  });
}

/** The later of two objects of one kind, namespace and name replaces the first, as in the cluster. */
function distinct(c: { roles: RbacObject[]; bindings: RbacObject[] }): RbacObject[] {
  const byId = new Map<string, RbacObject>();
  for (const o of [...c.roles, ...c.bindings]) {
    byId.delete(objectId(o));
    byId.set(objectId(o), o);
  }
  return [...byId.values()];
}

function difference(a: string[], b: string[]): string[] {
  const rest = [...b];
  return a.filter((x) => {
    const i = rest.indexOf(x);
    if (i < 0) return true;
    rest.splice(i, 1);
    return false;
  });
}
