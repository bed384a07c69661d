#!/usr/bin/env bash
# The GPU check from a checkout.
#   scripts/gpu-check.sh --bundle-only   build the self-contained GPU bundle into target/gpu-bundle/ (a jlinked runtime,
#                                        the slim jars, run.sh) and print its packed size; needs a JDK >= 22 with jlink,
#                                        no GPU. Copy target/gpu-bundle.tar.gz to a GPU machine (no JDK needed there)
#                                        and run gpu-bundle/run.sh.
#   scripts/gpu-check.sh                 on a machine with a GPU and a JDK: checks the driver and the CUDA libraries,
#                                        builds the bundle, runs the GPU-tagged tests (mandatory here: they fail instead
#                                        of skipping), then the check (target/gpu-bundle/run.sh, results under results/).
#   scripts/gpu-check.sh --no-run        the same without the check itself.
# Exit status: 0 all ran and passed; 2 no GPU or driver (nothing was built or written); 1 a step failed.
set -uo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT" || exit 1
LOG="$ROOT/target/gpu-check"
RUN_CHECK=1; BUNDLE_ONLY=0
for a in "$@"; do
  case "$a" in
    --no-run) RUN_CHECK=0 ;;
    --bundle-only) BUNDLE_ONLY=1 ;;
    -h|--help) sed -n '2,12p' "$0"; exit 0 ;;
    *) echo "[gpu-check] unknown argument $a (--bundle-only, --no-run)" >&2; exit 1 ;;
  esac
done
say() { printf '[gpu-check] %s\n' "$*"; }
fail() { printf '[gpu-check] FAILED: %s\n' "$1" >&2; exit "${2:-1}"; }

# Builds target/gpu-bundle/ with ./mvnw: offline first (a filled ~/.m2 is enough), then with the network.
build_bundle() {
  local args=(-B -ntp -q -Pgpu-bundle -pl kernels-cuda -am package -DskipTests -Dptx.skip=true)
  mkdir -p "$ROOT/target"
  if ./mvnw -o "${args[@]}" > "$ROOT/target/gpu-bundle.log" 2>&1 || ./mvnw "${args[@]}" >> "$ROOT/target/gpu-bundle.log" 2>&1; then
    grep '^\[gpu-bundle\]' "$ROOT/target/gpu-bundle.log"
  else
    grep -E '^\[gpu-bundle\]|ERROR' "$ROOT/target/gpu-bundle.log" | head -n 20 >&2
    fail "bundle build failed (log: target/gpu-bundle.log)"
  fi
}

if [ "$BUNDLE_ONLY" = 1 ]; then
  . "$ROOT/scripts/find-jdk.sh" || fail "no JDK >= 22 found (the bundle is built with a JDK's jlink)"
  [ -x "$JAVA_HOME/bin/jlink" ] || fail "$JAVA_HOME has no jlink (a full JDK is needed, not a JRE)"
  say "building the GPU bundle with $JAVA_HOME ..."
  build_bundle
  say "bundle: $ROOT/target/gpu-bundle/ (run.sh); packed: $ROOT/target/gpu-bundle.tar.gz"
  exit 0
fi

# 1. GPU and driver: fail fast, before building or writing anything.
command -v nvidia-smi >/dev/null 2>&1 || fail "no NVIDIA driver: nvidia-smi is not on PATH (a GPU and its driver are needed; scripts/gpu-check.sh --bundle-only builds the bundle without one)" 2
SMI=$(timeout 30 nvidia-smi -L 2>&1)
grep -q '^GPU ' <<<"$SMI" || fail "nvidia-smi finds no GPU (driver not loaded, or no device visible to this user/container): $(head -n1 <<<"$SMI")" 2
say "GPU: $(head -n1 <<<"$SMI")"
DRIVER=$(timeout 30 nvidia-smi --query-gpu=driver_version --format=csv,noheader 2>/dev/null | head -n1)
CUDA_DRV=$(timeout 30 nvidia-smi 2>/dev/null | sed -n 's/.*CUDA Version: *\([0-9.]*\).*/\1/p' | head -n1)
say "driver $DRIVER, supports CUDA ${CUDA_DRV:-?}"
if [ -n "$CUDA_DRV" ] && [ "${CUDA_DRV%%.*}" -lt 13 ] 2>/dev/null; then
  say "note: our PTX kernels (cuda-csr-*, cuda-gcsr, cuda-nm, cuda-sgemm-tiled) are PTX 9.0 from CUDA 13.0 and need a driver for CUDA 13.0+ (R580+);"
  say "      with this driver they report 'unavailable' (cuBLAS and cuSPARSE still run). Update the driver, or rebuild the PTX with"
  say "      an older nvcc: kernels-cuda/src/main/cuda/build-ptx.sh --update."
fi

# 2. The CUDA libraries, each named (LD_LIBRARY_PATH, the Python environment's NVIDIA wheels, /usr/local/cuda*, ldconfig).
. "$ROOT/kernels-cuda/src/bundle/cuda-libs.sh"
pb_cuda_libs
[ -n "$libdirs" ] && export LD_LIBRARY_PATH="${libdirs}${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
command -v nvcc >/dev/null 2>&1 || [ -x /usr/local/cuda/bin/nvcc ] || say "nvcc not found: fine, the committed PTX is used (nvcc only rebuilds it)"

# 3. A JDK, then the first writes into the checkout.
. "$ROOT/scripts/find-jdk.sh" || fail "no JDK >= 22 found: without a JDK, build the bundle elsewhere (scripts/gpu-check.sh --bundle-only) and run target/gpu-bundle/run.sh here"
mkdir -p "$LOG"
printf '%s\n' "$SMI" > "$LOG/nvidia-smi.txt"
say "building the bundle (./mvnw -Pgpu-bundle) ..."
build_bundle

# 4. GPU tests, mandatory: without a usable GPU, driver or library they fail with the reason.
say "GPU tests (-Dgroups=gpu -Dprunebench.gpu.required=true) ..."
if ! ./mvnw -B -ntp verify -pl kernels-cuda -am -Dgroups=gpu -Dprunebench.gpu.required=true -Dsurefire.failIfNoSpecifiedTests=false -Dptx.skip=true \
      > "$LOG/gpu-tests.log" 2>&1; then
  grep -E 'Tests run:|FAIL|required|unavailable' "$LOG/gpu-tests.log" | head -n 30 >&2
  fail "GPU tests failed (log: $LOG/gpu-tests.log)"
fi
grep -E 'Tests run:.*CudaGpuTest' "$LOG/gpu-tests.log" | tail -n 1 | sed 's/^/[gpu-check] /'

# 5. The check: the bundle's launcher, results under results/.
if [ "$RUN_CHECK" = 1 ]; then
  say "running the GPU check (target/gpu-bundle/run.sh, about 2-3 minutes on an H100) ..."
  OUT="$ROOT/results" "$ROOT/target/gpu-bundle/run.sh" 2>&1 | tee "$LOG/check.log"
  rc=${PIPESTATUS[0]}
  [ "$rc" = 0 ] || fail "the GPU check failed (exit $rc; log: $LOG/check.log)" "$rc"
  say "results: $ROOT/results/latest"
fi
say "done; logs in $LOG"
