#!/usr/bin/env bash
# What the writers replace (issue 10 item 2, write side; cli/cli_output.h):
# "-" is standard output for every report, a symbolic link is followed (the
# file it names is replaced, the link survives), anything else that is not a
# regular file is never replaced, also when it appears while the output is
# being staged. (Refusing such targets on the command line, exit 2, is the
# option parser's job; here any refusal must leave the target as it was.)
#
# usage: bash test_safe_targets.sh PATH/TO/partobs [tests/data]

. "$(dirname "${BASH_SOURCE[0]}")/lib.sh" "$@"

digest() { sed -n "s|^\t\t\"$2\":\t\"\([0-9a-f]*\)\",\{0,1\}\$|\1|p" "$1"; }
sha() { sha256sum <"$1" | cut -d' ' -f1; }
no_temp() { ! find . -name '*partobs-tmp*' | grep -q .; }

"$P" teacher --net gaussian --D 6 --seed 1 -o W.npy 2>/dev/null

# ---- "-": standard output, no file, no manifest ------------------------------------------
"$P" analyze W.npy --json - >stdout.txt 2>err.txt
check json_dash_status [ $? -eq 0 ]
check json_dash_on_stdout grep -q '"eigenvalues":' stdout.txt
check json_dash_no_file bash -c "[ ! -e ./- ] && [ \"\$(ls | tr '\n' ' ')\" = 'W.npy W.npy.manifest.json err.txt stdout.txt ' ]"
check json_dash_no_temp no_temp
"$P" curves --W W.npy --csv - >stdout.txt 2>err.txt
check csv_dash_status [ $? -eq 0 ]
check csv_dash_on_stdout bash -c "[ \$(wc -l <stdout.txt) -ge 6 ] && [ ! -e ./- ] && [ ! -e ./-.manifest.json ]"
# With a file beside it, the manifest goes beside that file and lists only it.
"$P" curves --W W.npy --csv - --json c.json >stdout.txt 2>err.txt
check csv_dash_json_file bash -c "[ -s c.json ] && [ -s c.json.manifest.json ] && [ ! -e ./- ]"
check csv_dash_manifest_lists_file grep -qx $'\t"outputs":\t\\["c.json"\\],' c.json.manifest.json

# ---- symbolic links are followed ----------------------------------------------------------
mkdir -p data sub
echo old >data/real.npy
ln -s ../data/real.npy sub/link.npy                 # relative to the link's directory
"$P" simulate --W W.npy --T 40 --seed 2 -o sub/link.npy 2>err.txt
check link_status [ $? -eq 0 ]
check link_survives [ -L sub/link.npy ]
check link_target_replaced bash -c "head -c 6 data/real.npy | grep -q NUMPY"
check link_manifest_beside_link bash -c "[ -s sub/link.npy.manifest.json ] && [ ! -e data/real.npy.manifest.json ]"
check link_manifest_sha [ "$(digest sub/link.npy.manifest.json sub/link.npy)" = "$(sha data/real.npy)" ]
# A chain of two links, the second relative to its own directory.
ln -s sub/link.npy chain.npy
"$P" simulate --W W.npy --T 40 --seed 3 -o chain.npy 2>err.txt
check chain_status [ $? -eq 0 ]
check chain_links_survive bash -c "[ -L chain.npy ] && [ -L sub/link.npy ]"
"$P" simulate --W W.npy --T 40 --seed 3 -o direct.npy 2>/dev/null
check chain_target_written cmp -s data/real.npy direct.npy
# A dangling link: the file it names is created.
ln -s data/new.npy dangling.npy
"$P" analyze W.npy --json dangling.npy >/dev/null 2>err.txt
check dangling_creates_target bash -c "[ -L dangling.npy ] && grep -q '\"eigenvalues\"' data/new.npy"
# A link loop is an error, not a hang.
ln -s loop_b.json loop_a.json && ln -s loop_a.json loop_b.json
"$P" analyze W.npy --json loop_a.json >/dev/null 2>err.txt
rc=$?
check link_loop_refused bash -c "[ $rc -ne 0 ] && [ -L loop_a.json ] && [ ! -e loop_a.json.manifest.json ]"
check links_no_temp no_temp

# ---- never replace what is not a regular file ---------------------------------------------
# refused NAME TARGET ARGS...: exit 1 or 2, one error line, TARGET unchanged
# (still what `stat -c %F` said), no manifest beside it, no temporary.
refused() {
    local name=$1 target=$2 kind
    shift 2
    kind=$(stat -c %F "$target")
    "$P" "$@" >/dev/null 2>err.txt
    local rc=$?
    if [ "$rc" -ne 1 ] && [ "$rc" -ne 2 ]; then
        fail "$name" "exit status $rc"
    elif [ "$(wc -l <err.txt)" -ne 1 ]; then
        fail "$name" "stderr: $(head -c 300 err.txt)"
    elif [ "$(stat -c %F "$target")" != "$kind" ] || [ -e "$target.manifest.json" ] || ! no_temp; then
        fail "$name" "$target was replaced or something was left"
    else
        pass "$name"
    fi
}
mkfifo fifo.json
mkdir adir.npy
ln -s fifo.json link_to_fifo.json
refused fifo_json fifo.json analyze W.npy --json fifo.json
refused dir_npy adir.npy simulate --W W.npy --T 20 -o adir.npy
refused link_to_fifo fifo.json analyze W.npy --json link_to_fifo.json
# A device node of our own (as root), never /dev/null itself: a tool that
# fails this test must not break the machine for everyone else.
if mknod null.npy c 1 3 2>/dev/null; then
    refused device_npy null.npy simulate --W W.npy --T 20 -o null.npy
fi

# ---- last line of defence: a non-regular file that appears while staging ----------------------
# The output does not exist when the command starts (so no parser can object);
# a directory, then a FIFO, takes its name before the commit.
# Few neurons, many steps: a large output from little computation (a tenth
# of it under a checker such as valgrind, PO_CLI_WRAPPER).
K=1
[ -n "${PO_CLI_WRAPPER:-}" ] && K=10
"$P" teacher --net gaussian --D 10 --seed 4 -o W10.npy 2>/dev/null
appear() {
    local name=$1 make=$2
    "$P" simulate --W W10.npy --T $((800000 / K)) --seed 5 -o late.npy >/dev/null 2>err.txt &
    local pid=$! i
    for ((i = 0; i < 3000; i++)); do
        find . -maxdepth 2 -name ".*partobs-tmp.$pid*" | grep -q . && break
        sleep 0.01
    done
    $make late.npy
    wait "$pid"
    local rc=$?
    if [ "$rc" -ne 1 ]; then
        fail "$name" "exit status $rc, want 1"
    elif ! grep -q "^partobs: simulate: cannot move 'late.npy' into place" err.txt; then
        fail "$name" "stderr: $(head -c 300 err.txt)"
    elif [ -e late.npy.manifest.json ] || ! no_temp || [ -f late.npy ]; then
        fail "$name" "something was replaced or left"
    else
        pass "$name"
    fi
    rm -rf late.npy
}
appear commit_refuses_new_dir mkdir
appear commit_refuses_new_fifo mkfifo

finish
