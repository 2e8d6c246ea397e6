/**
 * Image references as the kubelet reads them: github.com/distribution/reference's
 * ParseNormalizedNamed, which the kubelet calls before every pull (pkg/util/parsers).
 */
/** The reference grammar (distribution/reference): a tag is a word of up to 128 characters. */
const TAG = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;
/**
 * The digests the kubelet can parse: go-digest knows only these algorithms (the kubelet links
 * sha256 and sha512, which brings sha384), each exactly its size in lower-case hex. Any other
 * algorithm is "unsupported digest algorithm".
 */
const DIGEST = /^(?:sha256:[a-f0-9]{64}|sha384:[a-f0-9]{96}|sha512:[a-f0-9]{128})$/;
/** A bare 64-hex string reads as an image ID, which ParseNormalizedNamed refuses as a name. */
const IDENTIFIER = /^[a-f0-9]{64}$/;

const DOMAIN_COMPONENT = "(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])";
const DOMAIN = `(?:${DOMAIN_COMPONENT}(?:\\.${DOMAIN_COMPONENT})*|\\[[a-fA-F0-9:]+\\])(?::[0-9]+)?`;
const PATH_COMPONENT = "[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*";
const PATH = `${PATH_COMPONENT}(?:/${PATH_COMPONENT})*`;
/**
 * A repository name of the reference grammar, split as Parse splits it: a registry host when the
 * first component is one, then the lower-case path. `ghcr.io/Scout/app` ("repository name must
 * be lowercase") and a name with spaces around it do not match.
 */
const NAME = new RegExp(`^(?:(${DOMAIN})/)?(${PATH})$`);
/** The longest repository path, registry host not counted. */
const PATH_MAX = 255;

/** Leading or trailing space as Go's strings.TrimSpace sees it (JS's trim differs: U+0085, U+FEFF). */
const GO_SPACE =
  "[\\t\\n\\v\\f\\r \\u0085\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000]";
export const SPACE_AROUND = new RegExp(`^${GO_SPACE}|${GO_SPACE}$`);

/** Which part of a reference the kubelet would refuse (InvalidImageName), if any. */
export function malformedPart(image: string): "name" | "tag" | "digest" | undefined {
  const { name, tag, digest } = parseImage(image);
  if (!nameParses(name) || IDENTIFIER.test(image)) return "name";
  if (tag !== undefined && !TAG.test(tag)) return "tag";
  if (digest !== undefined && !DIGEST.test(digest)) return "digest";
  return undefined;
}

/**
 * ParseNormalizedNamed on a repository name: the first component is a registry host when it is
 * `localhost`, has a "." or ":", or has capitals (a path may not); otherwise the name is on
 * Docker Hub, whose one-component names live under `library/`. The path then has to be
 * lower-case and at most 255 characters, `library/` included.
 */
function nameParses(name: string): boolean {
  const { host, path } = splitHost(name);
  const match = NAME.exec(`${host}/${path}`);
  // Parse takes the host only when it matches the host grammar; else the whole is the path.
  return match !== null && (match[1] ? match[2]! : match[0]).length <= PATH_MAX;
}

/**
 * The repository the kubelet pulls, normalized as distribution/reference normalizes it:
 * `redis` and `index.docker.io/library/redis` are `docker.io/library/redis`. Undefined for a
 * reference the kubelet refuses.
 */
export function imageRepository(image: string): string | undefined {
  if (malformedPart(image)) return undefined;
  const { host, path } = splitHost(parseImage(image).name);
  return `${host}/${path}`;
}

/** splitDockerDomain: the registry host of a repository name and its path, Docker Hub's filled in. */
function splitHost(name: string): { host: string; path: string } {
  const slash = name.indexOf("/");
  const first = name.slice(0, slash);
  const hasHost =
    slash >= 0 && (first === "localhost" || /[.:]/.test(first) || first.toLowerCase() !== first);
  let host = hasHost ? first : "docker.io";
  let path = hasHost ? name.slice(slash + 1) : name;
  if (host === "index.docker.io") host = "docker.io";
  if (host === "docker.io" && !path.includes("/")) path = `library/${path}`;
  return { host, path };
}

/** Splits an image reference; a tag is a ":" after the last "/" (a ":" before it is a registry port). */
export function parseImage(image: string): { name: string; tag?: string; digest?: string } {
  const at = image.indexOf("@");
  const digest = at >= 0 ? image.slice(at + 1) : undefined;
  const named = at >= 0 ? image.slice(0, at) : image;
  const lastSlash = named.lastIndexOf("/");
  const colon = named.indexOf(":", lastSlash + 1);
  const result: { name: string; tag?: string; digest?: string } = {
    name: colon >= 0 ? named.slice(0, colon) : named,
  };
  if (colon >= 0) result.tag = named.slice(colon + 1);
  if (at >= 0) result.digest = digest;
  return result;
}
