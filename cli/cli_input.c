/* partobs CLI: reading and checking input arrays (see cli_input.h). */
#include "cli_input.h"

#include "cli_hdf5.h"
#include "cli_output.h"
#include "cli_recording.h"

int cli_read_mat(cli_run *run, const char *path, po_mat **out)
{
    *out = NULL;
    const char *colon = cli_h5_dataset_colon(path);
    if (colon) return cli_read_h5_dataset(run, path, colon, out);
    po_mat *m = NULL;
    po_status st = po_npy_read_mat(path, &m);
    if (st == PO_OK) st = po_mat_check_finite(m, path);
    if (st != PO_OK) {
        po_mat_free(m);
        /* Checked only now: an HDF5 file needs its dataset named. */
        if (st == PO_EFORMAT && cli_h5_is_hdf5(path))
            return cli_fail(run,
                            "%s is an HDF5 file: name the dataset, %s:/PATH/TO/DATASET (or, for a "
                            "recording, use --series NAME or --units)",
                            path, path);
        return cli_fail_status(run, st);
    }
    *out = m;
    return CLI_EXIT_OK;
}

int cli_read_square(cli_run *run, const char *path, const char *what, po_mat **out)
{
    int rc = cli_read_mat(run, path, out);
    if (rc != CLI_EXIT_OK) return rc;
    if ((*out)->rows != (*out)->cols || (*out)->rows == 0) {
        size_t r = (*out)->rows, c = (*out)->cols;
        po_mat_free(*out);
        *out = NULL;
        return cli_fail(run, "%s: %s must be a non-empty square matrix, got shape %zu x %zu", path,
                        what, r, c);
    }
    return CLI_EXIT_OK;
}

int cli_read_vector(cli_run *run, const char *path, size_t n, const char *what, po_mat **out)
{
    int rc = cli_read_mat(run, path, out);
    if (rc != CLI_EXIT_OK) return rc;
    size_t r = (*out)->rows, c = (*out)->cols;
    if ((r != 1 && c != 1) || r * c != n) {
        po_mat_free(*out);
        *out = NULL;
        return cli_fail(run, "%s: %s must be a vector of length %zu, got shape %zu x %zu", path,
                        what, n, r, c);
    }
    return CLI_EXIT_OK;
}
