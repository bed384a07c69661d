#!/usr/bin/env bash
# Refreshes results/baseline/: runs every experiment at quick scale and makes that run the committed reference
# that `prunebench compare` and `-Pexperiments -Dregress=true` check against. Run it on the machine class the
# baseline stands for (its hardware fingerprint is in results/baseline/manifest.json), then commit results/baseline.
#   scripts/refresh-baseline.sh            quick scale, all experiments
#   SCALE=standard scripts/refresh-baseline.sh
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
SCALE="${SCALE:-quick}"
cd "$ROOT"
"$ROOT/scripts/prunebench" run all --scale "$SCALE" --out "$ROOT/results" --quiet
RUN="$(readlink -f "$ROOT/results/latest")"
[ -f "$RUN/manifest.json" ] || { echo "refresh-baseline: $RUN has no manifest.json; baseline left as it was" >&2; exit 1; }
# copy beside, then swap, so an interrupted refresh never leaves half a baseline
TMP="$ROOT/results/.baseline-new"
rm -rf "$TMP" "$ROOT/results/.baseline-old"
cp -r "$RUN" "$TMP"
# the networks the accuracy experiments keep (<experiment>/models/) are inputs for later experiments of a run, not
# reference numbers: the committed baseline holds tables and metrics only
find "$TMP" -mindepth 2 -maxdepth 2 -type d -name models -exec rm -rf {} +
[ -d "$ROOT/results/baseline" ] && mv "$ROOT/results/baseline" "$ROOT/results/.baseline-old"
mv "$TMP" "$ROOT/results/baseline"
rm -rf "$ROOT/results/.baseline-old"
echo "baseline: results/baseline <- $(basename "$RUN")"
echo "hardware: $(grep -o '"fingerprint" *: *"[^"]*"' "$ROOT/results/baseline/manifest.json" | head -1)"
echo "commit it with: git add results/baseline && git commit -m 'Refresh quick-scale baseline'"
