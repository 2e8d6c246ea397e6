import { describe, expect, it } from "vitest";
import { helmOverrides, overrideOf } from "./helm-overrides.js";

const shown = (path: string) => `shown/${path}`;

describe("helmOverrides", () => {
  it("reads each pair of a flag as helm does: commas outside braces, brackets and JSON strings", () => {
    const overrides = helmOverrides(
      {
        set: ["a.b=1,list={x,y},esc=p\\,q", "nodes[0].name=n"],
        setJson: ['obj={"k":"v,w","n":[1,2]}'],
        setFile: ["cert=certs/a\\,b.pem"],
      },
      shown,
    );
    expect(overrides.map((o) => [o.path.join("/"), o.flag, o.file])).toEqual([
      ["obj", '--set-json obj={"k":"v,w","n":[1,2]}', undefined],
      ["a/b", "--set a.b=1", undefined],
      ["list", "--set list={x,y}", undefined],
      ["esc", "--set esc=p\\,q", undefined],
      ["nodes/0/name", "--set nodes[0].name=n", undefined],
      ["cert", "--set-file cert=certs/a\\,b.pem", "shown/certs/a,b.pem"],
    ]);
  });

  it("names a --set-file file outside the working folder in the flag only", () => {
    const outside = helmOverrides(
      { setFile: ["a=../x.txt", "b=/tmp/y.txt", "c=in/z.txt"] },
      (p) => p,
    );
    expect(outside.map((o) => o.file)).toEqual([undefined, undefined, "in/z.txt"]);
  });

  it("reads an escaped dot as part of a key", () => {
    const [override] = helmOverrides({ set: ["podAnnotations.prometheus\\.io/port=8000"] }, shown);
    expect(override?.path).toEqual(["podAnnotations", "prometheus.io/port"]);
  });
});

describe("overrideOf", () => {
  const overrides = helmOverrides(
    { setJson: ['securityContext={"privileged":true}'], set: ["securityContext.runAsUser=0"] },
    shown,
  );

  it("takes the last flag that sets the path, a parent of it or a key inside it", () => {
    expect(overrideOf(overrides, ["securityContext", "runAsUser"])?.flag).toBe(
      "--set securityContext.runAsUser=0",
    );
    expect(overrideOf(overrides, ["securityContext", "privileged"])?.flag).toBe(
      '--set-json securityContext={"privileged":true}',
    );
    expect(overrideOf(overrides, ["securityContext"])?.flag).toBe(
      "--set securityContext.runAsUser=0",
    );
  });

  it("finds none for a path no flag touches, nor for a sibling with a common prefix", () => {
    expect(overrideOf(overrides, ["image", "tag"])).toBeUndefined();
    expect(overrideOf(overrides, ["securityContextExtra"])).toBeUndefined();
  });
});
