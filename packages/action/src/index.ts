import { actionsRunner } from "./runner.js";
import { TOOL } from "./version.js";

// The first log line comes before the pipeline's code is even loaded.
const runner = actionsRunner();
runner.log.info(`${TOOL.name} ${TOOL.version}`);
const { run } = await import("./main.js");
await run({ runner, log: runner.log, env: process.env, cwd: process.cwd() });
// The run is over: whatever a given-up request still holds open gets one second (enough for
// the runner to read our last lines, even through Windows' asynchronous pipes), then the step
// ends with the exit code setFailed chose.
setTimeout(() => process.exit(), 1000).unref();
