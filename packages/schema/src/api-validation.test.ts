import { describe, expect, it } from "vitest";
import { validateBundle } from "./embedded.js";
import { bundleOf, positioned } from "./test-support/bundle.js";

/** A Deployment whose container `api` carries `extra` (indented as its fields) and whose spec carries `spec`. */
const deployment = ({
  name = "backend",
  extra = "",
  spec = "",
  labels = "{app: backend}",
} = {}) => `apiVersion: apps/v1
kind: Deployment
metadata: {name: ${name}, namespace: scout}
spec:
${spec}  selector: {matchLabels: {app: backend}}
  template:
    metadata: {labels: ${labels}}
    spec:
      containers:
        - name: api
          image: scout/backend:1.0
${extra}`;

const problems = (yaml: string) => positioned(validateBundle(bundleOf(yaml)));

describe("what the API server's validation refuses beyond the schema", () => {
  it("passes a valid Deployment", () => {
    expect(
      problems(deployment({ extra: "          ports: [{name: http, containerPort: 8000}]\n" })),
    ).toEqual([]);
  });

  it("refuses containerPort 0 and 70000, a hostPort of 70000", () => {
    const yaml = deployment({
      extra: "          ports: [{containerPort: 0}, {containerPort: 70000, hostPort: 70000}]\n",
    });
    expect(problems(yaml)).toEqual([
      "12:20 invalid spec.template.spec.containers[0].ports[0].containerPort: a containerPort is 1 to 65535 (the API server refuses the object)",
      "12:40 invalid spec.template.spec.containers[0].ports[1].containerPort: a containerPort is 1 to 65535 (the API server refuses the object)",
      "12:62 invalid spec.template.spec.containers[0].ports[1].hostPort: a hostPort is 1 to 65535 (or 0 for none) (the API server refuses the object)",
    ]);
  });

  it("refuses port names that are too long, upper case or without a letter, and a duplicate in one container", () => {
    for (const [name, reason] of [
      ["metrics-endpoint-x", "is not 1 to 15 characters long"],
      ["HTTP", "has characters other than lower-case letters, digits and '-'"],
      ["8080", "has no letter"],
    ]) {
      const yaml = deployment({
        extra: `          ports: [{name: "${name}", containerPort: 8000}]\n`,
      });
      expect(problems(yaml), name).toEqual([
        expect.stringContaining(`ports[0].name: the port name ${reason} (the API server`),
      ]);
    }
    const twice = deployment({
      extra:
        "          ports: [{name: http, containerPort: 8000}, {name: http, containerPort: 8001}]\n",
    });
    expect(problems(twice)).toEqual([
      expect.stringMatching(/ports\[1\]\.name: another port of the container has the same name/),
    ]);
  });

  it("refuses two containers of one name, across init and app containers, and a name that is no DNS label", () => {
    const yaml = `${deployment()}        - {name: api, image: scout/backend:1.0}
      initContainers: [{name: Migrate_DB, image: scout/backend:1.0}]
`;
    expect(problems(yaml)).toEqual([
      expect.stringMatching(
        /^12:12 invalid spec\.template\.spec\.containers\[1\]\.name: another container/,
      ),
      expect.stringMatching(/initContainers\[0\]\.name: the container name is no DNS-1123 label/),
    ]);
  });

  it("refuses quantities that do not parse, negative ones, and a request above its limit, without quoting them", () => {
    const yaml = deployment({
      extra:
        "          resources: {requests: {memory: 1.5.5Gi, cpu: '2'}, limits: {cpu: 500m, memory: -1Gi}}\n",
    });
    const found = problems(yaml);
    expect(found).toEqual([
      expect.stringMatching(/resources\.limits\.memory: a resource quantity may not be negative/),
      expect.stringMatching(/resources\.requests\.cpu: the cpu request is above its limit/),
      expect.stringMatching(/resources\.requests\.memory: is no quantity/),
    ]);
    expect(found.join("\n")).not.toContain("1.5.5");
    expect(
      problems(
        deployment({
          extra:
            "          resources: {requests: {cpu: 250m, memory: 1e9}, limits: {cpu: 1, memory: 1Gi}}\n",
        }),
      ),
    ).toEqual([]);
  });

  it("refuses negative replicas, an empty selector and a selector that does not match the template", () => {
    expect(problems(deployment({ spec: "  replicas: -1\n" }))).toEqual([
      expect.stringMatching(/spec\.replicas: replicas may not be negative/),
    ]);
    expect(problems(deployment({ labels: "{app: frontend}" }))).toEqual([
      expect.stringMatching(/spec\.selector: the selector does not match the template's labels/),
    ]);
    expect(problems(deployment().replace("{matchLabels: {app: backend}}", "{}"))).toEqual([
      expect.stringMatching(/spec\.selector: an empty selector is refused/),
    ]);
  });

  it("refuses label keys and values that are no labels, and names in the wrong format for their kind", () => {
    const labels = `{app: backend, "example.com/a/b": x, tier: "${"v".repeat(64)}"}`;
    expect(problems(deployment({ labels }))).toEqual([
      expect.stringMatching(/labels\["example\.com\/a\/b"\]: the label key is no qualified name/),
      expect.stringMatching(/labels\.tier: the label value is longer than 63 characters/),
    ]);
    const statefulSet = deployment({ name: "redis.cache" }).replace(
      "kind: Deployment",
      "kind: StatefulSet",
    );
    expect(problems(deployment({ name: "redis.cache" }))).toEqual([]);
    expect(problems(statefulSet)).toEqual([
      expect.stringMatching(/metadata\.name: the StatefulSet name is no DNS-1123 label/),
    ]);
    expect(problems(deployment({ name: "Backend" }))).toEqual([
      expect.stringMatching(/metadata\.name: the Deployment name is no DNS-1123 subdomain/),
    ]);
    const service = (name: string) => `apiVersion: v1
kind: Service
metadata: {name: ${name}}
spec:
  selector: {app: backend}
  ports: [{name: http, port: 80, targetPort: http}]
`;
    expect(problems(service("backend"))).toEqual([]);
    expect(problems(service("1backend"))).toEqual([
      expect.stringMatching(/metadata\.name: the Service name does not start with a letter/),
    ]);
    expect(problems(service("api.backend"))).toEqual([
      expect.stringMatching(/metadata\.name: the Service name is no DNS-1123 label/),
    ]);
  });

  it("refuses a Service with unnamed ports beside others, duplicate names or ports, bad ports and targetPorts", () => {
    const yaml = `apiVersion: v1
kind: Service
metadata: {name: backend}
spec:
  selector: {app: backend}
  ports:
    - {port: 80}
    - {name: a, port: 70000}
    - {name: a, port: 81, targetPort: HTTP}
    - {name: b, port: 81}
`;
    expect(problems(yaml)).toEqual([
      expect.stringMatching(
        /^7:7 invalid spec\.ports\[0\]: a Service with several ports must name each/,
      ),
      expect.stringMatching(/spec\.ports\[1\]\.port: a Service port is 1 to 65535/),
      expect.stringMatching(
        /spec\.ports\[2\]\.name: another port of the Service has the same name/,
      ),
      expect.stringMatching(
        /spec\.ports\[2\]\.targetPort: the targetPort has characters other than/,
      ),
      expect.stringMatching(/spec\.ports\[3\]\.port: another entry has the same port and protocol/),
    ]);
  });

  it("leaves a NetworkPolicy to the network rules, which say what its refusal leaves open", () => {
    const yaml = `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: Default_Deny, namespace: scout}
spec: {podSelector: {}, policyTypes: [Ingress]}
`;
    expect(problems(yaml)).toEqual([]);
  });

  it("refuses a mount of no volume, two mounts at one path, and two volumes of one name", () => {
    const yaml = `${deployment({
      extra: `          volumeMounts:
            - {name: tmp, mountPath: /tmp}
            - {name: cache, mountPath: /tmp}
            - {name: config, mountPath: /etc/scout}
`,
    })}      volumes: [{name: tmp, emptyDir: {}}, {name: tmp, emptyDir: {}}, {name: config, configMap: {name: scout}}]
`;
    expect(problems(yaml)).toEqual([
      expect.stringMatching(
        /containers\[0\]\.volumeMounts\[1\]\.mountPath: another mount of the container has the same mountPath/,
      ),
      expect.stringMatching(
        /containers\[0\]\.volumeMounts\[1\]\.name: the mount names no volume of the pod/,
      ),
      expect.stringMatching(
        /spec\.template\.spec\.volumes\[1\]\.name: another volume of the pod has the same name/,
      ),
    ]);
  });

  it("judges a StatefulSet's pods with its volumeClaimTemplates as volumes, and says the pods are refused", () => {
    const statefulSet = (claim: string) => `apiVersion: apps/v1
kind: StatefulSet
metadata: {name: redis}
spec:
  selector: {matchLabels: {app: redis}}
  template:
    metadata: {labels: {app: redis}}
    spec:
      containers:
        - name: redis
          image: redis:7.2
          volumeMounts: [{name: data, mountPath: /data}]
  volumeClaimTemplates: [{metadata: {name: ${claim}}}]
`;
    expect(problems(statefulSet("data"))).toEqual([]);
    expect(problems(statefulSet("storage"))).toEqual([
      "12:27 invalid spec.template.spec.containers[0].volumeMounts[0].name: the mount names no volume of the pod (the API server accepts the StatefulSet but refuses every pod it makes)",
    ]);
  });

  it("refuses ephemeral containers in a Pod manifest and in a pod template", () => {
    const pod = `apiVersion: v1
kind: Pod
metadata: {name: p, namespace: scout}
spec:
  containers: [{name: api, image: scout/backend:1.0}]
  ephemeralContainers: [{name: debug, image: busybox:1.36}]
`;
    expect(problems(pod)).toEqual([
      "6:3 invalid spec.ephemeralContainers: ephemeral containers cannot be set on create: they are added to a running pod through its ephemeralcontainers subresource (kubectl debug) (the API server refuses the object)",
    ]);
    const template = deployment({
      spec: "",
    }).replace(
      "      containers:",
      "      ephemeralContainers: [{name: debug, image: busybox:1.36}]\n      containers:",
    );
    expect(problems(template)).toEqual([
      "9:7 invalid spec.template.spec.ephemeralContainers: ephemeral containers are not allowed in a pod template (the API server refuses the object)",
    ]);
  });

  it("refuses a Job without restartPolicy OnFailure or Never, and a Deployment's pods restarting otherwise than Always", () => {
    const job = (policy: string) => `apiVersion: batch/v1
kind: Job
metadata: {name: migrate}
spec:
  template:
    spec:
${policy}      containers: [{name: migrate, image: scout/backend:1.0}]
`;
    expect(problems(job("      restartPolicy: Never\n"))).toEqual([]);
    expect(problems(job(""))).toEqual([
      expect.stringMatching(
        /^6:5 invalid spec\.template\.spec: a Job's pods need restartPolicy OnFailure or Never/,
      ),
    ]);
    expect(
      problems(
        deployment().replace(
          "    spec:\n      containers:",
          "    spec:\n      restartPolicy: Never\n      containers:",
        ),
      ),
    ).toEqual([
      expect.stringMatching(
        /spec\.template\.spec\.restartPolicy: a Deployment's pods accept only restartPolicy Always/,
      ),
    ]);
  });

  it("refuses a probe with no handler or two, and user or group IDs outside 0 to 2147483647", () => {
    const yaml = deployment({
      extra: `          livenessProbe: {httpGet: {path: /, port: 8000}, tcpSocket: {port: 8000}}
          readinessProbe: {periodSeconds: 5}
          securityContext: {runAsUser: -1, runAsGroup: 4294967296}
`,
    });
    expect(problems(yaml)).toEqual([
      expect.stringMatching(/containers\[0\]\.livenessProbe: a probe may have only one handler/),
      expect.stringMatching(/containers\[0\]\.readinessProbe: a probe needs one handler/),
      expect.stringMatching(/securityContext\.runAsGroup: runAsGroup is 0 to 2147483647/),
      expect.stringMatching(/securityContext\.runAsUser: runAsUser is 0 to 2147483647/),
    ]);
  });

  it("refuses a Secret whose data is not base64 or whose keys are no config keys, without quoting values", () => {
    const yaml = `apiVersion: v1
kind: Secret
metadata: {name: scout}
type: kubernetes.io/tls
data:
  tls.crt: aGVsbG8=
  api token: aGVsbG8=
  password: hunter2-Q8wErTy1!
stringData:
  ok.key: plain
`;
    const found = problems(yaml);
    expect(found).toEqual([
      expect.stringMatching(/^7:3 invalid data\["api token"\]: the key has characters other than/),
      expect.stringMatching(
        /^8:3 invalid data\.password: the data value is not base64 \(write plain text under stringData\)/,
      ),
      expect.stringMatching(
        /^4:1 invalid type: a Secret of type kubernetes\.io\/tls needs the key tls\.key/,
      ),
    ]);
    expect(found.join("\n")).not.toContain("hunter2");
    const configMap = `apiVersion: v1
kind: ConfigMap
metadata: {name: scout}
data: {app.conf: x}
binaryData: {app.conf: eA==}
`;
    expect(problems(configMap)).toEqual([
      expect.stringMatching(/binaryData\["app\.conf"\]: the key is in both data and binaryData/),
    ]);
  });

  it("refuses a ConfigMap or a Secret holding more than 1 MiB, counted as the API server counts", () => {
    const configMap = (size: number) => `apiVersion: v1
kind: ConfigMap
metadata: {name: big}
data:
  a: "${"x".repeat(size)}"
`;
    // The values' bytes count, not the keys: 1,048,576 is the limit exactly.
    expect(problems(configMap(1024 * 1024))).toEqual([]);
    expect(problems(configMap(1024 * 1024 + 1))).toEqual([
      expect.stringMatching(
        /^4:1 invalid data: a ConfigMap's data and binaryData may hold at most 1 MiB/,
      ),
    ]);
    // A Secret counts decoded bytes: 1 MiB of base64 is 768 KiB of data, under the limit.
    const base64 = Buffer.alloc(768 * 1024).toString("base64");
    const secret = (data: string, plain = "") => `apiVersion: v1
kind: Secret
metadata: {name: big}
data: {a: "${data}"}
stringData: {b: "${plain}"}
`;
    expect(problems(secret(base64))).toEqual([]);
    expect(problems(secret(base64, "y".repeat(300 * 1024)))).toEqual([
      expect.stringMatching(/^4:1 invalid data: a Secret's data may hold at most 1 MiB/),
    ]);
  });

  it("refuses, on the node's network, a hostPort other than its containerPort", () => {
    const onHost = (ports: string) =>
      deployment({ extra: `          ports: [${ports}]\n` }).replace(
        "    spec:\n      containers:",
        "    spec:\n      hostNetwork: true\n      containers:",
      );
    expect(
      problems(onHost("{containerPort: 8000}, {containerPort: 9000, hostPort: 9000}")),
    ).toEqual([]);
    expect(problems(onHost("{containerPort: 8000, hostPort: 80}"))).toEqual([
      expect.stringMatching(
        /ports\[0\]\.hostPort: with hostNetwork, a hostPort must equal its containerPort/,
      ),
    ]);
  });
});
