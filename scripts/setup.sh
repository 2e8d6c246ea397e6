#!/usr/bin/env bash
# Sets up a fresh machine that has Node.js 20+.
#   bash scripts/setup.sh          pnpm, the workspace's packages, and a build of the CLI:
#                                  all the main job needs (Node only, never Go)
#   bash scripts/setup.sh --tools  also the external tools that only the tests run for real
#                                  (scripts/install-*.sh: kubeconform, netpol-analyzer, helm,
#                                  actionlint, cosign, the RBAC, Pod Security admission,
#                                  secret, NetworkPolicy dataplane and Prometheus oracles, and the YAML
#                                  oracle where kubectl is missing;
#                                  these need Go and take minutes)
set -euo pipefail
cd "$(dirname "$0")/.."

tools=false
for arg in "$@"; do
  case "$arg" in
    --tools) tools=true ;;
    *)
      echo "setup.sh: unknown argument \"$arg\" (usage: bash scripts/setup.sh [--tools])" >&2
      exit 2
      ;;
  esac
done

PNPM_VERSION=10.34.9
if [ "$(pnpm --version 2>/dev/null || true)" != "$PNPM_VERSION" ]; then
  npm install --global "pnpm@$PNPM_VERSION"
fi
pnpm install --frozen-lockfile
pnpm turbo run build --filter=scout-deploy...

if [ "$tools" = true ]; then
  for installer in scripts/install-*.sh; do
    [ -e "$installer" ] || continue
    echo "setup: $installer"
    bash "$installer"
  done
fi
