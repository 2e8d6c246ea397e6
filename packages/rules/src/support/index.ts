/** Helpers shared by the Security Guide rules: namespaces, service accounts, RBAC, probes. */
export { isClusterScoped, namespaceOf, scoutNamespace } from "./namespace.js";
export {
  type Binding,
  bindingsOf,
  type Grant,
  type RoleRule,
  roleRulesOf,
  scoutServiceAccounts,
  type Subject,
} from "./rbac.js";
export { mainContainer, numberedPort, resolvePort } from "./ports.js";
export { componentWorkloads, serviceAccountNameOf } from "./workloads.js";
