#!/usr/bin/env bash
# Outputs never destroy data (issue 10, items 1 and 2): no output may replace
# an input or another output of the same command (compared by device + inode,
# so links are caught, or by resolved name), manifests included; a target that
# is a device, FIFO or directory is refused. Every refusal is a usage error
# (exit 2, one line) made before any work: the directory is left as it was and
# every input keeps its bytes.
#
# usage: bash test_safe_paths.sh PATH/TO/partobs [tests/data]

. "$(dirname "${BASH_SOURCE[0]}")/lib.sh" "$@"

"$P" teacher --net chain --D 8 --seed 3 -o W.npy &&
    "$P" simulate --W W.npy --T 60 --seed 3 -o X.npy &&
    "$P" observe X.npy --d 4 -o Y.npy &&
    "$P" simulate --W W.npy --T 60 --seed 4 -o U.npy || {
    fail setup "the pipeline failed"
    finish
}
rm -f ./*.manifest.json
SUMS=$(cksum W.npy X.npy Y.npy U.npy)

# refused NAME MESSAGE ARGS...: exit 2, one line that is exactly MESSAGE, nothing
# written (expect_error_in also checks the directory is unchanged).
refused() {
    local name=$1 msg=$2
    shift 2
    expect_error_in 'partobs: ' 2 "$name" "$@"
    if [ -n "$msg" ]; then
        check "${name}_message" grep -qxF -- "$msg" "$W/err.txt"
    fi
}

# ---- item 1: an output that is an input -------------------------------------------
refused analyze_json_is_input "partobs: analyze: output W.npy (--json) is the input W.npy" \
    analyze W.npy --json W.npy
refused observe_output_is_input "partobs: observe: output X.npy is the input X.npy" \
    observe X.npy --d 3 -o X.npy
refused simulate_output_is_W "partobs: simulate: output W.npy is the input W.npy (--W)" \
    simulate --W W.npy --T 20 -o W.npy
refused fit_output_is_input "partobs: fit: output Y.npy is the input Y.npy" fit Y.npy -o Y.npy
refused noise_file_is_output "partobs: simulate: output X.npy is the input X.npy (--noise-file)" \
    simulate --W W.npy --T 20 --noise-file X.npy -o X.npy
ln Y.npy hardlink.npy
refused output_is_hard_link "partobs: fit: output hardlink.npy is the input Y.npy" \
    fit Y.npy -o hardlink.npy
ln -s Y.npy symlink.npy
refused output_is_symlink "partobs: fit: output symlink.npy is the input Y.npy" \
    fit Y.npy -o symlink.npy
mkdir sub
refused output_is_input_other_spelling "partobs: fit: output sub/../Y.npy is the input ./Y.npy" \
    fit ./Y.npy -o sub/../Y.npy
refused fit_method_input_is_output \
    "partobs: fit: output U.npy is the input U.npy (--input)" \
    fit Y.npy --method cornn --input U.npy -o U.npy
# the manifest written beside the report would replace the input
cp W.npy r.json.manifest.json
refused manifest_is_input \
    "partobs: analyze: output r.json.manifest.json (the manifest of --json) is the input r.json.manifest.json" \
    analyze r.json.manifest.json --json r.json
rm r.json.manifest.json

# ---- item 1: two outputs of one command -------------------------------------------
refused force_pvar_is_output "partobs: fit: outputs o.npy (--pvar-out) and o.npy are the same file" \
    fit Y.npy --method force --pvar-out o.npy -o o.npy
refused cornn_input_weights_is_output \
    "partobs: fit: outputs o.npy (--input-weights-out) and o.npy are the same file" \
    fit Y.npy --method cornn --input U.npy --input-weights-out o.npy -o o.npy
refused curves_csv_is_json "partobs: curves: outputs c.out (--csv) and c.out (--json) are the same file" \
    curves --W W.npy --csv c.out --json c.out
refused report_is_manifest \
    "partobs: curves: outputs c.csv.manifest.json (the manifest of --csv) and c.csv.manifest.json (--json) are the same file" \
    curves --W W.npy --csv c.csv --json c.csv.manifest.json
refused bptt_loss_is_output "partobs: fit: outputs ./o.npy (--loss-out) and o.npy are the same file" \
    fit Y.npy --method bptt --loss-out ./o.npy -o o.npy
refused lds_smoothed_is_report \
    "partobs: fit: outputs a.json (--smoothed) and a.json (the JSON report of -o) are the same file" \
    fit Y.npy --method lds --latents 2 --smoothed a.json -o a.npy
# an existing output is compared by inode too: a hard link of another output
"$P" fit Y.npy --method force --passes 1 --free-passes 0 --pvar-out p.npy -o f.npy 2>/dev/null &&
    ln f.npy p2.npy && rm -f f.npy.manifest.json
refused outputs_hard_linked "partobs: fit: outputs p2.npy (--pvar-out) and f.npy are the same file" \
    fit Y.npy --method force --pvar-out p2.npy -o f.npy
# but naming an output again (replacing the previous run's file) is fine
"$P" fit Y.npy -o again.npy && "$P" fit Y.npy -o again.npy
check rerun_replaces_output [ $? -eq 0 ]

# ---- item 2: targets that are not regular files -----------------------------------
# Devices are reached through links in the working directory: stat follows the
# link, and a partobs with the bug replaces only the link, never the device itself.
# /dev/full stands for /dev/null, which other runs of a buggy partobs may have replaced.
ln -s /dev/full dev-link
refused json_device "partobs: analyze: output dev-link (--json) is a device" \
    analyze W.npy --json dev-link
refused output_device "partobs: teacher: output dev-link is a device" \
    teacher --net chain --D 4 -o dev-link
refused output_dash "partobs: fit: -o -: a .npy output cannot go to standard output" fit Y.npy -o -
mkdir adir
refused output_directory "partobs: fit: output adir is a directory" fit Y.npy -o adir
refused report_directory "partobs: curves: output adir (--csv) is a directory" \
    curves --W W.npy --csv adir
# the fixed files a command writes into its output directory are targets too
mkdir -p tdir/X.npy ddir && mkfifo ddir/report.json
refused task_dir_file_is_directory "partobs: task: output tdir/X.npy (--out) is a directory" \
    task --net feedforward --D 4 --T 20 --out tdir
refused demo_dir_file_is_fifo "partobs: demo: output ddir/report.json (--out) is a FIFO" \
    demo --D 4 --d 2 --T 20 --out ddir
mkfifo fifo
refused json_fifo "partobs: analyze: output fifo (--json) is a FIFO" analyze W.npy --json fifo
# /dev/stdout on a pipe is the pipe (a FIFO): refused, nothing on the pipe (the link
# stands for /dev/stdout, as above)
ln -s /proc/self/fd/1 stdout-link
"$P" analyze W.npy --json stdout-link 2>err2.txt | cat >piped.txt
rcs=("${PIPESTATUS[@]}")
check json_dev_stdout_pipe [ "${rcs[0]}" -eq 2 ]
check json_dev_stdout_nothing_piped [ ! -s piped.txt ]
check json_dev_stdout_message grep -qxF "partobs: analyze: output stdout-link (--json) is a FIFO" err2.txt
rm -f err2.txt piped.txt

check inputs_untouched [ "$SUMS" = "$(cksum W.npy X.npy Y.npy U.npy)" ]
finish
