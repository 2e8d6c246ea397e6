import { parseImage } from "@scout-deploy/core";
import { askJsonLines, findTool, type ReportedError, runRule } from "@scout-deploy/core/testing";
import { describe, expect, it } from "vitest";
import { imagePinned } from "./rule.js";

/**
 * workload/image-pinned must judge an image string as the cluster does. A seeded generator writes
 * image strings near every edge of the reference grammar; scripts/validation-oracle (the kubelet's
 * ParseImageName over distribution/reference, the API server's defaulting and create validation,
 * all of k8s.io/kubernetes v1.37.2) says what the cluster makes of each, used as a container's
 * image and as an image volume's reference. IMAGE_DIFF_SEED and IMAGE_DIFF_CASES rerun one
 * corpus or make it larger.
 */
const SEED = Number(process.env.IMAGE_DIFF_SEED ?? 20_261_207);
const CASES = Number(process.env.IMAGE_DIFF_CASES ?? 3000);
const oracle = findTool("validation-oracle", "VALIDATION_ORACLE");
const NO_ORACLE =
  "validation-oracle is not installed (bash scripts/install-validation-oracle.sh builds it, or set VALIDATION_ORACLE)";

interface FieldError {
  field: string;
  type: string;
  detail?: string;
}

interface ImageAnswer {
  image: string;
  valid: boolean;
  error?: string;
  part?: string;
  name?: string;
  tag?: string;
  digest?: string;
  nameOnly?: boolean;
  pullPolicy: string;
  podErrors?: FieldError[];
  templateErrors?: FieldError[];
}

/** The oracle's answers; one built before it knew images answers an object request's refusal. */
async function askImages(requests: readonly { image: string }[]): Promise<ImageAnswer[]> {
  const answers = await askJsonLines<ImageAnswer>(oracle!, requests);
  if (answers.some((answer) => typeof answer.valid !== "boolean"))
    throw new Error(
      `${oracle} does not answer image requests: it is older than this test (bash scripts/install-validation-oracle.sh rebuilds it)`,
    );
  return answers;
}

/** mulberry32: a small seeded generator, so that a seed names one corpus. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const HEX = "0123456789abcdef";
const hex64 = "0123456789abcdef".repeat(4);
/** Whole references at the edges of the split into name, tag and digest. */
const SPECIAL = [
  "localhost:5000",
  "localhost",
  "ghcr.io",
  "[::1]:5000",
  "[::1]:5000/",
  ":1.0",
  `@sha256:${hex64}`,
  "redis:latest@",
  "redis@",
  `redis@sha256:${hex64}@sha256:${hex64}`,
  `redis:1.0:2.0`,
  "redis/:1.0",
  "docker.io",
  "docker.io/library",
  "index.docker.io/redis",
  "library/redis:latest",
  `${hex64}:latest`,
  `${hex64}@sha256:${hex64}`,
];

function imageStrings(seed: number, count: number): string[] {
  const next = random(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)]!;
  const hex = (n: number) => Array.from({ length: n }, () => pick([...HEX])).join("");
  const registries = [
    ...Array(8).fill(""),
    "ghcr.io/",
    "localhost/",
    "localhost:5000/",
    "host:5000/",
    "registry.example.com:443/",
    "127.0.0.1:5000/",
    "[::1]:5000/",
    "[fe80::1]/",
    "[::1/",
    "[fe80::1%eth0]/",
    "Registry.Local/",
    "UPPER/",
    "a_b.c/",
    "foo__bar.com/",
    "-bad.com/",
    "bad-.com/",
    "docker.io/",
    "docker.io/library/",
    "index.docker.io/",
    "host:/",
    "host:port/",
    "ho st/",
    "ä.com/",
    "/",
    "x.y:5000:6000/",
  ];
  const components = [
    "scout",
    "api",
    "a",
    "a.b",
    "a_b",
    "a__b",
    "a___b",
    "a-b",
    "a--b",
    "a-",
    "-a",
    "a.",
    ".a",
    "a..b",
    "a._b",
    "A",
    "Api",
    "",
    "0",
    "9x",
    "ünï",
    "localhost",
    "library",
    hex64,
  ];
  const tags = [
    "1.2.3",
    "latest",
    "LATEST",
    "Latest",
    "v1",
    "_x",
    ".x",
    "-x",
    "",
    "1:2",
    "ü",
    "a b",
    "x".repeat(127),
    "x".repeat(128),
    "x".repeat(129),
    "7.2.5-alpine",
  ];
  const algorithms = [
    "sha256",
    "sha384",
    "sha512",
    "md5",
    "sha1",
    "SHA256",
    "sha256+b64",
    "",
    "1sha",
  ];
  const spaces = [" ", "\t", "\n", "\u00a0", "\u0085", "\ufeff", "\u2028", "\u3000"];

  const path = () => {
    const parts = Array.from({ length: 1 + Math.floor(next() * 3) }, () =>
      next() < 0.85 ? pick(["scout", "api", "backend", "redis", "app"]) : pick(components),
    );
    // Names near the 255-character limit of a repository path, library/ included.
    if (next() < 0.05) parts.push("x".repeat(240 + Math.floor(next() * 20)));
    return parts.join("/");
  };
  const sizes: Record<string, number> = { sha256: 64, sha384: 96, sha512: 128 };
  const digest = () => {
    const algorithm = next() < 0.7 ? pick(algorithms.slice(0, 3)) : pick(algorithms);
    const length =
      next() < 0.6 ? (sizes[algorithm] ?? 64) : pick([0, 31, 32, 63, 64, 65, 96, 128, 129]);
    let encoded = hex(length);
    if (next() < 0.15) encoded = encoded.toUpperCase();
    if (next() < 0.05) encoded = `${encoded.slice(1)}g`;
    return `${algorithm}:${encoded}`;
  };
  const one = () => {
    let image =
      (next() < 0.5 ? pick(["", "ghcr.io/", "localhost:5000/"]) : pick(registries)) + path();
    const roll = next();
    if (roll < 0.6) image += `:${next() < 0.8 ? pick(["1.2.3", "latest", "7.2.5"]) : pick(tags)}`;
    if (next() < 0.35) image += `@${digest()}`;
    if (next() < 0.02) image = hex64;
    if (next() < 0.04) image = pick(SPECIAL);
    if (next() < 0.01) image = "";
    if (next() < 0.06) image = pick(spaces) + image;
    if (next() < 0.06) image += pick(spaces);
    return image;
  };
  return Array.from({ length: count }, one);
}

/** A YAML double-quoted scalar that says exactly these code points (no raw line breaks). */
function quoted(text: string): string {
  let out = '"';
  for (const char of text) {
    const code = char.codePointAt(0)!;
    if (char === '"' || char === "\\") out += `\\${char}`;
    else if (code >= 0x20 && code < 0x7f) out += char;
    else if (code <= 0xffff) out += `\\u${code.toString(16).padStart(4, "0")}`;
    else out += `\\U${code.toString(16).padStart(8, "0")}`;
  }
  return `${out}"`;
}

const HEAD = 5;

/** One Pod: image i is container c<i> on line HEAD+1+i and volume v<i> further down. */
function podWith(images: readonly string[]): string {
  return [
    "apiVersion: v1",
    "kind: Pod",
    "metadata: {name: p}",
    "spec:",
    "  containers:",
    ...images.map((image, i) => `    - {name: c${i}, image: ${quoted(image)}}`),
    "  volumes:",
    ...images.map((image, i) => `    - {name: v${i}, image: {reference: ${quoted(image)}}}`),
  ].join("\n");
}

/** What the rule must say of one image, from the oracle's answer. */
function expected(answer: ImageAnswer, place: "container" | "volume", requireDigest: boolean) {
  const field =
    place === "container" ? "spec.containers[0].image" : "spec.volumes[0].image.reference";
  const refusal = answer.podErrors?.find((e) => e.field === field);
  if (refusal?.type === "FieldValueRequired") return "noImage";
  if (refusal?.detail?.includes("whitespace")) return "spaces";
  if (refusal) return `refused: ${refusal.detail}`;
  if (!answer.valid) return `malformed ${answer.part}`;
  if (answer.nameOnly) return "noTag";
  if (answer.digest) return "";
  if (answer.tag === "latest") return "latest";
  return requireDigest ? "noDigest" : "";
}

function ours(errors: ReportedError[], images: readonly string[]) {
  const verdicts = new Map<number, string>();
  for (const error of errors) {
    const part = /whose (\w+) is malformed/.exec(error.message)?.[1];
    const verdict = error.messageId === "malformed" ? `malformed ${part}` : error.messageId;
    verdicts.set(error.line, [verdicts.get(error.line), verdict].filter(Boolean).join(" + "));
  }
  const at = (line: number) => verdicts.get(line) ?? "";
  return {
    container: (i: number) => at(HEAD + 1 + i),
    volume: (i: number) => at(HEAD + 2 + images.length + i),
  };
}

describe("workload/image-pinned against the kubelet's and API server's image handling (v1.37.2)", () => {
  it.runIf(!oracle && process.env.CI === "true")("has validation-oracle in CI", () => {
    expect.fail(NO_ORACLE);
  });
  if (!oracle) console.warn(`image differential skipped: ${NO_ORACLE}`);

  it.skipIf(!oracle)(
    `judges ${CASES} generated image strings (seed ${SEED}) as the cluster does`,
    async () => {
      const images = [...new Set(imageStrings(SEED, CASES))];
      const answers = await askImages(images.map((image) => ({ image })));
      const yaml = podWith(images);
      const mismatches: string[] = [];
      const verdicts = new Map<string, number>();
      for (const requireDigest of [false, true]) {
        const found = ours(runRule(imagePinned, { yaml, options: { requireDigest } }), images);
        images.forEach((image, i) => {
          for (const place of ["container", "volume"] as const) {
            const want = expected(answers[i]!, place, requireDigest);
            if (!requireDigest && place === "container")
              verdicts.set(want || "pinned", (verdicts.get(want || "pinned") ?? 0) + 1);
            const got = found[place](i);
            if (got !== want)
              mismatches.push(
                `${JSON.stringify(image)} as ${place}${requireDigest ? " (requireDigest)" : ""}: cluster ${want || "pinned"}, we ${got || "pass"} (${answers[i]!.error ?? ""})`,
              );
          }
        });
      }
      const invalid = answers.filter((a) => !a.valid).length;
      console.log(
        `image differential: ${images.length} image strings (${invalid} the kubelet refuses), ${mismatches.length} mismatches; as containers: ${[...verdicts].map(([v, n]) => `${v} ${n}`).join(", ")}`,
      );
      expect(mismatches.slice(0, 30)).toEqual([]);
    },
    120_000,
  );

  it.skipIf(!oracle)(
    "splits tag and digest as the kubelet does, and so knows when the API server defaults imagePullPolicy to Always",
    async () => {
      const images = [...new Set(imageStrings(SEED + 1, CASES))];
      const answers = await askImages(images.map((image) => ({ image })));
      const mismatches: string[] = [];
      answers.forEach((answer, i) => {
        if (!answer.valid) return;
        const { tag, digest } = parseImage(images[i]!);
        const theirs = {
          tag: answer.nameOnly || !answer.tag ? undefined : answer.tag,
          digest: answer.digest || undefined,
          always: answer.pullPolicy === "Always",
        };
        const mine = { tag, digest, always: tag === "latest" || (!tag && !digest) };
        if (JSON.stringify(mine) !== JSON.stringify(theirs))
          mismatches.push(`${JSON.stringify(images[i])}: ${JSON.stringify({ mine, theirs })}`);
      });
      expect(mismatches.slice(0, 30)).toEqual([]);
    },
    120_000,
  );

  it.skipIf(!oracle)(
    "the API server refuses spaces around a Pod's image but accepts them in a pod template",
    async () => {
      const images = [" redis:7.2.5", "redis:7.2.5\t", "\u00a0redis:7.2.5", "\u0085redis:7.2.5"];
      const answers = await askImages(images.map((image) => ({ image })));
      for (const answer of answers) {
        expect(answer.podErrors).toContainEqual(
          expect.objectContaining({ field: "spec.containers[0].image", type: "FieldValueInvalid" }),
        );
        expect(answer.templateErrors ?? []).toEqual([]);
        expect(answer.valid).toBe(false);
      }
    },
  );

  it.skipIf(!oracle)(
    "the API server requires an image in a pod template too (noImage), and a volume's reference",
    async () => {
      const [answer] = await askImages([{ image: "" }]);
      expect(answer!.templateErrors).toEqual(
        expect.arrayContaining([
          expect.objectContaining({
            field: "spec.template.spec.containers[0].image",
            type: "FieldValueRequired",
          }),
          expect.objectContaining({
            field: "spec.template.spec.volumes[0].image.reference",
            type: "FieldValueRequired",
          }),
        ]),
      );
    },
  );
});
