import type { AnyRule } from "@scout-deploy/core";
import { trustedRegistry } from "./trusted-registry.js";

/** What Scout Secure Deploy loads from a pack: a list of rules made with defineRule. */
export const rules: readonly AnyRule[] = [trustedRegistry];

export { trustedRegistry };
