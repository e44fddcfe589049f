/* The HDF5 / NWB readers of the CLI (cli/cli_hdf5.c, cli/cli_nwb.c; issue 12
 * part 3, docs/formats.md "HDF5 and NWB inputs") on small files written here
 * with the HDF5 C library into memory, against counts, conversions and
 * medians worked out by hand. tests/cli/test_hdf5.sh compares the whole CLI
 * with the same numbers as .npy files written by h5py. */
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "cli_hdf5.h"
#include "cli_nwb.h"
#include "harness.h"

/* An empty HDF5 file in memory (the core driver, no backing store). */
static hid_t mem_file(void)
{
    cli_h5_err e;
    (void)cli_h5_open("/nonexistent/po_h5", &e); /* silences HDF5's error printing */
    hid_t fapl = H5Pcreate(H5P_FILE_ACCESS);
    H5Pset_fapl_core(fapl, 1 << 16, 0);
    hid_t f = H5Fcreate("po_test_mem.h5", H5F_ACC_TRUNC, H5P_DEFAULT, fapl);
    H5Pclose(fapl);
    CHECK(f >= 0);
    return f;
}

/* Dataset `path` (parents created) of `type` holding n (or rows x cols) doubles. */
static hid_t put(hid_t f, const char *path, hid_t type, int rank, hsize_t rows, hsize_t cols,
                 const double *v)
{
    hsize_t dims[2] = {rows, cols};
    hid_t space = H5Screate_simple(rank, dims, NULL);
    hid_t lcpl = H5Pcreate(H5P_LINK_CREATE);
    H5Pset_create_intermediate_group(lcpl, 1);
    hid_t d = H5Dcreate2(f, path, type, space, lcpl, H5P_DEFAULT, H5P_DEFAULT);
    CHECK(d >= 0);
    CHECK(H5Dwrite(d, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, v) >= 0);
    H5Pclose(lcpl);
    H5Sclose(space);
    return d;
}

static void put_attr(hid_t obj, const char *name, double v)
{
    hid_t space = H5Screate(H5S_SCALAR);
    hid_t a = H5Acreate2(obj, name, H5T_NATIVE_FLOAT, space, H5P_DEFAULT, H5P_DEFAULT);
    CHECK(a >= 0 && H5Awrite(a, H5T_NATIVE_DOUBLE, &v) >= 0);
    H5Aclose(a);
    H5Sclose(space);
}

static void test_split(void)
{
    static const struct {
        const char *arg;
        int at; /* offset of the ':' or -1 */
    } c[] = {
        {"a.h5:/x", 4},     {"a.h5:/x/y", 4}, {"d:/a.h5:/x", 7}, {"a.h5:/", 4},
        {":/x", -1},        {"a.h5", -1},     {"a:b", -1},        {"a.h5:x", -1},
        {"a::/x", 2},       {"", -1},
    };
    for (size_t k = 0; k < sizeof c / sizeof *c; k++) {
        const char *p = cli_h5_split(c[k].arg);
        CHECK(c[k].at < 0 ? p == NULL : p == c[k].arg + c[k].at);
    }
    /* A file that exists as named is that file, ':/' or not. */
    char dir[512], file[600];
    snprintf(dir, sizeof dir, "%s", po_test_tmp("x:"));
    CHECK(mkdir(dir, 0700) == 0);
    snprintf(file, sizeof file, "%s/Y.npy", dir);
    FILE *fp = fopen(file, "w");
    CHECK(fp != NULL);
    if (fp) fclose(fp);
    CHECK(cli_h5_dataset_colon(file) == NULL);
    snprintf(file, sizeof file, "%s/none", dir);
    CHECK(cli_h5_dataset_colon(file) == file + strlen(dir) - 1);
    remove(file);
}

/* Three units: spikes {0, .05, .1, .149, .3}, {}, {.25}. */
static hid_t units_file(void)
{
    hid_t f = mem_file();
    const double st[] = {0.0, 0.05, 0.1, 0.149, 0.3, 0.25}, idx[] = {5, 5, 6};
    H5Dclose(put(f, "/units/spike_times", H5T_NATIVE_DOUBLE, 1, 6, 1, st));
    H5Dclose(put(f, "/units/spike_times_index", H5T_NATIVE_UINT, 1, 3, 1, idx));
    return f;
}

static void test_units_binning(void)
{
    hid_t f = units_file();
    po_mat *Y = NULL;
    cli_h5_err e;
    /* bin 0.1: rows [0, .1), [.1, .2), [.2, .3] (0.3 / 0.1 = 2.999...: the last spike's bin). */
    cli_nwb_bins b = {0.1, 0.0, 0.0};
    CHECK(cli_nwb_units(f, &b, &Y, &e) == 0);
    const double want[] = {2, 0, 0, 2, 0, 0, 1, 0, 1};
    CHECK(Y && Y->rows == 3 && Y->cols == 3);
    if (Y) CHECK_ALLCLOSE(Y->data, want, 9, 0, 0);
    po_mat_free(Y);
    /* [0.1, 0.3) in two bins: 0.1 and 0.149, then 0.25; 0.3 is left out. */
    b = (cli_nwb_bins){0.1, 0.1, 0.3};
    CHECK(cli_nwb_units(f, &b, &Y, &e) == 0);
    const double want2[] = {2, 0, 0, 0, 0, 1};
    CHECK(Y && Y->rows == 2 && Y->cols == 3);
    if (Y) CHECK_ALLCLOSE(Y->data, want2, 6, 0, 0);
    po_mat_free(Y);
    b = (cli_nwb_bins){0.0, 0.0, 0.0};
    CHECK(cli_nwb_units(f, &b, &Y, &e) == -1 && Y == NULL && e.msg[0]);
    H5Fclose(f);
}

static void test_units_refused(void)
{
    static const struct {
        double st[3], idx[3];
        const char *says;
    } c[] = {
        {{0.1, 0.2, 0.3}, {2, 1, 3}, "must not decrease"},
        {{0.1, 0.2, 0.3}, {1, 4, 4}, "past the end"},
        {{0.1, 0.2, 0.3}, {1, 2, 2}, "ends at 2"},
        {{0.1, -0.2, 0.3}, {1, 2, 3}, "negative"},
        {{0.1, (double)NAN, 0.3}, {1, 2, 3}, "must be finite"},
        {{0.1, 0.2, 0.3}, {1, 1.5, 3}, "whole number"},
    };
    for (size_t k = 0; k < sizeof c / sizeof *c; k++) {
        hid_t f = mem_file();
        H5Dclose(put(f, "/units/spike_times", H5T_NATIVE_DOUBLE, 1, 3, 1, c[k].st));
        H5Dclose(put(f, "/units/spike_times_index", H5T_NATIVE_DOUBLE, 1, 3, 1, c[k].idx));
        cli_nwb_bins b = {0.1, 0.0, 0.0};
        po_mat *Y = NULL;
        cli_h5_err e;
        CHECK(cli_nwb_units(f, &b, &Y, &e) == -1 && Y == NULL);
        if (!strstr(e.msg, c[k].says)) po_test_fail(__FILE__, __LINE__, "case %zu: %s", k, e.msg);
        H5Fclose(f);
    }
}

static void test_series_conversion_and_rate(void)
{
    hid_t f = mem_file();
    const double raw[] = {1, -2, 3, 4, 0, 100};
    hid_t d = put(f, "/acquisition/raw/data", H5T_NATIVE_SHORT, 2, 3, 2, raw);
    put_attr(d, "conversion", 0.5);
    put_attr(d, "offset", -1.0);
    H5Dclose(d);
    const double zero = 0.0;
    hid_t st = put(f, "/acquisition/raw/starting_time", H5T_NATIVE_DOUBLE, 0, 1, 1, &zero);
    put_attr(st, "rate", 4.0);
    H5Dclose(st);
    po_mat *Y = NULL;
    double dt = 0.0;
    char group[256];
    cli_h5_err e;
    CHECK(cli_nwb_series(f, "raw", &Y, &dt, group, sizeof group, &e) == 0);
    const double want[] = {-0.5, -2, 0.5, 1, -1, 49};
    CHECK(Y && Y->rows == 3 && Y->cols == 2);
    if (Y) CHECK_ALLCLOSE(Y->data, want, 6, 0, 0);
    CHECK(dt == 0.25);
    CHECK(strcmp(group, "/acquisition/raw") == 0);
    po_mat_free(Y);
    H5Fclose(f);
}

/* dt is the median step of the timestamps: odd and even numbers of steps. */
static void test_series_timestamps(void)
{
    hid_t f = mem_file();
    const double y4[] = {1, 2, 3, 4}, t4[] = {0, 1, 3, 4};
    const double y5[] = {-0.0, 2, 3, 4, 5}, t5[] = {0, 1, 3, 4, 10};
    H5Dclose(put(f, "/processing/ophys/Fluorescence/roi/data", H5T_NATIVE_DOUBLE, 1, 4, 1, y4));
    H5Dclose(
        put(f, "/processing/ophys/Fluorescence/roi/timestamps", H5T_NATIVE_DOUBLE, 1, 4, 1, t4));
    H5Dclose(put(f, "/acquisition/five/data", H5T_NATIVE_DOUBLE, 1, 5, 1, y5));
    H5Dclose(put(f, "/acquisition/five/timestamps", H5T_NATIVE_DOUBLE, 1, 5, 1, t5));
    po_mat *Y = NULL;
    double dt = 0.0;
    char group[256];
    cli_h5_err e;
    CHECK(cli_nwb_series(f, "roi", &Y, &dt, group, sizeof group, &e) == 0);
    CHECK(dt == 1.0 && Y && Y->rows == 4 && Y->cols == 1);
    CHECK(strcmp(group, "/processing/ophys/Fluorescence/roi") == 0);
    po_mat_free(Y);
    CHECK(cli_nwb_series(f, "five", &Y, &dt, group, sizeof group, &e) == 0);
    CHECK(dt == 1.5);
    /* No conversion attributes: the values as stored, -0.0 included. */
    CHECK(Y && Y->data[0] == 0.0 && signbit(Y->data[0]));
    po_mat_free(Y);
    /* A second "roi" elsewhere makes the name ambiguous; the group path is not. */
    H5Dclose(put(f, "/processing/behavior/roi/data", H5T_NATIVE_DOUBLE, 1, 4, 1, y4));
    CHECK(cli_nwb_series(f, "roi", &Y, &dt, group, sizeof group, &e) == -1 && Y == NULL);
    CHECK(strstr(e.msg, "2 TimeSeries are named 'roi'") != NULL);
    CHECK(cli_nwb_series(f, "/processing/behavior/roi", &Y, &dt, group, sizeof group, &e) == 0);
    CHECK(dt == 0.0); /* neither rate nor timestamps */
    po_mat_free(Y);
    H5Fclose(f);
}

static void test_dataset_types(void)
{
    hid_t f = mem_file();
    const double v[] = {-3, 7, 250, 1};
    H5Dclose(put(f, "/u8", H5T_NATIVE_UCHAR, 2, 2, 2, (const double[]){0, 7, 250, 1}));
    H5Dclose(put(f, "/i64", H5T_STD_I64BE, 1, 4, 1, v)); /* big-endian on disk */
    H5Dclose(put(f, "/f32", H5T_IEEE_F32LE, 2, 1, 4, v));
    po_mat *m = NULL;
    cli_h5_err e;
    int rank = 0;
    CHECK(cli_h5_read(f, "/u8", 2, &m, &rank, &e) == 0 && rank == 2);
    if (m) CHECK_ALLCLOSE(m->data, ((const double[]){0, 7, 250, 1}), 4, 0, 0);
    po_mat_free(m);
    CHECK(cli_h5_read(f, "/i64", 2, &m, &rank, &e) == 0 && rank == 1 && m->rows == 4);
    if (m) CHECK_ALLCLOSE(m->data, v, 4, 0, 0);
    po_mat_free(m);
    CHECK(cli_h5_read(f, "/f32", 1, &m, &rank, &e) == -1 && m == NULL);
    CHECK(strstr(e.msg, "/f32 has 2 dimensions") != NULL);
    CHECK(cli_h5_read(f, "/nothing/here", 2, &m, &rank, &e) == -1);
    CHECK(strstr(e.msg, "no such dataset") != NULL);
    H5Fclose(f);
}

int main(void)
{
    PO_RUN(test_split);
    PO_RUN(test_units_binning);
    PO_RUN(test_units_refused);
    PO_RUN(test_series_conversion_and_rate);
    PO_RUN(test_series_timestamps);
    PO_RUN(test_dataset_types);
    return po_test_finish();
}
