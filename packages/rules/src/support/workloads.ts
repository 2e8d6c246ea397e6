import {
  type Bundle,
  type BundleObject,
  componentOf,
  isRecord,
  type PodTemplate,
  podTemplateOf,
  type Settings,
} from "@scout-deploy/core";
import { guideSettings } from "../settings.js";

export interface ComponentWorkload {
  object: BundleObject;
  template: PodTemplate;
  component: string;
}

/** Workloads identified as one of the guide's components by their labels, optionally of one component. */
export function componentWorkloads(
  bundle: Bundle,
  settings: Settings,
  component?: string,
): ComponentWorkload[] {
  const known = guideSettings(settings);
  return bundle.objects.flatMap((object) => {
    const template = podTemplateOf(object);
    const found = template && componentOf(object, known);
    if (!template || !found || (component && found !== component)) return [];
    return [{ object, template, component: found }];
  });
}

/** The pod's service account name; `serviceAccount` is the deprecated alias. */
export function serviceAccountNameOf(template: PodTemplate): string | undefined {
  const { serviceAccountName, serviceAccount } = template.spec;
  if (typeof serviceAccountName === "string" && serviceAccountName) return serviceAccountName;
  if (typeof serviceAccount === "string" && serviceAccount) return serviceAccount;
  return undefined;
}

/**
 * A pod that declares `spec.os.name: windows`. The API server forbids Linux-only security fields
 * (seccompProfile, capabilities, allowPrivilegeEscalation…) on it, and the Pod Security
 * Standards skip those checks for it.
 */
export function isWindowsPod(template: PodTemplate): boolean {
  const os = template.spec.os;
  return isRecord(os) && os.name === "windows";
}

const RUN_TO_COMPLETION = new Set(["Job", "CronJob", "ScaledJob"]);
/** Controllers whose pods the API server allows only restartPolicy: Always. */
const ALWAYS_RESTARTED = new Set([
  "Deployment",
  "StatefulSet",
  "DaemonSet",
  "ReplicaSet",
  "ReplicationController",
]);

/** Jobs, CronJobs, KEDA ScaledJobs and pods that do not restart run to completion: they need no probes. */
export function isLongRunning(template: PodTemplate): boolean {
  const kind = template.object.value.kind;
  if (template.runsToCompletion || RUN_TO_COMPLETION.has(kind)) return false;
  // A Deployment's "Never" is refused by the API server, not a way out of the probes.
  if (ALWAYS_RESTARTED.has(kind)) return true;
  const restart = template.spec.restartPolicy;
  return restart === undefined || restart === "Always";
}
