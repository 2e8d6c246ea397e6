/** kubeconform's `-output json -summary` document. */
export interface KubeconformResult {
  filename: string;
  kind: string;
  name: string;
  version: string;
  status: "statusValid" | "statusInvalid" | "statusError" | "statusSkipped" | "statusEmpty";
  msg: string;
  validationErrors?: { path: string; msg: string }[];
}

export interface KubeconformOutput {
  resources: KubeconformResult[];
  summary: { valid: number; invalid: number; errors: number; skipped: number };
}

export function parseOutput(stdout: string): KubeconformOutput {
  const parsed = JSON.parse(stdout) as Partial<KubeconformOutput>;
  if (!Array.isArray(parsed.resources) || typeof parsed.summary !== "object") {
    throw new Error("kubeconform's output has no resources or no summary (was -summary passed?)");
  }
  return parsed as KubeconformOutput;
}

/** One innermost error of a result: a JSON Pointer into the resource and kubeconform's text. */
export interface LeafError {
  pointer: string;
  message: string;
}

const ENTRY = /(?:^|\s)( *)- at '((?:[^'\\]|\\.)*)': /g;

/**
 * The innermost errors of an invalid result. `validationErrors` holds only the first level of
 * the error tree ("/spec: validation failed"), so the tree is read from `msg`, where
 * santhosh-tekuri/jsonschema prints every node as "- at '<pointer>': <text>", indented two
 * spaces a level (kubeconform joins the lines with spaces). A node is a leaf when the next one
 * is not deeper.
 */
export function leafErrors(msg: string): LeafError[] {
  const entries: { depth: number; pointer: string; start: number; end: number }[] = [];
  for (const match of msg.matchAll(ENTRY)) {
    const index = match.index ?? 0;
    entries.push({
      depth: (match[1] ?? "").length,
      pointer: unquote(match[2] ?? ""),
      start: index + match[0].length,
      end: index,
    });
  }
  return entries.flatMap((entry, i) => {
    const next = entries[i + 1];
    if (next && next.depth > entry.depth) return [];
    const message = msg.slice(entry.start, next ? next.end : msg.length).trim();
    return [{ pointer: entry.pointer, message }];
  });
}

/** Undoes Go's %q escaping as jsonschema's quote() applies it. */
export function unquote(text: string): string {
  return text.replace(
    /\\(u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8}|x[0-9a-fA-F]{2}|.)/g,
    (_, code: string) => {
      const simple: Record<string, string> = {
        n: "\n",
        t: "\t",
        r: "\r",
        "\\": "\\",
        "'": "'",
        '"': '"',
      };
      if (code in simple) return simple[code] as string;
      if (/^[uUx]/.test(code)) return String.fromCodePoint(Number.parseInt(code.slice(1), 16));
      return code;
    },
  );
}

/** The single-quoted names in "missing properties 'a', 'b'" and alike. */
export function quotedNames(text: string): string[] {
  return [...text.matchAll(/'((?:[^'\\]|\\.)*)'/g)].map((m) => unquote(m[1] ?? ""));
}
