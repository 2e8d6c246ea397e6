import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { bundledKubernetesVersions, standaloneSchemas } from "@scout-deploy/schema";

/**
 * Writes the embedded validator's schemas as a kubeconform schema folder:
 * `<dir>/v1.37.0-standalone-strict/deployment-apps-v1.json`, the layout of kubeconform's
 * default location, so `-schema-location <dir>` works offline. Returns the versions written.
 */
export async function writeOfflineSchemas(dir: string): Promise<string[]> {
  const versions = bundledKubernetesVersions();
  for (const version of versions) {
    const folder = join(dir, `v${version}-standalone-strict`);
    await mkdir(folder, { recursive: true });
    const files = [...standaloneSchemas(version)];
    await Promise.all(
      files.map(([name, schema]) => writeFile(join(folder, name), JSON.stringify(schema))),
    );
  }
  return versions;
}
