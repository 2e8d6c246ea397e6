export {
  type IsolateOptions,
  incidentIsolate,
  incidentRotateAll,
  type RotateAllOptions,
} from "./commands.js";
export {
  DENY_ALL_POLICY_NAME,
  ISOLATED_LABEL,
  type Isolation,
  type IsolationSettings,
  isolationPatch,
  scoutWorkloads,
} from "./isolate.js";
