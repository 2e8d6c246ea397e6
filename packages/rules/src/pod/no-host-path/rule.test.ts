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
  ],
});
