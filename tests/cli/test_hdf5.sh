#!/usr/bin/env bash
# HDF5 and NWB recordings as inputs (issue 12 part 3; docs/formats.md "HDF5 and
# NWB inputs"): every reading of an HDF5 dataset or an NWB layout gives, byte
# for byte, the output of the same command on the same numbers as a .npy, and
# every malformed file or option is refused in one line naming the file and the
# dataset, with nothing written.
#
# usage: bash test_hdf5.sh PATH/TO/partobs [tests/data]
# The inputs are written at test time by make_nwb.py with Debian's python3-h5py
# (installed by `make deps`); without it the test fails and says so.
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
. "$HERE/lib.sh" "$@"

PY=/usr/bin/python3 # Debian's, with numpy and h5py (not a pyenv python3 on PATH)
if ! "$PY" -c 'import h5py' 2>/dev/null; then
    fail h5py "Debian's python3-h5py is missing: install it (make deps does)"
    finish
fi
if ! "$PY" "$HERE/make_nwb.py" "$W" 2>err.txt; then
    fail make_nwb "$(head -c 300 err.txt)"
    finish
fi

# agree NAME "CMD OPTIONS" "HDF5 INPUT ARGS" "NPY INPUT ARGS": `partobs CMD` on
# both inputs writes identical files.
agree() {
    local name=$1 cmd=$2 h5=$3 npy=$4
    rm -f h.npy n.npy h.npy.manifest.json n.npy.manifest.json
    # shellcheck disable=SC2086 # the arguments are word lists
    if ! "$P" $cmd $h5 -o h.npy >/dev/null 2>err.txt; then
        fail "$name" "HDF5 input: $(head -c 300 err.txt)"
    elif ! "$P" $cmd $npy -o n.npy >/dev/null 2>err.txt; then
        fail "$name" ".npy input: $(head -c 300 err.txt)"
    elif ! cmp -s h.npy n.npy; then
        fail "$name" "the outputs differ"
    else
        pass "$name"
    fi
}

# ---- FILE:/DATASET ----------------------------------------------------------------
# observe --d n with no noise writes its input back: the values read, exactly.
agree h5_float64 "observe --d 5" plain.h5:/Y Y.npy
agree h5_float32_gzip_shuffle "observe --d 5" plain.h5:/group/y32 y32.npy
agree h5_1d_is_a_column "observe --d 1" plain.h5:/col col.npy
agree h5_uint8 "observe --d 4" plain.h5:/u8 u8.npy
agree h5_int64 "observe --d 3" plain.h5:/i64 i64.npy
agree h5_fit_map "fit" plain.h5:/Y Y.npy
agree h5_fit_gd "fit --method gd --iters 5" plain.h5:/group/y32 y32.npy
# Every matrix input, not only recordings: simulate's W and --input.
"$P" fit Y.npy -o W.npy >/dev/null 2>&1
agree h5_simulate_inputs "simulate --T 50 --seed 1 --W W.npy" \
    "--input plain.h5:/col --w-in plain.h5:/w_in" "--input col.npy --w-in w_in.npy"
"$P" fit plain.h5:/Y -o Wh.npy >/dev/null 2>&1
check h5_fit_manifest_names_the_dataset grep -q '"plain.h5:/Y"' Wh.npy.manifest.json
# A .npy whose name contains ":/" (a directory "dir:") is read as the file it is.
mkdir -p "dir:" && cp Y.npy "dir:/x.npy"
agree colon_slash_npy_name "observe --d 5" "dir:/x.npy" Y.npy

# ---- NWB --series ---------------------------------------------------------------------
agree nwb_int16_conversion_offset "observe --d 5" "rec.nwb --series raw" raw.npy
agree nwb_timestamps "observe --d 5" "rec.nwb --series stamped" stamped.npy
agree nwb_1d_series "observe --d 1" "rec.nwb --series single" single.npy
agree nwb_ophys_fluorescence "observe --d 5" "rec.nwb --series RoiResponseSeries" roi.npy
agree nwb_ophys_dff_group_path "observe --d 5" \
    "rec.nwb --series /processing/ophys/DfOverF/dff" dff.npy
agree nwb_fit_map "fit" "rec.nwb --series raw" raw.npy
agree nwb_fit_lds "fit --method lds --latents 2 --iters 3" "rec.nwb --series dff" dff.npy
"$P" fit rec.nwb --series raw -o Wr.npy >/dev/null 2>&1
check nwb_fit_manifest_records_series bash -c \
    "grep -q '\"series\":[[:space:]]*\"raw\"' Wr.npy.manifest.json && grep -q '\"rec.nwb\"' Wr.npy.manifest.json"

# ---- NWB --units ----------------------------------------------------------------------
agree nwb_units_counts "observe --d 4" "rec.nwb --units --bin 0.05" counts.npy
agree nwb_units_window "observe --d 4" "rec.nwb --units --bin 0.1 --t-start 1 --t-end 6.05" \
    counts_window.npy
agree nwb_units_fit "fit --rho 1" "rec.nwb --units --bin 0.05" counts.npy

# ---- dt from the recording (diagnose; slow under a checker such as valgrind) ----------
if [ -z "${PO_CLI_WRAPPER:-}" ]; then
    read -r DT_STAMPS DT_RATE <dt.txt
    q="--quick --bootstrap 0 --subsets 1"
    # shellcheck disable=SC2086
    "$P" diagnose rec.nwb --series stamped $q --out d1 >/dev/null 2>&1
    # shellcheck disable=SC2086
    "$P" diagnose stamped.npy --dt "$DT_STAMPS" $q --out d2 >/dev/null 2>&1
    check dt_median_of_timestamps cmp -s d1/report.json d2/report.json
    check dt_in_manifest grep -q "\"dt\":[[:space:]]*$DT_STAMPS" d1/manifest.json
    # shellcheck disable=SC2086
    "$P" diagnose rec.nwb --series raw $q --out d3 >/dev/null 2>&1
    check dt_from_rate grep -q "\"dt\":[[:space:]]*$DT_RATE" d3/manifest.json
    # shellcheck disable=SC2086
    "$P" diagnose rec.nwb --series raw --dt 0.5 $q --out d4 >/dev/null 2>&1
    check dt_option_wins grep -q '"dt":[[:space:]]*0.5' d4/manifest.json
    # shellcheck disable=SC2086
    "$P" diagnose rec.nwb --units --bin 0.05 $q --out d5 >/dev/null 2>&1
    check dt_is_the_bin grep -q '"dt":[[:space:]]*0.05' d5/manifest.json
else
    echo "skip dt_*: diagnose runs only without PO_CLI_WRAPPER (minutes under valgrind)"
fi

# ---- help -----------------------------------------------------------------------------
for cmd in fit diagnose observe; do
    check "help_${cmd}_layouts" bash -c "'$P' $cmd --help | grep -q 'FILE.h5:/PATH/TO/DATASET' &&
        '$P' $cmd --help | grep -q -- '--series NAME' &&
        '$P' $cmd --help | grep -q '/units/spike_times'"
done

# ---- malformed inputs: one line naming the file and the dataset, nothing written -------
E="partobs: observe:"
bad() { expect_error_in "$E $1" 1 "$2" observe "${@:3}" --d 1 -o out.npy; }
bad "plain.h5: /nope: no such dataset" missing_dataset plain.h5:/nope
bad "plain.h5: /Y/x: no such dataset" missing_dataset_below_a_dataset plain.h5:/Y/x
bad "plain.h5: /group is a group" group_not_dataset plain.h5:/group
bad "plain.h5: /cube has 3 dimensions" wrong_rank plain.h5:/cube
bad "plain.h5: /scalar is a scalar" scalar plain.h5:/scalar
bad "plain.h5: /text holds strings" string_type plain.h5:/text
bad "plain.h5: /pairs holds a compound type" compound_type plain.h5:/pairs
bad "plain.h5: /empty is empty" empty_dataset plain.h5:/empty
bad "plain.h5:/nan: non-finite value (nan) at row 0, column 1" nan_in_dataset plain.h5:/nan
bad "missing.h5: cannot open: no such file" missing_file missing.h5:/Y
bad "not_hdf5.nwb: not an HDF5 file" not_hdf5 not_hdf5.nwb:/Y
bad "not_hdf5.nwb: not an HDF5 file" not_hdf5_series not_hdf5.nwb --series x
bad "plain.h5 is an HDF5 file: name the dataset" hdf5_without_dataset plain.h5
bad "missing.nwb: cannot open: no such file" missing_nwb missing.nwb --units --bin 1
bad "bad_series.nwb: /acquisition/video/data has 3 dimensions" series_wrong_rank \
    bad_series.nwb --series video
bad "bad_series.nwb: /acquisition/words/data holds strings" series_string_type \
    bad_series.nwb --series words
bad "bad_series.nwb: /acquisition/nan/data: non-finite value" series_nan bad_series.nwb --series nan
bad "bad_series.nwb: /acquisition/empty/data is empty" series_empty bad_series.nwb --series empty
bad "bad_series.nwb: /acquisition/backwards/timestamps must increase" timestamps_not_increasing \
    bad_series.nwb --series backwards
bad "bad_series.nwb: /acquisition/short_stamps/timestamps has 2 entries" timestamps_short \
    bad_series.nwb --series short_stamps
bad "bad_series.nwb: /acquisition/no_rate/starting_time has no attribute rate" rate_missing \
    bad_series.nwb --series no_rate
bad "bad_series.nwb: the attribute rate of /acquisition/zero_rate/starting_time is 0" rate_zero \
    bad_series.nwb --series zero_rate
bad "bad_series.nwb: the attribute conversion of /acquisition/text_conversion/data holds strings" \
    conversion_string bad_series.nwb --series text_conversion
bad "bad_series.nwb: 2 TimeSeries are named 'twice'" series_ambiguous bad_series.nwb --series twice
bad "bad_series.nwb: no TimeSeries 'nothere'" series_missing bad_series.nwb --series nothere
bad "bad_series.nwb: /acquisition: no TimeSeries there" series_group_without_data \
    bad_series.nwb --series /acquisition
bad "index_decreasing.nwb: /units/spike_times_index: entry 1 (2) is below entry 0 (3)" \
    ragged_index_decreasing index_decreasing.nwb --units --bin 0.1
bad "index_past_end.nwb: /units/spike_times_index: entry 1 (5) is past the end" \
    ragged_index_past_end index_past_end.nwb --units --bin 0.1
bad "index_short.nwb: /units/spike_times_index ends at 3, but /units/spike_times holds 4" \
    ragged_index_short index_short.nwb --units --bin 0.1
bad "index_2d.nwb: /units/spike_times_index has 2 dimensions" ragged_index_rank \
    index_2d.nwb --units --bin 0.1
bad "negative_spike.nwb: /units/spike_times: entry 1 (-0.2) is negative" negative_spike_time \
    negative_spike.nwb --units --bin 0.1
bad "nan_spike.nwb: /units/spike_times: entry 1 is nan" nan_spike_time nan_spike.nwb --units --bin 0.1
bad "empty_units.nwb: /units/spike_times is empty" empty_units empty_units.nwb --units --bin 0.1
bad "rec.nwb: /units/spike_times: no spike at or after 9 s" no_spike_after_start \
    rec.nwb --units --bin 0.1 --t-start 9
bad "plain.h5: /units/spike_times: no such dataset" no_units_table plain.h5 --units --bin 0.1
# Usage errors (exit 2).
U="partobs: observe:"
expect_error_in "$U --units needs --bin SECONDS > 0" 2 bin_missing observe rec.nwb --units --d 1 -o out.npy
expect_error_in "$U --units needs --bin SECONDS > 0" 2 bin_zero observe rec.nwb --units --bin 0 --d 1 -o out.npy
expect_error_in "$U option '--bin' expects a finite non-negative" 2 bin_negative \
    observe rec.nwb --units --bin -1 --d 1 -o out.npy
expect_error_in "$U --bin, --t-start and --t-end apply to --units" 2 bin_without_units \
    observe rec.nwb --bin 1 --d 1 -o out.npy
expect_error_in "$U --series and --units exclude each other" 2 series_and_units \
    observe rec.nwb --series raw --units --bin 1 --d 1 -o out.npy
expect_error_in "$U --series reads a whole NWB file" 2 series_with_dataset_path \
    observe rec.nwb:/acquisition/raw/data --series raw --d 1 -o out.npy
expect_error_in "$U --t-end 2 must be after --t-start 3" 2 t_end_before_t_start \
    observe rec.nwb --units --bin 0.1 --t-start 3 --t-end 2 --d 1 -o out.npy
expect_error_in "partobs: fit: output plain.h5 is the input plain.h5" 2 output_is_the_hdf5_input \
    fit plain.h5:/Y -o plain.h5
expect_error_in "partobs: fit: bad_series.nwb: /acquisition/words/data holds strings" 1 fit_refuses \
    fit bad_series.nwb --series words -o out.npy
finish
