/**
 * Distinctive secret values planted in every place a Kubernetes manifest can hold one, and a
 * scanner that finds any of them (whole, base64-encoded, or any 8 characters of it) in an
 * output. Tests of every command and of the Action run the same manifests through all their
 * outputs: a formatter, a schema message or a parse error that quotes a value shows up here.
 */
export const PLANTED_SECRETS = {
  secretData: "Zq8WmT3vXk5Jr7Lp",
  secretStringData: "Hn4QsB9cYw2Fd6Gt",
  secretNotBase64: "Vb5!Nm8$Kc3@Px7#",
  secretAnnotation: "Rf2TyU6iOp9AsD1g",
  secretNumber: 739154820661,
  envValue: "Lk7JhG3fDs5AqW8e",
  envNumber: 846205173399,
  argValue: "Mx9CvB2nQw4ErT6y",
  commandValue: "Pz3XcV7bNm1LkJ5h",
  podAnnotation: "Ui8OpA2sDf4GhJ6k",
  configMapPassword: "Wq1ErT5yUi9OpA3s",
  configMapNumber: 582039174466,
  brokenDuplicate: "Gh5JkL9zXc2VbN7m",
  brokenSyntax: "Yt6ReW1qAs8DfG4h",
  brokenTab: "Jn3BvC7xZl5KmQ9w",
} as const;

const b64 = (value: string | number) => Buffer.from(String(value)).toString("base64");
const P = PLANTED_SECRETS;

/** Manifests with every planted value, by file name (one with a tab in its indentation). */
export const PLANTED_MANIFESTS: Readonly<Record<string, string>> = {
  "secret.yaml": `apiVersion: v1
kind: Secret
metadata:
  name: app-secrets
  namespace: shop
  annotations:
    example.io/previous-token: ${P.secretAnnotation}
type: Opaque
data:
  api-token: ${b64(P.secretData)}
  not-base64: "${P.secretNotBase64}"
stringData:
  redis-password: ${P.secretStringData}
  pin: ${P.secretNumber}
`,
  "configmap.yaml": `apiVersion: v1
kind: ConfigMap
metadata:
  name: app-config
  namespace: shop
data:
  DB_PASSWORD: ${P.configMapPassword}
  REDIS_PASSWORD: ${P.configMapNumber}
`,
  "deployment.yaml": `apiVersion: apps/v1
kind: Deployment
metadata:
  name: backend
  namespace: shop
  labels: {app.kubernetes.io/component: backend}
spec:
  selector: {matchLabels: {app.kubernetes.io/component: backend}}
  template:
    metadata:
      labels: {app.kubernetes.io/component: backend}
      annotations:
        example.io/debug-token: ${P.podAnnotation}
    spec:
      containers:
        - name: api
          image: acme/backend:1.0
          command: ["/bin/backend", "--token=${P.commandValue}"]
          args: ["--password", "${P.argValue}"]
          env:
            - name: API_TOKEN
              value: ${P.envValue}
            - name: PIN
              value: ${P.envNumber}
`,
  "tab-secret.yaml": `apiVersion: v1
kind: Secret
metadata:
  name: tabbed
  namespace: shop
stringData:
\tpassword: ${P.brokenTab}
`,
};

/**
 * A Secret whose file does not parse: a duplicate key, then a syntax error. Parsers quote the
 * lines around an error in their messages; none of it may reach an output.
 */
export const PLANTED_BROKEN_MANIFESTS: Readonly<Record<string, string>> = {
  "broken-secret.yaml": `apiVersion: v1
kind: Secret
metadata:
  name: broken
  namespace: shop
stringData:
  password: ${P.brokenDuplicate}
  password: ${P.brokenDuplicate}x
  token: [${P.brokenSyntax}
`,
};

/**
 * Where a planted value shows in `text`: whole, base64-encoded, or as any 8-character part of
 * either. Each hit names the value and the part found, with some context around it.
 */
export function findPlantedSecrets(text: string): string[] {
  const hits: string[] = [];
  for (const [name, value] of Object.entries(PLANTED_SECRETS)) {
    for (const form of [String(value), b64(value)]) {
      for (let i = 0; i + 8 <= form.length; i++) {
        const part = form.slice(i, i + 8);
        const at = text.indexOf(part);
        if (at >= 0) {
          hits.push(
            `${name} (${JSON.stringify(part)}) in …${text.slice(Math.max(0, at - 60), at + 40)}…`,
          );
          break;
        }
      }
    }
  }
  return hits;
}
