// Writes docs/index.md and docs/traceability.md from the built rules (run `pnpm docs`, which builds first).
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { inputRules } from "@scout-deploy/core";
import { renderRulesIndex, renderTraceability } from "../dist/docs/render.js";
import { securityGuideRules } from "../dist/registry.js";

const docs = join(dirname(fileURLToPath(import.meta.url)), "../docs");
mkdirSync(docs, { recursive: true });
writeFileSync(join(docs, "index.md"), renderRulesIndex(securityGuideRules, inputRules));
writeFileSync(join(docs, "traceability.md"), renderTraceability(securityGuideRules));
console.log(`wrote ${join(docs, "index.md")} and ${join(docs, "traceability.md")}`);
