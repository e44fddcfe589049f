#!/usr/bin/env bash
# Command-line tests for `partobs diagnose` (issue 11; docs/cli.md, docs/formats.md
# "diagnose"): outputs and report keys, determinism over seeds and threads, bad
# inputs, and the full loop teacher -> simulate -> observe -> diagnose -> the
# proposed experiment run on the teacher -> diagnose --perturbation.
#
# usage: bash test_diagnose.sh PATH/TO/partobs [tests/data]
#        PO_CLI_WRAPPER="valgrind -q ..." bash test_diagnose.sh ...   (smaller sizes)
#
# Needs only bash and coreutils. alpha = 0.1 keeps the protocol short (a 2-tau
# pulse is 20 steps, the wait 700).

. "$(dirname "${BASH_SOURCE[0]}")/lib.sh" "$@"

has_shape() { head -c 128 "$1" | grep -qF "'shape': $2, }"; }
# json_is FILE KEY TYPE: the (first) KEY of the pretty-printed FILE holds a TYPE
# (string, number, array, object, null, numornull).
json_is() {
    local file=$1 key=$2 type=$3 re
    case $type in
    string) re='"' ;;
    number) re='-?[0-9]' ;;
    array) re='\[' ;;
    object) re='\{' ;;
    null) re='null' ;;
    numornull) re='(-?[0-9]|null)' ;;
    esac
    grep -qE "\"$key\":[[:space:]]*$re" "$file"
}
# The object under KEY (from its line to the first line closing it at that indent).
json_section() { sed -n "/^\t\"$2\":/,/^\t[]}]/p" "$1"; }
# Nothing on stderr. Under valgrind the figure's renderer (pango, fontconfig)
# reports "possibly lost" caches of its own threads there; the checker's exit
# status still catches real errors and definite leaks.
quiet() { [ -n "${PO_CLI_WRAPPER:-}" ] || [ ! -s "$1" ]; }
export -f has_shape json_is json_section quiet
expect_error() {
    local want=$1 name=$2
    shift 2
    expect_error_in 'partobs: diagnose: ' "$want" "$name" diagnose "$@"
}
# npy_raw FILE SHAPE RAW: a float64 .npy of that shape holding the bytes of RAW.
npy_raw() {
    mknpy "$1" '<f8' "$2" ''
    cat "$3" >>"$1"
}

D=60 d=12 T=3000
S=(--alpha 0.1 --fractions 0.5,0.75,1 --subsets 3 --bootstrap 10)
if [ -n "${PO_CLI_WRAPPER:-}" ]; then
    D=30 d=8 T=1500
    S=(--alpha 0.1 --fractions 0.5,1 --subsets 2 --bootstrap 4)
fi

"$P" teacher --net line-attractor --D $D --seed 3 -o W.npy >/dev/null 2>&1 &&
    "$P" simulate --W W.npy --T $T --alpha 0.1 --seed 3 -o X.npy >/dev/null 2>&1 &&
    "$P" observe X.npy --d $d -o Y.npy >/dev/null 2>&1 &&
    "$P" observe X.npy --d 1 -o Y1.npy >/dev/null 2>&1 &&
    "$P" observe X.npy --d $((d + 1)) -o Ywide.npy >/dev/null 2>&1 ||
    { fail setup "cannot make the inputs"; finish; }

# ---- help ------------------------------------------------------------------------
check help bash -c "'$P' diagnose --help | grep -q 'usage: partobs diagnose Y.npy' && '$P' diagnose --help | grep -q -- '--perturbation YP.npy' && '$P' diagnose --help | grep -q -- '--quick'"
check listed bash -c "'$P' --help | grep -q '^  diagnose '"

# ---- outputs, keys and types ---------------------------------------------------------
"$P" diagnose Y.npy "${S[@]}" --seed 1 --out r1 >out.txt 2>err.txt
check runs [ $? -eq 0 ]
check quiet_stderr quiet err.txt
check says_verdict grep -qE '^partobs diagnose: (no-slow-mode|slow-mode-robust|slow-mode-suspect|inconclusive): ' out.txt
check files bash -c "cd r1 && ls | tr '\n' ' ' | grep -qx 'diagnose.png diagnose.svg manifest.json report.json report.md stim.npy stim_pattern.npy stim_signal.npy '"
R=r1/report.json
check verdict_is_one_of_four grep -qE '^	"verdict":	"(no-slow-mode|slow-mode-robust|slow-mode-suspect|inconclusive)",$' $R
TOP_TYPES="verdict:string passive_verdict:string reason:string evidence:array n_samples:number
    n_neurons:number method:string full:object subsampling:object trend:object bootstrap:object
    perturbation:object residual_autocorr:numornull"
NESTED_TYPES="eigenvalues:array time_constants:array line_attractor_score:numornull henrici:numornull
    fractions:array d:array line_attractor_score_mean:array line_attractor_score_sem:array
    tau1_median:array lambda1_re_mean:array slope:numornull ci95:array tau1_ci95:array
    line_attractor_score_ci95:array pattern:array amplitude:number steps:number
    predicted_tau:numornull name:string value:numornull points_to:string meaning:string"
bad=""
for kt in $TOP_TYPES $NESTED_TYPES; do json_is $R "${kt%%:*}" "${kt#*:}" || bad="$bad ${kt%%:*}"; done
if [ -z "$bad" ]; then pass report_keys_and_types; else fail report_keys_and_types "missing or mistyped:$bad"; fi
check sections_hold_their_keys bash -c "
    json_section $R full | grep -q '\"henrici\"' &&
    json_section $R subsampling | grep -q '\"lambda1_re_mean\"' &&
    json_section $R trend | grep -q '\"ci95\"' &&
    json_section $R bootstrap | grep -q '\"tau1_ci95\"' &&
    json_section $R perturbation | grep -q '\"predicted_tau\"'"
check counts bash -c "grep -qx '	\"n_samples\":	$T,' $R && grep -qx '	\"n_neurons\":	$d,' $R && grep -q '\"method\":	\"map\"' $R"
check no_seconds_without_dt bash -c "! grep -q time_constants_s $R"
check no_measured_without_perturbation bash -c "! grep -q '\"measured_tau\"' $R && ! grep -q '\"agreement\"' $R"
check points_to_verdicts bash -c "! grep '\"points_to\"' $R | grep -vqE '\"(no-slow-mode|slow-mode-robust|slow-mode-suspect|inconclusive)\"'"
steps=$(grep -m1 -E '^		"steps":' $R | tr -dc 0-9)
check stim_pattern_shape has_shape r1/stim_pattern.npy "($d,)"
check stim_signal_shape has_shape r1/stim_signal.npy "($steps,)"
check stim_shape has_shape r1/stim.npy "($steps, $d)"
check png bash -c "[ \"\$(head -c 4 r1/diagnose.png | tail -c 3)\" = PNG ] && [ \$(stat -c %s r1/diagnose.png) -gt 20000 ]"
check svg grep -q '<svg' r1/diagnose.svg
check report_md bash -c "grep -q '^# partobs diagnose' r1/report.md && grep -q 'diagnose.png' r1/report.md && grep -q -- '--perturbation YP.npy --stim stim.npy' r1/report.md && grep -q '^## The experiment that settles it' r1/report.md && grep -q '^## What the verdict means' r1/report.md"
check manifest bash -c "grep -q '\"command\":	\"diagnose\"' r1/manifest.json && grep -q '\"verdict\":' r1/manifest.json && grep -q '\"pulse_steps\":' r1/manifest.json && grep -q 'r1/stim.npy' r1/manifest.json && grep -q '\"Y.npy\"' r1/manifest.json"

# ---- determinism ---------------------------------------------------------------------
"$P" diagnose Y.npy "${S[@]}" --seed 1 --threads 2 --out r1t >/dev/null 2>&1
check threads_same_bits bash -c "cmp -s r1/report.json r1t/report.json && cmp -s r1/stim.npy r1t/stim.npy && cmp -s r1/report.md r1t/report.md"
"$P" diagnose Y.npy "${S[@]}" --seed 1 --threads 1 --out r1s >/dev/null 2>&1
check same_seed_same_bits bash -c "cmp -s r1/report.json r1s/report.json && cmp -s r1/stim_signal.npy r1s/stim_signal.npy"
"$P" diagnose Y.npy "${S[@]}" --seed 2 --out r2s >/dev/null 2>&1
check other_seed_other_bootstrap bash -c "[ \"\$(json_section r1/report.json bootstrap)\" != \"\$(json_section r2s/report.json bootstrap)\" ]"
check other_seed_same_fit bash -c "[ \"\$(json_section r1/report.json full)\" = \"\$(json_section r2s/report.json full)\" ]"
"$P" diagnose Y.npy "${S[@]}" --seed 1 --dt 0.002 --out rdt >/dev/null 2>&1
check dt_seconds bash -c "json_is rdt/report.json time_constants_s array && grep -q '\"dt\":	0.002' rdt/report.json"
check quick bash -c "'$P' diagnose Y.npy --alpha 0.1 --fractions 0.5,1 --quick --out rq >/dev/null 2>&1 && grep -q '\"subsets\":	4' rq/manifest.json && grep -q '\"bootstrap\":	20' rq/manifest.json"
"$P" diagnose Y.npy "${S[@]}" --input Y1.npy --seed 1 --out ru >/dev/null 2>&1
check input_runs bash -c "[ -s ru/report.json ] && grep -q 'Y1.npy' ru/manifest.json && ! cmp -s r1/report.json ru/report.json"
"$P" diagnose Y.npy "${S[@]}" --seed 1 --repeats 2 --wait 30 --late-from 20 --late-to 30 --out rp >/dev/null 2>&1
# alpha 0.1: pulses of round(2 / 0.1) = 20 steps, waits of 300: 2 x 320 = 640 steps
check protocol_options bash -c "grep -q '\"steps\":	640,' rp/report.json && grep -q '\"repeats\":	2,' rp/report.json && has_shape rp/stim_signal.npy '(640,)'"
if [ -z "${PO_CLI_WRAPPER:-}" ]; then
    "$P" diagnose Y.npy --method lds --latents 2 --alpha 0.1 --fractions 0.5,1 --subsets 2 --bootstrap 4 --quick --seed 1 --out rl >/dev/null 2>err_lds.txt
    check lds_runs bash -c "grep -q '\"method\":	\"lds\"' rl/report.json && [ -s rl/diagnose.png ] && has_shape rl/stim_pattern.npy '($d,)' && [ ! -s err_lds.txt ]"
fi

# ---- bad input: one line, exit 2 (command line) or 1 (data), nothing written ---------
expect_error 2 perturbation_needs_stim Y.npy --perturbation Y.npy --out bad
expect_error 2 stim_needs_perturbation Y.npy --stim r1/stim.npy --out bad
expect_error 2 fractions_not_increasing Y.npy --fractions 0.5,0.4,1 --out bad
expect_error 2 fractions_zero Y.npy --fractions 0,0.5,1 --out bad
expect_error 2 fractions_above_one Y.npy --fractions 0.5,1.2 --out bad
expect_error 2 fractions_not_numbers Y.npy --fractions 0.5,,1 --out bad
expect_error 2 unknown_method Y.npy --method pca --out bad
expect_error 2 late_window_beyond_wait Y.npy --wait 30 --late-to 40 --out bad
expect_error 2 wait_below_one_sample Y.npy --wait 0 --out bad
expect_error 2 latents_need_lds Y.npy --latents 3 --out bad
expect_error 2 phi_needs_map Y.npy --method lds --phi tanh --out bad
expect_error 2 missing_out Y.npy
expect_error 2 out_is_input Y.npy --out Y.npy
expect_error 1 missing_file nothere.npy --out bad
expect_error 1 one_neuron Y1.npy "${S[@]}" --out bad
expect_error 1 input_rows Y.npy "${S[@]}" --input r1/stim.npy --out bad
expect_error 1 perturbation_width Y.npy "${S[@]}" --perturbation Ywide.npy --stim r1/stim.npy --out bad
expect_error 1 perturbation_length Y.npy "${S[@]}" --perturbation Y.npy --stim r1/stim.npy --out bad
expect_error 1 stim_not_rank_one Y.npy "${S[@]}" --perturbation Y.npy --stim Y.npy --out bad
mkdir keep && echo kept >keep/note.txt
expect_error 1 existing_dir_unchanged Y1.npy "${S[@]}" --out keep
check existing_dir_content bash -c "[ \"\$(ls keep)\" = note.txt ] && grep -qx kept keep/note.txt"

# ---- the full loop: run the proposed experiment on the teacher -----------------------
# The teacher continues from its last state; the pattern drives the first d neurons
# (the recorded ones) and is zero on the others.
tail -c $((D * 8)) X.npy >xl.raw && npy_raw x_last.npy "($D,)" xl.raw
{ tail -c $((d * 8)) r1/stim_pattern.npy && head -c $(((D - d) * 8)) /dev/zero; } >pd.raw &&
    npy_raw pattern_D.npy "($D,)" pd.raw
"$P" simulate --W W.npy --ic x_last.npy --input r1/stim_signal.npy --w-in pattern_D.npy \
    --input-gain 1 --T "$steps" --alpha 0.1 --seed 9 -o XP.npy >/dev/null 2>&1 &&
    "$P" observe XP.npy --d $d -o YP.npy >/dev/null 2>&1
check loop_experiment_ran has_shape YP.npy "($steps, $d)"
"$P" diagnose Y.npy "${S[@]}" --seed 1 --perturbation YP.npy --stim r1/stim.npy --out rp >out.txt 2>err.txt
check loop_diagnose_runs bash -c "[ -s rp/report.json ] && quiet err.txt"
check loop_measured_keys bash -c "grep -qE '\"measured_tau\":[[:space:]]*(-?[0-9]|null)' rp/report.json && grep -qE '\"agreement\":[[:space:]]*(-?[0-9]|null)' rp/report.json"
check loop_verdict grep -qE '^	"verdict":	"(no-slow-mode|slow-mode-robust|slow-mode-suspect|inconclusive)",$' rp/report.json
check loop_passive_kept bash -c "[ \"\$(grep passive_verdict r1/report.json)\" = \"\$(grep passive_verdict rp/report.json)\" ]"
check loop_same_protocol cmp -s r1/stim.npy rp/stim.npy
check loop_report_md grep -q '^## What the perturbation recording showed' rp/report.md
check loop_manifest_inputs bash -c "grep -q 'YP.npy' rp/manifest.json && grep -q 'r1/stim.npy' rp/manifest.json"

finish
