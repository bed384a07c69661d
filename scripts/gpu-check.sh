#!/usr/bin/env bash
# One command for a machine with an NVIDIA GPU: checks the driver and the toolkit libraries, builds, runs the
# GPU-tagged tests (mandatory here: they fail instead of skipping without a GPU), and runs the experiment
# hartenstein-spmm-gpu at quick scale if this build has it. Logs go to target/gpu-check/.
#   scripts/gpu-check.sh            everything
#   scripts/gpu-check.sh --no-run   without the experiment
# Exit status: 0 all ran and passed; 2 no GPU or driver (nothing was built); 1 a step failed.
set -uo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT" || exit 1
LOG="$ROOT/target/gpu-check"
RUN_EXPERIMENT=1
[ "${1:-}" = "--no-run" ] && RUN_EXPERIMENT=0
say() { printf '[gpu-check] %s\n' "$*"; }
fail() { printf '[gpu-check] FAILED: %s\n' "$1" >&2; exit "${2:-1}"; }

# 1. GPU and driver: fail fast, before building anything.
command -v nvidia-smi >/dev/null 2>&1 || fail "no NVIDIA driver: nvidia-smi is not on PATH (install the NVIDIA driver; a GPU is needed for this check)" 2
mkdir -p "$LOG" # only once a driver is there: a machine without one is left as it was
if ! nvidia-smi -L > "$LOG/nvidia-smi.txt" 2>&1 || ! grep -q '^GPU ' "$LOG/nvidia-smi.txt"; then
  cat "$LOG/nvidia-smi.txt" >&2
  fail "nvidia-smi finds no GPU (driver not loaded, or no device visible to this user/container)" 2
fi
say "GPU: $(head -n1 "$LOG/nvidia-smi.txt")"
DRIVER=$(nvidia-smi --query-gpu=driver_version --format=csv,noheader 2>/dev/null | head -n1)
CUDA_DRV=$(nvidia-smi 2>/dev/null | sed -n 's/.*CUDA Version: *\([0-9.]*\).*/\1/p' | head -n1)
say "driver $DRIVER, supports CUDA ${CUDA_DRV:-?}"
if [ -n "$CUDA_DRV" ] && [ "${CUDA_DRV%%.*}" -lt 13 ]; then
  say "note: our PTX kernels (cuda-csr-*, cuda-gcsr, cuda-nm, cuda-sgemm-tiled) are PTX 9.0 from CUDA 13.0 and need a driver for CUDA 13.0+ (R580+);"
  say "      with this driver they report 'unavailable' and fail the mandatory GPU tests. Update the driver, or rebuild the PTX with"
  say "      an older nvcc: kernels-cuda/src/main/cuda/build-ptx.sh --update (cuBLAS and cuSPARSE run either way)."
fi

# 2. Toolkit libraries JCuda 12.6 loads at run time: libcublas.so.12 (+ libcublasLt.so.12) and libcusparse.so.12.
find_lib() { # prints the directory holding $1, searching LD_LIBRARY_PATH, the loader cache and /usr/local/cuda*/lib64
  local d
  for d in ${LD_LIBRARY_PATH//:/ }; do [ -e "$d/$1" ] && { echo "$d"; return 0; }; done
  d=$(ldconfig -p 2>/dev/null | awk -v l="$1" '$1 == l { print $NF; exit }')
  [ -n "$d" ] && { dirname "$d"; return 0; }
  for d in /usr/local/cuda/lib64 /usr/local/cuda-12*/lib64 /usr/local/cuda-13*/lib64 /usr/lib/x86_64-linux-gnu; do
    [ -e "$d/$1" ] && { echo "$d"; return 0; }
  done
  return 1
}
MISSING=0
for lib in libcublas.so.12 libcublasLt.so.12 libcusparse.so.12; do
  if dir=$(find_lib "$lib"); then
    say "$lib: $dir"
    case ":${LD_LIBRARY_PATH:-}:" in *":$dir:"*) ;; *) export LD_LIBRARY_PATH="$dir${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"; say "  (added $dir to LD_LIBRARY_PATH)";; esac
  else
    MISSING=1
    case "$lib" in
      libcublas*) say "MISSING $lib: cublas-sgemm will be unavailable (install the CUDA 12 cuBLAS runtime, e.g. the libcublas-12-x package; a CUDA 13 toolkit ships cuBLAS 13, which JCuda 12.6 cannot use)";;
      *) say "MISSING $lib: cusparse-csr* will be unavailable (install cuSPARSE 12, e.g. libcusparse-12-x, or a CUDA 13 toolkit, which ships cuSPARSE 12)";;
    esac
  fi
done
command -v nvcc >/dev/null 2>&1 || [ -x /usr/local/cuda/bin/nvcc ] || say "nvcc not found: fine, the committed PTX is used (nvcc only rebuilds it)"

# 3. Build.
. "$ROOT/scripts/find-jdk.sh" || fail "no JDK 21+ found"
say "building (./mvnw -DskipTests package) ..."
./mvnw -B -ntp -q -DskipTests package > "$LOG/build.log" 2>&1 || { tail -n 40 "$LOG/build.log" >&2; fail "build failed (log: $LOG/build.log)"; }

# 4. GPU tests, mandatory: without a usable GPU, driver or library they fail with the reason.
say "GPU tests (-Dgroups=gpu -Dprunebench.gpu.required=true) ..."
if ! ./mvnw -B -ntp verify -pl kernels-cuda -am -Dgroups=gpu -Dprunebench.gpu.required=true -Dsurefire.failIfNoSpecifiedTests=false \
      > "$LOG/gpu-tests.log" 2>&1; then
  grep -E 'Tests run:|FAIL|required|unavailable' "$LOG/gpu-tests.log" | head -n 30 >&2
  [ "$MISSING" = 1 ] && say "(libraries were missing, see above)"
  fail "GPU tests failed (log: $LOG/gpu-tests.log)"
fi
grep -E 'Tests run:.*CudaGpuTest' "$LOG/gpu-tests.log" | tail -n 1 | sed 's/^/[gpu-check] /'

# 5. The experiment, if this build has it.
if [ "$RUN_EXPERIMENT" = 1 ]; then
  if scripts/prunebench list 2>/dev/null | grep -q 'hartenstein-spmm-gpu'; then
    say "running hartenstein-spmm-gpu --scale quick ..."
    scripts/prunebench run hartenstein-spmm-gpu --scale quick 2>&1 | tee "$LOG/experiment.log" || fail "hartenstein-spmm-gpu failed (log: $LOG/experiment.log)"
    say "results: $ROOT/results/latest"
  else
    say "experiment hartenstein-spmm-gpu is not in this build yet: skipped (scripts/prunebench list)"
  fi
fi
say "done; logs in $LOG"
