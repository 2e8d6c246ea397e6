import { resolve } from "node:path";
import { writeOfflineSchemas } from "./offline.js";

const dir = process.argv[2];
if (!dir) {
  console.error("usage: scout-kubeconform-schemas DIR");
  process.exit(2);
}
const versions = await writeOfflineSchemas(resolve(dir));
console.log(`${resolve(dir)}: kubeconform schemas for Kubernetes ${versions.join(", ")}`);
