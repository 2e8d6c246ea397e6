import { buildBundle, type Finding, parseSource } from "@scout-deploy/core";
import { securityGuideRules } from "@scout-deploy/rules";
import { describe, expect, it } from "vitest";
import { parseConfigText } from "../../config-file.js";
import { policyWeakenings } from "../../policy-diff.js";
import { policyWeakened } from "./rule.js";

const rules = [...securityGuideRules, policyWeakened];
const empty = buildBundle([]);

function weakenings(base: string, head: string, bundles = { base: empty, head: empty }): Finding[] {
  return policyWeakenings(
    {
      config: parseConfigText("/r/scout-deploy.yaml", base, "scout-deploy.yaml"),
      bundle: bundles.base,
    },
    {
      config: parseConfigText("/r/scout-deploy.yaml", head, "scout-deploy.yaml"),
      bundle: bundles.head,
    },
    rules,
  );
}

const summary = (findings: Finding[]) =>
  findings.map((f) => `${f.line} ${f.severity} ${f.message}`);

describe("policy/weakened", () => {
  it("reports a rule turned off at its line, and an area lowered once for all its rules", () => {
    const found = weakenings(
      "policy: {}\n",
      'policy:\n  rules:\n    pod/run-as-non-root: "off"\n    rbac/*: info\n',
    );
    expect(found.map((f) => f.line)).toEqual([3, 4]);
    expect(found[0]!.message).toBe(
      'policy.rules."pod/run-as-non-root" lowers 1 rule(s) the base ran higher: pod/run-as-non-root',
    );
    expect(found[1]!.message).toMatch(/^policy\.rules\."rbac\/\*" lowers \d+ rule\(s\)/);
    expect(found.every((f) => f.severity === "error" && f.ruleId === "policy/weakened")).toBe(true);
  });

  it("reports a suppression widened to more objects, not one the base already had", () => {
    const base =
      "policy:\n  suppressions:\n    - rules: [pod/run-as-user]\n      objects: [Deployment/legacy]\n      reason: old image\n";
    expect(weakenings(base, base)).toEqual([]);
    const wider = base.replace("      objects: [Deployment/legacy]\n", "");
    expect(summary(weakenings(base, wider))).toEqual([
      "3 error suppression of pod/run-as-user covers more than the base's (old image)",
    ]);
    const narrower = base.replace(
      "reason: old image",
      "reason: old image\n      expires: 2030-01-01",
    );
    expect(weakenings(base, narrower)).toEqual([]);
  });

  it("reports allowAnnotationSuppressions turned on and settings relaxed", () => {
    const found = weakenings(
      "policy:\n  allowAnnotationSuppressions: false\n  settings:\n    profile: production\n",
      "policy:\n  allowAnnotationSuppressions: true\n  settings:\n    profile: default\n",
    );
    expect(summary(found)).toEqual([
      "2 error policy.allowAnnotationSuppressions turned on: scout-deploy.io/ignore annotations are honoured",
      "4 error policy.settings.profile relaxed from production to default",
    ]);
  });

  it("reports a rule pack the head adds: its code ran inside the check", () => {
    const found = weakenings(
      "policy:\n  plugins: [./packs/a.js]\n",
      "policy:\n  plugins:\n    - ./packs/a.js\n    - ./packs/new.js\n",
    );
    expect(summary(found)).toEqual([
      "4 error rule pack ./packs/new.js added: its code ran inside this check and could change any result; review it on its own",
    ]);
  });

  it("reports nothing for a stricter head", () => {
    const found = weakenings(
      "policy:\n  failOn: error\n  rules:\n    pod/*: warning\n",
      "policy:\n  failOn: info\n  rules:\n    pod/*: error\n",
    );
    expect(found).toEqual([]);
  });

  it("takes its severity from the base, so a head cannot silence its own weakening", () => {
    const found = weakenings(
      "policy:\n  rules:\n    policy/weakened: warning\n",
      'policy:\n  rules:\n    policy/weakened: "off"\n',
    );
    expect(summary(found)).toEqual([
      '3 warning policy.rules."policy/weakened" lowers 1 rule(s) the base ran higher: policy/weakened',
    ]);
    expect(
      weakenings('policy:\n  rules:\n    policy/weakened: "off"\n', "policy:\n  failOn: never\n"),
    ).toEqual([]);
  });

  it("reports a new ignore annotation, and one that names more rules, at the annotation", () => {
    const pod = (annotation: string) =>
      buildBundle([
        parseSource(
          "pod.yaml",
          `apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  annotations:\n    ${annotation}\nspec:\n  containers: []\n`,
        ),
      ]);
    const base = pod('scout-deploy.io/ignore: "pod/run-as-user: legacy"');
    const head = pod('scout-deploy.io/ignore: "pod/run-as-user,pod/not-privileged: legacy"');
    const found = weakenings("policy: {}\n", "policy: {}\n", { base, head });
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({
      file: "pod.yaml",
      line: 6,
      object: { kind: "Pod", name: "p" },
    });
    expect(found[0]!.message).toBe(
      "new scout-deploy.io/ignore annotation silences pod/not-privileged on Pod default/p",
    );
    expect(weakenings("policy: {}\n", "policy: {}\n", { base: head, head: base })).toEqual([]);
  });

  it("an annotation the base had is not new when the head spells out namespace: default", () => {
    const pod = (namespace: string) =>
      buildBundle([
        parseSource(
          "pod.yaml",
          `apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n${namespace}  annotations:\n    scout-deploy.io/ignore: "pod/run-as-user: legacy"\nspec:\n  containers: []\n`,
        ),
      ]);
    const found = weakenings("policy: {}\n", "policy: {}\n", {
      base: pod(""),
      head: pod("  namespace: default\n"),
    });
    expect(found).toEqual([]);
  });

  it("names only the key a head adds when the base had no config file", () => {
    const bundle = buildBundle([
      parseSource(
        "backend.yaml",
        `apiVersion: apps/v1
kind: Deployment
metadata: {name: backend, namespace: scout}
spec:
  selector: {matchLabels: {app.kubernetes.io/component: backend}}
  template:
    metadata: {labels: {app.kubernetes.io/component: backend}}
    spec:
      containers:
        - name: api
          image: scout/backend:1.0
          securityContext: {readOnlyRootFilesystem: true}
          volumeMounts: [{name: data, mountPath: /data}]
      volumes: [{name: data, emptyDir: {}}]
`,
      ),
    ]);
    const head = "policy:\n  rules:\n    pod/writable-paths:\n      options: {paths: [/data]}\n";
    const found = policyWeakenings(
      { bundle },
      { config: parseConfigText("/r/scout-deploy.yaml", head, "scout-deploy.yaml"), bundle },
      rules,
    );
    // The built-in packs' defaults (components, expectedUid, writablePaths) are the base's too.
    expect(summary(found)).toEqual([
      `3 error policy.rules."pod/writable-paths".options changed: the base's values find 1 finding(s) in these manifests that the head's hide (pod/writable-paths)`,
    ]);
  });

  it("reports settings and rule options whose head values hide what the base's values find", () => {
    const backend = buildBundle([
      parseSource(
        "backend.yaml",
        `apiVersion: apps/v1
kind: Deployment
metadata:
  name: backend
  namespace: scout
spec:
  selector: {matchLabels: {app.kubernetes.io/component: backend}}
  template:
    metadata:
      labels: {app.kubernetes.io/component: backend}
    spec:
      containers:
        - name: api
          image: scout/backend:1.0
          securityContext: {runAsUser: 0, readOnlyRootFilesystem: true}
          volumeMounts: [{name: data, mountPath: /data}]
      volumes: [{name: data, emptyDir: {}}]
`,
      ),
    ]);
    const bundles = { base: backend, head: backend };
    const base = "policy: {}\n";
    const headOf = (lines: string) => `policy:\n${lines}`;
    // The backend is no Scout component any more: every rule about the backend goes quiet.
    const components = weakenings(
      base,
      headOf("  settings:\n    components: [frontend]\n"),
      bundles,
    );
    expect(summary(components)).toEqual([
      expect.stringMatching(
        /^3 error policy\.settings\.components changed: the base's values find \d+ finding\(s\) in these manifests that the head's hide \(.*secrets\/api-auth/,
      ),
    ]);
    const writable = weakenings(base, headOf("  settings:\n    writablePaths: [/]\n"), bundles);
    expect(summary(writable)).toEqual([
      "3 error policy.settings.writablePaths changed: the base's values find 1 finding(s) in these manifests that the head's hide (pod/writable-paths)",
    ]);
    const option = weakenings(
      base,
      headOf("  rules:\n    pod/writable-paths:\n      options: {paths: [/data]}\n"),
      bundles,
    );
    expect(summary(option)).toEqual([
      `3 error policy.rules."pod/writable-paths".options changed: the base's values find 1 finding(s) in these manifests that the head's hide (pod/writable-paths)`,
    ]);
    // A change that hides nothing here (another path allowed) is no weakening of this change.
    expect(weakenings(base, headOf("  settings:\n    writablePaths: [/var]\n"), bundles)).toEqual(
      [],
    );
  });

  it("reports network settings whose head values hide what the base's find, on the key edited, whichever place sets them", () => {
    const nginx = buildBundle([
      parseSource(
        "nginx.yaml",
        `apiVersion: apps/v1
kind: Deployment
metadata: {name: nginx, namespace: scout}
spec:
  selector: {matchLabels: {app.kubernetes.io/component: nginx}}
  template:
    metadata: {labels: {app.kubernetes.io/component: nginx}}
    spec: {containers: [{name: nginx, image: nginx:1.27}]}
---
apiVersion: v1
kind: Service
metadata: {name: nginx, namespace: scout}
spec: {type: LoadBalancer, selector: {app.kubernetes.io/component: nginx}, ports: [{port: 80}]}
`,
      ),
    ]);
    const bundles = { base: nginx, head: nginx };
    const network = (lines: string) => `policy:\n  settings:\n    network:\n${lines}`;
    const closed = network("      externalPort: 80\n      externalAccess: false\n");
    // External access turned on: nginx's LoadBalancer, reported by the base, passes.
    expect(
      summary(
        weakenings(
          closed,
          network("      externalPort: 80\n      externalAccess: true\n"),
          bundles,
        ),
      ),
    ).toEqual([
      "5 error policy.settings.network.externalAccess changed: the base's values find 1 finding(s) in these manifests that the head's hide (network/external-exposure)",
    ]);
    // The same value moved to the shared settings from the deprecated option: nothing weakens.
    const legacy =
      "policy:\n  rules:\n    network/external-exposure:\n      options: {externalAccess: false}\n";
    expect(weakenings(legacy, closed, bundles)).toEqual([]);
    // Turned on through the deprecated option instead: still seen.
    expect(
      summary(
        weakenings(
          closed,
          "policy:\n  rules:\n    network/external-exposure:\n      options: {externalAccess: true}\n",
          bundles,
        ),
      ),
    ).toEqual([
      `3 error policy.settings.network.externalAccess, policy.settings.network.externalPort, policy.rules."network/external-exposure".options changed: the base's values find 1 finding(s) in these manifests that the head's hide (network/external-exposure)`,
    ]);
  });
});
