import { defineRule, isRecord, z } from "@scout-deploy/core";
import { componentWorkloads, isLongRunning, mainContainer } from "../../support/index.js";

const options = z
  .object({
    /** Components that need a startup probe. @default ["backend"] */
    components: z.array(z.string().min(1)).default(["backend"]),
  })
  .strict();

export const startupProbe = defineRule({
  id: "workload/startup-probe",
  meta: {
    severity: "warning",
    description:
      "The backend has a startup probe, so a slow start is not killed by its liveness probe.",
    remediation:
      "Add a startupProbe to the backend's container (httpGet /docs on 8000; set failureThreshold × periodSeconds to the start-up delay you need).",
    guide: "Health Checks: Startup probe: Configurable delay",
    options,
    messages: {
      noStartupProbe: 'the {{component}}\'s container "{{container}}" has no startupProbe',
    },
  },
  check(context) {
    for (const component of context.options.components) {
      for (const workload of componentWorkloads(context.bundle, context.settings, component)) {
        // A Job of the component (a migration, say) runs to completion: nothing to start slowly.
        if (!isLongRunning(workload.template)) continue;
        const container = mainContainer(
          workload.template,
          component === "backend" ? 8000 : undefined,
        );
        if (!container || isRecord(container.container.startupProbe)) continue;
        context.report({
          messageId: "noStartupProbe",
          data: { component, container: container.name },
          object: workload.object,
          pointer: container.pointer,
        });
      }
    }
  },
});
