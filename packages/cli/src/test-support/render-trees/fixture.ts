import { readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";

export const fixturePath = resolve(
  dirname(fileURLToPath(import.meta.url)),
  "../../../../rules/src/fixtures/compliant/scout.yaml",
);

/** One document of the compliant fixture, as its text is written there. */
export interface FixtureDocument {
  kind: string;
  name: string;
  text: string;
}

let cached: FixtureDocument[] | undefined;

export function fixtureDocuments(): FixtureDocument[] {
  cached ??= readFileSync(fixturePath, "utf8")
    .split(/^---\s*$/m)
    .filter((text) => /^kind:/m.test(text))
    .map((text) => ({
      kind: /^kind: (\S+)/m.exec(text)![1]!,
      name: /^ {2}name: (\S+)/m.exec(text)![1]!,
      text: `${text.replace(/^\n+/, "").replace(/\n*$/, "")}\n`,
    }))
    .map((document) =>
      document.name === "prometheus-config"
        ? { ...document, text: document.text.replace(STATIC_TARGET, DISCOVERED_TARGET) }
        : document,
    );
  return cached;
}

/**
 * The fixture's Prometheus scrapes `backend.scout.svc:8000`, a name that an overlay's prefix,
 * suffix or namespace changes while the text of prometheus.yml stays: Prometheus then scrapes
 * nothing (monitoring/metrics-scraped says so). The trees scrape the backend's pods by their
 * component label instead, which every rename keeps.
 */
const STATIC_TARGET = /^( +)static_configs:\n +- targets: \["backend\.scout\.svc:8000"\]\n/m;
const DISCOVERED_TARGET = `$1kubernetes_sd_configs:
$1  - role: pod
$1relabel_configs:
$1  - source_labels:
$1      [__meta_kubernetes_pod_label_app_kubernetes_io_component, __meta_kubernetes_pod_container_port_number]
$1    regex: backend;8000
$1    action: keep
`;

/** Written after the text that weakens a control; taken out before the tree is written. */
export const WEAK = "⟪weak⟫";

/** The texts without the marks, and the file and line of each mark. */
export function marked(files: Record<string, string>): {
  texts: Record<string, string>;
  places: { file: string; line: number }[];
} {
  const places: { file: string; line: number }[] = [];
  const texts: Record<string, string> = {};
  for (const [file, text] of Object.entries(files)) {
    text.split("\n").forEach((line, index) => {
      if (line.includes(WEAK)) places.push({ file, line: index + 1 });
    });
    texts[file] = text.split(WEAK).join("");
  }
  return { texts, places };
}
