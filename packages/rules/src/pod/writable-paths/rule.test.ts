import { RuleTester } from "@scout-deploy/core/testing";
import { describe, it } from "vitest";
import { guideSettingsSchema } from "../../settings.js";
import { containersThatSayNothing } from "../../test-support/operator-patches.js";
import { writablePaths } from "./rule.js";

new RuleTester({ describe, it, settings: guideSettingsSchema }).run(writablePaths, {
  valid: [
    containersThatSayNothing,
    {
      name: "read-only sources (a claim or CSI volume with readOnly, an image) and a mount under /tmp",
      yaml: `
        apiVersion: v1
        kind: Pod
        metadata: {name: p}
        spec:
          volumes:
            - {name: tmp, emptyDir: {}}
            - {name: cache, emptyDir: {medium: Memory}}
            - {name: data, persistentVolumeClaim: {claimName: d, readOnly: true}}
            - {name: csi, csi: {driver: x, readOnly: true}}
            - {name: model, image: {reference: "ghcr.io/scout/model:1"}}
          containers:
            - name: api
              securityContext: {readOnlyRootFilesystem: true}
              volumeMounts:
                - {name: tmp, mountPath: /tmp}
                - {name: cache, mountPath: /tmp/cache}
                - {name: data, mountPath: /srv/data}
                - {name: csi, mountPath: /srv/csi}
                - {name: model, mountPath: /models}
      `,
    },
    {
      name: "a read-only root with /tmp on an emptyDir and read-only config",
      yaml: `
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: backend}
        spec:
          template:
            spec:
              volumes:
                - {name: tmp, emptyDir: {}}
                - {name: config, configMap: {name: c}}
                - {name: data, persistentVolumeClaim: {claimName: d}}
              containers:
                - name: api
                  securityContext: {readOnlyRootFilesystem: true}
                  volumeMounts:
                    - {name: tmp, mountPath: /tmp}
                    - {name: config, mountPath: /etc/scout}
                    - {name: data, mountPath: /srv/data, readOnly: true}
      `,
    },
    {
      name: "a path allowed by the settings, and a subpath of one allowed by the options",
      settings: { writablePaths: ["/data"] },
      options: { paths: ["/var/cache/"] },
      yaml: `
        apiVersion: apps/v1
        kind: StatefulSet
        metadata: {name: redis}
        spec:
          template:
            spec:
              volumes:
                - {name: tmp, emptyDir: {}}
                - {name: data, persistentVolumeClaim: {claimName: d}}
                - {name: cache, emptyDir: {}}
              containers:
                - name: redis
                  securityContext: {readOnlyRootFilesystem: true}
                  volumeMounts:
                    - {name: tmp, mountPath: /tmp}
                    - {name: data, mountPath: /data}
                    - {name: cache, mountPath: /var/cache/nginx}
      `,
    },
    {
      name: "a writable root is read-only-root-filesystem's finding, not this rule's",
      yaml: `
        apiVersion: v1
        kind: Pod
        metadata: {name: p}
        spec:
          containers: [{name: a}]
      `,
    },
  ],
  invalid: [
    {
      name: "an emptyDir at /tmp/../etc: the runtime mounts it over /etc, not under /tmp",
      yaml: `
        apiVersion: v1
        kind: Pod
        metadata: {name: p}
        spec:
          volumes: [{name: tmp, emptyDir: {}}, {name: etc, emptyDir: {}}]
          containers:
            - name: app
              securityContext: {readOnlyRootFilesystem: true}
              volumeMounts:
                - {name: tmp, mountPath: //tmp/}
                - {name: etc, mountPath: /tmp/../etc}
      `,
      errors: [
        {
          messageId: "writableMount",
          line: 11,
          column: 23,
          data: { container: "app", path: "/etc (written /tmp/../etc)", volume: "etc" },
        },
      ],
    },
    {
      name: "/tmp from a hostPath volume that two containers mount: one place to fix, the volume",
      yaml: `
        apiVersion: v1
        kind: Pod
        metadata: {name: p}
        spec:
          volumes:
            - name: tmp
              hostPath: {path: /tmp}
          initContainers:
            - name: init
              securityContext: {readOnlyRootFilesystem: true}
              volumeMounts: [{name: tmp, mountPath: /tmp}]
          containers:
            - name: app
              securityContext: {readOnlyRootFilesystem: true}
              volumeMounts: [{name: tmp, mountPath: /tmp}]
      `,
      errors: [
        {
          messageId: "tmpNotEmptyDir",
          line: 7,
          column: 7,
          data: { container: "init", type: "hostPath" },
        },
        {
          messageId: "tmpNotEmptyDir",
          line: 7,
          column: 7,
          data: { container: "app", type: "hostPath" },
        },
      ],
    },
    {
      name: "no /tmp mount and a writable data volume",
      yaml: `
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: backend}
        spec:
          template:
            spec:
              volumes: [{name: data, emptyDir: {}}]
              containers:
                - name: api
                  securityContext: {readOnlyRootFilesystem: true}
                  volumeMounts:
                    - name: data
                      mountPath: /var/lib/scout
      `,
      errors: [
        { messageId: "noTmp", line: 11, column: 11, data: { container: "api" } },
        {
          messageId: "writableMount",
          line: 13,
          column: 15,
          data: { container: "api", path: "/var/lib/scout", volume: "data" },
        },
      ],
    },
    {
      name: "/tmp on a PersistentVolumeClaim, and no volumeMounts at all on an init container",
      yaml: `
        apiVersion: v1
        kind: Pod
        metadata: {name: p}
        spec:
          volumes: [{name: scratch, persistentVolumeClaim: {claimName: s}}]
          initContainers:
            - name: init
              securityContext: {readOnlyRootFilesystem: true}
          containers:
            - name: app
              securityContext: {readOnlyRootFilesystem: true}
              volumeMounts: [{name: scratch, mountPath: /tmp/}]
      `,
      errors: [
        {
          // At the volume's source: that is what makes /tmp no emptyDir.
          messageId: "tmpNotEmptyDir",
          line: 5,
          column: 29,
          data: { container: "app", type: "persistentVolumeClaim" },
        },
        { messageId: "noTmp", line: 7, column: 7, data: { container: "init" } },
      ],
    },
    {
      name: "/tmp mounted from a volume the pod does not define",
      yaml: `
        apiVersion: v1
        kind: Pod
        metadata: {name: p}
        spec:
          containers:
            - name: api
              securityContext: {readOnlyRootFilesystem: true}
              volumeMounts: [{name: scratch, mountPath: /tmp}]
      `,
      errors: [
        {
          messageId: "tmpUndefined",
          line: 8,
          column: 38,
          data: { container: "api", volume: "scratch" },
        },
      ],
    },
    {
      name: "a mount of a volume the pod does not define is refused, not writable; read-only too",
      yaml: `
        apiVersion: v1
        kind: Pod
        metadata: {name: p}
        spec:
          containers:
            - name: api
              securityContext: {readOnlyRootFilesystem: true}
              volumeMounts:
                - {name: tmp, mountPath: /tmp}
                - {name: ghost, mountPath: /data}
                - {name: gone, mountPath: /etc/app, readOnly: true}
          volumes: [{name: tmp, emptyDir: {}}]
      `,
      errors: [
        {
          messageId: "undefinedVolume",
          line: 10,
          column: 25,
          data: { container: "api", path: "/data", volume: "ghost" },
        },
        {
          messageId: "undefinedVolume",
          line: 11,
          column: 24,
          data: { container: "api", path: "/etc/app", volume: "gone" },
        },
      ],
    },
    {
      name: "a StatefulSet's volumeClaimTemplate is a volume of its pods: a writable PVC, not an undefined volume",
      yaml: `
        apiVersion: apps/v1
        kind: StatefulSet
        metadata: {name: db}
        spec:
          template:
            spec:
              containers:
                - name: db
                  securityContext: {readOnlyRootFilesystem: true}
                  volumeMounts:
                    - {name: tmp, mountPath: /tmp}
                    - {name: data, mountPath: /var/lib/db}
              volumes: [{name: tmp, emptyDir: {}}]
          volumeClaimTemplates:
            - metadata: {name: data}
              spec: {accessModes: [ReadWriteOnce], resources: {requests: {storage: 1Gi}}}
      `,
      errors: [
        {
          messageId: "writableMount",
          line: 12,
          column: 28,
          data: { container: "db", path: "/var/lib/db", volume: "data" },
        },
      ],
    },
  ],
});
