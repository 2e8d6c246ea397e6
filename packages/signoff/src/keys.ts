import {
  createHash,
  createPrivateKey,
  createPublicKey,
  sign as cryptoSign,
  verify as cryptoVerify,
  type KeyObject,
} from "node:crypto";
import { ConfigurationError } from "@scout-deploy/core";

export type KeyAlgorithm = "ed25519" | "ecdsa-p256";

/** Signs the DSSE pre-authentication encoding; `keyid` names the key in the envelope. */
export interface Signer {
  keyid: string;
  algorithm: KeyAlgorithm;
  sign(message: Uint8Array): Uint8Array;
}

/**
 * A signer from a PEM private key (PKCS#8, SEC1 "EC PRIVATE KEY", optionally encrypted with
 * `passphrase`). Only Ed25519 and ECDSA P-256 are accepted: the two that cosign verifies
 * with a plain public key and that DSSE tooling agrees on.
 */
export function keySigner(privateKeyPem: string, passphrase?: string): Signer {
  if (privateKeyPem.includes("SIGSTORE PRIVATE KEY")) {
    throw new ConfigurationError(
      "signing key: cosign's encrypted key format is not read here; use a PEM key (openssl genpkey -algorithm ed25519)",
    );
  }
  let key: KeyObject;
  try {
    key = createPrivateKey(
      passphrase === undefined ? privateKeyPem : { key: privateKeyPem, passphrase },
    );
  } catch (error) {
    throw new ConfigurationError(`signing key: not a readable PEM private key (${reason(error)})`);
  }
  const algorithm = algorithmOf(key, "signing key");
  const keyid = keyIdOf(createPublicKey(key));
  return {
    keyid,
    algorithm,
    // ECDSA signatures are ASN.1 DER: what sigstore's ECDSA verifier (ecdsa.VerifyASN1) expects.
    sign: (message) =>
      algorithm === "ed25519"
        ? cryptoSign(null, message, key)
        : cryptoSign("sha256", message, { key, dsaEncoding: "der" }),
  };
}

export interface PublicKey {
  keyid: string;
  algorithm: KeyAlgorithm;
  verify(message: Uint8Array, signature: Uint8Array): boolean;
}

export function readPublicKey(publicKeyPem: string): PublicKey {
  // createPublicKey would quietly derive a public key from a private one: refuse, so that a
  // private key never ends up in a deploy job.
  if (/PRIVATE KEY-----/.test(publicKeyPem)) {
    throw new ConfigurationError("public key: this is a private key; pass the public key");
  }
  let key: KeyObject;
  try {
    key = createPublicKey(publicKeyPem);
  } catch (error) {
    throw new ConfigurationError(`public key: not a readable PEM public key (${reason(error)})`);
  }
  const algorithm = algorithmOf(key, "public key");
  return {
    keyid: keyIdOf(key),
    algorithm,
    verify: (message, signature) => {
      try {
        return algorithm === "ed25519"
          ? cryptoVerify(null, message, key, signature)
          : cryptoVerify("sha256", message, { key, dsaEncoding: "der" }, signature);
      } catch {
        return false;
      }
    },
  };
}

/** SHA-256 (hex) of the key's DER SubjectPublicKeyInfo: stable across PEM formatting. */
export function keyIdOf(publicKey: KeyObject): string {
  const der = publicKey.export({ type: "spki", format: "der" });
  return createHash("sha256").update(der).digest("hex");
}

function algorithmOf(key: KeyObject, what: string): KeyAlgorithm {
  if (key.asymmetricKeyType === "ed25519") return "ed25519";
  if (key.asymmetricKeyType === "ec") {
    const curve = key.asymmetricKeyDetails?.namedCurve;
    if (curve === "prime256v1") return "ecdsa-p256";
    throw new ConfigurationError(
      `${what}: ECDSA curve ${curve} is not supported; use P-256 or Ed25519`,
    );
  }
  throw new ConfigurationError(
    `${what}: ${key.asymmetricKeyType} keys are not supported; use Ed25519 or ECDSA P-256`,
  );
}

function reason(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
