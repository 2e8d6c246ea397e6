import { RuleTester } from "@scout-deploy/core/testing";
import { describe, it } from "vitest";
import { podSecurityLabels } from "./rule.js";

new RuleTester({ describe, it }).run(podSecurityLabels, {
  valid: [
    {
      name: "the single Namespace enforces restricted",
      yaml: `
        apiVersion: v1
        kind: Namespace
        metadata:
          name: scout
          labels: {pod-security.kubernetes.io/enforce: restricted}
      `,
    },
    {
      name: "other namespaces than the configured one are not judged",
      settings: { namespace: "scout" },
      yaml: `
        apiVersion: v1
        kind: Namespace
        metadata: {name: tools}
      `,
    },
    {
      name: "restricted holds every baseline check: it passes a baseline requirement",
      options: { level: "baseline" },
      yaml: `
        apiVersion: v1
        kind: Namespace
        metadata:
          name: scout
          labels: {pod-security.kubernetes.io/enforce: restricted}
      `,
    },
    {
      name: "a pinned version that has every check of the level, and latest",
      yaml: `
        apiVersion: v1
        kind: Namespace
        metadata:
          name: scout
          labels:
            pod-security.kubernetes.io/enforce: restricted
            pod-security.kubernetes.io/enforce-version: v1.23
            pod-security.kubernetes.io/warn-version: v1.0
      `,
    },
    {
      name: "several Namespaces and no config: a namespace without a Scout component is not judged",
      yaml: `
        apiVersion: v1
        kind: Namespace
        metadata:
          name: scout
          labels: {pod-security.kubernetes.io/enforce: restricted}
        ---
        apiVersion: v1
        kind: Namespace
        metadata: {name: tools}
        ---
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: backend, namespace: scout}
        spec:
          template:
            metadata: {labels: {app.kubernetes.io/component: backend}}
            spec: {containers: [{name: app}]}
      `,
    },
  ],
  invalid: [
    {
      name: "an audit or warn label Pod Security admission cannot parse makes it refuse the Namespace too: an error",
      yaml: `
        apiVersion: v1
        kind: Namespace
        metadata:
          name: scout
          labels:
            pod-security.kubernetes.io/enforce: restricted
            pod-security.kubernetes.io/warn: Restricted
            pod-security.kubernetes.io/audit-version: "1.30"
            pod-security.kubernetes.io/warn-version: latest
            pod-security.kubernetes.io/audit: baseline
      `,
      errors: [
        {
          messageId: "invalid",
          severity: "error",
          line: 7,
          column: 5,
          data: {
            name: "scout",
            label: "pod-security.kubernetes.io/warn",
            actual: "Restricted",
            expected: "privileged, baseline, restricted",
          },
        },
        {
          messageId: "invalid",
          severity: "error",
          line: 8,
          column: 5,
          data: {
            name: "scout",
            label: "pod-security.kubernetes.io/audit-version",
            actual: "1.30",
            expected: '"latest" or v1.<minor>',
          },
        },
      ],
    },
    {
      name: "a decoy Namespace beside the real one, no config: the namespace where Scout runs is still judged",
      yaml: `
        apiVersion: v1
        kind: Namespace
        metadata:
          name: decoy
          labels: {pod-security.kubernetes.io/enforce: restricted}
        ---
        apiVersion: v1
        kind: Namespace
        metadata: {name: scout}
        ---
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: backend, namespace: scout}
        spec:
          template:
            metadata: {labels: {app.kubernetes.io/component: backend}}
            spec: {containers: [{name: app}]}
      `,
      errors: [
        {
          messageId: "missing",
          line: 9,
          column: 1,
          data: { name: "scout", label: "pod-security.kubernetes.io/enforce", level: "restricted" },
        },
      ],
    },
    {
      name: "no labels at all",
      yaml: `
        apiVersion: v1
        kind: Namespace
        metadata:
          name: scout
      `,
      errors: [
        {
          messageId: "missing",
          line: 3,
          column: 1,
          data: { name: "scout", label: "pod-security.kubernetes.io/enforce", level: "restricted" },
        },
      ],
    },
    {
      name: "a weaker level on the configured namespace",
      settings: { namespace: "scout" },
      yaml: `
        apiVersion: v1
        kind: Namespace
        metadata:
          name: scout
          labels:
            pod-security.kubernetes.io/enforce: baseline
        ---
        apiVersion: v1
        kind: Namespace
        metadata: {name: other}
      `,
      errors: [
        {
          messageId: "weaker",
          line: 6,
          column: 5,
          data: { name: "scout", actual: "baseline", level: "restricted" },
        },
      ],
    },
    {
      name: "levels are lower case: Pod Security admission refuses Restricted, and the API server the Namespace",
      yaml: `
        apiVersion: v1
        kind: Namespace
        metadata:
          name: scout
          labels:
            pod-security.kubernetes.io/enforce: Restricted
            pod-security.kubernetes.io/enforce-version: "1.30"
      `,
      errors: [
        {
          messageId: "invalid",
          severity: "error",
          line: 6,
          column: 5,
          data: {
            name: "scout",
            label: "pod-security.kubernetes.io/enforce",
            actual: "Restricted",
            expected: "privileged, baseline, restricted",
          },
        },
        {
          messageId: "invalid",
          severity: "error",
          line: 7,
          column: 5,
          data: {
            name: "scout",
            label: "pod-security.kubernetes.io/enforce-version",
            actual: "1.30",
            expected: '"latest" or v1.<minor>',
          },
        },
      ],
    },
    {
      name: "restricted pinned to v1.22 lacks the runAsUser check (v1.23): a root UID passes admission",
      yaml: `
        apiVersion: v1
        kind: Namespace
        metadata:
          name: scout
          labels:
            pod-security.kubernetes.io/enforce: restricted
            pod-security.kubernetes.io/enforce-version: v1.22
      `,
      errors: [
        {
          messageId: "oldVersion",
          line: 7,
          column: 5,
          data: { name: "scout", level: "restricted", actual: "v1.22", since: 23 },
        },
      ],
    },
  ],
});
