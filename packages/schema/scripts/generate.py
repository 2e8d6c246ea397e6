"""Compacts kubernetes-validate's strict JSON Schemas into one small file for the embedded
validator (and, through packages/kubeconform, for kubeconform's offline schema folder).

Output: src/generated/kubernetes-schemas.ts, a base64 string of gzipped JSON (bundlers and
tsc carry a string constant everywhere; a data file would need copying):
  { "source", "kubeVersions": ["1.35.0", ...],
    "schemas": [ <schema>, ... ],            # each distinct schema once, across versions
    "versions": { "1.37.0": { "kinds": { "apps/v1/Deployment": "<def name>" },
                              "defs": { "<def name>": <index into schemas> } } } }
A "$ref" holds a bare definition name, resolved in the version's "defs".
Kept keywords: type, properties, additionalProperties, items, required, enum, oneOf, $ref.
Dropped: descriptions, formats (annotations only under the schemas' draft 2020-12, so neither
kubeconform nor we assert them) and x-kubernetes-* extensions.
"""

import argparse
import base64
import gzip
import importlib.util
import json
import os
import re

KEEP = {"type", "properties", "additionalProperties", "items", "required", "enum", "oneOf", "$ref"}
VERSIONS_TO_KEEP = 3

# Kubernetes' OpenAPI v2 documents carry no enums; these fields are closed sets in the API
# (their OpenAPI v3 documents list them). Applied to the data both engines use.
ENUMS = {
    "io.k8s.api.core.v1.Container": {
        "imagePullPolicy": ["Always", "IfNotPresent", "Never"],
        "terminationMessagePolicy": ["File", "FallbackToLogsOnError"],
    },
    "io.k8s.api.core.v1.EphemeralContainer": {
        "imagePullPolicy": ["Always", "IfNotPresent", "Never"],
        "terminationMessagePolicy": ["File", "FallbackToLogsOnError"],
    },
    "io.k8s.api.core.v1.PodSpec": {
        "restartPolicy": ["Always", "OnFailure", "Never"],
        "dnsPolicy": ["ClusterFirst", "ClusterFirstWithHostNet", "Default", "None"],
    },
    "io.k8s.api.core.v1.ContainerPort": {"protocol": ["TCP", "UDP", "SCTP"]},
    "io.k8s.api.core.v1.ServicePort": {"protocol": ["TCP", "UDP", "SCTP"]},
    "io.k8s.api.networking.v1.NetworkPolicyPort": {"protocol": ["TCP", "UDP", "SCTP"]},
    "io.k8s.api.core.v1.ServiceSpec": {
        "type": ["ClusterIP", "NodePort", "LoadBalancer", "ExternalName"],
        "sessionAffinity": ["ClientIP", "None"],
        "externalTrafficPolicy": ["Cluster", "Local"],
        "internalTrafficPolicy": ["Cluster", "Local"],
    },
    "io.k8s.api.core.v1.SeccompProfile": {"type": ["Localhost", "RuntimeDefault", "Unconfined"]},
    "io.k8s.api.apps.v1.DeploymentStrategy": {"type": ["Recreate", "RollingUpdate"]},
}


def package_schema_dir():
    spec = importlib.util.find_spec("kubernetes_validate")
    return os.path.join(os.path.dirname(spec.origin), "kubernetes-json-schema")


def newest_versions(root):
    found = []
    for name in os.listdir(root):
        match = re.fullmatch(r"v(\d+)\.(\d+)\.(\d+)-local-strict", name)
        if match:
            found.append(tuple(int(x) for x in match.groups()))
    newest = {}
    for major, minor, patch in found:
        newest[(major, minor)] = max(newest.get((major, minor), 0), patch)
    keys = sorted(newest)[-VERSIONS_TO_KEEP:]
    return [f"{major}.{minor}.{newest[(major, minor)]}" for major, minor in keys]


def compact(node):
    if isinstance(node, list):
        return [compact(x) for x in node]
    if not isinstance(node, dict):
        return node
    out = {}
    for key, value in node.items():
        if key not in KEEP:
            continue
        if key == "$ref":
            out[key] = value.rsplit("/", 1)[-1]
        elif key == "properties":
            out[key] = {name: compact(sub) for name, sub in value.items()}
        elif key in ("enum", "required"):
            out[key] = value
        else:
            out[key] = compact(value)
    return out


def refs_in(node, found):
    if isinstance(node, dict):
        if "$ref" in node:
            found.add(node["$ref"])
        for key, value in node.items():
            if key == "properties":
                for sub in value.values():
                    refs_in(sub, found)
            elif key not in ("enum", "required"):
                refs_in(value, found)
    elif isinstance(node, list):
        for x in node:
            refs_in(x, found)


def is_standard_kind(schema):
    gvks = schema.get("x-kubernetes-group-version-kind") or []
    return len(gvks) == 1 and not gvks[0]["kind"].endswith("List")


def add_enums(defs):
    for name, fields in ENUMS.items():
        target = defs.get(name)
        if not target:
            continue
        for field, values in fields.items():
            prop = target.get("properties", {}).get(field)
            if prop is not None:
                prop["enum"] = values + ([None] if "null" in (prop.get("type") or []) else [])


def load_version(root, version):
    folder = os.path.join(root, f"v{version}-local-strict")
    with open(os.path.join(folder, "_definitions.json")) as f:
        defs = {name: compact(schema) for name, schema in json.load(f)["$defs"].items()}
    add_enums(defs)
    kinds = {}
    for file_name in sorted(os.listdir(folder)):
        if file_name == "_definitions.json" or file_name == "all.json":
            continue
        with open(os.path.join(folder, file_name)) as f:
            raw = json.load(f)
        if not is_standard_kind(raw):
            continue
        gvk = raw["x-kubernetes-group-version-kind"][0]
        api_version = f"{gvk['group']}/{gvk['version']}" if gvk["group"] else gvk["version"]
        def_name = f"kind:{api_version}/{gvk['kind']}"
        defs[def_name] = compact(raw)
        kinds[f"{api_version}/{gvk['kind']}"] = def_name
    return kinds, reachable(defs, kinds.values())


def reachable(defs, roots):
    keep = {}
    pending = list(roots)
    while pending:
        name = pending.pop()
        if name in keep:
            continue
        keep[name] = defs[name]
        found = set()
        refs_in(defs[name], found)
        pending.extend(found - keep.keys())
    return keep


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--source", required=True)
    parser.add_argument("--out", required=True)
    args = parser.parse_args()
    root = package_schema_dir()
    versions = newest_versions(root)
    schemas, index_of, out_versions = [], {}, {}
    for version in versions:
        kinds, defs = load_version(root, version)
        table = {}
        for name in sorted(defs):
            key = json.dumps(defs[name], sort_keys=True, separators=(",", ":"))
            if key not in index_of:
                index_of[key] = len(schemas)
                schemas.append(defs[name])
            table[name] = index_of[key]
        out_versions[version] = {"kinds": dict(sorted(kinds.items())), "defs": table}
    document = {
        "source": args.source,
        "kubeVersions": versions,
        "schemas": schemas,
        "versions": out_versions,
    }
    raw = json.dumps(document, sort_keys=True, separators=(",", ":")).encode()
    packed = base64.b64encode(gzip.compress(raw, compresslevel=9, mtime=0)).decode()
    with open(args.out, "w") as f:
        f.write("// Generated by scripts/generate.sh from " + args.source + ". Do not edit.\n")
        f.write("// Gzipped JSON, base64: see scripts/generate.py for the layout.\n")
        f.write(f'export const KUBERNETES_SCHEMAS = "{packed}";\n')
    print(f"{args.out}: {len(versions)} versions {versions}, {len(schemas)} distinct schemas, "
          f"{len(raw)} bytes of JSON, {len(packed)} bytes gzipped and base64-encoded")


if __name__ == "__main__":
    main()
