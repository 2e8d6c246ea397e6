import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { parseSource } from "@scout-deploy/core";
import { describe, expect, it } from "vitest";
import { parseAllDocuments } from "yaml";
import { standardLabels } from "./objects/meta.js";
import { canonicalJson, render } from "./render.js";
import { parseScoutConfig, type ScoutConfig, type ScoutConfigInput } from "./schema.js";
import { EXAMPLES, loadExample } from "./test-support/examples.js";
import { allowedFlows, type Endpoint, type Port, policiesOf } from "./test-support/flows.js";
import { TOOL_NAME, VERSION } from "./version.js";

const renderInput = (input: ScoutConfigInput) => render(parseScoutConfig(input));
type Json = Record<string, unknown>;
const kindsOf = (objects: Json[]) => objects.map((o) => `${o.kind}/${(o.metadata as Json).name}`);

describe("golden output of the examples", () => {
  for (const name of EXAMPLES) {
    it(`examples/${name}`, async () => {
      const result = render(loadExample(name).scout);
      await expect(result.yaml).toMatchFileSnapshot(`./__snapshots__/${name}.yaml`);
    });
  }
});

describe("render", () => {
  it("is deterministic whatever the order of the config's keys", () => {
    const a = renderInput({
      namespace: "a",
      auth: { redis: true, apiToken: true },
      labels: { z: "1", a: "2" },
    });
    const b = renderInput({
      labels: { a: "2", z: "1" },
      auth: { apiToken: true, redis: true },
      namespace: "a",
    });
    expect(b.yaml).toBe(a.yaml);
    expect(b.configDigest).toBe(a.configDigest);
  });

  it("heads every output with the tool, its version and the config's sha256", () => {
    const config = parseScoutConfig({});
    const result = render(config);
    const digest = createHash("sha256").update(canonicalJson(config)).digest("hex");
    const header = `# Rendered by ${TOOL_NAME} ${VERSION} from the scout: section of its config. Do not edit: re-render.\n# config-sha256: ${digest}\n---\n`;
    expect(result.yaml.startsWith(header)).toBe(true);
    for (const text of Object.values(result.files)) expect(text.startsWith(header)).toBe(true);
  });

  it("splits the stream into one file per component, in apply order, losing nothing", () => {
    const result = render(loadExample("production").scout);
    expect(Object.keys(result.files)).toEqual([
      "00-namespace.yaml",
      "10-secrets.yaml",
      "20-backend.yaml",
      "30-frontend.yaml",
      "40-redis.yaml",
      "50-nginx.yaml",
      "60-prometheus.yaml",
    ]);
    const fromFiles = Object.entries(result.files).flatMap(([file, text]) =>
      parseSource(file, text).documents.map((d) => d.value),
    );
    expect(fromFiles).toEqual(result.objects);
    expect(parseSource("all.yaml", result.yaml).documents.map((d) => d.value)).toEqual(
      result.objects,
    );
  });

  it("reads the same under YAML 1.1 (Go, kubectl, kubeconform) and YAML 1.2", () => {
    for (const name of EXAMPLES) {
      const { yaml, objects } = render(loadExample(name).scout);
      for (const version of ["1.1", "1.2"] as const) {
        const values = parseAllDocuments(yaml, { version }).map((d) => d.toJS());
        expect(values, `YAML ${version}`).toEqual(objects);
      }
    }
  });

  it("labels every object as Scout's, managed by scout-deploy, and keeps extra labels off selectors", () => {
    const { objects } = renderInput({ labels: { team: "search" }, annotations: { owner: "ops" } });
    for (const object of objects) {
      const metadata = object.metadata as { labels: Json; annotations: Json };
      expect(metadata.labels).toMatchObject({
        "app.kubernetes.io/name": "scout",
        "app.kubernetes.io/part-of": "scout",
        "app.kubernetes.io/managed-by": "scout-deploy",
        team: "search",
      });
      expect(metadata.annotations).toMatchObject({ owner: "ops" });
    }
    const backend = objects.find(
      (o) => o.kind === "Deployment" && (o.metadata as Json).name === "scout-backend",
    )!;
    expect((backend.spec as { selector: Json }).selector).toEqual({
      matchLabels: { "app.kubernetes.io/name": "scout", "app.kubernetes.io/component": "backend" },
    });
  });

  it("renders only the kinds the guide describes", () => {
    const minimal = kindsOf(render(loadExample("minimal").scout).objects);
    expect(minimal).toEqual([
      "Namespace/scout",
      "NetworkPolicy/scout-default-deny",
      "NetworkPolicy/scout-allow-dns",
      "ServiceAccount/scout-backend",
      "Role/scout-backend",
      "RoleBinding/scout-backend",
      "Deployment/scout-backend",
      "Service/scout-backend",
      "Service/scout-backend-metrics",
      "NetworkPolicy/scout-backend",
      "Deployment/scout-frontend",
      "Service/scout-frontend",
      "NetworkPolicy/scout-frontend",
      "Deployment/scout-redis",
      "Service/scout-redis",
      "NetworkPolicy/scout-redis",
      "ConfigMap/scout-nginx",
      "Deployment/scout-nginx",
      "Service/scout-nginx",
      "NetworkPolicy/scout-nginx",
      "ConfigMap/scout-prometheus",
      "Deployment/scout-prometheus",
      "NetworkPolicy/scout-prometheus",
    ]);
  });

  it("never writes a credential: the Secret is referenced, or rendered sealed / external", () => {
    for (const name of EXAMPLES) {
      const { objects } = render(loadExample(name).scout);
      expect(objects.filter((o) => o.kind === "Secret")).toEqual([]);
    }
  });
});

describe("extra Secret keys", () => {
  const extraKeys = ["smtp-password", "s3-secret-key"];
  const byKind = (objects: Json[], kind: string) => objects.find((o) => o.kind === kind) as Json;
  const envOf = (objects: Json[], deployment: string) => {
    const object = objects.find(
      (o) => o.kind === "Deployment" && (o.metadata as Json).name === deployment,
    ) as { spec: { template: { spec: { containers: { env: Json[] }[] } } } };
    return object.spec.template.spec.containers[0]!.env;
  };

  it("reach the backend, one upper-snake-cased variable each, from the Scout Secret; not Redis", () => {
    const { objects } = renderInput({ secrets: { name: "creds", extraKeys } });
    const env = envOf(objects, "scout-backend");
    expect(env.slice(-2)).toEqual([
      {
        name: "SMTP_PASSWORD",
        valueFrom: { secretKeyRef: { name: "creds", key: "smtp-password" } },
      },
      {
        name: "S3_SECRET_KEY",
        valueFrom: { secretKeyRef: { name: "creds", key: "s3-secret-key" } },
      },
    ]);
    expect(JSON.stringify(envOf(objects, "scout-redis"))).not.toContain("smtp");
  });

  it("are read by the ExternalSecret, beside the API token unless the config says where", () => {
    type Ref = { key: string; property?: string };
    const external = (apiToken: Ref, extra: Record<string, Ref> = {}) =>
      renderInput({
        secrets: {
          source: "externalSecret",
          extraKeys,
          externalSecret: {
            storeName: "vault",
            apiToken,
            redisPassword: { key: "x" },
            extraKeys: extra,
          },
        },
      });
    const data = (result: ReturnType<typeof renderInput>) =>
      ((byKind(result.objects, "ExternalSecret").spec as Json).data as Json[]).slice(2);
    expect(data(external({ key: "scout/prod", property: "api-token" }))).toEqual([
      { secretKey: "smtp-password", remoteRef: { key: "scout/prod", property: "smtp-password" } },
      { secretKey: "s3-secret-key", remoteRef: { key: "scout/prod", property: "s3-secret-key" } },
    ]);
    expect(data(external({ key: "scout/prod/api-token" }))).toEqual([
      { secretKey: "smtp-password", remoteRef: { key: "scout/prod/smtp-password" } },
      { secretKey: "s3-secret-key", remoteRef: { key: "scout/prod/s3-secret-key" } },
    ]);
    expect(
      data(external({ key: "token" }, { "s3-secret-key": { key: "aws", property: "secret" } })),
    ).toEqual([
      { secretKey: "smtp-password", remoteRef: { key: "smtp-password" } },
      { secretKey: "s3-secret-key", remoteRef: { key: "aws", property: "secret" } },
    ]);
  });

  it("are sealed into the SealedSecret", () => {
    const sealedValues = {
      "smtp-password": "AgSmtpSealed0000==",
      "s3-secret-key": "AgS3Sealed00000==",
    };
    const { objects } = renderInput({
      auth: { apiToken: false, redis: false },
      secrets: {
        source: "sealedSecret",
        extraKeys,
        sealedSecret: { apiToken: "AgBy3i4OJSWK+PiTySYZZA==", extraKeys: sealedValues },
      },
    });
    expect((byKind(objects, "SealedSecret").spec as Json).encryptedData).toEqual(sealedValues);
  });
});

describe("pod security of every workload", () => {
  const workloads = (config: ScoutConfig) =>
    render(config).objects.filter((o) => o.kind === "Deployment") as {
      spec: { template: { spec: Json & { containers: Json[]; volumes: Json[] } } };
    }[];

  it("runs as UID 1000, read-only with /tmp only, no capabilities, no escalation, RuntimeDefault seccomp", () => {
    for (const name of ["minimal", "production"] as const) {
      for (const deployment of workloads(loadExample(name).scout)) {
        const pod = deployment.spec.template.spec;
        expect(pod.securityContext).toMatchObject({
          runAsNonRoot: true,
          runAsUser: 1000,
          seccompProfile: { type: "RuntimeDefault" },
        });
        expect(pod.automountServiceAccountToken).toBe(false);
        for (const container of pod.containers) {
          expect(container.securityContext).toEqual({
            allowPrivilegeEscalation: false,
            readOnlyRootFilesystem: true,
            capabilities: { drop: ["ALL"] },
          });
          const writable = (container.volumeMounts as Json[]).filter((m) => m.readOnly !== true);
          expect(writable).toEqual([{ name: "tmp", mountPath: "/tmp" }]);
        }
        expect(pod.volumes.find((v) => v.name === "tmp")).toEqual({ name: "tmp", emptyDir: {} });
      }
    }
  });

  it("gives the backend its own ServiceAccount, bound to a namespaced Role that grants nothing", () => {
    const { objects } = render(loadExample("minimal").scout);
    const role = objects.find((o) => o.kind === "Role")!;
    expect(role.rules).toEqual([]);
    const binding = objects.find((o) => o.kind === "RoleBinding")!;
    expect(binding.subjects).toEqual([
      { kind: "ServiceAccount", name: "scout-backend", namespace: "scout" },
    ]);
    expect(objects.some((o) => String(o.kind).startsWith("Cluster"))).toBe(false);
  });
});

describe("network policies allow exactly the guide's flows", () => {
  const tcp = (port: number): Port => ({ port, protocol: "TCP" });
  const PORTS: Port[] = [
    tcp(80),
    tcp(3000),
    tcp(8000),
    tcp(6379),
    tcp(9090),
    tcp(53),
    { port: 53, protocol: "UDP" },
  ];

  function endpoints(config: ScoutConfig): Endpoint[] {
    const ns = {
      namespace: config.namespace,
      namespaceLabels: { "kubernetes.io/metadata.name": config.namespace },
    };
    const components = ["frontend", "backend", "redis", "nginx", "prometheus"].map((c) => ({
      name: c,
      ...ns,
      labels: standardLabels(config, c),
    }));
    return [
      ...components,
      { name: "external", external: true },
      {
        name: "operator-prometheus",
        namespace: "monitoring",
        namespaceLabels: { "kubernetes.io/metadata.name": "monitoring" },
        labels: { "app.kubernetes.io/name": "prometheus" },
      },
      {
        name: "kube-dns",
        namespace: "kube-system",
        namespaceLabels: { "kubernetes.io/metadata.name": "kube-system" },
        labels: { "k8s-app": "kube-dns" },
      },
      {
        name: "other-pod",
        namespace: "default",
        namespaceLabels: { "kubernetes.io/metadata.name": "default" },
      },
    ];
  }

  const flowsOf = (config: ScoutConfig) =>
    allowedFlows(policiesOf(render(config).objects), endpoints(config), PORTS).filter(
      // Pods outside Scout's namespace are not ours to isolate; only flows into or out of Scout count.
      (flow) =>
        !/^(external|operator-prometheus|kube-dns|other-pod) -> (operator-prometheus|kube-dns|other-pod) /.test(
          flow,
        ),
    );
  const dns = (components: string[]) =>
    components.flatMap((c) => [`${c} -> kube-dns 53/TCP`, `${c} -> kube-dns 53/UDP`]);

  it("minimal: the table, the in-namespace Prometheus, external access to nginx on 80, and DNS", () => {
    expect(flowsOf(loadExample("minimal").scout)).toEqual(
      [
        "frontend -> backend 8000/TCP",
        "nginx -> frontend 3000/TCP",
        "nginx -> backend 8000/TCP",
        "backend -> redis 6379/TCP",
        "prometheus -> backend 8000/TCP",
        "external -> nginx 80/TCP",
        ...dns(["frontend", "backend", "redis", "nginx", "prometheus"]),
      ].sort(),
    );
  });

  it("production: the operator's Prometheus scrapes the backend from its namespace", () => {
    expect(flowsOf(loadExample("production").scout)).toEqual(
      [
        "frontend -> backend 8000/TCP",
        "nginx -> frontend 3000/TCP",
        "nginx -> backend 8000/TCP",
        "backend -> redis 6379/TCP",
        "operator-prometheus -> backend 8000/TCP",
        "external -> nginx 80/TCP",
        ...dns(["frontend", "backend", "redis", "nginx", "prometheus"]),
      ].sort(),
    );
  });

  it("no external access unless it is enabled", () => {
    const flows = flowsOf(parseScoutConfig({}));
    expect(flows.filter((f) => f.startsWith("external"))).toEqual([]);
    expect(flows).toContain("nginx -> backend 8000/TCP");
  });
});

describe("the header's version", () => {
  it("is the package's version", () => {
    const pkg = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as {
      version: string;
    };
    expect(VERSION).toBe(pkg.version);
  });
});
