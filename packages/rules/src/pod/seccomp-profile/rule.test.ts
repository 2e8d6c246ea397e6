import { RuleTester } from "@scout-deploy/core/testing";
import { describe, it } from "vitest";
import { containersThatSayNothing } from "../../test-support/operator-patches.js";
import { seccompProfile } from "./rule.js";

new RuleTester({ describe, it }).run(seccompProfile, {
  valid: [
    containersThatSayNothing,
    {
      name: "a Windows pod (spec.os.name: windows) cannot set this Linux-only field: not judged",
      yaml: `
        apiVersion: v1
        kind: Pod
        metadata: {name: win}
        spec:
          os: {name: windows}
          securityContext: {windowsOptions: {runAsUserName: ContainerUser}}
          containers: [{name: app, image: "mcr.microsoft.com/windows/nanoserver:ltsc2022"}]
      `,
    },
    {
      name: "a container's seccompProfile: null is unset: the pod's value holds (the API server drops the null)",
      yaml: `
        apiVersion: v1
        kind: Pod
        metadata: {name: p}
        spec:
          securityContext: {seccompProfile: {type: RuntimeDefault}}
          containers:
            - name: app
              securityContext: {seccompProfile: null}
      `,
    },
    {
      name: "RuntimeDefault on the pod, Localhost on a container",
      yaml: `
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: d}
        spec:
          template:
            spec:
              securityContext:
                seccompProfile: {type: RuntimeDefault}
              containers:
                - name: a
                - name: b
                  securityContext:
                    seccompProfile: {type: Localhost, localhostProfile: profiles/b.json}
      `,
    },
    {
      name: "a container annotation unconfined beside a pod-level RuntimeDefault: ignored since Kubernetes 1.27, the container runs RuntimeDefault (PSA admits it)",
      yaml: `
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: d}
        spec:
          template:
            metadata:
              annotations: {container.seccomp.security.alpha.kubernetes.io/app: unconfined}
            spec:
              securityContext:
                seccompProfile: {type: RuntimeDefault}
              containers: [{name: app}, {name: side}]
      `,
    },
  ],
  invalid: [
    {
      name: "every container is judged: initContainers and ephemeralContainers as well as containers",
      yaml: `
        apiVersion: v1
        kind: Pod
        metadata: {name: p}
        spec:
          initContainers:
            - name: init
              securityContext: {seccompProfile: {type: Unconfined}}
          containers:
            - name: app
              securityContext: {seccompProfile: {type: RuntimeDefault}}
          ephemeralContainers:
            - name: debug
              securityContext: {privileged: false}
      `,
      errors: [
        {
          messageId: "notAllowed",
          line: 7,
          column: 42,
          data: { container: "init", type: "Unconfined" },
        },
        { messageId: "unset", line: 13, column: 7, data: { container: "debug" } },
      ],
    },
    {
      name: "an annotation that contradicts the field of its place: the API server refuses the object (they must match, ignored as the annotation is)",
      yaml: `
        apiVersion: v1
        kind: Pod
        metadata:
          name: p
          annotations:
            seccomp.security.alpha.kubernetes.io/pod: unconfined
            container.seccomp.security.alpha.kubernetes.io/app: localhost/a.json
            container.seccomp.security.alpha.kubernetes.io/ok: runtime/default
        spec:
          securityContext:
            seccompProfile: {type: RuntimeDefault}
          containers:
            - name: app
              securityContext:
                seccompProfile: {type: Localhost, localhostProfile: b.json}
            - name: ok
              securityContext:
                seccompProfile: {type: RuntimeDefault}
      `,
      errors: [
        {
          messageId: "refused",
          line: 11,
          column: 5,
          severity: "error",
          data: {
            place: "the pod",
            reason: 'the seccomp annotation says "unconfined": annotation and field must match',
          },
        },
        {
          messageId: "refused",
          line: 15,
          column: 9,
          severity: "error",
          data: {
            place: 'container "app"',
            reason:
              'the seccomp annotation says "localhost/a.json": annotation and field must match',
          },
        },
      ],
    },
    {
      name: "seccompProfile unset on a pod that has a securityContext, with two containers: at the pod's securityContext, one line for both",
      yaml: `
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: backend}
        spec:
          template:
            spec:
              securityContext:
                runAsNonRoot: true
                runAsUser: 1000
              initContainers:
                - name: migrate
                  securityContext: {allowPrivilegeEscalation: false}
              containers:
                - name: api
                  securityContext: {allowPrivilegeEscalation: false}
      `,
      errors: [
        { messageId: "unset", line: 7, column: 7, data: { container: "migrate" } },
        { messageId: "unset", line: 7, column: 7, data: { container: "api" } },
      ],
    },
    {
      name: "type Localhost without localhostProfile on the pod: the API server refuses the pod, it does not pass",
      yaml: `
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: d}
        spec:
          template:
            spec:
              securityContext:
                seccompProfile: {type: Localhost}
              containers: [{name: app}]
      `,
      errors: [
        {
          messageId: "refused",
          line: 8,
          column: 9,
          severity: "error",
          data: {
            place: "the pod",
            reason: "localhostProfile must be set when seccomp type is Localhost",
          },
        },
      ],
    },
    {
      name: "a Localhost profile outside the kubelet's seccomp directory is refused: absolute, or climbing with ..",
      yaml: `
        apiVersion: v1
        kind: Pod
        metadata: {name: p}
        spec:
          securityContext: {seccompProfile: {type: Localhost, localhostProfile: /etc/evil.json}}
          containers:
            - name: app
              securityContext: {seccompProfile: {type: Localhost, localhostProfile: ../../evil.json}}
      `,
      errors: [
        {
          messageId: "refused",
          line: 5,
          column: 21,
          data: { place: "the pod", reason: "localhostProfile must be a relative path" },
        },
        {
          messageId: "refused",
          line: 8,
          column: 25,
          data: { place: 'container "app"', reason: "localhostProfile must not contain '..'" },
        },
      ],
    },
    {
      name: "a container's Localhost without localhostProfile is refused; a localhostProfile beside RuntimeDefault too",
      yaml: `
        apiVersion: v1
        kind: Pod
        metadata: {name: p}
        spec:
          containers:
            - name: app
              securityContext: {seccompProfile: {type: Localhost, localhostProfile: null}}
            - name: side
              securityContext: {seccompProfile: {type: RuntimeDefault, localhostProfile: p.json}}
      `,
      errors: [
        {
          messageId: "refused",
          line: 7,
          column: 25,
          data: {
            place: 'container "app"',
            reason: "localhostProfile must be set when seccomp type is Localhost",
          },
        },
        {
          messageId: "refused",
          line: 9,
          column: 25,
          data: {
            place: 'container "side"',
            reason: "localhostProfile can only be set when seccomp type is Localhost",
          },
        },
      ],
    },
    {
      name: "the pod annotation unconfined decides nothing since Kubernetes 1.27: the container without a field has no profile, and the finding names the ignored annotation",
      yaml: `
        apiVersion: v1
        kind: Pod
        metadata:
          name: p
          annotations: {seccomp.security.alpha.kubernetes.io/pod: unconfined}
        spec:
          containers:
            - name: app
            - name: safe
              securityContext: {seccompProfile: {type: RuntimeDefault}}
      `,
      errors: [
        {
          messageId: "annotationIgnored",
          line: 5,
          column: 17,
          severity: "warning",
          data: { container: "app", annotation: "seccomp.security.alpha.kubernetes.io/pod" },
        },
      ],
    },
    {
      name: "the pod annotation runtime/default alone is no profile (PSA's restricted check rejects the pod: it reads only the fields)",
      yaml: `
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: d}
        spec:
          template:
            metadata:
              annotations: {container.seccomp.security.alpha.kubernetes.io/app: runtime/default}
            spec:
              containers: [{name: app}]
      `,
      errors: [
        {
          messageId: "annotationIgnored",
          line: 7,
          column: 21,
          data: {
            container: "app",
            annotation: "container.seccomp.security.alpha.kubernetes.io/app",
          },
        },
      ],
    },
    {
      name: "a Windows pod's seccompProfile is refused by the API server, and its Unconfined is what the baseline profile rejects",
      yaml: `
        apiVersion: v1
        kind: Pod
        metadata: {name: win}
        spec:
          os: {name: windows}
          securityContext:
            seccompProfile: {type: Unconfined}
          containers:
            - name: app
              securityContext:
                seccompProfile: {type: RuntimeDefault}
      `,
      errors: [
        {
          messageId: "refused",
          line: 7,
          column: 5,
          severity: "error",
          data: { place: "the pod", reason: "seccompProfile cannot be set for a windows pod" },
        },
        {
          messageId: "refused",
          line: 11,
          column: 9,
          severity: "error",
          data: {
            place: 'container "app"',
            reason: "seccompProfile cannot be set for a windows pod",
          },
        },
      ],
    },
    {
      name: "no profile anywhere",
      yaml: `
        apiVersion: v1
        kind: Pod
        metadata: {name: p}
        spec:
          containers:
            - name: app
      `,
      errors: [{ messageId: "unset", line: 6, column: 7, data: { container: "app" } }],
    },
    {
      name: "a container overriding the pod with Unconfined",
      yaml: `
        apiVersion: v1
        kind: Pod
        metadata: {name: p}
        spec:
          securityContext:
            seccompProfile: {type: RuntimeDefault}
          containers:
            - name: app
              securityContext:
                seccompProfile:
                  type: Unconfined
      `,
      errors: [
        {
          messageId: "notAllowed",
          line: 11,
          column: 11,
          data: { container: "app", type: "Unconfined" },
        },
      ],
    },
    {
      name: "a pod-level Unconfined that every container overrides is still an error",
      yaml: `
        apiVersion: v1
        kind: Pod
        metadata: {name: p}
        spec:
          securityContext:
            seccompProfile: {type: Unconfined}
          containers:
            - name: app
              securityContext:
                seccompProfile: {type: RuntimeDefault}
      `,
      errors: [{ messageId: "podUnconfined", line: 6, column: 22, severity: "error" }],
    },
    {
      name: "an inherited Unconfined is an error per container, a missing profile a warning",
      yaml: `
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: d}
        spec:
          template:
            spec:
              securityContext:
                seccompProfile: {type: Unconfined}
              containers:
                - name: app
                - name: side
                  securityContext:
                    seccompProfile: {}
      `,
      errors: [
        { messageId: "notAllowed", line: 8, column: 26, severity: "error" },
        { messageId: "unset", line: 13, column: 13, severity: "warning" },
      ],
    },
  ],
});
