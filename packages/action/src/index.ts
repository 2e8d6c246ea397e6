import { actionsRunner } from "./runner.js";
import { TOOL } from "./version.js";

// The first log line comes before the pipeline's code is even loaded.
const runner = actionsRunner();
runner.log.info(`${TOOL.name} ${TOOL.version}`);
const { run } = await import("./main.js");
await run({ runner, log: runner.log, env: process.env, cwd: process.cwd() });
