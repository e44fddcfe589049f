# Vector kernels (docs/methods.md, "Vector kernels and reproducibility across
# machines"; issue 13 part 2): SLEEF's AVX-512 tanh, CORNN's and FORCE's AVX-512 kernels
# give the AVX2 path's bits, so PARTOBS_SIMD=avx2 and the default produce the
# same files; PARTOBS_SIMD=sse2 (the portable path) runs (its accuracy:
# tests/test_simd.c). On a CPU (or under valgrind) without AVX-512 the first
# comparison is between two AVX2 runs and passes trivially; it says so.
# Also: the CLI's OpenBLAS kernel choice keeps a user's OPENBLAS_CORETYPE.
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh" "$@"

grep -q avx512f /proc/cpuinfo 2>/dev/null || echo "note: no AVX-512 on this CPU: avx512 = avx2 here"

"$P" teacher --net lowrank-osc --D 60 --seed 2 -o W.npy >/dev/null &&
    "$P" simulate --W W.npy --phi tanh --leaky rate --T 1500 --seed 1 -o X.npy >/dev/null &&
    "$P" observe --d 13 X.npy -o Y.npy >/dev/null
check "setup" test -s Y.npy

for lv in avx512 avx2 sse2; do
    mkdir -p "$lv"
    (cd "$lv" &&
        PARTOBS_SIMD=$lv "$P" simulate --W ../W.npy --phi tanh --T 400 --seed 3 -o sim.npy &&
        PARTOBS_SIMD=$lv "$P" fit ../Y.npy --method cornn --phi tanh --iters 20 -o cornn.npy &&
        PARTOBS_SIMD=$lv "$P" fit ../Y.npy --method cornn --solver robust --phi tanh --iters 5 -o robust.npy &&
        PARTOBS_SIMD=$lv "$P" fit ../Y.npy --method force --passes 2 -o force.npy &&
        PARTOBS_SIMD=$lv "$P" fit ../Y.npy --method map --phi tanh -o map.npy) >/dev/null 2>"$lv.err" ||
        fail "run PARTOBS_SIMD=$lv" "$(head -c 300 "$lv.err")"
done
for f in sim.npy cornn.npy robust.npy force.npy map.npy; do
    check "avx512 = avx2 bits: $f" cmp -s avx512/$f avx2/$f
done
check "sse2 path runs every command" test -s sse2/map.npy
check "an unknown PARTOBS_SIMD value is the default" \
    bash -c "cd avx2 && PARTOBS_SIMD=bogus '$P' fit ../Y.npy --method map --phi tanh -o map2.npy >/dev/null 2>&1 && cmp -s map.npy map2.npy"

# OPENBLAS_CORETYPE set by the user is kept (the restart happens only without it):
# the manifest records the BLAS build string with the kernels in use.
OPENBLAS_CORETYPE=Prescott "$P" fit Y.npy --method map --phi tanh -o p.npy >/dev/null 2>&1
check "user's OPENBLAS_CORETYPE kept" grep -q 'Prescott' p.npy.manifest.json

finish
