import { describe, expect, it } from "vitest";
import { compareFile, firstDifference, readOurs } from "./compare.js";
import { explain } from "./known-differences.js";
import { parseJsonStream } from "./oracle.js";

describe("the kubectl differential harness", () => {
  it("reads kubectl's stream of pretty JSON objects, braces inside strings included", () => {
    const stream = '{\n    "a": "}{",\n    "b": [1]\n}\n{\n    "c": "\\"}"\n}\n';
    expect(parseJsonStream(stream)).toEqual([{ a: "}{", b: [1] }, { c: '"}' }]);
  });

  it("ignores key order and finds the first differing value", () => {
    expect(firstDifference({ a: 1, b: { c: true } }, { b: { c: true }, a: 1 }, "")).toBeUndefined();
    expect(firstDifference({ a: { b: "yes" } }, { a: { b: true } }, "")).toBe(
      '/a/b: ours "yes", kubectl true',
    );
  });

  it("reports an object kubectl sends differently, and explains no such difference", () => {
    const file = {
      name: "f00000.yaml",
      text: "apiVersion: v1\nkind: Pod\nmetadata: {name: f00000-d0}\nspec: {hostPID: true}\n",
      documents: 1,
      classes: ["test"],
      pure: true,
    };
    const kubectl = {
      objects: [
        {
          apiVersion: "v1",
          kind: "Pod",
          metadata: { name: "f00000-d0", annotations: { probe: "x" } },
          spec: { hostPID: false },
        },
      ],
      errors: [],
    };
    const [difference, ...rest] = compareFile(file, readOurs(file), kubectl);
    expect(rest).toEqual([]);
    expect(difference).toMatchObject({ kind: "object-differs" });
    expect(explain(difference!)).toBeUndefined();
    kubectl.objects[0]!.spec.hostPID = true;
    expect(compareFile(file, readOurs(file), kubectl)).toEqual([]);
  });

  it("requires an error-level input problem on a file kubectl refuses", () => {
    const file = {
      name: "f00001.yaml",
      text: "apiVersion: v1\n",
      documents: 1,
      classes: [],
      pure: true,
    };
    const [difference] = compareFile(file, readOurs(file), { objects: [], errors: ["refused"] });
    expect(difference).toMatchObject({ kind: "refusal-missed" });
  });
});
