import { defineRule } from "@scout-deploy/core";
import {
  analyze,
  compareWithIntended,
  formatConns,
  networkOptionsSchema,
} from "@scout-deploy/netpol";

export const allowedFlows = defineRule({
  id: "network/allowed-flows",
  meta: {
    severity: "error",
    description:
      "The connectivity the NetworkPolicies allow between Scout's components is exactly the intended table: no extra flow, no missing one.",
    remediation:
      "Narrow the named policy rule so that it admits only the intended peers and ports, or add the rule the intended flow needs.",
    guide:
      "Network Policies: Frontend → Backend 8000, Nginx → Frontend 3000 / Backend 8000, Backend → Redis 6379, Prometheus → Backend 8000, external → Nginx 80",
    options: networkOptionsSchema,
    messages: {
      extraFlow:
        "{{source}} -> {{destination}} on {{ports}} is allowed but not intended ({{from}} -> {{to}}, {{instance}}); change: {{target}}",
      noDns:
        "{{source}} connects to {{to}} by Service name but may not reach {{destination}} on {{ports}} ({{instance}}): its connections will fail; add to {{target}} this {{fix}}",
      missingFlow:
        "{{source}} -> {{destination}} on {{ports}} is intended ({{from}} -> {{to}}, {{instance}}) but {{target}} does not allow it: Scout would break; add this {{fix}}",
    },
  },
  check(context) {
    const comparison = compareWithIntended(
      analyze(context.bundle),
      context.settings,
      context.options,
    );
    for (const difference of comparison.differences) {
      context.report({
        messageId:
          difference.kind === "extra"
            ? "extraFlow"
            : difference.kind === "dns"
              ? "noDns"
              : "missingFlow",
        data: {
          source: difference.source,
          destination: difference.destination,
          from: difference.from,
          to: difference.to,
          ports: formatConns(difference.conns),
          target: difference.target.label,
          instance: difference.instance ?? "no instance",
          fix: difference.fix ?? "",
        },
        object: difference.target.object,
        pointer: difference.target.pointer,
        ...(difference.kind !== "extra" ? { severity: "warning" as const } : {}),
      });
    }
  },
});
