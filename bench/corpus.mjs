// A synthetic corpus of Scout-like objects: Deployments, Services, ConfigMaps in a 4:3:3 mix.
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";

function deployment(i) {
  return `apiVersion: apps/v1
kind: Deployment
metadata:
  name: app-${i}
  namespace: scout
  labels: {app.kubernetes.io/name: scout, app.kubernetes.io/component: backend}
spec:
  replicas: 2
  selector:
    matchLabels: {app.kubernetes.io/component: backend, instance: "${i}"}
  template:
    metadata:
      labels: {app.kubernetes.io/component: backend, instance: "${i}"}
    spec:
      serviceAccountName: scout-backend
      securityContext: {runAsNonRoot: true, runAsUser: ${i % 7 === 0 ? 0 : 1000}, seccompProfile: {type: RuntimeDefault}}
      containers:
        - name: api
          image: scout/backend:1.${i % 10}.0
          ports: [{name: http, containerPort: 8000}]
          readinessProbe: {httpGet: {path: /docs, port: 8000}}
          livenessProbe: {httpGet: {path: /docs, port: 8000}}
          resources:
            requests: {cpu: 100m, memory: 128Mi}
            limits: {cpu: 500m, memory: 256Mi}
          securityContext:
            readOnlyRootFilesystem: true
            allowPrivilegeEscalation: ${i % 5 === 0 ? "true" : "false"}
            capabilities: {drop: [ALL]}
          volumeMounts: [{name: tmp, mountPath: /tmp}]
      volumes: [{name: tmp, emptyDir: {}}]
`;
}

function service(i) {
  return `apiVersion: v1
kind: Service
metadata:
  name: svc-${i}
  namespace: scout
spec:
  selector: {app.kubernetes.io/component: backend, instance: "${i}"}
  ports:
    - name: http
      port: 80
      targetPort: 8000
`;
}

function configMap(i) {
  const data = Array.from(
    { length: 12 },
    (_, k) => `  setting_${k}: "value-${i}-${k}-${"x".repeat(20)}"`,
  ).join("\n");
  return `apiVersion: v1
kind: ConfigMap
metadata:
  name: config-${i}
  namespace: scout
data:
${data}
`;
}

/** Writes `count` objects into 100 files under `dir`; returns the total size in bytes. */
export function writeCorpus(dir, count = 10_000) {
  mkdirSync(dir, { recursive: true });
  const makers = [
    deployment,
    deployment,
    deployment,
    deployment,
    service,
    service,
    service,
    configMap,
    configMap,
    configMap,
  ];
  const perFile = Math.ceil(count / 100);
  let bytes = 0;
  for (let file = 0; file < 100; file++) {
    const docs = [];
    for (let k = 0; k < perFile && file * perFile + k < count; k++) {
      const i = file * perFile + k;
      docs.push(makers[i % makers.length](i));
    }
    const text = docs.join("---\n");
    bytes += Buffer.byteLength(text);
    writeFileSync(join(dir, `part-${String(file).padStart(3, "0")}.yaml`), text);
  }
  return bytes;
}
