#!/usr/bin/env bash
# Command-line tests for `partobs` (DESIGN.md §5, issue 2 items 8 and 9).
#
# usage: bash test_cli.sh PATH/TO/partobs [tests/data]
#        PO_CLI_WRAPPER="valgrind -q ..." bash test_cli.sh ...   (see below)
#
# Runs in a fresh temporary directory. Prints "ok   name" / "FAIL name: why"
# per test and ends with "N passed, N failed"; exits non-zero on any failure.
# Needs only bash and coreutils (no Python): .npy inputs are built byte by
# byte with printf, JSON and manifests are checked with grep.

. "$(dirname "${BASH_SOURCE[0]}")/lib.sh" "$@"

# ---- .npy files built by hand (mknpy: tests/cli/lib.sh) ----------------------
# rep N BYTES: BYTES repeated N times (a printf format string).
rep() {
    local k out=''
    for ((k = 0; k < $1; k++)); do out+=$2; done
    printf '%s' "$out"
}
F8_ZERO='\x00\x00\x00\x00\x00\x00\x00\x00'
F8_ONE='\x00\x00\x00\x00\x00\x00\xf0\x3f'
F8_HALF='\x00\x00\x00\x00\x00\x00\xe0\x3f'
F8_NAN='\x00\x00\x00\x00\x00\x00\xf8\x7f'
F8_INF='\x00\x00\x00\x00\x00\x00\xf0\x7f'

# json_has FILE KEY...: every "KEY" appears as a key in FILE.
json_has() {
    local file=$1 key
    shift
    for key in "$@"; do grep -q "\"$key\":" "$file" || return 1; done
}
MANIFEST_KEYS="partobs_version command argv options seed blas_threads blas inputs outputs"
REPORT_KEYS="n eigenvalues time_constants line_attractor_score henrici singular_values max_real_eigenvalue"

# ---- top level ------------------------------------------------------------------
check version_text bash -c "'$P' --version | grep -q '^partobs [0-9]'"
check help_top bash -c "'$P' --help | grep -q 'simulate'"
check help_cmd bash -c "'$P' help simulate | grep -q 'usage: partobs simulate'"
"$P" >/dev/null 2>&1
check no_command_exit_2 [ $? -eq 2 ]
"$P" frobnicate >/dev/null 2>err.txt
check unknown_command_exit_2 [ $? -eq 2 ]
check unknown_command_one_line bash -c "[ \$(wc -l <err.txt) -eq 1 ] && grep -q \"^partobs: unknown command 'frobnicate'\" err.txt"

# --help of every command exits 0 and shows the library's defaults.
help_mentions() {
    local cmd=$1
    shift
    "$P" "$cmd" --help >help.txt || return 1
    grep -q default help.txt || return 1
    local s
    for s in "$@"; do grep -qF -- "$s" help.txt || return 1; done
}
check help_teacher help_mentions teacher "gaussian" "--scale 0.8" "--rank 2" "--skip-scale 0.5" \
    "--shift-scale 12" "--max-eval 0.999" "--min-eval 0.2" "20241210"
check help_simulate help_mentions simulate "(default 30000)" "(default linear)" "(default current)" \
    "(default 0.01)" "(default 0.2)" "(default 0.1)" "(default 0)" "T-1"
check help_observe help_mentions observe "(default 0)" "20241210"
check help_fit help_mentions fit "(default map)" "(default 0.001)" "(default 0.01)"
check help_analyze help_mentions analyze "(default 5)" "null"
check help_demo help_mentions demo "(default partobs-demo)" "(default 30000)" "(default 500)" \
    "(default 25)"
check help_flag_h bash -c "'$P' fit -h | grep -q 'usage: partobs fit'"

# ---- the pipeline: teacher -> simulate -> observe -> fit -> analyze ---------------
mkdir pipe && cd pipe || exit 1
"$P" teacher --net chain --D 30 --seed 7 -o W.npy &&
    "$P" simulate --W W.npy --T 1500 --seed 7 -o X.npy &&
    "$P" observe X.npy --d 6 -o Y.npy &&
    "$P" fit Y.npy --method map -o W_hat.npy &&
    "$P" analyze W_hat.npy --json report.json --top 3 >table.txt 2>stderr.txt
check pipeline_runs [ $? -eq 0 ]
check pipeline_quiet [ ! -s stderr.txt ]
for f in W X Y W_hat; do
    check "manifest_$f" json_has "$f.npy.manifest.json" $MANIFEST_KEYS
done
check manifest_report json_has report.json.manifest.json $MANIFEST_KEYS
check manifest_operator json_has X.npy.manifest.json operator kind
check manifest_operator_sparse grep -q '"kind":.*"sparse"' X.npy.manifest.json
check manifest_defaults json_has X.npy.manifest.json T phi leaky alpha noise g threads ic_scale
check manifest_teacher_options json_has W.npy.manifest.json net D scale diagonal_comp skip_interval \
    skip_scale ortho perm similarity
check manifest_fit_info json_has W_hat.npy.manifest.json fit_info samples rcond used_svd
# A dense teacher gives the same bits for every thread count.
"$P" teacher --net gaussian --D 300 --seed 2 -o Wd.npy
"$P" simulate --W Wd.npy --T 40 --phi tanh --threads 1 -o Xt1.npy
"$P" simulate --W Wd.npy --T 40 --phi tanh --threads 2 -o Xt2.npy
"$P" simulate --W Wd.npy --T 40 --phi tanh --threads 3 -o Xt3.npy
check dense_threads_same_bits bash -c 'cmp -s Xt1.npy Xt2.npy && cmp -s Xt1.npy Xt3.npy'
check manifest_threads_used grep -q '"threads_used":.*3' Xt3.npy.manifest.json
check manifest_outputs grep -q '"outputs":.*"X.npy"' X.npy.manifest.json
check manifest_inputs grep -q '"inputs":.*"W.npy"' X.npy.manifest.json
check manifest_seed grep -q '"seed":.*7' X.npy.manifest.json
check report_keys json_has report.json $REPORT_KEYS
# All 6 eigenvalues are listed as [re, im] pairs: 5 separators on one line.
check report_all_eigenvalues [ "$(grep '"eigenvalues"' report.json | grep -o '\], \[' | wc -l)" -eq 5 ]
check report_all_time_constants [ "$(grep '"time_constants"' report.json | grep -o ', ' | wc -l)" -eq 5 ]
check analyze_table grep -q 'line attractor score' table.txt
check analyze_table_top [ "$(grep -c '^ *[0-9] ' table.txt)" -eq 6 ]
before=$(ls -A)
"$P" analyze W.npy >/dev/null
check analyze_without_json_writes_nothing [ "$before" = "$(ls -A)" ]

# --flag=value gives the same result as --flag value.
"$P" simulate --W=W.npy --T=1500 --seed=7 --output=X2.npy
check equals_form cmp -s X.npy X2.npy
# The same command in another directory gives a byte-identical manifest.
mkdir again && (cd again && cp ../W.npy . && "$P" simulate --W W.npy --T 1500 --seed 7 -o X.npy)
check manifest_deterministic cmp -s X.npy.manifest.json again/X.npy.manifest.json
check sim_deterministic cmp -s X.npy again/X.npy

# ---- determinism -------------------------------------------------------------------
"$P" teacher --net gaussian --D 20 --seed 5 -o g1.npy
"$P" teacher --net gaussian --D 20 --seed 5 -o g2.npy
"$P" teacher --net gaussian --D 20 --seed 6 -o g3.npy
check teacher_same_seed cmp -s g1.npy g2.npy
check teacher_other_seed bash -c '! cmp -s g1.npy g3.npy'
"$P" simulate --W g1.npy --T 300 --phi tanh --seed 1 -o s1.npy
"$P" simulate --W g1.npy --T 300 --phi tanh --seed 1 -o s2.npy
"$P" simulate --W g1.npy --T 300 --phi tanh --seed 2 -o s3.npy
check simulate_same_seed cmp -s s1.npy s2.npy
check simulate_other_seed bash -c '! cmp -s s1.npy s3.npy'
"$P" observe s1.npy --d 4 --obs-noise 0.1 --seed 3 -o o1.npy
"$P" observe s1.npy --d 4 --obs-noise 0.1 --seed 3 -o o2.npy
"$P" observe s1.npy --d 4 --obs-noise 0.1 --seed 4 -o o3.npy
check observe_same_seed cmp -s o1.npy o2.npy
check observe_other_seed bash -c '! cmp -s o1.npy o3.npy'

# ---- replayed inputs, closed forms ---------------------------------------------------
# x0 = 0 and no noise keep a linear network at 0: X is exactly zeros (T x D).
mknpy z20.npy '<f8' '(20,)' "$(rep 20 "$F8_ZERO")"
mknpy zX.npy '<f8' '(5, 20)' "$(rep 100 "$F8_ZERO")"
mknpy zxi.npy '<f8' '(4, 20)' "$(rep 80 "$F8_ZERO")"
"$P" simulate --W g1.npy --T 5 --ic z20.npy --noise 0 -o x0.npy
check ic_replay cmp -s x0.npy zX.npy
"$P" simulate --W g1.npy --T 5 --ic z20.npy --noise-file zxi.npy -o x1.npy
check noise_file_replay cmp -s x1.npy zX.npy
check manifest_lists_replays json_has x1.npy.manifest.json ic noise_file
mknpy sig.npy '<f8' '(5,)' "$(rep 5 "$F8_ONE")"
check input_signal "$P" simulate --W g1.npy --T 5 --input sig.npy --w-in z20.npy -o xin.npy
# A 1 x T row signal is the same vector as a T-vector.
mknpy sigrow.npy '<f8' '(1, 5)' "$(rep 5 "$F8_ONE")"
mknpy o20.npy '<f8' '(20,)' "$(rep 20 "$F8_ONE")"
"$P" simulate --W g1.npy --T 5 --input sig.npy --w-in o20.npy --seed 3 -o xcol.npy
"$P" simulate --W g1.npy --T 5 --input sigrow.npy --w-in o20.npy --seed 3 -o xrow.npy
check input_signal_row_or_column cmp -s xcol.npy xrow.npy
check observe_index bash -c "'$P' observe zX.npy --index 3,1 -o oi.npy && grep -q '\"index\":.*3, 1' oi.npy.manifest.json"
"$P" analyze g1.npy --teacher g1.npy --json ov.json >/dev/null
check analyze_teacher_overlaps json_has ov.json u_overlap v_overlap
# tau = Inf (Re lambda = 1) is written as JSON null.
mknpy eye.npy '<f8' '(2, 2)' "$F8_ONE$F8_ZERO$F8_ZERO$F8_HALF"
"$P" analyze eye.npy --json eye.json >eye.txt
check json_inf_is_null grep -q '"time_constants":.*\[null, 2\]' eye.json
check analyze_note_marginal grep -q 'unstable or marginal' eye.txt
cd "$W" || exit 1

# ---- demo (small) and its reproduction with the individual commands ------------------
mkdir demo && cd demo || exit 1
"$P" demo --out dd --T 1500 --D 40 --d 8 --seed 11 >table.txt 2>stderr.txt
check demo_runs [ $? -eq 0 ]
check demo_quiet [ ! -s stderr.txt ]
check demo_table bash -c "grep -q '^chain *student' table.txt && grep -q '^lowrank *teacher' table.txt"
for f in W_chain W_lowrank Y_chain Y_lowrank W_hat_chain W_hat_lowrank; do
    check "demo_file_$f" [ -s "dd/$f.npy" ]
done
check demo_manifest json_has dd/manifest.json $MANIFEST_KEYS
check demo_report json_has dd/report.json cases chain lowrank teacher student $REPORT_KEYS
"$P" teacher --net chain --D 40 --seed 11 -o Wc.npy
"$P" simulate --W Wc.npy --T 1500 --seed 11 -o Xc.npy
"$P" observe Xc.npy --d 8 -o Yc.npy
"$P" fit Yc.npy -o Whc.npy
check demo_reproduced_W cmp -s Wc.npy dd/W_chain.npy
check demo_reproduced_Y cmp -s Yc.npy dd/Y_chain.npy
check demo_reproduced_W_hat cmp -s Whc.npy dd/W_hat_chain.npy
"$P" teacher --net lowrank --rank 2 --scale 0.2 --D 40 --seed 11 -o Wl.npy
"$P" simulate --W Wl.npy --T 1500 --seed 11 -o Xl.npy
"$P" observe Xl.npy --d 8 -o Yl.npy
check demo_reproduced_lowrank cmp -s Yl.npy dd/Y_lowrank.npy
cd "$W" || exit 1

# ---- bad input: exit status, one line on stderr, no file left behind ---------------
mkdir bad && cd bad || exit 1
"$P" teacher --net gaussian --D 8 --seed 1 -o W.npy && rm W.npy.manifest.json
"$P" simulate --W W.npy --T 50 -o X.npy && rm X.npy.manifest.json
"$P" observe X.npy --d 3 -o Y.npy && rm Y.npy.manifest.json
cp Y.npy existing.npy
mknpy nonsquare.npy '<f8' '(3, 4)' "$(rep 12 "$F8_ZERO")"
mknpy nan.npy '<f8' '(2, 2)' "$F8_ZERO$F8_NAN$F8_ZERO$F8_ZERO"
mknpy inf.npy '<f8' '(2, 2)' "$F8_ZERO$F8_ZERO$F8_INF$F8_ZERO"
mknpy int64.npy '<i8' '(2, 2)' "$(rep 4 "$F8_ZERO")"
mknpy ic3.npy '<f8' '(3,)' "$(rep 3 "$F8_ZERO")"
mknpy xi_short.npy '<f8' '(10, 8)' "$(rep 80 "$F8_ZERO")"
mknpy xi_cols.npy '<f8' '(50, 7)' "$(rep 350 "$F8_ZERO")"
mknpy y1.npy '<f8' '(1, 3)' "$(rep 3 "$F8_ZERO")"
head -c 100 X.npy >truncated.npy
printf 'this is not a .npy file at all, just some garbage bytes\n' >garbage.npy
: >empty.npy
mkdir dir.npy
mkdir blocked.npy.manifest.json
touch afile

# expect_error STATUS NAME ARGS...: `partobs ARGS` in bad/ exits with STATUS,
# prints nothing on stdout and exactly one line "partobs: ..." on stderr, and
# leaves the directory exactly as it was (no output, manifest or temp file).
expect_error() { expect_error_in 'partobs: ' "$@"; }

# files
expect_error 1 missing_file_simulate simulate --W nope.npy -o out.npy
expect_error 1 missing_file_observe observe nope.npy --d 2 -o out.npy
expect_error 1 missing_file_fit fit nope.npy -o out.npy
expect_error 1 missing_file_analyze analyze nope.npy --json out.json
expect_error 1 unreadable_directory simulate --W dir.npy -o out.npy
if [ "$(id -u)" -ne 0 ]; then
    cp W.npy locked.npy && chmod 000 locked.npy
    expect_error 1 unreadable_permissions simulate --W locked.npy -o out.npy
    chmod 644 locked.npy && rm locked.npy
fi
expect_error 1 malformed_garbage analyze garbage.npy
expect_error 1 malformed_truncated observe truncated.npy --d 2 -o out.npy
expect_error 1 malformed_empty fit empty.npy -o out.npy
expect_error 1 unsupported_dtype_int64 simulate --W int64.npy -o out.npy
expect_error 1 nan_in_W simulate --W nan.npy -o out.npy
expect_error 1 inf_in_X observe inf.npy --d 1 -o out.npy
expect_error 1 nan_in_Y fit nan.npy -o out.npy
expect_error 1 inf_in_analyze analyze inf.npy --json out.json
expect_error 1 nonsquare_W simulate --W nonsquare.npy -o out.npy
expect_error 1 nonsquare_analyze analyze nonsquare.npy
expect_error 1 ic_wrong_length simulate --W W.npy --T 50 --ic ic3.npy -o out.npy
expect_error 1 noise_file_too_short simulate --W W.npy --T 50 --noise-file xi_short.npy -o out.npy
expect_error 1 noise_file_wrong_columns simulate --W W.npy --T 50 --noise-file xi_cols.npy -o out.npy
expect_error 1 w_in_wrong_length simulate --W W.npy --T 3 --input ic3.npy --w-in ic3.npy -o out.npy
expect_error 1 d_greater_than_D observe X.npy --d 9 -o out.npy
expect_error 1 index_out_of_range observe X.npy --index 0,8 -o out.npy
# an --index list longer than D (repeats) without --d: the message must name --index, not a
# "--d" the user never gave (found by tools/crosscheck.py)
expect_error 1 index_longer_than_D observe X.npy --index 0,1,2,3,4,5,6,7,0 -o out.npy
check index_longer_than_D_message bash -c "grep -q -- '--index lists 9 neurons' '$W/err.txt' && ! grep -q -- '--d ' '$W/err.txt'"
expect_error 1 fit_T_1 fit y1.npy -o out.npy
expect_error 1 fit_burn_in_too_long fit Y.npy --burn-in 49 -o out.npy
expect_error 1 output_dir_missing teacher --net chain --D 4 -o nodir/out.npy
# A directory where the manifest goes is refused before any work (issue 10 item 2) ...
expect_error 2 manifest_target_is_a_directory teacher --net chain --D 4 -o blocked.npy
# ... and a later write that fails still removes the files already written.
expect_error 1 later_failure_rolls_back fit Y.npy --method force --passes 1 --free-passes 0 \
    --pvar-out nodir/p.npy -o out.npy
expect_error 1 failure_keeps_existing_output simulate --W nan.npy -o existing.npy
expect_error 2 demo_out_is_a_file demo --out afile --T 200 --D 10 --d 2
# T < 2 and malformed numbers
expect_error 2 T_1 simulate --W W.npy --T 1 -o out.npy
expect_error 2 T_0 simulate --W W.npy --T 0 -o out.npy
expect_error 2 T_negative simulate --W W.npy --T -5 -o out.npy
expect_error 2 T_abc simulate --W W.npy --T abc -o out.npy
expect_error 2 T_trailing_garbage simulate --W W.npy --T 12abc -o out.npy
expect_error 2 T_real simulate --W W.npy --T 1e3 -o out.npy
expect_error 2 T_missing_value simulate --W W.npy -o out.npy --T
expect_error 2 alpha_nan simulate --W W.npy --alpha nan -o out.npy
expect_error 2 alpha_inf simulate --W W.npy --alpha=inf -o out.npy
expect_error 2 seed_garbage teacher --net chain --D 4 --seed 12abc -o out.npy
expect_error 2 seed_overflow teacher --net chain --D 4 --seed 18446744073709551616 -o out.npy
# generators and options
expect_error 2 unknown_generator teacher --net banana --D 4 -o out.npy
expect_error 2 irrelevant_generator_option teacher --net chain --D 4 --rank 2 -o out.npy
expect_error 2 invalid_generator_option teacher --net lowrank --D 4 --rank 3 -o out.npy
expect_error 2 teacher_D_0 teacher --net chain --D 0 -o out.npy
expect_error 2 negative_D teacher --net chain --D -3 -o out.npy
expect_error 2 negative_d observe X.npy --d -1 -o out.npy
expect_error 2 d_0 observe X.npy --d 0 -o out.npy
expect_error 2 negative_noise simulate --W W.npy --noise -0.2 -o out.npy
expect_error 2 negative_obs_noise observe X.npy --d 2 --obs-noise -1 -o out.npy
expect_error 2 negative_rho fit Y.npy --rho -1 -o out.npy
expect_error 2 bad_phi_simulate simulate --W W.npy --phi relu -o out.npy
expect_error 2 bad_phi_fit fit Y.npy --phi sigmoid -o out.npy
expect_error 2 bad_leaky simulate --W W.npy --leaky voltage -o out.npy
expect_error 2 bad_alpha_fit fit Y.npy --alpha 2 -o out.npy
expect_error 2 unknown_method fit Y.npy --method sgd -o out.npy
expect_error 2 unknown_option_teacher teacher --net chain --D 4 --bogus -o out.npy
expect_error 2 unknown_option_simulate simulate --W W.npy --tmax=3 -o out.npy
expect_error 2 unknown_option_observe observe X.npy --d 2 -x -o out.npy
expect_error 2 unknown_option_fit fit Y.npy --lambda 1 -o out.npy
expect_error 2 unknown_option_analyze analyze W.npy --jsn out.json
expect_error 2 unknown_option_demo demo --size 3
expect_error 2 missing_output teacher --net chain --D 4
expect_error 2 missing_input observe --d 2 -o out.npy
expect_error 2 extra_argument fit Y.npy Y.npy -o out.npy
expect_error 2 duplicate_option teacher --net chain --net chain --D 4 -o out.npy
expect_error 2 flag_with_value teacher --net chain --D 4 --ortho=1 -o out.npy
expect_error 2 input_without_w_in simulate --W W.npy --input ic3.npy -o out.npy
expect_error 2 index_malformed observe X.npy --index 1,,2 -o out.npy
expect_error 2 index_and_d_disagree observe X.npy --d 3 --index 1,2 -o out.npy
expect_error 2 analyze_top_0 analyze W.npy --top 0
expect_error 2 demo_d_greater_than_D demo --D 10 --d 11
expect_error 2 unknown_command frobnicate
# A table that cannot be written to stdout fails the command and removes its files.
if [ -w /dev/full ]; then
    before=$(ls -A)
    "$P" analyze W.npy --json out.json >/dev/full 2>"$W/err.txt"
    rc=$?
    check stdout_failure_exit_1 [ "$rc" -eq 1 ]
    check stdout_failure_one_line grep -qx 'partobs: analyze: cannot write to standard output' "$W/err.txt"
    check stdout_failure_no_files [ "$before" = "$(ls -A)" ]
fi
# The .npy reader's fixtures (tests/data, from tools/fixtures_npy.py), when present:
# the same 3 x 4 matrix in C order, Fortran order and big-endian gives the same output.
DATA=${2:-}
if [ -n "$DATA" ] && [ -f "$DATA/npy_c2d.npy" ]; then
    "$P" observe "$DATA/npy_c2d.npy" --d 2 -o "$W/c.npy" &&
        "$P" observe "$DATA/npy_f2d.npy" --d 2 -o "$W/f.npy" &&
        "$P" observe "$DATA/npy_be8.npy" --d 2 -o "$W/be.npy"
    check npy_orders_accepted [ $? -eq 0 ]
    check npy_fortran_order cmp -s "$W/c.npy" "$W/f.npy"
    check npy_big_endian cmp -s "$W/c.npy" "$W/be.npy"
    check npy_float32_widened "$P" observe "$DATA/npy_f4.npy" --d 1 -o "$W/f4.npy"
    cp "$DATA/npy_i8.npy" "$DATA/npy_c16.npy" "$DATA/npy_3d.npy" .
    expect_error 1 unsupported_dtype_fixture_int64 observe npy_i8.npy --d 1 -o out.npy
    expect_error 1 unsupported_dtype_fixture_complex analyze npy_c16.npy
    expect_error 1 three_dimensional_array fit npy_3d.npy -o out.npy
fi
# The unknown-option message has the documented form.
"$P" teacher --net chain --D 4 --bogus=1 -o out.npy 2>"$W/err.txt"
check unknown_option_message grep -qx "partobs: teacher: unknown option '--bogus' (see 'partobs teacher --help')" "$W/err.txt"
cd "$W" || exit 1

finish
