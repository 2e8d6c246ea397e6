import { describe, expect, it } from "vitest";
import { inertLine, inertMarkdown } from "./markdown.js";

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
    ["red\u001b[31m", "red\\\\u001b\\[31m"],
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

describe("inertLine", () => {
  it.each([
    ["web\n::error::pwned", "web\\n::error::pwned"],
    ["::error::pwned => b", "\\u003a:error::pwned => b"],
    ["  ::add-mask::x", "  \\u003a:add-mask::x"],
    ["\u001b[2J::x", "\\u001b[2J::x"],
    [
      "ns/web[Deployment] => ns/api[Deployment] : TCP 8000",
      "ns/web[Deployment] => ns/api[Deployment] : TCP 8000",
    ],
  ])("%j reads as one line that starts no workflow command: %j", (line, inert) => {
    expect(inertLine(line)).toBe(inert);
  });
});
