import { defineRule, type Rule } from "./rule.js";

/**
 * Problems of the input and of suppressions. The parser and `evaluate` report them, not a
 * `check`; they are rules so that they have metadata and severities like every other. Core
 * names no repository, so they carry no docs link: a face that publishes docs adds them.
 */
function builtIn(id: string, meta: Omit<Rule["meta"], "docs">): Rule {
  return defineRule({ id, meta, check: () => {} });
}

export const inputRules: readonly Rule[] = [
  builtIn("input/cluster-dependent", {
    // A note, not a warning: charts ask .Capabilities for an Ingress or PDB apiVersion all the
    // time, and GitHub shows only ten warnings per step.
    severity: "info",
    description:
      "A Helm template asks the cluster (.Capabilities.APIVersions.Has, lookup) or branches on .Release.IsInstall/IsUpgrade: helm template makes the answer up, helm install gets the cluster's. The renders for helm upgrade, for a cluster serving the APIs asked about and for one where lookup finds what it asks for are checked too (their findings say so); what the found objects hold is not known.",
    remediation:
      "Render the branch the cluster takes (--api-versions for the APIs it serves), or keep security settings out of such branches.",
    messages: { problem: "{{message}}" },
  }),
  builtIn("input/duplicate-key", {
    severity: "error",
    description: "A mapping repeats a key; Kubernetes rejects it or keeps only one value.",
    remediation: "Remove one of the two keys.",
    messages: { problem: "{{message}}" },
  }),
  builtIn("input/duplicate-object", {
    severity: "error",
    description: "Two documents define the same kind, namespace and name; one silently wins.",
    remediation: "Rename or remove one of the two objects.",
    messages: { problem: "{{message}}" },
  }),
  builtIn("input/file-too-large", {
    severity: "error",
    description: "A file is larger than the loader accepts, so it was not checked.",
    remediation: "Split the file, or raise the limit with --max-file-size.",
    messages: { problem: "{{message}}" },
  }),
  builtIn("input/ignored-by-kubectl", {
    severity: "warning",
    description:
      "Content that kubectl reads past and never sends: text after a `...` line, an empty `items` list on a kind that is not a List.",
    remediation: "Remove the content, or put it in a document of its own after a --- line.",
    messages: { problem: "{{message}}" },
  }),
  builtIn("input/not-kubernetes", {
    severity: "warning",
    description: "A document has no apiVersion or kind, so no rule can judge it.",
    remediation:
      "Add apiVersion and kind, or keep files that are not manifests out of the checked paths.",
    messages: { problem: "{{message}}" },
  }),
  builtIn("input/not-rendered", {
    severity: "error",
    description:
      "A Helm chart or Kustomize folder found while walking a folder was not rendered (helm, kubectl or kustomize missing, or the tool failed), or a Scout config other than the run's was found among the paths: nothing of it was checked; its templates, patches or config are not read as plain manifests. Or an object makes a controller of the cluster install a Helm chart or an operator the input does not hold (a Flux HelmRelease, an Argo CD Application or ApplicationSet with a chart source, a k3s HelmChart, an OLM Subscription): nothing it deploys was checked.",
    remediation:
      "Install the tool the message names (helm: scripts/install-helm.sh; kubectl: https://kubernetes.io/docs/tasks/tools/), or fix the error the tool reported; check another Scout config with --config FILE; render what a GitOps object installs with its values and check that, then suppress its finding with that reason.",
    messages: { problem: "{{message}}" },
  }),
  builtIn("input/parse-error", {
    severity: "error",
    description: "A document is not valid YAML or JSON (or is hostile: binary, a YAML bomb).",
    remediation: "Fix the syntax at the reported line.",
    messages: { problem: "{{message}}" },
  }),
  builtIn("input/skipped", {
    severity: "info",
    description:
      "A folder the loader does not walk on purpose (.git, node_modules): only its files that hold a Kubernetes object (apiVersion and kind) are read, since kubectl apply -R applies them; other files in it are not checked. A library chart (type: library) found walking: Helm installs nothing of it on its own, it is checked inside the charts that depend on it.",
    remediation: "Name the files or the folder as a path of their own if they are deployed.",
    messages: { problem: "{{message}}" },
  }),
  builtIn("input/unreadable", {
    severity: "error",
    description:
      "A path is not a regular file (a device, FIFO or socket, or a link to one), is a link that leads outside its checkout (what kubectl applies from it depends on the machine), or could not be read, so it was not checked.",
    remediation:
      "Check the path; give regular files only, and copy a file from outside the checkout into it instead of linking to it.",
    messages: { problem: "{{message}}" },
  }),
  builtIn("suppression/expired", {
    severity: "warning",
    description: "A config suppression is past its expiry date and no longer applies.",
    remediation: "Fix the findings it covered, or renew the entry with a new date and reason.",
    messages: { problem: "{{message}}" },
  }),
  builtIn("suppression/invalid", {
    severity: "warning",
    description: "A scout-deploy.io/ignore annotation without a reason or naming no known rule.",
    remediation: 'Write it as "rule-id[,rule-id]: reason".',
    messages: { problem: "{{message}}" },
  }),
  builtIn("suppression/not-allowed", {
    severity: "warning",
    description: "An ignore annotation while the config forbids annotation suppressions.",
    remediation:
      "Remove the annotation and add a suppression with a reason to the config, or allow annotations.",
    messages: { problem: "{{message}}" },
  }),
];
