import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { createReadStream, createWriteStream } from "node:fs";
import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";

/** The release installed in GitHub Actions when no binary is found. */
export const KUBECONFORM_VERSION = "v0.7.0";
export const KUBECONFORM_RELEASES = "https://github.com/yannh/kubeconform/releases/download";

/** Downloads `url` to the file `destination`; returns that path. */
export type Download = (url: string, destination: string) => Promise<string>;

/** The subset of @actions/tool-cache the installer uses (pass the module itself). */
export interface ToolCache {
  find(toolName: string, versionSpec: string, arch?: string): string;
  cacheDir(sourceDir: string, tool: string, version: string, arch?: string): Promise<string>;
}

export interface InstallOptions {
  version?: string;
  /** Defaults to process.platform / process.arch, mapped to the release's names. */
  platform?: NodeJS.Platform;
  arch?: string;
  baseUrl?: string;
  download?: Download;
  toolCache?: ToolCache;
}

/** kubeconform's archive for a platform: kubeconform-linux-amd64.tar.gz and so on. */
export function assetName(platform: NodeJS.Platform, arch: string): string {
  const os = { linux: "linux", darwin: "darwin", win32: "windows" }[platform as string];
  const cpu = { x64: "amd64", arm64: "arm64", ia32: "386", arm: "armv6" }[arch];
  if (!os || !cpu) throw new Error(`kubeconform has no release for ${platform}/${arch}`);
  return `kubeconform-${os}-${cpu}.${os === "windows" ? "zip" : "tar.gz"}`;
}

/** The SHA-256 listed for `asset` in a CHECKSUMS file (`<hex>  <name>` lines). */
export function checksumFor(checksums: string, asset: string): string {
  for (const line of checksums.split("\n")) {
    const [hash, name] = line.trim().split(/\s+\*?/);
    if (name === asset && hash && /^[0-9a-f]{64}$/i.test(hash)) return hash.toLowerCase();
  }
  throw new Error(`kubeconform CHECKSUMS lists no ${asset}`);
}

export async function sha256File(file: string): Promise<string> {
  const hash = createHash("sha256");
  await pipeline(createReadStream(file), hash);
  return hash.digest("hex");
}

export const fetchDownload: Download = async (url, destination) => {
  const response = await fetch(url, { redirect: "follow" });
  if (!response.ok || !response.body) {
    throw new Error(`download of ${url} failed: HTTP ${response.status}`);
  }
  await pipeline(Readable.fromWeb(response.body as never), createWriteStream(destination));
  return destination;
};

/**
 * Installs the pinned kubeconform release (for GitHub Actions, where no binary is on the
 * runner): from the tool cache when it is there, else downloaded, its SHA-256 checked against
 * the release's CHECKSUMS, unpacked and cached. Returns the binary's path.
 */
export async function installKubeconform(options: InstallOptions = {}): Promise<string> {
  const version = options.version ?? KUBECONFORM_VERSION;
  const platform = options.platform ?? process.platform;
  const arch = options.arch ?? process.arch;
  const binary = platform === "win32" ? "kubeconform.exe" : "kubeconform";
  const cached = options.toolCache?.find("kubeconform", version.replace(/^v/, ""), arch);
  if (cached) return join(cached, binary);

  const asset = assetName(platform, arch);
  const base = `${options.baseUrl ?? KUBECONFORM_RELEASES}/${version}`;
  const download = options.download ?? fetchDownload;
  const work = await mkdtemp(join(tmpdir(), "scout-kubeconform-"));
  try {
    const checksums = await download(`${base}/CHECKSUMS`, join(work, "CHECKSUMS"));
    const { readFile } = await import("node:fs/promises");
    const expected = checksumFor(await readFile(checksums, "utf8"), asset);
    const archive = await download(`${base}/${asset}`, join(work, asset));
    const actual = await sha256File(archive);
    if (actual !== expected) {
      throw new Error(
        `kubeconform ${version} ${asset}: SHA-256 ${actual} does not match CHECKSUMS (${expected}); not installed`,
      );
    }
    const unpacked = join(work, "unpacked");
    await mkdir(unpacked);
    await extract(archive, unpacked);
    const dir = options.toolCache
      ? await options.toolCache.cacheDir(unpacked, "kubeconform", version.replace(/^v/, ""), arch)
      : await keep(unpacked);
    return join(dir, binary);
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

async function keep(unpacked: string): Promise<string> {
  const { cp } = await import("node:fs/promises");
  const target = await mkdtemp(join(tmpdir(), "scout-kubeconform-bin-"));
  await cp(unpacked, target, { recursive: true });
  return target;
}

function extract(archive: string, into: string): Promise<void> {
  const args = archive.endsWith(".zip")
    ? ["-xf", archive, "-C", into]
    : ["-xzf", archive, "-C", into];
  return new Promise((resolve, reject) => {
    const child = spawn("tar", args, { stdio: ["ignore", "ignore", "pipe"] });
    let stderr = "";
    child.stderr.on("data", (chunk) => {
      stderr += chunk;
    });
    child.on("error", reject);
    child.on("close", (code) =>
      code === 0 ? resolve() : reject(new Error(`tar failed on ${archive}: ${stderr.trim()}`)),
    );
  });
}
