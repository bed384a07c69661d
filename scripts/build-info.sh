#!/bin/sh
# Records the commit the jar is built from (run by core's pom at generate-resources): writes FILE with
# commit=<hash or unknown>, dirty=<true|false|unknown>, version, built (UTC). Never fails the build.
# Usage: scripts/build-info.sh FILE VERSION
out="$1"; version="${2:-unknown}"
mkdir -p "$(dirname "$out")"
commit=$(git rev-parse HEAD 2>/dev/null) || commit=unknown
if [ "$commit" = unknown ]; then dirty=unknown
elif [ -n "$(git status --porcelain --untracked-files=no 2>/dev/null)" ]; then dirty=true
else dirty=false; fi
printf 'commit=%s\ndirty=%s\nversion=%s\nbuilt=%s\n' "$commit" "$dirty" "$version" "$(date -u +%Y-%m-%dT%H:%M:%SZ)" > "$out.tmp" && mv "$out.tmp" "$out"
exit 0
