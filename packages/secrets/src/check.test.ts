import { describe, expect, it } from "vitest";
import { encodeBase64 } from "./base64.js";
import { secretsCheck } from "./commands.js";
import { generateToken } from "./random.js";

const now = new Date("2026-11-01T00:00:00Z");
const secret = (name: string, data: Record<string, string>, extra = "") =>
  `apiVersion: v1\nkind: Secret\nmetadata:\n  name: ${name}\n${extra}data:\n${Object.entries(data)
    .map(([k, v]) => `  ${k}: ${v}`)
    .join("\n")}\n`;

describe("secrets check", () => {
  it("fails changeme, short tokens and low-entropy strings, naming key and fingerprint only", () => {
    const text = secret("weak", {
      "api-token": encodeBase64("changeme"),
      "redis-password": encodeBase64("c2hvcnQtYnV0LXJhbmRvbQ"),
      "webhook-secret": encodeBase64("x".repeat(64)),
      "good-token": encodeBase64(generateToken()),
    });
    const result = secretsCheck({ inputs: [{ path: "k8s/weak.yaml", text }], now });
    expect(result.exitCode).toBe(1);
    expect(result.findings.map((f) => `${f.line} ${f.ruleId} ${f.message.split(":")[0]}`)).toEqual([
      '6 secrets/strong-token key "api-token" (sha256',
      '7 secrets/strong-token key "redis-password" (sha256',
      '8 secrets/strong-token key "webhook-secret" (sha256',
    ]);
    expect(result.findings[0]!.message).toMatch(/placeholder, short/);
    expect(result.findings[1]!.message).toMatch(/short/);
    expect(result.findings[2]!.message).toMatch(/low-entropy/);
    expect(result.output!.text).toContain("k8s/weak.yaml:6:3  error");
    expect(result.output!.text).not.toContain("changeme");
  });

  it("reports invalid base64 and stringData", () => {
    const text = `apiVersion: v1\nkind: Secret\nmetadata: {name: s}\ndata:\n  api-token: "not base64!"\nstringData:\n  note: hello\n`;
    const result = secretsCheck({ inputs: [{ path: "s.yaml", text }], now });
    expect(result.findings.map((f) => [f.ruleId, f.severity, f.line])).toEqual([
      ["secrets/valid-base64", "error", 5],
      ["secrets/string-data", "warning", 7],
    ]);
  });

  it("detects the same token reused across environments", () => {
    const shared = encodeBase64(generateToken());
    const label = (env: string) => `  labels: {scout-deploy.io/environment: ${env}}\n`;
    const staging = secret(
      "scout-secrets",
      { "api-token": shared, "redis-password": encodeBase64(generateToken()) },
      label("staging"),
    );
    const prod = secret(
      "scout-secrets",
      { "api-token": shared, "redis-password": encodeBase64(generateToken()) },
      label("prod"),
    );
    const result = secretsCheck({
      inputs: [
        { path: "overlays/staging/secret.yaml", text: staging },
        { path: "overlays/prod/secret.yaml", text: prod },
      ],
      now,
    });
    expect(result.exitCode).toBe(1);
    expect(result.findings).toHaveLength(1);
    expect(result.findings[0]).toMatchObject({
      ruleId: "secrets/reuse",
      file: "overlays/prod/secret.yaml",
      line: 7,
    });
    expect(result.findings[0]!.message).toContain('from environment "staging"');
  });

  it("tells environments apart by folder when no label says", () => {
    const shared = encodeBase64(generateToken());
    const text = secret("scout-secrets", { "api-token": shared });
    const result = secretsCheck({
      inputs: [
        { path: "staging/secret.yaml", text },
        { path: "prod/secret.yaml", text },
      ],
      now,
    });
    expect(result.findings.map((f) => f.message)).toEqual([
      expect.stringContaining('environment "staging"'),
    ]);
  });

  it("passes distinct generated tokens and says how many Secrets it checked", () => {
    const text = secret("ok", {
      "api-token": encodeBase64(generateToken()),
      "redis-password": encodeBase64(generateToken()),
    });
    const result = secretsCheck({ inputs: [{ path: "ok.yaml", text }], now });
    expect(result.exitCode).toBe(0);
    expect(result.output!.text).toBe("1 Secret(s) checked: 0 error(s), 0 warning(s)\n");
  });

  it("turns unparsable YAML into a finding", () => {
    const result = secretsCheck({ inputs: [{ path: "bad.yaml", text: "a: [\n" }], now });
    expect(result.findings[0]!.ruleId).toBe("input/parse-error");
    expect(result.exitCode).toBe(1);
  });
});
