/**
 * The rewrites held to real Kubernetes code: the API server accepts every object it accepted
 * before (validation-oracle), and the NetworkPolicy dataplane lets through exactly the connections
 * it let through before (netpol-oracle, sigs.k8s.io/kube-network-policies), pod by pod, port by
 * port, from outside the cluster too.
 */
import { askJsonLines, findTool } from "@scout-deploy/core/testing";
import type { Obj } from "../yaml-text.js";
import { nameOf, namespaceOf, podLabelsOf, podSpecOf } from "./deployments.js";

export const validationOracle = () => findTool("validation-oracle", "VALIDATION_ORACLE");
export const dataplaneOracle = () => findTool("netpol-oracle", "NETPOL_ORACLE_PATH");

/** Kinds validation-oracle judges (the others it does not know). */
const VALIDATED = [
  "Pod",
  "Deployment",
  "StatefulSet",
  "DaemonSet",
  "Job",
  "CronJob",
  "Service",
  "NetworkPolicy",
];

interface ApiVerdict {
  refused?: string;
  errors?: { field: string; type: string; detail?: string }[];
}

/**
 * Per set of objects, `Kind/name: error` for each object of a kind it knows that the API server
 * refuses on create (one run of the oracle for all sets).
 */
export async function refusedObjects(
  binary: string,
  sets: readonly (readonly Obj[])[],
): Promise<string[][]> {
  const judged = sets.map((objects) => objects.filter((o) => VALIDATED.includes(String(o.kind))));
  const answers = await askJsonLines<ApiVerdict>(
    binary,
    judged.flat().map((o) => ({ object: JSON.stringify(o) })),
  );
  let next = 0;
  return judged.map((objects) =>
    objects.flatMap((o) => {
      const answer = answers[next++]!;
      return answer.refused || answer.errors?.length
        ? [`${o.kind}/${nameOf(o)}: ${answer.refused ?? JSON.stringify(answer.errors)}`]
        : [];
    }),
  );
}

const PORTS = [53, 80, 3000, 6379, 8000, 9090, 9999];
const OUTSIDE = "203.0.113.9";

/**
 * Per set of objects: one pod per workload (its template's labels, at 10.244.0.N) and one address
 * outside the cluster, every ordered pair asked on Scout's ports (one run of the oracle for all
 * sets). Answers `from -> to: TCP 0101... UDP 0000...` per pair.
 */
export async function connections(
  binary: string,
  sets: readonly (readonly Obj[])[],
): Promise<string[][]> {
  const cases = sets.map((objects, i) => caseOf(objects, `case-${i}`));
  const answers = await askJsonLines<{ id: string; error?: string; allowed: string[] }>(
    binary,
    cases.map((c) => c.request),
  );
  return answers.map((answer, i) => {
    if (answer.error) throw new Error(`netpol-oracle: ${answer.error}`);
    return cases[i]!.pairs.map(
      ({ src, dst }, k) =>
        `${src.name} -> ${dst.name}: TCP ${answer.allowed[2 * k]} UDP ${answer.allowed[2 * k + 1]}`,
    );
  });
}

function caseOf(objects: readonly Obj[], id: string) {
  const workloads = objects.filter((o) => podSpecOf(o));
  const pods = workloads.map((w, i) => ({
    apiVersion: "v1",
    kind: "Pod",
    metadata: {
      name: `${nameOf(w)}-0`,
      namespace: namespaceOf(w) ?? "default",
      labels: podLabelsOf(w),
    },
    spec: { containers: (podSpecOf(w)!.containers as Obj[]).map(portsOnly) },
    status: { podIPs: [{ ip: `10.244.0.${i + 1}` }] },
  }));
  const ends = [
    ...pods.map((p) => ({ name: p.metadata.name, ip: p.status.podIPs[0]!.ip })),
    { name: "outside", ip: OUTSIDE },
  ];
  const pairs = ends.flatMap((src) =>
    ends.filter((dst) => dst !== src).map((dst) => ({ src, dst })),
  );
  const queries = pairs.flatMap(({ src, dst }) =>
    (["TCP", "UDP"] as const).map((protocol) => ({
      src: src.ip,
      dst: dst.ip,
      protocol,
      ports: PORTS,
    })),
  );
  const namespaces = objects.filter((o) => o.kind === "Namespace");
  const policies = objects.filter((o) => o.kind === "NetworkPolicy");
  return { pairs, request: { id, namespaces, pods, policies, queries } };
}

function portsOnly(container: Obj): Obj {
  return {
    name: container.name!,
    image: container.image!,
    ...(container.ports ? { ports: container.ports } : {}),
  };
}
