/**
 * Which of our rules answers for each check of Pod Security admission (k8s.io/pod-security-admission
 * v0.37.2, policy.DefaultChecks): when PSA rejects a pod for the check, one of these rules must
 * report the object. Written from rules.md and the rules' READMEs.
 */
export const RULES_FOR_CHECK: Readonly<Record<string, readonly string[]>> = {
  allowPrivilegeEscalation: ["pod/no-privilege-escalation"],
  appArmorProfile: ["pod/apparmor-profile"],
  capabilities_baseline: ["pod/drop-all-capabilities"],
  capabilities_restricted: ["pod/drop-all-capabilities"],
  hostNamespaces: ["pod/no-host-namespaces"],
  hostPathVolumes: ["pod/no-host-path"],
  hostPorts: ["pod/no-host-path"],
  hostProbesAndHostLifecycle: ["pod/no-handler-host"],
  privileged: ["pod/not-privileged"],
  procMount: ["pod/proc-mount"],
  procMount_restricted: ["pod/proc-mount"],
  // A hostPath volume is pod/no-host-path's finding, to which restricted-volume-types yields.
  restrictedVolumes: ["pod/restricted-volume-types", "pod/no-host-path"],
  runAsNonRoot: ["pod/run-as-non-root"],
  // runAsUser: 0 is root: pod/run-as-non-root's rootUser (pod/run-as-user wants 1000 anyway).
  runAsUser: ["pod/run-as-non-root"],
  seLinuxOptions: ["pod/selinux-options"],
  seccompProfile_baseline: ["pod/seccomp-profile"],
  seccompProfile_restricted: ["pod/seccomp-profile"],
  sysctls: ["pod/safe-sysctls"],
  windowsHostProcess: ["pod/no-host-namespaces"],
};

/**
 * Findings of ours on pods that the restricted profile admits, by class (rule and what the
 * message says), each with the guide's statement or the cluster behaviour that justifies it. A
 * class not listed here fails the test: it is a false positive until the guide explains it.
 */
export interface StricterClass {
  rule: string;
  message: RegExp;
  why: string;
  /** Only on pods like these, at such a Kubernetes minor version (default: any). */
  when?: (spec: Record<string, unknown>, minor: number) => boolean;
}

export const STRICTER_THAN_PSA: readonly StricterClass[] = [
  {
    rule: "pod/writable-paths",
    message: /can write to .*, which the config does not allow/,
    why: 'guide: "Root filesystem is read-only (except /tmp)": a writable mount elsewhere is a writable path PSA does not look at',
  },
  {
    rule: "pod/service-account-token",
    message: /runs under the "default" service account and mounts its token/,
    why: 'guide, RBAC: "Minimal permissions: Only necessary permissions granted" (rules.md pod/service-account-token); PSA does not look at tokens',
  },
  {
    rule: "pod/no-shared-process-namespace",
    message: /sets shareProcessNamespace: true/,
    why: 'guide: "All Scout containers follow security best practices": a shared process namespace lets each container read the others\' environment (the Secrets the guide keeps out of ConfigMaps); PSA does not look at it',
  },
  {
    rule: "pod/no-handler-host",
    message: /connects to host .*, not to the pod/,
    why: 'a probe or hook host before Kubernetes 1.34: the kubelet connects from the node to any host named (node-local services, the cloud metadata address), which the baseline profile forbids from 1.34 on; the guide\'s "All Scout containers follow security best practices"',
    when: (_spec, minor) => minor < 34,
  },
  {
    rule: "pod/seccomp-profile",
    message: /sets a seccompProfile the API server refuses/,
    why: "the API server refuses the seccompProfile (on a Windows pod: validateWindows; Localhost without localhostProfile; contradicting the annotation of its place): the object is never created, whatever PSA would say",
  },
  {
    rule: "pod/apparmor-profile",
    message: /sets an appArmorProfile the API server refuses/,
    why: "the API server refuses the appArmorProfile (Localhost without localhostProfile): the object is never created, whatever PSA would say",
  },
  {
    rule: "pod/drop-all-capabilities",
    message: /sets capabilities on a Windows pod/,
    why: "the API server refuses capabilities on a Windows pod (validateWindows): the object is never created, whatever PSA would say",
  },
  {
    rule: "pod/run-as-non-root",
    message:
      /runs as root: runAsUser is 0|may run as root: runAsNonRoot is not true|the pod sets (runAsUser: 0|runAsNonRoot: false)/,
    why: 'rules.md: "effective runAsNonRoot: true for every container, and no effective runAsUser: 0"; guide: "All containers run as user ID 1000". PSA 1.35+ waives both in a pod with its own user namespace (hostUsers: false), where UID 0 maps to an unprivileged host UID; the process is still root inside the container',
    when: (spec) => spec.hostUsers === false,
  },
  {
    rule: "pod/run-as-user",
    message: /sets no runAsUser|runs as user \d+, expected 1000/,
    why: 'guide: "All containers run as user ID 1000" (PSA only forbids 0)',
  },
  {
    rule: "pod/non-root-groups",
    message: /runAsGroup: 0|fsGroup: 0|group 0 in supplementalGroups/,
    why: 'guide: "Non-root execution": a process of the root group reads and writes what root\'s group may (Kyverno require-non-root-groups, Trivy KSV029); PSA does not look at groups',
  },
  {
    rule: "pod/read-only-root-filesystem",
    message: /writable root filesystem/,
    why: 'guide: "Root filesystem is read-only (except /tmp)" (PSA has no such check)',
  },
  {
    rule: "pod/drop-all-capabilities",
    message: /adds capability NET_BIND_SERVICE/,
    why: 'guide: "All Linux capabilities are dropped" (restricted lets NET_BIND_SERVICE back in)',
  },
  {
    rule: "pod/run-as-non-root",
    message: /runs as the Windows administrator/,
    why: 'guide: "Run containers as non-root"; the kubelet refuses ContainerAdministrator under runAsNonRoot (PSA does not look at runAsUserName)',
  },
];
