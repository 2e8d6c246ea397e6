import { VERSION } from "./version.js";

/** Where the repository lives; the pack's docs links are built from it. */
export const REPOSITORY_URL = "https://github.com/scout/secure-deploy";

/**
 * A page of a package's docs at that package's release (changesets tags each release
 * `@scout-deploy/<name>@<version>`), not on `main`: the page matches the code that ran.
 */
export function releasedDocsUrl(pkg: string, version: string, path: string): string {
  return `${REPOSITORY_URL}/blob/@scout-deploy/${pkg}@${version}/packages/${pkg}/${path}`;
}

/** Where a rule's README lives on GitHub, at this release; the folder of a rule is its id. */
export function docsUrl(ruleId: string): string {
  return releasedDocsUrl("rules", VERSION, `src/${ruleId}/README.md`);
}
