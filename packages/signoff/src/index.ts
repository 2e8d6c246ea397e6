export {
  formatVerifyReport,
  runSignoff,
  runVerify,
  type SigningMode,
  type SignoffInput,
  type SignoffOutput,
  type VerifyInput,
  type VerifyOutput,
} from "./commands.js";
export {
  CONFIG_SECTIONS,
  type ConfigCheck,
  type ConfigSection,
  type ConfigSectionDigests,
  type CurrentConfig,
  checkConfig,
  configSectionDigests,
} from "./config.js";
export {
  type DsseEnvelope,
  type DsseSignature,
  encodeEnvelope,
  IN_TOTO_PAYLOAD_TYPE,
  type ParsedRecord,
  pae,
  parseRecord,
  payloadBytes,
} from "./dsse.js";
export {
  type KeyAlgorithm,
  keyIdOf,
  keySigner,
  type PublicKey,
  readPublicKey,
  type Signer,
} from "./keys.js";
export { checkPlugins, type PluginCheck, type RecordedPlugin } from "./plugins.js";
export {
  type ActionsAttestFunction,
  actionsAttestor,
  canSignKeyless,
  type KeylessAttestation,
  type KeylessAttestor,
  type KeylessRequest,
  signStatement,
  unsignedEnvelope,
} from "./sign.js";
export {
  buildStatement,
  checkedPaths,
  type GitHubContext,
  githubContextFromEnv,
  PREDICATE_TYPE,
  type PullRequestGate,
  type RecordedSuppression,
  type SignedFile,
  type SignoffContext,
  type SignoffPredicate,
  STATEMENT_TYPE,
  type Statement,
  type Subject,
  sha256Hex,
  subjectName,
  subjectsOf,
} from "./statement.js";
export {
  type FileProblem,
  type PathsCheck,
  recordedKubernetesVersion,
  type SignatureStatus,
  type VerifyReport,
  verifySignoff,
} from "./verify.js";
