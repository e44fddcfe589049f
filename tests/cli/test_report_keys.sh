# One JSON writer per result type (issue 10 item 11, docs/formats.md § One
# writer per result): `analyze`, `compare`, `curves` and the figures of
# `reproduce` write a spectrum, an attractor report and subsampling curves
# with the same keys, and the figures' old names are gone.
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh" "$@"

json_has() {
    local file=$1 key
    shift
    for key in "$@"; do grep -q "\"$key\":" "$file" || return 1; done
}
json_lacks() {
    local file=$1 key
    shift
    for key in "$@"; do ! grep -q "\"$key\":" "$file" || return 1; done
}

SPECTRUM=(n eigenvalues time_constants line_attractor_score henrici singular_values
          max_real_eigenvalue)
ATTRACTORS=(n rank eigenvalues time_constants line_attractor_score fixed_points kind stable q
            hits norm max_re_jacobian limit_cycles limit_sets n_stable_fixed_points n_limit_cycles)
CURVES=(d line_attractor_score top_eigenvalues_re top_singular_values u_overlap v_overlap
        teachers D covariance_method)

# ---- the CLI ----------------------------------------------------------------------
"$P" teacher --net lowrank --rank 2 --scale 0.2 --D 30 --seed 3 -o W.npy &&
    "$P" analyze W.npy --json an.json >/dev/null
check analyze_spectrum_keys json_has an.json "${SPECTRUM[@]}"
"$P" compare --teacher W.npy --student W.npy --obs 5 --n-traj 2 --steps 200 --n-random 3 \
    --json cmp.json >/dev/null
check compare_attractor_keys json_has cmp.json "${ATTRACTORS[@]}" norm_observed x
check compare_counts json_has cmp.json comparison spurious_fixed_points missed_fixed_points \
    spurious_cycles missed_cycles
"$P" curves --W W.npy --dmax 6 --json cv.json >/dev/null
check curves_keys json_has cv.json "${CURVES[@]}"

# ---- the figures: the same writers ---------------------------------------------------
# (Keys only: skipped under a checker such as valgrind, where three figures take
# ten minutes; test_reproduce.sh checks the figures' memory.)
if [ -z "${PO_CLI_WRAPPER:-}" ]; then
    "$P" reproduce figF2 fig3 figF4 --quick --out out >/dev/null 2>&1
    check reproduce_exit_0 [ $? -eq 0 ]
    check figF2_attractor_keys json_has out/figF2.json "${ATTRACTORS[@]}" plain_stable_focus
    check figF2_counts json_has out/figF2.json comparison spurious_fixed_points missed_fixed_points \
        spurious_cycles missed_cycles max_real_eigenvalue verdict match
    check figF2_old_keys_gone json_lacks out/figF2.json top_eigenvalues stable_fixed_points max_re \
        missing_fixed_points spurious_cycle missing_cycle
    # the figures' short form: no state vectors
    check figF2_no_vectors json_lacks out/figF2.json x
    check fig3_curves_keys json_has out/fig3.json "${CURVES[@]}"
    check figF4_curves_keys json_has out/figF4.json "${CURVES[@]}" line_attractor_score_sem \
        top_singular_values_sem u_overlap_sem v_overlap_sem
    check figF4_old_keys_gone json_lacks out/figF4.json line_attractor_score_mean \
        top_singular_values_mean top_eigenvalues_re_mean u_overlap_mean v_overlap_mean
fi

finish
