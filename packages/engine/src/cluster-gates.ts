import type { InputProblem } from "@scout-deploy/core";

/**
 * Template code whose answer `helm template` makes up while `helm install` asks the cluster:
 * the render shows one branch, the cluster may get another. Each use is a note on its line;
 * the other branches are rendered and judged too (`otherClusters`): helm upgrade and served
 * APIs by helm's flags, a lookup that finds its object by a copy of the chart.
 */
interface Gate {
  pattern: RegExp;
  message: (match: RegExpExecArray) => string;
}

const API_GATE: Gate = {
  pattern: /\.Capabilities\.APIVersions\.Has\s+"([^"]+)"/g,
  message: (match) =>
    `the template asks .Capabilities.APIVersions.Has "${match[1]}": helm template answers from its built-in list of Kubernetes APIs, helm install from what the cluster serves; the render for a cluster that serves it is checked too (its findings say so), and --api-versions ${match[1]} makes it the one checked`,
};

const LOOKUP_GATE: Gate = {
  pattern: /(?<=^|[\s({|])lookup\s+(?=["$.(])/g,
  message: () =>
    "the template calls lookup: helm template answers it with nothing, helm install with the cluster's live objects; the render where lookup finds what it asks for is checked too where helm can print it (its findings say so), but what the found objects hold stays the cluster's",
};

const RELEASE_GATE: Gate = {
  pattern: /\.Release\.Is(?:Upgrade|Install)\b/g,
  message: () =>
    "the template branches on .Release.IsInstall/IsUpgrade: helm install and helm upgrade render different branches; both are checked (findings of the upgrade's say so)",
};

const GATES: readonly Gate[] = [API_GATE, LOOKUP_GATE, RELEASE_GATE];

/** What a render may ask the cluster differently from `helm template`'s default answers. */
export interface ClusterAnswers {
  /** `--is-upgrade`: .Release.IsUpgrade true, .Release.IsInstall false. */
  upgrade?: boolean;
  /** `--api-versions`: APIs the cluster serves beyond the render's list. */
  apiVersions?: readonly string[];
  /** Every lookup finds something (`foundByLookup`): its branches for objects that exist. */
  lookupFinds?: boolean;
}

/**
 * The clusters whose answers change a branch the templates take, beside the one rendered: helm
 * upgrade, a cluster that serves every API the templates ask about and the render was not given,
 * both, and one where lookup finds what it asks for.
 */
export function otherClusters(
  templates: readonly string[],
  apiVersions: readonly string[] = [],
): ClusterAnswers[] {
  const code = templates.map(withoutComments).join("\n");
  const upgrade = new RegExp(RELEASE_GATE.pattern.source).test(code);
  const asked = [...code.matchAll(API_GATE.pattern)].map((match) => match[1]!);
  const served = [...new Set(asked)].filter((api) => !apiVersions.includes(api)).sort();
  const worlds: ClusterAnswers[] = [];
  if (upgrade) worlds.push({ upgrade: true });
  if (served.length) worlds.push({ apiVersions: served });
  if (upgrade && served.length) worlds.push({ upgrade: true, apiVersions: served });
  if (new RegExp(LOOKUP_GATE.pattern.source).test(code)) worlds.push({ lookupFinds: true });
  return worlds;
}

/**
 * The template text with each `lookup "v1" "Kind" ns name` made `dict "v1" "Kind" ns name`: a
 * map that is not empty, as a found object is, where helm template's lookup gives an empty one.
 * A template that then reads fields of the object may fail; that render is left out.
 */
export function foundByLookup(template: string): string {
  return template.replace(LOOKUP_GATE.pattern, (call) => call.replace(/^lookup/, "dict"));
}

/** How a finding names the cluster whose render it was found in. */
export function describeCluster(answers: ClusterAnswers): string {
  if (answers.lookupFinds) return "a cluster where lookup finds the objects it asks for";
  const serves = answers.apiVersions?.length
    ? `a cluster that serves ${answers.apiVersions.join(", ")}`
    : "";
  if (answers.upgrade) return serves ? `helm upgrade on ${serves}` : "helm upgrade";
  return serves;
}

/** A template comment asks nothing: blanked, offsets kept. */
function withoutComments(text: string): string {
  return text.replace(/\{\{-?\s*\/\*[\s\S]*?\*\/\s*-?\}\}/g, (comment) =>
    comment.replace(/[^\n]/g, " "),
  );
}

/**
 * The gates of one template file. An `APIVersions.Has` of an API version the render was given
 * (`--api-versions`) is not reported: that branch is the one checked.
 */
export function clusterGates(
  file: string,
  text: string,
  apiVersions: readonly string[] = [],
): InputProblem[] {
  const lineStarts = [0, ...[...text.matchAll(/\n/g)].map((match) => match.index + 1)];
  const positionOf = (offset: number) => {
    let line = lineStarts.findIndex((start) => start > offset);
    if (line < 0) line = lineStarts.length;
    return { file, line, column: offset - lineStarts[line - 1]! + 1 };
  };
  const code = withoutComments(text);
  const problems: InputProblem[] = [];
  for (const gate of GATES) {
    for (const match of code.matchAll(gate.pattern)) {
      if (gate === API_GATE && apiVersions.includes(match[1]!)) continue;
      problems.push({
        ruleId: "input/cluster-dependent",
        message: gate.message(match),
        position: positionOf(match.index),
      });
    }
  }
  return problems.sort((a, b) => a.position.line - b.position.line);
}
