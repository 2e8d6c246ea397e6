import { execFileSync } from "node:child_process";
import {
  closeSync,
  ftruncateSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { loadBundle } from "./load.js";

const ns = (name: string) => `apiVersion: v1\nkind: Namespace\nmetadata:\n  name: ${name}\n`;
let root: string;

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), "scout-loader-"));
  mkdirSync(join(root, "k8s/nested"), { recursive: true });
  mkdirSync(join(root, "k8s/node_modules"), { recursive: true });
  writeFileSync(join(root, "k8s/a.yaml"), ns("a"));
  writeFileSync(join(root, "k8s/nested/b.yml"), `${ns("b")}---\n${ns("c")}`);
  writeFileSync(
    join(root, "k8s/nested/c.json"),
    JSON.stringify({ apiVersion: "v1", kind: "Namespace", metadata: { name: "d" } }),
  );
  writeFileSync(join(root, "k8s/notes.txt"), "not a manifest");
  // Not a Kubernetes object: kubectl -R could not apply it, so the skipped folder keeps it out.
  writeFileSync(join(root, "k8s/node_modules/x.yaml"), "name: ignored\nversion: 1.0.0\n");
  mkdirSync(join(root, "empty"));
});

describe("loadBundle", () => {
  it("walks folders recursively for .yaml, .yml and .json, sorted, with relative paths", async () => {
    const bundle = await loadBundle(["k8s"], { cwd: root });
    expect(bundle.files).toEqual(["k8s/a.yaml", "k8s/nested/b.yml", "k8s/nested/c.json"]);
    expect(bundle.objects.map((o) => o.ref.name)).toEqual(["a", "b", "c", "d"]);
  });

  it("expands globs and reads each file once", async () => {
    const bundle = await loadBundle(["k8s/**/*.yml", "k8s/nested/b.yml"], { cwd: root });
    expect(bundle.files).toEqual(["k8s/nested/b.yml"]);
  });

  it("passes over what a folder walk is told is rendered, but reads what is named", async () => {
    const passOver = (path: string) => path === join(root, "k8s/nested");
    const walked = await loadBundle(["k8s"], { cwd: root, passOver });
    expect(walked.files).toEqual(["k8s/a.yaml"]);
    expect(walked.problems.map((p) => p.position.file)).toEqual(["k8s/node_modules"]);
    const named = await loadBundle(["k8s/nested/b.yml", "k8s/**/*.json"], { cwd: root, passOver });
    expect(named.files).toEqual(["k8s/nested/b.yml", "k8s/nested/c.json"]);
    // A folder that is all passed over is no mistake: what is in it is rendered instead.
    const all = await loadBundle(["k8s/nested"], { cwd: root, passOver: () => true });
    expect(all.files).toEqual([]);
  });

  it("reads '-' from standard input", async () => {
    const bundle = await loadBundle(["-"], { cwd: root, readStdin: async () => ns("stdin") });
    expect(bundle.files).toEqual(["<stdin>"]);
    expect(bundle.objects[0]?.ref.name).toBe("stdin");
  });

  it("refuses a missing path, an empty folder and a glob without matches", async () => {
    await expect(loadBundle(["nope.yaml"], { cwd: root })).rejects.toThrow(
      "path not found: nope.yaml",
    );
    await expect(loadBundle(["empty"], { cwd: root })).rejects.toThrow(
      /no \.yaml, \.yml or \.json file in empty/,
    );
    await expect(loadBundle(["*.nothing"], { cwd: root })).rejects.toThrow(
      "no file matches *.nothing",
    );
  });

  it("reads a path that exists as named, glob characters and all, as kubectl does", async () => {
    const dir = mkdtempSync(join(tmpdir(), "scout-loader-glob-"));
    writeFileSync(join(dir, "{prod}.yaml"), ns("braces"));
    writeFileSync(join(dir, "app[1].yaml"), ns("brackets"));
    writeFileSync(join(dir, "app1.yaml"), ns("one"));
    const named = await loadBundle(["{prod}.yaml", "app[1].yaml"], { cwd: dir });
    expect(named.files).toEqual(["{prod}.yaml", "app[1].yaml"]);
    const globbed = await loadBundle(["app[0-9].yaml"], { cwd: dir });
    expect(globbed.files).toEqual(["app1.yaml"]);
  });

  it("names a path that neither exists nor is a valid glob, not an internal error", async () => {
    await expect(loadBundle(["k8s/{x}.yaml"], { cwd: root })).rejects.toThrow(
      /^path not found, and not a valid glob either: k8s\/\{x\}\.yaml$/,
    );
  });

  it("reports a 50 MB file as too large without reading it", async () => {
    const big = join(root, "big.yaml");
    const fd = openSync(big, "w");
    ftruncateSync(fd, 50 * 1024 * 1024);
    closeSync(fd);
    const before = process.memoryUsage().rss;
    const bundle = await loadBundle(["big.yaml"], { cwd: root });
    expect(bundle.problems).toMatchObject([
      { ruleId: "input/file-too-large", position: { file: "big.yaml", line: 1, column: 1 } },
    ]);
    expect(process.memoryUsage().rss - before).toBeLessThan(20 * 1024 * 1024);
  });

  it("reads dotfiles and dot-folders under a glob and a folder, as kubectl -R does", async () => {
    mkdirSync(join(root, "dots/.hidden"), { recursive: true });
    writeFileSync(join(root, "dots/.secret.yaml"), ns("dotfile"));
    writeFileSync(join(root, "dots/.hidden/x.yaml"), ns("dotfolder"));
    for (const path of ["dots/**/*.yaml", "dots"]) {
      const bundle = await loadBundle([path], { cwd: root });
      expect(bundle.objects.map((o) => o.ref.name).sort()).toEqual(["dotfile", "dotfolder"]);
    }
  });

  it("names node_modules and .git in an info finding instead of skipping them silently", async () => {
    for (const path of ["k8s", "k8s/**/*.yaml"]) {
      const bundle = await loadBundle([path], { cwd: root });
      expect(bundle.problems).toMatchObject([
        { ruleId: "input/skipped", position: { file: "k8s/node_modules", line: 1 } },
      ]);
      expect(bundle.files).not.toContain("k8s/node_modules/x.yaml");
    }
    const named = await loadBundle(["k8s/node_modules/*.yaml"], { cwd: root });
    expect(named.files).toEqual(["k8s/node_modules/x.yaml"]);
  });

  it("reads the Kubernetes objects kubectl -R applies from a skipped folder, and only them", async () => {
    mkdirSync(join(root, "deploy/node_modules/pkg"), { recursive: true });
    writeFileSync(join(root, "deploy/app.yaml"), ns("app"));
    writeFileSync(join(root, "deploy/node_modules/pkg/package.json"), '{"name": "pkg"}');
    writeFileSync(join(root, "deploy/node_modules/pkg/ci.yml"), "on: push\njobs: {}\n");
    writeFileSync(join(root, "deploy/node_modules/pkg/pod.yaml"), ns("hidden"));
    writeFileSync(
      join(root, "deploy/node_modules/pod.json"),
      JSON.stringify({ apiVersion: "v1", kind: "Namespace", metadata: { name: "hidden-json" } }),
    );
    for (const path of ["deploy", "deploy/**/*.{yaml,json}"]) {
      const bundle = await loadBundle([path], { cwd: root });
      expect(bundle.files).toEqual([
        "deploy/app.yaml",
        "deploy/node_modules/pkg/pod.yaml",
        "deploy/node_modules/pod.json",
      ]);
      expect(bundle.problems).toMatchObject([
        { ruleId: "input/skipped", position: { file: "deploy/node_modules" } },
      ]);
    }
  });

  it("decodes UTF-16 files with a byte order mark, as kubectl's file reader does", async () => {
    const utf16 = (text: string, bigEndian: boolean) => {
      const bytes = Buffer.from(`\ufeff${text}`, "utf16le");
      return bigEndian ? bytes.swap16() : bytes;
    };
    writeFileSync(join(root, "le.yaml"), utf16(ns("little-endian"), false));
    writeFileSync(join(root, "be.yaml"), utf16(`# é\n${ns("big-endian")}`, true));
    const bundle = await loadBundle(["le.yaml", "be.yaml"], { cwd: root });
    expect(bundle.problems).toEqual([]);
    expect(
      bundle.objects.map((o) => [o.ref.name, o.document.locate("/metadata/name").line]),
    ).toEqual([
      ["little-endian", 4],
      ["big-endian", 5],
    ]);
  });

  it("reads a folder a glob matches as kubectl does, and names a link to a folder", async () => {
    mkdirSync(join(root, "globbed/x.yaml"), { recursive: true });
    writeFileSync(join(root, "globbed/a.yaml"), ns("plain"));
    writeFileSync(join(root, "globbed/x.yaml/inside.yaml"), ns("in-folder"));
    symlinkSync(join(root, "globbed/x.yaml"), join(root, "globbed/link.yaml"));
    for (const path of ["globbed/*.yaml", "globbed"]) {
      const bundle = await loadBundle([path], { cwd: root });
      expect(bundle.objects.map((o) => o.ref.name).sort(), path).toEqual(["in-folder", "plain"]);
      expect(bundle.problems.map((p) => [p.ruleId, p.position.file, p.message])).toEqual([
        ["input/unreadable", "globbed/link.yaml", "not a regular file (a folder): not read"],
      ]);
    }
  });

  it("refuses a link that leads outside the checkout, reads one that stays inside", async () => {
    const checkout = join(root, "checkout");
    mkdirSync(join(checkout, ".git"), { recursive: true });
    mkdirSync(join(checkout, "k8s"));
    mkdirSync(join(checkout, "base"));
    writeFileSync(join(root, "elsewhere.yaml"), ns("elsewhere"));
    writeFileSync(join(checkout, "base/inside.yaml"), ns("inside"));
    symlinkSync(join(root, "elsewhere.yaml"), join(checkout, "k8s/absolute.yaml"));
    symlinkSync("../../elsewhere.yaml", join(checkout, "k8s/relative.yaml"));
    symlinkSync("../base/inside.yaml", join(checkout, "k8s/inside.yaml"));
    for (const path of ["k8s", "k8s/*.yaml"]) {
      const bundle = await loadBundle([path], { cwd: checkout });
      expect(
        bundle.objects.map((o) => o.ref.name),
        path,
      ).toEqual(["inside"]);
      expect(bundle.problems.map((p) => [p.ruleId, p.position.file, p.position.line])).toEqual([
        ["input/unreadable", "k8s/absolute.yaml", 1],
        ["input/unreadable", "k8s/relative.yaml", 1],
      ]);
      expect(bundle.problems[0]!.message).toMatch(
        /^a link to .*elsewhere\.yaml, outside the checkout .*checkout: kubectl applies whatever that path holds where it runs/,
      );
    }
  });

  it("refuses a link to /dev/zero and a FIFO with a finding, reading nothing", async () => {
    mkdirSync(join(root, "special"));
    symlinkSync("/dev/zero", join(root, "special/zero.yaml"));
    execFileSync("mkfifo", [join(root, "special/pipe.yaml")]);
    writeFileSync(join(root, "special/ok.yaml"), ns("ok"));
    const before = process.memoryUsage().rss;
    for (const path of ["special", "special/*.yaml"]) {
      const bundle = await loadBundle([path], { cwd: root });
      expect(bundle.problems.map((p) => [p.ruleId, p.position.file, p.message])).toEqual([
        ["input/unreadable", "special/pipe.yaml", "not a regular file (a FIFO): not read"],
        [
          "input/unreadable",
          "special/zero.yaml",
          "not a regular file (a character device): not read",
        ],
      ]);
      expect(bundle.objects.map((o) => o.ref.name)).toEqual(["ok"]);
    }
    expect(process.memoryUsage().rss - before).toBeLessThan(20 * 1024 * 1024);
  });
});
