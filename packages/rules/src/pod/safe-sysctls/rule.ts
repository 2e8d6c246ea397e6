import { defineRule, isRecord, joinPointer, podTemplates, z } from "@scout-deploy/core";

/** The sysctls the Pod Security Standards (baseline, Kubernetes 1.32) call safe: namespaced, isolated. */
export const SAFE_SYSCTLS = [
  "kernel.shm_rmid_forced",
  "net.ipv4.ip_local_port_range",
  "net.ipv4.ip_local_reserved_ports",
  "net.ipv4.ip_unprivileged_port_start",
  "net.ipv4.ping_group_range",
  "net.ipv4.tcp_fin_timeout",
  "net.ipv4.tcp_keepalive_intvl",
  "net.ipv4.tcp_keepalive_probes",
  "net.ipv4.tcp_keepalive_time",
  "net.ipv4.tcp_rmem",
  "net.ipv4.tcp_syncookies",
  "net.ipv4.tcp_wmem",
] as const;

const options = z
  .object({
    /** Sysctls allowed besides the safe set (e.g. ones the kubelet's --allowed-unsafe-sysctls admits). @default [] */
    allow: z.array(z.string().min(1)).default([]),
  })
  .strict();

/** The kubelet accepts `/` as the separator too (`net/ipv4/tcp_syncookies`). */
function canonical(name: string): string {
  return name.replaceAll("/", ".");
}

export const safeSysctls = defineRule({
  id: "pod/safe-sysctls",
  meta: {
    severity: "error",
    description:
      "A pod sets only the sysctls the Pod Security Standards call safe (baseline): unsafe ones reach the node's kernel.",
    remediation: "Remove the sysctl from securityContext.sysctls, or tune the node instead.",
    guide: "Pod Security Standards: All Scout containers follow security best practices",
    options,
    messages: {
      unsafe: 'the pod sets the unsafe sysctl "{{name}}", which is not isolated from the node',
      unnamed: "a sysctl of the pod has no name",
    },
  },
  check(context) {
    const allowed = new Set([...SAFE_SYSCTLS, ...context.options.allow].map(canonical));
    for (const template of podTemplates(context.bundle)) {
      const securityContext = template.spec.securityContext;
      const sysctls = isRecord(securityContext) ? securityContext.sysctls : undefined;
      if (!Array.isArray(sysctls)) continue;
      const base = joinPointer(template.specPointer, "securityContext", "sysctls");
      sysctls.forEach((sysctl, index) => {
        const name = isRecord(sysctl) ? sysctl.name : undefined;
        if (typeof name === "string" && allowed.has(canonical(name))) return;
        const named = typeof name === "string" && name !== "";
        context.report({
          messageId: named ? "unsafe" : "unnamed",
          data: { name: String(name) },
          object: template.object,
          pointer: named ? joinPointer(base, index, "name") : joinPointer(base, index),
        });
      });
    }
  },
});
