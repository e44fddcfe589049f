#!/usr/bin/env bash
# The shared libraries export their public API and nothing else (issue 12
# part 1). The public functions are what gcc itself reads in the headers
# (-aux-info lists every function declaration of a translation unit with the
# header it comes from):
# - libpartobs.so exports, at version PARTOBS_0, exactly the functions the
#   numerics umbrella partobs/partobs.h declares, plus, at PARTOBS_PRIVATE_0,
#   exactly the internal helpers marked PO_CROSS_LIB in src/ (each one used
#   by libpartobs-report.so); no internal po_* helper (po_dg_dot, ...) and no
#   data symbol;
# - libpartobs-report.so exports exactly the functions partobs-report.h adds;
# - partobs.h pulls in no report header, cJSON or PLplot, and libpartobs.so
#   neither needs nor references cJSON or PLplot.
#
# usage: bash test_exports.sh BUILD/partobs SOURCE/tests/data
# The libraries are next to the CLI in the build root; the headers are in the
# source tree above tests/data.

BUILD=$(cd "$(dirname "$1")" 2>/dev/null && pwd)
SRC=$(cd "${2:-.}/../.." 2>/dev/null && pwd)
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh" "$@"

LIB=$BUILD/libpartobs.so
REP=$BUILD/libpartobs-report.so
for f in "$LIB" "$REP" "$SRC/include/partobs/partobs.h"; do
    if [ ! -e "$f" ]; then
        fail setup "missing $f"
        finish
    fi
done
if ! command -v gcc >/dev/null || ! command -v nm >/dev/null; then
    fail setup "gcc and nm (binutils) are needed"
    finish
fi

# declared HEADER: the functions declared in include/partobs/ by a translation
# unit that includes only partobs/HEADER, sorted.
declared() {
    printf '#include "partobs/%s"\n' "$1" >tu.c
    gcc -std=c11 -I"$SRC/include" $(pkg-config --cflags libcjson plplot 2>/dev/null) \
        -fsyntax-only -aux-info aux.txt tu.c || return 1
    grep -F "$SRC/include/partobs/" aux.txt | sed 's/ (.*//; s/.*[ *]//' | sort -u
}
# exported LIB VERSION: the functions LIB defines at VERSION, sorted.
exported() { nm -D --defined-only "$1" | awk -v v="$2" '$3 ~ "@@" v "$" { sub(/@.*/, "", $3); print $3 }' | sort; }

declared partobs.h >num.txt
declared partobs-report.h >all.txt
comm -13 num.txt all.txt >rep.txt
exported "$LIB" PARTOBS_0 >lib_pub.txt
exported "$LIB" PARTOBS_PRIVATE_0 >lib_priv.txt
exported "$REP" PARTOBS_REPORT_0 >rep_pub.txt
# The PO_CROSS_LIB declarations in the internal headers.
grep -rh --include='*.h' -o '^PO_CROSS_LIB [^(]*(' "$SRC/src" | sed 's/ *($//; s/.*[ *]//' | sort -u >cross.txt

check "the numerics headers declare functions (parse works)" test "$(wc -l <num.txt)" -gt 100
check "the report headers declare functions" test "$(wc -l <rep.txt)" -gt 10
# Spot checks that the parse sees what a reader sees.
check "po_fit_ridge is declared on the numerics side" grep -qx po_fit_ridge num.txt
check "po_figure_save is declared on the report side" grep -qx po_figure_save rep.txt

if diff num.txt lib_pub.txt >d.txt; then pass "libpartobs.so exports exactly partobs.h's functions"
else fail "libpartobs.so exports exactly partobs.h's functions" "$(tr '\n' ' ' <d.txt | head -c 400)"; fi
if diff cross.txt lib_priv.txt >d.txt; then pass "PARTOBS_PRIVATE_0 is exactly the PO_CROSS_LIB helpers"
else fail "PARTOBS_PRIVATE_0 is exactly the PO_CROSS_LIB helpers" "$(tr '\n' ' ' <d.txt)"; fi
check "there are few PO_CROSS_LIB helpers" test "$(wc -l <cross.txt)" -ge 1 -a "$(wc -l <cross.txt)" -le 12
unused=""
while read -r s; do
    nm -D --undefined-only "$REP" | grep -q " $s@PARTOBS_PRIVATE_0\$" || unused="$unused $s"
done <cross.txt
check "libpartobs-report.so uses every PO_CROSS_LIB helper:${unused:- yes}" test -z "$unused"
if nm -D --defined-only "$LIB" | grep -qw 'po_dg_dot\(@.*\)\?'; then
    fail "internal helpers stay hidden" "po_dg_dot is exported"
else pass "internal helpers stay hidden (po_dg_dot)"; fi
other=$(nm -D --defined-only "$LIB" "$REP" | awk 'NF == 3 && $2 != "T" && $2 != "A" { print $3 }')
check "no exported data symbols: ${other:-none}" test -z "$other"

if diff rep.txt rep_pub.txt >d.txt; then pass "libpartobs-report.so exports exactly partobs-report.h's additions"
else fail "libpartobs-report.so exports exactly partobs-report.h's additions" "$(tr '\n' ' ' <d.txt | head -c 400)"; fi

# The numerics side knows nothing of the report side's dependencies.
printf '#include "partobs/partobs.h"\n' >tu.c
deps=$(gcc -std=c11 -I"$SRC/include" -M tu.c | tr ' \\' '\n\n' | grep -E 'cjson|plplot|partobs/(plot|experiments|report)\.h' | tr '\n' ' ')
check "partobs.h includes no report header, cJSON or PLplot: ${deps:-none}" test -z "$deps"
needed=$(readelf -d "$LIB" | grep NEEDED | grep -E 'cjson|plplot' | tr -s ' ')
check "libpartobs.so needs neither cJSON nor PLplot: ${needed:-none}" test -z "$needed"
refs=$(nm -D --undefined-only "$LIB" | awk '{ print $2 }' | grep -E '^(cJSON|pl|c_pl)' | head -3 | tr '\n' ' ')
check "libpartobs.so references no cJSON or PLplot symbol: ${refs:-none}" test -z "$refs"
check "libpartobs-report.so needs libpartobs.so.0" sh -c "readelf -d '$REP' | grep NEEDED | grep -q 'libpartobs\.so\.0'"
check "libpartobs.so has SONAME libpartobs.so.0" sh -c "readelf -d '$LIB' | grep SONAME | grep -q '\[libpartobs\.so\.0\]'"
check "libpartobs-report.so has SONAME libpartobs-report.so.0" \
    sh -c "readelf -d '$REP' | grep SONAME | grep -q '\[libpartobs-report\.so\.0\]'"

finish
