import { generateKeyPairSync } from "node:crypto";
import { buildBundle, defineRule, evaluate, parseSource, type Result } from "@scout-deploy/core";
import type { SignedFile, SignoffContext } from "../statement.js";

/** A rule of the real rule API: every Deployment named "bad" is an error. */
const noBadDeployments = defineRule({
  id: "test/no-bad-deployment",
  meta: {
    severity: "error",
    description: "No Deployment is named bad.",
    remediation: "Rename it.",
    messages: { bad: "Deployment {{name}} is bad" },
  },
  check(ctx) {
    for (const object of ctx.bundle.objects) {
      if (object.ref.kind === "Deployment" && object.ref.name === "bad") {
        ctx.report({ messageId: "bad", data: { name: "bad" }, object, pointer: "/metadata/name" });
      }
    }
  },
});

export function deployment(name: string, annotations = ""): string {
  return [
    "apiVersion: apps/v1",
    "kind: Deployment",
    "metadata:",
    `  name: ${name}`,
    "  namespace: scout",
    ...(annotations ? ["  annotations:", `    ${annotations}`] : []),
    "spec: {}",
    "",
  ].join("\n");
}

export const goodFiles = (): SignedFile[] => [
  { path: "k8s/backend.yaml", content: deployment("backend") },
  { path: "k8s/frontend.yaml", content: deployment("frontend") },
  {
    path: "k8s/waived.yaml",
    content: deployment(
      "bad",
      '"scout-deploy.io/ignore": "test/no-bad-deployment: legacy name, renamed in Q3"',
    ),
  },
];

/** Runs the real core evaluate over the files. */
export function check(files: readonly SignedFile[]): Result {
  const sources = files.map((f) =>
    parseSource(
      f.path,
      typeof f.content === "string" ? f.content : Buffer.from(f.content).toString("utf8"),
    ),
  );
  return evaluate([noBadDeployments], buildBundle(sources));
}

export const context = (): SignoffContext => ({
  tool: { name: "scout-deploy", version: "0.1.0" },
  rulePacks: [{ name: "@scout-deploy/rules", version: "0.1.0" }],
  kubernetesVersion: "1.31.0",
  config: "policy:\n  failOn: error\n",
});

export function ed25519Pair() {
  return pemPair(generateKeyPairSync("ed25519"));
}

export function p256Pair() {
  return pemPair(generateKeyPairSync("ec", { namedCurve: "P-256" }));
}

function pemPair(pair: {
  publicKey: import("node:crypto").KeyObject;
  privateKey: import("node:crypto").KeyObject;
}) {
  return {
    privatePem: pair.privateKey.export({ type: "pkcs8", format: "pem" }).toString(),
    publicPem: pair.publicKey.export({ type: "spki", format: "pem" }).toString(),
  };
}
