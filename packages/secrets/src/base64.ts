/** Standard base64 with its padding, as Kubernetes (Go's StdEncoding) reads a Secret's `data`. */
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** The bytes of a Secret `data` value, or undefined when it is not valid base64. Line breaks are ignored, as Go does. */
export function decodeBase64(text: string): Buffer | undefined {
  const compact = text.replace(/[\r\n]/g, "");
  if (!BASE64.test(compact)) return undefined;
  return Buffer.from(compact, "base64");
}

export function isValidBase64(text: string): boolean {
  return decodeBase64(text) !== undefined;
}

export function encodeBase64(text: string): string {
  return Buffer.from(text, "utf8").toString("base64");
}

/** Decoded bytes as text when they are UTF-8 text; undefined for binary data. */
export function bytesAsText(bytes: Uint8Array): string | undefined {
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    return undefined;
  }
}
