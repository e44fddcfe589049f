#!/usr/bin/env bash
# Command-line tests for `partobs reproduce` (issue 5 item 6).
#
# usage: bash test_reproduce.sh PATH/TO/partobs [tests/data]
#        PO_CLI_WRAPPER="valgrind -q ..." bash test_reproduce.sh ...
#
# Runs in a fresh temporary directory; prints "ok   name" / "FAIL name: why"
# per test and ends with "N passed, N failed". Under a wrapper (valgrind) the
# one figure run is skipped: it takes seconds natively but minutes there.

. "$(dirname "${BASH_SOURCE[0]}")/lib.sh" "$@"
mkdir "$W/run" && cd "$W/run" || exit 1
# expect_error STATUS NAME ARGS...: exit STATUS, one "partobs: reproduce: " line
# on stderr, nothing on stdout, and the directory unchanged.
expect_error() {
    local want=$1 name=$2
    shift 2
    expect_error_in 'partobs: reproduce: ' "$want" "$name" reproduce "$@"
}

# ---- help -------------------------------------------------------------------------
"$P" reproduce --help >help.txt
check help_exit_0 [ $? -eq 0 ]
for fig in fig1 fig2 fig3 fig4 figF1 figF3 figF4 figF5 figF7 figF8; do
    check "help_lists_$fig" grep -q "^  $fig " help.txt
done
check help_defaults grep -q "(default partobs-figures)" help.txt
check help_seed grep -q "20241210" help.txt
rm -f help.txt

# ---- usage errors (exit 2, one line, nothing written) ---------------------------
expect_error 2 unknown_figure fig99 --out o
check unknown_figure_names_valid bash -c "'$P' reproduce fig99 2>&1 | grep -q 'one of: fig1, fig2, fig3'"
expect_error 2 unknown_option fig3 --bogus --out o
expect_error 2 bad_seed fig3 --seed -1 --out o
expect_error 2 bad_threads fig3 --threads x --out o
expect_error 2 empty_out fig3 --out ''
# ---- runtime error: the output directory cannot be made (exit 1, nothing left) ----
touch plain
expect_error 1 out_under_a_file fig3 --quick --out plain/sub
rm -f plain

# ---- one cheap figure, end to end ---------------------------------------------------
if [ -n "${PO_CLI_WRAPPER:-}" ]; then
    echo "skip figure run under PO_CLI_WRAPPER"
else
    "$P" reproduce fig3 --quick --out out --seed 5 >stdout.txt 2>stderr.txt
    check fig3_exit_0 [ $? -eq 0 ]
    check fig3_quiet_stderr [ ! -s stderr.txt ]
    check fig3_summary_line grep -Eq '^partobs reproduce: 1 figure, [0-9]+ of [0-9]+ claims hold, .* \(quick\); see out/claims.md$' stdout.txt
    check fig3_one_line [ "$(wc -l <stdout.txt)" -eq 1 ]
    for f in fig3.png fig3.svg fig3.json claims.md manifest.json; do
        check "fig3_wrote_$f" [ -s "out/$f" ]
    done
    check fig3_png_magic bash -c "head -c 4 out/fig3.png | od -An -c | grep -q 'P   N   G'"
    check fig3_no_temporaries bash -c "! ls out | grep -q tmp"
    check claims_header grep -q '^| claim | measured | holds |$' out/claims.md
    check claims_section grep -q '^## fig3: ' out/claims.md
    rows=$(grep -Ec '^\| .* \| (yes|no) \|$' out/claims.md)
    check claims_rows [ "$rows" -ge 3 ]
    check claims_total grep -Eq "^partobs .*seed 5, quick .*\*\*[0-9]+ of $rows claims hold\.\*\*" out/claims.md
    check json_keys bash -c "grep -q '\"figure\":' out/fig3.json && grep -q '\"claims\":' out/fig3.json && grep -q '\"panels_bc_d25_student_vs_D\":' out/fig3.json"
    check json_seed_exact grep -q '"run_seed":[[:space:]]*5,' out/fig3.json
    check manifest_lists_outputs bash -c "grep -q 'out/fig3.png' out/manifest.json && grep -q 'out/claims.md' out/manifest.json"
    check manifest_seed grep -q '"seed":[[:space:]]*5,' out/manifest.json
fi

finish
