#!/usr/bin/env bash
# The option tables of docs/cli.md are generated from the commands' option
# tables (issue 10 item 10): every region between
#     <!-- generated: partobs help --markdown ARGS ... -->
# and
#     <!-- end generated -->
# must be exactly what `partobs help --markdown ARGS` prints now, so a changed
# option, help line or library default fails this test until the doc follows.
# Regenerate with:  PO_DOCS_UPDATE=1 bash tests/cli/test_docs.sh build/partobs tests/data
#
# usage: bash test_docs.sh PATH/TO/partobs tests/data

# Resolved before lib.sh changes the working directory.
DOC=$(cd "${2:-.}/../.." 2>/dev/null && pwd)/docs/cli.md
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh" "$@"

if [ ! -f "$DOC" ]; then
    fail setup "no docs/cli.md next to ${2:-.}"
    finish
fi

# The doc with every generated region replaced by the command's output now.
awk -v P="$P" '
    /^<!-- generated: partobs help --markdown / {
        print
        args = $0
        sub(/^<!-- generated: partobs help --markdown /, "", args)
        sub(/ -->.*$/, "", args)
        if (system("\"" P "\" help --markdown " args) != 0) exit 3
        skipping = 1
        next
    }
    /^<!-- end generated -->/ { skipping = 0 }
    !skipping { print }
' "$DOC" >generated.md
check generator_runs [ $? -eq 0 ]

n=$(grep -c '^<!-- generated: partobs help --markdown ' "$DOC")
check every_command_has_a_table [ "$n" -eq 18 ]
for cmd in teacher simulate observe analyze compare theory curves task demo reproduce diagnose sweep; do
    check "region_$cmd" grep -q "^<!-- generated: partobs help --markdown $cmd -->" "$DOC"
done
for m in map cornn force gd bptt lds; do
    check "region_fit_$m" grep -q "^<!-- generated: partobs help --markdown fit --method $m -->" "$DOC"
done

if [ -n "${PO_DOCS_UPDATE:-}" ]; then
    cp generated.md "$DOC"
fi
if cmp -s generated.md "$DOC"; then
    pass docs_tables_current
else
    fail docs_tables_current "docs/cli.md differs from the generated tables: $(diff "$DOC" generated.md | head -c 600)"
fi
finish
