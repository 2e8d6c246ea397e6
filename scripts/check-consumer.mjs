#!/usr/bin/env node
// Installs the packed packages as a user outside this monorepo would, and uses them there:
// pack every published package (pnpm pack turns workspace: and catalog: into versions), install
// the tarballs into an empty temporary folder with npm, offline (the third-party packages they
// need come as tarballs made from this workspace's node_modules: tests never reach the
// internet), then import and require each entry point, type-check a consumer under node16,
// nodenext and bundler, check the types with @arethetypeswrong/cli, and run
// `npx scout-deploy check` in that folder.
// Needs a build first (pnpm build). Exit 1 on any failure, with what failed.
import { execFileSync } from "node:child_process";
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  realpathSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
// pnpm's npm_config_* variables make npm warn about keys it does not know; npm needs none.
const env = Object.fromEntries(
  Object.entries(process.env).filter(([key]) => !key.toLowerCase().startsWith("npm_config_")),
);
const work = mkdtempSync(join(tmpdir(), "scout-consumer-"));
const tarballs = join(work, "tarballs");
const app = join(work, "app");
mkdirSync(tarballs);
mkdirSync(app);
let failures = 0;

function run(command, args, options = {}) {
  return execFileSync(command, args, { encoding: "utf8", env, stdio: "pipe", ...options });
}

function step(name, action) {
  const start = Date.now();
  try {
    const note = action();
    console.log(`consumer: ${name} (${Date.now() - start} ms)${note ? `: ${note}` : ""}`);
  } catch (error) {
    failures++;
    const output = [error.stdout, error.stderr].filter(Boolean).join("\n").trim();
    console.error(`consumer: FAIL ${name}: ${output || error.message}`);
  }
}

const readJson = (path) => JSON.parse(readFileSync(path, "utf8"));
const published = readdirSync(join(root, "packages"))
  .map((folder) => join(root, "packages", folder))
  .filter((dir) => !readJson(join(dir, "package.json")).private);

/** Every third-party package the published ones need at run time, found as Node finds them. */
function thirdPartyClosure() {
  const found = new Map();
  const visit = (fromDir, name) => {
    for (let dir = fromDir; ; dir = dirname(dir)) {
      const candidate = join(dir, "node_modules", name);
      if (existsSync(join(candidate, "package.json"))) {
        const real = realpathSync(candidate);
        const manifest = readJson(join(real, "package.json"));
        const key = `${name}@${manifest.version}`;
        if (found.has(key)) return;
        found.set(key, real);
        const deps = { ...manifest.dependencies, ...manifest.optionalDependencies };
        for (const dep of Object.keys(deps)) visit(real, dep);
        return;
      }
      if (dir === dirname(dir)) throw new Error(`${name} is not installed (from ${fromDir})`);
    }
  };
  for (const dir of published) {
    const manifest = readJson(join(dir, "package.json"));
    for (const dep of Object.keys(manifest.dependencies ?? {})) {
      if (!dep.startsWith("@scout-deploy/")) visit(dir, dep);
    }
  }
  // The consumer's own tools for the type-check.
  visit(root, "@types/node");
  return found;
}

step("pack the published packages", () => {
  for (const dir of published) run("pnpm", ["pack", "--pack-destination", tarballs], { cwd: dir });
  return `${published.length} tarballs`;
});

step("pack their third-party dependencies from node_modules", () => {
  const closure = thirdPartyClosure();
  for (const [key, dir] of closure) {
    const file = join(tarballs, `dep-${key.replace(/[@/]/g, "_")}.tgz`);
    run("tar", [
      "--hard-dereference",
      "-czf",
      file,
      "--exclude=./node_modules",
      "-C",
      dir,
      "--transform",
      "s,^\\.,package,",
      ".",
    ]);
  }
  return `${closure.size} packages`;
});

step("npm install the tarballs into an empty folder, offline", () => {
  writeFileSync(
    join(app, "package.json"),
    `${JSON.stringify({ name: "consumer", private: true, type: "module" }, null, 2)}\n`,
  );
  const files = readdirSync(tarballs).map((f) => join(tarballs, f));
  run(
    "npm",
    ["install", "--offline", "--no-audit", "--no-fund", "--ignore-scripts", "--no-save", ...files],
    { cwd: app },
  );
});

/** Every entry point of every published package, as a consumer names it. */
const entries = published.flatMap((dir) => {
  const { name, exports } = readJson(join(dir, "package.json"));
  return Object.entries(exports)
    .filter(([, target]) => typeof target === "object")
    .map(([subpath]) => (subpath === "." ? name : `${name}/${subpath.slice(2)}`));
});

step("import() each entry point", () => {
  const script = `for (const name of ${JSON.stringify(entries)}) {
    const module = await import(name);
    if (!Object.keys(module).length) throw new Error(name + " exports nothing");
  }`;
  run(process.execPath, ["--input-type=module", "-e", script], { cwd: app });
  return `${entries.length} entry points`;
});

step("require() each entry point", () => {
  const script = `for (const name of ${JSON.stringify(entries)}) {
    const module = require(name);
    if (!Object.keys(module).length) throw new Error(name + " exports nothing");
  }`;
  run(process.execPath, ["--no-warnings", "-e", script], { cwd: app });
});

const consumerSource = `import { evaluate, parsePolicy, type Result } from "@scout-deploy/core";
import { RuleTester } from "@scout-deploy/core/testing";
import { type CheckRun, runCheck } from "@scout-deploy/engine";
import { loadBundle } from "@scout-deploy/loader";
import { securityGuideRules } from "@scout-deploy/rules";
import { formatText } from "@scout-deploy/report";
import { main } from "scout-deploy";
${entries.map((name, i) => `import * as entry${i} from "${name}";`).join("\n")}

const bundle = await loadBundle(["pod.yaml"], { cwd: "." });
const result: Result = evaluate(securityGuideRules, bundle, parsePolicy({ failOn: "warning" }));
const text: string = formatText(result, { color: false });
const run: Promise<CheckRun> = runCheck({ cwd: ".", paths: ["pod.yaml"] });
const code: Promise<number> = main(["--version"], {
  cwd: ".",
  env: {},
  stdout: () => {},
  stderr: () => {},
  readStdin: async () => "",
  color: false,
});
export const used = [text, run, code, RuleTester, ${entries.map((_, i) => `entry${i}`).join(", ")}];
`;

step("no source map referenced that is not shipped", () => {
  const missing = [];
  const walk = (dir) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (/\.(js|d\.ts)$/.test(entry.name)) {
        const map = /\/\/# sourceMappingURL=(\S+)\s*$/.exec(readFileSync(path, "utf8"))?.[1];
        if (map && !existsSync(join(dir, map))) missing.push(path);
      }
    }
  };
  walk(join(app, "node_modules", "@scout-deploy"));
  walk(join(app, "node_modules", "scout-deploy"));
  if (missing.length) throw new Error(`${missing.length} files name a missing map: ${missing[0]}`);
});

// Each package's README shows a real use: its TypeScript examples must type-check as a user's.
const readmeExamples = published.flatMap((dir) => {
  const text = readFileSync(join(dir, "README.md"), "utf8");
  return [...text.matchAll(/```ts\n([\s\S]*?)```/g)].map((match, i) => {
    const file = `readme-${dir.split("/").at(-1)}-${i}.ts`;
    writeFileSync(join(app, file), `${match[1]}\nexport {};\n`);
    return file;
  });
});

const tsc = join(root, "node_modules", "typescript", "bin", "tsc");
const settings = {
  node16: { module: "node16", moduleResolution: "node16" },
  nodenext: { module: "nodenext", moduleResolution: "nodenext" },
  bundler: { module: "esnext", moduleResolution: "bundler" },
};
writeFileSync(join(app, "consumer.ts"), consumerSource);
for (const [name, options] of Object.entries(settings)) {
  step(`type-check a consumer under moduleResolution ${name}`, () => {
    const config = {
      compilerOptions: {
        ...options,
        target: "es2022",
        strict: true,
        noEmit: true,
        skipLibCheck: false,
        types: ["node"],
      },
      files: ["consumer.ts"],
    };
    writeFileSync(join(app, `tsconfig.${name}.json`), JSON.stringify(config, null, 2));
    run(process.execPath, [tsc, "-p", `tsconfig.${name}.json`], { cwd: app });
  });
}

// README examples are fragments (a `bundle` or `config` from the text around them): names they
// leave undeclared are fine, anything else (an import that does not exist, a wrong call) is not.
const UNDECLARED = new Set(["TS2304", "TS2552", "TS18004"]);
step("type-check each package README's TypeScript examples", () => {
  const config = {
    compilerOptions: { ...settings.nodenext, target: "es2022", strict: true, noEmit: true },
    files: readmeExamples,
  };
  writeFileSync(join(app, "tsconfig.readme.json"), JSON.stringify(config, null, 2));
  let output = "";
  try {
    run(process.execPath, [tsc, "-p", "tsconfig.readme.json"], { cwd: app });
  } catch (error) {
    output = error.stdout ?? "";
  }
  const errors = output
    .split("\n")
    .filter((line) => /error TS\d+/.test(line))
    .filter((line) => !UNDECLARED.has(/error (TS\d+)/.exec(line)[1]));
  if (errors.length) throw new Error(errors.join("\n"));
  return `${readmeExamples.length} examples`;
});

step("@arethetypeswrong/cli on each tarball (node16, nodenext, bundler)", () => {
  const attw = join(root, "node_modules", "@arethetypeswrong", "cli", "dist", "index.js");
  const ours = readdirSync(tarballs).filter((f) => !f.startsWith("dep-"));
  for (const file of ours) {
    // ESM only on purpose: from CommonJS the packages load through require(esm) (Node 20.19+).
    run(process.execPath, [
      attw,
      join(tarballs, file),
      "--profile",
      "node16",
      "--ignore-rules",
      "cjs-resolves-to-esm",
      "--format",
      "ascii",
    ]);
  }
  return `${ours.length} packages`;
});

step("npx scout-deploy check in that folder", () => {
  copyFileSync(
    join(root, "examples", "minimal", "scout-deploy.yaml"),
    join(app, "scout-deploy.yaml"),
  );
  const out = run("npx", ["--offline", "scout-deploy", "check"], { cwd: app });
  if (!/no problems|0 errors/.test(out)) throw new Error(`unexpected output: ${out}`);
  return out.trim().split("\n").at(-1);
});

if (failures === 0) rmSync(work, { recursive: true, force: true });
else console.error(`consumer: ${failures} step(s) failed; the folder is kept: ${work}`);
process.exit(failures ? 1 : 0);
