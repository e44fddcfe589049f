#!/usr/bin/env bash
# Command-line tests for `partobs fit --method bptt` (SPEC.md §4.7, issue 4 item 3).
#
# usage: bash test_bptt.sh PATH/TO/partobs [tests/data]
#        PO_CLI_WRAPPER="valgrind -q ..." bash test_bptt.sh ...   (as test_cli.sh)
#
# Tiny sizes (5 observed units, 200 rows, windows of 20 steps, a few epochs)
# so the whole script runs in seconds, also under valgrind. Prints
# "ok name" / "FAIL name: why" and ends with "N passed, N failed".

. "$(dirname "${BASH_SOURCE[0]}")/lib.sh" "$@"
# The commands run in a subdirectory; out.txt / err.txt of expect_error stay outside it.
mkdir "$W/run" && cd "$W/run" || exit 1
# npy_shape FILE SHAPE: the .npy header of FILE declares SHAPE, e.g. "(5, 5)".
npy_shape() { head -c 128 "$1" | grep -aqF "'shape': $2"; }
json_has() {
    local file=$1 key
    shift
    for key in "$@"; do grep -q "\"$key\":" "$file" || return 1; done
}

# ---- help ------------------------------------------------------------------------
"$P" fit --method bptt --help >help.txt
check help_exit_0 [ $? -eq 0 ]
help_has() { local s; for s in "$@"; do grep -qF -- "$s" help.txt || return 1; done; }
check help_defaults help_has "usage: partobs fit Y.npy --method bptt" "(default 500)" "(default 16)" \
    "(default 100)" "(default sgd)" "(default 0.01)" "(default 0.9)" "(default 0.5)" \
    "(default 0.1)" "(default 20241210)" "--reference-shift" "--loss-out"
"$P" fit --method=bptt -h >help2.txt
check help_inline_method cmp -s help.txt help2.txt
check help_fit_lists_bptt bash -c "'$P' fit --help | grep -q 'map, cornn, force, gd, bptt'"

# ---- data: a small tanh teacher, 5 of its 12 units observed ---------------------------
"$P" teacher --net gaussian --D 12 --seed 5 -o Wt.npy &&
    "$P" simulate --W Wt.npy --T 200 --phi tanh --seed 5 -o X.npy &&
    "$P" observe X.npy --d 5 -o Y.npy
check make_data [ $? -eq 0 ]
FIT=(fit Y.npy --method bptt --seq-len 20 --epochs 3 --batch 4)

# ---- runs --------------------------------------------------------------------------
"$P" "${FIT[@]}" --loss-out loss.npy -o W1.npy 2>err.txt
check run_ok [ $? -eq 0 ]
check run_quiet [ ! -s err.txt ]
check shape_observed npy_shape W1.npy "(5, 5)"
check loss_shape npy_shape loss.npy "(3, 1)"
check manifest_keys json_has W1.npy.manifest.json partobs_version command argv options seed \
    inputs outputs fit_info windows loss_first loss_last seq_len optimizer reference_shift
check manifest_method grep -q '"method":[[:space:]]*"bptt"' W1.npy.manifest.json
check manifest_windows grep -q '"windows":[[:space:]]*18' W1.npy.manifest.json
check manifest_lists_loss grep -q '"loss.npy"' W1.npy.manifest.json

"$P" "${FIT[@]}" --hidden 3 -o Wh.npy
check hidden_shape npy_shape Wh.npy "(8, 8)"

"$P" "${FIT[@]}" --verbose -o W2.npy 2>err.txt && check same_seed_same_bits cmp -s W1.npy W2.npy
check verbose_line grep -q '^partobs: fit: bptt: 18 windows, 3 epochs, loss' err.txt
"$P" "${FIT[@]}" --seed 9 -o W3.npy && check other_seed_differs bash -c "! cmp -s W1.npy W3.npy"
"$P" "${FIT[@]}" --reference-shift -o Ws.npy && check shift_differs bash -c "! cmp -s W1.npy Ws.npy"
check shift_in_manifest grep -q '"reference_shift":[[:space:]]*true' Ws.npy.manifest.json
"$P" "${FIT[@]}" --optimizer adam --lr 0.001 -o Wa.npy
check adam_runs [ $? -eq 0 ]
"$P" "${FIT[@]}" --window 40:160 --beta 1 --momentum 0 -o Ww.npy
check window_runs grep -q '"windows":[[:space:]]*10' Ww.npy.manifest.json
"$P" "${FIT[@]}" --window 100: -o Wt2.npy
check window_open_end grep -q '"windows":[[:space:]]*8' Wt2.npy.manifest.json

# ---- errors: one line, right exit status, nothing written -------------------------------
cp Y.npy existing.npy
# nan.npy: 30 x 2 halves with one NaN, the header as np.save writes it (see test_cli.sh).
{
    dict="{'descr': '<f8', 'fortran_order': False, 'shape': (30, 2), }"
    hlen=$((${#dict} + 1 + (64 - (10 + ${#dict} + 1) % 64) % 64))
    printf '\x93NUMPY\x01\x00'
    printf "\\x$(printf %02x $((hlen & 255)))\\x$(printf %02x $((hlen >> 8)))"
    printf '%s' "$dict"
    printf "%$((hlen - ${#dict} - 1))s\n" ''
    for _ in $(seq 1 59); do printf '\x00\x00\x00\x00\x00\x00\xe0\x3f'; done
    printf '\x00\x00\x00\x00\x00\x00\xf8\x7f'
} >nan.npy
expect_error() { expect_error_in 'partobs: fit: ' "$@"; }
expect_error 2 beta_above_1 "${FIT[@]}" --beta 1.5 -o out.npy
expect_error 2 lr_zero "${FIT[@]}" --lr 0 -o out.npy
expect_error 2 seq_len_1 fit Y.npy --method bptt --seq-len 1 -o out.npy
expect_error 2 batch_0 "${FIT[@]}" --batch 0 -o out.npy
expect_error 2 epochs_0 "${FIT[@]}" --epochs 0 -o out.npy
expect_error 2 momentum_1 "${FIT[@]}" --momentum 1 -o out.npy
expect_error 2 unknown_optimizer "${FIT[@]}" --optimizer rmsprop -o out.npy
expect_error 2 window_empty "${FIT[@]}" --window 50:50 -o out.npy
expect_error 2 window_garbage "${FIT[@]}" --window 5-9 -o out.npy
expect_error 2 loss_out_is_output "${FIT[@]}" --loss-out out.npy -o out.npy
expect_error 2 map_option_refused "${FIT[@]}" --rho 0.1 -o out.npy
expect_error 2 missing_output "${FIT[@]}"
expect_error 1 seq_len_too_long fit Y.npy --method bptt --seq-len 201 -o out.npy
expect_error 1 window_past_end "${FIT[@]}" --window 0:201 -o out.npy
expect_error 1 window_shorter_than_seq "${FIT[@]}" --window 0:19 -o out.npy
expect_error 1 nan_in_Y fit nan.npy --method bptt --seq-len 10 -o out.npy
expect_error 1 diverged "${FIT[@]}" --init-scale 1e308 --hidden 40 --loss-out l.npy -o out.npy
check diverged_message grep -q "diverged in epoch 1 of 3.*last finite loss" "$W/err.txt"

finish
