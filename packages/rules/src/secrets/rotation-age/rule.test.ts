import { RuleTester } from "@scout-deploy/core/testing";
import { describe, it } from "vitest";
import { rotationAge } from "./rule.js";

const now = "2026-11-01T00:00:00Z";
const secret = (annotations: string) => `
  apiVersion: v1
  kind: Secret
  metadata:
    name: scout-secrets
    annotations:
${annotations}
  data: {api-token: YQ==}
`;

new RuleTester({ describe, it }).run(rotationAge, {
  valid: [
    {
      name: "rotated 30 days ago",
      options: { now },
      yaml: secret(
        '      scout-deploy.io/created-at: "2025-01-01T00:00:00Z"\n      scout-deploy.io/rotated-at: "2026-10-02T00:00:00Z"',
      ),
    },
    {
      name: "exactly the maximum age",
      options: { now, maxAgeDays: 10 },
      yaml: secret('      scout-deploy.io/rotated-at: "2026-10-22T00:00:00Z"'),
    },
    {
      name: "89 days under the default maximum of 90",
      options: { now },
      yaml: secret('      scout-deploy.io/rotated-at: "2026-08-04T00:00:00Z"'),
    },
    {
      name: "RFC 3339 allows a lower-case t and z",
      options: { now },
      yaml: secret('      scout-deploy.io/rotated-at: "2026-10-02t00:00:00z"'),
    },
    {
      name: "no recorded time: nothing to judge",
      options: { now },
      yaml: `
        apiVersion: v1
        kind: Secret
        metadata: {name: s}
      `,
    },
  ],
  invalid: [
    {
      name: "rotated more than 90 days ago",
      options: { now },
      yaml: secret('      scout-deploy.io/rotated-at: "2026-01-01T00:00:00Z"'),
      errors: [
        {
          messageId: "tooOld",
          line: 6,
          column: 5,
          data: { age: 304, annotation: "scout-deploy.io/rotated-at", maxAgeDays: 90 },
        },
      ],
    },
    {
      name: "older than the maximum age by an hour: older than the maximum",
      options: { now, maxAgeDays: 10 },
      yaml: secret('      scout-deploy.io/rotated-at: "2026-10-21T23:00:00Z"'),
      errors: [
        {
          messageId: "tooOld",
          line: 6,
          column: 5,
          data: { age: 10.1, annotation: "scout-deploy.io/rotated-at", maxAgeDays: 10 },
        },
      ],
    },
    {
      name: "91 days under the default maximum of 90",
      options: { now },
      yaml: secret('      scout-deploy.io/rotated-at: "2026-08-02T00:00:00Z"'),
      errors: [
        {
          messageId: "tooOld",
          line: 6,
          column: 5,
          data: { age: 91, annotation: "scout-deploy.io/rotated-at", maxAgeDays: 90 },
        },
      ],
    },
    {
      name: "only a creation time, older than a configured maximum",
      options: { now, maxAgeDays: 30 },
      yaml: secret('      scout-deploy.io/created-at: "2026-09-01T00:00:00+02:00"'),
      errors: [
        {
          messageId: "tooOld",
          line: 6,
          column: 5,
          data: { age: 61, annotation: "scout-deploy.io/created-at", maxAgeDays: 30 },
        },
      ],
    },
    {
      name: "a SealedSecret records the time in its template's metadata",
      options: { now },
      yaml: `
        apiVersion: bitnami.com/v1alpha1
        kind: SealedSecret
        metadata: {name: scout-secrets, namespace: scout}
        spec:
          encryptedData: {api-token: AgBy3i4OJSWK}
          template:
            metadata:
              annotations: {scout-deploy.io/rotated-at: "2025-01-01T00:00:00Z"}
      `,
      errors: [
        {
          messageId: "tooOld",
          line: 8,
          column: 21,
          data: { age: 669, annotation: "scout-deploy.io/rotated-at", maxAgeDays: 90 },
        },
      ],
    },
    {
      name: "a time that does not parse",
      options: { now },
      yaml: secret("      scout-deploy.io/rotated-at: last tuesday"),
      errors: [{ messageId: "badTime", line: 6, column: 5 }],
    },
    {
      name: "February 30th is no date, not a day in March",
      options: { now },
      yaml: secret('      scout-deploy.io/rotated-at: "2026-02-30T00:00:00Z"'),
      errors: [{ messageId: "badTime", line: 6, column: 5 }],
    },
    {
      name: "24:00 is no time of day (Date.parse reads it as the next day)",
      options: { now },
      yaml: secret('      scout-deploy.io/rotated-at: "2026-10-01T24:00:00Z"'),
      errors: [{ messageId: "badTime", line: 6, column: 5 }],
    },
    {
      name: "a rotation recorded years ahead would keep the rule quiet for good",
      options: { now },
      yaml: secret("      scout-deploy.io/rotated-at: 2999-01-01T00:00:00Z"),
      errors: [{ messageId: "futureTime", line: 6, column: 5 }],
    },
  ],
});
