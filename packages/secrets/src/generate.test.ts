import { buildBundle, parseSource } from "@scout-deploy/core";
import { describe, expect, it } from "vitest";
import { parse, parseAllDocuments } from "yaml";
import { decodeBase64 } from "./base64.js";
import { secretsGenerate } from "./commands.js";
import { fingerprint } from "./fingerprint.js";
import { weakValues } from "./judge.js";
import { ANNOTATIONS, LABELS } from "./layout.js";
import { generateToken, TOKEN_BYTES } from "./random.js";
import { findReuse } from "./reuse.js";
import { assessStrength } from "./strength.js";
import { countingRandom } from "./testing/index.js";

const now = new Date("2026-11-01T10:00:00.000Z");

describe("generateToken", () => {
  it("gives 1,000 distinct tokens from the OS CSPRNG, each 32 bytes once decoded and strong", () => {
    const tokens = Array.from({ length: 1000 }, () => generateToken());
    expect(new Set(tokens).size).toBe(1000);
    for (const token of tokens) {
      expect(token).toMatch(/^[A-Za-z0-9+/]{43}=$/);
      expect(decodeBase64(token)?.length).toBe(TOKEN_BYTES);
      expect(assessStrength(token).weaknesses).toEqual([]);
    }
  });

  it("1,000 generated tokens in one Secret: none weak, none reused", () => {
    const data = Object.fromEntries(
      Array.from({ length: 1000 }, (_, i) => [
        `token-${i}`,
        Buffer.from(generateToken()).toString("base64"),
      ]),
    );
    const text = `apiVersion: v1\nkind: Secret\nmetadata: {name: many}\ndata:\n${Object.entries(
      data,
    )
      .map(([k, v]) => `  ${k}: ${v}`)
      .join("\n")}\n`;
    const { objects } = buildBundle([parseSource("many.yaml", text)]);
    expect(weakValues(objects[0]!, { minBits: 256 })).toEqual([]);
    expect(findReuse(objects)).toEqual([]);
  });

  it("uses the injected random source", () => {
    expect(generateToken(countingRandom("a"))).toBe(generateToken(countingRandom("a")));
    expect(generateToken(countingRandom("a"))).not.toBe(generateToken(countingRandom("b")));
  });

  it("refuses a random source that returns too few bytes", () => {
    expect(() => generateToken(() => new Uint8Array(16))).toThrow(/16 bytes/);
  });
});

describe("secrets generate", () => {
  const generate = (extra: Parameters<typeof secretsGenerate>[0] = {}) =>
    secretsGenerate({ out: "-", env: "staging", now, random: countingRandom(), ...extra });

  it("writes a Secret whose data is base64 of an `openssl rand -base64 32` style token", () => {
    const result = generate();
    expect(result.exitCode).toBe(0);
    const secret = parse(result.output!.text);
    expect(secret.kind).toBe("Secret");
    expect(secret.metadata.name).toBe("scout-secrets");
    expect(Object.keys(secret.data)).toEqual(["api-token", "redis-password"]);
    const tokens = Object.values<string>(secret.data).map((v) =>
      Buffer.from(v, "base64").toString(),
    );
    expect(tokens).toEqual(result.secretValues);
    for (const token of tokens) expect(Buffer.from(token, "base64")).toHaveLength(32);
  });

  it("records environment, creation time and fingerprints, never values", () => {
    const result = generate();
    const secret = parse(result.output!.text);
    expect(secret.metadata.labels[LABELS.environment]).toBe("staging");
    expect(secret.metadata.annotations[ANNOTATIONS.createdAt]).toBe("2026-11-01T10:00:00Z");
    expect(secret.metadata.annotations[ANNOTATIONS.rotatedAt]).toBe("2026-11-01T10:00:00Z");
    const fingerprints = JSON.parse(secret.metadata.annotations[ANNOTATIONS.fingerprints]);
    expect(fingerprints).toEqual({
      "api-token": fingerprint(result.secretValues[0]!),
      "redis-password": fingerprint(result.secretValues[1]!),
    });
    const metadataText = JSON.stringify(secret.metadata);
    for (const value of result.secretValues) expect(metadataText).not.toContain(value);
  });

  it("is deterministic YAML for the same random source and clock", () => {
    expect(generate().output!.text).toBe(generate().output!.text);
  });

  it("adds extra keys, leaves Redis out on request and rejects bad key names", () => {
    const secret = parse(generate({ redis: false, extraKeys: ["webhook-secret"] }).output!.text);
    expect(Object.keys(secret.data)).toEqual(["api-token", "webhook-secret"]);
    expect(generate({ extraKeys: ["bad key"] }).exitCode).toBe(2);
    expect(generate({ extraKeys: ["api-token-previous"] }).exitCode).toBe(2);
  });

  it("names the credentials' keys as the config renames them", () => {
    const result = generate({ keyNames: { apiToken: "token", redisPassword: "redis" } });
    expect(Object.keys(parse(result.output!.text).data)).toEqual(["token", "redis"]);
    expect(result.messages.slice(1).map((line) => line.split(":")[0]!.trim())).toEqual([
      "token",
      "redis",
    ]);
  });

  it("needs --out for values, and a namespace for a SealedSecret-ready Secret", () => {
    const noOut = secretsGenerate({ now });
    expect(noOut.exitCode).toBe(2);
    expect(noOut.secretValues).toEqual([]);
    expect(generate({ mode: "sealed" }).exitCode).toBe(2);
    const sealed = parse(generate({ mode: "sealed", namespace: "scout" }).output!.text);
    expect(sealed.metadata.namespace).toBe("scout");
    expect(sealed.stringData).toBeUndefined();
  });

  it("writes an ExternalSecret that references the store and holds no value", () => {
    const result = secretsGenerate({
      mode: "external",
      env: "prod",
      store: { name: "vault" },
      now,
    });
    expect(result.secretValues).toEqual([]);
    const docs = parseAllDocuments(result.output!.text).map((d) => d.toJS());
    expect(docs).toHaveLength(1);
    expect(docs[0].kind).toBe("ExternalSecret");
    expect(docs[0].spec.secretStoreRef).toEqual({ name: "vault", kind: "ClusterSecretStore" });
    expect(docs[0].spec.target.name).toBe("scout-secrets");
    expect(docs[0].spec.data).toEqual([
      { secretKey: "api-token", remoteRef: { key: "scout/prod/api-token" } },
      { secretKey: "redis-password", remoteRef: { key: "scout/prod/redis-password" } },
    ]);
    expect(secretsGenerate({ mode: "external", now }).exitCode).toBe(2);
  });
});

describe("secrets generate metadata", () => {
  it.each([
    [{ name: "Scout Secrets" }, /^secrets generate: --name: "Scout Secrets" is not an object name/],
    [{ namespace: "Prod" }, /^secrets generate: --namespace: "Prod" is not a namespace name/],
    [{ env: "bad name" }, /^secrets generate: --env: "bad name" is not a label value/],
  ])("refuses %o that kubectl apply would be refused, writing nothing", (bad, message) => {
    const result = secretsGenerate({ out: "-", ...bad });
    expect(result.exitCode).toBe(2);
    expect(result.messages).toHaveLength(1);
    expect(result.messages[0]).toMatch(message);
    expect(result.output).toBeUndefined();
  });

  it("accepts names, namespaces and environments the API server takes", () => {
    const result = secretsGenerate({
      out: "-",
      name: "scout.v2",
      namespace: "scout-prod",
      env: "Prod_EU",
    });
    expect(result.exitCode).toBe(0);
  });
});
