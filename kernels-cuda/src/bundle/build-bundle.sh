#!/usr/bin/env bash
# Assembles the GPU bundle from kernels-cuda's jar and its runtime dependencies (copied by the gpu-bundle profile):
#   build-bundle.sh KERNELS_CUDA_TARGET BUNDLE_DIR
# BUNDLE_DIR gets runtime/ (jlink: java.base, java.logging, java.management, jdk.unsupported, jdk.incubator.vector),
# lib/ (core, measure, kernels-cuda, commons-math3, JCuda with its linux-x86_64 natives; no MKL/OpenBLAS), run.sh,
# torch-crosscheck.py and VERSION; BUNDLE_DIR.tar.gz beside it. Prints the packed size.
set -euo pipefail
target=$1; bundle=$2
here=$(cd "$(dirname "$0")" && pwd)
[ -n "${JAVA_HOME:-}" ] || { echo "build-bundle: JAVA_HOME is not set" >&2; exit 1; }
jlink="$JAVA_HOME/bin/jlink"
[ -x "$jlink" ] || { echo "build-bundle: no jlink in $JAVA_HOME (a JDK, not a JRE, is needed)" >&2; exit 1; }
rm -rf "$bundle" "$bundle.tar.gz"
mkdir -p "$bundle/lib"
cp "$target"/prunebench-kernels-cuda-*.jar "$bundle/lib/"
rm -f "$bundle"/lib/*-tests.jar "$bundle"/lib/*-sources.jar
for j in "$target"/bundle-lib/*.jar; do
  case "$(basename "$j")" in
    *natives*linux-x86_64*|prunebench-*|commons-math3-*|jcuda-[0-9]*|jcublas-[0-9]*|jcusparse-[0-9]*) cp "$j" "$bundle/lib/" ;;
    *natives*) ;;                      # other platforms' natives: not shipped
    mkl*|openblas*|javacpp*) echo "build-bundle: refusing $j (no MKL/OpenBLAS in the GPU bundle)" >&2; exit 1 ;;
    *) cp "$j" "$bundle/lib/" ;;
  esac
done
"$jlink" --add-modules java.base,java.logging,java.management,jdk.unsupported,jdk.incubator.vector \
  --strip-debug --no-header-files --no-man-pages --compress=zip-9 --output "$bundle/runtime" 2>&1 | grep -v '^WARNING' || true
[ -x "$bundle/runtime/bin/java" ] || { echo "build-bundle: jlink produced no runtime" >&2; exit 1; }
rm -rf "$bundle/runtime/legal"
cp "$here/run.sh" "$here/cuda-libs.sh" "$here/torch-crosscheck.py" "$bundle/"
chmod +x "$bundle/run.sh"
{
  echo "prunebench GPU bundle"
  echo "commit: $(git -C "$here" rev-parse --short HEAD 2>/dev/null || echo unknown)$(git -C "$here" diff --quiet 2>/dev/null || echo ' (dirty)')"
  echo "built: $(date -u +%Y-%m-%dT%H:%M:%SZ) with $("$JAVA_HOME/bin/java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.runtime.version = //p')"
  echo "run: ./run.sh (results under \$OUT, else ./results); exit 2 = no GPU driver"
} > "$bundle/VERSION"
tar -C "$(dirname "$bundle")" -czf "$bundle.tar.gz" "$(basename "$bundle")"
bytes=$(wc -c < "$bundle.tar.gz")
echo "[gpu-bundle] $bundle: $(du -sh "$bundle" | cut -f1) unpacked, $(awk -v b="$bytes" 'BEGIN { printf "%.1f MiB", b / 1048576 }') packed ($bundle.tar.gz)"
if [ "$bytes" -gt $((40 * 1024 * 1024)) ]; then echo "[gpu-bundle] FAILED: over 40 MiB packed" >&2; exit 1; fi
