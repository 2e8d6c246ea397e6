import { type ComponentSettings, defaultPolicy } from "@scout-deploy/core";

/** The settings the Security Guide pack gives by default: core's labels and Scout's five components. */
export function scoutSettings(components?: readonly string[]): ComponentSettings {
  return {
    ...defaultPolicy().settings,
    components: components ?? ["frontend", "backend", "redis", "nginx", "prometheus"],
  };
}
