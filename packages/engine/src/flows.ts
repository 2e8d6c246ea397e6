import {
  diffFlows,
  type FlowDiff,
  type FlowsReport,
  type FlowsSection,
  flows,
  flowsSection,
  type NetworkOptions,
} from "@scout-deploy/netpol";
import { guideSettings, networkOptionsOfPolicy } from "@scout-deploy/rules";
import type { CheckRun } from "./check.js";

export { flowDiffJson, flowDiffMermaid, flowDiffSection, flowDiffText } from "@scout-deploy/netpol";
export type { FlowDiff, FlowsReport, FlowsSection };

/** Who may talk to whom under the run's NetworkPolicies, against the intended flows. */
export function networkFlows(run: Pick<CheckRun, "bundle" | "config">): FlowsReport {
  return flows(run.bundle, guideSettings(run.config.policy.settings), networkOptions(run.config));
}

/** The "Network flows" section of markdown reports, when the run has policies to analyse. */
export function networkSection(run: Pick<CheckRun, "bundle" | "config">): FlowsSection | undefined {
  return flowsSection(
    run.bundle,
    guideSettings(run.config.policy.settings),
    networkOptions(run.config),
  );
}

/** The flows a change opens and closes: the base's bundle against the head run's. */
export function networkChanges(
  base: Pick<CheckRun, "bundle">,
  head: Pick<CheckRun, "bundle" | "config">,
): FlowDiff {
  return diffFlows(
    base.bundle,
    head.bundle,
    guideSettings(head.config.policy.settings),
    networkOptions(head.config),
  );
}

/** The network settings every network rule reads: policy.settings.network (or the deprecated rule options). */
function networkOptions(config: CheckRun["config"]): NetworkOptions {
  return networkOptionsOfPolicy(config.policy);
}
