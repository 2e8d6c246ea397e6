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

const RFC3339 = /^\d{4}-\d{2}-\d{2}(T[\d:.]+(Z|[+-]\d{2}:\d{2}))?$/;

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
      const time = RFC3339.test(raw) ? Date.parse(raw) : Number.NaN;
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
