#!/usr/bin/env bash
# Command-line tests for the nonlinear figures of `partobs reproduce`
# (issue 4 item 8): fig5, figF2, figF6 at --quick sizes.
#
# usage: bash test_reproduce_nonlinear.sh PATH/TO/partobs [tests/data]
#        PO_CLI_WRAPPER="valgrind -q ..." bash test_reproduce_nonlinear.sh ...
#
# Runs in a fresh temporary directory. Prints "ok   name" / "FAIL name: why"
# per test and ends with "N passed, N failed"; exits non-zero on any failure.

. "$(dirname "${BASH_SOURCE[0]}")/lib.sh" "$@"
# has FILE PATTERN: grep -q with a readable failure.
has() { grep -q -- "$2" "$1"; }

# ---- a bad option is refused before any work (also under a checker) --------
"$P" reproduce fig5 --quick --seed x --out bad > /dev/null 2> errbad.log
check "fig5 --seed x exits 2" test $? -eq 2
check "fig5 --seed x leaves no output" test ! -e bad

# Under a checker (valgrind: about 15 minutes for fig5 and figF6 even at --quick
# sizes) the figure runs are skipped: test_nl_pipeline covers their code paths
# under valgrind and ASan.
[ -n "${PO_CLI_WRAPPER:-}" ] && finish

# ---- fig5 --quick: files, the claims study table, the claims rows ----------
if "$P" reproduce fig5 --quick --out out5 > out5.log 2> err5.log; then
    pass "fig5 --quick exits 0"
else
    fail "fig5 --quick exits 0" "$(cat err5.log)"
fi
for f in fig5.png fig5.svg fig5.json claims.md; do
    check "fig5 writes $f" test -s "out5/$f"
done
check "fig5.png is a PNG" has out5/fig5.png PNG
for key in '"claims_table"' '"MAP 10%"' '"MAP 50%"' '"CORNN 5%"' '"BPTT 10%"' '"FORCE 10%"' \
    '"teacher_kinds"' '"plain_stable_focus"' '"mismatch"' '"re_gt1_complex"' '"verdict"' \
    '"instances"' '"seconds"' '"claims"'; do
    check "fig5.json has $key" has out5/fig5.json "$key"
done
check "claims.md has a fig5 section" has out5/claims.md '## fig5'
for row in 'MAP at 10%: the student' 'Re lambda > 1 in about half' 'not always a plain stable focus' \
    'MAP at 50%' 'CORNN 5%' 'BPTT 10%' 'FORCE 10%'; do
    check "claims.md row: $row" has out5/claims.md "$row"
done
check "claims.md states the run time" has out5/claims.md ' s in all'

# ---- figF2 and figF6 --quick -------------------------------------------------
figs="figF2 figF6"
if "$P" reproduce $figs --quick --out outF > outF.log 2> errF.log; then
    pass "$figs --quick exit 0"
else
    fail "$figs --quick exit 0" "$(cat errF.log)"
fi
for f in figF6.png figF6.json claims.md; do
    check "figF6 writes $f" test -s "outF/$f"
done
check "claims.md: F.6 row" has outF/claims.md 'F.6: MAP students of a rank-3'
check "figF6.json has two instances" test "$(grep -c '"MAP 50%"' outF/figF6.json)" -ge 2
for f in figF2.png figF2.json; do
    check "figF2 writes $f" test -s "outF/$f"
done
check "claims.md: F.2 MAP row" has outF/claims.md 'F.2: MAP (10%) overestimates'
check "claims.md: F.2 hidden row" has outF/claims.md 'BPTT with hidden units'
check "figF2.json has the students" has outF/figF2.json '"BPTT 10% + hidden"'
# the same seed gives the same numbers
if "$P" reproduce figF6 --quick --out outF2 > /dev/null 2>&1; then
    check "figF6 is reproducible" cmp -s outF/figF6.json outF2/figF6.json
else
    fail "figF6 rerun" "exit status"
fi

finish
