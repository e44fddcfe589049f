/* partobs CLI: recordings from NWB 2.x files (see cli_nwb.h). */
#include "cli_nwb.h"

#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { NAME_CAP = 1024 };

/* po_mat_check_finite, its message into *e. */
static int finite_or_fail(const po_mat *m, const char *what, cli_h5_err *e)
{
    if (po_mat_check_finite(m, what) == PO_OK) return 0;
    cli_h5_errf(e, "%s", po_errmsg());
    return -1;
}

/* Does GROUP/data exist (GROUP = printf(fmt, ...))? The group path in buf. */
#if defined(__GNUC__)
__attribute__((format(printf, 4, 5)))
#endif
static bool has_data(hid_t file, char *buf, size_t cap, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(buf, cap, fmt, ap);
    va_end(ap);
    char data[NAME_CAP + 8];
    if (n < 0 || (size_t)n >= cap) return false;
    snprintf(data, sizeof data, "%s/data", buf);
    return cli_h5_exists(file, data);
}

/* The name of link k of the group `g`, or false. */
static bool link_name(hid_t g, hsize_t k, char *buf, size_t cap)
{
    ssize_t n = H5Lget_name_by_idx(g, ".", H5_INDEX_NAME, H5_ITER_INC, k, buf, cap, H5P_DEFAULT);
    return n > 0 && (size_t)n < cap;
}

/* The number of links in the group `path` (0 if it is not a group). */
static hsize_t n_links(hid_t file, const char *path, hid_t *g)
{
    *g = cli_h5_exists(file, path) ? H5Gopen2(file, path, H5P_DEFAULT) : -1;
    H5G_info_t info;
    if (*g < 0 || H5Gget_info(*g, &info) < 0) return 0;
    return info.nlinks;
}

/* Note the candidate in `cand` (a match) and count it. */
static void found(const char *cand, size_t *n, char *first, size_t cap, char *second,
                  size_t cap2)
{
    if (*n == 0) snprintf(first, cap, "%s", cand);
    if (*n == 1) snprintf(second, cap2, "%s", cand);
    (*n)++;
}

/* The group of the TimeSeries `name` (see cli_nwb_series). */
static int find_series(hid_t file, const char *name, char *group, size_t cap, cli_h5_err *e)
{
    char cand[NAME_CAP], second[NAME_CAP];
    size_t n = 0;
    if (name[0] == '/') {
        if (has_data(file, group, cap, "%s", name)) return 0;
        cli_h5_errf(e, "%s: no TimeSeries there (no dataset %s/data)", name, name);
        return -1;
    }
    if (strchr(name, '/')) {
        cli_h5_errf(e, "--series '%s': give a name, or a full group path starting with '/'", name);
        return -1;
    }
    if (has_data(file, cand, sizeof cand, "/acquisition/%s", name))
        found(cand, &n, group, cap, second, sizeof second);
    hid_t proc;
    hsize_t n_mod = n_links(file, "/processing", &proc);
    for (hsize_t k = 0; k < n_mod; k++) {
        char mod[NAME_CAP / 4], iface[NAME_CAP / 4], path[NAME_CAP];
        if (!link_name(proc, k, mod, sizeof mod)) continue;
        if (has_data(file, cand, sizeof cand, "/processing/%s/%s", mod, name))
            found(cand, &n, group, cap, second, sizeof second);
        snprintf(path, sizeof path, "/processing/%s", mod);
        hid_t g;
        hsize_t n_if = n_links(file, path, &g);
        for (hsize_t j = 0; j < n_if; j++)
            if (link_name(g, j, iface, sizeof iface) &&
                has_data(file, cand, sizeof cand, "/processing/%s/%s/%s", mod, iface, name))
                found(cand, &n, group, cap, second, sizeof second);
        if (g >= 0) H5Gclose(g);
    }
    if (proc >= 0) H5Gclose(proc);
    if (n == 1) return 0;
    if (n == 0)
        cli_h5_errf(e,
                    "no TimeSeries '%s' (looked for /acquisition/%s/data, "
                    "/processing/*/%s/data and /processing/*/*/%s/data)",
                    name, name, name, name);
    else
        cli_h5_errf(e, "%zu TimeSeries are named '%s', e.g. %s and %s: give the full group path "
                       "with --series",
                    n, name, group, second);
    return -1;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* dt from GROUP/starting_time's rate or GROUP/timestamps (T of them). */
static int sampling_interval(hid_t file, const char *group, size_t T, double *dt, cli_h5_err *e)
{
    char path[NAME_CAP + 16];
    *dt = 0.0;
    snprintf(path, sizeof path, "%s/starting_time", group);
    if (cli_h5_exists(file, path)) {
        double rate = 0.0;
        int rc = cli_h5_attr(file, path, "rate", &rate, e);
        if (rc == 1) cli_h5_errf(e, "%s has no attribute rate (the sampling rate in Hz)", path);
        if (rc != 0) return -1;
        if (!(isfinite(rate) && rate > 0)) {
            cli_h5_errf(e, "the attribute rate of %s is %g; it must be a positive rate in Hz",
                        path, rate);
            return -1;
        }
        *dt = 1.0 / rate;
        return 0;
    }
    snprintf(path, sizeof path, "%s/timestamps", group);
    if (!cli_h5_exists(file, path)) return 0;
    po_mat *ts = NULL;
    if (cli_h5_read(file, path, 1, &ts, NULL, e) != 0) return -1;
    int rc = finite_or_fail(ts, path, e);
    if (rc == 0 && ts->rows != T) {
        cli_h5_errf(e, "%s has %zu entries, but the data have T = %zu time steps", path,
                    ts->rows, T);
        rc = -1;
    }
    /* The differences, checked to be > 0, sorted for their median. */
    for (size_t k = 1; rc == 0 && k < T; k++) {
        double d = ts->data[k] - ts->data[k - 1];
        if (!(d > 0)) {
            cli_h5_errf(e, "%s must increase: entry %zu (%.17g) follows entry %zu (%.17g)", path,
                        k, ts->data[k], k - 1, ts->data[k - 1]);
            rc = -1;
        }
        ts->data[k - 1] = d;
    }
    if (rc == 0 && T >= 2) {
        size_t n = T - 1;
        qsort(ts->data, n, sizeof *ts->data, cmp_double);
        *dt = n % 2 ? ts->data[n / 2] : 0.5 * (ts->data[n / 2 - 1] + ts->data[n / 2]);
    }
    po_mat_free(ts);
    return rc;
}

int cli_nwb_series(hid_t file, const char *name, po_mat **Y, double *dt, char *group, size_t cap,
                   cli_h5_err *e)
{
    *Y = NULL;
    *dt = 0.0;
    if (find_series(file, name, group, cap, e) != 0) return -1;
    char data[NAME_CAP + 8];
    snprintf(data, sizeof data, "%s/data", group);
    po_mat *m = NULL;
    double conversion = 1.0, offset = 0.0;
    if (cli_h5_read(file, data, 2, &m, NULL, e) != 0 ||
        cli_h5_attr(file, data, "conversion", &conversion, e) < 0 ||
        cli_h5_attr(file, data, "offset", &offset, e) < 0) {
        po_mat_free(m);
        return -1;
    }
    if (!isfinite(conversion) || !isfinite(offset)) {
        cli_h5_errf(e, "%s: conversion %g and offset %g must be finite", data, conversion, offset);
        po_mat_free(m);
        return -1;
    }
    /* The value in the series' unit (nwb.base.yaml: data * conversion +
     * offset); the identities are skipped so that a stored -0.0 stays -0.0. */
    size_t n = m->rows * m->cols;
    for (size_t k = 0; k < n; k++) {
        if (conversion != 1.0) m->data[k] *= conversion;
        if (offset != 0.0) m->data[k] += offset;
    }
    if (finite_or_fail(m, data, e) != 0 || sampling_interval(file, group, m->rows, dt, e) != 0) {
        po_mat_free(m);
        return -1;
    }
    *Y = m;
    return 0;
}

#define SPIKES "/units/spike_times"
#define INDEX "/units/spike_times_index"

/* The ragged index: whole numbers, non-decreasing, ending at n_spikes. */
static int check_index(const po_mat *idx, size_t n_spikes, cli_h5_err *e)
{
    double prev = 0.0;
    for (size_t i = 0; i < idx->rows; i++) {
        double v = idx->data[i];
        if (!(v >= 0 && v == floor(v))) {
            cli_h5_errf(e, INDEX ": entry %zu (%g) is not a non-negative whole number", i, v);
            return -1;
        }
        if (v < prev) {
            cli_h5_errf(e, INDEX ": entry %zu (%.0f) is below entry %zu (%.0f); a ragged index "
                           "must not decrease",
                        i, v, i - 1, prev);
            return -1;
        }
        if (v > (double)n_spikes) {
            cli_h5_errf(e, INDEX ": entry %zu (%.0f) is past the end of " SPIKES " (%zu spikes)",
                        i, v, n_spikes);
            return -1;
        }
        prev = v;
    }
    if (prev != (double)n_spikes) {
        cli_h5_errf(e, INDEX " ends at %.0f, but " SPIKES " holds %zu spikes", prev, n_spikes);
        return -1;
    }
    return 0;
}

/* Spike times: finite, >= 0; their maximum in *t_max. */
static int check_spikes(const po_mat *st, double *t_max, cli_h5_err *e)
{
    *t_max = 0.0;
    for (size_t k = 0; k < st->rows; k++) {
        double t = st->data[k];
        if (!isfinite(t)) {
            cli_h5_errf(e, SPIKES ": entry %zu is %g; spike times must be finite", k, t);
            return -1;
        }
        if (t < 0) {
            cli_h5_errf(e, SPIKES ": entry %zu (%g) is negative; spike times are seconds from "
                           "the start of the session",
                        k, t);
            return -1;
        }
        if (t > *t_max) *t_max = t;
    }
    return 0;
}

int cli_nwb_units(hid_t file, const cli_nwb_bins *b, po_mat **Y, cli_h5_err *e)
{
    *Y = NULL;
    if (!(b->bin > 0 && b->t_start >= 0 && (b->t_end == 0 || b->t_end > b->t_start))) {
        cli_h5_errf(e, "bins of %g s from %g s to %g s: need bin > 0, 0 <= start < end", b->bin,
                    b->t_start, b->t_end);
        return -1;
    }
    po_mat *st = NULL, *idx = NULL, *m = NULL;
    double t_max = 0.0;
    int rc = cli_h5_read(file, SPIKES, 1, &st, NULL, e);
    if (rc == 0) rc = cli_h5_read(file, INDEX, 1, &idx, NULL, e);
    if (rc == 0) rc = check_index(idx, st->rows, e);
    if (rc == 0) rc = check_spikes(st, &t_max, e);
    if (rc == 0 && b->t_end == 0 && t_max < b->t_start) {
        cli_h5_errf(e, SPIKES ": no spike at or after %g s (the last is at %g s)", b->t_start,
                    t_max);
        rc = -1;
    }
    double bins = 0.0;
    if (rc == 0) {
        bins = b->t_end > 0 ? ceil((b->t_end - b->t_start) / b->bin)
                            : floor((t_max - b->t_start) / b->bin) + 1.0;
        if (!(bins >= 1 && bins <= (double)(SIZE_MAX / sizeof(double) / idx->rows))) {
            cli_h5_errf(e, "bins of %g s make %g time steps for %zu units: too many", b->bin, bins,
                        idx->rows);
            rc = -1;
        }
    }
    if (rc == 0) {
        m = po_mat_alloc((size_t)bins, idx->rows);
        if (!m) {
            cli_h5_errf(e, "out of memory for %.0f x %zu spike counts", bins, idx->rows);
            rc = -1;
        }
    }
    for (size_t i = 0, from = 0; rc == 0 && i < idx->rows; i++) {
        size_t to = (size_t)idx->data[i];
        for (size_t k = from; k < to; k++) {
            double t = st->data[k];
            if (t < b->t_start || (b->t_end > 0 && t >= b->t_end)) continue;
            size_t row = (size_t)floor((t - b->t_start) / b->bin);
            if (row >= m->rows) row = m->rows - 1; /* rounding at the last edge */
            PO_MAT_AT(m, row, i) += 1.0;
        }
        from = to;
    }
    po_mat_free(st);
    po_mat_free(idx);
    if (rc != 0) {
        po_mat_free(m);
        return -1;
    }
    *Y = m;
    return 0;
}
