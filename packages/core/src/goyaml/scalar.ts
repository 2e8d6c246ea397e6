/**
 * Plain scalars as kubectl reads them: sigs.k8s.io/yaml decodes YAML with go-yaml v2, whose
 * resolver is YAML 1.1 (yes/no/on/off, 0777 octal, 1_000) with Go's number syntax. This is a
 * port of go-yaml v2's `resolve` (resolve.go) for untagged plain scalars and for the standard
 * tags; the kubectl differential test holds it to the real thing.
 */

/** What go-yaml decodes a scalar to, before sigs.k8s.io/yaml turns it into JSON. */
export type GoScalar =
  | { kind: "null"; value: null }
  | { kind: "bool"; value: boolean }
  /** `decimal`: the exact digits, where a JS number cannot hold them (beyond 2^53). */
  | { kind: "int"; value: number; decimal?: string; uint64?: boolean }
  | { kind: "float"; value: number }
  | { kind: "str"; value: string };

const NULL: GoScalar = { kind: "null", value: null };
const TRUE: GoScalar = { kind: "bool", value: true };
const FALSE: GoScalar = { kind: "bool", value: false };

const RESOLVE_MAP = new Map<string, GoScalar>();
const spellings: [GoScalar, string[]][] = [
  [TRUE, ["y", "Y", "yes", "Yes", "YES", "true", "True", "TRUE", "on", "On", "ON"]],
  [FALSE, ["n", "N", "no", "No", "NO", "false", "False", "FALSE", "off", "Off", "OFF"]],
  [NULL, ["", "~", "null", "Null", "NULL"]],
  [{ kind: "float", value: Number.NaN }, [".nan", ".NaN", ".NAN"]],
  [{ kind: "float", value: Number.POSITIVE_INFINITY }, [".inf", ".Inf", ".INF"]],
  [{ kind: "float", value: Number.POSITIVE_INFINITY }, ["+.inf", "+.Inf", "+.INF"]],
  [{ kind: "float", value: Number.NEGATIVE_INFINITY }, ["-.inf", "-.Inf", "-.INF"]],
];
for (const [value, words] of spellings) for (const word of words) RESOLVE_MAP.set(word, value);

/** go-yaml's first-character hint: which resolutions a scalar can have at all. */
function hintOf(text: string): "N" | "S" | "D" | "M" | "." | undefined {
  if (text === "") return "N";
  const c = text[0]!;
  if (c === "+" || c === "-") return "S";
  if (c >= "0" && c <= "9") return "D";
  if ("yYnNtTfFoO~".includes(c)) return "M";
  if (c === ".") return ".";
  return undefined;
}

/** A decimal integer of at most 15 digits, without a sign or leading zero: exact as a JS number. */
const SAFE_DECIMAL = /^(?:0|[1-9][0-9]{0,14})$/;
const YAML_STYLE_FLOAT = /^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$/;
const DOT_FLOAT = /^\.[0-9]+([eE][-+]?[0-9]+)?$/;

/** Resolves a plain (unquoted, untagged) scalar. `<<` is the caller's business (merge keys). */
export function resolvePlain(text: string): GoScalar {
  const hint = hintOf(text);
  if (hint === undefined) return { kind: "str", value: text };
  const known = RESOLVE_MAP.get(text);
  if (known) return known;
  if (hint === ".") {
    return DOT_FLOAT.test(text) ? { kind: "float", value: Number(text) } : str(text);
  }
  if (hint === "D" || hint === "S") {
    // Most numbers in a manifest (ports, replicas, UIDs): no BigInt needed, the same answer.
    if (SAFE_DECIMAL.test(text)) return { kind: "int", value: Number(text) };
    const plain = text.replaceAll("_", "");
    const int = parseGoBigInt(plain);
    if (int !== undefined) {
      const value = Number(int);
      if (Number.isSafeInteger(value)) return { kind: "int", value };
      return { kind: "int", value, decimal: int.toString(), uint64: int > INT64_MAX };
    }
    // strconv.ParseFloat fails beyond float64's range (1e400): go-yaml keeps the text
    const float = YAML_STYLE_FLOAT.test(plain) ? Number(plain) : Number.NaN;
    if (Number.isFinite(float)) return { kind: "float", value: float };
  }
  return str(text);
}

function str(value: string): GoScalar {
  return { kind: "str", value };
}

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
const UINT64_MAX = 2n ** 64n - 1n;
const GO_INT = /^([+-]?)(0[xX][0-9a-fA-F]+|0[oO][0-7]+|0[bB][01]+|0[0-7]*|[1-9][0-9]*)$/;

/** strconv.ParseInt(s, 0, 64), then strconv.ParseUint(s, 0, 64), as go-yaml tries them. */
export function parseGoInt(text: string): number | undefined {
  const value = parseGoBigInt(text);
  return value === undefined ? undefined : Number(value);
}

function parseGoBigInt(text: string): bigint | undefined {
  const match = GO_INT.exec(text);
  if (!match) return undefined;
  const [, sign, digits] = match as unknown as [string, string, string];
  const body = /^0[0-7]/.test(digits) ? `0o${digits.slice(1)}` : digits;
  const magnitude = BigInt(body.replace(/^0[xXoObB]/, (p) => p.toLowerCase()));
  const value = sign === "-" ? -magnitude : magnitude;
  const fits = sign === "" ? value <= UINT64_MAX : value >= INT64_MIN && value <= INT64_MAX;
  return fits ? value : undefined;
}

const TAG = "tag:yaml.org,2002:";

/**
 * A scalar with an explicit tag (or a quoted one, which go-yaml reads as `!!str`). Tags go-yaml
 * cannot resolve (`!custom`, `!!timestamp` into a string) leave the text as it is.
 * Returns an error text where go-yaml refuses (`!!int foo`, `!!null x`, `!!binary` not base64).
 */
export function resolveTagged(tag: string, text: string): GoScalar | { error: string } {
  switch (tag) {
    case `${TAG}str`:
    case "!":
      return str(text);
    case `${TAG}binary`:
      return decodeBinary(text);
    case `${TAG}null`: {
      const resolved = resolvePlain(text);
      if (resolved.kind === "null") return resolved;
      return { error: `cannot decode !!${resolved.kind} \`${shorten(text)}\` as a !!null` };
    }
    case `${TAG}bool`:
    case `${TAG}int`:
    case `${TAG}float`: {
      const resolved = resolvePlain(text);
      const wanted = tag.slice(TAG.length);
      if (resolved.kind === wanted) return resolved;
      if (wanted === "float" && resolved.kind === "int")
        return { kind: "float", value: resolved.value };
      return { error: `cannot decode !!${resolved.kind} \`${shorten(text)}\` as a !!${wanted}` };
    }
    default:
      return str(text);
  }
}

/**
 * Go's base64.StdEncoding: padding required, line breaks skipped, any other character (a space)
 * is an error.
 */
const STD_BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

function decodeBinary(text: string): GoScalar | { error: string } {
  const compact = text.replace(/[\r\n]/g, "");
  if (!STD_BASE64.test(compact)) return { error: "!!binary value contains invalid base64 data" };
  return str(Buffer.from(compact, "base64").toString("utf8"));
}

function shorten(text: string): string {
  return text.length > 40 ? `${text.slice(0, 37)}...` : text;
}

/**
 * A map key as sigs.k8s.io/yaml writes it into JSON (convertToJSONableObject): ints in
 * decimal, floats as Go's FormatFloat(f, 'g', -1, 32), booleans as words. Null keys and
 * uint64 keys cannot be converted: kubectl refuses the document.
 */
export function jsonKeyOf(key: GoScalar): string | undefined {
  switch (key.kind) {
    case "str":
      return key.value;
    case "bool":
      return String(key.value);
    case "int":
      // beyond int64, go-yaml gives a uint64, a key type sigs.k8s.io/yaml does not convert
      return key.uint64 ? undefined : (key.decimal ?? String(key.value));
    case "float":
      return formatGoFloat32(key.value);
    default:
      return undefined;
  }
}

/** strconv.FormatFloat(f, 'g', -1, 32), with go-yaml's spellings of the infinities and NaN. */
export function formatGoFloat32(value: number): string {
  if (Number.isNaN(value)) return ".nan";
  if (value === Number.POSITIVE_INFINITY) return ".inf";
  if (value === Number.NEGATIVE_INFINITY) return "-.inf";
  if (value === 0) return Object.is(value, -0) ? "-0" : "0";
  const target = Math.fround(value);
  let exponential = target.toExponential();
  for (let digits = 1; digits <= 9; digits++) {
    const candidate = target.toExponential(digits - 1);
    if (Math.fround(Number(candidate)) === target) {
      exponential = candidate;
      break;
    }
  }
  const [mantissa = "", exp = "0"] = exponential.split("e");
  const exponent = Number(exp);
  const sign = mantissa.startsWith("-") ? "-" : "";
  const digits = mantissa.replace(/^-/, "").replace(".", "");
  if (exponent < -4 || exponent >= 6) {
    const fraction = digits.length > 1 ? `.${digits.slice(1)}` : "";
    const expSign = exponent < 0 ? "-" : "+";
    return `${sign}${digits[0]}${fraction}e${expSign}${String(Math.abs(exponent)).padStart(2, "0")}`;
  }
  if (exponent < 0) return `${sign}0.${"0".repeat(-exponent - 1)}${digits}`;
  const whole = digits.padEnd(exponent + 1, "0");
  const fraction = digits.slice(exponent + 1);
  return `${sign}${whole.slice(0, exponent + 1)}${fraction ? `.${fraction}` : ""}`;
}
