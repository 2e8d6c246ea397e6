import * as core from "@actions/core";
import type { Logger, Runner } from "./ports.js";

/** The real runner: @actions/core's workflow commands and files. The only importer of it. */
export function actionsRunner(): Runner & { log: Logger } {
  return {
    log: {
      info: (message) => core.info(message),
      warning: (message) => core.warning(message),
      debug: (message) => core.debug(message),
    },
    input: (name) => core.getInput(name),
    setOutput: (name, value) => core.setOutput(name, value),
    async appendSummary(markdown) {
      if (!process.env.GITHUB_STEP_SUMMARY) return;
      await core.summary.addRaw(markdown, true).write();
    },
    annotate(annotation) {
      // A notice about the run as a whole names no file.
      const properties = annotation.file
        ? {
            title: annotation.title,
            file: annotation.file,
            startLine: annotation.line,
            endLine: annotation.endLine,
            // GitHub refuses columns on an annotation over several lines.
            ...(annotation.column !== undefined
              ? { startColumn: annotation.column, endColumn: annotation.endColumn }
              : {}),
          }
        : { title: annotation.title };
      if (annotation.level === "error") core.error(annotation.message, properties);
      else if (annotation.level === "warning") core.warning(annotation.message, properties);
      else core.notice(annotation.message, properties);
    },
    setFailed: (message) => core.setFailed(message),
  };
}
