import { askJsonLines, findTool } from "@scout-deploy/core/testing";

/** validation-oracle's binary: $VALIDATION_ORACLE, else where scripts/install-validation-oracle.sh puts it. */
export function validationOraclePath(): string | undefined {
  return findTool("validation-oracle", "VALIDATION_ORACLE");
}

/** The API server's answer for one object on create: no errors and no refusal is accepted. */
export interface ApiServerVerdict {
  kind?: string;
  refused?: string;
  errors?: { field: string; type: string; detail?: string }[];
}

export const accepted = (v: ApiServerVerdict) => !v.refused && (v.errors ?? []).length === 0;

/** Judges every object in one run of the oracle (one JSON line each way). */
export function judgeObjects(
  binary: string,
  objects: readonly unknown[],
): Promise<ApiServerVerdict[]> {
  const requests = objects.map((object) => ({ object: JSON.stringify(object) }));
  return askJsonLines<ApiServerVerdict>(binary, requests);
}
