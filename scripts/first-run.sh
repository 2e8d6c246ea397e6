#!/usr/bin/env bash
# Tries the README's commands as a new user would: a fresh clone of HEAD, an empty HOME (so
# pnpm downloads every package), and a `go` on PATH that records any call and fails.
# The main job must finish without calling `go`; prints the wall time of each command.
#   bash scripts/first-run.sh          the README's first command (the main job)
#   bash scripts/first-run.sh --test   then the test command too (installs the Go tools)
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d)"
clone="$work/clone"
export HOME="$work/home"
mkdir -p "$HOME" "$work/stub"
git clone --quiet "$repo" "$clone"

# The stub shadows every real go for the main job.
go_calls="$work/go-calls"
cat >"$work/stub/go" <<STUB
#!/usr/bin/env bash
echo "go \$*" >>"$go_calls"
echo "first-run: the main job called go \$*" >&2
exit 97
STUB
chmod +x "$work/stub/go"
# As on a fresh machine, pnpm is not installed: setup.sh installs it with npm, into a global
# prefix inside the empty HOME (this machine's own global pnpm is hidden, left untouched).
export NPM_CONFIG_PREFIX="$HOME/.npm-global"
mkdir -p "$work/no-pnpm"
printf '#!/bin/sh\nexit 127\n' >"$work/no-pnpm/pnpm"
chmod +x "$work/no-pnpm/pnpm"
real_path="$NPM_CONFIG_PREFIX/bin:$work/no-pnpm:$PATH"

cd "$clone"
start=$(date +%s)
PATH="$work/stub:$real_path" bash -c \
  'bash scripts/setup.sh && pnpm exec scout-deploy check --config examples/minimal/scout-deploy.yaml'
main_seconds=$(($(date +%s) - start))
if [ -s "$go_calls" ]; then
  echo "first-run: FAIL, the main job called go:" >&2
  cat "$go_calls" >&2
  exit 1
fi
echo "first-run: main job $((main_seconds / 60)) min $((main_seconds % 60)) s, no go call (load average: $(cut -d' ' -f1-3 /proc/loadavg))"

if [ "${1:-}" = "--test" ]; then
  start=$(date +%s)
  status=0
  PATH="$HOME/go/bin:$real_path" bash -c 'bash scripts/setup.sh --tools && setup_done=$(date +%s) &&
    echo "first-run: setup --tools done after $((setup_done - '"$start"')) s" && pnpm test' || status=$?
  test_seconds=$(($(date +%s) - start))
  echo "first-run: test command $((test_seconds / 60)) min $((test_seconds % 60)) s, exit $status (load average: $(cut -d' ' -f1-3 /proc/loadavg))"
  if [ "$status" -ne 0 ]; then
    echo "first-run: the clone is kept: $clone" >&2
    exit "$status"
  fi
fi
rm -rf "$work"
