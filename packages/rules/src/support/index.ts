/** Helpers shared by the Security Guide rules: namespaces, service accounts, RBAC, probes. */
export { isClusterScoped, sameNamespace, scoutNamespace } from "./namespace.js";
export { mainContainer, numberedPort, resolvePort } from "./ports.js";
export {
  type Binding,
  bindingsOf,
  type RoleRule,
  roleRulesOf,
  type Subject,
  scoutServiceAccounts,
} from "./rbac.js";
export {
  type ComponentWorkload,
  componentWorkloads,
  serviceAccountNameOf,
} from "./workloads.js";
