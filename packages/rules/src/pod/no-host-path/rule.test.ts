import { RuleTester } from "@scout-deploy/core/testing";
import { describe, it } from "vitest";
import { noHostPath } from "./rule.js";

new RuleTester({ describe, it }).run(noHostPath, {
  valid: [
    {
      name: "a hostPath PersistentVolume reserved by a claimRef without a namespace binds no claim (the binder matches namespace and name)",
      yaml: `
        apiVersion: v1
        kind: PersistentVolume
        metadata: {name: node-docker}
        spec:
          hostPath: {path: /var/run/docker.sock}
          claimRef: {name: sock}
        ---
        apiVersion: v1
        kind: PersistentVolumeClaim
        metadata: {name: sock, namespace: scout}
        ---
        apiVersion: v1
        kind: Pod
        metadata: {name: p, namespace: scout}
        spec:
          containers: [{name: a}]
          volumes: [{name: sock, persistentVolumeClaim: {claimName: sock}}]
      `,
    },
    {
      name: "a node-path PersistentVolume that no claim can take: another class, fewer access modes, too small, reserved for another claim, or the default class",
      yaml: `
        apiVersion: storage.k8s.io/v1
        kind: StorageClass
        metadata:
          name: standard
          annotations: {storageclass.kubernetes.io/is-default-class: "true"}
        provisioner: example.com/disk
        ---
        apiVersion: v1
        kind: PersistentVolume
        metadata: {name: node-root}
        spec:
          capacity: {storage: 1Gi}
          accessModes: [ReadWriteOnce]
          storageClassName: manual
          local: {path: /}
        ---
        apiVersion: v1
        kind: PersistentVolume
        metadata: {name: reserved}
        spec:
          capacity: {storage: 1Gi}
          accessModes: [ReadWriteOnce]
          hostPath: {path: /}
          claimRef: {namespace: scout, name: other}
        ---
        apiVersion: v1
        kind: PersistentVolume
        metadata: {name: classless}
        spec:
          capacity: {storage: 1Gi}
          accessModes: [ReadWriteOnce]
          hostPath: {path: /}
        ---
        apiVersion: v1
        kind: PersistentVolumeClaim
        metadata: {name: fast, namespace: scout}
        spec: {storageClassName: fast, accessModes: [ReadWriteOnce], resources: {requests: {storage: 1Gi}}}
        ---
        apiVersion: v1
        kind: PersistentVolumeClaim
        metadata: {name: shared, namespace: scout}
        spec: {storageClassName: manual, accessModes: [ReadWriteMany], resources: {requests: {storage: 1Gi}}}
        ---
        apiVersion: v1
        kind: PersistentVolumeClaim
        metadata: {name: big, namespace: scout}
        spec: {storageClassName: manual, accessModes: [ReadWriteOnce], resources: {requests: {storage: 10Gi}}}
        ---
        apiVersion: v1
        kind: PersistentVolumeClaim
        metadata: {name: block, namespace: scout}
        spec: {storageClassName: manual, volumeMode: Block, accessModes: [ReadWriteOnce], resources: {requests: {storage: 1Gi}}}
        ---
        apiVersion: v1
        kind: PersistentVolumeClaim
        metadata: {name: defaulted, namespace: scout}
        spec: {accessModes: [ReadWriteOnce], resources: {requests: {storage: 1Gi}}}
        ---
        apiVersion: v1
        kind: Pod
        metadata: {name: p, namespace: scout}
        spec:
          containers: [{name: a}]
          volumes:
            - {name: fast, persistentVolumeClaim: {claimName: fast}}
            - {name: shared, persistentVolumeClaim: {claimName: shared}}
            - {name: big, persistentVolumeClaim: {claimName: big}}
            - {name: block, persistentVolumeClaim: {claimName: block}}
            - {name: defaulted, persistentVolumeClaim: {claimName: defaulted}}
      `,
    },
    {
      name: "emptyDir volumes and container ports, hostPort 0",
      yaml: `
        apiVersion: v1
        kind: Pod
        metadata: {name: p}
        spec:
          volumes: [{name: tmp, emptyDir: {}}]
          containers:
            - name: a
              ports: [{containerPort: 8000, hostPort: 0}]
      `,
    },
  ],
  invalid: [
    {
      name: "a hostPath volume and a hostPort on an init container",
      yaml: `
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: d}
        spec:
          template:
            spec:
              volumes:
                - name: sock
                  hostPath:
                    path: /var/run/docker.sock
              initContainers:
                - name: init
                  ports:
                    - containerPort: 80
                      hostPort: 8080
              containers: [{name: a}]
      `,
      errors: [
        {
          messageId: "hostPath",
          line: 9,
          column: 11,
          data: { volume: "sock", path: "/var/run/docker.sock" },
        },
        { messageId: "hostPort", line: 15, column: 15, data: { container: "init", port: "8080" } },
      ],
    },
    {
      name: "a claim bound to a hostPath PersistentVolume (by volumeName or claimRef) mounts the node's path",
      yaml: `
        apiVersion: v1
        kind: PersistentVolume
        metadata: {name: node-root}
        spec: {hostPath: {path: /}, capacity: {storage: 1Gi}, accessModes: [ReadWriteOnce]}
        ---
        apiVersion: v1
        kind: PersistentVolume
        metadata: {name: node-docker}
        spec:
          hostPath: {path: /var/run/docker.sock}
          claimRef: {namespace: scout, name: sock}
        ---
        apiVersion: v1
        kind: PersistentVolume
        metadata: {name: disk}
        spec: {csi: {driver: x, volumeHandle: h}}
        ---
        apiVersion: v1
        kind: PersistentVolumeClaim
        metadata: {name: data, namespace: scout}
        spec: {volumeName: node-root}
        ---
        apiVersion: v1
        kind: PersistentVolumeClaim
        metadata: {name: safe, namespace: scout}
        spec: {volumeName: disk}
        ---
        apiVersion: v1
        kind: Pod
        metadata: {name: p, namespace: scout}
        spec:
          containers: [{name: a}]
          volumes:
            - {name: data, persistentVolumeClaim: {claimName: data}}
            - {name: sock, persistentVolumeClaim: {claimName: sock}}
            - {name: safe, persistentVolumeClaim: {claimName: safe}}
      `,
      errors: [
        {
          messageId: "hostPathClaim",
          line: 34,
          column: 20,
          data: { volume: "data", path: "/", pv: "node-root" },
        },
        {
          messageId: "hostPathClaim",
          line: 35,
          column: 20,
          data: { volume: "sock", path: "/var/run/docker.sock", pv: "node-docker" },
        },
      ],
    },
    {
      name: "claims the binder gives a node-path PersistentVolume of their class: a claim object, an ephemeral volume, a StatefulSet's claim template",
      yaml: `
        apiVersion: v1
        kind: PersistentVolume
        metadata: {name: node-root}
        spec:
          capacity: {storage: 5Gi}
          accessModes: [ReadWriteOnce, ReadOnlyMany]
          storageClassName: manual
          local: {path: /}
        ---
        apiVersion: v1
        kind: PersistentVolume
        metadata: {name: node-etc, labels: {disk: etc}}
        spec:
          capacity: {storage: 1Gi}
          accessModes: [ReadWriteOnce]
          hostPath: {path: /etc}
        ---
        apiVersion: v1
        kind: PersistentVolumeClaim
        metadata: {name: data, namespace: scout}
        spec:
          storageClassName: manual
          accessModes: [ReadWriteOnce]
          resources: {requests: {storage: 1Gi}}
        ---
        apiVersion: v1
        kind: PersistentVolumeClaim
        metadata: {name: config, namespace: scout}
        spec:
          selector: {matchLabels: {disk: etc}}
          accessModes: [ReadWriteOnce]
          resources: {requests: {storage: 512Mi}}
        ---
        apiVersion: apps/v1
        kind: StatefulSet
        metadata: {name: redis, namespace: scout}
        spec:
          template:
            spec:
              containers: [{name: a}]
              volumes:
                - name: data
                  persistentVolumeClaim: {claimName: data}
                - name: config
                  persistentVolumeClaim: {claimName: config}
                - name: scratch
                  ephemeral:
                    volumeClaimTemplate:
                      spec: {storageClassName: manual, accessModes: [ReadOnlyMany], resources: {requests: {storage: 1Gi}}}
          volumeClaimTemplates:
            - metadata: {name: state}
              spec: {storageClassName: manual, accessModes: [ReadWriteOnce], resources: {requests: {storage: 2Gi}}}
      `,
      errors: [
        {
          messageId: "localClaim",
          line: 43,
          column: 11,
          data: { volume: "data", path: "/", pv: "node-root" },
        },
        {
          messageId: "hostPathClaim",
          line: 45,
          column: 11,
          data: { volume: "config", path: "/etc", pv: "node-etc" },
        },
        {
          messageId: "localClaim",
          line: 47,
          column: 11,
          data: { volume: "scratch", path: "/", pv: "node-root" },
        },
        {
          messageId: "localClaim",
          line: 51,
          column: 7,
          data: { volume: "state", path: "/", pv: "node-root" },
        },
      ],
    },
    {
      name: "Argo: a workflow volume is in the pods of the templates that mount it, a template's own volume in its pod; Tekton: a task's and a podTemplate's volumes",
      yaml: `
        apiVersion: argoproj.io/v1alpha1
        kind: Workflow
        metadata: {name: wf}
        spec:
          volumes:
            - name: root
              hostPath: {path: /}
            - name: unused
              hostPath: {path: /etc}
          templates:
            - name: mounts
              container:
                image: alpine:3.19
                volumeMounts: [{name: root, mountPath: /host}]
            - name: own
              volumes:
                - name: sock
                  hostPath: {path: /var/run/docker.sock}
              container:
                image: alpine:3.19
                volumeMounts: [{name: sock, mountPath: /var/run/docker.sock}]
        ---
        apiVersion: tekton.dev/v1
        kind: TaskRun
        metadata: {name: run}
        spec:
          podTemplate:
            volumes:
              - name: cache
                hostPath: {path: /var/cache}
          taskSpec:
            volumes:
              - name: sock
                hostPath: {path: /var/run/docker.sock}
            steps: [{name: s, image: alpine:3.19}]
      `,
      errors: [
        { messageId: "hostPath", line: 7, column: 7 },
        { messageId: "hostPath", line: 18, column: 11 },
        { messageId: "hostPath", line: 30, column: 9 },
        { messageId: "hostPath", line: 34, column: 9 },
      ],
    },
  ],
});
