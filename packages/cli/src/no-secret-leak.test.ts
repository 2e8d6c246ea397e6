import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { commands } from "./commands/index.js";
import type { Io } from "./io.js";
import { main } from "./main.js";

const b64 = (value: string) => Buffer.from(value).toString("base64");

/** Values a careless formatter could echo: weak, placeholder, token-shaped, plaintext env. */
const secrets = {
  weak: "hunter2hunter2",
  placeholder: "changeme",
  github: "ghp_A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7r8",
  aws: "AKIAIOSFODNN7EXAMPLE",
  configMapPassword: "s3cr3t-Passw0rd-in-a-configmap",
  envToken: "plain-text-api-token-in-env-0123456789",
};

const manifests = `apiVersion: v1
kind: Secret
metadata: {name: scout-secrets, namespace: scout}
data:
  api-token: ${b64(secrets.weak)}
  redis-password: ${b64(secrets.placeholder)}
stringData:
  github: ${secrets.github}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: scout-config, namespace: scout}
data:
  DB_PASSWORD: ${secrets.configMapPassword}
  AWS_KEY: ${secrets.aws}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: backend, namespace: scout, labels: {app.kubernetes.io/component: backend}}
spec:
  template:
    metadata: {labels: {app.kubernetes.io/component: backend}}
    spec:
      containers:
        - name: api
          image: scout/backend:1.0
          env:
            - name: API_TOKEN
              value: ${secrets.envToken}
`;

const formats = ["text", "json", "sarif", "markdown", "junit"].filter((format) =>
  commands.find((c) => c.name === "check")?.help.includes(format),
);

describe("no secret value leaves through any output format", () => {
  it.each(formats)("--format %s", async (format) => {
    const dir = mkdtempSync(join(tmpdir(), "scout-leak-"));
    writeFileSync(join(dir, "all.yaml"), manifests);
    const out: string[] = [];
    const io: Io = {
      cwd: dir,
      env: {},
      stdout: (t) => out.push(t),
      stderr: (t) => out.push(t),
      readStdin: async () => "",
      color: false,
    };
    const code = await main(["check", "all.yaml", "--format", format], io);
    expect(code).toBe(1);
    const printed = out.join("");
    expect(printed).toMatch(/secrets\//);
    for (const value of Object.values(secrets)) {
      expect(printed).not.toContain(value);
      expect(printed).not.toContain(b64(value));
    }
  });
});
