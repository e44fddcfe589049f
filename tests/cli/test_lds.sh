#!/usr/bin/env bash
# Command-line tests for `partobs fit --method lds` (SPEC.md §4.8, issue 3
# item 2): A_cont and its JSON of parameters and log-likelihoods, the
# smoothed latents, the manifest, `analyze` reading A_cont, and every bad
# input (one line, the right exit status, nothing written).
#
# usage: bash test_lds.sh PATH/TO/partobs [tests/data]
#        PO_CLI_WRAPPER="valgrind -q ..." bash test_lds.sh ...   (as test_cli.sh)

. "$(dirname "${BASH_SOURCE[0]}")/lib.sh" "$@"
mkdir "$W/run" && cd "$W/run" || exit 1
npy_shape() { head -c 128 "$1" | grep -aqF "'shape': $2"; }
json_has() {
    local file=$1 key
    shift
    for key in "$@"; do grep -q "\"$key\":" "$file" || return 1; done
}
# ll_nondecreasing FILE: the "log_likelihood" list of FILE never decreases by
# more than 1e-9 |LL| and has N entries.
ll_nondecreasing() {
    local n=$2
    grep '"log_likelihood"' "$1" | tr -d '[],"a-z_:' | tr -s ' \t' '\n' | grep -v '^$' >ll.txt
    [ "$(wc -l <ll.txt)" -eq "$n" ] || return 1
    awk 'NR > 1 { tol = 1e-9 * ($1 < 0 ? -$1 : $1); if ($1 < prev - tol) bad = 1 }
         { prev = $1 } END { exit bad }' ll.txt
}

# ---- data: a linear low-rank teacher, 8 of its 60 units observed ------------------
"$P" teacher --net lowrank-normal --D 60 --seed 4 -o Wt.npy &&
    "$P" simulate --W Wt.npy --T 400 --seed 4 -o X.npy &&
    "$P" observe X.npy --d 8 -o Y.npy &&
    "$P" simulate --W Wt.npy --T 400 --seed 5 -o X2.npy &&
    "$P" observe X2.npy --d 1 -o U.npy &&
    "$P" observe X.npy --d 1 -o Ucopy.npy
check make_data [ $? -eq 0 ]

check help_lists_lds bash -c "'$P' fit --help | grep -q 'map, cornn, force, gd, bptt, lds'"
"$P" fit --method lds --help >help.txt
check help_defaults bash -c "grep -qF -- '--latents K' help.txt && grep -qF '(default orthonormal)' help.txt &&
    grep -qF '(default pca)' help.txt && grep -qF '(default 200)' help.txt"

# ---- a good run ---------------------------------------------------------------------
"$P" fit Y.npy --method lds --latents 3 --iters 30 --smoothed xs.npy -o Ac.npy 2>err.txt
check run_ok [ $? -eq 0 ]
check run_quiet [ ! -s err.txt ]
check a_cont_shape npy_shape Ac.npy "(3, 3)"
check smoothed_shape npy_shape xs.npy "(400, 3)"
check json_keys json_has Ac.json log_likelihood A A_cont V b Q C F d R mu0 Sigma0 latents \
    emissions init iterations converged alpha eigenvalues time_constants line_attractor_score
check json_no_input grep -q '"V":[[:space:]]*null' Ac.json
check json_emissions grep -q '"emissions":[[:space:]]*"orthonormal"' Ac.json
check ll_trace ll_nondecreasing Ac.json 31
check manifest_keys json_has Ac.npy.manifest.json partobs_version command argv options seed \
    inputs outputs fit_info latents emissions init iters tol alpha
check manifest_method grep -q '"method":[[:space:]]*"lds"' Ac.npy.manifest.json
check manifest_outputs grep -q '"Ac.npy", "Ac.json", "xs.npy"' Ac.npy.manifest.json
"$P" analyze Ac.npy >an.txt
check analyze_reads_a_cont [ $? -eq 0 ]
check analyze_n grep -q '^n  *3' an.txt

# same command, same bits (deterministic)
"$P" fit Y.npy --method lds --latents 3 --iters 30 -o Ac2.npy && check deterministic cmp -s Ac.npy Ac2.npy

# inputs, free emissions, random init, --verbose, an output name without .npy
"$P" fit Y.npy --method lds --latents 2 --input U.npy --emissions free --init random --seed 3 \
    --iters 20 --verbose -o Ai.out 2>err.txt
check input_run_ok [ $? -eq 0 ]
check json_appended [ -s Ai.out.json ]
check json_input_v bash -c "grep -A3 '\"V\":' Ai.out.json | grep -q '[0-9]'"
check json_free grep -q '"emissions":[[:space:]]*"free"' Ai.out.json
check ll_trace_input ll_nondecreasing Ai.out.json 21
check verbose_line grep -q '^partobs: fit: lds: 2 latents, 20 iterations' err.txt
check manifest_seed grep -q '"seed":[[:space:]]*3' Ai.out.manifest.json
# --tol stops early: fewer entries than iters + 1
"$P" fit Y.npy --method lds --latents 2 --iters 300 --tol 1e-4 -o At.npy
check tol_converged grep -q '"converged":[[:space:]]*true' At.json

# ---- errors: one line, right exit status, nothing written -------------------------------
cp Y.npy existing.npy
# const.npy: 30 x 2, column 0 alternates 0.5 / 1.0, column 1 is constant 2.0.
row_a='\x00\x00\x00\x00\x00\x00\xe0\x3f\x00\x00\x00\x00\x00\x00\x00\x40'
row_b='\x00\x00\x00\x00\x00\x00\xf0\x3f\x00\x00\x00\x00\x00\x00\x00\x40'
mknpy const.npy '<f8' '(30, 2)' "$(for _ in $(seq 1 15); do printf '%s%s' "$row_a" "$row_b"; done)"
# nan.npy: 30 x 2 halves with one NaN.
mknpy nan.npy '<f8' '(30, 2)' "$(for _ in $(seq 1 59); do printf '%s' '\x00\x00\x00\x00\x00\x00\xe0\x3f'; done)\\x00\\x00\\x00\\x00\\x00\\x00\\xf8\\x7f"
expect_error() { expect_error_in 'partobs: fit: ' "$@"; }
expect_error 1 latents_exceed_d fit Y.npy --method lds --latents 9 -o existing.npy
check latents_message grep -q 'latents (9) exceed the observed dimension d = 8' "$W/err.txt"
expect_error 1 constant_channel fit const.npy --method lds --latents 1 -o existing.npy
check constant_message grep -q 'channel 1 of Y is constant' "$W/err.txt"
expect_error 1 nan_in_y fit nan.npy --method lds --latents 1 -o existing.npy
expect_error 1 nan_in_u fit Y.npy --method lds --latents 1 --input nan.npy -o existing.npy
expect_error 1 input_rows fit Y.npy --method lds --latents 1 --input const.npy -o existing.npy
check input_rows_message grep -q 'rows' "$W/err.txt"
# an input equal to channel 0 explains it exactly: its noise variance collapses
expect_error 1 r_collapses fit Y.npy --method lds --latents 2 --input Ucopy.npy --emissions free -o existing.npy
check collapse_message grep -q 'channel 0 collapsed' "$W/err.txt"
expect_error 1 missing_y fit nothere.npy --method lds --latents 1 -o existing.npy
expect_error 2 bad_emissions fit Y.npy --method lds --latents 2 --emissions orthogonal -o existing.npy
expect_error 2 bad_init fit Y.npy --method lds --latents 2 --init svd -o existing.npy
expect_error 2 no_latents fit Y.npy --method lds -o existing.npy
expect_error 2 zero_latents fit Y.npy --method lds --latents 0 -o existing.npy
expect_error 2 bad_alpha fit Y.npy --method lds --latents 2 --alpha 0 -o existing.npy
expect_error 2 negative_tol fit Y.npy --method lds --latents 2 --tol -1 -o existing.npy
expect_error 2 no_output fit Y.npy --method lds --latents 2
expect_error 2 unknown_option fit Y.npy --method lds --latents 2 --phi tanh -o existing.npy
# --smoothed naming another output would silently replace it (A_cont.npy holding T x K latents)
expect_error 2 smoothed_is_output fit Y.npy --method lds --latents 2 --smoothed new.npy -o new.npy
expect_error 2 smoothed_is_json fit Y.npy --method lds --latents 2 --smoothed new.json -o new.npy
# iters + 1 trace entries: 2^64 - 1 used to wrap to a 0-byte buffer (segfault)
expect_error 2 iters_overflow fit Y.npy --method lds --latents 2 --iters 18446744073709551615 -o existing.npy
# a constant input 0.3 is collinear with the offset although its pivot is not exactly 0
mknpy u03.npy '<f8' '(400, 1)' "$(for _ in $(seq 1 400); do printf '%s' '\x33\x33\x33\x33\x33\x33\xd3\x3f'; done)"
expect_error 1 constant_input fit Y.npy --method lds --latents 2 --input u03.npy -o existing.npy
check constant_input_message grep -q 'collinear' "$W/err.txt"

# ---- --procedure paper (issue 14): ssm's Laplace-EM, ELBO trace, seeded draws --------
check help_procedure bash -c "grep -qF -- '--procedure NAME' help.txt && grep -qF '(default exact)' help.txt"
check exact_procedure_key bash -c "grep -q '\"procedure\":[[:space:]]*\"exact\"' Ac.json && ! grep -q '\"elbo\"' Ac.json"
"$P" fit Y.npy --method lds --latents 2 --input U.npy --procedure paper --iters 12 --seed 5 \
    -o Ap.npy && "$P" fit Y.npy --method lds --latents 2 --input U.npy --procedure paper \
    --iters 12 --seed 5 -o Ap2.npy && "$P" fit Y.npy --method lds --latents 2 --input U.npy \
    --procedure paper --iters 12 --seed 6 -o Ap3.npy
check paper_runs [ $? -eq 0 ]
check paper_procedure_key grep -q '"procedure":[[:space:]]*"paper"' Ap.json
# 13 ELBO and log-likelihood entries (iterations 0 .. 12)
n_entries() { grep "\"$1\"" Ap.json | tr -d '[],"a-z_:' | tr -s ' \t' '\n' | grep -vc '^$'; }
check paper_elbo_entries [ "$(n_entries elbo)" -eq 13 ]
check paper_ll_entries [ "$(n_entries log_likelihood)" -eq 13 ]
check paper_same_seed cmp -s Ap.npy Ap2.npy
check paper_other_seed bash -c "! cmp -s Ap.npy Ap3.npy"
check paper_manifest grep -q '"emission_iters"' Ap.npy.manifest.json
expect_error_in 'partobs: fit: ' 2 bad_procedure fit Y.npy --method lds --latents 2 --procedure laplace \
    -o existing.npy
check bad_procedure_message grep -q "unknown LDS procedure 'laplace'" "$W/err.txt"
expect_error_in 'partobs: fit: ' 2 paper_tol fit Y.npy --method lds --latents 2 --procedure paper \
    --tol 1e-6 -o existing.npy
check paper_tol_message grep -q 'tol must be 0 with the paper procedure' "$W/err.txt"

finish
