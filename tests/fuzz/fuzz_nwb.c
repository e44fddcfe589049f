// libFuzzer target for the HDF5 / NWB inputs of the CLI (issue 12 part 3: "fuzz the NWB/HDF5
// path resolution like the .npy reader"): the FILE:/DATASET split, and the dataset, TimeSeries
// and units-table readers of cli/cli_hdf5.c and cli/cli_nwb.c on HDF5 files whose contents the
// fuzzer chooses (types, ranks, shapes, chunking and filters, attributes, timestamps, ragged
// indices, spike times, bin widths, group names).
//
// The files are written with the HDF5 library itself into memory (the core driver, no backing
// store): the target is partobs's reading and checking, not libhdf5's own file parser (which
// is not partobs code and is not hardened against corrupt files).
//
// Build and run from the repository root, after a build in build/ (the library supplies
// po_mat and po_error; only the CLI readers are instrumented):
//   clang -std=c11 -D_POSIX_C_SOURCE=200809L -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all -Iinclude -Isrc -Icli $(pkg-config --cflags hdf5-serial) tests/fuzz/fuzz_nwb.c cli/cli_hdf5.c cli/cli_nwb.c build/libpartobs.a $(pkg-config --libs hdf5-serial sleef) -llapacke -lopenblas -lpthread -lm -o /tmp/fuzz_nwb
//   mkdir -p /tmp/nwb_corpus && /tmp/fuzz_nwb -max_total_time=120 -max_len=512 -timeout=5 /tmp/nwb_corpus
// (12,000 runs in 90 s found nothing when it was written.)
//
// Every crashing or failing input found becomes a malformed case of tests/cli/make_nwb.py and
// tests/cli/test_hdf5.sh. Not built by CMake (only tests/test_*.c are globbed).
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "cli_hdf5.h"
#include "cli_nwb.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The fuzz input read as a stream; zeros once it runs out. */
typedef struct stream {
    const uint8_t *p;
    size_t n;
} stream;

static unsigned byte(stream *s)
{
    if (s->n == 0) return 0;
    s->n--;
    return *s->p++;
}

/* A value that is often special: 0, negative, NaN, Inf, huge, or a small decimal. */
static double number(stream *s)
{
    unsigned k = byte(s);
    switch (k % 16) {
    case 0: return (double)NAN;
    case 1: return (double)INFINITY;
    case 2: return -1.0 - (double)byte(s);
    case 3: return 1e300;
    case 4: return 0.0;
    default: return (double)(k + 256 * byte(s)) / 64.0;
    }
}

/* Trap unless a failed read left *Y NULL with a message, and a successful one a finite matrix. */
static void verify(int rc, const po_mat *Y, const cli_h5_err *e)
{
    if (rc != 0) {
        if (Y != NULL || e->msg[0] == '\0') __builtin_trap();
        return;
    }
    if (Y == NULL || Y->rows == 0 || Y->cols == 0) __builtin_trap();
    for (size_t k = 0; k < Y->rows * Y->cols; k++)
        if (!isfinite(Y->data[k])) __builtin_trap();
}

/* A dataset `name` under `loc`: type, rank, shape, storage and values from the stream. */
static void dataset(hid_t loc, const char *name, stream *s, size_t len_hint)
{
    /* (HDF5's type ids are run-time values: no static table.) */
    const hid_t types[] = {H5T_NATIVE_SCHAR, H5T_NATIVE_UCHAR, H5T_NATIVE_SHORT,
                           H5T_NATIVE_INT,   H5T_NATIVE_LLONG, H5T_NATIVE_ULLONG,
                           H5T_NATIVE_FLOAT, H5T_NATIVE_DOUBLE};
    unsigned how = byte(s);
    int rank = (int)(how % 4); /* 0 (scalar) .. 3 */
    hsize_t dims[3];
    hsize_t n = 1;
    for (int k = 0; k < rank; k++) {
        dims[k] = k == 0 && len_hint && (how & 4) ? len_hint : byte(s) % 6;
        n *= dims[k];
    }
    hid_t space = rank == 0 ? H5Screate(H5S_SCALAR) : H5Screate_simple(rank, dims, NULL);
    hid_t type, own = -1;
    unsigned t = byte(s) % 10;
    if (t == 8) {
        type = own = H5Tcopy(H5T_C_S1); /* strings */
        H5Tset_size(own, 4);
    } else if (t == 9) {
        type = own = H5Tcreate(H5T_COMPOUND, sizeof(double));
        H5Tinsert(own, "x", 0, H5T_NATIVE_DOUBLE);
    } else {
        type = types[t];
    }
    hid_t dcpl = H5Pcreate(H5P_DATASET_CREATE);
    if (rank > 0 && n > 0 && (how & 8)) {
        hsize_t chunk[3];
        for (int k = 0; k < rank; k++) chunk[k] = dims[k] > 1 ? dims[k] / 2 : 1;
        H5Pset_chunk(dcpl, rank, chunk);
        if (how & 16) H5Pset_shuffle(dcpl);
        if (how & 32) H5Pset_deflate(dcpl, 1);
    }
    hid_t d = H5Dcreate2(loc, name, type, space, H5P_DEFAULT, dcpl, H5P_DEFAULT);
    if (d >= 0 && t < 8 && n > 0 && n <= 4096) {
        double v[4096];
        for (hsize_t k = 0; k < n; k++) v[k] = number(s);
        H5Dwrite(d, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, v);
    }
    if (d >= 0) H5Dclose(d);
    H5Pclose(dcpl);
    H5Sclose(space);
    if (own >= 0) H5Tclose(own);
}

/* A numeric (or, now and then, string) attribute `name` of `obj`. */
static void attribute(hid_t obj, const char *name, stream *s)
{
    unsigned how = byte(s) % 5;
    if (how == 0) return;
    hsize_t two = 2;
    hid_t space = how == 4 ? H5Screate_simple(1, &two, NULL) : H5Screate(H5S_SCALAR);
    hid_t type = how == 3 ? H5Tcopy(H5T_C_S1) : H5Tcopy(H5T_NATIVE_FLOAT);
    hid_t a = H5Acreate2(obj, name, type, space, H5P_DEFAULT, H5P_DEFAULT);
    double v[2] = {number(s), number(s)};
    if (a >= 0 && how != 3) H5Awrite(a, H5T_NATIVE_DOUBLE, v);
    if (a >= 0) H5Aclose(a);
    H5Tclose(type);
    H5Sclose(space);
}

/* A TimeSeries group `path` (parents created). */
static void series(hid_t file, const char *path, stream *s)
{
    hid_t lcpl = H5Pcreate(H5P_LINK_CREATE);
    H5Pset_create_intermediate_group(lcpl, 1);
    hid_t g = H5Gcreate2(file, path, lcpl, H5P_DEFAULT, H5P_DEFAULT);
    H5Pclose(lcpl);
    if (g < 0) return;
    size_t T = byte(s) % 6;
    dataset(g, "data", s, T);
    hid_t d = H5Dopen2(g, "data", H5P_DEFAULT);
    if (d >= 0) {
        attribute(d, "conversion", s);
        attribute(d, "offset", s);
        H5Dclose(d);
    }
    unsigned time = byte(s) % 3;
    if (time == 1) {
        hid_t space = H5Screate(H5S_SCALAR);
        hid_t st = H5Dcreate2(g, "starting_time", H5T_NATIVE_DOUBLE, space, H5P_DEFAULT,
                              H5P_DEFAULT, H5P_DEFAULT);
        if (st >= 0) {
            attribute(st, "rate", s);
            H5Dclose(st);
        }
        H5Sclose(space);
    } else if (time == 2) {
        dataset(g, "timestamps", s, T);
    }
    H5Gclose(g);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* 1. The path split: the text up to the first NUL. */
    char arg[128];
    size_t len = strnlen((const char *)data, size < sizeof arg - 1 ? size : sizeof arg - 1);
    memcpy(arg, data, len);
    arg[len] = '\0';
    const char *colon = cli_h5_split(arg);
    if (colon && (colon == arg || colon[0] != ':' || colon[1] != '/' || cli_h5_split(colon + 1)))
        __builtin_trap(); /* not the last ':' followed by '/' */
    const char *c2 = cli_h5_dataset_colon(arg);
    if (c2 && c2 != colon) __builtin_trap();
    stream s = {data + (len < size ? len + 1 : size), len < size ? size - len - 1 : 0};

    /* 2. An NWB-like file in memory. */
    hid_t fapl = H5Pcreate(H5P_FILE_ACCESS);
    H5Pset_fapl_core(fapl, 1 << 16, 0);
    cli_h5_err e = {{0}};
    (void)cli_h5_open("/nonexistent/fuzz.h5", &e); /* silences HDF5's error printing */
    hid_t f = H5Fcreate("fuzz.h5", H5F_ACC_TRUNC, H5P_DEFAULT, fapl);
    H5Pclose(fapl);
    if (f < 0) __builtin_trap();
    unsigned where = byte(&s);
    if (where & 1) series(f, "/acquisition/s", &s);
    if (where & 2) series(f, "/processing/m/s", &s);
    if (where & 4) series(f, "/processing/m/i/s", &s);
    if (where & 8) {
        hid_t u = H5Gcreate2(f, "/units", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
        dataset(u, "spike_times", &s, 0);
        dataset(u, "spike_times_index", &s, 0);
        H5Gclose(u);
    }

    /* 3. Every reader; each must succeed with a finite matrix or fail with a message. */
    po_mat *Y = NULL;
    double dt = 0.0;
    char group[256];
    static const char *const names[] = {"s", "/acquisition/s", "/processing/m/i/s", "x/s"};
    for (size_t k = 0; k < sizeof names / sizeof *names; k++) {
        memset(&e, 0, sizeof e);
        int rc = cli_nwb_series(f, names[k], &Y, &dt, group, sizeof group, &e);
        verify(rc, Y, &e);
        if (rc == 0 && !(dt >= 0 && isfinite(dt))) __builtin_trap();
        po_mat_free(Y);
    }
    /* Bins of at least 1/64 s over spike times below ~1000 s: at most ~1e5 rows. */
    cli_nwb_bins b = {(double)(byte(&s) % 64 + 1) / 64.0, (double)(byte(&s) % 8), 0.0};
    if (byte(&s) & 1) b.t_end = b.t_start + (double)(byte(&s) % 32 + 1) / 4.0;
    if (b.t_end == 0.0 || b.t_end - b.t_start < 100) {
        memset(&e, 0, sizeof e);
        int rc = cli_nwb_units(f, &b, &Y, &e);
        verify(rc, Y, &e);
        po_mat_free(Y);
    }
    /* The dataset reader on the fuzzer's own path, when the text names one. */
    if (colon) {
        memset(&e, 0, sizeof e);
        int rc = cli_h5_read(f, colon + 1, 2, &Y, NULL, &e);
        if (rc != 0 ? Y != NULL || e.msg[0] == '\0' : Y == NULL) __builtin_trap();
        po_mat_free(Y);
    }
    H5Fclose(f);
    return 0;
}
