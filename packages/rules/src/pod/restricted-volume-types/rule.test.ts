import { RuleTester } from "@scout-deploy/core/testing";
import { describe, it } from "vitest";
import { restrictedVolumeTypes } from "./rule.js";

new RuleTester({ describe, it }).run(restrictedVolumeTypes, {
  valid: [
    {
      name: "every restricted type",
      yaml: `
        apiVersion: v1
        kind: Pod
        metadata: {name: p}
        spec:
          containers: [{name: a}]
          volumes:
            - {name: a, configMap: {name: c}}
            - {name: b, secret: {secretName: s}}
            - {name: c, emptyDir: {}}
            - {name: d, persistentVolumeClaim: {claimName: data}}
            - {name: e, projected: {sources: []}}
            - {name: f, downwardAPI: {items: []}}
            - {name: g, csi: {driver: x}}
            - {name: i, image: {reference: "ghcr.io/scout/model:1"}}
            - {name: h, ephemeral: {volumeClaimTemplate: {spec: {}}}}
      `,
    },
    {
      name: "an extra type allowed by the options",
      options: { allow: ["nfs"] },
      yaml: `
        apiVersion: v1
        kind: Pod
        metadata: {name: p}
        spec:
          containers: [{name: a}]
          volumes: [{name: share, nfs: {server: nfs, path: /}}]
      `,
    },
  ],
  invalid: [
    {
      name: "hostPath and nfs volumes",
      yaml: `
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: d}
        spec:
          template:
            spec:
              containers: [{name: a}]
              volumes:
                - name: host
                  hostPath: {path: /etc}
                - name: share
                  nfs:
                    server: nfs.local
                    path: /
      `,
      errors: [
        {
          messageId: "notAllowed",
          line: 10,
          column: 11,
          data: { volume: "host", type: "hostPath" },
        },
        { messageId: "notAllowed", line: 12, column: 11, data: { volume: "share", type: "nfs" } },
      ],
    },
  ],
});
