import { describe, expect, it } from "vitest";
import { inertMarkdown } from "./markdown.js";

describe("inertMarkdown", () => {
  it.each([
    ["![x](https://evil.example/p.png)", "\\!\\[x\\]\\(https:\u200b//evil.example/p.png\\)"],
    ["[click](javascript:alert(1))", "\\[click\\]\\(javascript:alert\\(1\\)\\)"],
    ["<img src=x onerror=alert(1)>", "&lt;img src=x onerror=alert\\(1\\)&gt;"],
    ["ping @octocat and @org/team", "ping @\u200boctocat and @\u200borg/team"],
    [
      "see www.evil.example or https://evil.example",
      "see www\u200b.evil.example or https:\u200b//evil.example",
    ],
    ["fixes #12", "fixes #\u200b12"],
    ["a | b\nc", "a \\| b c"],
    ["**bold** `code` ~~gone~~ _it_", "\\*\\*bold\\*\\* \\`code\\` \\~\\~gone\\~\\~ \\_it\\_"],
  ])("%j", (text, inert) => {
    expect(inertMarkdown(text)).toBe(inert);
  });

  it("leaves plain names and messages readable", () => {
    expect(inertMarkdown('container "api" may run as root: runAsNonRoot is not true')).toBe(
      'container "api" may run as root: runAsNonRoot is not true',
    );
  });
});
