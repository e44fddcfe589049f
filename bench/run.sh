#!/usr/bin/env bash
# Run every benchmark pair (bench/bench_<x> in C, bench/np_<x>.py in NumPy) in the
# same session and print medians and NumPy/partobs ratios for results that share a name.
# Usage: bench/run.sh [BUILD_DIR] [NAME ...]   (NAME: sim, fit, ...; default all)
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}; shift || true
PYTHON=${PYTHON:-/usr/bin/python3}
names=("$@")
if [ ${#names[@]} -eq 0 ]; then
  for f in bench/bench_*.c; do n=${f#bench/bench_}; names+=("${n%.c}"); done
fi

# OpenBLAS 0.3.21 does not know newer CPUs (e.g. the family 6 model 207 Xeon)
# and runs its SSE3 "Prescott" kernels there; the partobs CLI then restarts
# itself with OPENBLAS_CORETYPE set (po_blas_coretype_hint). Set it here for
# both sides, so that partobs and NumPy use the same kernels.
if [ -z "${OPENBLAS_CORETYPE:-}" ] &&
   OPENBLAS_VERBOSE=2 "$PYTHON" -c 'import numpy' 2>&1 | grep -q 'Core: Prescott'; then
  flags=$(grep -m1 '^flags' /proc/cpuinfo)
  if [[ $flags == *avx512f* && $flags == *avx512bw* && $flags == *avx512dq* && $flags == *avx512vl* ]]; then
    export OPENBLAS_CORETYPE=SkylakeX
  elif [[ $flags == *avx2* && $flags == *fma* ]]; then
    export OPENBLAS_CORETYPE=Haswell
  fi
fi

echo "machine: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(nproc) cores"
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "BLAS threads: ${OPENBLAS_NUM_THREADS:-default}, kernels ${OPENBLAS_CORETYPE:-as detected} (OpenBLAS), numpy $($PYTHON -c 'import numpy; print(numpy.__version__)')"
echo

tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
for n in "${names[@]}"; do
  echo "== $n"
  "./$build/bench_$n" | tee "$tmp/c_$n.txt"
  if [ -f "bench/np_$n.py" ]; then
    "$PYTHON" "bench/np_$n.py" | tee "$tmp/np_$n.txt"
  fi
  echo
done

echo "== ratios (NumPy median / partobs median; > 1 means partobs is faster)"
cat "$tmp"/c_*.txt 2>/dev/null | awk '/^RESULT /{split($3,a,"="); print $2, a[2]}' | sort > "$tmp/c.tsv"
cat "$tmp"/np_*.txt 2>/dev/null | awk '/^RESULT /{split($3,a,"="); print $2, a[2]}' | sort > "$tmp/np.tsv"
join "$tmp/c.tsv" "$tmp/np.tsv" | awk '{printf "%-40s partobs %10.6f s  numpy %10.6f s  ratio %7.1fx\n", $1, $2, $3, $3/$2}'
