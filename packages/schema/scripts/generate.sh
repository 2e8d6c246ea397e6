#!/usr/bin/env bash
# Regenerates src/generated/kubernetes-schemas.ts from PyPI's kubernetes-validate (pinned below):
# a throw-away venv, then scripts/generate.py compacts the three newest minor versions.
set -euo pipefail
KUBERNETES_VALIDATE_VERSION="1.37.0"
here="$(cd "$(dirname "$0")" && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
python3 -m venv "$work/venv"
"$work/venv/bin/pip" install --quiet --no-deps "kubernetes-validate==${KUBERNETES_VALIDATE_VERSION}"
"$work/venv/bin/python" "$here/generate.py" \
  --source "kubernetes-validate==${KUBERNETES_VALIDATE_VERSION}" \
  --out "$here/../src/generated/kubernetes-schemas.ts"
