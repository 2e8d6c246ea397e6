import { describe, expect, it } from "vitest";
import { parseInputs } from "./inputs.js";

const read = (values: Record<string, string>) => (name: string) => values[name] ?? "";

describe("parseInputs", () => {
  it("reads action.yml's defaults into a typed object", () => {
    const inputs = parseInputs(
      read({ manifests: "k8s/\n# comment\n  deploy/*.yaml, extra.yaml\n" }),
      "/tmp/r",
    );
    expect(inputs).toEqual({
      manifests: ["k8s/", "deploy/*.yaml", "extra.yaml"],
      schema: "embedded",
      comment: true,
      sarifFile: "/tmp/r/scout-deploy/results.sarif",
      findingsFile: "/tmp/r/scout-deploy/findings.json",
      signoff: "none",
      signoffFile: "/tmp/r/scout-deploy/signoff.intoto.jsonl",
      token: "",
      githubTimeout: 120,
      compare: "base",
    });
  });

  it("accepts every documented value", () => {
    const inputs = parseInputs(
      read({
        config: "scout-deploy.yaml",
        schema: "kubeconform",
        "kubernetes-version": "v1.31.2",
        "fail-on": "warning",
        comment: "False",
        signoff: "status",
        token: "t",
        "github-timeout": "2.5",
        "comment-author": " scout-app[bot] ",
      }),
      "/tmp",
    );
    expect(inputs).toMatchObject({
      config: "scout-deploy.yaml",
      manifests: [],
      kubernetesVersion: "1.31.2",
      failOn: "warning",
      comment: false,
      signoff: "status",
      githubTimeout: 2.5,
      commentAuthor: "scout-app[bot]",
    });
  });

  it("reads the helm-* inputs: what the deploy passes to helm install", () => {
    const inputs = parseInputs(
      read({
        manifests: "charts/scout",
        "helm-values": "charts/scout/values-prod.yaml\n",
        "helm-set": "image.tag=1.4.2\nhosts={a.example,b.example}\n",
        "helm-set-string": "build=0123\n",
        "helm-set-json": 'ports=[80,443]\nresources={"limits":{"cpu":"1"}}\n',
        "helm-set-file": "tls.cert=certs/tls.crt\n# comment\n",
        "helm-namespace": " scout ",
        "helm-release-name": "scout",
        "helm-api-versions": "monitoring.coreos.com/v1, cert-manager.io/v1",
      }),
      "/tmp",
    );
    expect(inputs.helm).toEqual({
      values: ["charts/scout/values-prod.yaml"],
      set: ["image.tag=1.4.2", "hosts={a.example,b.example}"],
      setString: ["build=0123"],
      setJson: ["ports=[80,443]", 'resources={"limits":{"cpu":"1"}}'],
      setFile: ["tls.cert=certs/tls.crt"],
      apiVersions: ["monitoring.coreos.com/v1", "cert-manager.io/v1"],
      namespace: "scout",
      releaseName: "scout",
    });
  });

  it.each([
    [
      { manifests: "k8s", schema: "strict" },
      'input schema must be one of embedded, kubeconform, off, not "strict"',
    ],
    [
      { manifests: "k8s", "fail-on": "high" },
      'input fail-on must be one of error, warning, info, never, not "high"',
    ],
    [{ manifests: "k8s", comment: "yes" }, 'input comment must be true or false, not "yes"'],
    [
      { manifests: "k8s", signoff: "sign" },
      'input signoff must be one of none, status, attest, not "sign"',
    ],
    [
      { manifests: "k8s", "kubernetes-version": "latest" },
      "input kubernetes-version must look like 1.31",
    ],
    [
      { manifests: "k8s", "github-timeout": "0" },
      'input github-timeout must be a number of seconds from 1 to 3600, not "0"',
    ],
    [{ manifests: "k8s", "github-timeout": "1m" }, "input github-timeout must be a number"],
    [{}, "nothing to check: set the config input"],
    [
      { manifests: "k8s", "comment-author": "@my-app[bot]" },
      'input comment-author must be a GitHub login such as my-app[bot] or octocat, not "@my-app[bot]"',
    ],
    [
      { manifests: "k8s", "comment-author": "my app" },
      "input comment-author must be a GitHub login",
    ],
  ])("refuses %j with a ConfigurationError", (values, message) => {
    expect(() => parseInputs(read(values), "/tmp")).toThrow(
      expect.objectContaining({
        name: "ConfigurationError",
        message: expect.stringContaining(message),
      }),
    );
  });
});
