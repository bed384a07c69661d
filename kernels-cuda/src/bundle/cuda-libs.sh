# Sourced by the GPU bundle's run.sh and by scripts/gpu-check.sh: finds the CUDA libraries the CUDA backend loads,
# names each one found or missing (through the caller's `say`), and sets `libdirs` (a path list of the folders found).
# Looks in LD_LIBRARY_PATH, the Python environment's NVIDIA wheels (nvidia/cu13/lib, nvidia/*/lib: where CUDA 13
# machines without a toolkit keep cuBLAS 13 and cuSPARSE 12), /usr/local/cuda*/lib64 and the loader cache. Safe under
# `set -u`. cuBLAS: libcublas.so.13 (bound through java.lang.foreign) or .12 (JCublas2); cuSPARSE: libcusparse.so.12.

_PB_WHEEL_DIRS_PY='
import glob, os, site
roots = []
try:
    import nvidia
    roots += list(nvidia.__path__)
except Exception:
    pass
try:
    for sp in site.getsitepackages() + [site.getusersitepackages()]:
        roots.append(os.path.join(sp, "nvidia"))
except Exception:
    pass
seen = set()
for r in roots:
    for d in [os.path.join(r, "cu13", "lib")] + sorted(glob.glob(os.path.join(r, "*", "lib"))):
        if os.path.isdir(d) and d not in seen:
            seen.add(d)
            print(d)
'

pb_find_lib() { # $1: soname; prints the folder holding it (from _pb_cands, then the loader cache)
  local d
  for d in "${_pb_cands[@]}"; do [ -e "$d/$1" ] && { echo "$d"; return 0; }; done
  d=$( (ldconfig -p 2>/dev/null || /sbin/ldconfig -p 2>/dev/null) | awk -v l="$1" '$1 == l { print $NF; exit }')
  [ -n "$d" ] && { dirname "$d"; return 0; }
  return 1
}

pb_add_dir() { case ":$libdirs:" in *":$1:"*) ;; *) libdirs="${libdirs:+$libdirs:}$1";; esac; }

pb_cuda_libs() {
  local d py dir so lt blas=""
  _pb_cands=()
  [ -n "${LD_LIBRARY_PATH:-}" ] && IFS=: read -r -a _pb_cands <<<"$LD_LIBRARY_PATH"
  for py in python3 python; do
    command -v "$py" >/dev/null 2>&1 || continue
    while IFS= read -r d; do [ -n "$d" ] && _pb_cands+=("$d"); done < <(timeout 20 "$py" -c "$_PB_WHEEL_DIRS_PY" 2>/dev/null)
    break
  done
  for d in /usr/local/lib/python3*/dist-packages/nvidia/*/lib /usr/local/lib/python3*/site-packages/nvidia/*/lib \
           /usr/lib/python3*/dist-packages/nvidia/*/lib /opt/conda/lib/python3*/site-packages/nvidia/*/lib \
           ${VIRTUAL_ENV:+$VIRTUAL_ENV/lib/python3*/site-packages/nvidia/*/lib} \
           /usr/local/cuda/lib64 /usr/local/cuda-13*/lib64 /usr/local/cuda-12*/lib64 /usr/local/cuda*/targets/x86_64-linux/lib; do
    [ -d "$d" ] && _pb_cands+=("$d")
  done
  libdirs=""
  for so in libcublas.so.13 libcublas.so.12; do
    if dir=$(pb_find_lib "$so"); then blas=$so; say "$so: $dir"; pb_add_dir "$dir"; break; fi
  done
  if [ -z "$blas" ]; then
    say "MISSING libcublas.so.13 and libcublas.so.12: cublas-sgemm will be unavailable (pip install nvidia-cublas, or a CUDA 12/13 toolkit's lib64 on LD_LIBRARY_PATH)"
  else
    lt="libcublasLt.so.${blas##*.so.}"
    if dir=$(pb_find_lib "$lt"); then say "$lt: $dir"; pb_add_dir "$dir"; else say "MISSING $lt (cuBLAS loads it): cublas-sgemm may be unavailable"; fi
  fi
  if dir=$(pb_find_lib libcusparse.so.12); then say "libcusparse.so.12: $dir"; pb_add_dir "$dir"
  else say "MISSING libcusparse.so.12: cusparse-csr* will be unavailable (pip install nvidia-cusparse, or a CUDA 12/13 toolkit's lib64 on LD_LIBRARY_PATH)"; fi
  if dir=$(pb_find_lib libnvJitLink.so.13); then say "libnvJitLink.so.13: $dir"; pb_add_dir "$dir"
  elif dir=$(pb_find_lib libnvJitLink.so.12); then say "libnvJitLink.so.12: $dir"; pb_add_dir "$dir"
  else say "note: no libnvJitLink.so.13/.12 found (CUDA 13's cuSPARSE needs it; CUDA 12's may not)"; fi
  return 0
}
