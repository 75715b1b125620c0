#!/usr/bin/env bash
# `nlhf rank --html`: the page renders in headless Chromium (Debian's chromium-headless-shell, installed by
# scripts/install-deps.sh), its DOM holds the ranking table with one row per candidate, the equilibrium
# bar chart and the heat map, and it refers to nothing outside itself (no script, stylesheet, image or
# font fetched: the page must work offline and leak nothing).
#   tests/html_page_test.sh NLHF_CLI SOURCE_DIR
set -euo pipefail
nlhf=$1
source_dir=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

"$nlhf" rank "$source_dir/tests/data/ranking/battles.csv" --bootstrap 20 --seed 1 --html "$work/page.html" > /dev/null
page="$work/page.html"

# Self-contained: no attribute or rule that loads anything (the SVG namespace is a name, not a fetch).
if grep -Eion '(src|href)[[:space:]]*=|url\(|@import|<script|<link|<iframe|<img|<object|<embed' "$page"; then
  echo "FAIL: the page refers to an outside resource (lines above)"; exit 1
fi

browser=$(command -v chromium-headless-shell || command -v chromium || true)
if [ -z "$browser" ]; then
  echo "SKIP: no headless Chromium (scripts/install-deps.sh installs Debian's chromium-headless-shell)"
  exit 77
fi
# --no-sandbox: CI runs as root, where Chromium's sandbox refuses to start.
chrome=("$browser" --headless --no-sandbox --disable-gpu --no-first-run --user-data-dir="$work/profile")
timeout 120 "${chrome[@]}" --dump-dom "file://$page" > "$work/dom.html" 2> "$work/chromium.log" || {
  echo "FAIL: Chromium could not render the page"; cat "$work/chromium.log"; exit 1; }
timeout 120 "${chrome[@]}" --window-size=1200,1200 --screenshot="$work/page.png" "file://$page" \
  >> "$work/chromium.log" 2>&1 || { echo "FAIL: no screenshot"; cat "$work/chromium.log"; exit 1; }

expect() {  # COUNT PATTERN: the rendered DOM holds PATTERN exactly COUNT times
  local found
  found=$(grep -o "$2" "$work/dom.html" | wc -l)
  if [ "$found" -ne "$1" ]; then echo "FAIL: expected $1 × '$2' in the rendered page, found $found"; exit 1; fi
}
expect 1 '<table class="ranking">'
expect 5 '<tr>'                      # the header and the four candidates
expect 1 '<svg class="mixture"'
expect 4 '<rect class="bar"'
expect 1 '<svg class="heatmap"'
expect 1 '<td class="name">d</td>'
# A PNG of real content: the signature, and more than a blank page's few kilobytes.
if [ "$(head -c 8 "$work/page.png" | od -An -tx1 | tr -d ' \n')" != "89504e470d0a1a0a" ]; then
  echo "FAIL: the screenshot is not a PNG"; exit 1
fi
size=$(stat -c %s "$work/page.png")
if [ "$size" -lt 20000 ]; then echo "FAIL: the screenshot is nearly blank ($size bytes)"; exit 1; fi
echo "PASS: the page renders in $("$browser" --version 2>/dev/null | head -1) and is self-contained"
