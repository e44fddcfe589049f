#!/usr/bin/env bash
# Command-line tests for `partobs fit --method cornn|force|gd` (issue 4,
# SPEC.md §4.4-§4.6): each method runs on a tiny Y and writes W_hat and its
# manifest; bad options exit 2 with one line; divergence exits 1 and leaves
# no output file.
#
# usage: bash test_learners.sh PATH/TO/partobs [tests/data]
#        PO_CLI_WRAPPER="valgrind -q ..." bash test_learners.sh ...  (as test_cli.sh)

. "$(dirname "${BASH_SOURCE[0]}")/lib.sh" "$@"
json_has() {
    local file=$1 key
    shift
    for key in "$@"; do grep -q "\"$key\":" "$file" || return 1; done
}
MANIFEST_KEYS="partobs_version command argv options seed blas_threads blas inputs outputs"

# usage_error NAME ARGS...: exit 2, exactly one line "partobs: fit: ...", no output.
usage_error() {
    local name=$1
    shift
    "$P" fit Y.npy "$@" -o bad.npy >/dev/null 2>err.txt
    local rc=$?
    if [ $rc -eq 2 ] && [ "$(wc -l <err.txt)" -eq 1 ] && grep -q '^partobs: fit: ' err.txt &&
        [ ! -e bad.npy ]; then
        pass "$name"
    else
        fail "$name" "exit $rc, stderr: $(cat err.txt)"
    fi
}
# runtime_error NAME PATTERN ARGS...: exit 1, one line matching PATTERN, no output files.
runtime_error() {
    local name=$1 pattern=$2
    shift 2
    "$P" fit Y.npy "$@" -o bad.npy >/dev/null 2>err.txt
    local rc=$?
    if [ $rc -eq 1 ] && [ "$(wc -l <err.txt)" -eq 1 ] && grep -q "$pattern" err.txt &&
        [ ! -e bad.npy ] && [ ! -e bad.npy.manifest.json ] && [ ! -e extra.npy ]; then
        pass "$name"
    else
        fail "$name" "exit $rc, stderr: $(cat err.txt)"
    fi
}

# ---- a tiny leaky-rate tanh recording -----------------------------------------
"$P" teacher --net gaussian --D 6 --seed 3 -o Wt.npy &&
    "$P" simulate --W Wt.npy --T 300 --phi tanh --leaky rate --seed 3 -o X.npy &&
    "$P" observe X.npy --d 4 -o Y.npy
check setup [ $? -eq 0 ]
# Inputs U (300 x 1): the first column of X, as a stand-in signal.
"$P" observe X.npy --d 1 -o U.npy

check help_lists_methods bash -c "'$P' fit --help | grep -q 'map, cornn, force, gd'"
help_default() { "$P" fit --help | grep -qF -- "$1"; }
check help_cornn_defaults help_default "(default 1e-05)"
check help_cornn_solver help_default "(default weighted)"
check help_force_passes help_default "(default 1000)"
check help_force_p0 help_default "(default 1.5)"
check help_gd_iters help_default "(default 10000)"

# ---- each method writes W_hat (d x d) and a manifest ------------------------------
for m in cornn force gd; do
    case $m in
    cornn) extra=(--iters 20) ;;
    force) extra=(--passes 4 --window 0:200) ;;
    gd) extra=(--iters 200 --phi tanh) ;;
    esac
    "$P" fit Y.npy --method $m "${extra[@]}" -o W_$m.npy 2>err.txt
    check "${m}_runs" [ $? -eq 0 ]
    check "${m}_quiet" [ ! -s err.txt ]
    check "${m}_output" bash -c "head -c 128 W_$m.npy | grep -q \"'shape': (4, 4)\""
    check "${m}_manifest" json_has W_$m.npy.manifest.json $MANIFEST_KEYS fit_info
    check "${m}_manifest_method" grep -q "\"method\":.*\"$m\"" W_$m.npy.manifest.json
done
check cornn_manifest_options json_has W_cornn.npy.manifest.json alpha iters l2 threshold solver \
    subsample samples clipped loss
check force_manifest_options json_has W_force.npy.manifest.json alpha tau g p0 passes free_passes \
    window chi2 pvar
check force_manifest_seed grep -q '"seed":.*20241210' W_force.npy.manifest.json
check gd_manifest_options json_has W_gd.npy.manifest.json alpha rho lr iters loss grad_norm

# Options with files: CORNN inputs, FORCE pVar trace.
"$P" fit Y.npy --method cornn --iters 5 --input U.npy --input-weights-out Win.npy -o Wi.npy
check cornn_input_runs [ $? -eq 0 ]
check cornn_input_weights bash -c "head -c 128 Win.npy | grep -q \"'shape': (4, 1)\""
check cornn_input_manifest grep -q '"outputs":.*"Wi.npy", "Win.npy"' Wi.npy.manifest.json
"$P" fit Y.npy --method force --passes 3 --free-passes 2 --pvar-out pvar.npy -o Wp.npy
check force_pvar_runs [ $? -eq 0 ]
check force_pvar_shape bash -c "head -c 128 pvar.npy | grep -q \"'shape': (5, 1)\""
# Same seed, same bits; the seed changes J_0.
"$P" fit Y.npy --method force --passes 2 --seed 5 -o Ws1.npy &&
    "$P" fit Y.npy --method force --passes 2 --seed 5 -o Ws2.npy &&
    "$P" fit Y.npy --method force --passes 2 --seed 6 -o Ws3.npy
check force_seed_same cmp -s Ws1.npy Ws2.npy
check force_seed_differs bash -c "! cmp -s Ws1.npy Ws3.npy"
# CORNN: one thread or two, the same bits.
"$P" fit Y.npy --method cornn --iters 5 --threads 1 -o Wc1.npy &&
    "$P" fit Y.npy --method cornn --iters 5 --threads 2 -o Wc2.npy
check cornn_threads_same cmp -s Wc1.npy Wc2.npy

# ---- bad options: exit 2, one line, before any work --------------------------------
usage_error gd_lr_zero --method gd --lr 0
usage_error gd_lr_negative --method gd --lr -1e-3
usage_error gd_rho_negative --method gd --rho -1
usage_error force_p0_zero --method force --p0 0
usage_error force_alpha_zero --method force --alpha 0
usage_error force_window_empty --method force --window 5:6
usage_error force_window_reversed --method force --window 9:3
usage_error force_window_malformed --method force --window 5
usage_error force_window_text --method force --window a:b
usage_error force_phi_linear --method force --phi linear
usage_error cornn_phi_linear --method cornn --phi linear
usage_error cornn_threshold --method cornn --threshold 0
usage_error cornn_solver --method cornn --solver fastest
usage_error cornn_subsample --method cornn --subsample 0
usage_error cornn_threads --method cornn --threads 3
usage_error cornn_weights_without_input --method cornn --input-weights-out x.npy
usage_error gd_no_window --method gd --window 0:10
usage_error force_no_lr --method force --lr 0.1
usage_error unknown_method --method sgd
"$P" fit Y.npy --method cornn >/dev/null 2>err.txt
check missing_output_exit_2 [ $? -eq 2 ]

# ---- runtime errors: exit 1, nothing written --------------------------------------
runtime_error force_window_out_of_range "does not fit its T = 300 rows" --method force --window 0:301
runtime_error force_diverges "diverged in pass 1 of 3" --method force --g 1e308 --passes 3 \
    --pvar-out extra.npy
runtime_error gd_diverges "last finite loss" --method gd --alpha 1 --lr 1e3
"$P" simulate --W Wt.npy --T 200 --seed 3 -o X200.npy >/dev/null 2>&1 &&
    "$P" observe X200.npy --d 1 -o U200.npy >/dev/null 2>&1
runtime_error cornn_input_rows "inputs need one row per time step" --method cornn --input U200.npy \
    --input-weights-out extra.npy
runtime_error missing_file "nope.npy" --method cornn --input nope.npy

finish
