export { ageInDays, DEFAULT_MAX_AGE_DAYS, type RecordedTime, recordedRotation } from "./age.js";
export { bytesAsText, decodeBase64, encodeBase64, isValidBase64 } from "./base64.js";
export {
  type Clock,
  type CommandResult,
  type GenerateOptions,
  type InputFile,
  type Inputs,
  type RotateCommandOptions,
  secretsGenerate,
  secretsRotate,
} from "./commands.js";
export {
  type ConfigCredential,
  configCredentials,
  isReferenceValue,
} from "./config-credentials.js";
export {
  type ConsumerFate,
  consumerNote,
  consumerPosition,
  SECRETS_DIGEST_ANNOTATION,
  type SecretConsumer,
  type SecretRead,
  type SecretReadVia,
  secretConsumers,
  secretReadsOf,
  secretsBeside,
  secretsDigest,
} from "./consumers.js";
export {
  type ConfigPassword,
  configPasswords,
  detectTokenFormat,
  hasUrlPassword,
  isCredentialName,
  isCredentialSetting,
  isNumberOrDuration,
  looksHighEntropy,
  nameSegments,
  type TokenFormat,
} from "./credentials.js";
export { fingerprint } from "./fingerprint.js";
export {
  type CommonWord,
  commonWord,
  describeReading,
  estimateGuessable,
  type Guessable,
  isKeyboardWalk,
  MAX_ESTIMATED_LENGTH,
  type Pattern,
  type PatternKind,
} from "./guessable.js";
export { type HashAlgorithm, type HashedWord, hashedWord } from "./hashed.js";
export { type CommandIO, deliver, SECRET_FILE_MODE, writeSecretFile } from "./io.js";
export { type CredentialValue, credentialValues, type WeakValue, weakValues } from "./judge.js";
export {
  ANNOTATIONS,
  API_TOKEN_KEY,
  type CredentialKeyNames,
  invalidKeyReason,
  isPreviousKey,
  LABELS,
  PREVIOUS_SUFFIX,
  previousKey,
  REDIS_PASSWORD_KEY,
  SCOUT_SECRET_NAME,
  scoutSecretKeys,
} from "./layout.js";
export {
  type ExternalSecretSpec,
  externalSecretManifest,
  fingerprintsAnnotation,
  type Manifest,
  rfc3339,
  SECRET_MODES,
  type SecretMode,
  type SecretSpec,
  sealedReadyManifest,
  secretManifest,
  toYaml,
} from "./manifest.js";
export { maskSecretValues } from "./mask.js";
export { generateToken, type RandomSource, systemRandom, TOKEN_BYTES } from "./random.js";
export { environmentOf, findReuse, type Placement, type Reuse } from "./reuse.js";
export {
  DEFAULT_OVERLAP_DAYS,
  dropPrevious,
  type RotateOptions,
  type Rotation,
  RotationError,
  rotateSecret,
} from "./rotate.js";
export {
  effectiveSecretEntries,
  isSecret,
  type SecretEntry,
  STRUCTURED_SECRET_TYPES,
  secretEntries,
  secretType,
  storedBytes,
} from "./secret-values.js";
export {
  alphabetBits,
  alphabetName,
  assessBytes,
  assessStrength,
  cheapestReading,
  DEFAULT_MIN_BITS,
  describeMeasure,
  estimateBits,
  guessableReading,
  isPlaceholder,
  longestSequentialRun,
  type Measure,
  MIN_GUESSABLE_SAVING,
  PLACEHOLDER_WORDS,
  repeatingPeriod,
  type Strength,
  type StrengthOptions,
  shannonEntropy,
  significantChars,
  type Weakness,
  withoutRuns,
} from "./strength.js";
export {
  isTypeOwnKey,
  type TypedKeyExpectation,
  type TypedKeyProblem,
  typedKeyProblems,
} from "./typed-keys.js";
