import { describe, expect, it } from "vitest";
import { apiServerProblems } from "./api-validation.js";
import { validateBundle } from "./embedded.js";
import { schemaInputProblems } from "./rule.js";
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

  it("refuses a subPath that leaves its volume, Bidirectional propagation in an unprivileged container, a block device of no claim", () => {
    const yaml = `${deployment({
      extra: `          volumeMounts:
            - {name: tmp, mountPath: /tmp, subPath: ../../etc}
            - {name: tmp, mountPath: /cache, subPathExpr: /$(POD_NAME)}
            - {name: tmp, mountPath: /data, subPath: a, subPathExpr: b}
            - {name: tmp, mountPath: /shared, mountPropagation: Bidirectional}
            - {name: tmp, mountPath: /ok, subPath: x/..y/z, mountPropagation: HostToContainer}
          volumeDevices:
            - {name: raw, devicePath: /dev/xvda}
            - {name: disk, devicePath: /dev/../sda}
`,
    })}      volumes: [{name: tmp, emptyDir: {}}, {name: raw, emptyDir: {}}, {name: disk, persistentVolumeClaim: {claimName: disk}}]
`;
    expect(problems(yaml)).toEqual([
      "19:16 invalid spec.template.spec.containers[0].volumeDevices[0].name: can only use volume source type of PersistentVolumeClaim or Ephemeral for block mode (the API server refuses the object)",
      "20:28 invalid spec.template.spec.containers[0].volumeDevices[1].devicePath: the devicePath can not contain backsteps ('..') (the API server refuses the object)",
      "13:44 invalid spec.template.spec.containers[0].volumeMounts[0].subPath: the subPath must not contain '..' (the API server refuses the object)",
      "14:46 invalid spec.template.spec.containers[0].volumeMounts[1].subPathExpr: the subPathExpr must be a relative path (the API server refuses the object)",
      "15:57 invalid spec.template.spec.containers[0].volumeMounts[2].subPathExpr: subPathExpr and subPath are mutually exclusive (the API server refuses the object)",
      "16:47 invalid spec.template.spec.containers[0].volumeMounts[3].mountPropagation: Bidirectional mount propagation is available only to privileged containers (the API server refuses the object)",
    ]);
    const privileged = `${deployment({
      extra: `          securityContext: {privileged: true}
          volumeMounts: [{name: tmp, mountPath: /shared, mountPropagation: Bidirectional}]
`,
    })}      volumes: [{name: tmp, emptyDir: {}}]
`;
    expect(problems(privileged)).toEqual([]);
  });

  it("refuses an image volume's pull policy outside Always, IfNotPresent and Never (its schema has no enum)", () => {
    const yaml = `${deployment()}      volumes:
        - {name: models, image: {reference: ghcr.io/scout/models:1.0, pullPolicy: Sometimes}}
        - {name: data, image: {reference: ghcr.io/scout/data:1.0, pullPolicy: ""}}
        - {name: more, image: {reference: ghcr.io/scout/more:1.0, pullPolicy: Never}}
`;
    expect(problems(yaml)).toEqual([
      "13:71 invalid spec.template.spec.volumes[0].image.pullPolicy: the pull policy is not one of Always, IfNotPresent, Never (the API server refuses the object)",
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
    const typed = (type: string, body: string) =>
      problems(`apiVersion: v1\nkind: Secret\nmetadata: {name: scout}\ntype: ${type}\n${body}`);
    expect(typed("kubernetes.io/basic-auth", "data: {token: YQ==}\n")).toEqual([
      expect.stringMatching(/needs the key username or the key password/),
    ]);
    expect(typed("kubernetes.io/basic-auth", 'stringData: {password: ""}\n')).toEqual([]);
    expect(typed("kubernetes.io/ssh-auth", 'data: {ssh-privatekey: ""}\n')).toEqual([
      expect.stringMatching(/needs a non-empty key ssh-privatekey/),
    ]);
    expect(typed("kubernetes.io/service-account-token", "data: {}\n")).toEqual([
      expect.stringMatching(/needs the annotation kubernetes\.io\/service-account\.name/),
    ]);
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

  it("refuses a role rule without API groups or resources, with no verbs, or with non-resource URLs in a Role or beside resources", () => {
    const yaml = `apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: r, namespace: scout}
rules:
  - resources: [configmaps]
    verbs: [get]
  - apiGroups: [""]
    verbs: [get]
  - nonResourceURLs: [/healthz]
    verbs: [get]
  - apiGroups: [""]
    resources: [secrets]
    verbs: []
  - apiGroups: [""]
    resources: [pods]
    verbs: [get]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: c}
rules:
  - nonResourceURLs: [/healthz]
    verbs: [get]
  - nonResourceURLs: [/metrics]
    resources: [pods]
    verbs: [get]
`;
    // rbac-oracle (ValidateRole / ValidateClusterRole, v1.37.2) refuses the Role for rules 0 to 3
    // and the ClusterRole for its rule 1, and accepts the rest.
    expect(problems(yaml)).toEqual([
      '5:5 invalid rules[0].apiGroups: a resource rule must name at least one API group ("" is the core group) (the API server refuses the object)',
      "7:5 invalid rules[1].resources: a resource rule must name at least one resource (the API server refuses the object)",
      "9:5 invalid rules[2].nonResourceURLs: a Role's rules cannot apply to non-resource URLs (the API server refuses the object)",
      "13:5 invalid rules[3].verbs: verbs must contain at least one value (the API server refuses the object)",
      "24:5 invalid rules[1].nonResourceURLs: a rule cannot apply to both resources and non-resource URLs (the API server refuses the object)",
    ]);
  });

  it("refuses a binding's roleRef of another API group or kind, or with no name or a name with a slash", () => {
    const yaml = `apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: a, namespace: scout}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Roles, name: r}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: b, namespace: scout}
roleRef: {apiGroup: rbac, kind: Role, name: ""}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: c}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: a/b}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: d, namespace: scout}
roleRef: {kind: ClusterRole, name: view}
`;
    // rbac-oracle refuses a, b and c, and accepts d (its apiGroup is defaulted).
    expect(problems(yaml)).toEqual([
      "4:48 invalid roleRef.kind: a RoleBinding refers to a Role or a ClusterRole (the API server refuses the object)",
      "9:11 invalid roleRef.apiGroup: the role's API group is rbac.authorization.k8s.io (the API server refuses the object)",
      "9:39 invalid roleRef.name: names no role (the API server refuses the object)",
      "14:48 invalid roleRef.kind: a ClusterRoleBinding refers to a ClusterRole (the API server refuses the object)",
      "14:60 invalid roleRef.name: may not contain '/' or '%' (the API server refuses the object)",
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

  it("refuses a selector with an unknown operator once, as invalid, not again as a mismatch", () => {
    const withExpression = (expression: string) =>
      deployment().replace(
        "{matchLabels: {app: backend}}",
        `{matchLabels: {app: backend}, matchExpressions: [${expression}]}`,
      );
    expect(problems(withExpression("{key: tier, operator: DoesNotExist}"))).toEqual([]);
    expect(problems(withExpression("{key: tier, operator: Missing}"))).toEqual([
      expect.stringMatching(
        /^5:\d+ invalid spec\.selector\.matchExpressions\[0\]: "Missing" is no selector operator \(In, NotIn, Exists, DoesNotExist\) \(the API server refuses the object\)$/,
      ),
    ]);
    expect(problems(withExpression("{key: app, operator: In, values: [frontend]}"))).toEqual([
      expect.stringMatching(/spec\.selector: the selector does not match the template's labels/),
    ]);
  });

  it("accepts relaxed variable names and repeated ones, refuses '=', control characters and bad envFrom", () => {
    const withEnv = (env: string) => deployment({ extra: `${env}\n` });
    expect(
      problems(
        withEnv(
          '          env: [{name: my.var-1, value: a}, {name: "1ST VAR", value: b}, {name: my.var-1, value: c}]\n          envFrom: [{prefix: "app.", configMapRef: {name: scout}}]',
        ),
      ),
    ).toEqual([]);
    const found = problems(
      withEnv(
        '          env: [{name: "A=B", value: hunter2}, {name: "TAB\\tX", value: x}, {name: T, value: v, valueFrom: {secretKeyRef: {name: s, key: k}}}]\n          envFrom: [{prefix: "P=", secretRef: {name: s}}, {configMapRef: {name: a}, secretRef: {name: b}}]',
      ),
    );
    expect(found).toEqual([
      expect.stringMatching(
        /env\[0\]\.name: the variable name has characters other than printable ASCII, or '='/,
      ),
      expect.stringMatching(/env\[1\]\.name: the variable name has characters other than/),
      expect.stringMatching(/env\[2\]\.valueFrom: valueFrom may not be set beside a value/),
      expect.stringMatching(/envFrom\[0\]\.prefix: the prefix has characters other than/),
      expect.stringMatching(
        /envFrom\[1\]: an envFrom entry needs exactly one of configMapRef and secretRef/,
      ),
    ]);
    expect(found.join("\n")).not.toContain("hunter2");
  });

  it("refuses integers the API server cannot decode into int32 or int64, accepts 80.0 and 1e3", () => {
    const yaml = deployment({
      spec: "  replicas: 3000000000\n  revisionHistoryLimit: 1e3\n",
      extra:
        "          ports: [{containerPort: 8000.0}]\n          securityContext: {runAsUser: 3000000000}\n          livenessProbe: {tcpSocket: {port: 8000}, periodSeconds: 1e12}\n",
    });
    expect(problems(yaml)).toEqual([
      "5:3 invalid spec.replicas: replicas is a 32-bit integer (-2147483648 to 2147483647): the API server cannot decode it (the API server refuses the object)",
      expect.stringMatching(
        /containers\[0\]\.livenessProbe\.periodSeconds: periodSeconds is a 32-bit integer/,
      ),
      // runAsUser is an int64: 3000000000 decodes, and is refused as a user ID, not as a number.
      expect.stringMatching(/securityContext\.runAsUser: runAsUser is 0 to 2147483647 \(/),
    ]);
  });

  it("refuses negative counts of workloads, Jobs and probes, and a progress deadline not above minReadySeconds", () => {
    const yaml = deployment({
      spec: "  minReadySeconds: 30\n  progressDeadlineSeconds: 30\n  revisionHistoryLimit: -1\n",
      extra:
        "          readinessProbe: {tcpSocket: {port: 8000}, periodSeconds: -5, failureThreshold: 0}\n",
    });
    expect(problems(yaml)).toEqual([
      expect.stringMatching(
        /^6:3 invalid spec\.progressDeadlineSeconds: progressDeadlineSeconds must be greater than minReadySeconds/,
      ),
      expect.stringMatching(/spec\.revisionHistoryLimit: revisionHistoryLimit may not be negative/),
      expect.stringMatching(/readinessProbe\.periodSeconds: periodSeconds may not be negative/),
    ]);
    const job = `apiVersion: batch/v1
kind: Job
metadata: {name: migrate}
spec:
  backoffLimit: -1
  template:
    spec:
      restartPolicy: Never
      containers: [{name: migrate, image: scout/backend:1.0}]
`;
    expect(problems(job)).toEqual([
      expect.stringMatching(/^5:3 invalid spec\.backoffLimit: backoffLimit may not be negative/),
    ]);
    expect(problems(deployment({ spec: "  minReadySeconds: 600\n" }))).toEqual([
      expect.stringMatching(
        /spec\.minReadySeconds: minReadySeconds must be below progressDeadlineSeconds \(600 by default\)/,
      ),
    ]);
  });

  it("judges a Service by its type: ExternalName, nodePorts, clusterIP, traffic policy, source ranges", () => {
    const service = (spec: string, version?: string) =>
      positioned(
        validateBundle(
          bundleOf(`apiVersion: v1
kind: Service
metadata: {name: backend}
spec:
${spec}`),
          version ? { kubernetesVersion: version } : {},
        ),
      );
    const port = "  ports: [{name: http, port: 80}]\n";
    expect(
      service(
        `  type: NodePort\n  ports: [{port: 80, nodePort: 30080}]\n  externalTrafficPolicy: Local\n`,
      ),
    ).toEqual([]);
    expect(service(`  clusterIP: None\n  selector: {app: redis}\n`)).toEqual([]);
    expect(service(`  type: ExternalName\n  externalName: db.example.com.\n`)).toEqual([]);
    expect(
      service(`  type: LoadBalancer\n${port}  loadBalancerSourceRanges: [" 10.0.0.0/8 "]\n`),
    ).toEqual([]);
    expect(service(`  selector: {app: backend}\n`)).toEqual([
      expect.stringMatching(/^4:1 invalid spec: a Service needs ports/),
    ]);
    expect(
      service(`  type: ExternalName\n  externalName: db_1.example.com\n  clusterIP: 10.96.0.10\n`),
    ).toEqual([
      expect.stringMatching(/spec\.clusterIP: an ExternalName Service may not have a clusterIP/),
      expect.stringMatching(/spec\.externalName: the externalName is no DNS-1123 subdomain/),
    ]);
    expect(
      service(`  ports: [{port: 80, nodePort: 30080}]\n  externalTrafficPolicy: Local\n`),
    ).toEqual([
      expect.stringMatching(
        /spec\.externalTrafficPolicy: externalTrafficPolicy may only be set on a Service reachable from outside/,
      ),
      expect.stringMatching(
        /spec\.ports\[0\]\.nodePort: a nodePort may not be set on a ClusterIP Service/,
      ),
    ]);
    expect(
      service(
        `  type: NodePort\n  ports: [{name: a, port: 80, nodePort: 8080}, {name: b, port: 81, nodePort: 30081}, {name: c, port: 82, nodePort: 30081}]\n`,
      ),
    ).toEqual([
      expect.stringMatching(/ports\[0\]\.nodePort: a nodePort is 30000 to 32767/),
      expect.stringMatching(
        /ports\[2\]\.nodePort: another port of the Service has the same nodePort and protocol/,
      ),
    ]);
    expect(service(`  type: LoadBalancer\n  clusterIP: None\n${port}`)).toEqual([
      expect.stringMatching(/spec\.clusterIP: a LoadBalancer Service may not be headless/),
    ]);
    expect(
      service(`  clusterIP: 10.96.0.300\n${port}  loadBalancerSourceRanges: [10.0.0.0/8]\n`),
    ).toEqual([
      expect.stringMatching(/spec\.clusterIP: the clusterIP is no IP address/),
      expect.stringMatching(
        /spec\.loadBalancerSourceRanges: loadBalancerSourceRanges may only be set on a LoadBalancer Service/,
      ),
    ]);
    // Strict IP validation came with 1.36: 1.35 creates what 1.36 refuses.
    const sloppy = `  type: LoadBalancer\n  clusterIP: 10.096.0.10\n${port}  loadBalancerSourceRanges: [10.0.0.1/8]\n`;
    expect(service(sloppy, "1.35")).toEqual([]);
    expect(service(sloppy, "1.36")).toEqual([
      expect.stringMatching(
        /spec\.clusterIP: the clusterIP has leading zeros, which Kubernetes 1\.36 and later refuse/,
      ),
      expect.stringMatching(
        /loadBalancerSourceRanges\[0\]: the source range has bits set beyond the prefix length/,
      ),
    ]);
  });

  it("refuses an Ingress without pathType, with paths of the wrong form, bad hosts and backends", () => {
    const ingress = (body: string) => `apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: web, namespace: scout}
spec:
${body}`;
    const backend = "{service: {name: nginx, port: {number: 80}}}";
    expect(
      problems(
        ingress(`  tls: [{hosts: ["*.scout.example"], secretName: web-tls}]
  rules:
    - host: "*.scout.example"
      http:
        paths:
          - {path: /api, pathType: Prefix, backend: ${backend}}
          - {path: /, pathType: Exact, backend: {service: {name: nginx, port: {name: http}}}}
          - {pathType: ImplementationSpecific, backend: ${backend}}
`),
      ),
    ).toEqual([]);
    expect(problems(ingress("  ingressClassName: nginx\n"))).toEqual([
      expect.stringMatching(/^4:1 invalid spec: an Ingress needs a defaultBackend or rules/),
    ]);
    expect(
      problems(
        ingress(`  rules:
    - host: 10.0.0.1
      http:
        paths:
          - {path: /api, backend: ${backend}}
          - {path: api, pathType: Prefix, backend: ${backend}}
          - {path: /a//b, pathType: Exact, backend: ${backend}}
          - {path: /static/.., pathType: Prefix, backend: ${backend}}
          - {path: /, pathType: Prefix, backend: {service: {name: nginx, port: {name: http, number: 80}}}}
          - {path: /, pathType: Exact, backend: {service: {name: nginx, port: {}}}}
`),
      ),
    ).toEqual([
      expect.stringMatching(
        /rules\[0\]\.host: the host is an IP address: an Ingress host is a DNS name/,
      ),
      expect.stringMatching(
        /^9:13 required spec\.rules\[0\]\.http\.paths\[0\]: missing required field pathType/,
      ),
      expect.stringMatching(/paths\[1\]\.path: a Prefix path must be absolute/),
      expect.stringMatching(/paths\[2\]\.path: an Exact path may not contain '\/\/'/),
      expect.stringMatching(/paths\[3\]\.path: a Prefix path may not end with '\/\.\.'/),
      expect.stringMatching(
        /paths\[4\]\.backend\.service\.port: a backend port has a name or a number, not both/,
      ),
      expect.stringMatching(
        /paths\[5\]\.backend\.service\.port: a backend port needs a name or a number/,
      ),
    ]);
  });

  it("refuses an autoscaler below one replica or with max below min, a budget with both bounds", () => {
    const hpa = (bounds: string) => `apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: {name: backend}
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: backend}
${bounds}`;
    expect(problems(hpa("  minReplicas: 2\n  maxReplicas: 5\n"))).toEqual([]);
    expect(problems(hpa("  minReplicas: 0\n  maxReplicas: 5\n"))).toEqual([
      expect.stringMatching(/^6:3 invalid spec\.minReplicas: minReplicas must be at least 1/),
    ]);
    expect(problems(hpa("  minReplicas: 4\n  maxReplicas: 3\n"))).toEqual([
      expect.stringMatching(/spec\.maxReplicas: maxReplicas may not be below minReplicas/),
    ]);
    const pdb = (bounds: string) => `apiVersion: policy/v1
kind: PodDisruptionBudget
metadata: {name: backend}
spec:
  selector: {matchLabels: {app: backend}}
${bounds}`;
    expect(problems(pdb("  minAvailable: 50%\n"))).toEqual([]);
    expect(problems(pdb("  minAvailable: 1\n  maxUnavailable: 1\n"))).toEqual([
      expect.stringMatching(
        /spec\.maxUnavailable: minAvailable and maxUnavailable may not both be set/,
      ),
    ]);
    expect(problems(pdb("  maxUnavailable: 150%\n"))).toEqual([
      expect.stringMatching(/spec\.maxUnavailable: maxUnavailable may not be above 100%/),
    ]);
    expect(problems(pdb("  minAvailable: half\n"))).toEqual([
      expect.stringMatching(/spec\.minAvailable: minAvailable is a count or a percentage like 50%/),
    ]);
  });

  it("refuses a custom resource named other than a DNS-1123 subdomain", () => {
    const certificate = (name: string) => `apiVersion: cert-manager.io/v1
kind: Certificate
metadata: {name: ${name}, namespace: scout}
spec: {secretName: web-tls}
`;
    const custom = (yaml: string) => problems(yaml).filter((p) => p.includes(" invalid "));
    expect(custom(certificate("web-tls"))).toEqual([]);
    // A removed built-in apiVersion is unserved (its own finding), not a custom resource.
    const removed = certificate("Web_TLS").replace("cert-manager.io/v1", "extensions/v1beta1");
    expect(problems(removed).join("\n")).not.toMatch(/custom resource/);
    expect(custom(certificate("Web_TLS"))).toEqual([
      expect.stringMatching(
        /^3:12 invalid metadata\.name: the name of a custom resource is no DNS-1123 subdomain/,
      ),
    ]);
  });

  it("refuses an Ingress backend Service name, class or TLS secret name in the wrong format", () => {
    const yaml = `apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: web}
spec:
  ingressClassName: Nginx
  tls: [{hosts: [scout.example], secretName: web_tls}]
  defaultBackend: {service: {name: 1nginx, port: {number: 80}}}
`;
    expect(problems(yaml)).toEqual([
      expect.stringMatching(
        /spec\.defaultBackend\.service\.name: the Service name does not start with a letter/,
      ),
      expect.stringMatching(
        /spec\.ingressClassName: the ingressClassName is no DNS-1123 subdomain/,
      ),
      expect.stringMatching(/spec\.tls\[0\]\.secretName: the secretName is no DNS-1123 subdomain/),
    ]);
  });

  it("judges a pod's host aliases and nameservers as IPs of the target version", () => {
    const withAddresses = deployment().replace(
      "    spec:\n      containers:",
      '    spec:\n      hostAliases: [{ip: 10.0.0.010, hostnames: [db.local]}, {ip: db, hostnames: [Cache_1]}]\n      dnsConfig: {nameservers: ["::ffff:10.0.0.2"]}\n      containers:',
    );
    const found = (version: string) =>
      positioned(validateBundle(bundleOf(withAddresses), { kubernetesVersion: version }));
    expect(found("1.35")).toEqual([
      expect.stringMatching(
        /hostAliases\[1\]\.hostnames\[0\]: the hostname is no DNS-1123 subdomain/,
      ),
      expect.stringMatching(/hostAliases\[1\]\.ip: the host alias IP is no IP address/),
    ]);
    expect(found("1.37")).toEqual([
      expect.stringMatching(
        /dnsConfig\.nameservers\[0\]: the nameserver is an IPv4-mapped IPv6 address, which Kubernetes 1\.36 and later refuse/,
      ),
      expect.stringMatching(/hostAliases\[0\]\.ip: the host alias IP has leading zeros/),
      expect.stringMatching(
        /hostAliases\[1\]\.hostnames\[0\]: the hostname is no DNS-1123 subdomain/,
      ),
      expect.stringMatching(/hostAliases\[1\]\.ip: the host alias IP is no IP address/),
    ]);
  });

  it("judges env names by the target: relaxed from 1.32, a C-like identifier before (kubeconform may ask)", () => {
    const yaml = deployment({
      extra: '          env: [{name: my.var, value: a}, {name: "1ST VAR", value: b}]\n',
    });
    const on = (version: string) =>
      positioned(apiServerProblems(bundleOf(yaml), { kubernetesVersion: version }));
    expect(on("1.32")).toEqual([]);
    expect(on("1.31")).toEqual([
      expect.stringMatching(
        /env\[1\]\.name: the variable name has characters other than letters, digits, '-', '\.' and '_' or starts with a digit, which Kubernetes before 1\.32 refuses/,
      ),
    ]);
  });
});

/** A Pod of `spec` lines (indented as the spec's fields), for the OS-specific checks. */
const pod = (spec: string) => `apiVersion: v1
kind: Pod
metadata: {name: web, namespace: scout}
spec:
${spec}  containers:
    - name: api
      image: scout/backend:1.0
`;

// Found by the API-server validation differential (packages/cli/src/api-validation-differential.test.ts).
describe("what the API server refuses by the pod's OS and host namespaces", () => {
  it("refuses Linux-only fields on a Windows pod, each on its field", () => {
    const yaml = pod(`  os: {name: windows}
  hostUsers: false
  shareProcessNamespace: false
  securityContext: {runAsUser: 1000, fsGroup: 2000, supplementalGroups: [], sysctls: [], seccompProfile: {type: RuntimeDefault}}
`);
    expect(problems(yaml)).toEqual([
      "6:3 invalid spec.hostUsers: hostUsers cannot be set for a windows pod (spec.os.name is windows) (the API server refuses the object)",
      "8:38 invalid spec.securityContext.fsGroup: fsGroup cannot be set for a windows pod (spec.os.name is windows) (the API server refuses the object)",
      "8:21 invalid spec.securityContext.runAsUser: runAsUser cannot be set for a windows pod (spec.os.name is windows) (the API server refuses the object)",
      "8:90 invalid spec.securityContext.seccompProfile: seccompProfile cannot be set for a windows pod (spec.os.name is windows) (the API server refuses the object)",
      "8:53 invalid spec.securityContext.supplementalGroups: supplementalGroups cannot be set for a windows pod (spec.os.name is windows) (the API server refuses the object)",
      "7:3 invalid spec.shareProcessNamespace: shareProcessNamespace cannot be set for a windows pod (spec.os.name is windows) (the API server refuses the object)",
    ]);
  });

  it("refuses a Windows pod's container with readOnlyRootFilesystem or allowPrivilegeEscalation, in a Deployment too", () => {
    const yaml = deployment({
      spec: "",
      extra:
        "          securityContext: {readOnlyRootFilesystem: true, allowPrivilegeEscalation: false, runAsNonRoot: true}\n",
    }).replace(
      "    spec:\n      containers:",
      "    spec:\n      os: {name: windows}\n      containers:",
    );
    expect(problems(yaml)).toEqual([
      expect.stringContaining(
        "containers[0].securityContext.allowPrivilegeEscalation: allowPrivilegeEscalation cannot be set for a windows pod",
      ),
      expect.stringContaining(
        "containers[0].securityContext.readOnlyRootFilesystem: readOnlyRootFilesystem cannot be set for a windows pod",
      ),
    ]);
  });

  it("passes a Windows pod with only Windows fields, and the same fields set to null", () => {
    expect(
      problems(
        pod(`  os: {name: windows}
  securityContext: {runAsNonRoot: true, runAsUser: null, windowsOptions: {runAsUserName: ContainerUser}}
`),
      ),
    ).toEqual([]);
  });

  it("refuses windowsOptions on a Linux pod and an os.name that is neither", () => {
    expect(
      problems(
        pod("  os: {name: linux}\n  securityContext: {windowsOptions: {runAsUserName: x}}\n"),
      ),
    ).toEqual([
      expect.stringContaining(
        "spec.securityContext.windowsOptions: windowsOptions cannot be set for a linux pod",
      ),
    ]);
    expect(problems(pod("  os: {name: Windows}\n  securityContext: {runAsUser: 1}\n"))).toEqual([
      expect.stringContaining("spec.os: os.name is linux or windows"),
    ]);
  });

  it("refuses shareProcessNamespace with hostPID, and hostPID or hostIPC with hostUsers false", () => {
    expect(problems(pod("  hostPID: true\n  shareProcessNamespace: true\n"))).toEqual([
      expect.stringContaining(
        "spec.shareProcessNamespace: shareProcessNamespace and hostPID cannot both be enabled",
      ),
    ]);
    expect(problems(pod("  hostUsers: false\n  hostIPC: true\n  hostPID: true\n"))).toEqual([
      expect.stringContaining("spec.hostUsers: hostUsers: false forbids hostPID and hostIPC"),
    ]);
  });

  it("refuses a liveness or startup probe's successThreshold other than 1, not a readiness probe's", () => {
    const probe = (kind: string) =>
      deployment({
        extra: `          ${kind}: {tcpSocket: {port: 8000}, successThreshold: 2}\n`,
      });
    expect(problems(probe("livenessProbe"))).toEqual([
      expect.stringContaining(
        "livenessProbe.successThreshold: a livenessProbe's successThreshold must be 1",
      ),
    ]);
    expect(problems(probe("startupProbe"))).toHaveLength(1);
    expect(problems(probe("readinessProbe"))).toEqual([]);
  });

  it("refuses a probe's httpGet or tcpSocket port outside 1 to 65535 or no port name, a grpc port outside the range", () => {
    const probe = (handler: string) =>
      deployment({ extra: `          livenessProbe: {${handler}}\n` });
    expect(problems(probe("httpGet: {port: 0}"))).toEqual([
      expect.stringContaining("livenessProbe.httpGet.port: a httpGet port is 1 to 65535"),
    ]);
    expect(problems(probe("tcpSocket: {port: Port_Name}"))).toEqual([
      expect.stringContaining(
        "livenessProbe.tcpSocket.port: the tcpSocket port is no number and the port name",
      ),
    ]);
    expect(problems(probe("grpc: {port: 70000}"))).toEqual([
      expect.stringContaining("livenessProbe.grpc.port: a grpc port is 1 to 65535"),
    ]);
    expect(problems(probe("tcpSocket: {port: http}"))).toEqual([]);
  });
});

describe("a refusal with a cause of its own", () => {
  it("does not yield to a rule on the same field: a Windows pod's runAsUser 0 is refused, not only 'runs as root'", () => {
    const yaml = pod("  os: {name: windows}\n  securityContext: {runAsUser: 0}\n  hostPID: true\n");
    const inputs = schemaInputProblems(apiServerProblems(bundleOf(yaml)));
    expect(inputs.map((p) => [p.path, p.yieldsToRules])).toEqual([
      ["/spec/securityContext/runAsUser", undefined],
      ["/spec/hostPID", undefined],
    ]);
    // Every other refusal still yields to a rule's finding on its field: one cause, one finding.
    const linux = pod("  hostPID: true\n  shareProcessNamespace: true\n");
    expect(
      schemaInputProblems(apiServerProblems(bundleOf(linux))).map((p) => [p.path, p.yieldsToRules]),
    ).toEqual([["/spec/shareProcessNamespace", true]]);
  });
});

describe("init containers", () => {
  it("refuses probes and lifecycle hooks on an init container that is no sidecar, accepts them on a sidecar", () => {
    const withInit = (extra: string) =>
      pod(`  initContainers:
    - name: migrate
      image: scout/backend:1.0
${extra}      readinessProbe: {tcpSocket: {port: 8000}}
      lifecycle: {preStop: {sleep: {seconds: 1}}}
`);
    expect(problems(withInit(""))).toEqual([
      expect.stringContaining(
        "spec.initContainers[0].lifecycle: lifecycle may not be set for an init container without restartPolicy Always",
      ),
      expect.stringContaining(
        "spec.initContainers[0].readinessProbe: readinessProbe may not be set",
      ),
    ]);
    expect(problems(withInit("      restartPolicy: Always\n"))).toEqual([]);
  });
});

describe("Service node ports", () => {
  it("refuses a repeated nodePort and protocol on an ExternalName Service too, accepts one", () => {
    const service = (ports: string) => `apiVersion: v1
kind: Service
metadata: {name: db, namespace: scout}
spec:
  type: ExternalName
  externalName: db.example.com
  ports: ${ports}
`;
    expect(
      problems(
        service("[{name: a, port: 443, nodePort: 32767}, {name: b, port: 8080, nodePort: 32767}]"),
      ),
    ).toEqual([
      expect.stringContaining(
        "spec.ports[1].nodePort: another port of the Service has the same nodePort and protocol",
      ),
    ]);
    expect(problems(service("[{name: a, port: 443, nodePort: 32767}]"))).toEqual([]);
  });
});

describe("resources that cannot be overcommitted", () => {
  const withResources = (resources: string) =>
    deployment({ extra: `          resources: ${resources}\n` });
  it("refuses an extended resource or hugepages requested without an equal limit, hugepages without cpu or memory", () => {
    expect(
      problems(withResources("{requests: {example.com/gpu: 1}, limits: {example.com/gpu: 2}}")),
    ).toEqual([
      expect.stringContaining(
        `resources.requests["example.com/gpu"]: a example.com/gpu request needs a limit equal to it`,
      ),
    ]);
    expect(problems(withResources("{requests: {hugepages-2Mi: 4Mi}}"))).toEqual([
      expect.stringContaining("resources: hugepages require a cpu or memory request or limit"),
      expect.stringContaining(
        "resources.requests.hugepages-2Mi: a hugepages-2Mi request needs a limit",
      ),
    ]);
  });
  it("accepts an extended resource or hugepages limited only (defaulting copies the limit), and native overcommit", () => {
    expect(
      problems(withResources("{limits: {example.com/gpu: 1, hugepages-2Mi: 4Mi, memory: 1Gi}}")),
    ).toEqual([]);
    expect(
      problems(withResources("{requests: {cpu: 100m, kubernetes.io/x: 1}, limits: {cpu: 1}}")),
    ).toEqual([]);
  });
});

describe("workload specs' own rules", () => {
  const object = (kind: string, apiVersion: string, spec: string) => `apiVersion: ${apiVersion}
kind: ${kind}
metadata: {name: web, namespace: scout}
spec:
${spec}  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      restartPolicy: ${kind === "Job" ? "Never" : "Always"}
      containers: [{name: api, image: scout/backend:1.0}]
`;
  it("refuses enumerations the schema leaves open, a rollingUpdate beside Recreate or OnDelete, a bad serviceName", () => {
    expect(
      problems(
        object(
          "StatefulSet",
          "apps/v1",
          "  podManagementPolicy: Random\n  serviceName: Web_Svc\n  persistentVolumeClaimRetentionPolicy: {whenDeleted: Keep}\n  updateStrategy: {type: OnDelete, rollingUpdate: {partition: 1}}\n",
        ),
      ),
    ).toEqual(
      expect.arrayContaining([
        expect.stringContaining(
          "spec.podManagementPolicy: podManagementPolicy is one of OrderedReady, Parallel",
        ),
        expect.stringContaining("spec.serviceName: the serviceName"),
        expect.stringContaining(
          "spec.persistentVolumeClaimRetentionPolicy.whenDeleted: whenDeleted is Retain or Delete",
        ),
        expect.stringContaining(
          "spec.updateStrategy.rollingUpdate: a rollingUpdate may be set only when the type is RollingUpdate",
        ),
      ]),
    );
    expect(
      problems(
        object(
          "Deployment",
          "apps/v1",
          "  strategy: {type: Recreate, rollingUpdate: {maxSurge: 1}}\n",
        ),
      ),
    ).toEqual([
      expect.stringContaining(
        "spec.strategy.rollingUpdate: a rollingUpdate may be set only when the type is RollingUpdate",
      ),
    ]);
    expect(
      problems(object("Deployment", "apps/v1", "  strategy: {rollingUpdate: {maxSurge: 1}}\n")),
    ).toEqual([]);
  });
  it("refuses a DaemonSet update that may neither surge nor drop a pod, a Job's unknown completionMode", () => {
    expect(
      problems(
        object("DaemonSet", "apps/v1", "  updateStrategy: {rollingUpdate: {maxUnavailable: 0}}\n"),
      ),
    ).toEqual([expect.stringContaining("maxUnavailable cannot be 0 when maxSurge is 0")]);
    expect(
      problems(
        object(
          "DaemonSet",
          "apps/v1",
          "  updateStrategy: {rollingUpdate: {maxUnavailable: 0, maxSurge: 1}}\n",
        ),
      ),
    ).toEqual([]);
    expect(
      problems(object("Job", "batch/v1", "  completionMode: Sometimes\n  manualSelector: true\n")),
    ).toEqual([
      expect.stringContaining("spec.completionMode: completionMode is one of NonIndexed, Indexed"),
    ]);
  });
});

describe("rollouts and schedules", () => {
  it("refuses a Deployment's maxUnavailable above 100%, a surge that is no count or percentage, both 0", () => {
    const rollout = (update: string) =>
      deployment({ spec: `  strategy: {rollingUpdate: ${update}}\n` });
    expect(problems(rollout("{maxUnavailable: 110%}"))).toEqual([
      expect.stringContaining("maxUnavailable: maxUnavailable may not be above 100%"),
    ]);
    expect(problems(rollout("{maxSurge: x}"))).toEqual([
      expect.stringContaining("maxSurge: maxSurge is a count or a percentage like 25%"),
    ]);
    expect(problems(rollout("{maxSurge: 0, maxUnavailable: 0%}"))).toEqual([
      expect.stringContaining("maxUnavailable: maxUnavailable may not be 0 when maxSurge is 0"),
    ]);
    expect(problems(rollout("{maxSurge: 0}"))).toEqual([]);
  });
  it("refuses a CronJob schedule the cron parser refuses or with TZ in it, and a timeZone that is no zone name", () => {
    const cron = (fields: string) => `apiVersion: batch/v1
kind: CronJob
metadata: {name: backup, namespace: scout}
spec:
${fields}  jobTemplate:
    spec:
      template:
        spec:
          restartPolicy: OnFailure
          containers: [{name: backup, image: scout/backup:1.0}]
`;
    for (const [schedule, reason] of [
      ["61 * * * *", "the minute field is outside 0 to 59"],
      ["every hour", "a schedule has exactly 5 fields"],
      ["TZ=UTC 0 * * * *", "a schedule may not hold TZ"],
      ["0 0 * * 7", "the day of week field is outside 0 to 6"],
      ["*/0 * * * *", "the minute field's step is no positive number"],
      ["@fortnightly", "the schedule is no known @ descriptor"],
    ])
      expect(problems(cron(`  schedule: "${schedule}"\n`)), schedule).toEqual([
        expect.stringContaining(`spec.schedule: ${reason}`),
      ]);
    for (const schedule of [
      "*/5 * * * *",
      "@hourly",
      "0 9 * JAN-MAR mon-fri",
      "0,30 8-18/2 1 * ?",
      "@every 1h30m",
    ])
      expect(problems(cron(`  schedule: "${schedule}"\n`)), schedule).toEqual([]);
    expect(problems(cron('  schedule: "@daily"\n  timeZone: " UTC"\n'))).toEqual([
      expect.stringContaining("spec.timeZone: timeZone is no time zone name"),
    ]);
    for (const zone of ["America/New_York", "Etc/GMT+5"])
      expect(problems(cron(`  schedule: "@daily"\n  timeZone: ${zone}\n`)), zone).toEqual([]);
  });
});

describe("a StatefulSet's rolling update", () => {
  it("refuses maxUnavailable 0, accepts 1 and 50%", () => {
    const set = (value: string) => `apiVersion: apps/v1
kind: StatefulSet
metadata: {name: db, namespace: scout}
spec:
  serviceName: db
  updateStrategy: {rollingUpdate: {maxUnavailable: ${value}}}
  selector: {matchLabels: {app: db}}
  template:
    metadata: {labels: {app: db}}
    spec:
      containers: [{name: db, image: scout/db:1.0}]
`;
    expect(problems(set("0"))).toEqual([
      expect.stringContaining("rollingUpdate.maxUnavailable: maxUnavailable cannot be 0"),
    ]);
    expect(problems(set("1"))).toEqual([]);
    expect(problems(set("50%"))).toEqual([]);
  });
});

describe("an Indexed Job", () => {
  it("refuses completionMode Indexed with parallelism but no completions, accepts it with them or with neither", () => {
    const job = (spec: string) => `apiVersion: batch/v1
kind: Job
metadata: {name: shard, namespace: scout}
spec:
${spec}  template:
    spec:
      restartPolicy: Never
      containers: [{name: shard, image: scout/shard:1.0}]
`;
    expect(problems(job("  completionMode: Indexed\n  parallelism: 2\n"))).toEqual([
      expect.stringContaining("spec.completionMode: an Indexed Job needs completions"),
    ]);
    expect(problems(job("  completionMode: Indexed\n  completions: 3\n"))).toEqual([]);
    // Found by the differential as a false refusal: with neither count, both default to 1.
    expect(problems(job("  completionMode: Indexed\n"))).toEqual([]);
  });
});
