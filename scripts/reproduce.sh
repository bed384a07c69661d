#!/usr/bin/env bash
# The main job: builds prunebench and runs the experiments, writing results/<run-id>/ (CSV, manifest.json,
# index.html) and pointing results/latest at it.
#   scripts/reproduce.sh                 standard scale, every experiment
#   scripts/reproduce.sh quick           CI scale (minutes)
#   scripts/reproduce.sh full            the papers' budgets
#   EXPERIMENTS=formats-storage scripts/reproduce.sh quick     one experiment (comma-separated ids)
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
. "$ROOT/scripts/find-jdk.sh"
SCALE="${1:-standard}"
case "$SCALE" in quick|standard|full) ;; *) echo "reproduce.sh: scale must be quick, standard or full, got '$SCALE'" >&2; exit 2 ;; esac
cd "$ROOT"
exec ./mvnw -B -ntp -Pexperiments verify -Dscale="$SCALE" -Dexperiments="${EXPERIMENTS:-all}" ${REGRESS:+-Dregress=true}
