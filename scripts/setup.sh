#!/usr/bin/env bash
# Sets up a fresh machine that has Node.js 20+.
#   bash scripts/setup.sh          pnpm, the workspace's packages, and the CLI bundled from its
#                                  sources: all the main job needs (Node only, never Go)
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

# Runs installers one after another into a log, each timed; stops at the first that fails.
install_lane() {
  local log="$1" installer start
  shift
  for installer in "$@"; do
    start=$(date +%s)
    echo "setup: $installer" >>"$log"
    if ! bash "$installer" >>"$log" 2>&1; then
      echo "setup: $installer FAILED" >>"$log"
      return 1
    fi
    echo "setup: $installer done in $(($(date +%s) - start)) s" >>"$log"
  done
}

# The Go builds are most of a cold setup (cosign, helm, the oracles over k8s.io/kubernetes and
# Prometheus: half an hour on two cores). Two lanes run beside the Node setup, so that one
# lane's downloads and links overlap the other's compiles. The oracles share their k8s.io
# modules, so they take one lane in turn and build each shared package once; cosign, helm and
# the other tools take the other (a cold run with load 9-15: 29 and 30 minutes of work each
# when both run, cosign alone 18 of them).
# kubeconform waits for the Node build: it writes its schema folder with packages/kubeconform.
lanes=()
if [ "$tools" = true ]; then
  logs="$(mktemp -d)"
  oracles=()
  others=()
  for installer in scripts/install-*.sh; do
    case "$installer" in
      */install-kubeconform.sh) ;;
      *-oracle.sh) oracles+=("$installer") ;;
      *) others+=("$installer") ;;
    esac
  done
  install_lane "$logs/tools.log" "${others[@]}" &
  lanes+=("$!:$logs/tools.log")
  install_lane "$logs/oracles.log" "${oracles[@]}" &
  lanes+=("$!:$logs/oracles.log")
fi

PNPM_VERSION=10.34.9
if [ "$(pnpm --version 2>/dev/null || true)" != "$PNPM_VERSION" ]; then
  npm install --global "pnpm@$PNPM_VERSION"
fi
pnpm install --frozen-lockfile
if [ "$tools" = true ]; then
  # The tests (and the kubeconform schema writer below) use every package's dist/.
  pnpm turbo run build --filter=scout-deploy...
else
  # The main job needs only the command: esbuild bundles it from the TypeScript sources in
  # seconds, where tsc's build of the packages takes a minute on two cores. `pnpm build` (and
  # `pnpm test`, which builds first) makes every package's dist/ as before.
  pnpm --filter scout-deploy exec node scripts/bundle.mjs --from-source
fi

if [ "$tools" = true ]; then
  echo "setup: scripts/install-kubeconform.sh"
  bash scripts/install-kubeconform.sh
  failed=0
  for lane in "${lanes[@]}"; do
    wait "${lane%%:*}" || failed=1
    cat "${lane#*:}"
  done
  rm -rf "$logs"
  if [ "$failed" -ne 0 ]; then
    echo "setup: an installer failed (its output is above)" >&2
    exit 1
  fi
fi
