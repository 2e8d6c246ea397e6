import {
  defineRule,
  isRecord,
  joinPointer,
  kubernetesMinor,
  podTemplates,
  specPointerOf,
  z,
} from "@scout-deploy/core";

/**
 * The sysctls the Pod Security Standards (baseline) call safe: namespaced, isolated. The set of
 * Kubernetes 1.37 (sysctlsAllowedV1Dot37), the default target; older versions have fewer
 * (SAFE_SINCE).
 */
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
  "net.ipv4.tcp_notsent_lowat",
  "net.ipv4.tcp_slow_start_after_idle",
] as const;

/**
 * The safe sysctls Pod Security admission added after 1.0, with the minor version that added
 * them (sysctlsAllowedV1Dot27, V1Dot29, V1Dot32, V1Dot37): a cluster of an older version refuses
 * them, so `--kubernetes-version` (with `--schema off` or kubeconform, any version) decides.
 */
const SAFE_SINCE: Readonly<Record<string, number>> = {
  "net.ipv4.ip_local_reserved_ports": 27,
  "net.ipv4.tcp_keepalive_time": 29,
  "net.ipv4.tcp_fin_timeout": 29,
  "net.ipv4.tcp_keepalive_intvl": 29,
  "net.ipv4.tcp_keepalive_probes": 29,
  "net.ipv4.tcp_rmem": 32,
  "net.ipv4.tcp_wmem": 32,
  "net.ipv4.tcp_notsent_lowat": 37,
  "net.ipv4.tcp_slow_start_after_idle": 37,
};

/** The safe set of the targeted Kubernetes version (the newest bundled when unset). */
export function safeSysctlsFor(kubernetesVersion: string | undefined): string[] {
  const minor = kubernetesMinor(kubernetesVersion);
  return SAFE_SYSCTLS.filter((name) => minor === undefined || minor >= (SAFE_SINCE[name] ?? 0));
}

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
      slashForm:
        'the pod sets the sysctl "{{name}}" with "/" separators: the kubelet reads it as the safe {{canonical}}, but Pod Security admission compares names as written and refuses the pod (baseline and restricted)',
    },
  },
  check(context) {
    const safe = safeSysctlsFor(context.kubernetesVersion);
    const allowed = new Set([...safe, ...context.options.allow].map(canonical));
    // A name the config allows as written is the config's call (a namespace without admission).
    const allowedAsWritten = new Set(context.options.allow);
    for (const template of podTemplates(context.bundle)) {
      const securityContext = template.spec.securityContext;
      const sysctls = isRecord(securityContext) ? securityContext.sysctls : undefined;
      if (!Array.isArray(sysctls)) continue;
      const base = specPointerOf(template, "securityContext", "sysctls");
      sysctls.forEach((sysctl, index) => {
        const name = isRecord(sysctl) ? sysctl.name : undefined;
        if (typeof name === "string" && allowed.has(canonical(name))) {
          if (name === canonical(name) || allowedAsWritten.has(name)) return;
          context.report({
            messageId: "slashForm",
            severity: "warning",
            data: { name, canonical: canonical(name) },
            object: template.object,
            pointer: joinPointer(base, index, "name"),
          });
          return;
        }
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
