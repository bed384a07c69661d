#!/usr/bin/env bash
# Compiles src/main/cuda/spmm.cu to PTX with nvcc (target compute_75, the oldest CUDA 13 accepts), when nvcc is present.
#   build-ptx.sh OUTDIR          compile to OUTDIR/spmm.ptx (the build's check that the source compiles)
#   build-ptx.sh --update        also replace the committed resource and its source checksum (run after editing spmm.cu)
# Without nvcc it says so and succeeds: the committed PTX resource (src/main/resources/…/spmm.ptx) is what ships.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
res="$here/../resources/dev/prunebench/kernels/cuda"
update=0; out=""
for a in "$@"; do case "$a" in --update) update=1 ;; *) out="$a" ;; esac; done
[ -n "$out" ] || out="$here/../../../target/ptx"
nvcc=${NVCC:-}
if [ -z "$nvcc" ]; then
  if command -v nvcc >/dev/null 2>&1; then nvcc=$(command -v nvcc)
  elif [ -x /usr/local/cuda/bin/nvcc ]; then nvcc=/usr/local/cuda/bin/nvcc; fi
fi
if [ -z "$nvcc" ]; then
  echo "[kernels-cuda] nvcc not found (PATH, /usr/local/cuda/bin): PTX not recompiled; the committed spmm.ptx is used"
  [ "$update" = 1 ] && { echo "--update needs nvcc" >&2; exit 1; }
  exit 0
fi
mkdir -p "$out"
"$nvcc" -ptx -arch=compute_75 -O3 -o "$out/spmm.ptx" "$here/spmm.cu"
echo "[kernels-cuda] $("$nvcc" --version | tail -n 2 | head -n 1): spmm.cu -> $out/spmm.ptx"
if [ "$update" = 1 ]; then
  cp "$out/spmm.ptx" "$res/spmm.ptx"
  sha256sum "$here/spmm.cu" | cut -d' ' -f1 > "$res/spmm.cu.sha256"
  echo "[kernels-cuda] updated $res/spmm.ptx and spmm.cu.sha256"
fi
