import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import {
  type BundleObject,
  buildBundle,
  evaluate,
  type Finding,
  joinPointer,
  parsePolicy,
  parseSource,
} from "@scout-deploy/core";
import { findTool } from "@scout-deploy/core/testing";
import { schemaInputProblems, schemaRules, validateBundle } from "@scout-deploy/schema";
import { effectiveSecretEntries, isSecret } from "@scout-deploy/secrets";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { securityGuidePack, securityGuideRules } from "../registry.js";

/**
 * What our secrets rules judge must be what the cluster stores in a Secret and hands to the
 * container. A seeded generator writes Secrets (base64 with line breaks, spaces, no padding, the
 * URL-safe alphabet, null, stringData over data, odd keys; weak and strong values), the backend's
 * API token and Redis password wiring, and ConfigMaps holding tokens; scripts/secret-oracle (the
 * API server's decoder and validation, k8s.io v0.37.2) says what is stored or why it is refused.
 * SECRETS_DIFF_SEED and SECRETS_DIFF_CASES change the corpus; SECRETS_DIFF_REPORT=FILE writes
 * every disagreement, SECRETS_DIFF_DUMP=DIR the manifest of each (for `scout-deploy check`).
 */
const SEED = Number(process.env.SECRETS_DIFF_SEED ?? 20_261_207);
const CASES = Number(process.env.SECRETS_DIFF_CASES ?? 300);
const INSTALL = "bash scripts/install-secret-oracle.sh";

const here = dirname(fileURLToPath(import.meta.url));
const FIXTURE = readFileSync(join(here, "../fixtures/compliant/scout.yaml"), "utf8");
const FILE = "scout.yaml";

function findOracle(): string | undefined {
  return findTool("secret-oracle", "SECRET_ORACLE");
}

// ---------------------------------------------------------------------------------------------
// What the generator knows: each value is drawn weak or strong, before any encoding.

type Grade = "weak" | "strong";
interface Plain {
  bytes: Buffer;
  grade: Grade;
  label: string;
}

/** Deterministic random bytes: the generator draws a seed, the bytes follow from it. */
function randomBytes(seed: number, length: number): Buffer {
  const out: Buffer[] = [];
  for (let block = 0; out.length * 32 < length; block++) {
    out.push(createHash("sha256").update(`${seed}/${block}`).digest());
  }
  return Buffer.concat(out).subarray(0, length);
}

const WEAK_TEXTS = [
  "changeme",
  "admin",
  "password",
  "changeme\n",
  "",
  "aB3x9",
  "a".repeat(44),
  "abc".repeat(15),
  "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGH",
  "01".repeat(22),
  "Password123!",
];

const plainArb: fc.Arbitrary<Plain> = fc.oneof(
  fc.constantFrom(...WEAK_TEXTS).map((text) => ({
    bytes: Buffer.from(text),
    grade: "weak" as const,
    label: JSON.stringify(text),
  })),
  fc.nat().map((seed) => ({
    bytes: Buffer.from(randomBytes(seed, 6).toString("base64")),
    grade: "weak" as const,
    label: "8 random base64 characters",
  })),
  fc.nat().map((seed) => ({
    bytes: Buffer.concat([Buffer.from([0xff, 0xfe]), randomBytes(seed, 6)]),
    grade: "weak" as const,
    label: "8 bytes, not UTF-8",
  })),
  // `openssl rand -base64 32`: the 44-character text, with or without the newline it prints.
  fc.tuple(fc.nat(), fc.boolean()).map(([seed, newline]) => ({
    bytes: Buffer.from(randomBytes(seed, 32).toString("base64") + (newline ? "\n" : "")),
    grade: "strong" as const,
    label: `openssl rand -base64 32${newline ? " with its newline" : ""}`,
  })),
  fc.nat().map((seed) => ({
    bytes: Buffer.concat([Buffer.from([0xff]), randomBytes(seed, 31)]),
    grade: "strong" as const,
    label: "32 random bytes, not UTF-8",
  })),
);

/** How a `data` value is written: some the API server decodes, some it refuses. */
const ENCODINGS = [
  "standard",
  "wrapped",
  "trailing-newline",
  "crlf",
  "space",
  "unpadded",
  "url-safe",
  "number",
  "null",
] as const;
type Encoding = (typeof ENCODINGS)[number];

function encode(bytes: Buffer, encoding: Encoding, at: number): unknown {
  const text = bytes.toString("base64");
  const cut = text.length === 0 ? 0 : at % text.length;
  switch (encoding) {
    case "standard":
      return text;
    case "wrapped":
      return text.replace(/(.{16})/g, "$1\n");
    case "trailing-newline":
      return `${text}\n`;
    case "crlf":
      return `${text.slice(0, cut)}\r\n${text.slice(cut)}`;
    case "space":
      return `${text.slice(0, cut)} ${text.slice(cut)}`;
    case "unpadded":
      return text.replace(/=+$/, "");
    case "url-safe":
      return text.replace(/\+/g, "-").replace(/\//g, "_");
    case "number":
      return 12345;
    case "null":
      return null;
  }
}

const CREDENTIAL_KEYS = ["api-token", "redis-password", "API_TOKEN", "password", "token"];
const OTHER_KEYS = ["value", "username", "config", "ssh-privatekey", "tls.crt", "tls.key"];
const ODD_KEYS = ["a b", "..", ".hidden", "x/y", "key=1", "ключ", "k".repeat(254), "-_.9"];
const keyArb = fc.oneof(
  { weight: 8, arbitrary: fc.constantFrom(...CREDENTIAL_KEYS) },
  { weight: 4, arbitrary: fc.constantFrom(...OTHER_KEYS) },
  { weight: 1, arbitrary: fc.constantFrom(...ODD_KEYS) },
);

interface DataEntry {
  key: string;
  plain: Plain;
  encoding: Encoding;
  at: number;
}
interface StringDataEntry {
  key: string;
  plain: Plain;
  /** null: stored as ""; number: refused. */
  form: "text" | "null" | "number";
}

/** How the backend gets its API token. */
type Wiring =
  | { kind: "secretKeyRef"; key: string; optional: boolean }
  /** RAW from secretKeyRef, API_TOKEN: $(RAW): the kubelet expands it to the Secret's value. */
  | { kind: "alias"; key: string; optional: boolean }
  | { kind: "envFrom"; prefix: string; optional: boolean }
  /** A secret volume, or a projected one; with items, only the key listed, as file `token`. */
  | { kind: "volume"; projected: boolean; item?: string; optional: boolean };

interface Case {
  data: DataEntry[];
  stringData: StringDataEntry[];
  wiring: Wiring;
  /** The key the backend's REDIS_PASSWORD reads (and Redis' own). */
  redisKey: string;
  /** Redis reads its password with `optional: true`. */
  redisOptional: boolean;
  configMap: { key: string; plain: Plain; binary: boolean } | undefined;
  /** A field name in the wrong case (`Data`, `stringdata`): sigs.k8s.io/json is case-sensitive. */
  fieldCase: boolean;
  /** The Secret's type (none: Opaque by default), whose required keys ValidateSecret checks. */
  type: string | undefined;
  /** For a service-account-token Secret: the annotation naming its ServiceAccount. */
  accountAnnotation: boolean;
}

const dataEntryArb: fc.Arbitrary<DataEntry> = fc.record({
  key: keyArb,
  plain: plainArb,
  encoding: fc.oneof(
    { weight: 12, arbitrary: fc.constantFrom<Encoding>("standard", "wrapped", "trailing-newline") },
    { weight: 3, arbitrary: fc.constantFrom(...ENCODINGS) },
  ),
  at: fc.nat(),
});

const caseArb: fc.Arbitrary<Case> = fc
  .record({
    data: fc.uniqueArray(dataEntryArb, { minLength: 1, maxLength: 3, selector: (e) => e.key }),
    stringData: fc.uniqueArray(
      fc.record({
        key: keyArb,
        // stringData is a map of strings: only text goes there.
        plain: plainArb.filter((p) => isUtf8(p.bytes)),
        form: fc.oneof(
          { weight: 8, arbitrary: fc.constant("text" as const) },
          { weight: 1, arbitrary: fc.constantFrom("null" as const, "number" as const) },
        ),
      }),
      { maxLength: 2, selector: (e) => e.key },
    ),
    wiringKind: fc.constantFrom("secretKeyRef", "secretKeyRef", "alias", "envFrom", "volume"),
    projected: fc.boolean(),
    withItem: fc.boolean(),
    type: fc.oneof(
      { weight: 12, arbitrary: fc.constant(undefined) },
      {
        weight: 4,
        arbitrary: fc.constantFrom(
          "Opaque",
          "kubernetes.io/basic-auth",
          "kubernetes.io/ssh-auth",
          "kubernetes.io/tls",
          "kubernetes.io/service-account-token",
        ),
      },
    ),
    accountAnnotation: fc.boolean(),
    fieldCase: fc.oneof(
      { weight: 20, arbitrary: fc.constant(false) },
      { weight: 1, arbitrary: fc.constant(true) },
    ),
    tokenKeyPick: fc.nat(),
    optional: fc.boolean(),
    prefix: fc.constantFrom("", "SCOUT_", "API_"),
    redisPick: fc.nat(),
    redisOptional: fc.oneof(
      { weight: 6, arbitrary: fc.constant(false) },
      { weight: 1, arbitrary: fc.constant(true) },
    ),
    configMap: fc.option(
      fc
        .record({
          key: fc.constantFrom("API_TOKEN", "redis-password", "token", "a b"),
          plain: plainArb.filter((p) => p.grade === "strong"),
          binary: fc.boolean(),
        })
        // ConfigMap data is a map of strings: bytes that are no text go to binaryData.
        .map((entry) => ({ ...entry, binary: entry.binary || !isUtf8(entry.plain.bytes) })),
      { freq: 2 },
    ),
  })
  .map(
    ({
      wiringKind,
      tokenKeyPick,
      optional,
      prefix,
      redisPick,
      projected,
      withItem,
      ...rest
    }): Case => {
      const keys = [
        ...rest.data.map((e) => e.key),
        ...rest.stringData.map((e) => e.key),
        "missing",
      ];
      const tokenKey = keys[tokenKeyPick % keys.length]!;
      const wiring: Wiring =
        wiringKind === "secretKeyRef" || wiringKind === "alias"
          ? { kind: wiringKind, key: tokenKey, optional }
          : wiringKind === "envFrom"
            ? { kind: "envFrom", prefix, optional }
            : { kind: "volume", projected, optional, ...(withItem ? { item: tokenKey } : {}) };
      return {
        ...rest,
        configMap: rest.configMap ?? undefined,
        wiring,
        redisKey: keys[redisPick % keys.length]!,
      };
    },
  );

// ---------------------------------------------------------------------------------------------
// The manifests: the compliant fixture with its Secret, the backend's token wiring and Redis'
// password key replaced.

function secretObject(c: Case): Record<string, unknown> {
  const object: Record<string, unknown> = {
    apiVersion: "v1",
    kind: "Secret",
    metadata: {
      name: "scout-secrets",
      namespace: "scout",
      ...(c.type === "kubernetes.io/service-account-token" && c.accountAnnotation
        ? { annotations: { "kubernetes.io/service-account.name": "scout-backend" } }
        : {}),
    },
    ...(c.type ? { type: c.type } : {}),
    [c.fieldCase && c.stringData.length === 0 ? "Data" : "data"]: Object.fromEntries(
      c.data.map((e) => [e.key, encode(e.plain.bytes, e.encoding, e.at)]),
    ),
  };
  if (c.stringData.length > 0) {
    object[c.fieldCase ? "stringdata" : "stringData"] = Object.fromEntries(
      c.stringData.map((e) => [
        e.key,
        e.form === "null" ? null : e.form === "number" ? 6379 : e.plain.bytes.toString("utf8"),
      ]),
    );
  }
  return object;
}

function configMapObject(c: Case): Record<string, unknown> | undefined {
  if (!c.configMap) return undefined;
  const { key, plain, binary } = c.configMap;
  const value = binary ? plain.bytes.toString("base64") : plain.bytes.toString("utf8");
  return {
    apiVersion: "v1",
    kind: "ConfigMap",
    metadata: { name: "scout-tokens", namespace: "scout" },
    [binary ? "binaryData" : "data"]: { [key]: value },
  };
}

/** Block YAML, one key a line, every scalar a JSON (double-quoted YAML) scalar. */
function toYaml(value: unknown, indent = ""): string {
  return Object.entries(value as Record<string, unknown>)
    .map(([key, v]) =>
      v !== null && typeof v === "object"
        ? `${indent}${JSON.stringify(key)}:\n${toYaml(v, `${indent}  `)}`
        : `${indent}${JSON.stringify(key)}: ${JSON.stringify(v)}`,
    )
    .join("\n");
}

const BACKEND_TOKEN = `            - name: API_TOKEN
              valueFrom:
                secretKeyRef:
                  name: scout-secrets
                  key: api-token
`;
const SECRET_DOCUMENT = /apiVersion: v1\nkind: Secret\n[\s\S]*?\n---\n/;

function manifest(c: Case): string {
  const documents = [toYaml(secretObject(c))];
  const configMap = configMapObject(c);
  if (configMap) documents.push(toYaml(configMap));
  let text = FIXTURE.replace(SECRET_DOCUMENT, `${documents.join("\n---\n")}\n---\n`);
  text = text.replace(BACKEND_TOKEN, backendToken(c.wiring));
  if (c.wiring.kind === "volume") {
    // The backend's own volumes: the first list after its image.
    const at = text.indexOf(BACKEND_VOLUMES, text.indexOf("image: ghcr.io/scout/backend:"));
    text = `${text.slice(0, at)}          volumeMounts:\n            - name: tmp\n              mountPath: /tmp\n            - name: token\n              mountPath: /var/run/scout\n              readOnly: true\n      volumes:\n        - name: token\n${volumeSource(c.wiring)}        - name: tmp\n${text.slice(at + BACKEND_VOLUMES.length)}`;
  }
  if (c.redisOptional) {
    // Redis' own reference: the backend's is followed by REDIS_HOST, Redis' by securityContext.
    const redisRef = "key: redis-password\n          securityContext:";
    text = text.replace(redisRef, redisRef.replace("\n", "\n                  optional: true\n"));
  }
  return text.replaceAll("key: redis-password", `key: ${JSON.stringify(c.redisKey)}`);
}

const BACKEND_VOLUMES =
  "          volumeMounts:\n            - name: tmp\n              mountPath: /tmp\n      volumes:\n        - name: tmp\n";

function volumeSource(wiring: Wiring & { kind: "volume" }): string {
  const items = wiring.item ? `, items: [{key: ${JSON.stringify(wiring.item)}, path: token}]` : "";
  const optional = wiring.optional ? ", optional: true" : "";
  return wiring.projected
    ? `          projected: {sources: [{secret: {name: scout-secrets${items}${optional}}}]}\n`
    : `          secret: {secretName: scout-secrets${items}${optional}}\n`;
}

function backendToken(wiring: Wiring): string {
  switch (wiring.kind) {
    case "secretKeyRef":
      return BACKEND_TOKEN.replace("key: api-token", `key: ${JSON.stringify(wiring.key)}`).concat(
        wiring.optional ? "                  optional: true\n" : "",
      );
    case "alias":
      return `            - name: RAW\n${BACKEND_TOKEN.replace(
        "key: api-token",
        `key: ${JSON.stringify(wiring.key)}`,
      )
        .split("\n")
        .slice(1)
        .join(
          "\n",
        )}${wiring.optional ? "                  optional: true\n" : ""}            - name: API_TOKEN\n              value: $(RAW)\n`;
    case "envFrom":
    case "volume":
      return "";
  }
}

function withEnvFrom(text: string, wiring: Wiring): string {
  if (wiring.kind !== "envFrom") return text;
  // The backend container's env list is followed by its securityContext: envFrom goes before env.
  return text.replace(
    "          image: ghcr.io/scout/backend:1.4.2\n",
    `          image: ghcr.io/scout/backend:1.4.2\n          envFrom:\n            - secretRef: {name: scout-secrets${wiring.optional ? ", optional: true" : ""}}\n${wiring.prefix ? `              prefix: ${wiring.prefix}\n` : ""}`,
  );
}

// ---------------------------------------------------------------------------------------------
// The oracle and our side.

interface OracleAnswer {
  refused?: string;
  data?: Record<string, string>;
  binaryData?: Record<string, string>;
  envNames?: Record<string, { strict: boolean; relaxed: boolean }>;
}

function askOracle(binary: string, objects: Array<{ object: unknown; envNames?: string[] }>) {
  const input = objects
    .map(({ object, envNames }) => JSON.stringify({ object: JSON.stringify(object), envNames }))
    .join("\n");
  const run = spawnSync(binary, [], { input: `${input}\n`, maxBuffer: 1 << 28, encoding: "utf8" });
  if (run.status !== 0) throw new Error(`secret-oracle failed: ${run.stderr}`);
  return run.stdout
    .trim()
    .split("\n")
    .map((line) => JSON.parse(line) as OracleAnswer);
}

function ourFindings(text: string): { findings: Finding[]; secret: BundleObject | undefined } {
  const bundle = buildBundle([parseSource(FILE, text)]);
  const problems = schemaInputProblems(validateBundle(bundle));
  const { findings } = evaluate(
    [...securityGuideRules, ...schemaRules],
    bundle,
    parsePolicy({}, undefined, { packs: [securityGuidePack] }),
    { problems },
  );
  return { findings, secret: bundle.objects.find(isSecret) };
}

/** The bytes our rules judge, per key: what `effectiveSecretEntries` decodes. */
function judgedBytes(secret: BundleObject): Record<string, string> {
  return Object.fromEntries(
    effectiveSecretEntries(secret).map((e) => [e.key, e.bytes?.toString("hex") ?? "<none>"]),
  );
}

/** What each stored key was drawn as: the stringData entry wins over data, as on write. */
function gradeOf(c: Case, key: string): Plain | undefined {
  const written = c.stringData.find((e) => e.key === key);
  if (written) return written.form === "text" ? written.plain : emptyPlain;
  const entry = c.data.find((e) => e.key === key);
  if (!entry) return undefined;
  return entry.encoding === "null" ? emptyPlain : entry.plain;
}
function isUtf8(bytes: Buffer): boolean {
  return Buffer.from(bytes.toString("utf8")).equals(bytes);
}

const emptyPlain: Plain = { bytes: Buffer.alloc(0), grade: "weak", label: '""' };

/** The variables the kubelet makes for the backend from the Secret, per stored key. */
function envNameOf(c: Case, key: string): string | undefined {
  if ((c.wiring.kind === "secretKeyRef" || c.wiring.kind === "alias") && c.wiring.key === key)
    return "API_TOKEN";
  if (c.wiring.kind === "envFrom") return c.wiring.prefix + key;
  if (c.redisKey === key) return "REDIS_PASSWORD";
  return undefined;
}

const TYPE_OWN_KEYS: Record<string, string[]> = {
  "kubernetes.io/service-account-token": ["token"],
  "kubernetes.io/ssh-auth": ["ssh-privatekey"],
  "kubernetes.io/tls": ["tls.crt", "tls.key"],
};

const CREDENTIAL_NAME = /(?:^|[-_.])(?:token|password)$/i;

function describeCase(c: Case, text: string): string {
  const secret = text.slice(
    text.indexOf('"kind": "Secret"') - 20,
    text.indexOf("---", text.indexOf('"kind": "Secret"')),
  );
  const values = [
    ...c.data.map((e) => `data ${e.key}: ${e.plain.label} (${e.plain.grade}) as ${e.encoding}`),
    ...c.stringData.map(
      (e) => `stringData ${e.key}: ${e.form === "text" ? e.plain.label : e.form}`,
    ),
  ];
  if (c.configMap)
    values.push(
      `ConfigMap ${c.configMap.binary ? "binaryData" : "data"} ${c.configMap.key}: ${c.configMap.plain.label}`,
    );
  if (c.type) values.push(`type ${c.type}${c.accountAnnotation ? " (annotated)" : ""}`);
  return `${values.join("; ")}; token wiring ${JSON.stringify(c.wiring)}; Redis key ${c.redisKey}${c.redisOptional ? " (optional)" : ""}\n${secret}`;
}

const oracle = findOracle();

describe("secrets rules judge what the API server stores (differential with the Go code)", () => {
  it.runIf(!oracle && process.env.CI === "true")("has the secret oracle in CI", () => {
    expect.fail(`secret-oracle is not installed: ${INSTALL} builds it`);
  });
  it.skipIf(!!oracle)(`needs secret-oracle (${INSTALL} builds it)`, () => {});

  it.skipIf(!oracle)(
    `agrees with k8s.io v0.37.2 on ${CASES} generated cases (seed ${SEED})`,
    () => {
      const cases = fc.sample(caseArb, { seed: SEED, numRuns: CASES });
      const texts = cases.map((c) => withEnvFrom(manifest(c), c.wiring));
      const requests = cases.flatMap((c) => {
        const configMap = configMapObject(c);
        const envNames = c.wiring.kind === "envFrom" ? stored(c).map((k) => envNameOf(c, k)!) : [];
        return [
          { object: secretObject(c), envNames },
          ...(configMap ? [{ object: configMap }] : []),
        ];
      });
      const answers = askOracle(oracle!, requests);
      const failures: string[] = [];
      let next = 0;
      const tally = { refused: 0, stored: 0, weak: 0, strong: 0, configMaps: 0 };
      cases.forEach((c, index) => {
        const secretAnswer = answers[next++]!;
        const configAnswer = c.configMap ? answers[next++]! : undefined;
        const problems = check(c, texts[index]!, secretAnswer, configAnswer, tally);
        if (problems.length > 0 && process.env.SECRETS_DIFF_DUMP) {
          mkdirSync(join(process.env.SECRETS_DIFF_DUMP, `case-${index}`), { recursive: true });
          writeFileSync(join(process.env.SECRETS_DIFF_DUMP, `case-${index}`, FILE), texts[index]!);
        }
        if (problems.length > 0)
          failures.push(
            `case ${index}: ${problems.join("\n  ")}\n${describeCase(c, texts[index]!)}`,
          );
      });
      console.log(
        `secrets differential: ${CASES} cases, seed ${SEED}: ${tally.refused} Secrets refused, ${tally.stored} stored (${tally.weak} weak and ${tally.strong} strong credential values), ${tally.configMaps} ConfigMaps; ${failures.length} disagreements`,
      );
      if (process.env.SECRETS_DIFF_REPORT)
        writeFileSync(process.env.SECRETS_DIFF_REPORT, failures.join("\n\n"));
      expect(failures.slice(0, 5).join("\n\n"), `${failures.length} disagreements`).toBe("");
    },
    120_000,
  );
});

/** The keys the Secret stores, when the API server takes it. */
function stored(c: Case): string[] {
  return [...new Set([...c.data.map((e) => e.key), ...c.stringData.map((e) => e.key)])];
}

function check(
  c: Case,
  text: string,
  answer: OracleAnswer,
  configAnswer: OracleAnswer | undefined,
  tally: Record<string, number>,
): string[] {
  const problems: string[] = [];
  const { findings, secret } = ourFindings(text);
  const onSecret = findings.filter((f) => f.object?.kind === "Secret");
  if (!secret) return ["our loader found no Secret"];
  if (answer.refused) {
    tally.refused!++;
    const clear = onSecret.filter(
      (f) =>
        f.severity === "error" &&
        f.file === FILE &&
        f.line > 0 &&
        /^\/(data|stringData|Data|stringdata|type|metadata)(\/|$)/.test(f.path ?? ""),
    );
    if (clear.length === 0)
      problems.push(`the API server refuses (${answer.refused}); we report no error on its data`);
    const badKey = /(?:^|\[| )data\[(.+?)\]: Invalid value/.exec(answer.refused)?.[1];
    const keyPointers =
      badKey === undefined
        ? []
        : [joinPointer("", "data", badKey), joinPointer("", "stringData", badKey)];
    if (badKey !== undefined && !clear.some((f) => keyPointers.includes(f.path ?? "")))
      problems.push(`the API server refuses key ${badKey}; we report no error on that key`);
  } else {
    tally.stored!++;
    const ours = judgedBytes(secret);
    const theirs = answer.data ?? {};
    for (const key of new Set([...Object.keys(ours), ...Object.keys(theirs)])) {
      if (ours[key] !== theirs[key])
        problems.push(`key ${key}: the API server stores ${theirs[key]}, we judge ${ours[key]}`);
    }
    const refusalClaims = onSecret.filter(
      (f) => f.ruleId === "input/schema" || f.ruleId === "secrets/valid-base64",
    );
    for (const f of refusalClaims)
      problems.push(`the API server stores the Secret, we say: ${f.ruleId} ${f.message}`);
    problems.push(...gradeProblems(c, onSecret, theirs, tally));
    problems.push(...wiringProblems(c, findings, answer));
  }
  if (c.configMap && configAnswer) problems.push(...configMapProblems(c, findings, configAnswer));
  tally.configMaps! += c.configMap ? 1 : 0;
  return problems;
}

/**
 * A credential value the cluster stores (its key says so, or the backend reads it as its API
 * token or Redis password) is reported when it was drawn weak and never when drawn strong.
 */
function gradeProblems(
  c: Case,
  onSecret: Finding[],
  stored: Record<string, string>,
  tally: Record<string, number>,
): string[] {
  const problems: string[] = [];
  for (const [key, hex] of Object.entries(stored)) {
    const plain = gradeOf(c, key)!;
    if (plain.bytes.toString("hex") !== hex) {
      problems.push(`generator: key ${key} drawn as ${plain.label}, stored as ${hex}`);
      continue;
    }
    const variable = envNameOf(c, key);
    const credential =
      CREDENTIAL_NAME.test(key) || variable === "API_TOKEN" || variable === "REDIS_PASSWORD";
    // A key the Secret's type defines holds what the type says (a PEM key, the JWT the token
    // controller writes), judged as such, not as a token.
    const typeOwn = TYPE_OWN_KEYS[c.type ?? ""]?.includes(key) ?? false;
    if (!credential || typeOwn) continue;
    const field = c.stringData.some((e) => e.key === key) ? "stringData" : "data";
    const pointer = joinPointer("", field, key);
    const strength = onSecret.filter(
      (f) => f.ruleId === "secrets/strong-token" && f.path === pointer,
    );
    tally[plain.grade]!++;
    if (plain.grade === "weak" && strength.length === 0)
      problems.push(
        `weak ${key} (${plain.label}) stored, handed over as ${variable ?? "a file"}: not reported`,
      );
    if (plain.grade === "strong" && strength.length > 0)
      problems.push(`strong ${key} (${plain.label}) reported: ${strength[0]!.message}`);
  }
  return problems;
}

/** A token in a ConfigMap the API server stores is reported on its key; a refused one too. */
function configMapProblems(c: Case, findings: Finding[], answer: OracleAnswer): string[] {
  const onConfigMap = findings.filter(
    (f) => f.object?.kind === "ConfigMap" && f.object.name === "scout-tokens",
  );
  const { key, binary } = c.configMap!;
  if (answer.refused) {
    return onConfigMap.some((f) => f.severity === "error")
      ? []
      : [`the API server refuses the ConfigMap (${answer.refused}); we report no error`];
  }
  const pointer = joinPointer("", binary ? "binaryData" : "data", key);
  return onConfigMap.some((f) => f.path === pointer)
    ? []
    : [`ConfigMap ${binary ? "binaryData" : "data"} ${key} holds a token: not reported`];
}

/**
 * The backend's token as the kubelet hands it over: an `optional: true` reference to a key the
 * Secret lacks starts the API with no token, a required one does not start the container; an
 * envFrom that makes API_TOKEN (IsRelaxedEnvVarName, as the v1.37 kubelet) gives the token.
 */
function wiringProblems(c: Case, findings: Finding[], answer: OracleAnswer): string[] {
  const onBackend = findings.filter(
    (f) => f.object?.kind === "Deployment" && f.object.name === "backend",
  );
  const storedKeys = Object.keys(answer.data ?? {});
  const wiring = c.wiring;
  if (
    (wiring.kind === "secretKeyRef" || wiring.kind === "alias") &&
    !storedKeys.includes(wiring.key)
  ) {
    const expected = wiring.optional ? "secrets/api-auth" : "workload/references-resolve";
    if (!onBackend.some((f) => f.ruleId === expected))
      return [`API_TOKEN reads missing key ${wiring.key}: no ${expected} finding on the backend`];
  }
  // A volume item naming a key the Secret lacks: the kubelet cannot mount it, the pod stays in
  // ContainerCreating (unless optional).
  if (wiring.kind === "volume" && wiring.item && !storedKeys.includes(wiring.item)) {
    const found = onBackend.some((f) => f.ruleId === "workload/references-resolve");
    if (!wiring.optional && !found)
      return [`volume item ${wiring.item} is missing: no workload/references-resolve finding`];
  }
  const onRedis = findings.filter(
    (f) => f.object?.kind === "StatefulSet" && f.object.name === "redis",
  );
  if (c.redisOptional && !onRedis.some((f) => f.message.includes("optional: true")))
    return ["Redis reads its password with optional: true: no finding on Redis"];
  if (!c.redisOptional && !storedKeys.includes(c.redisKey)) {
    if (!onRedis.some((f) => f.ruleId === "workload/references-resolve"))
      return [`Redis reads missing key ${c.redisKey}: no workload/references-resolve finding`];
  }
  if (c.wiring.kind === "envFrom") {
    const names = answer.envNames ?? {};
    // The oracle was asked about prefix + key for each key: API_TOKEN among them is delivered.
    const delivered = names.API_TOKEN?.relaxed === true;
    const noToken = onBackend.find(
      (f) => f.ruleId === "secrets/api-auth" && /no API token/.test(f.message),
    );
    if (delivered && noToken) return [`envFrom gives API_TOKEN, we say: ${noToken.message}`];
    const optional = onBackend.some((f) => f.message.includes("optional: true"));
    if (delivered && wiring.optional && !optional)
      return ["API_TOKEN only from an optional envFrom: no finding that it may be missing"];
  }
  return [];
}
