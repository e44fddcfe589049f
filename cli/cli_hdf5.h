/* partobs CLI: matrices from HDF5 files (issue 12 part 3; docs/formats.md
 * "HDF5 and NWB inputs").
 *
 * Every command that reads a matrix also reads FILE:/PATH/TO/DATASET, a
 * numeric dataset (any integer or floating type, converted to double; any
 * layout, chunking or filter the HDF5 library decodes, e.g. gzip and
 * shuffle), 2-D (rows x columns, as stored) or 1-D (n read as n x 1).
 *
 * Parsing an argument: a name that exists as a file is that file (a .npy
 * whose name contains ":/" stays readable); otherwise, if it contains ":/"
 * after at least one character, it is split at the LAST ':' followed by '/'
 * (so a directory name with ":/" in it still works): the file before it and
 * the dataset path from the '/'. Anything else is a .npy name.
 *
 * This is CLI code: the numerics library never depends on HDF5. The
 * functions below take an open file (hid_t) and report errors as one message
 * in a cli_h5_err (the dataset path first) so that the fuzz harness
 * tests/fuzz/fuzz_nwb.c can drive them without the rest of the CLI. */
#ifndef PARTOBS_CLI_HDF5_H
#define PARTOBS_CLI_HDF5_H

#include <stdbool.h>
#include <stddef.h>

#include <hdf5.h>

#include "partobs/partobs.h"

/* One error message, without the file name (the caller prefixes it). */
typedef struct cli_h5_err {
    char msg[640];
} cli_h5_err;

/* The ':' splitting `arg` into FILE and /DATASET (the last ':' followed by
 * '/', not at the start), or NULL. Looks only at the string. */
const char *cli_h5_split(const char *arg);

/* The ':' to split `arg` at when it names an HDF5 dataset: NULL when `arg`
 * exists as a file or cli_h5_split finds none. */
const char *cli_h5_dataset_colon(const char *arg);

/* Is `file` an HDF5 file (by its signature)? False when it cannot be read. */
bool cli_h5_is_hdf5(const char *file);

/* Open `file` read-only (HDF5's own error printing silenced once for the
 * process). A negative id and the reason in *e on failure. */
hid_t cli_h5_open(const char *file, cli_h5_err *e);

/* Read the numeric dataset `path` of rank 1 .. max_rank (1 or 2) as a new
 * matrix (1-D: n x 1); *rank (if not NULL) is its rank. Refuses a missing
 * object, a group, a non-numeric type (string, compound, enum, ...), a
 * scalar, a higher rank and an empty dataset. Values are not checked for
 * finiteness. 0, or -1 with *out NULL and the reason in *e. */
int cli_h5_read(hid_t file, const char *path, int max_rank, po_mat **out, int *rank, cli_h5_err *e);

/* Does `path` (a link, every parent existing or not) exist in `file`? */
bool cli_h5_exists(hid_t file, const char *path);

/* The numeric scalar attribute `name` of the object at `path` into *value;
 * 0 if read, 1 if there is no such attribute, -1 (reason in *e) if it is not
 * a numeric scalar or cannot be read. */
int cli_h5_attr(hid_t file, const char *path, const char *name, double *value, cli_h5_err *e);

/* printf into e->msg. */
void cli_h5_errf(cli_h5_err *e, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

#endif
