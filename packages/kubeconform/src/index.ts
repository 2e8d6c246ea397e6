export { type FindOptions, findKubeconform, requireKubeconform } from "./binary.js";
export {
  assetName,
  checksumFor,
  type Download,
  fetchDownload,
  type InstallOptions,
  installKubeconform,
  KUBECONFORM_RELEASES,
  KUBECONFORM_VERSION,
  sha256File,
  type ToolCache,
} from "./install.js";
export { problemsOf, type SchemaLookup } from "./map.js";
export { writeOfflineSchemas } from "./offline.js";
export {
  type KubeconformOutput,
  type KubeconformResult,
  type LeafError,
  leafErrors,
  parseOutput,
} from "./output.js";
export {
  argumentsFor,
  CRDS_CATALOG,
  createKubeconformValidator,
  type KubeconformOptions,
  kubeconformVersion,
  runKubeconform,
} from "./validator.js";
