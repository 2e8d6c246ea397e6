import { describe, expect, it } from "vitest";
import {
  ALL_CONNS,
  connsOf,
  describePorts,
  NO_CONNS,
  parseConns,
  subtract,
  union,
} from "./conns.js";

describe("describePorts", () => {
  it("says every port for all connections and no port for none", () => {
    expect(describePorts(ALL_CONNS)).toBe("every port");
    expect(describePorts(NO_CONNS)).toBe("no port");
  });

  it("names what is missing when that is shorter: every port but the intended one", () => {
    expect(describePorts(subtract(ALL_CONNS, connsOf("TCP", 8000)))).toBe(
      "every port but TCP 8000",
    );
    expect(describePorts(parseConns("TCP 1-52,54-65535,UDP 1-52,54-65535,SCTP 1-65535"))).toBe(
      "every port but TCP 53, UDP 53",
    );
  });

  it("lists a few ports per protocol, and a whole protocol in words", () => {
    expect(describePorts(connsOf("TCP", 8000))).toBe("TCP 8000");
    expect(describePorts(union(parseConns("TCP 80,443"), connsOf("UDP", 53)))).toBe(
      "TCP 80 and 443, UDP 53",
    );
    expect(describePorts(parseConns("TCP 1-65535,UDP 53"))).toBe("every TCP port, UDP 53");
    expect(describePorts(parseConns("TCP 1000-2000"))).toBe("TCP 1000-2000");
  });
});
