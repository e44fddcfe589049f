/* partobs CLI: matrices from HDF5 files (see cli_hdf5.h). */
#include "cli_hdf5.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

enum { PATH_CAP = 1024 };

void cli_h5_errf(cli_h5_err *e, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(e->msg, sizeof e->msg, fmt, ap);
    va_end(ap);
}

const char *cli_h5_split(const char *arg)
{
    const char *colon = NULL;
    for (const char *p = arg; *p; p++)
        if (p > arg && p[0] == ':' && p[1] == '/') colon = p;
    return colon;
}

const char *cli_h5_dataset_colon(const char *arg)
{
    struct stat st;
    return stat(arg, &st) == 0 ? NULL : cli_h5_split(arg);
}

/* HDF5 prints its error stack on every failed call unless told not to; the
 * CLI prints one line of its own instead (docs/cli.md). */
static void silence(void)
{
    static bool done = false;
    if (!done) H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
    done = true;
}

/* The innermost (most specific) description on HDF5's error stack. */
static herr_t innermost(unsigned n, const H5E_error2_t *err, void *data)
{
    (void)n;
    cli_h5_err *why = data;
    if (err->desc && err->desc[0]) cli_h5_errf(why, "%s", err->desc);
    return 0;
}

/* "what: HDF5's reason" into *e. */
static void h5_fail(cli_h5_err *e, const char *what)
{
    cli_h5_err why = {{0}};
    H5Ewalk2(H5E_DEFAULT, H5E_WALK_DOWNWARD, innermost, &why);
    if (why.msg[0])
        cli_h5_errf(e, "%s: %s", what, why.msg);
    else
        cli_h5_errf(e, "%s", what);
}

bool cli_h5_is_hdf5(const char *file)
{
    silence();
    return H5Fis_hdf5(file) > 0;
}

hid_t cli_h5_open(const char *file, cli_h5_err *e)
{
    silence();
    struct stat st;
    if (stat(file, &st) != 0) {
        cli_h5_errf(e, "cannot open: no such file");
        return -1;
    }
    if (!S_ISREG(st.st_mode)) {
        cli_h5_errf(e, "cannot open: not a regular file");
        return -1;
    }
    if (H5Fis_hdf5(file) <= 0) {
        cli_h5_errf(e, "not an HDF5 file");
        return -1;
    }
    hid_t f = H5Fopen(file, H5F_ACC_RDONLY, H5P_DEFAULT);
    if (f < 0) h5_fail(e, "cannot open the HDF5 file");
    return f;
}

bool cli_h5_exists(hid_t file, const char *path)
{
    /* H5Lexists needs every parent to exist: test the prefixes in turn. */
    size_t len = strlen(path);
    if (len >= PATH_CAP) return false;
    char prefix[PATH_CAP];
    for (size_t k = 1; k <= len; k++) {
        if (k < len && path[k] != '/') continue;
        if (path[k - 1] == '/') continue; /* "/" itself, "//" or a trailing '/' */
        memcpy(prefix, path, k);
        prefix[k] = '\0';
        if (H5Lexists(file, prefix, H5P_DEFAULT) <= 0) return false;
    }
    return true;
}

static const char *class_name(H5T_class_t c)
{
    switch (c) {
    case H5T_STRING: return "strings";
    case H5T_COMPOUND: return "a compound type";
    case H5T_ENUM: return "an enum type";
    case H5T_BITFIELD: return "a bitfield type";
    case H5T_OPAQUE: return "an opaque type";
    case H5T_REFERENCE: return "references";
    case H5T_VLEN: return "variable-length sequences";
    case H5T_ARRAY: return "an array type";
    case H5T_TIME: return "a time type";
    default: break;
    }
    return "a non-numeric type";
}

/* Is the type of `id` (a dataset when dataset, else an attribute) numeric?
 * Otherwise the reason in *e. */
static bool numeric_type(hid_t id, bool dataset, const char *what, cli_h5_err *e)
{
    hid_t t = dataset ? H5Dget_type(id) : H5Aget_type(id);
    if (t < 0) {
        h5_fail(e, what);
        return false;
    }
    H5T_class_t c = H5Tget_class(t);
    H5Tclose(t);
    if (c == H5T_INTEGER || c == H5T_FLOAT) return true;
    cli_h5_errf(e, "%s holds %s, not numbers", what, class_name(c));
    return false;
}

/* The extent of the dataspace `space` ("what" in messages): rank 1 .. max_rank,
 * no zero dimension. Sets rows, cols (1-D: n x 1) and *rank. */
static bool extent(hid_t space, int max_rank, const char *what, size_t *rows, size_t *cols,
                   int *rank, cli_h5_err *e)
{
    H5S_class_t sc = H5Sget_simple_extent_type(space);
    if (sc == H5S_SCALAR) {
        cli_h5_errf(e, "%s is a scalar, not %s", what, max_rank == 1 ? "1-D" : "1-D or 2-D");
        return false;
    }
    if (sc != H5S_SIMPLE) {
        cli_h5_errf(e, "%s is empty", what);
        return false;
    }
    int nd = H5Sget_simple_extent_ndims(space);
    hsize_t dims[H5S_MAX_RANK];
    if (nd < 1 || H5Sget_simple_extent_dims(space, dims, NULL) < 0) {
        h5_fail(e, what);
        return false;
    }
    if (nd > max_rank) {
        cli_h5_errf(e, "%s has %d dimensions; it must be %s", what, nd,
                    max_rank == 1 ? "1-D" : "1-D or 2-D (time x channels)");
        return false;
    }
    hsize_t c = nd == 2 ? dims[1] : 1;
    if (dims[0] == 0 || c == 0) {
        cli_h5_errf(e, "%s is empty (shape %llu x %llu)", what, (unsigned long long)dims[0],
                    (unsigned long long)c);
        return false;
    }
    if (dims[0] > SIZE_MAX / c / sizeof(double)) {
        cli_h5_errf(e, "%s is too large (shape %llu x %llu)", what, (unsigned long long)dims[0],
                    (unsigned long long)c);
        return false;
    }
    *rows = (size_t)dims[0];
    *cols = (size_t)c;
    *rank = nd;
    return true;
}

int cli_h5_read(hid_t file, const char *path, int max_rank, po_mat **out, int *rank, cli_h5_err *e)
{
    *out = NULL;
    if (!cli_h5_exists(file, path)) {
        cli_h5_errf(e, "%s: no such dataset", path);
        return -1;
    }
    hid_t d = H5Oopen(file, path, H5P_DEFAULT);
    if (d < 0) {
        h5_fail(e, path);
        return -1;
    }
    int rc = -1, nd = 0;
    size_t rows = 0, cols = 0;
    hid_t space = -1;
    if (H5Iget_type(d) != H5I_DATASET) {
        cli_h5_errf(e, "%s is a group, not a dataset", path);
    } else if (numeric_type(d, true, path, e)) {
        space = H5Dget_space(d);
        if (space < 0)
            h5_fail(e, path);
        else if (extent(space, max_rank, path, &rows, &cols, &nd, e))
            rc = 0;
    }
    po_mat *m = rc == 0 ? po_mat_alloc(rows, cols) : NULL;
    if (rc == 0 && !m) {
        cli_h5_errf(e, "%s: out of memory for %zu x %zu values", path, rows, cols);
        rc = -1;
    }
    /* HDF5 converts every integer and floating type to double as it reads. */
    if (rc == 0 && H5Dread(d, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, m->data) < 0) {
        char what[PATH_CAP + 32];
        snprintf(what, sizeof what, "%s: cannot read", path);
        h5_fail(e, what);
        rc = -1;
    }
    if (space >= 0) H5Sclose(space);
    H5Oclose(d);
    if (rc != 0) {
        po_mat_free(m);
        return -1;
    }
    *out = m;
    if (rank) *rank = nd;
    return 0;
}

int cli_h5_attr(hid_t file, const char *path, const char *name, double *value, cli_h5_err *e)
{
    char what[PATH_CAP + 64];
    snprintf(what, sizeof what, "the attribute %s of %s", name, path);
    htri_t has = H5Aexists_by_name(file, path, name, H5P_DEFAULT);
    if (has == 0) return 1;
    if (has < 0) {
        h5_fail(e, what);
        return -1;
    }
    hid_t a = H5Aopen_by_name(file, path, name, H5P_DEFAULT, H5P_DEFAULT);
    if (a < 0) {
        h5_fail(e, what);
        return -1;
    }
    int rc = -1;
    hid_t space = -1;
    if (numeric_type(a, false, what, e) && (space = H5Aget_space(a)) < 0) h5_fail(e, what);
    if (space >= 0) {
        /* A scalar, or (as some writers store it) one element. */
        hssize_t n = H5Sget_simple_extent_npoints(space);
        if (n != 1)
            cli_h5_errf(e, "%s must be a single number, has %lld", what, (long long)n);
        else if (H5Aread(a, H5T_NATIVE_DOUBLE, value) < 0)
            h5_fail(e, what);
        else
            rc = 0;
        H5Sclose(space);
    }
    H5Aclose(a);
    return rc;
}
