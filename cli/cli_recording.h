/* partobs CLI: where a command's recording comes from (issue 12 part 3;
 * docs/formats.md "HDF5 and NWB inputs").
 *
 * The commands that read a recording (fit, every method; diagnose; observe)
 * take the options of CLI_RECORDING_OPTS. Their input is then
 *   Y.npy                      a .npy matrix (cli_read_mat),
 *   FILE.h5:/PATH/TO/DATASET   a numeric HDF5 dataset (cli_hdf5.h),
 *   FILE.nwb --series NAME     an NWB TimeSeries, data * conversion + offset,
 *                              time first (cli_nwb.h), or
 *   FILE.nwb --units --bin S   the spike counts of the NWB units table.
 * The NWB layouts also give a sampling interval (the TimeSeries' rate or
 * timestamps, the bin width of --units), which a command with a --dt option
 * (diagnose) uses when --dt is not given: an explicit --dt wins. */
#ifndef PARTOBS_CLI_RECORDING_H
#define PARTOBS_CLI_RECORDING_H

#include <stdbool.h>

#include "cli.h"
#include "cli_args.h"
#include "cli_nwb.h"

typedef struct cli_recording {
    const char *series; /* --series NAME, or NULL */
    bool units;         /* --units */
    cli_nwb_bins bins;  /* --bin (0: not given), --t-start, --t-end (0: to the last spike) */
} cli_recording;

cli_recording cli_recording_defaults(void);

/* The option rows of a command's table (cli_args.h) for `rec`. */
#define CLI_RECORDING_OPTS(rec)                                                                    \
    {"series", 0, CLI_STRING, &(rec)->series, "NAME",                                              \
     "read the NWB TimeSeries NAME of the input file: /acquisition/NAME/data, "                    \
     "/processing/*/NAME/data or /processing/*/*/NAME/data (or the group path /...), T x n, "      \
     "time first, times its conversion plus its offset; its rate or timestamps give dt",           \
     0, "series", false},                                                                          \
    {"units", 0, CLI_FLAG, &(rec)->units, NULL,                                                    \
     "read the NWB units table of the input file (/units/spike_times and spike_times_index) "      \
     "as spike counts, T x n (n units) in bins of --bin seconds from --t-start",                   \
     0, "units", false},                                                                           \
    {"bin", 0, CLI_NONNEG, &(rec)->bins.bin, "SECONDS", "--units: the bin width, > 0",             \
     CLI_NODEFAULT, "bin", false},                                                                 \
    {"t-start", 0, CLI_NONNEG, &(rec)->bins.t_start, "SECONDS",                                    \
     "--units: the start of the first bin", 0, "t_start", false},                                  \
    {"t-end", 0, CLI_NONNEG, &(rec)->bins.t_end, "SECONDS",                                        \
     "--units: the end of the last bin, ceil((end - start) / bin) bins (default: the bin "         \
     "holding the last spike)",                                                                    \
     CLI_NODEFAULT, "t_end", false}

/* Help text of the recording argument of such a command. */
#define CLI_RECORDING_FORMS                                                                        \
    "a .npy, FILE.h5:/PATH/TO/DATASET, or an NWB file with --series or --units"

/* Read the recording `path` as `rec` says (see above) into *Y, finite; *dt
 * (when not NULL) is its sampling interval in seconds, 0 when unknown.
 * Prints the error (usage errors for contradictory options) and returns the
 * exit status, or 0. */
int cli_read_recording(cli_run *run, const char *path, const cli_recording *rec, po_mat **Y,
                       double *dt);

/* Read FILE:/DATASET (the ':' at `colon`) into *out, finite (cli_read_mat's
 * HDF5 branch). 0 or the exit status after printing the error. */
int cli_read_h5_dataset(cli_run *run, const char *path, const char *colon, po_mat **out);

#endif
