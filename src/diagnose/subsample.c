/* Nested subsampling of the recorded neurons (issue 11, Part A): refits on
 * random subsets of round(f d) neurons for each fraction f, and the trend of
 * LAS against log(f) with its 95% interval. MAP refits read the rows and
 * columns of the full recording's sums (gram.c); LDS refits fit the subset's
 * columns. The subsets are drawn before any refit, so the refits can run on
 * any number of threads and give the same bits. */
#include "diagnose/passive.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/parallel.h"

size_t po_dg_subsample_refits(const po_diagnose_opts *opts, const double *fractions, size_t n)
{
    size_t refits = 0;
    for (size_t k = 0; k < n; k++)
        if (fractions[k] < 1.0) refits += opts->subsets;
    return refits;
}

static int cmp_size(const void *a, const void *b)
{
    size_t x = *(const size_t *)a, y = *(const size_t *)b;
    return (x > y) - (x < y);
}

po_status po_dg_subsample_draw(po_diagnose *dg, const po_diagnose_opts *opts, po_rng *rng,
                               size_t **out)
{
    size_t d = dg->n_neurons, R = opts->subsets, nf = dg->n_fractions;
    size_t *idx = malloc(nf * R * d * sizeof *idx), *perm = malloc(d * sizeof *perm);
    dg->subsets = R;
    dg->las_sub = malloc(nf * R * sizeof *dg->las_sub);
    dg->tau1_sub = malloc(nf * R * sizeof *dg->tau1_sub);
    dg->lambda1_sub = malloc(nf * R * sizeof *dg->lambda1_sub);
    if (!idx || !perm || !dg->las_sub || !dg->tau1_sub || !dg->lambda1_sub) {
        free(idx);
        free(perm);
        return po_error(PO_ENOMEM, "diagnose: cannot allocate %zu subsets of %zu neurons",
                        nf * R, d);
    }
    for (size_t k = 0; k < nf; k++) {
        double want = round(dg->fractions[k] * (double)d);
        size_t n = want < 2.0 ? 2 : (size_t)want;
        dg->d_sub[k] = n > d ? d : n;
        if (dg->fractions[k] >= 1.0) continue; /* the full fit: no draws */
        for (size_t r = 0; r < R; r++) {
            /* Partial Fisher-Yates from the identity: the first n entries are a
             * uniform n-subset; sorted so the subset keeps the neurons' order. */
            for (size_t i = 0; i < d; i++) perm[i] = i;
            for (size_t i = 0; i < dg->d_sub[k]; i++) {
                size_t j = i + (size_t)po_rng_below(rng, d - i), t = perm[i];
                perm[i] = perm[j];
                perm[j] = t;
            }
            qsort(perm, dg->d_sub[k], sizeof *perm, cmp_size);
            memcpy(idx + (k * R + r) * d, perm, dg->d_sub[k] * sizeof *perm);
        }
    }
    free(perm);
    *out = idx;
    return PO_OK;
}

typedef struct sub_job {
    po_diagnose *dg;
    const po_mat *Y, *U;
    const po_dg_gram *g;
    const size_t *idx;
    const po_diagnose_opts *opts;
    size_t *slot;  /* refit b -> k * subsets + r */
    po_dg_progress *pr;
} sub_job;

static po_status sub_refit(void *arg, size_t b, size_t worker)
{
    (void)worker;
    const sub_job *J = arg;
    po_diagnose *dg = J->dg;
    size_t s = J->slot[b], k = s / dg->subsets, n = dg->d_sub[k], d = dg->n_neurons;
    const size_t *idx = J->idx + s * d;
    po_dg_summary sum;
    po_status st;
    if (dg->method == PO_DIAG_MAP) {
        po_mat *W = po_mat_alloc(n, n);
        if (!W) return po_error(PO_ENOMEM, "diagnose: cannot allocate a %zu x %zu refit", n, n);
        st = po_dg_gram_fit(J->g, idx, n, J->opts->alpha, J->opts->rho, W, NULL);
        if (st == PO_OK) st = po_dg_summarise(W, &sum);
        po_mat_free(W);
    } else {
        const po_mat *Y = J->Y;
        po_mat *Ys = po_mat_alloc(Y->rows, n);
        if (!Ys) return po_error(PO_ENOMEM, "diagnose: cannot allocate a %zu x %zu subset",
                                 Y->rows, n);
        for (size_t t = 0; t < Y->rows; t++)
            for (size_t j = 0; j < n; j++) PO_MAT_AT(Ys, t, j) = PO_MAT_AT(Y, t, idx[j]);
        /* A subset smaller than K neurons cannot carry K orthonormal
         * emission columns: it gets K = n latents. */
        size_t K = J->opts->latents < n ? J->opts->latents : n;
        st = po_dg_lds_refit(Ys, J->U, J->opts, K, &sum);
        po_mat_free(Ys);
    }
    if (st != PO_OK) return st;
    dg->las_sub[s] = sum.las;
    dg->tau1_sub[s] = sum.tau1;
    dg->lambda1_sub[s] = sum.lambda1;
    return PO_OK;
}

static void sub_done(void *arg, size_t done, size_t n)
{
    (void)n;
    const sub_job *J = arg;
    if (J->pr->fn) J->pr->fn(J->pr->user, J->pr->offset + done, J->pr->total);
}

/* Mean, SEM (sample sd / sqrt(n), 0 for n = 1), median of tau and mean of
 * lambda_1 of fraction k's refits. */
static void fraction_stats(po_diagnose *dg, size_t k, size_t n, double *scratch)
{
    const double *las = dg->las_sub + k * dg->subsets, *tau = dg->tau1_sub + k * dg->subsets,
                 *lam = dg->lambda1_sub + k * dg->subsets;
    double m = 0.0, ml = 0.0, ss = 0.0;
    for (size_t i = 0; i < n; i++) {
        m += las[i];
        ml += lam[i];
    }
    m /= (double)n;
    for (size_t i = 0; i < n; i++) ss += (las[i] - m) * (las[i] - m);
    dg->las_mean[k] = m;
    dg->las_sem[k] = n > 1 ? sqrt(ss / (double)(n - 1)) / sqrt((double)n) : 0.0;
    dg->lambda1_re_mean[k] = ml / (double)n;
    memcpy(scratch, tau, n * sizeof *scratch);
    dg->tau1_median[k] = po_dg_percentile(scratch, n, 50.0);
}

po_status po_dg_subsample_run(po_diagnose *dg, const po_mat *Y, const po_mat *U,
                              const po_dg_gram *g, const size_t *subsets,
                              const po_dg_summary *full, const po_diagnose_opts *opts,
                              po_dg_progress *pr)
{
    size_t nf = dg->n_fractions, R = dg->subsets;
    size_t nref = po_dg_subsample_refits(opts, dg->fractions, nf);
    size_t *slot = malloc((nref + 1) * sizeof *slot);
    double *x = malloc((nref + 1) * sizeof *x), *y = malloc((nref + 1) * sizeof *y);
    double *scratch = malloc(R * sizeof *scratch);
    po_status st = PO_OK;
    if (!slot || !x || !y || !scratch) {
        st = po_error(PO_ENOMEM, "diagnose: cannot allocate the subsampling tables");
        goto done;
    }
    size_t b = 0;
    for (size_t k = 0; k < nf; k++)
        for (size_t r = 0; dg->fractions[k] < 1.0 && r < R; r++) slot[b++] = k * R + r;
    sub_job J = {.dg = dg, .Y = Y, .U = U, .g = g, .idx = subsets, .opts = opts, .slot = slot,
                 .pr = pr};
    st = po_parallel_for_progress(nref, opts->threads, sub_refit, sub_done, &J);
    if (st != PO_OK) goto done;
    pr->offset += nref;

    /* Fraction 1 is the full fit (for LDS its refit with the subsets' iterations),
     * stored across its row; it counts once. */
    size_t n = 0;
    for (size_t k = 0; k < nf; k++) {
        size_t nk = dg->fractions[k] < 1.0 ? R : 1;
        if (nk == 1)
            for (size_t r = 0; r < R; r++) {
                dg->las_sub[k * R + r] = full->las;
                dg->tau1_sub[k * R + r] = full->tau1;
                dg->lambda1_sub[k * R + r] = full->lambda1;
            }
        fraction_stats(dg, k, nk, scratch);
        for (size_t r = 0; r < nk; r++, n++) {
            x[n] = log(dg->fractions[k]);
            y[n] = dg->las_sub[k * R + r];
        }
    }
    po_dg_ols_slope(x, y, n, &dg->trend_slope, dg->trend_ci95);
done:
    free(slot);
    free(x);
    free(y);
    free(scratch);
    return st;
}

void po_dg_ols_slope(const double *x, const double *y, size_t n, double *slope, double ci[2])
{
    double mx = 0.0, my = 0.0;
    for (size_t i = 0; i < n; i++) {
        mx += x[i];
        my += y[i];
    }
    mx /= (double)n;
    my /= (double)n;
    double sxx = 0.0, sxy = 0.0;
    for (size_t i = 0; i < n; i++) {
        sxx += (x[i] - mx) * (x[i] - mx);
        sxy += (x[i] - mx) * (y[i] - my);
    }
    double b = sxy / sxx, a = my - b * mx, sse = 0.0;
    for (size_t i = 0; i < n; i++) {
        double e = y[i] - a - b * x[i];
        sse += e * e;
    }
    double se = sqrt(sse / (double)(n - 2) / sxx);
    double h = po_dg_student_t_quantile(0.975, (double)(n - 2)) * se;
    *slope = b;
    ci[0] = b - h;
    ci[1] = b + h;
}

/* ---- Student's t quantile -------------------------------------------------- */

/* Continued fraction of the regularised incomplete beta function I_x(a, b)
 * (the even/odd terms of its standard expansion, evaluated by the modified
 * Lentz method); converges fast for x < (a + 1) / (a + b + 2). */
static double beta_cf(double a, double b, double x)
{
    const double tiny = 1e-300;
    double c = 1.0, dd = 1.0 - (a + b) * x / (a + 1.0);
    if (fabs(dd) < tiny) dd = tiny;
    dd = 1.0 / dd;
    double f = dd;
    for (int m = 1; m <= 1000; m++) {
        double mm = (double)m;
        for (int odd = 0; odd < 2; odd++) {
            double num = odd ? -(a + mm) * (a + b + mm) * x / ((a + 2 * mm) * (a + 2 * mm + 1))
                             : mm * (b - mm) * x / ((a + 2 * mm - 1) * (a + 2 * mm));
            dd = 1.0 + num * dd;
            if (fabs(dd) < tiny) dd = tiny;
            c = 1.0 + num / c;
            if (fabs(c) < tiny) c = tiny;
            dd = 1.0 / dd;
            f *= c * dd;
            if (odd && fabs(c * dd - 1.0) < 1e-15) return f;
        }
    }
    return f;
}

static double incomplete_beta(double a, double b, double x)
{
    if (x <= 0.0) return 0.0;
    if (x >= 1.0) return 1.0;
    double lfront = lgamma(a + b) - lgamma(a) - lgamma(b) + a * log(x) + b * log1p(-x);
    if (x < (a + 1.0) / (a + b + 2.0)) return exp(lfront) * beta_cf(a, b, x) / a;
    return 1.0 - exp(lfront) * beta_cf(b, a, 1.0 - x) / b;
}

/* P(T > t) for t >= 0: I_{nu / (nu + t^2)}(nu / 2, 1 / 2) / 2. */
static double t_upper_tail(double t, double nu)
{
    return 0.5 * incomplete_beta(0.5 * nu, 0.5, nu / (nu + t * t));
}

double po_dg_student_t_quantile(double p, double nu)
{
    if (!(p > 0.0 && p < 1.0 && nu > 0.0)) return (double)NAN;
    if (p == 0.5) return 0.0;
    if (p < 0.5) return -po_dg_student_t_quantile(1.0 - p, nu);
    double tail = 1.0 - p, lo = 0.0, hi = 1.0;
    while (t_upper_tail(hi, nu) > tail && hi < 1e300) {
        lo = hi;
        hi *= 2.0;
    }
    /* Bisection on the monotone tail until the bracket stops shrinking. */
    for (int i = 0; i < 2000; i++) {
        double mid = 0.5 * (lo + hi);
        if (mid <= lo || mid >= hi) break;
        if (t_upper_tail(mid, nu) > tail) lo = mid;
        else hi = mid;
    }
    return 0.5 * (lo + hi);
}
