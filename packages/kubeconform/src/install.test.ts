import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { assetName, checksumFor, installKubeconform, type ToolCache } from "./install.js";

/** A release built here: a tarball holding a `kubeconform` script, and its CHECKSUMS. */
function buildRelease(): { tarball: Buffer; checksums: string } {
  const dir = mkdtempSync(join(tmpdir(), "scout-release-"));
  const content = join(dir, "content");
  mkdirSync(content);
  writeFileSync(join(content, "kubeconform"), "#!/bin/sh\necho v0.7.0\n");
  chmodSync(join(content, "kubeconform"), 0o755);
  writeFileSync(join(content, "LICENSE"), "Apache-2.0\n");
  const tarball = join(dir, "kubeconform-linux-amd64.tar.gz");
  execFileSync("tar", ["-czf", tarball, "-C", content, "kubeconform", "LICENSE"]);
  const bytes = readFileSync(tarball);
  const sha = createHash("sha256").update(bytes).digest("hex");
  const checksums = `${"0".repeat(64)}  kubeconform-darwin-amd64.tar.gz\n${sha}  kubeconform-linux-amd64.tar.gz\n`;
  return { tarball: bytes, checksums };
}

describe("installing the pinned release (GitHub Actions)", () => {
  const release = buildRelease();
  let server: Server;
  let base = "";
  let served: Record<string, Buffer | string> = {};
  const requests: string[] = [];

  beforeAll(async () => {
    server = createServer((request, response) => {
      requests.push(request.url ?? "");
      const body = served[request.url ?? ""];
      if (body === undefined) {
        response.writeHead(404).end();
        return;
      }
      response.writeHead(200).end(body);
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/releases`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const serve = (tarball: Buffer, checksums: string) => {
    served = {
      "/releases/v0.7.0/CHECKSUMS": checksums,
      "/releases/v0.7.0/kubeconform-linux-amd64.tar.gz": tarball,
    };
  };

  it("downloads, verifies the SHA-256 against CHECKSUMS and unpacks a working binary", async () => {
    serve(release.tarball, release.checksums);
    const binary = await installKubeconform({ baseUrl: base, platform: "linux", arch: "x64" });
    expect(execFileSync(binary).toString().trim()).toBe("v0.7.0");
  });

  it("refuses a tarball whose checksum does not match, and installs nothing", async () => {
    const tampered = Buffer.concat([release.tarball, Buffer.from("x")]);
    serve(tampered, release.checksums);
    const cache: string[] = [];
    const toolCache: ToolCache = {
      find: () => "",
      cacheDir: async (dir) => {
        cache.push(dir);
        return dir;
      },
    };
    await expect(
      installKubeconform({ baseUrl: base, platform: "linux", arch: "x64", toolCache }),
    ).rejects.toThrow(
      /kubeconform v0.7.0 kubeconform-linux-amd64.tar.gz: SHA-256 [0-9a-f]{64} does not match CHECKSUMS/,
    );
    expect(cache).toEqual([]);
  });

  it("uses the tool cache: caches what it installed, and finds it the next time without a download", async () => {
    serve(release.tarball, release.checksums);
    const cacheRoot = mkdtempSync(join(tmpdir(), "scout-toolcache-"));
    const entries = new Map<string, string>();
    const toolCache: ToolCache = {
      find: (tool, version, arch) => entries.get(`${tool}/${version}/${arch}`) ?? "",
      cacheDir: async (dir, tool, version, arch) => {
        const target = join(cacheRoot, tool, version, arch ?? "");
        mkdirSync(target, { recursive: true });
        execFileSync("cp", ["-R", `${dir}/.`, target]);
        entries.set(`${tool}/${version}/${arch}`, target);
        return target;
      },
    };
    const first = await installKubeconform({
      baseUrl: base,
      platform: "linux",
      arch: "x64",
      toolCache,
    });
    expect(first).toBe(join(cacheRoot, "kubeconform", "0.7.0", "x64", "kubeconform"));
    const before = requests.length;
    const second = await installKubeconform({
      baseUrl: base,
      platform: "linux",
      arch: "x64",
      toolCache,
    });
    expect(second).toBe(first);
    expect(requests.length).toBe(before);
  });

  it("fails clearly when CHECKSUMS lists no asset for the platform, or a download fails", async () => {
    serve(release.tarball, release.checksums);
    await expect(
      installKubeconform({ baseUrl: base, platform: "linux", arch: "arm64" }),
    ).rejects.toThrow("kubeconform CHECKSUMS lists no kubeconform-linux-arm64.tar.gz");
    await expect(
      installKubeconform({ baseUrl: base, version: "v9.9.9", platform: "linux", arch: "x64" }),
    ).rejects.toThrow(/download of .*\/v9.9.9\/CHECKSUMS failed: HTTP 404/);
  });

  it("lets the download be injected", async () => {
    const seen: string[] = [];
    const binary = await installKubeconform({
      platform: "linux",
      arch: "x64",
      download: async (url, destination) => {
        seen.push(url);
        writeFileSync(destination, url.endsWith("CHECKSUMS") ? release.checksums : release.tarball);
        return destination;
      },
    });
    expect(seen).toEqual([
      "https://github.com/yannh/kubeconform/releases/download/v0.7.0/CHECKSUMS",
      "https://github.com/yannh/kubeconform/releases/download/v0.7.0/kubeconform-linux-amd64.tar.gz",
    ]);
    expect(execFileSync(binary).toString().trim()).toBe("v0.7.0");
  });
});

describe("release names", () => {
  it("names the archive of each platform as the release does", () => {
    expect(assetName("linux", "x64")).toBe("kubeconform-linux-amd64.tar.gz");
    expect(assetName("darwin", "arm64")).toBe("kubeconform-darwin-arm64.tar.gz");
    expect(assetName("win32", "x64")).toBe("kubeconform-windows-amd64.zip");
    expect(() => assetName("aix", "ppc64")).toThrow("kubeconform has no release for aix/ppc64");
  });

  it("reads a CHECKSUMS line, ignoring other assets", () => {
    const sha = "a".repeat(64);
    expect(
      checksumFor(
        `${"b".repeat(64)}  other.tar.gz\n${sha}  kubeconform-linux-amd64.tar.gz\n`,
        "kubeconform-linux-amd64.tar.gz",
      ),
    ).toBe(sha);
  });
});
