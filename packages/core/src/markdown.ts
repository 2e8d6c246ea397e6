const ZERO_WIDTH_SPACE = "\u200b";

/**
 * Text from manifests (names, images, messages quoting them), made inert for GitHub Markdown:
 * it reads the same but cannot open HTML, an image, a link, a table cell, a mention (`@user`
 * notifies that user), an autolinked URL or an issue reference. Printed to a terminal, it carries
 * no escape sequence either.
 */
export function inertMarkdown(text: string): string {
  // Line breaks become spaces; other control characters their escape (inertText), whose
  // backslash the next step escapes in turn, so the page shows `\u001b` and a terminal too.
  return inertText(text.replace(/\r?\n|\r/g, " "))
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/[\\`*_[\]()!|~]/g, "\\$&")
    .replace(/@/g, `@${ZERO_WIDTH_SPACE}`)
    .replace(/:\/\//g, `:${ZERO_WIDTH_SPACE}//`)
    .replace(/\bwww\./gi, (www) => `${www.slice(0, 3)}${ZERO_WIDTH_SPACE}.`)
    .replace(/#(?=\d)/g, `#${ZERO_WIDTH_SPACE}`);
}

/**
 * Text from manifests (names, images, file names, messages quoting them), made inert for a
 * terminal or a CI log: a line break would start a line of its own (a fake "✔ passed", or a
 * GitHub workflow command such as `::error::` or `::stop-commands::` where the runner reads
 * stdout), an escape sequence could erase or recolour lines, a bidi control reorder them. Each
 * is shown as its escape (`\n`, `\u001b`), so the line reads as one and says what is there.
 */
export function inertText(text: string): string {
  return text.replace(CONTROL_CHARACTERS, (char) => {
    const named = NAMED_ESCAPES[char];
    return named ?? `\\u${char.charCodeAt(0).toString(16).padStart(4, "0")}`;
  });
}

/**
 * A whole output line holding text from manifests: inertText, and a line that would begin with
 * `::` (after blanks, which the GitHub Actions runner skips) begins with `\u003a:` instead, so
 * the runner never reads it as a workflow command (`::error::`, `::add-mask::`, `::stop-commands::`).
 */
export function inertLine(line: string): string {
  return inertText(line).replace(/^(\s*):(?=:)/, "$1\\u003a");
}

// C0 and C1 controls, DEL, and the bidirectional embedding, override and isolate marks.
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding them is the point
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;
const NAMED_ESCAPES: Record<string, string> = { "\n": "\\n", "\r": "\\r", "\t": "\\t" };
