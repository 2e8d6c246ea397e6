/** Helpers shared by the Security Guide rules: namespaces, service accounts, RBAC, probes. */
export { configMapProjections, configMapsNamed, objectsNamed } from "./config-maps.js";
export { containerPath } from "./container-paths.js";
export { groupBy } from "./group.js";
export { effectiveNamespace, isClusterScoped, scoutNamespace } from "./namespace.js";
export {
  boundNodePath,
  type NodePathVolume,
  nodePathVolumes,
  type PodClaim,
  podClaims,
} from "./persistent-volumes.js";
export { mainContainer, numberedPort, resolvePort } from "./ports.js";
export {
  aggregatedBuiltIns,
  type Binding,
  bindingsOf,
  boundRiskyBuiltIn,
  type RoleRule,
  roleRulesOf,
  type Subject,
  scoutServiceAccounts,
} from "./rbac.js";
export { placeOf, type SecurityContextAt, securityContextsOf } from "./security-contexts.js";
export {
  type ComponentWorkload,
  componentWorkloads,
  isLongRunning,
  isWindowsPod,
  serviceAccountNameOf,
} from "./workloads.js";
