#!/usr/bin/env bash
# A manifest always describes the file beside it (issue 10 item 4;
# cli/cli_manifest.h, docs/formats.md): every output's SHA-256 is in its
# manifest, and concurrent partobs writers to the same paths leave one run's
# file with that run's manifest.
#
# usage: bash test_safe_manifest.sh PATH/TO/partobs [tests/data]

. "$(dirname "${BASH_SOURCE[0]}")/lib.sh" "$@"

# digest MANIFEST PATH: the "output_sha256" entry of PATH in MANIFEST.
digest() { sed -n "s|^\t\t\"$2\":\t\"\([0-9a-f]*\)\",\{0,1\}\$|\1|p" "$1"; }
# seed_of MANIFEST: its "seed".
seed_of() { sed -n 's/^\t"seed":\t\([0-9]*\),$/\1/p' "$1"; }
# matches MANIFEST PATH...: each PATH's sha256sum is the manifest's digest of it.
matches() {
    local m=$1 f d
    shift
    for f in "$@"; do
        d=$(digest "$m" "$f")
        [ -n "$d" ] && [ "$d" = "$(sha256sum <"$f" | cut -d' ' -f1)" ] || return 1
    done
}
no_temp() { ! find . -name '*partobs-tmp*' | grep -q .; }

"$P" teacher --net gaussian --D 20 --seed 1 -o W.npy 2>/dev/null

# ---- the digests ------------------------------------------------------------------------
check teacher_sha matches W.npy.manifest.json W.npy
"$P" simulate --W W.npy --T 300 --seed 2 -o X.npy 2>/dev/null
check simulate_sha matches X.npy.manifest.json X.npy
"$P" analyze W.npy --json r.json >/dev/null 2>&1
check analyze_report_sha matches r.json.manifest.json r.json
"$P" task --net feedforward --D 6 --T 50 --out T 2>/dev/null
check task_every_sha matches T/manifest.json T/X.npy T/U.npy T/readout.npy T/ideal.npy T/W.npy \
    T/w_in.npy T/w_out.npy
check sha_listed_once bash -c "[ \$(grep -c '\"X.npy\":' X.npy.manifest.json) -eq 1 ]"

# ---- 8 concurrent writers of one file, three times -------------------------------------------
# Each writes a different seed; afterwards the manifest's digest is the file's
# and re-running the manifest's seed gives the same bytes.
for round in 1 2 3; do
    pids=()
    for s in 11 12 13 14 15 16 17 18; do
        "$P" simulate --W W.npy --T 20000 --seed $((s * round)) -o out.npy 2>>err.txt &
        pids+=($!)
    done
    ok=1
    for p in "${pids[@]}"; do wait "$p" || ok=0; done
    check "concurrent_${round}_all_ran" [ "$ok" -eq 1 ]
    check "concurrent_${round}_sha" matches out.npy.manifest.json out.npy
    seed=$(seed_of out.npy.manifest.json)
    "$P" simulate --W W.npy --T 20000 --seed "$seed" -o ref.npy 2>/dev/null
    check "concurrent_${round}_seed" cmp -s out.npy ref.npy
    check "concurrent_${round}_no_temp" no_temp
done

# ---- 8 concurrent writers of one existing task directory ---------------------------------
mkdir D
pids=()
for s in 1 2 3 4 5 6 7 8; do
    "$P" task --net line-attractor --D 30 --T 3000 --seed $s --out D 2>>err.txt &
    pids+=($!)
done
ok=1
for p in "${pids[@]}"; do wait "$p" || ok=0; done
check concurrent_task_all_ran [ "$ok" -eq 1 ]
check concurrent_task_set matches D/manifest.json D/X.npy D/U.npy D/readout.npy D/ideal.npy \
    D/W.npy D/w_in.npy D/w_out.npy
seed=$(seed_of D/manifest.json)
"$P" task --net line-attractor --D 30 --T 3000 --seed "$seed" --out Dref 2>/dev/null
check concurrent_task_seed bash -c "for f in X U readout ideal W w_in w_out; do cmp -s D/\$f.npy Dref/\$f.npy || exit 1; done"
check concurrent_task_no_temp no_temp
check concurrent_quiet [ ! -s err.txt ]

finish
