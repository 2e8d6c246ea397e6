import { describe, expect, it } from "vitest";
import { mergedValues, rangeKeys, truthy, valueAt, withGlobals } from "./helm-values.js";

describe("mergedValues", () => {
  it("merges mappings key by key, replaces lists, and deletes a key set to null", () => {
    const merged = mergedValues([
      { value: { a: { x: 1, y: 2 }, list: [1, 2], gone: { z: 1 } }, prefix: [] },
      { value: { a: { y: 3 }, list: [9], gone: null }, prefix: [] },
    ]);
    expect(merged).toEqual({ a: { x: 1, y: 3 }, list: [9] });
  });

  it("reads a parent's values of a subchart below its name", () => {
    const merged = mergedValues([
      { value: { tag: "1" }, prefix: [] },
      { value: { db: { tag: "2" } }, prefix: ["db"] },
    ]);
    expect(merged).toEqual({ tag: "2" });
  });

  it("lays a parent's globals over a subchart's own", () => {
    const parent = { global: { openshift: true, registry: "a" } };
    expect(withGlobals({ global: { registry: "b", own: 1 }, x: 1 }, parent)).toEqual({
      global: { openshift: true, registry: "a", own: 1 },
      x: 1,
    });
  });

  it("types --set as helm's strvals does, --set-string as text, --set-json as JSON", () => {
    const merged = mergedValues(
      [{ value: { list: [{ type: "ClusterIP" }, { type: "ClusterIP" }] }, prefix: [] }],
      [
        { path: ["on"], flag: "--set on=true" },
        { path: ["port"], flag: "--set port=8080" },
        { path: ["tag"], flag: "--set-string tag=1.0" },
        { path: ["sc"], flag: '--set-json sc={"privileged":true}' },
        { path: ["list", "1", "type"], flag: "--set list[1].type=NodePort" },
      ],
    );
    expect(merged).toEqual({
      on: true,
      port: 8080,
      tag: "1.0",
      sc: { privileged: true },
      list: [{ type: "ClusterIP" }, { type: "NodePort" }],
    });
  });
});

describe("Go templates' reading of values", () => {
  it("calls false, 0, nil and empty strings, lists and maps false", () => {
    expect([false, 0, null, undefined, "", [], {}].map(truthy)).toEqual(Array(7).fill(false));
    expect([true, 1, "x", [0], { a: 1 }].map(truthy)).toEqual(Array(5).fill(true));
  });

  it("visits a map's keys in sorted order, a list's by index", () => {
    expect(rangeKeys({ zeta: 1, eta: 2, Beta: 3 })).toEqual(["Beta", "eta", "zeta"]);
    expect(rangeKeys(["a", "b"])).toEqual(["0", "1"]);
    expect(rangeKeys("text")).toBeUndefined();
    expect(valueAt({ a: [{ b: 1 }] }, ["a", "0", "b"])).toBe(1);
  });
});
