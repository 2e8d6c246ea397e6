import { isRecord } from "@scout-deploy/core";

/** A small seeded PRNG (mulberry32): the same corpus on every run. */
export function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Path = (string | number)[];

function paths(value: unknown, path: Path = [], out: Path[] = []): Path[] {
  if (Array.isArray(value)) {
    for (const [i, item] of value.entries()) paths(item, [...path, i], out);
  } else if (isRecord(value)) {
    for (const [key, item] of Object.entries(value)) {
      if (path.length === 0 && (key === "apiVersion" || key === "kind")) continue;
      paths(item, [...path, key], out);
    }
  }
  if (path.length) out.push(path);
  return out;
}

function parentOf(
  root: unknown,
  path: Path,
): { parent: Record<string, unknown> | unknown[]; key: string | number } {
  let node = root as Record<string, unknown>;
  for (const segment of path.slice(0, -1))
    node = (node as Record<string, unknown>)[segment as string] as Record<string, unknown>;
  return { parent: node, key: path[path.length - 1] as string | number };
}

const ENUM_FIELDS = ["imagePullPolicy", "restartPolicy", "protocol", "dnsPolicy", "type"];

/** The classes of damage the differential test covers. */
export const MUTATIONS = ["typo", "unknown", "wrong-type", "delete", "null", "enum"] as const;
export type Mutation = (typeof MUTATIONS)[number];

/** A damaged deep copy of `object`: one mutation of the given class at a random place. */
export function mutate(
  object: object,
  mutation: Mutation,
  next: () => number,
): { value: object; note: string } {
  const value = structuredClone(object) as Record<string, unknown>;
  const all = paths(value);
  const pick = <T>(items: T[]): T | undefined => items[Math.floor(next() * items.length)];
  const keyed = all.filter((p) => typeof p[p.length - 1] === "string");
  const path =
    mutation === "enum"
      ? (pick(keyed.filter((p) => ENUM_FIELDS.includes(p[p.length - 1] as string))) ?? pick(keyed))
      : pick(mutation === "typo" || mutation === "delete" ? keyed : all);
  if (!path) return { value, note: "unchanged" };
  const { parent, key } = parentOf(value, path);
  const where = path.join(".");
  const current = (parent as Record<string | number, unknown>)[key];
  const set = (v: unknown) => {
    (parent as Record<string | number, unknown>)[key] = v;
  };
  switch (mutation) {
    case "typo": {
      const name = String(key);
      const at = Math.floor(next() * name.length);
      const typo = name.slice(0, at) + name.slice(at + 1) || `${name}x`;
      const record = parent as Record<string, unknown>;
      delete record[name];
      record[typo] = current;
      return { value, note: `typo ${where} -> ${typo}` };
    }
    case "unknown": {
      const target = isRecord(current) ? current : (parent as Record<string, unknown>);
      if (Array.isArray(target)) return { value, note: "unchanged" };
      target.scoutExtra = "x";
      return { value, note: `unknown field near ${where}` };
    }
    case "wrong-type":
      set(
        typeof current === "string"
          ? 7
          : typeof current === "number"
            ? "seven"
            : typeof current === "boolean"
              ? "yes"
              : Array.isArray(current)
                ? { a: 1 }
                : isRecord(current)
                  ? "text"
                  : 7,
      );
      return { value, note: `wrong type at ${where}` };
    case "delete":
      delete (parent as Record<string, unknown>)[key as string];
      return { value, note: `deleted ${where}` };
    case "null":
      set(null);
      return { value, note: `null at ${where}` };
    case "enum":
      set("Bogus");
      return { value, note: `"Bogus" at ${where}` };
  }
}
