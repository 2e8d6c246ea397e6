import { createHash } from "node:crypto";
import type { Bundle } from "@scout-deploy/core";

/**
 * A digest of exactly what was checked: each file's path and content, in path order. `rendered`
 * gives the texts of rendered files that hold no document of the bundle (another cluster's
 * render of a chart).
 */
export function bundleDigest(
  bundle: Bundle,
  rendered: Readonly<Record<string, string>> = {},
): string {
  const texts = new Map<string, string>(Object.entries(rendered));
  for (const document of bundle.documents) texts.set(document.file.path, document.file.text);
  const hash = createHash("sha256");
  for (const path of [...new Set(bundle.files)].sort()) {
    const content = createHash("sha256")
      .update(texts.get(path) ?? "")
      .digest("hex");
    hash.update(`${path}\u0000${content}\n`);
  }
  return `sha256:${hash.digest("hex")}`;
}
