#!/usr/bin/env bash
# Remeasures the CPU kernel table of issue 27 that concerns csr-vector, in one JVM: the fp32 peak (FMA
# microbenchmark, beside the table-based peak), then csr-vector SpMM 4096²·50 and SpMV 4096² at 90 % uniform, each
# point one group of interleaved rounds against MKL's sparse BLAS (mkl_sparse_s_mm / _mv) and the dense kernels
# (mkl-sgemm / mkl-sgemv, dense-vector), with the A/A control, medians and 95 % intervals, the targets met or not,
# and cycles per non-zero against the FMA and L2 bounds. One thread, fp32. docs/cpu-kernels.md reads its output.
#   scripts/perf-cpu.sh                  15 rounds of >= 20 ms samples, wall clock
#   scripts/perf-cpu.sh 31 50 cpu        31 rounds of >= 50 ms, timed by the thread's CPU time (a shared machine)
# Run it on a quiet machine for the figures that count; the last line reports the load it saw.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
. "$ROOT/scripts/find-jdk.sh"
JAR="$ROOT/cli/target/prunebench.jar"
# scripts/prunebench builds the jar when it is missing or older than the sources
"$ROOT/scripts/prunebench" --version >/dev/null
JVM_FLAGS=(--add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED -Xmx4g)
if [ "$(_pb_java_major "$JAVA_HOME/bin/java")" -ge 23 ] 2>/dev/null; then JVM_FLAGS+=(--sun-misc-unsafe-memory-access=allow); fi
exec "$JAVA_HOME/bin/java" "${JVM_FLAGS[@]}" -cp "$JAR" dev.prunebench.kernels.cpu.bench.PerfCpu "$@" \
  2> >(grep --line-buffered -v '^WARNING: Using incubator modules' >&2)
