#!/usr/bin/env bash
# Sets up a fresh machine that has Node.js 20+ (and Go, for the real external tools):
# pnpm, the workspace's packages, and the binaries the tests run for real.
set -euo pipefail
cd "$(dirname "$0")/.."

PNPM_VERSION=10.34.9
if [ "$(pnpm --version 2>/dev/null || true)" != "$PNPM_VERSION" ]; then
  npm install --global "pnpm@$PNPM_VERSION"
fi
pnpm install --frozen-lockfile

for installer in scripts/install-*.sh; do
  [ -e "$installer" ] || continue
  echo "setup: $installer"
  bash "$installer"
done
