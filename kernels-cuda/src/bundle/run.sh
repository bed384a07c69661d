#!/usr/bin/env bash
# The GPU check, self-contained (built by scripts/gpu-check.sh --bundle-only): a jlinked Java runtime, the slim jars
# (core, measure, kernels-cuda, JCuda), and this launcher. Needs nothing from the machine but the NVIDIA driver
# (libcuda.so.1) and the CUDA libraries (cuBLAS 13 or 12, cuSPARSE 12), found in the usual places including the
# Python environment's NVIDIA wheels (site-packages/nvidia/cu13/lib, nvidia/*/lib).
#   ./run.sh                 the check: results under $OUT when set, else under this folder (results/)
#   ./run.sh --size 1024     a smaller smoke run (GpuCheck's options: --size M, --rounds R)
# Exit status: 0 done; 2 no GPU driver or no GPU (one line says which; nothing is written); 1 a failure.
# PRUNEBENCH_NCU=0 skips the Nsight Compute pass; PRUNEBENCH_TORCH=0 skips the PyTorch cross-check.
set -uo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
say() { printf '[gpu-check] %s\n' "$*"; }

# 1. The driver, before anything else (no output folder yet): libcuda.so.1 from the loader cache or the usual folders.
driver=""
if command -v ldconfig >/dev/null 2>&1 || [ -x /sbin/ldconfig ]; then
  driver=$( (ldconfig -p 2>/dev/null || /sbin/ldconfig -p 2>/dev/null) | awk '$1 == "libcuda.so.1" { print $NF; exit }')
fi
if [ -z "$driver" ]; then
  for d in ${LD_LIBRARY_PATH:+${LD_LIBRARY_PATH//:/ }} /usr/lib/x86_64-linux-gnu /usr/lib64 /usr/lib /usr/local/nvidia/lib64 /usr/local/nvidia/lib \
           /usr/lib/wsl/lib /run/opengl-driver/lib; do
    [ -e "$d/libcuda.so.1" ] && { driver="$d/libcuda.so.1"; break; }
  done
fi
if [ -z "$driver" ]; then
  echo "[gpu-check] no GPU driver found: libcuda.so.1 is not in the loader cache, LD_LIBRARY_PATH or the usual folders$(command -v nvidia-smi >/dev/null 2>&1 || echo ', and nvidia-smi is absent'); this check needs an NVIDIA GPU and its driver"
  exit 2
fi
if command -v nvidia-smi >/dev/null 2>&1; then
  gpus=$(timeout 20 nvidia-smi -L 2>&1)
  if ! grep -q '^GPU ' <<<"$gpus"; then
    echo "[gpu-check] no GPU: the driver is there ($driver) but nvidia-smi lists no GPU ($(head -n1 <<<"$gpus"))"
    exit 2
  fi
fi

# 2. The CUDA libraries: each named, found or missing (cuda-libs.sh, shared with scripts/gpu-check.sh).
. "$HERE/cuda-libs.sh"
say "driver: $driver"
pb_cuda_libs
export LD_LIBRARY_PATH="${libdirs}${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
unset NVIDIA_TF32_OVERRIDE  # cuBLAS FP32 stays FP32

# 3. The output folder, only now.
OUT_DIR="${OUT:-$HERE/results}"
created=0; [ -d "$OUT_DIR" ] || created=1
mkdir -p "$OUT_DIR" || { echo "[gpu-check] cannot create $OUT_DIR" >&2; exit 1; }
JAVA="$HERE/runtime/bin/java"
[ -x "$JAVA" ] || { echo "[gpu-check] FAILED: the bundle's runtime is missing ($JAVA): rebuild with scripts/gpu-check.sh --bundle-only" >&2; exit 1; }
say "output: $OUT_DIR"
"$JAVA" -Xss4m --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED -Djava.io.tmpdir="${TMPDIR:-/tmp}" \
  -Dprunebench.cuda.libs="$libdirs" -cp "$HERE/lib/*" dev.prunebench.kernels.cuda.GpuCheck --out "$OUT_DIR" "$@" 2>&1 | tee "$OUT_DIR/gpu-check.log"
rc=${PIPESTATUS[0]}
# exit 2: the runtime found no usable GPU after all; leave no folder behind that this run created
[ "$rc" = 2 ] && [ "$created" = 1 ] && rm -rf "$OUT_DIR"
[ "$rc" = 0 ] || exit "$rc"

# 4. Optional passes beside the run: Nsight Compute metrics, the PyTorch cross-check.
RUN=$(readlink -f "$OUT_DIR/latest" 2>/dev/null || ls -d "$OUT_DIR"/*-gpu-check 2>/dev/null | tail -n1)
if [ "${PRUNEBENCH_TORCH:-1}" != 0 ] && [ -f "$HERE/torch-crosscheck.py" ]; then
  py=$(command -v python3 || true)
  if [ -n "$py" ]; then
    timeout 240 "$py" "$HERE/torch-crosscheck.py" --out "${RUN:-$OUT_DIR}/torch_crosscheck.csv" 2>&1 | tee -a "$OUT_DIR/gpu-check.log"
  else say "PyTorch cross-check skipped: no python3"; fi
fi
if [ "${PRUNEBENCH_NCU:-1}" != 0 ] && command -v ncu >/dev/null 2>&1 && [ -n "${RUN:-}" ]; then
  say "Nsight Compute: global load efficiency and kernel time at g = 1 and 32, 80 % and 98 %, N = 50 ..."
  timeout 150 ncu --target-processes all --metrics smsp__sass_average_data_bytes_per_sector_mem_global_op_ld.pct,gpu__time_duration.sum \
    --csv --log-file "$RUN/ncu.csv" \
    "$JAVA" -Xss4m --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED -Dprunebench.cuda.libs="$libdirs" -cp "$HERE/lib/*" \
    dev.prunebench.kernels.cuda.GpuCheck --profile >> "$OUT_DIR/gpu-check.log" 2>&1 \
    && say "ncu metrics: $RUN/ncu.csv" || say "ncu pass failed or timed out (see $OUT_DIR/gpu-check.log): the run above stands"
fi
exit 0
