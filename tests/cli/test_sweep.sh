#!/usr/bin/env bash
# partobs sweep (issue 13 item 1): a cell equals the CLI pipeline with its
# seed, the outputs and their fixed columns, thread independence, an
# interrupted sweep resumed to the same bytes, bad grids refused.
#
# usage: bash test_sweep.sh PATH/TO/partobs [tests/data]

# Resolved before lib.sh changes the working directory.
SMALL=$(cd "${2:-.}/../.." 2>/dev/null && pwd)/examples/sweeps/small.json
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh" "$@"

# Job control: background jobs then keep SIGINT (see test_safe_signals.sh).
set -m

cat >grid.json <<'EOF'
{
  "seed": 7,
  "teacher": [{"net": "gaussian", "scale": 0.8, "label": "gauss"},
              {"net": "chain", "skip-interval": 4}],
  "D": 12,
  "fractions": [0.25, 0.5, 1],
  "T": 800,
  "phi": ["linear", "tanh"],
  "method": "map",
  "seeds": 2,
  "record": ["spectrum", "compare"]
}
EOF
N=24

"$P" sweep grid.json --out out >out.txt 2>err.txt
rc=$?
check runs_ok test "$rc" -eq 0
# valgrind reports the "possibly lost" blocks of pango's font set-up on stderr
check runs_quietly bash -c "[ -n '${PO_CLI_WRAPPER:-}' ] || [ ! -s err.txt ]"
check stdout_summary grep -qx "partobs sweep: $N cells ($N computed, 0 resumed): out/results.csv" out.txt
for f in results.csv results.jsonl summary.png summary.svg manifest.json cells/grid.json; do
    check "wrote_$f" test -s "out/$f"
done
check one_cell_file_each test "$(ls out/cells | grep -c '^cell-[0-9]*\.txt$')" -eq $N
check no_temporaries bash -c "! find out -name '*partobs-tmp*' | grep -q ."
HEADER='cell,seed,replicate,teacher,D,d,fraction,T,phi,method,status,max_re,tau1,tau2,las,henrici,compare_match,compare_verdict,diagnose_verdict'
check csv_header test "$(head -n 1 out/results.csv)" = "$HEADER"
check csv_rows test "$(wc -l <out/results.csv)" -eq $((N + 1))
check jsonl_rows test "$(wc -l <out/results.jsonl)" -eq $N
check cells_in_order test "$(tail -n +2 out/results.csv | cut -d, -f1 | tr '\n' ' ')" = \
    "$(seq 0 $((N - 1)) | tr '\n' ' ')"
check all_ok test "$(tail -n +2 out/results.csv | cut -d, -f11 | sort -u)" = ok
# replicate is innermost, then method, phi, T, d, D, teacher (sweep_grid.h)
check order_row3 grep -q '^3,[0-9]*,1,gauss,12,3,0.25,800,tanh,map,ok,' out/results.csv
check order_row12 grep -q '^12,[0-9]*,0,chain,12,3,0.25,800,linear,map,ok,' out/results.csv
check fraction_rounding grep -q '^20,[0-9]*,0,chain,12,12,1,800,linear,map,' out/results.csv
# compare is recorded for the nonlinear students only
check compare_tanh_only test "$(tail -n +2 out/results.csv | awk -F, '$9 == "linear" && $17 != "" || $9 == "tanh" && $17 == ""' | wc -l)" -eq 0
check jsonl_nulls grep -q '"compare_match":null,"compare_verdict":null,"diagnose_verdict":null}$' out/results.jsonl
check manifest_command grep -q '"command":[[:space:]]*"sweep"' out/manifest.json
check manifest_lists_results grep -q '"out/results.csv"' out/manifest.json

# One cell against the commands run by hand with its seed (cell 7: gauss, d 6, tanh).
row=$(sed -n '9p' out/results.csv)
json=$(sed -n '8p' out/results.jsonl)
IFS=, read -r cell seed rep teacher D d frac T phi method status _ <<<"$row"
check cell_7 test "$cell,$d,$phi" = "7,6,tanh"
"$P" teacher --net gaussian --D "$D" --scale 0.8 --seed "$seed" -o W.npy &&
    "$P" simulate --W W.npy --T "$T" --phi "$phi" --seed "$seed" -o X.npy &&
    "$P" observe X.npy --d "$d" --seed "$seed" -o Y.npy &&
    "$P" fit Y.npy --phi "$phi" -o Wh.npy &&
    "$P" analyze Wh.npy --json a.json >/dev/null &&
    "$P" compare --teacher W.npy --student Wh.npy --phi "$phi" --seed "$seed" --json c.json >/dev/null
check pipeline_ran test $? -eq 0
a=$(tr -d ' \t\n' <a.json)
c=$(tr -d ' \t\n' <c.json)
# value KEY TEXT: the JSON value of "KEY" in TEXT (both printed by cJSON)
value() { grep -o "\"$1\":[^,}]*" <<<"$2" | head -n 1 | cut -d: -f2-; }
check same_max_re test "$(value max_real_eigenvalue "$a")" = "$(value max_re "$json")"
check same_las test "$(value line_attractor_score "$a")" = "$(value las "$json")"
check same_henrici test "$(value henrici "$a")" = "$(value henrici "$json")"
taus=$(grep -o '"time_constants":\[[^]]*' <<<"$a" | cut -d[ -f2 | cut -d, -f1,2)
check same_tau1_tau2 test "$taus" = "$(value tau1 "$json"),$(value tau2 "$json")"
check same_compare test "$(value match "$c")" = "$(value compare_match "$json")"
check same_verdict test "$(grep -o '"verdict":[[:space:]]*"[^"]*"' c.json | sed 's/^"verdict":[[:space:]]*//')" = \
    "$(grep -o '"compare_verdict":"[^"]*"' <<<"$json" | cut -d: -f2-)"

# Every method a grid can cross, each cell against `partobs fit --method M`
# with the same options (gd, cornn and force, with short trainings).
cat >methods.json <<'EOF'
{"seed": 3, "teacher": {"net": "gaussian", "scale": 0.8}, "D": 12, "d": 6, "T": 800, "phi": "tanh",
 "method": [{"name": "gd", "iters": 200, "lr": 0.05, "rho": 0.01},
            {"name": "cornn", "iters": 20, "l2": 1e-4, "solver": "robust"},
            {"name": "force", "passes": 3, "p0": 0.02, "label": "force-p0"}]}
EOF
"$P" sweep methods.json --out methods >/dev/null 2>&1
check methods_ran test -s methods/results.csv
check methods_labels test "$(tail -n +2 methods/results.csv | cut -d, -f10 | tr '\n' ' ')" = "gd cornn force-p0 "
fit_opts=("--method gd --iters 200 --lr 0.05 --rho 0.01" "--method cornn --iters 20 --l2 1e-4 --solver robust"
    "--method force --passes 3 --p0 0.02")
for k in 0 1 2; do
    IFS=, read -r _ seed _ _ D d _ T phi method _ <<<"$(sed -n "$((k + 2))p" methods/results.csv)"
    json=$(sed -n "$((k + 1))p" methods/results.jsonl)
    extra=""
    [ "$method" = force-p0 ] && extra="--seed $seed"
    # shellcheck disable=SC2086
    "$P" teacher --net gaussian --D "$D" --scale 0.8 --seed "$seed" -o Wm.npy &&
        "$P" simulate --W Wm.npy --T "$T" --phi "$phi" --seed "$seed" -o Xm.npy &&
        "$P" observe Xm.npy --d "$d" --seed "$seed" -o Ym.npy &&
        "$P" fit Ym.npy ${fit_opts[$k]} --phi "$phi" $extra -o Whm.npy &&
        "$P" analyze Whm.npy --json am.json >/dev/null
    check "method_${method}_pipeline_ran" test $? -eq 0
    a=$(tr -d ' \t\n' <am.json)
    check "method_${method}_same_max_re" test "$(value max_real_eigenvalue "$a")" = "$(value max_re "$json")"
    check "method_${method}_same_las" test "$(value line_attractor_score "$a")" = "$(value las "$json")"
done

# diagnose's verdict from the recording alone, as `partobs diagnose` gives it.
cat >dg.json <<'EOF'
{"seed": 5, "teacher": "line-attractor", "D": 16, "d": 8, "T": 4000, "method": "map",
 "record": ["spectrum", "diagnose"], "diagnose": {"subsets": 3, "bootstrap": 8}, "plot": "tau1"}
EOF
"$P" sweep dg.json --out dg >/dev/null 2>&1
check diagnose_ran test -s dg/results.csv
IFS=, read -r _ seed _ _ D d _ T _ <<<"$(sed -n 2p dg/results.csv)"
"$P" teacher --net line-attractor --D "$D" --seed "$seed" -o W2.npy &&
    "$P" simulate --W W2.npy --T "$T" --seed "$seed" -o X2.npy &&
    "$P" observe X2.npy --d "$d" --seed "$seed" -o Y2.npy &&
    "$P" diagnose Y2.npy --subsets 3 --bootstrap 8 --seed "$seed" --out dgcli >dg.txt 2>&1
check diagnose_cli_ran test $? -eq 0
verdict=$(sed -n 's/^partobs diagnose: \([a-z-]*\): .*/\1/p' dg.txt)
check diagnose_same_verdict test -n "$verdict" -a "$(sed -n 2p dg/results.csv | awk -F, '{print $NF}')" = "$verdict"

# A cell whose stage fails is a row with the library's message, not a failed sweep.
cat >unstable.json <<'EOF'
{"teacher": {"net": "gaussian", "scale": 5}, "D": 10, "d": 5, "T": 20000, "method": "map"}
EOF
"$P" sweep unstable.json --out unstable >/dev/null 2>&1
check failed_cell_exit_0 test $? -eq 0
check failed_cell_row grep -q '^0,[0-9]*,0,gaussian,10,5,0.5,20000,linear,map,fit: Y: values too large: .*,,,,,,,,$' unstable/results.csv
check failed_cell_nulls grep -q '"max_re":null,"tau1":null' unstable/results.jsonl

# The library's threads do not change a bit.
# (Under valgrind, which is many times slower, one thread count only.)
[ -n "${PO_CLI_WRAPPER:-}" ] && mkdir t1 && cp out/results.csv t1/ ||
    "$P" sweep grid.json --out t1 --threads 1 >/dev/null 2>&1
"$P" sweep grid.json --out t2 --threads 2 >/dev/null 2>&1
check threads_ran test $? -eq 0
check threads_same_csv cmp -s t1/results.csv out/results.csv
check threads_same_jsonl cmp -s t2/results.jsonl out/results.jsonl

# Interrupted half-way (a real signal once some cells are done), then resumed:
# the same results.csv bytes as the uninterrupted run; in between only
# DIR/cells (finished cells, no temporaries) and no results.
# (A shorter T under valgrind, whose cells are many times slower anyway.)
BIG_T=$([ -n "${PO_CLI_WRAPPER:-}" ] && echo 2000 || echo 12000)
sed -e "s/\"T\": 800/\"T\": $BIG_T/" -e 's/"D": 12/"D": 30/' -e 's/, "compare"//' grid.json >big.json
"$P" sweep big.json --out full >/dev/null 2>&1
check big_ran test -s full/results.csv
for sig in TERM INT; do
    "$P" sweep big.json --out "k$sig" >/dev/null 2>"err$sig.txt" &
    pid=$!
    for ((i = 0; i < 6000; i++)); do
        [ "$(ls "k$sig/cells" 2>/dev/null | grep -c '^cell-')" -ge 3 ] && break
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.01
    done
    kill -"$sig" "$pid"
    wait "$pid"
    rc=$?
    want=$((128 + $([ $sig = TERM ] && echo 15 || echo 2)))
    check "killed_$sig" test "$rc" -eq "$want"
    check "killed_${sig}_message" grep -q "^partobs: sweep: interrupted by SIG$sig" "err$sig.txt"
    check "killed_${sig}_no_results" test ! -e "k$sig/results.csv" -a ! -e "k$sig/manifest.json"
    check "killed_${sig}_no_temporaries" bash -c "! find k$sig -name '*partobs-tmp*' | grep -q ."
    done_before=$(ls "k$sig/cells" | grep -c '^cell-')
    check "killed_${sig}_half_way" test "$done_before" -ge 3 -a "$done_before" -lt $N
    "$P" sweep big.json --out "k$sig" --resume >"res$sig.txt" 2>&1
    check "resumed_${sig}_ok" grep -q "($((N - done_before)) computed, $done_before resumed)" "res$sig.txt"
    check "resumed_${sig}_same_csv" cmp -s "k$sig/results.csv" full/results.csv
    check "resumed_${sig}_same_jsonl" cmp -s "k$sig/results.jsonl" full/results.jsonl
done
# --resume of a finished sweep recomputes nothing and writes the same bytes.
"$P" sweep big.json --out full --resume >res.txt 2>&1
check resume_finished grep -q "(0 computed, $N resumed)" res.txt

# A directory holding another grid's cells is refused under --resume.
expect_error_in "partobs: sweep: --resume: full holds the cells of another grid" 2 \
    resume_other_grid sweep grid.json --out full --resume

# Bad grids: refused before any cell runs, one line naming the key, nothing written.
bad() {
    local name=$1 prefix=$2
    printf '%s\n' "$3" >"bad_$name.json"
    expect_error_in "partobs: sweep: $prefix" 2 "bad_$name" sweep "bad_$name.json" --out "o_$name"
}
G='"teacher": "gaussian", "D": 10, "d": [2, 5], "T": 100, "method": "map"'
bad unknown_family "grid key 'teacher': unknown generator 'nope'" '{"teacher": "nope", "D": 10, "d": 2, "T": 100, "method": "map"}'
bad unknown_key "grid key 'sede': unknown key" "{$G, \"sede\": 1}"
bad empty_list "grid key 'D': the list is empty" '{"teacher": "gaussian", "D": [], "d": 2, "T": 100, "method": "map"}'
bad d_exceeds_D "grid key 'd': d = 12 exceeds D = 10" '{"teacher": "gaussian", "D": 10, "d": [2, 12], "T": 100, "method": "map"}'
bad wrong_type "grid key 'T': expected whole numbers" '{"teacher": "gaussian", "D": 10, "d": 2, "T": "long", "method": "map"}'
bad fraction_range "grid key 'fractions': expected numbers in (0, 1]" '{"teacher": "gaussian", "D": 10, "fractions": [0.5, 1.5], "T": 100, "method": "map"}'
bad bad_json "bad_bad_json.json: not valid JSON (near line " "{$G,"
bad teacher_option "grid key 'teacher': unknown option 'rnak'" '{"teacher": {"net": "lowrank", "rnak": 2}, "D": 10, "d": 2, "T": 100, "method": "map"}'
bad foreign_option "--skip-interval: not an option of generator 'gaussian'" '{"teacher": {"net": "gaussian", "skip-interval": 2}, "D": 10, "d": 2, "T": 100, "method": "map"}'
bad method "grid key 'method': method 'sgd' is not available" "{\"teacher\": \"gaussian\", \"D\": 10, \"d\": 2, \"T\": 100, \"method\": [\"map\", \"sgd\"]}"
bad method_option "grid key 'method': unknown option 'iter' of gd (rho, lr, iters)" '{"teacher": "gaussian", "D": 10, "d": 2, "T": 100, "method": {"name": "gd", "iter": 5}}'
bad method_check "grid key 'method': gd: learning rate" '{"teacher": "gaussian", "D": 10, "d": 2, "T": 100, "method": {"name": "gd", "lr": 0}}'
bad method_solver "grid key 'method': option 'solver' of cornn expects weighted, standard or robust" '{"teacher": "gaussian", "D": 10, "d": 2, "T": 100, "phi": "tanh", "method": {"name": "cornn", "solver": "fast"}}'
bad tanh_only "grid key 'phi': method 'force' fits tanh students only" '{"teacher": "gaussian", "D": 10, "d": 2, "T": 100, "phi": ["tanh", "linear"], "method": "force"}'
bad missing "grid key 'T' is missing" '{"teacher": "gaussian", "D": 10, "d": 2, "method": "map"}'
bad d_and_fractions "grid key 'd' or 'fractions'" "{$G, \"fractions\": 0.5}"
bad record "grid key 'record'" "{$G, \"record\": [\"spectrum\", \"everything\"]}"
bad seeds "grid key 'seeds'" "{$G, \"seeds\": 0}"
bad diagnose_d "grid key 'record': diagnose needs d >= 2" '{"teacher": "gaussian", "D": 10, "d": 1, "T": 100, "method": "map", "record": "diagnose"}'

# The shipped example: at least 24 cells over two teacher families, three
# fractions, MAP and two seeds, in under a minute (timed only on a plain
# build: valgrind and the sanitizers are many times slower).
if [ -n "${PO_CLI_WRAPPER:-}" ] || grep -q __asan_init "$P"; then
    echo "skip: examples/sweeps/small.json (under a wrapper or sanitizers)"
else
    start=$(date +%s)
    "$P" sweep "$SMALL" --out small >/dev/null 2>&1
    check small_ran test $? -eq 0
    check small_under_a_minute test $(($(date +%s) - start)) -lt 60
    check small_24_cells test "$(tail -n +2 small/results.csv | wc -l)" -ge 24
    check small_two_families test "$(tail -n +2 small/results.csv | cut -d, -f4 | sort -u | wc -l)" -eq 2
    check small_three_fractions test "$(tail -n +2 small/results.csv | cut -d, -f7 | sort -u | wc -l)" -eq 3
    check small_two_seeds test "$(tail -n +2 small/results.csv | cut -d, -f3 | sort -u | tr '\n' ' ')" = "0 1 "
fi

finish
