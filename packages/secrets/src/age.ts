import { type BundleObject, getAtPointer, isRecord, joinPointer } from "@scout-deploy/core";
import { ANNOTATIONS } from "./layout.js";

export interface RecordedTime {
  /** Which annotation recorded it: rotated-at, else created-at. */
  annotation: string;
  pointer: string;
  raw: string;
  /** Milliseconds since the epoch; NaN when the text is not a date. */
  time: number;
}

// RFC 3339 (its section 5.6 allows a lower-case t and z), or a full date alone.
const RFC3339 =
  /^(\d{4})-(\d{2})-(\d{2})(?:[Tt](\d{2}):(\d{2}):(\d{2})(?:\.\d+)?(?:[Zz]|[+-](\d{2}):(\d{2})))?$/;

/**
 * Milliseconds since the epoch of an RFC 3339 time; NaN unless every field is in its range
 * (Date.parse rolls 2026-02-30 over into March and reads 24:00 as the next day).
 */
export function parseRfc3339(text: string): number {
  const match = RFC3339.exec(text);
  if (!match) return Number.NaN;
  const [year, month, day, hour, minute, second, offsetHour, offsetMinute] = match
    .slice(1)
    .map((part) => Number(part ?? 0));
  const daysInMonth = new Date(Date.UTC(year!, month!, 0)).getUTCDate();
  const inRange =
    month! >= 1 &&
    month! <= 12 &&
    day! >= 1 &&
    day! <= daysInMonth &&
    hour! <= 23 &&
    minute! <= 59 &&
    second! <= 59 &&
    offsetHour! <= 23 &&
    offsetMinute! <= 59;
  return inRange ? Date.parse(text.toUpperCase()) : Number.NaN;
}

/**
 * When a Secret's values last changed, as its annotations record it. A SealedSecret carries the
 * sealed Secret's metadata in `spec.template.metadata` (kubeseal copies it there).
 */
export function recordedRotation(object: BundleObject): RecordedTime | undefined {
  const places =
    object.value.kind === "SealedSecret" ? ["/spec/template/metadata", "/metadata"] : ["/metadata"];
  for (const place of places) {
    const metadata = getAtPointer(object.value, place);
    const annotations =
      isRecord(metadata) && isRecord(metadata.annotations) ? metadata.annotations : {};
    for (const annotation of [ANNOTATIONS.rotatedAt, ANNOTATIONS.createdAt]) {
      const raw = annotations[annotation];
      if (typeof raw !== "string") continue;
      const time = parseRfc3339(raw);
      return { annotation, pointer: joinPointer(place, "annotations", annotation), raw, time };
    }
  }
  return undefined;
}

export const DEFAULT_MAX_AGE_DAYS = 90;

/** Whole days between a recorded time and `now`. */
export function ageInDays(time: number, now: Date): number {
  return Math.floor((now.getTime() - time) / (24 * 60 * 60 * 1000));
}
