const ZERO_WIDTH_SPACE = "\u200b";

/**
 * Text from manifests (names, images, messages quoting them), made inert for GitHub Markdown:
 * it reads the same but cannot open HTML, an image, a link, a table cell, a mention (`@user`
 * notifies that user), an autolinked URL or an issue reference.
 */
export function inertMarkdown(text: string): string {
  return text
    .replace(/\r?\n|\r/g, " ")
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/[\\`*_[\]()!|~]/g, "\\$&")
    .replace(/@/g, `@${ZERO_WIDTH_SPACE}`)
    .replace(/:\/\//g, `:${ZERO_WIDTH_SPACE}//`)
    .replace(/\bwww\./gi, (www) => `${www.slice(0, 3)}${ZERO_WIDTH_SPACE}.`)
    .replace(/#(?=\d)/g, `#${ZERO_WIDTH_SPACE}`);
}
