import type { AnyRule } from "@scout-deploy/core";
import { noPrivilegeEscalation } from "./pod/no-privilege-escalation/rule.js";
import { readOnlyRootFilesystem } from "./pod/read-only-root-filesystem/rule.js";
import { runAsNonRoot } from "./pod/run-as-non-root/rule.js";
import { apiAuth } from "./secrets/api-auth/rule.js";
import { externalManagement } from "./secrets/external-management/rule.js";
import { noPlaintextEnv } from "./secrets/no-plaintext-env/rule.js";
import { noSecretInConfigmap } from "./secrets/no-secret-in-configmap/rule.js";
import { redisAuth } from "./secrets/redis-auth/rule.js";
import { rotationAge } from "./secrets/rotation-age/rule.js";
import { stringData } from "./secrets/string-data/rule.js";
import { strongToken } from "./secrets/strong-token/rule.js";
import { validBase64 } from "./secrets/valid-base64/rule.js";

/** The Security Guide pack: one explicit list, sorted by id (a test keeps it so). */
export const securityGuideRules: readonly AnyRule[] = [
  noPrivilegeEscalation,
  readOnlyRootFilesystem,
  runAsNonRoot,
  apiAuth,
  externalManagement,
  noPlaintextEnv,
  noSecretInConfigmap,
  redisAuth,
  rotationAge,
  stringData,
  strongToken,
  validBase64,
];
