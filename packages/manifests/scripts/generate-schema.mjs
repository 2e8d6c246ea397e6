// Writes schema/scout-deploy.schema.json from the zod schema (run after `pnpm build`), with the
// settings of the Security Guide pack that every run has, formatted
// as biome formats it. src/schema.test.ts fails when the committed file is stale.
import { execFileSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { securityGuidePack } from "@scout-deploy/rules";
import { configJsonSchema } from "../dist/index.js";

const target = fileURLToPath(new URL("../schema/scout-deploy.schema.json", import.meta.url));
writeFileSync(target, `${JSON.stringify(configJsonSchema([securityGuidePack]), null, 2)}\n`);
execFileSync("biome", ["format", "--write", target], { stdio: "inherit" });
console.log(`wrote ${target}`);
