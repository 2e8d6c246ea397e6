export {
  analyze,
  analyzeModel,
  type Connectivity,
  type Endpoint,
  endpointId,
  type Flow,
  portsConns,
  type RuleRef,
} from "./analyze.js";
export {
  type ComponentFlow,
  compareWithIntended,
  DNS_CONNS,
  describeDifference,
  endpointName,
  type FlowComparison,
  type FlowDifference,
  type FlowTarget,
} from "./compare.js";
export {
  ALL_CONNS,
  type ConnSet,
  connsOf,
  contains,
  describePorts,
  equals,
  formatConns,
  intersect,
  isAll,
  isEmpty,
  NO_CONNS,
  PROTOCOLS,
  type Protocol,
  parseConns,
  subtract,
  union,
} from "./conns.js";
export {
  diffFlows,
  type FlowChange,
  type FlowDiff,
  flowDiffJson,
  flowDiffMarkdown,
  flowDiffMermaid,
  flowDiffSection,
  flowDiffText,
} from "./diff.js";
export {
  DEFAULT_DNS_OPTIONS,
  type DnsOptions,
  describeDns,
  dnsOptionsSchema,
  isClusterDnsPeer,
  reachesDns,
} from "./dns.js";
export {
  type FlowsReport,
  type FlowsSection,
  flows,
  flowsSection,
  MAX_DIAGRAM_EDGES,
} from "./flows.js";
export {
  DEFAULT_NETWORK_OPTIONS,
  EXTERNAL,
  GUIDE_FLOWS,
  type IntendedFlow,
  intendedFlowSchema,
  intendedFlows,
  type NetworkOptions,
  networkOptionsSchema,
} from "./intended.js";
export {
  atoms,
  formatInterval,
  type IpInterval,
  type IpSet,
  ipBlockSet,
  PUBLIC_ADDRESSES,
  parseCidr,
  parseIpv4Range,
  publicFamiliesCovered,
  subtractSet,
} from "./ip.js";
export {
  buildModel,
  type ContainerPort,
  type Model,
  modelOf,
  NAMESPACE_NAME_LABEL,
  namespaceOf,
  type Peer,
  type Policy,
  type PolicyRule,
  type PortSpec,
  peerOf,
  policySelects,
  servingPorts,
  type Workload,
  workloadName,
} from "./model.js";
export {
  PER_POD_LABELS,
  type PodLabels,
  podLabelSets,
  UNKNOWN_LABEL_REASONS,
  UNKNOWN_LABEL_VALUE,
  unknownLabelsOf,
} from "./pods.js";
export {
  containerPortsOf,
  findPort,
  numberedPort,
  protocolOf,
} from "./ports.js";
export { flowsMarkdown, flowsMermaid, formatMatrix } from "./render.js";
export {
  compilePodSelector,
  compileSelector,
  isEmptySelector,
  type Labels,
  mayMatch,
  type PodMatch,
  type PodSelector,
  type PodSide,
  type Selector,
  type Uncertain,
} from "./selector.js";
export {
  isBadPortName,
  type PeerRefusal,
  type PolicyRefusal,
  type PortRefusal,
  policyRefusals,
  type RefusalOptions,
  refusalOptionsFor,
  type SpecRefusal,
} from "./validate.js";
