/* Shared pieces of the experiments (see common.h). */
#include "experiments/common.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/parallel.h"
#include "experiments/exp.h"
#include "partobs/rng.h"

po_status exp_teacher(const po_teacher_opts *o, uint64_t seed, po_teacher **out)
{
    po_rng rng;
    po_rng_init(&rng, seed, PO_STREAM_CONNECTIVITY);
    return po_teacher_generate(o, &rng, out);
}

po_status exp_simulate(const po_mat *W, const po_sim_opts *so, const po_sim_inputs *in,
                       po_mat **X)
{
    return po_simulate(W, so, in, X, NULL);
}

po_status exp_map(const po_mat *Y, size_t d, po_mat **W_hat)
{
    *W_hat = po_mat_alloc(d, d);
    if (!*W_hat) return PO_ENOMEM;
    po_mat y = po_mat_block(Y, 0, 0, Y->rows, d);
    po_ridge_opts ro = po_ridge_opts_defaults();
    po_status st = po_fit_ridge(&y, &ro, *W_hat, NULL);
    if (st != PO_OK) {
        po_mat_free(*W_hat);
        *W_hat = NULL;
    }
    return st;
}

po_status exp_limit_student(const po_mat *B, const po_mat *Sigma, size_t d, po_mat **A)
{
    *A = po_mat_alloc(d, d);
    if (!*A) return PO_ENOMEM;
    po_theory_opts to = po_theory_opts_defaults();
    po_status st = po_theory_student(B, Sigma, d, &to, *A);
    if (st != PO_OK) {
        po_mat_free(*A);
        *A = NULL;
    }
    return st;
}

size_t exp_count_above(const po_spectrum *s, double thr)
{
    size_t k = 0;
    for (size_t i = 0; i < s->n; i++) k += s->re[i] > thr;
    return k;
}

/* ---- parallel loop ---------------------------------------------------------- */

typedef struct par_items {
    exp_item_fn fn;
    void *user;
    po_exp_ctx *ctx;
} par_items;

static po_status par_item(void *arg, size_t i, size_t worker)
{
    (void)worker;
    const par_items *p = arg;
    return p->fn(i, p->user);
}

static void par_done(void *arg, size_t done, size_t n)
{
    const par_items *p = arg;
    po_exp_progress(p->ctx, done, n);
}

po_status exp_parallel(po_exp_ctx *c, size_t n, exp_item_fn fn, void *user)
{
    /* Items side by side, each on one core with the one-thread BLAS the
     * program set (core/parallel.h): every item's result is the same for
     * any thread count, and the library calls inside an item stay on its
     * thread (nested loops run serially). */
    par_items p = {fn, user, c};
    return po_parallel_for_progress(n, po_exp_threads(c), par_item, par_done, &p);
}

/* ---- grids and statistics ---------------------------------------------------- */

po_status exp_log_grid(size_t dmin, size_t dmax, size_t npts, size_t **d, size_t *n)
{
    *d = NULL;
    *n = 0;
    if (dmin < 1 || dmax < dmin || npts < 2)
        return po_error(PO_EINVAL, "log grid: need 1 <= dmin <= dmax and >= 2 points");
    size_t *g = malloc(npts * sizeof *g);
    if (!g) return po_error(PO_ENOMEM, "log grid");
    double a = log((double)dmin), b = log((double)dmax);
    size_t k = 0;
    for (size_t i = 0; i < npts; i++) {
        double v = i + 1 == npts ? (double)dmax : exp(a + (b - a) * (double)i / (double)(npts - 1));
        size_t di = (size_t)llround(v);
        if (di < dmin) di = dmin;
        if (di > dmax) di = dmax;
        if (k == 0 || di > g[k - 1]) g[k++] = di;
    }
    *d = g;
    *n = k;
    return PO_OK;
}

void exp_mean_sem(const double *x, size_t k, size_t stride, double *mean, double *sem)
{
    double m = 0;
    for (size_t i = 0; i < k; i++) m += x[i * stride];
    m /= (double)k;
    double ss = 0;
    for (size_t i = 0; i < k; i++) ss += (x[i * stride] - m) * (x[i * stride] - m);
    *mean = m;
    *sem = k > 1 ? sqrt(ss / (double)(k - 1)) / sqrt((double)k) : 0.0;
}

/* ---- a figure as a description ------------------------------------------ */

void exp_sizes_set(const po_exp_ctx *c, const exp_size *t, size_t n, void *job)
{
    bool quick = po_exp_opts(c)->quick;
    for (size_t i = 0; i < n; i++) {
        const size_t *v = quick ? &t[i].quick : &t[i].full;
        if (*v != EXP_KEEP) memcpy((char *)job + t[i].offset, v, sizeof *v);
    }
}

cJSON *exp_sizes_json(cJSON *parent, const char *key, const exp_size *t, size_t n,
                      const void *job)
{
    cJSON *o = cJSON_AddObjectToObject(parent, key);
    for (size_t i = 0; o && i < n; i++)
        if (t[i].key) {
            size_t v;
            memcpy(&v, (const char *)job + t[i].offset, sizeof v);
            cJSON_AddNumberToObject(o, t[i].key, (double)v);
        }
    return o;
}

double *exp_arrays(size_t n, double **first, ...)
{
    size_t count = 0;
    va_list ap;
    va_start(ap, first);
    for (double **p = first; p; p = va_arg(ap, double **)) count++;
    va_end(ap);
    double *block = malloc((count ? count : 1) * (n ? n : 1) * sizeof *block);
    if (!block) return NULL;
    size_t i = 0;
    va_start(ap, first);
    for (double **p = first; p; p = va_arg(ap, double **)) *p = block + n * i++;
    va_end(ap);
    return block;
}

po_status exp_figure(po_figure **f, size_t rows, size_t cols, int width, int height,
                     const char *title_fmt, ...)
{
    char title[320];
    va_list ap;
    va_start(ap, title_fmt);
    vsnprintf(title, sizeof title, title_fmt, ap);
    va_end(ap);
    return po_figure_alloc(rows, cols, width, height, title, f);
}

po_status exp_figure_done(po_exp_ctx *c, po_figure *f, po_status st)
{
    if (st == PO_OK) st = po_exp_save_figure(c, f, "");
    po_figure_free(f);
    return st;
}

po_status exp_panel(po_figure *f, size_t row, size_t col, const po_axes *ax,
                    const exp_series *s, size_t n)
{
    po_panel *p = po_figure_panel(f, row, col, ax);
    po_status st = PO_OK;
    for (size_t i = 0; st == PO_OK && i < n; i++) {
        const exp_series *e = &s[i];
        switch (e->kind) {
        case EXP_LINE: st = po_panel_line(p, e->x, e->y, e->n, &e->style); break;
        case EXP_BAND: st = exp_band_line(p, e->x, e->y, e->sem, e->n, &e->style); break;
        case EXP_POINTS: st = po_panel_points(p, e->x, e->y, e->n, &e->style); break;
        case EXP_HLINE: st = po_panel_hline(p, e->level, &e->style); break;
        }
    }
    return st;
}

po_axes exp_axes(const char *title, const char *xlabel, const char *ylabel)
{
    po_axes a = po_axes_defaults();
    a.title = title;
    a.xlabel = xlabel;
    a.ylabel = ylabel;
    return a;
}

void exp_claims(po_exp_ctx *c, const exp_claim_row *rows, size_t n, const void *res)
{
    for (size_t i = 0; i < n; i++) {
        char buf[2048] = "";
        exp_claim_io io = {res, rows[i].arg, buf, sizeof buf};
        bool holds = rows[i].eval(&io);
        po_exp_claim(c, holds, rows[i].text, "%s", buf);
    }
}

po_status exp_run(po_exp_ctx *c, const exp_desc *d, void *job)
{
    exp_sizes_set(c, d->sizes, d->n_sizes, job);
    po_status st = d->setup ? d->setup(c, job) : PO_OK;
    if (st == PO_OK && d->items) st = exp_parallel(c, d->items(job), d->item, job);
    if (st == PO_OK) {
        cJSON *root = po_exp_json(c);
        cJSON *sizes =
            d->sizes_key ? exp_sizes_json(root, d->sizes_key, d->sizes, d->n_sizes, job) : NULL;
        if (d->record) d->record(job, root, sizes);
        exp_claims(c, d->claims, d->n_claims, job);
        if (d->draw) st = d->draw(c, job);
    }
    if (d->release) d->release(job);
    return st;
}

/* ---- plot snippets ---------------------------------------------------- */

po_status exp_band_line(po_panel *p, const double *x, const double *mean, const double *sem,
                        size_t n, const po_style *s)
{
    double *lo = malloc(2 * n * sizeof *lo);
    if (!lo) return po_error(PO_ENOMEM, "band");
    double *hi = lo + n;
    for (size_t i = 0; i < n; i++) {
        lo[i] = mean[i] - sem[i];
        hi[i] = mean[i] + sem[i];
    }
    po_style b = *s;
    b.label = NULL;
    po_status st = po_panel_band(p, x, lo, hi, n, &b);
    free(lo);
    if (st == PO_OK) st = po_panel_line(p, x, mean, n, s);
    return st;
}

po_style exp_style(po_color color, double width, const char *label)
{
    po_style s = po_style_defaults();
    s.color = color;
    s.width = width;
    s.label = label;
    return s;
}

double exp_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}
