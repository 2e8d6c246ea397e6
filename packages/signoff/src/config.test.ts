import { describe, expect, it } from "vitest";
import { checkConfig, configSectionDigests } from "./config.js";
import { sha256Hex } from "./statement.js";

const signedWith = (text: string) => ({
  configDigest: { sha256: sha256Hex(text) },
  configSections: configSectionDigests(text),
});
const now = (content: string) => ({ name: "scout-deploy.yaml", content });

describe("the config verify compares with the signed one", () => {
  const signed = "scout:\n  namespace: scout\npolicy:\n  failOn: error\n";

  it("digests each section over its meaning: key order, comments and layout do not count", () => {
    const same = "# reordered\npolicy: {failOn: error}\nscout: {namespace: scout}\n";
    expect(configSectionDigests(same)).toEqual(configSectionDigests(signed));
    expect(checkConfig(signedWith(signed), now(same))).toEqual({
      ok: true,
      detail: "scout-deploy.yaml differs only in comments or layout",
    });
  });

  it("names each changed section, one that appeared or went away included", () => {
    expect(checkConfig(signedWith(signed), now("policy:\n  failOn: warning\n"))).toEqual({
      ok: false,
      detail:
        "scout-deploy.yaml changed since sign-off: scout (what is rendered), policy (how the manifests are judged)",
    });
  });

  it("a record without section digests (signed before them) can only say the file changed", () => {
    const old = { configDigest: { sha256: sha256Hex(signed) } };
    expect(checkConfig(old, now(`${signed}# a comment\n`))).toEqual({
      ok: false,
      detail:
        "scout-deploy.yaml changed since sign-off (the record names no sections to tell which)",
    });
    expect(checkConfig(old, now(signed)).ok).toBe(true);
  });

  it("no config at sign-off and none now is fine; one on either side only is named", () => {
    expect(checkConfig({ configDigest: null }, null).ok).toBe(true);
    expect(checkConfig({ configDigest: null }, now(signed)).ok).toBe(false);
    expect(checkConfig(signedWith(signed), null).ok).toBe(false);
  });
});
