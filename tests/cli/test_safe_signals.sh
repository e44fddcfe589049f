#!/usr/bin/env bash
# Interrupted runs leave nothing (issue 10 item 3; cli/cli_signal.h).
#
# usage: bash test_safe_signals.sh PATH/TO/partobs [tests/data]
#
# Each case starts a long command in the background, waits until its staged
# output appears (a hidden ".*partobs-tmp.<pid>" entry), sends a real signal
# and checks the exit status (128 + signal), the one error line, and that the
# directory is exactly as before: no temporary file, no partial output, no
# manifest without its file. Sizes keep every case to about a second.

. "$(dirname "${BASH_SOURCE[0]}")/lib.sh" "$@"

# Job control: without it bash starts background jobs with SIGINT ignored,
# and a program must leave a signal ignored at start alone (nohup).
set -m

# snap: every entry under the working directory, with a checksum of each file.
snap() {
    find . -mindepth 1 ! -name err.txt ! -name out.txt ! -name '.partobs-wrapped' | sort |
        while read -r f; do
            if [ -f "$f" ] && [ ! -L "$f" ]; then echo "$f $(cksum <"$f")"; else echo "$f"; fi
        done
}

# staged PID: a staged entry of process PID exists (at most two levels down).
# Shell globs, not find: no process is started, so the poll sees a staging window
# of a few milliseconds even on a loaded machine.
staged() {
    local f
    for f in .*partobs-tmp."$1"* */.*partobs-tmp."$1"*; do
        [ -e "$f" ] && return 0
    done
    return 1
}

# interrupt NAME SIGNAL STATUS ARGS...: run `partobs ARGS` in the background,
# send SIGNAL once its staged output exists, expect STATUS and no change.
interrupt() {
    local name=$1 sig=$2 want=$3 cmd=$4
    shift 3
    local before after rc pid
    before=$(snap)
    "$P" "$@" >out.txt 2>err.txt &
    pid=$!
    # Busy-poll with builtins only (up to 60 s): a sleep would be a new process.
    local until=$((SECONDS + 60))
    while ((SECONDS < until)); do
        staged "$pid" && break
        kill -0 "$pid" 2>/dev/null || break
    done
    if ! staged "$pid"; then
        wait "$pid"
        fail "$name" "no staged output seen before the end (exit $?): make the case larger"
        return
    fi
    kill -"$sig" "$pid"
    wait "$pid"
    rc=$?
    after=$(snap)
    if [ "$rc" -ne "$want" ]; then
        fail "$name" "exit status $rc, want $want: $(head -c 200 err.txt)"
    elif [ "$(wc -l <err.txt)" -ne 1 ] || ! grep -q "^partobs: $cmd: interrupted by SIG" err.txt; then
        fail "$name" "stderr is not one interruption line: $(head -c 300 err.txt)"
    elif [ "$before" != "$after" ]; then
        fail "$name" "the directory changed: $(diff <(echo "$before") <(echo "$after") | tr '\n' ' ')"
    else
        pass "$name"
    fi
}

# Few neurons, many steps: large outputs (tens of MB) from little computation.
# Under a checker (PO_CLI_WRAPPER, e.g. valgrind) everything is ~50x slower:
# a tenth of the steps still leaves a long window between staging and commit.
K=1
[ -n "${PO_CLI_WRAPPER:-}" ] && K=10
"$P" teacher --net gaussian --D 10 --seed 1 -o W.npy 2>/dev/null
"$P" teacher --net gaussian --D 8 --seed 2 -o W8.npy 2>/dev/null
SIM=(simulate --W W.npy --T $((800000 / K)) --seed 4)

# ---- simulate: one file and its manifest -------------------------------------------
interrupt simulate_sigint 2 130 "${SIM[@]}" -o big.npy
interrupt simulate_sigterm 15 143 "${SIM[@]}" -o big.npy
# Worker threads of the library run too (they inherit the blocked signals).
interrupt simulate_sighup_threads 1 129 "${SIM[@]}" --threads 2 -o big.npy
# A previous output stays as it was, manifest and all.
"$P" simulate --W W8.npy --T 50 --seed 5 -o keep.npy 2>/dev/null
interrupt simulate_keeps_previous 15 143 "${SIM[@]}" -o keep.npy
# Through a symbolic link: the staging happens beside the file it names.
mkdir -p data && ln -s data/target.npy link.npy
interrupt simulate_via_link 2 130 "${SIM[@]}" -o link.npy

# ---- task: a new output directory appears whole or not at all ------------------------
TASK=(task --net line-attractor --D 20 --T $((300000 / K)) --seed 6)
interrupt task_new_dir_sigint 2 130 "${TASK[@]}" --out TT
interrupt task_new_dir_sighup 1 129 "${TASK[@]}" --out TT
mkdir old && "$P" task --net line-attractor --D 4 --T 10 --out old 2>/dev/null
interrupt task_existing_dir 15 143 "${TASK[@]}" --out old

# ---- demo ------------------------------------------------------------------------------
interrupt demo_sigterm 15 143 demo --D 40 --d 40 --T $((100000 / K)) --out DM

# ---- reproduce: each figure's files together, claims.md at the end -------------------
interrupt reproduce_new_dir 2 130 reproduce fig2 --quick --out R
mkdir R2 && echo "an older figure" >R2/fig2.png && echo "older claims" >R2/claims.md
interrupt reproduce_existing_dir 1 129 reproduce fig2 --quick --out R2

# ---- fit: interrupted while computing (before anything is staged) ---------------------
"$P" teacher --net gaussian --D 100 --seed 7 -o W100.npy 2>/dev/null
"$P" simulate --W W100.npy --T $((40000 / K)) --seed 7 -o Y.npy 2>/dev/null
before=$(snap)
"$P" fit Y.npy --method gd -o Wfit.npy >out.txt 2>err.txt &
pid=$!
sleep 0.3
kill -TERM "$pid"
wait "$pid"
rc=$?
after=$(snap)
check fit_computing_status [ "$rc" -eq 143 ]
check fit_computing_nothing [ "$before" = "$after" ]

# ---- a signal ignored at start stays ignored (nohup) -------------------------------------
( trap '' HUP; exec "$P" "${SIM[@]}" -o nohup.npy ) >out.txt 2>err.txt &
pid=$!
for ((i = 0; i < 3000; i++)); do staged "$pid" && break; sleep 0.01; done
kill -HUP "$pid"
wait "$pid"
check nohup_runs_on [ $? -eq 0 ]
check nohup_outputs bash -c "[ -s nohup.npy ] && [ -s nohup.npy.manifest.json ]"

# ---- SIGKILL cannot be handled: what it leaves is hidden and named for the pid ------------
"$P" "${SIM[@]}" -o killed.npy >out.txt 2>err.txt &
pid=$!
for ((i = 0; i < 3000; i++)); do staged "$pid" && break; sleep 0.01; done
kill -KILL "$pid"
wait "$pid" 2>/dev/null
check sigkill_leaves_hidden_only bash -c "! ls | grep -q killed && ls -A | grep -qx '.partobs-tmp.$pid'"
rm -rf ".partobs-tmp.$pid"

finish
