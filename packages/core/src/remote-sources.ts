import type { BundleObject, InputProblem } from "./bundle-object.js";
import { asRecord, joinPointer } from "./pointer.js";

/** What an object makes its controller deploy from outside the input, and where it says so. */
interface Outside {
  what: string;
  /** The path of the field that names it, relative to the object. */
  at: readonly (string | number)[];
}

interface RemoteSource {
  tool: string;
  /** What the object deploys from outside the input; undefined when it may be in the input. */
  outside(spec: Record<string, unknown>): Outside | undefined;
}

const text = (value: unknown) => (typeof value === "string" ? value : undefined);

/**
 * The first Helm chart of a repository an Argo CD source list names (`source`, `sources[]`). A
 * `path` source is a folder of a Git repository, often the checked one: not reported.
 */
function argoChart(spec: Record<string, unknown>, at: readonly string[]): Outside | undefined {
  const sources: [unknown, (string | number)[]][] = [
    [spec.source, [...at, "source"]],
    ...(Array.isArray(spec.sources) ? spec.sources : []).map(
      (source, s): [unknown, (string | number)[]] => [source, [...at, "sources", s]],
    ),
  ];
  for (const [source, path] of sources) {
    const chart = text(asRecord(source).chart);
    if (chart === undefined) continue;
    const repo = text(asRecord(source).repoURL);
    return { what: `chart ${chart}${repo ? ` of ${repo}` : ""}`, at: [...path, "chart"] };
  }
  return undefined;
}

/**
 * The kinds whose controllers install a Helm chart (or an operator) that the input does not
 * hold, by "group/Kind", with the values the object gives: what they deploy was never rendered
 * here. Sources alone (a Flux GitRepository) deploy nothing; a Flux Kustomization or an Argo CD
 * path applies a folder of a repository, often the one checked, and is left alone.
 */
const REMOTE_SOURCES: Readonly<Record<string, RemoteSource>> = {
  "helm.toolkit.fluxcd.io/HelmRelease": {
    tool: "Flux",
    outside: (spec) => {
      const chart = text(asRecord(asRecord(spec.chart).spec).chart);
      if (chart !== undefined) return { what: `chart ${chart}`, at: ["spec", "chart"] };
      const ref = text(asRecord(spec.chartRef).name);
      return ref !== undefined ? { what: `chart ${ref}`, at: ["spec", "chartRef"] } : undefined;
    },
  },
  "argoproj.io/Application": { tool: "Argo CD", outside: (spec) => argoChart(spec, ["spec"]) },
  "argoproj.io/ApplicationSet": {
    tool: "Argo CD",
    outside: (spec) =>
      argoChart(asRecord(asRecord(spec.template).spec), ["spec", "template", "spec"]),
  },
  "helm.cattle.io/HelmChart": {
    tool: "the k3s Helm controller",
    outside: (spec) => {
      const chart = text(spec.chart);
      const repo = text(spec.repo);
      return chart !== undefined
        ? { what: `chart ${chart}${repo ? ` of ${repo}` : ""}`, at: ["spec", "chart"] }
        : undefined;
    },
  },
  "operators.coreos.com/Subscription": {
    tool: "the Operator Lifecycle Manager",
    outside: (spec) => {
      const name = text(spec.name);
      const catalog = text(spec.source);
      return name !== undefined
        ? { what: `operator ${name}${catalog ? ` of ${catalog}` : ""}`, at: ["spec", "name"] }
        : undefined;
    },
  },
};

/**
 * An object that makes a controller of the cluster install a chart or an operator the input
 * does not hold: a pass would vouch for pods and grants nobody checked, so each is an
 * input/not-rendered problem on the field that names it.
 */
export function remoteSourceProblems(objects: readonly BundleObject[]): InputProblem[] {
  return objects.flatMap((object) => {
    const group = String(object.value.apiVersion ?? "").split("/")[0];
    const source = REMOTE_SOURCES[`${group}/${object.value.kind}`];
    const outside = source?.outside(asRecord(object.value.spec));
    if (!source || !outside) return [];
    const name = [object.ref.namespace, object.ref.name].filter(Boolean).join("/");
    return [
      {
        ruleId: "input/not-rendered",
        message: `${object.value.kind} ${name} makes ${source.tool} install ${outside.what}, which the input does not hold: nothing it deploys was checked; render it with the object's values (helm template) and check the output`,
        position: object.document.locate(joinPointer(object.pointer, ...outside.at)),
        path: joinPointer("", ...outside.at),
        object,
      },
    ];
  });
}
