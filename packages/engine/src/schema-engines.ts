/** Where schemas are checked: the embedded validator (offline), a kubeconform binary, or not at all. */
export const SCHEMA_ENGINES = ["embedded", "kubeconform", "off"] as const;
export type SchemaEngine = (typeof SCHEMA_ENGINES)[number];
