#!/usr/bin/env bash
# Command-line tests for `partobs compare` (issue 4 item 7; docs/cli.md).
#
# usage: bash test_compare.sh PATH/TO/partobs [tests/data]
#        PO_CLI_WRAPPER="valgrind -q ..." bash test_compare.sh ...
#
# Same conventions as test_cli.sh: a fresh temporary directory, "ok name" /
# "FAIL name: why" per test, "N passed, N failed" at the end, non-zero exit on
# any failure, only bash and coreutils. Tiny networks and short runs.

. "$(dirname "${BASH_SOURCE[0]}")/lib.sh" "$@"

Z='\x00\x00\x00\x00\x00\x00\x00\x00'
HALF='\x00\x00\x00\x00\x00\x00\xe0\x3f'
TWO='\x00\x00\x00\x00\x00\x00\x00\x40'
P15='\x00\x00\x00\x00\x00\x00\xf8\x3f'
M15='\x00\x00\x00\x00\x00\x00\xf8\xbf'
NAN='\x00\x00\x00\x00\x00\x00\xf8\x7f'

json_has() {
    local file=$1 key
    shift
    for key in "$@"; do grep -q "\"$key\":" "$file" || return 1; done
}

# expect_error STATUS NAME ARGS...: exit STATUS, one "partobs: compare:" line,
# nothing on stdout, no file created.
expect_error() {
    local want=$1 name=$2
    shift 2
    expect_error_in 'partobs: compare: ' "$want" "$name" compare "$@"
}

mkdir -p in && cd in || exit 1
mknpy quiet.npy '<f8' '(2, 2)' "$HALF$Z$Z$HALF"        # stable origin only
mknpy bistable.npy '<f8' '(2, 2)' "$TWO$Z$Z$HALF"      # stable +-(x*, 0)
mknpy cycle.npy '<f8' '(2, 2)' "$P15$M15$P15$P15"      # one stable limit cycle
mknpy one.npy '<f8' '(1, 1)' "$TWO"                    # 1-D: stable +-x*
mknpy grow.npy '<f8' '(2, 2)' "$P15$Z$Z$P15"           # linear: diverges
mknpy rect.npy '<f8' '(2, 3)' "$HALF$Z$Z$Z$HALF$Z"
mknpy nan.npy '<f8' '(2, 2)' "$HALF$NAN$Z$HALF"
cd .. || exit 1
Q=(--steps 3000 --n-traj 4 --n-random 40)

check help bash -c "'$P' compare --help | grep -q 'usage: partobs compare' && '$P' compare --help | grep -q '(default tanh)' && '$P' compare --help | grep -q '(default 20000)'"
check listed bash -c "'$P' --help | grep -q compare"

"$P" compare --teacher in/bistable.npy --student in/bistable.npy "${Q[@]}" >same.txt 2>err.txt
check same_network_matches bash -c "[ $? -eq 0 ] && grep -q '^verdict: match: both: 2 stable fixed points' same.txt"
check same_network_quiet [ ! -s err.txt ]
check table_rows bash -c "grep -q '^top eigenvalues of W' same.txt && grep -q '^stable fixed points' same.txt && grep -q '^limit cycles' same.txt && grep -q '^LAS' same.txt"

"$P" compare --teacher in/quiet.npy --student in/cycle.npy "${Q[@]}" --json rep.json >cyc.txt
check spurious_cycle_exit_0 [ $? -eq 0 ]
check spurious_cycle_verdict grep -q 'verdict: mismatch: student has 1 spurious limit cycle (period ' cyc.txt
check missed_origin grep -q 'misses 1 stable fixed point (the origin) of the teacher' cyc.txt
check eig_gt1 grep -q 'student eigenvalues with Re > 1: 1.5+-1.5i' cyc.txt
check json_keys json_has rep.json teacher student eigenvalues line_attractor_score fixed_points \
    limit_cycles verdict x stable period amplitude match obs comparison time_constants kind
check json_verdict grep -q '"verdict":.*"mismatch: student has 1 spurious limit cycle' rep.json
check json_match_false grep -q '"match":.*false' rep.json
check json_manifest json_has rep.json.manifest.json partobs_version command argv options seed inputs outputs
check json_manifest_options json_has rep.json.manifest.json teacher student obs phi leaky steps n_traj

"$P" compare --teacher in/bistable.npy --student in/one.npy "${Q[@]}" >obs.txt
check student_smaller_obs_default bash -c "grep -q 'compared on the first 1 neurons' obs.txt && grep -q 'verdict: match' obs.txt"
"$P" compare --teacher in/bistable.npy --student in/bistable.npy --obs 1 "${Q[@]}" >obs1.txt
check obs_option grep -q 'compared on the first 1 neurons' obs1.txt
"$P" compare --teacher in/quiet.npy --student in/grow.npy --phi linear "${Q[@]}" >lin.txt
check linear_divergence bash -c "grep -q '0 fixed pt, 0 cycle, 4 diverged' lin.txt && grep -q 'misses 1 stable fixed point (the origin)' lin.txt"
"$P" compare --teacher in/bistable.npy --student in/bistable.npy --leaky rate "${Q[@]}" >rate.txt
check leaky_rate grep -q 'verdict: match: both: 2 stable fixed points' rate.txt
"$P" compare --teacher in/quiet.npy --student in/bistable.npy "${Q[@]}" --seed 3 --json s3a.json >/dev/null
"$P" compare --teacher in/quiet.npy --student in/bistable.npy "${Q[@]}" --seed 3 --json s3b.json >/dev/null
check deterministic cmp -s s3a.json s3b.json

# bad input: one line, exit 1 (files, data) or 2 (command line), no output
touch out.txt err.txt
expect_error 1 missing_teacher_file --teacher nope.npy --student in/one.npy --json o.json
expect_error 1 missing_student_file --teacher in/one.npy --student nope.npy --json o.json
expect_error 1 non_square --teacher in/rect.npy --student in/one.npy --json o.json
expect_error 1 nan_input --teacher in/quiet.npy --student in/nan.npy --json o.json
expect_error 1 obs_too_large --teacher in/bistable.npy --student in/one.npy --obs 2 --json o.json
expect_error 2 obs_zero --teacher in/quiet.npy --student in/quiet.npy --obs 0
expect_error 2 missing_student --teacher in/quiet.npy
expect_error 2 bad_phi --teacher in/quiet.npy --student in/quiet.npy --phi relu
expect_error 2 bad_leaky --teacher in/quiet.npy --student in/quiet.npy --leaky both
expect_error 2 bad_steps --teacher in/quiet.npy --student in/quiet.npy --steps 5
expect_error 2 bad_alpha --teacher in/quiet.npy --student in/quiet.npy --alpha 2
expect_error 2 bad_n_traj --teacher in/quiet.npy --student in/quiet.npy --n-traj 0
expect_error 2 positional --teacher in/quiet.npy --student in/quiet.npy extra.npy

finish
