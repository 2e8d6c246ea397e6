import type { ObjectRef } from "./model.js";
import type { SourceDocument, SourceProblem } from "./source.js";

export type KubeObject = Record<string, unknown> & {
  apiVersion: string;
  kind: string;
  metadata?: Record<string, unknown>;
};

/** One Kubernetes object of the input, with where it came from. */
export interface BundleObject {
  value: KubeObject;
  ref: ObjectRef;
  document: SourceDocument;
  /** Pointer of the object inside its document: "" or "/items/3" for a List item. */
  pointer: string;
}

/** A problem of the input itself, found before any rule runs. */
export interface InputProblem extends SourceProblem {
  /** The object the problem is about, so its findings name it and its annotations apply. */
  object?: BundleObject;
  /**
   * A rule of the pack that reports the same object and field says it already (an API-server
   * refusal such as non-base64 Secret data, which `secrets/valid-base64` owns): one cause, one
   * finding. Reported when no rule does (the rule is off, or out of its scope), or only with a
   * lower severity (a warning never stands in for a refusal).
   */
  yieldsToRules?: boolean;
}
