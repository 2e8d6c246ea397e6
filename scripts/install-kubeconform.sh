#!/usr/bin/env bash
# Installs kubeconform (pinned) with `go install`, and writes an offline schema folder for it
# from the embedded validator's bundled schemas (CI reaches no schema server).
# Idempotent. Prints where both are. Needs Go, and `pnpm turbo run build
# --filter=@scout-deploy/kubeconform` for the schema folder (skipped with a note otherwise).
#   KUBECONFORM_SCHEMAS_DIR   where to write the schema folder
#                             (default: $HOME/.cache/scout-deploy/kubeconform-schemas)
set -euo pipefail
VERSION="v0.7.0"
root="$(cd "$(dirname "$0")/.." && pwd)"
gobin="$(go env GOPATH)/bin"
binary="$gobin/kubeconform"

if [[ -x "$binary" ]] && [[ "$("$binary" -v 2>/dev/null)" =~ ^(${VERSION}|development)$ ]] \
  && [[ -f "$gobin/.kubeconform-${VERSION}" ]]; then
  echo "kubeconform ${VERSION} already installed"
else
  go install "github.com/yannh/kubeconform/cmd/kubeconform@${VERSION}"
  touch "$gobin/.kubeconform-${VERSION}"
fi
echo "kubeconform: $binary"

schemas="${KUBECONFORM_SCHEMAS_DIR:-$HOME/.cache/scout-deploy/kubeconform-schemas}"
cli="$root/packages/kubeconform/dist/offline-cli.js"
if [[ -f "$cli" ]]; then
  rm -rf "$schemas"
  node "$cli" "$schemas"
  echo "kubeconform schemas: $schemas (use -schema-location $schemas, or SCOUT_KUBECONFORM_SCHEMA_LOCATION=$schemas)"
else
  echo "kubeconform schemas: not written ($cli is not built yet; build packages/kubeconform and run again)"
fi
