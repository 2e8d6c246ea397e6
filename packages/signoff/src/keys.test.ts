import { generateKeyPairSync } from "node:crypto";
import { isConfigurationError } from "@scout-deploy/core";
import { describe, expect, it } from "vitest";
import { keySigner, readPublicKey } from "./keys.js";
import { ed25519Pair, p256Pair } from "./test-support/fixtures.js";

describe("keySigner and readPublicKey", () => {
  it.each([
    ["ed25519", ed25519Pair],
    ["ecdsa-p256", p256Pair],
  ])("%s: a signature verifies with the public key and the keyids agree", (algorithm, make) => {
    const { privatePem, publicPem } = make();
    const signer = keySigner(privatePem);
    const publicKey = readPublicKey(publicPem);
    const message = Buffer.from("DSSEv1 1 t 2 hi");
    const signature = signer.sign(message);
    expect(signer.algorithm).toBe(algorithm);
    expect(signer.keyid).toBe(publicKey.keyid);
    expect(signer.keyid).toMatch(/^[0-9a-f]{64}$/);
    expect(publicKey.verify(message, signature)).toBe(true);
    expect(publicKey.verify(Buffer.from("DSSEv1 1 t 2 ho"), signature)).toBe(false);
  });

  it("writes ECDSA signatures as ASN.1 DER (a SEQUENCE of two INTEGERs), as cosign expects", () => {
    const signature = Buffer.from(keySigner(p256Pair().privatePem).sign(Buffer.from("x")));
    expect(signature[0]).toBe(0x30);
    expect(signature[1]).toBe(signature.length - 2);
    expect(signature[2]).toBe(0x02);
  });

  it("reads a SEC1 'EC PRIVATE KEY' and a passphrase-protected PKCS#8 key", () => {
    const pair = generateKeyPairSync("ec", { namedCurve: "P-256" });
    const sec1 = pair.privateKey.export({ type: "sec1", format: "pem" }).toString();
    expect(sec1).toContain("EC PRIVATE KEY");
    expect(keySigner(sec1).algorithm).toBe("ecdsa-p256");
    const encrypted = pair.privateKey
      .export({ type: "pkcs8", format: "pem", cipher: "aes-256-cbc", passphrase: "s3cret" })
      .toString();
    expect(keySigner(encrypted, "s3cret").algorithm).toBe("ecdsa-p256");
  });

  it("rejects RSA, other curves, cosign's encrypted format and garbage with a one-line user error", () => {
    const rsa = generateKeyPairSync("rsa", { modulusLength: 2048 })
      .privateKey.export({ type: "pkcs8", format: "pem" })
      .toString();
    const p384 = generateKeyPairSync("ec", { namedCurve: "P-384" })
      .privateKey.export({ type: "pkcs8", format: "pem" })
      .toString();
    const cases: [string, RegExp][] = [
      [rsa, /rsa keys are not supported; use Ed25519 or ECDSA P-256/],
      [p384, /ECDSA curve secp384r1 is not supported/],
      [
        "-----BEGIN ENCRYPTED SIGSTORE PRIVATE KEY-----\nabc\n-----END ENCRYPTED SIGSTORE PRIVATE KEY-----\n",
        /cosign's encrypted key format/,
      ],
      ["hello", /not a readable PEM private key/],
    ];
    for (const [pem, message] of cases) {
      const error = catchError(() => keySigner(pem));
      expect(isConfigurationError(error)).toBe(true);
      expect((error as Error).message).toMatch(message);
    }
  });

  it("tells the user when a private key is passed where the public key belongs", () => {
    const error = catchError(() => readPublicKey(ed25519Pair().privatePem));
    expect(isConfigurationError(error)).toBe(true);
  });
});

function catchError(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error("expected an error");
}
