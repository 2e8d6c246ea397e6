import { describe, expect, it } from "vitest";
import {
  dns1123LabelProblem,
  dns1123SubdomainProblem,
  labelValueProblem,
  portNameProblem,
  qualifiedNameProblem,
  typedNameProblem,
} from "./names.js";

const refusedAmong = (check: (v: string) => string | undefined, values: string[]) =>
  values.filter((v) => check(v) !== undefined);

describe("the identifier formats the API server enforces", () => {
  it("label keys: an optional DNS subdomain prefix, then 1 to 63 characters", () => {
    expect(
      refusedAmong(qualifiedNameProblem, [
        "app",
        "app.kubernetes.io/name",
        "A_b.c-D",
        "x".repeat(63),
      ]),
    ).toEqual([]);
    for (const key of [
      "x".repeat(64),
      "-app",
      "app_",
      "/app",
      "a/b/c",
      "Example.com/app",
      "ex_ample.com/app",
      "",
    ]) {
      expect(qualifiedNameProblem(key), key).toBeDefined();
    }
    expect(qualifiedNameProblem(`${"a".repeat(254)}/x`)).toMatch(/prefix .*253/);
  });

  it("label values: empty, or up to 63 characters starting and ending alphanumeric", () => {
    expect(refusedAmong(labelValueProblem, ["", "v1.2_3-rc", "x".repeat(63)])).toEqual([]);
    for (const value of ["x".repeat(64), "a b", "-a", "a.", "ä"]) {
      expect(labelValueProblem(value), value).toBeDefined();
    }
  });

  it("DNS-1123 labels and subdomains: lower case, no underscore, 63 and 253 characters", () => {
    expect(refusedAmong(dns1123LabelProblem, ["a", "web-1", "1web"])).toEqual([]);
    for (const name of ["Web", "web_1", "web.1", "-web", "x".repeat(64)]) {
      expect(dns1123LabelProblem(name), name).toBeDefined();
    }
    expect(
      refusedAmong(dns1123SubdomainProblem, ["web.scout", "a.b-c.d", "x".repeat(253)]),
    ).toEqual([]);
    for (const name of ["Web", "web..scout", "web.", "x".repeat(254)]) {
      expect(dns1123SubdomainProblem(name), name).toBeDefined();
    }
  });

  it("port names: 1 to 15 lower-case letters, digits and single inner hyphens, with a letter", () => {
    expect(refusedAmong(portNameProblem, ["http", "h2c", "metrics-9100", "x".repeat(15)])).toEqual(
      [],
    );
    expect(portNameProblem("x".repeat(16))).toBe("is not 1 to 15 characters long");
    expect(portNameProblem("HTTP")).toMatch(/characters other than/);
    expect(portNameProblem("8080")).toBe("has no letter");
    for (const name of ["-http", "http-", "ht--tp", ""]) {
      expect(portNameProblem(name), name).toBeDefined();
    }
  });

  it("a value the user typed is quoted with what it is not", () => {
    expect(typedNameProblem("namespace name", "scout-prod")).toBeUndefined();
    for (const bad of ["Scout", "a b", "-a", "a.b", "x".repeat(64), ""])
      expect(typedNameProblem("namespace name", bad)).toMatch(/^".*" is not a namespace name: it /);
    expect(typedNameProblem("object name", "scout-secrets.v2")).toBeUndefined();
    for (const bad of ["Bad Name", "a_b", "a.", "x".repeat(254)])
      expect(typedNameProblem("object name", bad)).toMatch(/is not an object name/);
    for (const good of ["", "Prod_1.eu", "x".repeat(63)])
      expect(typedNameProblem("label value", good)).toBeUndefined();
    for (const bad of ["bad name", "-x", "x_", "x".repeat(64)])
      expect(typedNameProblem("label value", bad)).toMatch(/is not a label value/);
  });
});
