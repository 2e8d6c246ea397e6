import {
  type Bundle,
  type BundleObject,
  componentOf,
  type PodTemplate,
  podTemplateOf,
  type Settings,
} from "@scout-deploy/core";

export interface ComponentWorkload {
  object: BundleObject;
  template: PodTemplate;
  component: string;
}

/** Workloads identified as a Scout component by their labels, optionally of one component. */
export function componentWorkloads(
  bundle: Bundle,
  settings: Settings,
  component?: string,
): ComponentWorkload[] {
  return bundle.objects.flatMap((object) => {
    const template = podTemplateOf(object);
    const found = template && componentOf(object, settings);
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
