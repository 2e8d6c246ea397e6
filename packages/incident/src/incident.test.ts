import { encodeBase64 } from "@scout-deploy/secrets";
import { countingRandom } from "@scout-deploy/secrets/testing";
import { describe, expect, it } from "vitest";
import { parseAllDocuments } from "yaml";
import { incidentIsolate, incidentRotateAll } from "./commands.js";

/** The Security Guide pack's default components (the CLI passes the run's settings). */
const settings = {
  componentLabels: ["app.kubernetes.io/component", "app.kubernetes.io/name", "app"],
  components: ["frontend", "backend", "redis", "nginx", "prometheus"],
};

const workloads = `
apiVersion: apps/v1
kind: Deployment
metadata: {name: backend, namespace: scout, labels: {app.kubernetes.io/component: backend}}
spec: {replicas: 3, template: {metadata: {labels: {app.kubernetes.io/component: backend}}, spec: {containers: [{name: api}]}}}
---
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: redis, namespace: scout}
spec: {template: {metadata: {labels: {app: redis}}, spec: {containers: [{name: redis}]}}}
---
apiVersion: apps/v1
kind: DaemonSet
metadata: {name: agent, namespace: scout}
spec: {template: {metadata: {labels: {app: nginx}}, spec: {containers: [{name: a}]}}}
---
apiVersion: batch/v1
kind: CronJob
metadata: {name: report, namespace: scout}
spec: {schedule: "* * * * *", jobTemplate: {spec: {template: {metadata: {labels: {app: backend}}, spec: {containers: [{name: r}]}}}}}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: unrelated, namespace: scout}
spec: {template: {spec: {containers: [{name: x}]}}}
---
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: {name: backend, namespace: scout}
spec: {scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: backend}, maxReplicas: 5}
`;

describe("incident isolate", () => {
  it("scales every Scout workload to 0 and adds a deny-all NetworkPolicy", () => {
    const result = incidentIsolate({
      settings,
      inputs: [{ path: "k8s/all.yaml", text: workloads }],
    });
    expect(result.exitCode).toBe(0);
    const docs = parseAllDocuments(result.output!.text).map((d) => d.toJS());
    expect(docs).toEqual([
      {
        apiVersion: "apps/v1",
        kind: "Deployment",
        metadata: { name: "backend", namespace: "scout" },
        spec: { replicas: 0 },
      },
      {
        apiVersion: "apps/v1",
        kind: "StatefulSet",
        metadata: { name: "redis", namespace: "scout" },
        spec: { replicas: 0 },
      },
      {
        apiVersion: "apps/v1",
        kind: "DaemonSet",
        metadata: { name: "agent", namespace: "scout" },
        spec: {
          template: {
            spec: { nodeSelector: { "scout-deploy.io/isolated": "no-node-has-this-label" } },
          },
        },
      },
      {
        apiVersion: "batch/v1",
        kind: "CronJob",
        metadata: { name: "report", namespace: "scout" },
        spec: { suspend: true },
      },
      {
        apiVersion: "networking.k8s.io/v1",
        kind: "NetworkPolicy",
        metadata: {
          name: "scout-incident-deny-all",
          namespace: "scout",
          labels: {
            "app.kubernetes.io/managed-by": "scout-deploy",
            "scout-deploy.io/isolated": "true",
          },
        },
        spec: { podSelector: {}, policyTypes: ["Ingress", "Egress"] },
      },
    ]);
    expect(result.messages.join("\n")).toMatch(/kubectl apply --server-side/);
    expect(result.messages.join("\n")).toMatch(
      /HorizontalPodAutoscaler scout\/backend would scale/,
    );
  });

  it("takes every workload when none carries a component label, and fails with none", () => {
    const plain =
      "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec: {template: {spec: {containers: [{name: w}]}}}\n";
    const result = incidentIsolate({
      settings,
      inputs: [{ path: "a.yaml", text: plain }],
      namespace: "prod",
    });
    const docs = parseAllDocuments(result.output!.text).map((d) => d.toJS());
    expect(docs.map((d) => `${d.kind}/${d.metadata.namespace}/${d.metadata.name}`)).toEqual([
      "Deployment/prod/web",
      "NetworkPolicy/prod/scout-incident-deny-all",
    ]);
    expect(
      incidentIsolate({
        settings,
        inputs: [
          { path: "b.yaml", text: "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n" },
        ],
      }).exitCode,
    ).toBe(1);
  });
});

describe("incident isolate of objects that name no namespace", () => {
  it("patches them where they run, not in the config's namespace, and says how to apply", () => {
    const plain =
      "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec: {template: {metadata: {labels: {app: backend}}, spec: {containers: [{name: w}]}}}\n";
    const result = incidentIsolate({
      settings: { ...settings, namespace: "scout" },
      inputs: [{ path: "a.yaml", text: plain }],
    });
    const docs = parseAllDocuments(result.output!.text).map((d) => d.toJS());
    expect(
      docs.map((d) => `${d.kind}/${d.metadata.namespace ?? "(unset)"}/${d.metadata.name}`),
    ).toEqual(["Deployment/(unset)/web", "NetworkPolicy/(unset)/scout-incident-deny-all"]);
    expect(result.messages.join("\n")).toContain(
      "the -n (or kubectl context) they were applied with",
    );
  });
});

describe("incident commands over input they could not read", () => {
  const broken = {
    path: "k8s/broken.yaml",
    text: "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: [\n",
  };
  const backend = { path: "k8s/all.yaml", text: workloads };

  it("isolates what it read, names the file it could not, and fails", () => {
    const result = incidentIsolate({ settings, inputs: [backend, broken] });
    expect(result.exitCode).toBe(1);
    expect(result.output!.text).toContain("name: backend");
    expect(result.messages[0]).toMatch(
      /^incident isolate: k8s\/broken\.yaml:\d+:\d+: not read, nothing there is in the output: /,
    );
  });

  it("rotates what it read, names the file it could not, and fails", () => {
    const secret = {
      path: "k8s/secret.yaml",
      text: `apiVersion: v1\nkind: Secret\nmetadata: {name: api}\ndata: {API_TOKEN: ${encodeBase64("x".repeat(40))}}\n`,
    };
    const result = incidentRotateAll({
      out: "-",
      inputs: [secret, broken],
      random: countingRandom(),
    });
    expect(result.exitCode).toBe(1);
    expect(result.output!.text).toContain("API_TOKEN");
    expect(result.messages.some((m) => m.startsWith("incident rotate-all: k8s/broken.yaml:"))).toBe(
      true,
    );
  });
});

describe("incident isolate of custom workloads", () => {
  it("scales an Argo Rollout to 0 and names the kind to delete for one that cannot scale", () => {
    const text = `apiVersion: argoproj.io/v1alpha1
kind: Rollout
metadata: {name: backend, namespace: scout}
spec: {replicas: 2, template: {metadata: {labels: {app: backend}}, spec: {containers: [{name: api}]}}}
---
apiVersion: serving.knative.dev/v1
kind: Service
metadata: {name: frontend, namespace: scout}
spec: {template: {metadata: {labels: {app: frontend}}, spec: {containers: [{name: web}]}}}
`;
    const result = incidentIsolate({ settings, inputs: [{ path: "k8s/rollout.yaml", text }] });
    const docs = parseAllDocuments(result.output!.text).map((d) => d.toJS());
    expect(docs[0]).toEqual({
      apiVersion: "argoproj.io/v1alpha1",
      kind: "Rollout",
      metadata: { name: "backend", namespace: "scout" },
      spec: { replicas: 0 },
    });
    expect(result.messages.join("\n")).toMatch(
      /cannot be scaled: delete it \(kubectl delete service\.serving\.knative\.dev frontend\)/,
    );
  });
});

describe("incident rotate-all", () => {
  it("gives every credential of every Secret a new value and keeps no old one", () => {
    const text = `apiVersion: v1
kind: Secret
metadata: {name: scout-secrets, namespace: scout}
data:
  api-token: ${encodeBase64("old-token")}
  api-token-previous: ${encodeBase64("older-token")}
  redis-password: ${encodeBase64("old-redis")}
  region: ${encodeBase64("eu-west-1")}
---
apiVersion: v1
kind: Secret
metadata: {name: tls, namespace: scout}
type: kubernetes.io/tls
data: {tls.crt: ${encodeBase64("c")}, tls.key: ${encodeBase64("k")}}
---
apiVersion: v1
kind: Secret
metadata: {name: webhook, namespace: scout}
stringData: {WEBHOOK_SECRET: plain}
`;
    const result = incidentRotateAll({
      inputs: [{ path: "s.yaml", text }],
      out: "-",
      now: new Date("2026-11-01T00:00:00Z"),
      random: countingRandom(),
    });
    expect(result.exitCode).toBe(0);
    expect(result.secretValues).toHaveLength(3);
    const docs = parseAllDocuments(result.output!.text).map((d) => d.toJS());
    expect(docs.map((d) => d.metadata.name)).toEqual(["scout-secrets", "webhook"]);
    const decoded = (d: Record<string, string>) =>
      Object.fromEntries(
        Object.entries(d).map(([k, v]) => [k, Buffer.from(v, "base64").toString()]),
      );
    expect(decoded(docs[0].data)).toEqual({
      "api-token": result.secretValues[0],
      "redis-password": result.secretValues[1],
      region: "eu-west-1",
    });
    expect(decoded(docs[1].data)).toEqual({ WEBHOOK_SECRET: result.secretValues[2] });
    expect(docs[1].stringData).toBeUndefined();
  });
});

describe("incident rotate-all after incident isolate", () => {
  const secret = `apiVersion: v1
kind: Secret
metadata: {name: scout-secrets, namespace: scout}
data: {api-token: ${encodeBase64("old-token")}}
`;
  const readsToken =
    "{containers: [{name: c, env: [{name: API_TOKEN, valueFrom: {secretKeyRef: {name: scout-secrets, key: api-token}}}]}]}";
  const readers = `---
apiVersion: apps/v1
kind: Deployment
metadata: {name: backend, namespace: scout}
spec: {template: {metadata: {labels: {app: backend}}, spec: ${readsToken}}}
---
apiVersion: batch/v1
kind: CronJob
metadata: {name: report, namespace: scout}
spec: {schedule: "* * * * *", jobTemplate: {spec: {template: {metadata: {labels: {app: backend}}, spec: ${readsToken}}}}}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: unrelated, namespace: scout}
spec: {template: {spec: {containers: [{name: x, envFrom: [{secretRef: {name: scout-secrets}}]}]}}}
---
apiVersion: v1
kind: Pod
metadata: {name: debug, namespace: scout, labels: {app: backend}}
spec: ${readsToken}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: elsewhere, namespace: other, labels: {app: backend}}
spec: {template: {metadata: {labels: {app: backend}}, spec: ${readsToken}}}
`;
  const rotated = () =>
    incidentRotateAll({
      inputs: [{ path: "k8s/all.yaml", text: secret + readers }],
      out: "-",
      settings,
      random: countingRandom(),
    });

  it("rolls nothing: its output holds the new Secrets only", () => {
    const result = rotated();
    expect(result.exitCode).toBe(0);
    const kinds = parseAllDocuments(result.output!.text).map((d) => d.toJS().kind);
    expect(kinds).toEqual(["Secret"]);
  });

  it("says which readers isolate took down and names, with file:line, those still holding the old token", () => {
    const notes = rotated().messages.join("\n");
    expect(notes).toMatch(
      /k8s\/all\.yaml:\d+: Deployment scout\/backend reads it through env: taken down by incident isolate: no restart needed/,
    );
    expect(notes).toMatch(
      /k8s\/all\.yaml:\d+: Deployment scout\/unrelated reads it through envFrom: not isolated: restart it after applying \(kubectl rollout restart deployment\/unrelated -n scout\)/,
    );
    expect(notes).toMatch(
      /k8s\/all\.yaml:\d+: CronJob scout\/report reads it through env: suspended by incident isolate: .*already started keep running with the old ones/,
    );
    expect(notes).toMatch(/k8s\/all\.yaml:\d+: Pod scout\/debug reads it through env: a bare Pod/);
    // Run without isolate first, the same note says what to do.
    expect(notes).toContain(
      "if it was not isolated, kubectl rollout restart deployment/backend -n scout",
    );
    // The Secret of namespace scout is not what a pod of namespace other reads.
    expect(notes).not.toContain("other/elsewhere");
  });
});
