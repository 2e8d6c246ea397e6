import {
  closeSync,
  constants,
  existsSync,
  fstatSync,
  lstatSync,
  openSync,
  readdirSync,
  readSync,
  realpathSync,
  type Stats,
  statSync,
} from "node:fs";
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from "node:path";
import {
  type Bundle,
  buildBundle,
  ConfigurationError,
  createSourceFile,
  DEFAULT_PARSE_LIMITS,
  type InputProblem,
  type ParsedSource,
  type ParseLimits,
  parseSource,
} from "@scout-deploy/core";
import picomatch from "picomatch";

/** 16 MiB: a few thousand objects per file; the 10,000-object corpus is 6.6 MB in all. */
export const DEFAULT_MAX_FILE_SIZE = 16 * 1024 * 1024;

const MANIFEST_EXTENSIONS = [".yaml", ".yml", ".json"];
const SKIPPED_FOLDERS = new Set([".git", "node_modules"]);

export interface LoadOptions {
  /** Paths are resolved against it and shown relative to it. */
  cwd: string;
  maxFileSize?: number;
  limits?: ParseLimits;
  /** Reads standard input, for the path "-". */
  readStdin?: (maxBytes: number) => Promise<string>;
  /**
   * Entries (absolute) a folder walk neither reads nor enters, without a finding: what a tool
   * renders instead (charts, kustomizations). Files and globs named by the user are read.
   */
  passOver?: (absolute: string) => boolean;
}

export type InputFile = { kind: "file"; absolute: string } | { kind: "stdin" };

/**
 * Files, folders (recursively, .yaml/.yml/.json, dotfiles included, as kubectl -R reads them),
 * globs and "-" for stdin, to a positioned bundle. A path that does not exist or a glob or
 * folder that holds no manifest is the user's mistake (ConfigurationError); everything wrong
 * inside a file, and every folder not walked on purpose, is a finding.
 */
export async function loadBundle(paths: readonly string[], options: LoadOptions): Promise<Bundle> {
  const { inputs, skipped } = await resolveInputsWithSkips(paths, options.cwd, options.passOver);
  const maxFileSize = options.maxFileSize ?? DEFAULT_MAX_FILE_SIZE;
  const limits = options.limits ?? DEFAULT_PARSE_LIMITS;
  const sources: ParsedSource[] = [];
  for (const input of inputs) {
    if (input.kind === "stdin") {
      if (!options.readStdin)
        throw new ConfigurationError('"-" given but no standard input to read');
      const text = await options.readStdin(maxFileSize + 1);
      sources.push(parseRead("<stdin>", { text, size: text.length }, maxFileSize, limits));
      continue;
    }
    const shown = displayPath(input.absolute, options.cwd);
    const read = readBounded(input.absolute, maxFileSize);
    const outside = "text" in read ? linkOutside(input.absolute, options.cwd) : undefined;
    sources.push(parseRead(shown, outside ? { unreadable: outside } : read, maxFileSize, limits));
  }
  return buildBundle(
    sources,
    skipped.map((folder) => skippedProblem(folder, options.cwd)),
  );
}

type Read = { text: string; size: number } | { unreadable: string };

/**
 * Reads at most `maxBytes + 1` bytes, whatever `stat` says: a link to /dev/zero or a FIFO is
 * refused before any read (opened without blocking), and a file that grows is cut off.
 */
export function readBounded(path: string, maxBytes: number): Read {
  let fd: number | undefined;
  try {
    fd = openSync(path, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
    const stat = fstatSync(fd);
    if (!stat.isFile()) return { unreadable: `not a regular file (${fileType(stat)}): not read` };
    const chunks: Buffer[] = [];
    let total = 0;
    const buffer = Buffer.alloc(64 * 1024);
    while (total <= maxBytes) {
      const count = readSync(fd, buffer, 0, buffer.length, null);
      if (count === 0) break;
      chunks.push(Buffer.from(buffer.subarray(0, count)));
      total += count;
    }
    if (total > maxBytes) return { text: "", size: Math.max(stat.size, total) };
    return { text: decodeText(Buffer.concat(chunks)), size: total };
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return { unreadable: `could not be read${code ? ` (${code})` : ""}: not checked` };
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/**
 * Why a file is not read when it is a link that leads outside its checkout (the git work tree
 * that holds the link, else the working folder), if it is: kubectl follows the link, so what it
 * applies from there is whatever that path holds on the machine that applies it, which the
 * pull request neither shows nor pins, and a pass on it would vouch for a file nobody reviewed.
 */
export function linkOutside(path: string, cwd: string): string | undefined {
  try {
    if (!lstatSync(path).isSymbolicLink()) return undefined;
    const target = realpathSync(path);
    const root = realpathSync(checkoutOf(dirname(path)) ?? cwd);
    const rel = relative(root, target);
    if (rel !== "" && !rel.startsWith("..") && !isAbsolute(rel)) return undefined;
    return `a link to ${target}, outside the checkout ${root}: kubectl applies whatever that path holds where it runs, which the change neither shows nor pins; not read`;
  } catch {
    // A dangling link or one that cannot be resolved: the read says why.
    return undefined;
  }
}

/** The git work tree holding `folder` (the nearest folder with a .git entry), if any. */
function checkoutOf(folder: string): string | undefined {
  for (let dir = resolve(folder); ; dir = dirname(dir)) {
    if (existsSync(join(dir, ".git"))) return dir;
    if (dirname(dir) === dir) return undefined;
  }
}

/**
 * A file's bytes as kubectl reads them: its file reader decodes through Go's
 * unicode.BOMOverride, so a UTF-16 file with a byte order mark (what Windows tools write) is
 * applied like any other; without a mark the bytes are UTF-8.
 */
export function decodeText(bytes: Buffer): string {
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return bytes.subarray(2).toString("utf16le");
  if (bytes[0] === 0xfe && bytes[1] === 0xff) {
    const swapped = Buffer.from(bytes.subarray(2, 2 + ((bytes.length - 2) & ~1))).swap16();
    return swapped.toString("utf16le");
  }
  return bytes.toString("utf8");
}

function fileType(stat: Stats): string {
  if (stat.isCharacterDevice()) return "a character device";
  if (stat.isBlockDevice()) return "a block device";
  if (stat.isFIFO()) return "a FIFO";
  if (stat.isSocket()) return "a socket";
  if (stat.isDirectory()) return "a folder";
  return "not a file";
}

function parseRead(
  path: string,
  read: Read,
  maxFileSize: number,
  limits: ParseLimits,
): ParsedSource {
  if ("text" in read && read.size <= maxFileSize) return parseSource(path, read.text, limits);
  const file = createSourceFile(path, "");
  const mib = (n: number) => `${(n / 1024 / 1024).toFixed(1)} MiB`;
  const problem =
    "unreadable" in read
      ? { ruleId: "input/unreadable" as const, message: read.unreadable }
      : {
          ruleId: "input/file-too-large" as const,
          message: `file is ${mib(read.size)}, over the ${mib(maxFileSize)} limit: not checked`,
        };
  return { file, documents: [], problems: [{ ...problem, position: file.positionAt(0) }] };
}

function skippedProblem(folder: string, cwd: string): InputProblem {
  const shown = displayPath(folder, cwd);
  return {
    ruleId: "input/skipped",
    message: `${shown}/ is not walked (${basename(folder)} folders are skipped on purpose): only its files that hold a Kubernetes object are checked, as kubectl apply -R applies them; name other files as paths to check them`,
    position: { file: shown, line: 1, column: 1 },
  };
}

export async function resolveInputs(paths: readonly string[], cwd: string): Promise<InputFile[]> {
  return (await resolveInputsWithSkips(paths, cwd)).inputs;
}

interface Resolved {
  inputs: InputFile[];
  /** Folders not walked on purpose (SKIPPED_FOLDERS), absolute. */
  skipped: string[];
}

async function resolveInputsWithSkips(
  paths: readonly string[],
  cwd: string,
  passOver: (absolute: string) => boolean = () => false,
): Promise<Resolved> {
  const seen = new Set<string>();
  const resolved: Resolved = { inputs: [], skipped: [] };
  const add = (absolute: string) => {
    if (seen.has(absolute)) return;
    seen.add(absolute);
    resolved.inputs.push({ kind: "file", absolute });
  };
  const skip = (folder: string) => {
    if (!resolved.skipped.includes(folder)) resolved.skipped.push(folder);
  };
  for (const path of paths) {
    if (path === "-") {
      resolved.inputs.push({ kind: "stdin" });
    } else if (isGlob(path) && !statOrNull(resolve(cwd, path))) {
      // As kubectl: a path that exists is read as named, whatever characters it holds.
      const matches = globFiles(path, cwd, skip);
      if (!matches.length) throw new ConfigurationError(`no file matches ${path}`);
      for (const match of matches) add(match);
    } else {
      const absolute = isAbsolute(path) ? path : resolve(cwd, path);
      const stat = statOrNull(absolute);
      if (!stat) throw new ConfigurationError(`path not found: ${path}`);
      if (!stat.isDirectory()) add(absolute);
      else {
        const found = manifestsUnder(absolute, skip, passOver);
        if (!found.files.length && !found.passedOver)
          throw new ConfigurationError(`no .yaml, .yml or .json file in ${path}`);
        for (const file of found.files) add(file);
      }
    }
  }
  return resolved;
}

/**
 * The files a glob matches, dotfiles included, and every other kind of entry too (FIFOs,
 * devices, links to them: the reader refuses them with a finding; glob libraries drop them
 * silently). Under .git and node_modules only when the pattern names that folder.
 */
function globFiles(pattern: string, cwd: string, skip: (folder: string) => void): string[] {
  const { base, glob } = picomatch.scan(pattern);
  const root = resolve(cwd, base || ".");
  const matches = compiledGlob(pattern, glob);
  const named = new Set(pattern.split(/[\\/]/));
  const maxDepth = glob.includes("**") ? Number.POSITIVE_INFINITY : glob.split("/").length;
  const files: string[] = [];
  const walk = (dir: string, prefix: string, depth: number) => {
    for (const entry of sortedEntries(dir)) {
      const path = join(dir, entry.name);
      const rel = prefix + entry.name;
      if (entry.isDirectory()) {
        if (SKIPPED_FOLDERS.has(entry.name) && !named.has(entry.name)) {
          skip(path);
          files.push(...objectFilesUnder(path).filter((file) => matches(relative(root, file))));
        } else if (matches(rel)) {
          // kubectl expands the glob itself and reads a folder it matches as a named folder.
          files.push(...manifestsUnder(path, skip, () => false).files);
        } else if (depth < maxDepth) walk(path, `${rel}/`, depth + 1);
      } else if (matches(rel)) {
        // A link to a folder too: kubectl fails to read it, and the reader says so.
        files.push(path);
      }
    }
  };
  if (statOrNull(root)?.isDirectory()) walk(root, "", 1);
  return files.sort();
}

function compiledGlob(pattern: string, glob: string): (path: string) => boolean {
  try {
    return picomatch(glob, { dot: true });
  } catch {
    throw new ConfigurationError(`path not found, and not a valid glob either: ${pattern}`);
  }
}

function sortedEntries(dir: string) {
  try {
    return readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1));
  } catch {
    return [];
  }
}

function isGlob(path: string): boolean {
  return /[*?[\]{}]/.test(path);
}

function statOrNull(path: string) {
  try {
    return statSync(path);
  } catch {
    return null;
  }
}

/**
 * Manifest files below a folder, sorted, dotfiles included. Symlinked folders are not followed
 * (no loops; kubectl's walk does not follow them either); a link to anything else is read,
 * and the reader refuses what is not a regular file.
 */
function manifestsUnder(
  folder: string,
  skip: (folder: string) => void,
  passOver: (absolute: string) => boolean,
): { files: string[]; passedOver: boolean } {
  const files: string[] = [];
  let passedOver = false;
  const walk = (dir: string) => {
    for (const entry of sortedEntries(dir)) {
      const path = join(dir, entry.name);
      if (passOver(path)) passedOver = true;
      else if (entry.isDirectory()) {
        if (SKIPPED_FOLDERS.has(entry.name)) {
          skip(path);
          files.push(...objectFilesUnder(path));
        } else walk(path);
      } else if (hasManifestExtension(entry.name)) {
        // A link to a folder too (kubectl -R does not follow it but fails reading it as a file).
        files.push(path);
      }
    }
  };
  walk(folder);
  return { files, passedOver };
}

/**
 * The files of a skipped folder that hold a Kubernetes object: `kubectl apply -R` has no skip
 * list and applies them, so a privileged pod in k8s/node_modules/ would reach the cluster
 * unchecked. Only they are read; package.json and the like stay skipped. A file that cannot be
 * scanned is listed too, so the reader names it.
 */
function objectFilesUnder(folder: string): string[] {
  const found: string[] = [];
  const walk = (dir: string) => {
    for (const entry of sortedEntries(dir)) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (hasManifestExtension(entry.name) && !statOrNull(path)?.isDirectory()) {
        if (scanHoldsObject(path) !== false) found.push(path);
      }
    }
  };
  walk(folder);
  return found;
}

/** Past this a file in a skipped folder is not scanned but reported (too large to read). */
const MAX_SCAN_BYTES = 256 * 1024 * 1024;

/**
 * Whether the file's text names both apiVersion and kind, read in chunks (a 60 MB OpenAPI file
 * in node_modules is scanned, not parsed); undefined when it is no regular file, cannot be read
 * or is over MAX_SCAN_BYTES.
 */
function scanHoldsObject(path: string): boolean | undefined {
  let fd: number | undefined;
  try {
    fd = openSync(path, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
    if (!fstatSync(fd).isFile()) return undefined;
    const buffer = Buffer.alloc(1024 * 1024);
    let carry = "";
    let total = 0;
    const seen = { apiVersion: false, kind: false };
    for (;;) {
      const count = readSync(fd, buffer, 0, buffer.length, null);
      if (count === 0) return false;
      // kubectl decodes UTF-16 after a byte order mark: the reader decides on such a file.
      if (total === 0 && count >= 2 && isUtf16Bom(buffer)) return undefined;
      total += count;
      if (total > MAX_SCAN_BYTES) return undefined;
      // A key cut by the chunk's end is found in the next one with the carried tail.
      const text = carry + buffer.toString("latin1", 0, count);
      seen.apiVersion ||= API_VERSION_KEY.test(text);
      seen.kind ||= KIND_KEY.test(text);
      if (seen.apiVersion && seen.kind) return true;
      carry = text.slice(-32);
    }
  } catch {
    return undefined;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

function isUtf16Bom(bytes: Buffer): boolean {
  return (bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff);
}

const API_VERSION_KEY = /(^|[{,\s])["']?apiVersion["']?\s*:/;
const KIND_KEY = /(^|[{,\s])["']?kind["']?\s*:/;

/** Both keys kubectl needs to apply a document, in YAML or JSON spelling. */
export function holdsObject(text: string): boolean {
  return API_VERSION_KEY.test(text) && KIND_KEY.test(text);
}

function hasManifestExtension(name: string): boolean {
  const lower = name.toLowerCase();
  return MANIFEST_EXTENSIONS.some((ext) => lower.endsWith(ext));
}

/** How findings and messages name a file: relative to the working folder, with "/". */
export function displayPath(absolute: string, cwd: string): string {
  const rel = relative(cwd, absolute);
  const shown = isAbsolute(rel) ? absolute : rel;
  return shown.split(sep).join("/");
}
