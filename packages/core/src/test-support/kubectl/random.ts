/** A small seeded generator (mulberry32): the same seed gives the same corpus on every machine. */
export interface Random {
  next(): number;
  int(below: number): number;
  pick<T>(values: readonly T[]): T;
  chance(probability: number): boolean;
}

export function createRandom(seed: number): Random {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (below: number) => Math.floor(next() * below);
  return {
    next,
    int,
    pick: (values) => values[int(values.length)]!,
    chance: (probability) => next() < probability,
  };
}

/** SEED from the environment, else a fixed default so that CI runs are reproducible. */
export function seedFromEnv(fallback: number): number {
  const text = process.env.SEED;
  if (text === undefined || text === "") return fallback;
  const seed = Number(text);
  if (!Number.isInteger(seed)) throw new Error(`SEED must be an integer, got "${text}"`);
  return seed;
}
