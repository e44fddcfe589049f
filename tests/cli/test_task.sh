#!/usr/bin/env bash
# Command-line tests for `partobs task` (issue 3, SPEC.md §7; docs/cli.md).
#
# usage: bash test_task.sh PATH/TO/partobs [tests/data]
#        PO_CLI_WRAPPER="valgrind -q ..." bash test_task.sh ...
#
# Runs in a fresh temporary directory. Prints "ok   name" / "FAIL name: why"
# per test and ends with "N passed, N failed"; exits non-zero on any failure.
# Needs only bash and coreutils (shapes are read from the .npy headers).
# Small networks and short runs.

. "$(dirname "${BASH_SOURCE[0]}")/lib.sh" "$@"

json_has() {
    local file=$1 key
    shift
    for key in "$@"; do grep -q "\"$key\":" "$file" || return 1; done
}
# has_shape FILE SHAPE: the .npy header of FILE declares that shape, e.g. "(20,)".
has_shape() { head -c 128 "$1" | grep -qF "'shape': $2, }"; }
ARRAYS="X.npy U.npy readout.npy ideal.npy W.npy w_in.npy w_out.npy"
same_arrays() {
    local a=$1 b=$2 f
    for f in $ARRAYS; do cmp -s "$a/$f" "$b/$f" || return 1; done
}
expect_error() {
    local want=$1 name=$2
    shift 2
    expect_error_in 'partobs: task: ' "$want" "$name" task "$@"
}
S=(--D 20 --T 300)

# ---- help ------------------------------------------------------------------------
check help bash -c "'$P' task --help | grep -q 'usage: partobs task' && '$P' task --help | grep -qF '(default 500)' && '$P' task --help | grep -qF '(default 5000)' && '$P' task --help | grep -qF '(default 0.01)'"
check listed bash -c "'$P' --help | grep -q '^  task '"

# ---- outputs and shapes --------------------------------------------------------------
"$P" task --net line-attractor "${S[@]}" --seed 3 --out la >out.txt 2>err.txt
check la_runs [ $? -eq 0 ]
check la_quiet bash -c "[ ! -s err.txt ] && [ ! -s out.txt ]"
check la_files bash -c "cd la && ls | sort | tr '\n' ' ' | grep -qx 'U.npy W.npy X.npy ideal.npy manifest.json readout.npy w_in.npy w_out.npy '"
check la_shape_X has_shape la/X.npy '(300, 20)'
check la_shape_U has_shape la/U.npy '(300, 1)'
check la_shape_readout has_shape la/readout.npy '(300, 1)'
check la_shape_ideal has_shape la/ideal.npy '(300, 1)'
check la_shape_W has_shape la/W.npy '(20, 20)'
check la_shape_w_in has_shape la/w_in.npy '(20,)'
check la_shape_w_out has_shape la/w_out.npy '(20,)'
check la_manifest json_has la/manifest.json partobs_version command argv options seed inputs outputs \
    net D T alpha noise input_gain signal_noise max_eval min_eval threads out
check la_manifest_values bash -c "grep -q '\"net\":.*\"line-attractor\"' la/manifest.json && grep -q '\"seed\":.*3,' la/manifest.json && grep -q '\"T\":.*300' la/manifest.json"
check la_manifest_outputs bash -c "grep -q 'la/X.npy' la/manifest.json && grep -q 'la/w_out.npy' la/manifest.json"
# The activity written is what analyze reads: W is the line attractor, top eigenvalue 0.999.
"$P" analyze la/W.npy >an.txt
check la_top_eigenvalue grep -qE '^max Re lambda +0\.999' an.txt

mkdir ff
"$P" task --net feedforward "${S[@]}" --seed 3 --out ff
check ff_existing_dir [ $? -eq 0 ]
check ff_shape_X has_shape ff/X.npy '(300, 20)'
check ff_shape_readout has_shape ff/readout.npy '(300, 1)'
check ff_shape_w_out has_shape ff/w_out.npy '(20,)'
check ff_manifest json_has ff/manifest.json skip_scale readout_gain
check ff_differs_from_la bash -c "! cmp -s la/W.npy ff/W.npy"
"$P" analyze ff/W.npy >an_ff.txt
check ff_analyze_reads_W grep -qE '^n +20$' an_ff.txt
check ff_D2 "$P" task --net feedforward --D 2 --T 10 --out d2

# ---- determinism --------------------------------------------------------------------
"$P" task --net line-attractor "${S[@]}" --seed 3 --out la2
check same_seed_same_bits same_arrays la la2
"$P" task --net line-attractor "${S[@]}" --seed 4 --out la4
check other_seed_differs bash -c "! cmp -s la/X.npy la4/X.npy && ! cmp -s la/W.npy la4/W.npy"
"$P" task --net feedforward "${S[@]}" --seed 3 --threads 2 --out ff2
check threads_same_bits same_arrays ff ff2
"$P" task --net feedforward "${S[@]}" --seed 3 --noise 0 --input-gain 0.2 --alpha 0.02 --out ffo
check options_change_output bash -c "cmp -s ff/W.npy ffo/W.npy && ! cmp -s ff/X.npy ffo/X.npy && ! cmp -s ff/U.npy ffo/U.npy"
check options_in_manifest bash -c "grep -q '\"noise\":.*0,' ffo/manifest.json && grep -q '\"input_gain\":.*0.2' ffo/manifest.json && grep -q '\"alpha\":.*0.02' ffo/manifest.json"

# ---- bad input: one line, exit 2 (command line) or 1 (runtime), nothing written -------
touch out.txt err.txt
expect_error 2 unknown_net --net chain "${S[@]}" --out bad
expect_error 2 missing_net "${S[@]}" --out bad
expect_error 2 missing_out --net feedforward "${S[@]}"
expect_error 2 empty_out --net feedforward "${S[@]}" --out ''
expect_error 2 D_too_small --net line-attractor --D 1 --T 300 --out bad
expect_error 2 T_too_small --net line-attractor --D 20 --T 1 --out bad
expect_error 2 D_not_a_number --net line-attractor --D 2x --out bad
expect_error 2 negative_D --net line-attractor --D -5 --out bad
expect_error 2 bad_seed --net line-attractor "${S[@]}" --seed -1 --out bad
expect_error 2 alpha_zero --net line-attractor "${S[@]}" --alpha 0 --out bad
expect_error 2 alpha_nan --net line-attractor "${S[@]}" --alpha nan --out bad
expect_error 2 negative_noise --net line-attractor "${S[@]}" --noise -0.1 --out bad
expect_error 2 input_gain_inf --net line-attractor "${S[@]}" --input-gain inf --out bad
expect_error 2 unknown_option --net line-attractor "${S[@]}" --rank 3 --out bad
expect_error 2 positional --net line-attractor "${S[@]}" extra --out bad
# alpha = 300 makes the Euler map explode: a runtime error before any file.
expect_error 1 unstable --net line-attractor "${S[@]}" --alpha 300 --out bad
check unstable_message grep -q 'non-finite' err.txt
touch afile
# v0 s_800 = -2e308 overflows U.npy while the state (one step behind) stays finite
expect_error 1 input_overflows --net feedforward --D 20 --T 801 --input-gain 1e308 --out bad
expect_error 2 out_is_a_file --net line-attractor "${S[@]}" --out afile
expect_error 1 out_parent_missing --net line-attractor "${S[@]}" --out nope/deeper
# A directory named W.npy blocks that file: refused before any work (issue 10 item 2),
# nothing written.
mkdir -p blocked/W.npy
expect_error 2 blocked_file_refused --net line-attractor "${S[@]}" --out blocked
check rolled_back bash -c "[ \"\$(ls -A blocked)\" = W.npy ]"

finish
