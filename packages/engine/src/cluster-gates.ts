import type { InputProblem } from "@scout-deploy/core";

/**
 * Template code whose answer `helm template` makes up while `helm install` asks the cluster:
 * the checker sees one branch, the cluster may get another. Each use is reported on its line.
 */
interface Gate {
  pattern: RegExp;
  message: (match: RegExpExecArray) => string;
}

const GATES: readonly Gate[] = [
  {
    pattern: /\.Capabilities\.APIVersions\.Has\s+"([^"]+)"/g,
    message: (match) =>
      `the template asks .Capabilities.APIVersions.Has "${match[1]}": helm template answers from its built-in list of Kubernetes APIs, helm install from what the cluster serves, so a cluster that differs gets the branch that was not checked; --api-versions ${match[1]} renders the branch of a cluster that serves it`,
  },
  {
    pattern: /(?<=^|[\s({|])lookup\s+"/g,
    message: () =>
      "the template calls lookup: helm template answers it with nothing, helm install with the cluster's live objects, so what was checked is the render for an empty cluster",
  },
  {
    pattern: /\.Release\.Is(?:Upgrade|Install)\b/g,
    message: () =>
      "the template branches on .Release.IsInstall/IsUpgrade: what was checked is a first install's render; helm upgrade renders the other branch",
  },
];

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
  // A template comment asks nothing: blanked, offsets kept.
  const code = text.replace(/\{\{-?\s*\/\*[\s\S]*?\*\/\s*-?\}\}/g, (comment) =>
    comment.replace(/[^\n]/g, " "),
  );
  const problems: InputProblem[] = [];
  for (const gate of GATES) {
    for (const match of code.matchAll(gate.pattern)) {
      if (gate === GATES[0] && apiVersions.includes(match[1]!)) continue;
      problems.push({
        ruleId: "input/cluster-dependent",
        message: gate.message(match),
        position: positionOf(match.index),
      });
    }
  }
  return problems.sort((a, b) => a.position.line - b.position.line);
}
