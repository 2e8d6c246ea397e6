#!/usr/bin/env bash
# Screenshots of the pull request comment as GitHub renders it, for docs/comment-screenshots/:
# the clean case (examples/minimal), the insecure one (examples/insecure) and the large one (the
# Action's snapshot of 50 failing Deployments). Needs Debian's chromium and cmark-gfm (GitHub's
# own Markdown renderer): apt-get install -y chromium cmark-gfm fonts-liberation2
# fonts-noto-color-emoji.
# Mermaid is not run (no network): its block shows as code. <details> are shown open.
set -euo pipefail
cd "$(dirname "$0")/.."
out=docs/comment-screenshots
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$out"

node packages/cli/bin/scout-deploy.js check --config examples/minimal/scout-deploy.yaml --format markdown >"$work/clean.md" || true
node packages/cli/bin/scout-deploy.js check --config examples/insecure/scout-deploy.yaml --format markdown >"$work/insecure.md" || true
cp packages/action/src/__snapshots__/comment-50-deployments.md "$work/large.md"

css='body{font-family:"Liberation Sans","DejaVu Sans",sans-serif;font-size:14px;line-height:1.5;color:#1f2328;max-width:1180px;margin:16px auto;padding:16px 24px;border:1px solid #d0d7de;border-radius:6px}
table{border-collapse:collapse;margin:0 0 16px;width:100%}th,td{border:1px solid #d0d7de;padding:6px 13px;vertical-align:top}td:nth-child(-n+3){white-space:nowrap}tr:nth-child(2n){background:#f6f8fa}
code,pre{font-family:ui-monospace,SFMono-Regular,Menlo,monospace;font-size:85%;background:#eff1f3;border-radius:6px}code{padding:.2em .4em}pre{padding:16px;overflow:auto}
a{color:#0969da;text-decoration:none}h2{border-bottom:1px solid #d8dee4;padding-bottom:.3em}summary{cursor:pointer}'

# shot NAME HEIGHT [SCRIPT]: the page's top HEIGHT pixels, after SCRIPT ran (e.g. a scroll).
shot() {
  local name=$1 height=$2 script=${3:-}
  local html="$work/$1.html"
  {
    printf '<!doctype html><meta charset="utf-8"><style>%s</style><body>\n' "$css"
    cmark-gfm --unsafe -e table -e autolink -e strikethrough -e tasklist "$work/${name%-end}.md" |
      sed 's/<details>/<details open>/g'
    [ -n "$script" ] && printf '<script>%s</script>\n' "$script"
  } >"$html"
  chromium --headless --no-sandbox --disable-gpu --hide-scrollbars --virtual-time-budget=2000 \
    --window-size=1260,"$height" --screenshot="$out/$name.png" "file://$html" 2>/dev/null
  echo "$out/$name.png"
}

shot clean 2100
shot insecure 4200
# The large comment is 60,000 characters: its top, and its end where the table is cut.
shot large 2400
shot large-end 1400 'document.body.style.marginTop = (innerHeight - document.body.offsetHeight - 40) + "px"'
