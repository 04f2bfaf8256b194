#!/usr/bin/env bash
# Opens an anneal report (OUT/report.html) in a real headless browser, Debian's chromium
# (apt-get install -y chromium), and saves a screenshot of it. Not part of npm test.
#
#   bash scripts/screenshot_report.sh REPORT.html [SHOT.png] [WIDTHxHEIGHT]
#
# The browser runs with a fresh empty profile and with its own network traffic turned off (no
# background updates, sync or QUIC), so what the screenshot shows comes from the file alone.
set -euo pipefail
report=${1:?usage: bash scripts/screenshot_report.sh REPORT.html [SHOT.png] [WIDTHxHEIGHT]}
shot=${2:-${report%.html}.png}
size=${3:-1280x2400}
[ -f "$report" ] || { echo "screenshot_report.sh: $report does not exist" >&2; exit 2; }
browser=$(command -v chromium || command -v chromium-browser || true)
[ -n "$browser" ] || { echo "screenshot_report.sh: chromium is not installed (apt-get install -y chromium)" >&2; exit 2; }
profile=$(mktemp -d)
trap 'rm -rf "$profile"' EXIT
url="file://$(realpath "$report")"
shot_abs="$(realpath -m "$shot")"
"$browser" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run --disable-background-networking \
  --disable-component-update --disable-sync --hide-scrollbars --user-data-dir="$profile" \
  --window-size="${size/x/,}" --screenshot="$shot_abs" "$url" 2>"$profile/stderr.log" || { cat "$profile/stderr.log" >&2; exit 1; }
[ -s "$shot_abs" ] || { echo "screenshot_report.sh: chromium wrote no screenshot" >&2; cat "$profile/stderr.log" >&2; exit 1; }
echo "$shot"
