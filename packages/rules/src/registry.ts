import type { AnyRule } from "@scout-deploy/core";
import { noPrivilegeEscalation } from "./pod/no-privilege-escalation/rule.js";
import { readOnlyRootFilesystem } from "./pod/read-only-root-filesystem/rule.js";
import { runAsNonRoot } from "./pod/run-as-non-root/rule.js";

/** The Security Guide pack: one explicit list, sorted by id (a test keeps it so). */
export const securityGuideRules: readonly AnyRule[] = [
  noPrivilegeEscalation,
  readOnlyRootFilesystem,
  runAsNonRoot,
];
