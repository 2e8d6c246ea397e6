import { describe, expect, it } from "vitest";
import { withoutValue } from "./map.js";
import { leafErrors, parseOutput, quotedNames, unquote } from "./output.js";

describe("reading kubeconform's error tree", () => {
  // The shape santhosh-tekuri/jsonschema prints, lines joined with spaces by kubeconform.
  const msg =
    "problem validating schema. Check JSON formatting: jsonschema validation failed with 'file:///s/deployment-apps-v1.json#'" +
    " - at '/spec': validation failed" +
    "   - at '/spec': missing property 'selector'" +
    "   - at '/spec/replicas': got string, want null or integer" +
    "   - at '/spec/template/spec': validation failed" +
    "     - at '/spec/template/spec/containers/0': additional properties 'imagePullPolcy' not allowed" +
    " - at '/metadata/labels/a~1b\\'c': got number, want null or string";

  it("keeps the leaves, with their pointers unquoted", () => {
    expect(leafErrors(msg)).toEqual([
      { pointer: "/spec", message: "missing property 'selector'" },
      { pointer: "/spec/replicas", message: "got string, want null or integer" },
      {
        pointer: "/spec/template/spec/containers/0",
        message: "additional properties 'imagePullPolcy' not allowed",
      },
      { pointer: "/metadata/labels/a~1b'c", message: "got number, want null or string" },
    ]);
  });

  it("undoes Go's quoting", () => {
    expect(unquote("a\\'b\\\\c\\u00e9\\n")).toBe("a'b\\cé\n");
    expect(quotedNames("missing properties 'name', 'it\\'s'")).toEqual(["name", "it's"]);
  });

  it("rejects output without resources or summary", () => {
    expect(() => parseOutput('{"resources": []}')).toThrow(/no resources or no summary/);
    expect(() => parseOutput("not json")).toThrow(SyntaxError);
  });
});

describe("kubeconform's other messages", () => {
  it("never quote the value they are about", () => {
    expect(withoutValue("'Zq8WmT3vXk5Jr7Lp' is not valid 'byte'", "Zq8WmT3vXk5Jr7Lp")).toBe(
      "'(value not shown)' is not valid 'byte'",
    );
    expect(withoutValue("must be >= 1 but found 0", 0)).toBe("must be >= 1 but found 0");
    expect(withoutValue("length must be <= 63, but got 70", { a: 1 })).toBe(
      "length must be <= 63, but got 70",
    );
  });
});
