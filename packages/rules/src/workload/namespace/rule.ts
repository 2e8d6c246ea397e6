import { type BundleObject, defineRule, isRecord } from "@scout-deploy/core";
import { isClusterScoped, scoutNamespace } from "../../support/index.js";

export const namespace = defineRule({
  id: "workload/namespace",
  meta: {
    severity: "error",
    description:
      "Every namespaced object sits in the Scout namespace: never default, and never unset when the Scout namespace is known.",
    remediation: "Set metadata.namespace to the Scout namespace (policy.settings.namespace).",
    guide: "RBAC: Namespace-scoped",
    messages: {
      defaultNamespace: "{{kind}} {{name}} sits in the default namespace",
      unset: "{{kind}} {{name}} names no namespace; it belongs in {{expected}}",
      otherNamespace:
        "{{kind}} {{name}} sits in namespace {{actual}}, not the Scout namespace {{expected}}",
    },
  },
  check(context) {
    const expected = scoutNamespace(context.bundle, context.settings);
    for (const object of context.bundle.objects) {
      if (isClusterScoped(context.bundle, object)) continue;
      const actual = object.ref.namespace;
      let messageId: "unset" | "defaultNamespace" | "otherNamespace" | undefined;
      if (actual === "default") messageId = "defaultNamespace";
      else if (expected && actual === undefined) messageId = "unset";
      else if (expected && actual !== expected) messageId = "otherNamespace";
      if (!messageId) continue;
      context.report({
        messageId,
        data: {
          kind: object.value.kind,
          name: object.ref.name ?? "(unnamed)",
          actual: String(actual),
          expected: String(expected),
        },
        object,
        pointer: hasNamespaceField(object) ? "/metadata/namespace" : "/metadata",
        // A RoleBinding outside Scout's namespace grants rights elsewhere: the RBAC rule's cause.
        yieldsTo: ["rbac/namespace-scoped"],
      });
    }
  },
});

/** `namespace: ""` is unset for the API server, but the finding belongs on the field. */
function hasNamespaceField(object: BundleObject): boolean {
  const metadata = object.value.metadata;
  return isRecord(metadata) && metadata.namespace !== undefined;
}
