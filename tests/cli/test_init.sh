#!/usr/bin/env bash
# Command-line tests for `fit --method force|gd|bptt|cornn --init W0.npy`
# (issue 14 item 3): the initial weights replace the method's own start
# (identities: FORCE from J0 = 0 is the g = 0 run; gd and CORNN continue a
# fit exactly; BPTT keeps its shuffles and coins), are recorded in the
# manifest, and every bad file (wrong shape, NaN, missing) is one error line
# with exit status 1 and no output.
#
# usage: bash test_init.sh PATH/TO/partobs [tests/data]
#        PO_CLI_WRAPPER="valgrind -q ..." bash test_init.sh ...  (as test_cli.sh)

. "$(dirname "${BASH_SOURCE[0]}")/lib.sh" "$@"

# zeros NAME R C: an R x C float64 .npy of zeros.
zeros() { mknpy "$1" '<f8' "($2, $3)" "$(printf '\\x00%.0s' $(seq 1 $(($2 * $3 * 8))))"; }

# ---- a tiny leaky-rate tanh recording (4 of 6 units) --------------------------
"$P" teacher --net gaussian --D 6 --seed 3 -o Wt.npy &&
    "$P" simulate --W Wt.npy --T 300 --phi tanh --leaky rate --seed 3 -o X.npy &&
    "$P" observe X.npy --d 4 -o Y.npy
check setup [ $? -eq 0 ]
zeros Z4.npy 4 4
zeros Z3.npy 3 3
zeros Z6.npy 6 6
# 4 x 4 with a NaN (little-endian 0x7ff8...) as entry (0, 1)
mknpy N4.npy '<f8' '(4, 4)' "$(printf '\\x00%.0s' $(seq 1 8))\\x00\\x00\\x00\\x00\\x00\\x00\\xf8\\x7f$(printf '\\x00%.0s' $(seq 1 112))"

# ---- identities ---------------------------------------------------------------
# FORCE: J0 = 0 given by --init is the run whose drawn J0 is g * N(0, 1) = 0
"$P" fit Y.npy --method force --passes 3 --g 0 -o f_g0.npy &&
    "$P" fit Y.npy --method force --passes 3 --init Z4.npy -o f_init.npy
check force_init_zero_is_g0 cmp f_g0.npy f_init.npy
check force_manifest_init grep -q '"init":[[:space:]]*"Z4.npy"' f_init.npy.manifest.json
# gd: 10 iterations from the result of 10 = 20 iterations from 0
"$P" fit Y.npy --method gd --iters 20 -o gd20.npy &&
    "$P" fit Y.npy --method gd --iters 10 -o gd10.npy &&
    "$P" fit Y.npy --method gd --iters 10 --init gd10.npy -o gd10_10.npy
check gd_continue cmp gd20.npy gd10_10.npy
# gd from 0 given explicitly = the default start
"$P" fit Y.npy --method gd --iters 5 -o gd5.npy &&
    "$P" fit Y.npy --method gd --iters 5 --init Z4.npy -o gd5_z.npy
check gd_init_zero cmp gd5.npy gd5_z.npy
# CORNN: 3 iterations from the result of 3 = 6 iterations from the start
"$P" fit Y.npy --method cornn --phi tanh --iters 6 -o c6.npy &&
    "$P" fit Y.npy --method cornn --phi tanh --iters 3 -o c3.npy &&
    "$P" fit Y.npy --method cornn --phi tanh --iters 3 --init c3.npy -o c3_3.npy
check cornn_continue cmp c6.npy c3_3.npy
# BPTT with hidden units: (d+H) x (d+H); zeros are a different start
"$P" fit Y.npy --method bptt --hidden 2 --epochs 2 --seq-len 50 -o b.npy &&
    "$P" fit Y.npy --method bptt --hidden 2 --epochs 2 --seq-len 50 --init Z6.npy -o b_z.npy
check bptt_init_runs [ $? -eq 0 ]
check bptt_init_differs bash -c "! cmp -s b.npy b_z.npy"
check bptt_manifest_init grep -q '"init":[[:space:]]*"Z6.npy"' b_z.npy.manifest.json

# ---- bad files: one line, exit 1, nothing written ------------------------------
for m in force gd cornn; do
    expect_error_in 'partobs: fit: ' 1 "${m}_wrong_shape" fit Y.npy --method $m --init Z3.npy -o out.npy
    check "${m}_wrong_shape_says" grep -q 'initial weights are 3x3, need 4x4' err.txt
    expect_error_in 'partobs: fit: ' 1 "${m}_nan" fit Y.npy --method $m --init N4.npy -o out.npy
    check "${m}_nan_says" grep -q 'N4.npy: non-finite value (nan) at row 0, column 1' err.txt
    expect_error_in 'partobs: fit: ' 1 "${m}_missing" fit Y.npy --method $m --init none.npy -o out.npy
    check "${m}_missing_says" grep -q 'none.npy' err.txt
done
expect_error_in 'partobs: fit: ' 1 bptt_wrong_shape fit Y.npy --method bptt --hidden 2 --seq-len 50 \
    --init Z4.npy -o out.npy
check bptt_wrong_shape_says grep -q 'initial weights are 4x4, need 6x6' err.txt
expect_error_in 'partobs: fit: ' 1 bptt_nan fit Y.npy --method bptt --seq-len 50 --init N4.npy -o out.npy
expect_error_in 'partobs: fit: ' 1 bptt_missing fit Y.npy --method bptt --seq-len 50 --init none.npy \
    -o out.npy

finish
