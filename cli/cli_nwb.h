/* partobs CLI: recordings from NWB 2.x files (issue 12 part 3; docs/formats.md
 * "HDF5 and NWB inputs"). An NWB file is an HDF5 file with the group,
 * dataset and attribute names of the NWB schema (core/nwb.base.yaml,
 * nwb.misc.yaml); these functions read two of its layouts from an open file.
 *
 * TimeSeries (cli_nwb_series): the group GROUP holds `data` (time first:
 * T, or T x channels), converted to its unit as data * conversion + offset
 * (the attributes of `data`; 1 and 0 when absent), and either
 * `starting_time` with the attribute `rate` (Hz; dt = 1 / rate) or
 * `timestamps` (T seconds, strictly increasing; dt = their median
 * difference). Neither: dt = 0 (unknown).
 *
 * Units table (cli_nwb_units): /units/spike_times (seconds, >= 0) and the
 * ragged index /units/spike_times_index (entry i is where unit i's spikes
 * end in spike_times: non-decreasing, the last one = the number of spikes),
 * binned into a T x n count matrix: column i, row k counts unit i's spikes in
 * [t_start + k bin, t_start + (k+1) bin). With t_end > 0, T = ceil((t_end -
 * t_start) / bin) and spikes outside [t_start, t_end) are left out; without,
 * T = floor((t_max - t_start) / bin) + 1 for the last spike t_max, so that
 * every spike from t_start on is counted.
 *
 * Errors: -1 with one message in *e naming the dataset (the caller adds the
 * file name); *Y is then NULL. */
#ifndef PARTOBS_CLI_NWB_H
#define PARTOBS_CLI_NWB_H

#include <stddef.h>

#include "cli_hdf5.h"

/* The TimeSeries `name`: /acquisition/NAME, /processing/MODULE/NAME or
 * /processing/MODULE/INTERFACE/NAME (e.g. an ophys RoiResponseSeries in
 * /processing/ophys/Fluorescence), which must be unique; or, when `name`
 * starts with '/', that group itself. Its converted data in *Y (T x n,
 * finite), its sampling interval in *dt, its group path in group[0..cap). */
int cli_nwb_series(hid_t file, const char *name, po_mat **Y, double *dt, char *group, size_t cap,
                   cli_h5_err *e);

/* Binning of the units table (see above); bin > 0, t_start >= 0, t_end = 0
 * (to the last spike) or > t_start. */
typedef struct cli_nwb_bins {
    double bin, t_start, t_end;
} cli_nwb_bins;

/* The spike counts of the units table, T x n (n units). */
int cli_nwb_units(hid_t file, const cli_nwb_bins *b, po_mat **Y, cli_h5_err *e);

#endif
