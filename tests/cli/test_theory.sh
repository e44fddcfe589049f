#!/usr/bin/env bash
# Command-line tests for `partobs theory` and `partobs curves` (issue 5,
# SPEC.md §4.3, §5).
#
# usage: bash test_theory.sh PATH/TO/partobs [tests/data]
#        PO_CLI_WRAPPER="valgrind -q ..." bash test_theory.sh ...
#
# Runs in a fresh temporary directory. Prints "ok   name" / "FAIL name: why"
# per test and ends with "N passed, N failed"; exits non-zero on any failure.
# Needs only bash and coreutils: teachers come from `partobs teacher`, other
# .npy inputs are built byte by byte with printf.

. "$(dirname "${BASH_SOURCE[0]}")/lib.sh" "$@"
F8_ZERO='\x00\x00\x00\x00\x00\x00\x00\x00'
F8_NAN='\x00\x00\x00\x00\x00\x00\xf8\x7f'
json_has() {
    local file=$1 key
    shift
    for key in "$@"; do grep -q "\"$key\":" "$file" || return 1; done
}
MANIFEST_KEYS="partobs_version command argv options seed blas_threads blas inputs outputs"
CURVE_KEYS="d line_attractor_score top_eigenvalues_re top_singular_values u_overlap v_overlap teachers covariance_method"

# ---- help ------------------------------------------------------------------------
check help_theory bash -c "'$P' theory --help | grep -q 'usage: partobs theory' && '$P' theory --help | grep -qF '(default 0)'"
check help_curves bash -c "'$P' curves --help | grep -qF '(default 5)' && '$P' curves --help | grep -qF -- '--skip-scale 0.5'"
check help_lists_commands bash -c "'$P' --help | grep -q 'curves' && '$P' --help | grep -q 'theory'"

# ---- theory ----------------------------------------------------------------------
"$P" teacher --net chain --D 100 -o chain.npy
"$P" theory --W chain.npy --d 25 -o s.npy 2>err.txt
check theory_runs [ $? -eq 0 ]
check theory_quiet [ ! -s err.txt ]
check theory_manifest json_has s.npy.manifest.json $MANIFEST_KEYS covariance_method
check theory_manifest_chain grep -q '"covariance_method":.*"chain"' s.npy.manifest.json
# The output is a 25 x 25 matrix that analyze reads; the chain's d = 25
# student at D = 100 has a complex top pair near 0.85 (SPEC.md §4.3 table).
"$P" analyze s.npy >table.txt
check theory_analyze_compatible grep -qE '^n +25$' table.txt
check theory_chain_top_pair grep -qE '^max Re lambda +0\.84' table.txt
"$P" theory --W chain.npy --d 25 --chain-last-row -o s_last.npy
check theory_chain_last_row [ $? -eq 0 ]
"$P" analyze s_last.npy >table2.txt
check theory_chain_last_row_same_top grep -qE '^max Re lambda +0\.84' table2.txt
"$P" theory --W chain.npy --d 25 --no-closed-forms -o s_schur.npy
check theory_schur_method grep -q '"covariance_method":.*"schur"' s_schur.npy.manifest.json
"$P" analyze s_schur.npy >table3.txt
check theory_schur_same_top grep -qE '^max Re lambda +0\.84' table3.txt
check theory_rho "$P" theory --W chain.npy --d 10 --rho 0.5 --noise-corr 0.2 -o s_rho.npy
check theory_manifest_rho grep -q '"rho":.*0.5' s_rho.npy.manifest.json

# ---- curves ----------------------------------------------------------------------
"$P" teacher --net gaussian --D 30 --seed 4 -o g.npy
"$P" curves --W g.npy --csv c.csv --json c.json --henrici 2>err.txt
check curves_runs [ $? -eq 0 ]
check curves_quiet [ ! -s err.txt ]
check curves_json_keys json_has c.json $CURVE_KEYS henrici
check curves_no_sem_for_one bash -c '! grep -q _sem c.json'
check curves_csv_rows [ "$(wc -l <c.csv)" -eq 31 ]
check curves_csv_header bash -c "head -1 c.csv | grep -q '^d,line_attractor_score,top_re_1,'"
check curves_csv_henrici bash -c "head -1 c.csv | grep -q ',henrici$'"
check curves_csv_first_d bash -c "sed -n 2p c.csv | grep -q '^1,0,'"
check curves_manifest json_has c.csv.manifest.json $MANIFEST_KEYS covariance_method
check curves_manifest_inputs grep -q '"inputs":.*"g.npy"' c.csv.manifest.json
"$P" curves --W g.npy --dmin 3 --dmax 21 --step 6 --csv step.csv
check curves_step_rows bash -c "[ \$(wc -l <step.csv) -eq 5 ] && cut -d, -f1 step.csv | tr '\n' ' ' | grep -q '^d 3 9 15 21 $'"
"$P" curves --W g.npy --csv t1.csv --threads 1
"$P" curves --W g.npy --csv t2.csv --threads 2
"$P" curves --W g.npy --csv t3.csv --threads 3
check curves_threads_same_bits bash -c 'cmp -s t1.csv t2.csv && cmp -s t1.csv t3.csv'
"$P" curves --net lowrank --rank 1 --scale 0.2 --D 24 --teachers 3 --seed 9 --json k.json --csv k.csv
check curves_teachers_runs [ $? -eq 0 ]
check curves_teachers_sem json_has k.json line_attractor_score_sem top_eigenvalues_re_sem \
    top_singular_values_sem u_overlap_sem v_overlap_sem
check curves_teachers_count grep -q '"teachers":.*3' k.json
check curves_teachers_manifest bash -c "grep -q '\"seed\":.*9' k.csv.manifest.json && grep -q '\"net\":.*\"lowrank\"' k.csv.manifest.json"
check curves_teachers_csv_sem bash -c "head -1 k.csv | grep -q 'u_overlap_sem'"
# The first generated teacher is the one `partobs teacher` draws with the same seed.
"$P" teacher --net lowrank --rank 1 --scale 0.2 --D 24 --seed 9 -o lr.npy
"$P" curves --net lowrank --rank 1 --scale 0.2 --D 24 --seed 9 --csv one.csv
"$P" curves --W lr.npy --csv lr.csv
check curves_net_equals_file cmp -s one.csv lr.csv
"$P" curves --net chain --D 40 --json chain.json
check curves_chain_closed_form grep -q '"covariance_method":.*"chain"' chain.json

# ---- bad input: one line on stderr, the right exit status, no output ----------------
mkdir bad && cd bad || exit 1
"$P" teacher --net chain --D 6 --diagonal-comp 1.25 -o unstable.npy
"$P" teacher --net lowrank-normal --D 6 --max-eval 1.5 -o unstable_sym.npy
"$P" teacher --net gaussian --D 6 -o ok.npy
mknpy nonsquare.npy '<f8' '(2, 3)' "$F8_ZERO$F8_ZERO$F8_ZERO$F8_ZERO$F8_ZERO$F8_ZERO"
mknpy nan.npy '<f8' '(2, 2)' "$F8_ZERO$F8_NAN$F8_ZERO$F8_ZERO"
expect_error() { expect_error_in 'partobs: ' "$@"; }
expect_error 1 theory_unstable theory --W unstable.npy --d 2 -o out.npy
check theory_unstable_says_why grep -q 'no stationary covariance exists' "$W/err.txt"
check theory_unstable_names_eigenvalue grep -q '1.25' "$W/err.txt"
expect_error 1 theory_unstable_symmetric theory --W unstable_sym.npy --d 2 -o out.npy
check theory_unstable_symmetric_says_why grep -q 'no stationary covariance exists' "$W/err.txt"
expect_error 1 curves_unstable curves --W unstable.npy --json out.json
check curves_unstable_says_why grep -q 'no stationary covariance exists' "$W/err.txt"
expect_error 1 theory_d_above_D theory --W ok.npy --d 7 -o out.npy
expect_error 2 theory_d_zero theory --W ok.npy --d 0 -o out.npy
expect_error 1 theory_nonsquare theory --W nonsquare.npy --d 1 -o out.npy
expect_error 1 theory_nan theory --W nan.npy --d 1 -o out.npy
expect_error 1 theory_missing_file theory --W nope.npy --d 1 -o out.npy
expect_error 2 theory_missing_d theory --W ok.npy -o out.npy
expect_error 2 theory_missing_output theory --W ok.npy --d 2
expect_error 2 theory_bad_noise_corr theory --W ok.npy --d 2 --noise-corr 1 -o out.npy
expect_error 2 theory_negative_rho theory --W ok.npy --d 2 --rho -1 -o out.npy
expect_error 2 theory_last_row_with_rho theory --W ok.npy --d 2 --chain-last-row --rho 0.1 -o out.npy
expect_error 1 theory_last_row_not_chain theory --W ok.npy --d 2 --chain-last-row -o out.npy
expect_error 1 curves_dmax_above_D curves --W ok.npy --dmax 7 --csv out.csv
expect_error 2 curves_dmax_above_net_D curves --net gaussian --D 6 --dmax 7 --csv out.csv
expect_error 2 curves_dmin_zero curves --W ok.npy --dmin 0 --csv out.csv
expect_error 2 curves_step_zero curves --W ok.npy --step 0 --csv out.csv
expect_error 2 curves_dmax_below_dmin curves --W ok.npy --dmin 4 --dmax 3 --csv out.csv
expect_error 1 curves_nonsquare curves --W nonsquare.npy --csv out.csv
expect_error 1 curves_nan curves --W nan.npy --json out.json
expect_error 2 curves_no_output curves --W ok.npy
expect_error 2 curves_no_teacher curves --csv out.csv
expect_error 2 curves_both_teachers curves --W ok.npy --net chain --D 5 --csv out.csv
expect_error 2 curves_teachers_with_file curves --W ok.npy --teachers 2 --csv out.csv
expect_error 2 curves_teachers_zero curves --net chain --D 5 --teachers 0 --csv out.csv
expect_error 2 curves_net_without_D curves --net chain --csv out.csv
expect_error 2 curves_unknown_net curves --net nope --D 5 --csv out.csv
expect_error 2 curves_foreign_generator_option curves --net chain --D 5 --rank 2 --csv out.csv
expect_error 2 curves_top_zero curves --W ok.npy --top 0 --csv out.csv
expect_error 1 curves_unwritable curves --W ok.npy --csv nodir/out.csv --json out.json
cd "$W" || exit 1

finish
