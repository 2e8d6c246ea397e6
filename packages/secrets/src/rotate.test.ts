import { buildBundle, parseSource } from "@scout-deploy/core";
import { describe, expect, it } from "vitest";
import { parse, parseAllDocuments, stringify } from "yaml";
import { ageInDays, recordedRotation } from "./age.js";
import { secretsGenerate, secretsRotate } from "./commands.js";
import { fingerprint } from "./fingerprint.js";
import { ANNOTATIONS } from "./layout.js";
import { dropPrevious, rotateSecret } from "./rotate.js";
import { countingRandom } from "./testing/index.js";

const created = new Date("2026-01-01T00:00:00Z");
const later = new Date("2026-06-01T12:00:00Z");
const decode = (v: string) => Buffer.from(v, "base64").toString();

function generated() {
  const result = secretsGenerate({
    out: "-",
    env: "prod",
    now: created,
    random: countingRandom("gen"),
  });
  return { text: result.output!.text, values: result.secretValues };
}

describe("rotateSecret", () => {
  it("keeps the old value under <key>-previous and records the rotation time", () => {
    const { text, values } = generated();
    const before = parse(text);
    const { manifest, newValues, rotatedKeys } = rotateSecret(before, {
      keys: ["api-token"],
      now: later,
      random: countingRandom("rot"),
    });
    const data = manifest.data as Record<string, string>;
    expect(rotatedKeys).toEqual(["api-token"]);
    expect(decode(data["api-token-previous"]!)).toBe(values[0]);
    expect(decode(data["api-token"]!)).toBe(newValues[0]);
    expect(newValues[0]).not.toBe(values[0]);
    expect(decode(data["redis-password"]!)).toBe(values[1]);
    expect(data["redis-password-previous"]).toBeUndefined();
    const annotations = (manifest.metadata as { annotations: Record<string, string> }).annotations;
    expect(annotations[ANNOTATIONS.rotatedAt]).toBe("2026-06-01T12:00:00Z");
    expect(annotations[ANNOTATIONS.createdAt]).toBe("2026-01-01T00:00:00Z");
    expect(annotations[ANNOTATIONS.previousExpiresAt]).toBe("2026-06-08T12:00:00Z");
    expect(JSON.parse(annotations[ANNOTATIONS.fingerprints]!)).toEqual({
      "api-token": fingerprint(newValues[0]!),
      "api-token-previous": fingerprint(values[0]!),
      "redis-password": fingerprint(values[1]!),
    });
  });

  it("rotates every key by default and drops old values at once with no overlap", () => {
    const { text } = generated();
    const { manifest } = rotateSecret(parse(text), {
      now: later,
      overlapDays: 0,
      random: countingRandom("x"),
    });
    expect(Object.keys(manifest.data as object)).toEqual(["api-token", "redis-password"]);
    const annotations = (manifest.metadata as { annotations: Record<string, string> }).annotations;
    expect(annotations[ANNOTATIONS.previousExpiresAt]).toBeUndefined();
  });

  it("refuses unknown keys, previous keys and invalid data", () => {
    const { text } = generated();
    expect(() => rotateSecret(parse(text), { keys: ["nope"], now: later })).toThrow(
      /no key "nope"/,
    );
    expect(() => rotateSecret(parse(text), { keys: ["api-token-previous"], now: later })).toThrow(
      /previous/,
    );
    const bad = {
      apiVersion: "v1",
      kind: "Secret",
      metadata: { name: "s" },
      data: { token: "%%%" },
    };
    expect(() => rotateSecret(bad, { now: later })).toThrow(/not valid base64/);
  });

  it("folds stringData into data", () => {
    const secret = {
      apiVersion: "v1",
      kind: "Secret",
      metadata: { name: "s" },
      stringData: { token: "plain" },
    };
    const { manifest } = rotateSecret(secret, { now: later, random: countingRandom() });
    expect(manifest.stringData).toBeUndefined();
    expect(decode((manifest.data as Record<string, string>)["token-previous"]!)).toBe("plain");
  });

  it("drops previous values once the window has ended", () => {
    const { text } = generated();
    const rotated = rotateSecret(parse(text), { now: later, random: countingRandom() }).manifest;
    expect(dropPrevious(rotated, new Date("2026-06-02T00:00:00Z")).dropped).toEqual([]);
    const { manifest, dropped } = dropPrevious(rotated, new Date("2026-06-09T00:00:00Z"));
    expect(dropped).toEqual(["api-token-previous", "redis-password-previous"]);
    expect(Object.keys(manifest.data as object)).toEqual(["api-token", "redis-password"]);
  });
});

describe("secrets rotate", () => {
  it("rewrites only the Secret of a multi-document file and keeps the other documents", () => {
    const { text } = generated();
    const input = `# app config\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: cfg}  # keep me\ndata: {a: b}\n---\n${text}`;
    const result = secretsRotate({
      input: { path: "k8s/secrets.yaml", text: input },
      out: "-",
      now: later,
      random: countingRandom(),
    });
    expect(result.exitCode).toBe(0);
    expect(result.output!.text).toContain("# keep me");
    expect(result.output!.text.startsWith(input.slice(0, input.indexOf("---\n") + 4))).toBe(true);
    expect(result.output!.text).not.toMatch(/---\n---/);
    const docs = parseAllDocuments(result.output!.text).map((d) => d.toJS());
    expect(docs.map((d) => d.kind)).toEqual(["ConfigMap", "Secret"]);
    expect(Object.keys(docs[1].data)).toEqual([
      "api-token",
      "redis-password",
      "api-token-previous",
      "redis-password-previous",
    ]);
  });

  it("fails with exit 2 and one line for a missing Secret or --out", () => {
    const input = {
      path: "x.yaml",
      text: "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n",
    };
    expect(secretsRotate({ input, out: "-" })).toMatchObject({
      exitCode: 2,
      messages: [expect.stringContaining("no Secret")],
    });
    expect(secretsRotate({ input })).toMatchObject({ exitCode: 2 });
  });

  it("rotates a Secret that is an item of a List, as kubectl reads it, and keeps the other items", () => {
    const secret = parse(generated().text);
    const list = stringify({
      apiVersion: "v1",
      kind: "List",
      items: [{ apiVersion: "v1", kind: "ConfigMap", metadata: { name: "cfg" } }, secret],
    });
    const result = secretsRotate({
      input: { path: "list.yaml", text: list },
      out: "-",
      now: later,
      keys: ["api-token"],
      random: countingRandom("list"),
    });
    expect(result.exitCode).toBe(0);
    const output = parse(result.output!.text);
    expect(output.items.map((i: { kind: string }) => i.kind)).toEqual(["ConfigMap", "Secret"]);
    expect(decode(output.items[1].data["api-token"])).toBe(result.secretValues[0]);
    expect(output.items[1].data["api-token-previous"]).toBe(secret.data["api-token"]);
    const bad = list.replace(secret.data["redis-password"], "not base64!");
    const refused = secretsRotate({
      input: { path: "list.yaml", text: bad },
      out: "-",
      now: later,
    });
    expect(refused.messages[0]).toMatch(
      /^secrets rotate: list\.yaml:\d+: data key "redis-password"/,
    );
  });

  it("names the file and line of a data value that is not base64", () => {
    const text =
      "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n---\napiVersion: v1\nkind: Secret\nmetadata: {name: scout-secrets}\ndata:\n  other: YWJj\n  api-token: not base64!\n";
    const result = secretsRotate({ input: { path: "k8s/s.yaml", text }, out: "-", now: later });
    expect(result).toMatchObject({ exitCode: 2, secretValues: [] });
    expect(result.messages).toEqual([
      'secrets rotate: k8s/s.yaml:10: data key "api-token" is not valid base64',
    ]);
  });

  it("says until when the old values keep working, or that they are gone", () => {
    const { text } = generated();
    const input = { path: "s.yaml", text };
    const kept = secretsRotate({
      input,
      out: "-",
      now: later,
      keys: ["api-token"],
      overlapDays: 3,
    });
    // Nothing of Scout reads -previous: the note must not promise that old tokens keep working.
    expect(kept.messages).toContain(
      "  the old values stay in the Secret under api-token-previous until 2026-06-04T12:00:00.000Z (a copy to roll back to: Scout's pods read only api-token); then run rotate --drop-previous",
    );
    const gone = secretsRotate({ input, out: "-", now: later, overlapDays: 0 });
    expect(gone.messages.some((m) => m.includes("no overlap"))).toBe(true);
  });
});

describe("the recorded rotation time", () => {
  const ageOf = (text: string) => {
    const secret = buildBundle([parseSource("s.yaml", text)]).objects[0]!;
    return ageInDays(recordedRotation(secret)!.time, later);
  };

  it("is the generation time, and moves to the rotation time on a rotation", () => {
    const { text } = generated();
    expect(ageOf(text)).toBe(151);
    const rotated = secretsRotate({
      input: { path: "s.yaml", text },
      out: "-",
      now: later,
      random: countingRandom(),
    });
    expect(ageOf(rotated.output!.text)).toBe(0);
  });
});

describe("secrets rotate keeps the other documents byte for byte", () => {
  it("leaves every document it does not change exactly as written, markers and flow style included", () => {
    const { text } = generated();
    const other = (name: string) =>
      `apiVersion: v1\nkind: ConfigMap   # padded\nmetadata: { name: ${name} }\ndata: {a: [x,  y]}\n`;
    const input = `# head\n${other("one")}---\n${text}---\n# before two\n${other("two")}...\n---\n${other("three")}`;
    const output = secretsRotate({
      input: { path: "k8s/all.yaml", text: input },
      out: "-",
      now: later,
      random: countingRandom(),
    }).output!.text;
    const secretStart = input.indexOf("---\n") + 4;
    const secretEnd = input.indexOf("---\n# before two");
    expect(output.startsWith(input.slice(0, secretStart))).toBe(true);
    expect(output.endsWith(input.slice(secretEnd))).toBe(true);
  });
});
