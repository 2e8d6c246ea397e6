import { RuleTester } from "@scout-deploy/core/testing";
import { describe, it } from "vitest";
import { safeSysctls } from "./rule.js";

new RuleTester({ describe, it }).run(safeSysctls, {
  valid: [
    {
      name: "safe sysctls, the two Kubernetes 1.37 added among them",
      yaml: `
        apiVersion: v1
        kind: Pod
        metadata: {name: p}
        spec:
          securityContext:
            sysctls:
              - {name: net.ipv4.ip_unprivileged_port_start, value: "0"}
              - {name: net.ipv4.tcp_slow_start_after_idle, value: "0"}
              - {name: net.ipv4.tcp_notsent_lowat, value: "16384"}
          containers: [{name: a}]
      `,
    },
    {
      name: "an unsafe sysctl the config allows",
      options: { allow: ["net.core.somaxconn"] },
      yaml: `
        apiVersion: v1
        kind: Pod
        metadata: {name: p}
        spec:
          securityContext:
            sysctls: [{name: net.core.somaxconn, value: "1024"}]
          containers: [{name: a}]
      `,
    },
  ],
  invalid: [
    {
      name: "on Kubernetes 1.31 tcp_rmem and tcp_wmem are not safe yet (1.32 made them so): PSA 1.31 rejects the pod",
      kubernetesVersion: "1.31",
      yaml: `
        apiVersion: v1
        kind: Pod
        metadata: {name: p}
        spec:
          securityContext:
            sysctls:
              - {name: net.ipv4.tcp_rmem, value: "4096 87380 6291456"}
              - {name: net.ipv4.tcp_keepalive_time, value: "600"}
          containers: [{name: a}]
      `,
      errors: [{ messageId: "unsafe", line: 7, column: 10, data: { name: "net.ipv4.tcp_rmem" } }],
    },
    {
      name: "on Kubernetes 1.28 the keepalive sysctls are not safe yet (1.29), ip_local_reserved_ports is (1.27)",
      kubernetesVersion: "1.28",
      yaml: `
        apiVersion: v1
        kind: Pod
        metadata: {name: p}
        spec:
          securityContext:
            sysctls:
              - {name: net.ipv4.ip_local_reserved_ports, value: "30000"}
              - {name: net.ipv4.tcp_fin_timeout, value: "30"}
          containers: [{name: a}]
      `,
      errors: [
        { messageId: "unsafe", line: 8, column: 10, data: { name: "net.ipv4.tcp_fin_timeout" } },
      ],
    },
    {
      name: "the two sysctls 1.37 made safe, on Kubernetes 1.36: Pod Security admission refuses the pod",
      kubernetesVersion: "1.36",
      yaml: `
        apiVersion: v1
        kind: Pod
        metadata: {name: p}
        spec:
          securityContext:
            sysctls:
              - {name: net.ipv4.tcp_slow_start_after_idle, value: "0"}
              - {name: net.ipv4.tcp_keepalive_time, value: "600"}
          containers: [{name: a}]
      `,
      errors: [
        {
          messageId: "unsafe",
          line: 7,
          column: 10,
          data: { name: "net.ipv4.tcp_slow_start_after_idle" },
        },
      ],
    },
    {
      name: "a safe sysctl written with slashes: the kubelet accepts it, Pod Security admission refuses it",
      yaml: `
        apiVersion: v1
        kind: Pod
        metadata: {name: p}
        spec:
          securityContext:
            sysctls:
              - {name: net/ipv4/tcp_syncookies, value: "1"}
          containers: [{name: a}]
      `,
      errors: [
        {
          messageId: "slashForm",
          severity: "warning",
          line: 7,
          column: 10,
          data: { name: "net/ipv4/tcp_syncookies", canonical: "net.ipv4.tcp_syncookies" },
        },
      ],
    },
    {
      name: "unsafe and nameless sysctls",
      yaml: `
        apiVersion: apps/v1
        kind: StatefulSet
        metadata: {name: s}
        spec:
          template:
            spec:
              securityContext:
                sysctls:
                  - name: kernel.msgmax
                    value: "65536"
                  - {value: "1"}
              containers: [{name: a}]
      `,
      errors: [
        { messageId: "unsafe", line: 9, column: 13, data: { name: "kernel.msgmax" } },
        { messageId: "unnamed", line: 11, column: 13 },
      ],
    },
  ],
});
