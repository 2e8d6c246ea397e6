import { releasedDocsUrl } from "@scout-deploy/core";
import { VERSION } from "./version.js";

/** Where a rule's README lives on GitHub, at this release; the folder of a rule is its id. */
export function docsUrl(ruleId: string): string {
  return releasedDocsUrl("rules", VERSION, `src/${ruleId}/README.md`);
}
