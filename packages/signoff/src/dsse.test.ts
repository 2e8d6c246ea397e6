import { describe, expect, it } from "vitest";
import { encodeEnvelope, pae, parseRecord } from "./dsse.js";

describe("pae", () => {
  it("matches the DSSE spec's worked example", () => {
    // From the DSSE protocol spec: PAE("http://example.com/HelloWorld", "hello world").
    const encoded = pae("http://example.com/HelloWorld", Buffer.from("hello world"));
    expect(encoded.toString("utf8")).toBe("DSSEv1 29 http://example.com/HelloWorld 11 hello world");
  });

  it("counts bytes, not characters, for non-ASCII bodies", () => {
    const body = Buffer.from("é", "utf8");
    expect(pae("t", body).toString("utf8")).toBe("DSSEv1 1 t 2 é");
  });
});

describe("parseRecord", () => {
  const envelope = {
    payloadType: "application/vnd.in-toto+json",
    payload: "e30=",
    signatures: [{ keyid: "k", sig: "AA==" }],
  };

  it("reads a DSSE envelope and writes back only the DSSE fields", () => {
    const parsed = parseRecord(JSON.stringify({ ...envelope, extra: 1 }));
    expect(parsed.kind).toBe("envelope");
    expect(JSON.parse(encodeEnvelope(parsed.envelope))).toEqual(envelope);
  });

  it("finds the envelope inside a Sigstore bundle", () => {
    const parsed = parseRecord(
      JSON.stringify({
        mediaType: "application/vnd.dev.sigstore.bundle+json;version=0.3",
        dsseEnvelope: envelope,
      }),
    );
    expect(parsed.kind).toBe("sigstore-bundle");
    expect(parsed.envelope.payload).toBe("e30=");
  });

  it("names what is wrong with a file that is not a record", () => {
    expect(() => parseRecord("not json", "out.json")).toThrow(/out.json: not JSON/);
    expect(() => parseRecord('{"payload": "x"}')).toThrow(/payloadType and payload/);
    expect(() => parseRecord('{"payloadType": "t", "payload": "x", "signatures": [{}]}')).toThrow(
      /signatures\[0\] has no sig/,
    );
  });
});
