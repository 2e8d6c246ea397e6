import { createHash } from "node:crypto";
import passwords from "@zxcvbn-ts/language-common/dist/passwords.json.mjs";
import commonWords from "@zxcvbn-ts/language-en/dist/commonWords.json.mjs";
import { describe, expect, it } from "vitest";
import { hashedWord } from "./hashed.js";
import { TABLES } from "./tables.generated.js";
import { buildWordTables, DOMAIN_WORDS, MIN_WORD_LENGTH } from "./tables.js";
import { hashedWordTexts, wordTable } from "./wordlists.js";

describe("the tables built at build time", () => {
  it("are those the lists give (else: pnpm --filter @scout-deploy/secrets tables)", () => {
    expect(buildWordTables(passwords, commonWords)).toEqual(TABLES);
  });

  it("read back as every word once, sorted, each with its cheapest rank and list", () => {
    const expected = new Map<string, [number, string]>();
    for (const [list, words] of [
      ["password", passwords],
      ["word", DOMAIN_WORDS],
      ["word", commonWords],
    ] as const) {
      for (const [index, word] of words.entries()) {
        if (word.length >= MIN_WORD_LENGTH && !expected.has(word.toLowerCase()))
          expected.set(word.toLowerCase(), [index + 1, list]);
      }
    }
    const table = wordTable();
    const read = Array.from({ length: table.count }, (_, index) => {
      const word = String.fromCharCode(
        ...Array.from({ length: table.length(index) }, (_, at) => table.codeAt(index, at)),
      );
      expect(table.codeAt(index, table.length(index))).toBe(-1);
      return [word, [table.rank(index), table.list(index)]] as const;
    });
    expect(read.map(([word]) => word)).toEqual([...expected.keys()].sort());
    expect(new Map(read)).toEqual(expected);
  });

  it("name the first text a guesser hashes for every SHA-256 digest they hold", () => {
    const first = new Map<string, { word: string; list: string }>();
    for (const { text, word, list } of hashedWordTexts()) {
      const hex = createHash("sha256").update(text).digest("hex");
      if (!first.has(hex)) first.set(hex, { word, list });
    }
    expect(first.size).toBeGreaterThan(30_000);
    for (const [hex, named] of first) expect(hashedWord(hex), hex).toMatchObject(named);
    expect(hashedWord(createHash("sha256").update("not a common word 7").digest("hex"))).toBe(
      undefined,
    );
  });
});
