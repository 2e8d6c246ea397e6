import { type AnyRule, definePack } from "@scout-deploy/core";
import { docsUrl } from "./docs-url.js";
import { metricsScraped } from "./monitoring/metrics-scraped/rule.js";
import { securityAlerts } from "./monitoring/security-alerts/rule.js";
import { structuredLogs } from "./monitoring/structured-logs/rule.js";
import { podSecurityLabels } from "./namespace/pod-security-labels/rule.js";
import { allowedFlows } from "./network/allowed-flows/rule.js";
import { defaultDeny } from "./network/default-deny/rule.js";
import { externalExposure } from "./network/external-exposure/rule.js";
import { noBroadPeers } from "./network/no-broad-peers/rule.js";
import { portCoherence } from "./network/port-coherence/rule.js";
import { unmodeledPolicies } from "./network/unmodeled-policies/rule.js";
import { apparmorProfile } from "./pod/apparmor-profile/rule.js";
import { dropAllCapabilities } from "./pod/drop-all-capabilities/rule.js";
import { noHandlerHost } from "./pod/no-handler-host/rule.js";
import { noHostNamespaces } from "./pod/no-host-namespaces/rule.js";
import { noHostPath } from "./pod/no-host-path/rule.js";
import { noMutatingAdmission } from "./pod/no-mutating-admission/rule.js";
import { noPrivilegeEscalation } from "./pod/no-privilege-escalation/rule.js";
import { noSharedProcessNamespace } from "./pod/no-shared-process-namespace/rule.js";
import { nonRootGroups } from "./pod/non-root-groups/rule.js";
import { notPrivileged } from "./pod/not-privileged/rule.js";
import { procMount } from "./pod/proc-mount/rule.js";
import { readOnlyRootFilesystem } from "./pod/read-only-root-filesystem/rule.js";
import { restrictedVolumeTypes } from "./pod/restricted-volume-types/rule.js";
import { runAsNonRoot } from "./pod/run-as-non-root/rule.js";
import { runAsUser } from "./pod/run-as-user/rule.js";
import { safeSysctls } from "./pod/safe-sysctls/rule.js";
import { seccompProfile } from "./pod/seccomp-profile/rule.js";
import { selinuxOptions } from "./pod/selinux-options/rule.js";
import { serviceAccountToken } from "./pod/service-account-token/rule.js";
import { writablePaths } from "./pod/writable-paths/rule.js";
import { dedicatedServiceAccount } from "./rbac/dedicated-service-account/rule.js";
import { minimalSubjects } from "./rbac/minimal-subjects/rule.js";
import { namespaceScoped } from "./rbac/namespace-scoped/rule.js";
import { noDangerousVerbs } from "./rbac/no-dangerous-verbs/rule.js";
import { noWildcards } from "./rbac/no-wildcards/rule.js";
import { apiAuth } from "./secrets/api-auth/rule.js";
import { distinctEnvironments } from "./secrets/distinct-environments/rule.js";
import { externalManagement } from "./secrets/external-management/rule.js";
import { noPlaintextEnv } from "./secrets/no-plaintext-env/rule.js";
import { noSecretInConfigmap } from "./secrets/no-secret-in-configmap/rule.js";
import { redisAuth } from "./secrets/redis-auth/rule.js";
import { reuse } from "./secrets/reuse/rule.js";
import { rotationAge } from "./secrets/rotation-age/rule.js";
import { stringData } from "./secrets/string-data/rule.js";
import { strongToken } from "./secrets/strong-token/rule.js";
import { validBase64 } from "./secrets/valid-base64/rule.js";
import { guideSettingsSchema } from "./settings.js";
import { imagePinned } from "./workload/image-pinned/rule.js";
import { namespace } from "./workload/namespace/rule.js";
import { probes } from "./workload/probes/rule.js";
import { referencesResolve } from "./workload/references-resolve/rule.js";
import { resources } from "./workload/resources/rule.js";
import { startupProbe } from "./workload/startup-probe/rule.js";

/** The Security Guide pack: one explicit list, sorted by id (a test keeps it so). */
const rules: readonly AnyRule[] = [
  metricsScraped,
  securityAlerts,
  structuredLogs,
  podSecurityLabels,
  allowedFlows,
  defaultDeny,
  externalExposure,
  noBroadPeers,
  portCoherence,
  unmodeledPolicies,
  apparmorProfile,
  dropAllCapabilities,
  noHandlerHost,
  noHostNamespaces,
  noHostPath,
  noMutatingAdmission,
  noPrivilegeEscalation,
  noSharedProcessNamespace,
  nonRootGroups,
  notPrivileged,
  procMount,
  readOnlyRootFilesystem,
  restrictedVolumeTypes,
  runAsNonRoot,
  runAsUser,
  safeSysctls,
  seccompProfile,
  selinuxOptions,
  serviceAccountToken,
  writablePaths,
  dedicatedServiceAccount,
  minimalSubjects,
  namespaceScoped,
  noDangerousVerbs,
  noWildcards,
  apiAuth,
  distinctEnvironments,
  externalManagement,
  noPlaintextEnv,
  noSecretInConfigmap,
  redisAuth,
  reuse,
  rotationAge,
  stringData,
  strongToken,
  validBase64,
  imagePinned,
  namespace,
  probes,
  referencesResolve,
  resources,
  startupProbe,
];

/**
 * The Security Guide pack: its rules, the settings they share (`guideSettingsSchema`) and its
 * docs, each rule's README found by its id (no rule repeats its id in a URL).
 */
export const securityGuidePack = definePack({
  name: "@scout-deploy/rules",
  rules,
  settings: guideSettingsSchema,
  docs: docsUrl,
});

export const securityGuideRules: readonly AnyRule[] = securityGuidePack.rules;
