import { exitQuietlyOnClosedStdout, nodeIo } from "./io.js";
import { main } from "./main.js";

exitQuietlyOnClosedStdout();
process.exitCode = await main(process.argv.slice(2), nodeIo());
