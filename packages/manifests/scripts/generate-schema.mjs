// Writes schema/scout-deploy.schema.json from the zod schema (run after `pnpm build`).
// src/schema.test.ts fails when the committed file is stale.
import { writeFileSync } from "node:fs";
import { configJsonSchema } from "../dist/index.js";

const target = new URL("../schema/scout-deploy.schema.json", import.meta.url);
writeFileSync(target, `${JSON.stringify(configJsonSchema(), null, 2)}\n`);
console.log(`wrote ${target.pathname}`);
