import packageJson from "../package.json" with { type: "json" };

export const TOOL = { name: "scout-secure-deploy", version: packageJson.version };
