import type { AnyRule } from "@scout-deploy/core";
import { allowedFlows } from "./network/allowed-flows/rule.js";
import { defaultDeny } from "./network/default-deny/rule.js";
import { externalExposure } from "./network/external-exposure/rule.js";
import { noBroadPeers } from "./network/no-broad-peers/rule.js";
import { portCoherence } from "./network/port-coherence/rule.js";
import { noPrivilegeEscalation } from "./pod/no-privilege-escalation/rule.js";
import { readOnlyRootFilesystem } from "./pod/read-only-root-filesystem/rule.js";
import { runAsNonRoot } from "./pod/run-as-non-root/rule.js";

/** The Security Guide pack: one explicit list, sorted by id (a test keeps it so). */
export const securityGuideRules: readonly AnyRule[] = [
  allowedFlows,
  defaultDeny,
  externalExposure,
  noBroadPeers,
  portCoherence,
  noPrivilegeEscalation,
  readOnlyRootFilesystem,
  runAsNonRoot,
];
