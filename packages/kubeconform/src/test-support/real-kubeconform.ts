import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { findKubeconform } from "../binary.js";
import { writeOfflineSchemas } from "../offline.js";

/**
 * The real kubeconform for integration tests. In CI (CI=true) a missing binary fails the
 * suite, so a green run always means kubeconform ran; locally the suite skips with a message.
 */
export function realKubeconform(): string | undefined {
  const binary = findKubeconform();
  if (!binary) {
    const message =
      "kubeconform not found (scripts/install-kubeconform.sh, KUBECONFORM_PATH or PATH)";
    if (process.env.CI === "true") throw new Error(`${message}: required in CI`);
    console.warn(`${message}: skipping the tests that run it`);
  }
  return binary;
}

let offline: Promise<string> | undefined;

/** A temporary offline schema folder written from the embedded data (no network in tests). */
export function offlineSchemas(): Promise<string> {
  offline ??= (async () => {
    const dir = mkdtempSync(join(tmpdir(), "scout-kubeconform-schemas-"));
    await writeOfflineSchemas(dir);
    return dir;
  })();
  return offline;
}
