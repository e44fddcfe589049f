# Shared set-up of the command-line test scripts tests/cli/test_*.sh. Each
# script starts with
#     . "$(dirname "${BASH_SOURCE[0]}")/lib.sh" "$@"
# and ends with `finish`. Its arguments are PATH/TO/partobs [tests/data].
#
# Provides: P, the partobs to test (absolute; wrapped when PO_CLI_WRAPPER is
# set), W, a fresh temporary directory that is the working directory and is
# removed on exit, and the helpers below. Output per test is "ok   name" or
# "FAIL name: why"; `finish` prints "N passed, N failed" and exits non-zero on
# any failure. Only bash and coreutils are needed.
#
# PO_CLI_WRAPPER runs every invocation under a checker, e.g.
# "valgrind -q --error-exitcode=3 --leak-check=full --errors-for-leak-kinds=definite":
# a memory error or leak changes the exit status and adds stderr lines, so the
# test that made that invocation fails.
set -u

if [ $# -lt 1 ]; then
    echo "usage: bash $(basename "$0") PATH/TO/partobs [tests/data]" >&2
    exit 2
fi
if [ ! -x "$1" ]; then
    echo "FAIL setup: '$1' is not an executable"
    echo "0 passed, 1 failed"
    exit 1
fi
P=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
W=$(mktemp -d)
trap 'chmod -R u+rwx "$W" 2>/dev/null; rm -rf "$W"' EXIT
cd "$W" || exit 1
if [ -n "${PO_CLI_WRAPPER:-}" ]; then
    printf '#!/bin/sh\nexec %s "%s" "$@"\n' "$PO_CLI_WRAPPER" "$P" > "$W/.partobs-wrapped"
    chmod +x "$W/.partobs-wrapped"
    P=$W/.partobs-wrapped
fi

n_pass=0
n_fail=0
pass() { echo "ok   $1"; n_pass=$((n_pass + 1)); }
fail() { echo "FAIL $1: $2"; n_fail=$((n_fail + 1)); }
# check NAME COMMAND...: pass when the command succeeds.
check() {
    local name=$1
    shift
    if "$@"; then pass "$name"; else fail "$name" "$*"; fi
}
finish() {
    echo "$n_pass passed, $n_fail failed"
    [ "$n_fail" -eq 0 ]
    exit
}

# mknpy FILE DESCR SHAPE DATA: a version 1.0 .npy with the header np.save
# writes (padded with spaces to a multiple of 64 bytes) and DATA, a printf
# format string of the raw bytes.
mknpy() {
    local file=$1 descr=$2 shape=$3 data=$4
    local dict="{'descr': '$descr', 'fortran_order': False, 'shape': $shape, }"
    local len=$((${#dict} + 1))
    local pad=$(((64 - (10 + len) % 64) % 64))
    local hlen=$((len + pad))
    {
        printf '\x93NUMPY\x01\x00'
        printf "\\x$(printf %02x $((hlen & 255)))\\x$(printf %02x $((hlen >> 8)))"
        printf '%s' "$dict"
        printf "%${pad}s" ''
        printf '\n'
        printf "$data"
    } >"$file"
}

# expect_error_in PREFIX STATUS NAME ARGS...: `partobs ARGS` exits with
# STATUS, prints nothing on stdout and exactly one line starting with PREFIX
# on stderr (kept in $W/err.txt for further checks), and leaves the working
# directory exactly as it was: no output, manifest or temporary file, and
# existing.npy, if there is one, untouched.
snapshot_() { ls -AR | grep -v -x -e out.txt -e err.txt; [ -e existing.npy ] && cksum existing.npy; }
expect_error_in() {
    local prefix=$1 want=$2 name=$3
    shift 3
    local before after rc
    before=$(snapshot_)
    "$P" "$@" >"$W/out.txt" 2>"$W/err.txt"
    rc=$?
    after=$(snapshot_)
    if [ "$rc" -ne "$want" ]; then
        fail "$name" "exit status $rc, want $want: $(head -c 200 "$W/err.txt")"
    elif [ "$(wc -l <"$W/err.txt")" -ne 1 ] || ! grep -q "^$prefix" "$W/err.txt"; then
        fail "$name" "stderr is not one '$prefix' line: $(head -c 300 "$W/err.txt")"
    elif [ -s "$W/out.txt" ]; then
        fail "$name" "wrote to stdout"
    elif [ "$before" != "$after" ]; then
        fail "$name" "the directory changed: $(diff <(echo "$before") <(echo "$after") | tr '\n' ' ')"
    else
        pass "$name"
    fi
}
