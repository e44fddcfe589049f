/* partobs CLI: reading and checking input arrays.
 *
 * Each function prints the error line itself (naming the file and the
 * shape) and returns 0 or CLI_EXIT_RUNTIME; on success *out is a new matrix
 * the caller frees with po_mat_free.
 */
#ifndef PARTOBS_CLI_INPUT_H
#define PARTOBS_CLI_INPUT_H

#include <stddef.h>

#include "cli.h"

/* A .npy matrix (1-D arrays of length n read as n x 1) with finite values,
 * or a numeric HDF5 dataset named FILE:/PATH/TO/DATASET (cli_hdf5.h). */
int cli_read_mat(cli_run *run, const char *path, po_mat **out);

/* A square finite matrix; `what` names it in errors ("W"). */
int cli_read_square(cli_run *run, const char *path, const char *what, po_mat **out);

/* A finite vector of exactly n entries (1-D, n x 1 or 1 x n); `what` names it. */
int cli_read_vector(cli_run *run, const char *path, size_t n, const char *what, po_mat **out);

#endif
