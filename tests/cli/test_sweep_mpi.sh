#!/usr/bin/env bash
# partobs sweep under Open MPI's mpirun (issue 13 item 1; cli/sweep_mpi.c):
# the results are the same bytes for any number of ranks, and --resume works
# across ranks. partobs itself does not link MPI: under mpirun it becomes
# partobs-mpi, which does (the test checks that path too).
#
# usage: bash test_sweep_mpi.sh PATH/TO/partobs [tests/data]
#
# Skipped (passing, with the reason) when mpirun is missing, when partobs was
# built without MPI (-DPO_MPI=OFF), under PO_CLI_WRAPPER (valgrind cannot
# follow the ranks mpirun starts) and in sanitizer builds (Open MPI's own
# start-up allocations are reported as leaks by LeakSanitizer).

skip() {
    echo "skip: $1"
    echo "0 passed, 0 failed"
    exit 0
}
[ -n "${PO_CLI_WRAPPER:-}" ] && skip "under PO_CLI_WRAPPER (mpirun starts the ranks itself)"
command -v mpirun >/dev/null 2>&1 || skip "mpirun not found (Debian: openmpi-bin)"
# partobs re-executes as the partobs-mpi beside it (CMakeLists.txt, cli/sweep_mpi.h)
[ -x "${1:-}" ] && ! ldd "$(dirname "$1")/partobs-mpi" 2>/dev/null | grep -q libmpi &&
    skip "no partobs-mpi beside partobs (cmake -DPO_MPI=OFF, or Open MPI not found)"
[ -x "${1:-}" ] && grep -q __asan_init "$1" && skip "sanitizer build"

. "$(dirname "${BASH_SOURCE[0]}")/lib.sh" "$@"

MPIRUN=(mpirun --allow-run-as-root --oversubscribe)
cat >grid.json <<'EOF'
{
  "seed": 3,
  "teacher": [{"net": "line-attractor"}, {"net": "chain", "skip-interval": 3}],
  "D": 10,
  "d": [2, 5, 10],
  "T": 600,
  "phi": ["linear", "tanh"],
  "method": "map",
  "seeds": 2,
  "record": ["spectrum", "compare"]
}
EOF
N=24

"$P" sweep grid.json --out one >/dev/null 2>&1
check single_ran test -s one/results.csv
for k in 1 2 3; do
    "${MPIRUN[@]}" -n $k "$P" sweep grid.json --out "n$k" >"out$k.txt" 2>"err$k.txt"
    check "mpirun_n${k}_ok" test $? -eq 0
    check "mpirun_n${k}_one_summary" test "$(grep -c '^partobs sweep: ' "out$k.txt")" -eq 1
    check "mpirun_n${k}_same_csv" cmp -s "n$k/results.csv" one/results.csv
    check "mpirun_n${k}_same_jsonl" cmp -s "n$k/results.jsonl" one/results.jsonl
    check "mpirun_n${k}_all_cells" test "$(ls "n$k/cells" | grep -c '^cell-')" -eq $N
done

# Resume across ranks: a directory with some cells finished (as a killed
# sweep leaves it) is completed by 3 ranks to the same bytes.
mkdir -p part/cells
cp one/cells/grid.json part/cells/
for c in 0 1 2 7 8 20; do cp "one/cells/$(printf 'cell-%06d.txt' $c)" part/cells/; done
"${MPIRUN[@]}" -n 3 "$P" sweep grid.json --out part --resume >outr.txt 2>errr.txt
check mpirun_resume_ok grep -q "(18 computed, 6 resumed)" outr.txt
check mpirun_resume_same_csv cmp -s part/results.csv one/results.csv

check partobs_has_no_mpi bash -c "! ldd '$P' | grep -q libmpi"

finish
