import { describe, expect, it } from "vitest";
import { closestMatch, didYouMean } from "./suggest.js";

describe("closestMatch", () => {
  const commands = ["render", "check", "flows", "secrets", "signoff", "verify", "incident"];

  it("suggests the command a typo meant", () => {
    expect(closestMatch("chekc", commands)).toBe("check");
    expect(closestMatch("secrtes", commands)).toBe("secrets");
    expect(closestMatch("rendr", commands)).toBe("render");
  });

  it("suggests nothing for a word unlike any known one", () => {
    expect(closestMatch("deploy", commands)).toBeUndefined();
    expect(didYouMean("zzz", commands)).toBe("");
  });

  it("suggests a rule id from a misspelled one", () => {
    const ids = ["pod/run-as-non-root", "pod/run-as-user", "pod/read-only-root-filesystem"];
    expect(didYouMean("pod/run-as-non-rot", ids)).toBe(' (did you mean "pod/run-as-non-root"?)');
  });

  it("completes a prefix", () => {
    expect(closestMatch("kubernetes", ["kubernetes-version", "format"])).toBe("kubernetes-version");
  });
});
