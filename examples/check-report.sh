#!/usr/bin/env bash
# Renders the incident replay's HTML report headless, as a reader's browser would, to check it by eye:
#   examples/check-report.sh [report.html]   (default: target/warmpool-incident-report.html, from the demo command)
# Needs Chromium (Debian: apt-get install -y chromium). Writes a PNG screenshot and a PDF beside the report.
set -euo pipefail
report="$(realpath "${1:-target/warmpool-incident-report.html}")"
browser="$(command -v chromium || command -v chromium-browser || command -v google-chrome || true)"
if [[ -z "$browser" ]]; then
  echo "no Chromium found; install it (apt-get install -y chromium) or open $report in a browser" >&2
  exit 1
fi
out="${report%.html}"
flags=(--headless --no-sandbox --disable-gpu --hide-scrollbars --no-first-run)
"$browser" "${flags[@]}" --window-size=1100,2000 --screenshot="$out.png" "file://$report" 2>/dev/null
"$browser" "${flags[@]}" --no-pdf-header-footer --print-to-pdf="$out.pdf" "file://$report" 2>/dev/null
ls -l "$out.png" "$out.pdf"
