/* Task instances and LDS fits for the figures (see lds_common.h). */
#include "experiments/lds_common.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "experiments/common.h"

po_status exp_task_run(po_task_net net, size_t D, size_t T, uint64_t seed, po_task **out)
{
    po_task_opts o = po_task_opts_defaults();
    o.net = net;
    o.D = D;
    o.T = T;
    o.seed = seed;
    o.threads = 1;
    po_status st = po_task_make(&o, out);
    if (st == PO_OK) st = po_task_simulate(*out, &o);
    if (st != PO_OK) {
        po_task_free(*out);
        *out = NULL;
    }
    return st;
}

po_status exp_observe(const po_mat *X, size_t d, po_mat **Y)
{
    *Y = po_mat_alloc(X->rows, d);
    if (!*Y) return po_error(PO_ENOMEM, "observed activity %zu x %zu", X->rows, d);
    po_mat b = po_mat_block(X, 0, 0, X->rows, d);
    return po_mat_copy(*Y, &b);
}

void exp_lds_top_tau(const exp_lds *f, double *tau, size_t n)
{
    for (size_t i = 0; i < n; i++) tau[i] = i < f->spec->n ? f->spec->tau[i] : (double)NAN;
}

po_status exp_task_lds_input(const po_task *t, po_mat **U)
{
    size_t T = t->input->rows;
    *U = po_mat_alloc(T, 1);
    if (!*U) return po_error(PO_ENOMEM, "LDS input");
    double mx = 0;
    for (size_t i = 0; i < T; i++) mx = fmax(mx, fabs(PO_MAT_AT(t->input, i, 0)));
    for (size_t i = 0; i < T; i++)
        PO_MAT_AT(*U, i, 0) = mx > 0 ? PO_MAT_AT(t->input, i, 0) / mx : 0.0;
    return PO_OK;
}

po_status exp_lds_fit(const po_mat *Y, const po_mat *U, const po_lds_opts *o, exp_lds *f)
{
    memset(f, 0, sizeof *f);
    po_status st = po_fit_lds(Y, U, o, &f->lds, &f->info);
    if (st == PO_OK) {
        f->A_cont = po_mat_alloc(o->latents, o->latents);
        st = f->A_cont ? po_lds_continuous(f->lds, o->alpha, f->A_cont) : PO_ENOMEM;
    }
    if (st == PO_OK) st = po_spectrum_new(f->A_cont, &f->spec);
    if (st != PO_OK) exp_lds_free(f);
    return st;
}

void exp_lds_free(exp_lds *f)
{
    po_lds_free(f->lds);
    po_mat_free(f->A_cont);
    po_spectrum_free(f->spec);
    memset(f, 0, sizeof *f);
}

po_status exp_lds_reconstruct(const po_lds *lds, const po_mat *Y, const po_mat *U, po_mat *Xhat,
                              po_mat *Yhat, double *ev)
{
    size_t T = Y->rows, d = Y->cols, K = lds->K;
    po_mat *xh = Xhat ? NULL : po_mat_alloc(T, K);
    if (!Xhat && !xh) return po_error(PO_ENOMEM, "LDS latents %zu x %zu", T, K);
    po_mat *X = Xhat ? Xhat : xh;
    po_status st = po_lds_smooth(lds, Y, lds->m ? U : NULL, X, NULL);
    double se = 0, sv = 0;
    for (size_t j = 0; st == PO_OK && j < d; j++) {
        double mu = 0;
        for (size_t t = 0; t < T; t++) mu += PO_MAT_AT(Y, t, j);
        mu /= (double)T;
        for (size_t t = 0; t < T; t++) {
            double yh = lds->offset[j];
            for (size_t k = 0; k < K; k++) yh += PO_MAT_AT(lds->C, j, k) * PO_MAT_AT(X, t, k);
            for (size_t k = 0; k < lds->m; k++) yh += PO_MAT_AT(lds->F, j, k) * PO_MAT_AT(U, t, k);
            if (Yhat) PO_MAT_AT(Yhat, t, j) = yh;
            double y = PO_MAT_AT(Y, t, j);
            se += (yh - y) * (yh - y);
            sv += (y - mu) * (y - mu);
        }
    }
    if (st == PO_OK && ev) *ev = sv > 0 ? 1.0 - se / sv : (double)NAN;
    po_mat_free(xh);
    return st;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

double exp_median(const double *x, size_t n)
{
    if (n == 0) return (double)NAN;
    double *c = malloc(n * sizeof *c);
    if (!c) return (double)NAN;
    memcpy(c, x, n * sizeof *c);
    qsort(c, n, sizeof *c, cmp_double);
    double m = n % 2 ? c[n / 2] : 0.5 * (c[n / 2 - 1] + c[n / 2]);
    free(c);
    return m;
}

double exp_quantile(const double *x, size_t n, double q)
{
    if (n == 0) return (double)NAN;
    double *c = malloc(n * sizeof *c);
    if (!c) return (double)NAN;
    memcpy(c, x, n * sizeof *c);
    qsort(c, n, sizeof *c, cmp_double);
    double pos = q * (double)(n - 1);
    size_t lo = (size_t)floor(pos), hi = lo + 1 < n ? lo + 1 : lo;
    double v = c[lo] + (pos - (double)lo) * (c[hi] - c[lo]);
    free(c);
    return v;
}

po_status exp_strip_points(po_panel *p, double pos, const double *v, size_t k, size_t stride,
                           const po_style *s)
{
    double *xy = malloc(2 * (k ? k : 1) * sizeof *xy);
    if (!xy) return po_error(PO_ENOMEM, "strip of %zu points", k);
    for (size_t i = 0; i < k; i++) {
        xy[i] = pos + 0.3 * ((double)i / (double)(k > 1 ? k - 1 : 1) - 0.5);
        xy[k + i] = isfinite(v[i * stride]) ? v[i * stride] : 0.0;
    }
    po_status st = po_panel_points(p, xy, xy + k, k, s);
    free(xy);
    return st;
}

bool exp_most(size_t count, size_t n) { return 5 * count >= 4 * n; }
