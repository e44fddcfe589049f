#!/usr/bin/env bash
# Robustness of the CLI against hostile option values and data (issue 10,
# items 5-7): no non-finite output with exit 0, failing fast (never hanging)
# when memory or address space is short, and messages without internal names.
#
# usage: bash test_robust.sh PATH/TO/partobs [tests/data]
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh" "$@"

# mkscaled FILE T D EXP SEED: a T x D float64 .npy of +-2^EXP * (1 + m) with a
# pseudo-random mantissa top (bash RANDOM seeded with SEED), built byte by byte.
mkscaled() {
    local file=$1 T=$2 D=$3 e=$4 k data='' E b7 b6
    RANDOM=$5
    E=$((e + 1023))
    for ((k = 0; k < T * D; k++)); do
        b7=$(((E >> 4) | ((RANDOM & 1) << 7)))
        b6=$((((E & 15) << 4) | (RANDOM & 15)))
        data+=$(printf '\\x00\\x00\\x00\\x00\\x00\\x%02x\\x%02x\\x%02x' $((RANDOM & 255)) $b6 $b7)
    done
    mknpy "$file" '<f8' "($T, $D)" "$data"
}
# msg_has TEXT...: the last error line (err.txt) contains every TEXT.
msg_has() {
    local t
    for t in "$@"; do grep -qF -- "$t" "$W/err.txt" || return 1; done
}

"$P" teacher --net gaussian --D 10 --seed 3 -o W10.npy &&
    "$P" simulate --W W10.npy --T 400 --seed 3 -o X10.npy &&
    "$P" observe X10.npy --d 4 -o Y.npy &&
    "$P" teacher --net gaussian --D 50 --seed 3 -o W50.npy
check setup [ $? -eq 0 ]

# ---- item 5: finite options that overflow the output -----------------------------
overflow() {
    local name=$1 opt=$2
    shift 2
    expect_error_in 'partobs: ' 1 "$name" "$@"
    check "${name}_names_option" msg_has "$opt" overflow
}
overflow teacher_lowrank_scale scale teacher --net lowrank --D 8 --scale 1.7e308 -o out.npy
overflow teacher_symmetric_scale scale teacher --net symmetric --D 8 --scale 1.7e308 -o out.npy
overflow teacher_gaussian_similarity similarity teacher --net gaussian --D 8 --scale 1.7e308 --similarity -o out.npy
overflow teacher_lowrank_osc_shift shift_scale teacher --net lowrank-osc --D 8 --shift-scale 1.7e308 -o out.npy
overflow teacher_triangular_schur scale teacher --net triangular --D 8 --scale 1.7e308 --use-schur -o out.npy
overflow teacher_lowrank_normal_similarity max_eval teacher --net lowrank-normal --D 8 --max-eval 1.7e308 --similarity -o out.npy
overflow observe_obs_noise obs_noise observe X10.npy --d 3 --obs-noise 1e308 -o out.npy
overflow simulate_ic_scale ic_scale simulate --W W50.npy --T 10 --ic-scale 1e308 -o out.npy

# ---- item 6: memory -------------------------------------------------------------------
# fast_fail NAME SECONDS ARGS...: exit 1 within SECONDS with one "needs" line.
fast_fail() {
    local name=$1 secs=$2 rc
    shift 2
    timeout "$secs" "$P" "$@" >out.txt 2>err.txt
    rc=$?
    if [ "$rc" -ne 1 ]; then
        fail "$name" "exit status $rc, want 1 within ${secs}s: $(head -c 200 err.txt)"
    elif [ "$(wc -l <err.txt)" -ne 1 ] || ! grep -Eq '^partobs: [a-z]+: needs [0-9.]+ [KMGTPE]?i?B(ytes)?, [0-9.]+ [KMGTPE]?i?B(ytes)? available' err.txt; then
        fail "$name" "not one 'needs N, M available' line: $(head -c 300 err.txt)"
    else
        pass "$name"
    fi
}
fast_fail task_huge_T 20 task --net line-attractor --D 500 --T 1000000000 --out tdir
check task_huge_T_no_dir [ ! -e tdir ]

# Under `ulimit -v` (a subshell): never hang in OpenBLAS's allocator, never die
# with its two-line message. ASan and valgrind reserve terabytes of address
# space and cannot run under ulimit -v: skip then.
if [ -n "${PO_CLI_WRAPPER:-}" ] || nm -D "$P" 2>/dev/null | grep -q __asan_init ||
    ldd "$P" 2>/dev/null | grep -q libasan; then
    echo "skip ulimit tests (ASan or a wrapper)"
else
    # (80 MB, not less: the tool itself, with its BLAS, PLplot and the static HDF5 of its
    # HDF5/NWB inputs, needs about 62 MB of address space to start.)
    for lim in 200000 80000; do
        for c in "fit Y.npy -o out.npy" "fit Y.npy --method cornn -o out.npy" "analyze W10.npy" \
            "simulate --W W10.npy --T 100 -o out.npy" "teacher --net gaussian --D 10 -o out.npy" \
            "theory --W W10.npy --d 3 -o out.npy"; do
            name="ulimit_${lim}_$(echo "$c" | tr -c 'a-z0-9\n' _ | cut -c1-30)"
            (
                ulimit -v $lim
                timeout 20 $P $c >out.txt 2>err.txt
                echo $? >rc.txt
            )
            rc=$(cat rc.txt)
            if [ "$rc" -eq 0 ] && [ ! -s err.txt ]; then
                pass "$name"
            elif [ "$rc" -eq 1 ] && [ "$(wc -l <err.txt)" -eq 1 ] && grep -q '^partobs: [a-z]*: needs ' err.txt; then
                pass "$name"
            else
                fail "$name" "exit $rc: $(head -c 200 err.txt)"
            fi
            rm -f out.npy out.npy.manifest.json
        done
    done
    (
        ulimit -v 80000
        timeout 20 "$P" fit Y.npy -o out.npy >out.txt 2>err.txt
        echo $? >rc.txt
    )
    check ulimit_80000_fit_refused bash -c "[ \$(cat rc.txt) -eq 1 ] && grep -q 'needs 128 MiB' err.txt"
fi

# ---- item 7: messages ------------------------------------------------------------------
mkscaled big.npy 60 3 664 1
mkscaled small.npy 60 3 -664 1
expect_error_in 'partobs: fit: ' 1 cornn_values_too_large fit big.npy --method cornn -o out.npy
check cornn_values_too_large_says msg_has "values too large"
expect_error_in 'partobs: fit: ' 1 lds_values_too_small fit small.npy --method lds --latents 2 -o out.npy
check lds_values_too_small_says msg_has "values too small"
expect_error_in 'partobs: fit: ' 1 lds_values_too_large fit big.npy --method lds --latents 2 -o out.npy
check lds_values_too_large_says msg_has "values too large"
"$P" teacher --net gaussian --D 8 --scale 1e-310 -o sub.npy 2>err.txt
check subnormal_option_accepted [ $? -eq 0 ]
expect_error_in 'partobs: curves: ' 2 curves_dmax_0 curves --W W10.npy --dmax 0 --json out.json
expect_error_in 'partobs: fit: ' 1 cornn_subsample_too_few fit Y.npy --method cornn --subsample 100 -o out.npy
check cornn_subsample_too_few_says msg_has "subsample 100" "need at least 8"
"$P" teacher --net chain --D 10 --ortho -o Wc.npy
expect_error_in 'partobs: theory: ' 1 theory_chain_last_row theory --W Wc.npy --d 3 --chain-last-row -o out.npy
check theory_no_doubled_prefix bash -c "! grep -q 'theory: theory:' '$W/err.txt'"

# A batch of error outputs: none names a library function (po_...) or repeats
# the command as a prefix.
: >all_err.txt
batch() { "$P" "$@" >/dev/null 2>>all_err.txt; }
batch simulate --W W10.npy --T 100 --alpha 1e308 -o out.npy
batch simulate --W W10.npy --T 100 --noise 1e308 -o out.npy
batch task --net line-attractor --D 20 --T 100 --alpha 1e308 --out tdir
batch task --net line-attractor --D 500 --T 1000000000 --out tdir
batch observe X10.npy --d 30 -o out.npy
batch fit Y.npy --method force --alpha 1e308 -o out.npy
batch fit Y.npy --method gd --lr 1e308 -o out.npy
batch fit big.npy --method map -o out.npy
batch fit big.npy --method gd -o out.npy
batch fit big.npy --method cornn -o out.npy
batch curves --net chain --D 10 --scale 1e308 --json out.json
batch theory --W Wc.npy --d 3 --chain-last-row -o out.npy
batch theory --W W10.npy --d 30 -o out.npy
batch teacher --net lowrank --D 8 --scale 1.7e308 -o out.npy
check error_batch_nonempty [ "$(wc -l <all_err.txt)" -ge 14 ]
check error_batch_no_po_names bash -c "! grep -n 'po_' all_err.txt"
check error_batch_no_doubled_prefix bash -c "! grep -En '^partobs: ([a-z]+): (fit )?\\1: ' all_err.txt"
check error_batch_no_lapack_names bash -c "! grep -En 'dpotrf|dgetrf|dgeev|dsyev|invalid argument [0-9]' all_err.txt"

finish
