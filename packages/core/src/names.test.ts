import { describe, expect, it } from "vitest";
import { labelValueProblem, namespaceNameProblem, objectNameProblem } from "./names.js";

describe("names the API server accepts", () => {
  it("namespaces are DNS labels", () => {
    expect(namespaceNameProblem("scout-prod")).toBeUndefined();
    for (const bad of ["Scout", "a b", "-a", "a.b", "x".repeat(64), ""])
      expect(namespaceNameProblem(bad)).toMatch(/is not a namespace name/);
  });

  it("object names are DNS subdomains", () => {
    expect(objectNameProblem("scout-secrets.v2")).toBeUndefined();
    for (const bad of ["Bad Name", "a_b", "a.", "x".repeat(254)])
      expect(objectNameProblem(bad)).toMatch(/is not an object name/);
  });

  it("label values may be empty, mixed case, with _ and .", () => {
    for (const good of ["", "Prod_1.eu", "x".repeat(63)])
      expect(labelValueProblem(good)).toBeUndefined();
    for (const bad of ["bad name", "-x", "x_", "x".repeat(64)])
      expect(labelValueProblem(bad)).toMatch(/is not a label value/);
  });
});
