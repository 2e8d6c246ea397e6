import { defineRule, z } from "@scout-deploy/core";
import { ageInDays, DEFAULT_MAX_AGE_DAYS, isSecret, recordedRotation } from "@scout-deploy/secrets";

const options = z
  .object({
    /** Days a Secret's values may stay unchanged. @default 90 */
    maxAgeDays: z.number().int().min(1).default(DEFAULT_MAX_AGE_DAYS),
    /** The date to judge against (RFC 3339), for reproducible runs. @default the current time */
    now: z.iso.datetime({ offset: true }).optional(),
  })
  .strict();

const DAY = 24 * 60 * 60 * 1000;

/**
 * The age a finding shows: whole days, or to a tenth of a day (rounded up) within the day after
 * the maximum, where whole days would read "90 days ago, more than 90".
 */
function daysOld(time: number, now: Date, maxAgeDays: number): number {
  const age = ageInDays(time, now);
  return age > maxAgeDays ? age : Math.ceil(((now.getTime() - time) / DAY) * 10) / 10;
}

export const rotationAge = defineRule({
  id: "secrets/rotation-age",
  meta: {
    severity: "warning",
    description:
      "A Secret's recorded rotation time (scout-deploy.io/rotated-at, else created-at) is within the configured maximum age.",
    remediation:
      "Rotate the Secret: `scout-deploy secrets rotate FILE --out FILE` gives new values, keeps the old ones under <key>-previous for the overlap window and records the time.",
    guide:
      "Use Strong Authentication: Rotate tokens regularly; Manage Secrets Properly: Rotate secrets regularly",
    options,
    messages: {
      tooOld:
        "the Secret was last rotated {{age}} days ago ({{annotation}}), more than {{maxAgeDays}}",
      badTime: 'annotation {{annotation}} is not an RFC 3339 time: "{{raw}}"',
      futureTime:
        'annotation {{annotation}} records a rotation in the future ("{{raw}}"): it cannot vouch for the age of the values',
    },
  },
  check(context) {
    const now = context.options.now ? new Date(context.options.now) : new Date();
    const { maxAgeDays } = context.options;
    for (const object of context.bundle.objects) {
      if (!isSecret(object) && object.value.kind !== "SealedSecret") continue;
      const recorded = recordedRotation(object);
      if (!recorded) continue;
      const { annotation, pointer } = recorded;
      if (Number.isNaN(recorded.time)) {
        context.report({
          messageId: "badTime",
          data: { annotation, raw: recorded.raw.slice(0, 40) },
          object,
          pointer,
        });
        continue;
      }
      const age = ageInDays(recorded.time, now);
      // A day of slack for clocks and time zones; beyond it the date would silence the rule for good.
      if (age < -1) {
        context.report({
          messageId: "futureTime",
          data: { annotation, raw: recorded.raw.slice(0, 40) },
          object,
          pointer,
        });
      } else if (now.getTime() - recorded.time > maxAgeDays * DAY) {
        context.report({
          messageId: "tooOld",
          data: { age: daysOld(recorded.time, now, maxAgeDays), annotation, maxAgeDays },
          object,
          pointer,
        });
      }
    }
  },
});
