/* Latent LDS by Kalman EM (SPEC.md §4.8) at the size of Fig 1 (d = 25 observed,
 * K = 5 latents, T = 5000, one input):
 *   lds_em_iter_d25_K5_T5000       one EM iteration (E-step + M-step), free C
 *   lds_fit200_d25_K5_T5000        po_fit_lds: initialisation + 200 iterations, free C
 *   lds_fit200_orth_d25_K5_T5000   the same with orthonormal C (the paper's model; C only)
 *   lds_fit200_d500_K5_T5000       free C with d = 500 (the sweeps' largest d; C only)
 * The data are a formula bench/np_lds.py evaluates the same way:
 *   s_k(t) = sin(2 pi t / (60 (k + 1)) + k),  u_t = sin(2 pi t / 700),
 *   noise_ti = frac(sin(12.9898 (t d + i) + 78.233) 43758.5453) - 0.5,
 *   y_ti = sum_k cos(0.7 i + 1.3 k) s_k(t) + 0.3 (i mod 3) u_t + noise_ti.
 *
 * Usage: bench_lds [runs]   (default 5)
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "benchutil.h"
#include "fit/lds_internal.h"
#include "partobs/partobs.h"

#define NT 5000
#define NK 5
#define MAX_RUNS 32

static const double two_pi = 6.283185307179586;

static void make_data(size_t d, po_mat **Y, po_mat **U)
{
    *Y = po_mat_alloc(NT, d);
    *U = po_mat_alloc(NT, 1);
    if (!*Y || !*U) exit(1);
    for (size_t t = 0; t < NT; t++) {
        double tt = (double)t, u = sin(two_pi * tt / 700.0), s[NK];
        PO_MAT_AT(*U, t, 0) = u;
        for (size_t k = 0; k < NK; k++) s[k] = sin(two_pi * tt / (60.0 * (double)(k + 1)) + (double)k);
        for (size_t i = 0; i < d; i++) {
            double h = sin(12.9898 * (double)(t * d + i) + 78.233) * 43758.5453;
            double v = h - floor(h) - 0.5 + 0.3 * (double)(i % 3) * u;
            for (size_t k = 0; k < NK; k++) v += cos(0.7 * (double)i + 1.3 * (double)k) * s[k];
            PO_MAT_AT(*Y, t, i) = v;
        }
    }
}

static void fail(void)
{
    fprintf(stderr, "bench_lds: %s\n", po_errmsg());
    exit(1);
}

/* Median seconds of one EM iteration from the initial parameters. */
static void em_iteration(const po_mat *Y, const po_mat *U, size_t runs)
{
    size_t d = Y->cols;
    po_lds_opts o = po_lds_opts_defaults();
    o.emissions = PO_LDS_FREE;
    o.iters = 0;
    po_lds *p = NULL;
    if (po_fit_lds(Y, U, &o, &p, NULL) != PO_OK) fail();
    lds_work *w = lds_work_alloc(NT, d, NK, 1);
    double *mean_y = calloc(d, sizeof *mean_y), *var_y = calloc(d, sizeof *var_y), t[MAX_RUNS],
           ll = 0.0;
    for (size_t s = 0; s < NT; s++)
        for (size_t i = 0; i < d; i++) mean_y[i] += PO_MAT_AT(Y, s, i) / NT;
    for (size_t s = 0; s < NT; s++)
        for (size_t i = 0; i < d; i++)
            var_y[i] += (PO_MAT_AT(Y, s, i) - mean_y[i]) * (PO_MAT_AT(Y, s, i) - mean_y[i]) / NT;
    for (size_t r = 0; r < runs; r++) {
        double t0 = po_bench_now();
        if (lds_estep(p, Y, U, w, true, &ll) != PO_OK) fail();
        if (lds_mstep(p, Y, U, &o, w, mean_y, var_y, r + 1) != PO_OK) fail();
        t[r] = po_bench_now() - t0;
    }
    printf("one EM iteration: log-likelihood %.10g, filter steady from t = %zu, smoother reused "
           "%zu of %d steps\n",
           ll, w->steady_filter, w->steady_smooth, NT - 1);
    po_bench_report("lds_em_iter_d25_K5_T5000", t, runs);
    free(mean_y);
    free(var_y);
    lds_work_free(w);
    po_lds_free(p);
}

static void fit200(const po_mat *Y, const po_mat *U, po_lds_emissions e, const char *name,
                   size_t runs)
{
    po_lds_opts o = po_lds_opts_defaults();
    o.emissions = e;
    po_lds_info info = {0};
    double t[MAX_RUNS];
    for (size_t r = 0; r < runs; r++) {
        po_lds *p = NULL;
        double t0 = po_bench_now();
        if (po_fit_lds(Y, U, &o, &p, &info) != PO_OK) fail();
        t[r] = po_bench_now() - t0;
        po_lds_free(p);
    }
    printf("%s: %zu iterations, log-likelihood %.10g\n", name, info.iters, info.loglik);
    po_bench_report(name, t, runs);
}

int main(int argc, char **argv)
{
    size_t runs = argc > 1 ? (size_t)atoi(argv[1]) : 5;
    if (runs < 1 || runs > MAX_RUNS) runs = 5;
    po_blas_set_threads(1); /* as the partobs CLI does (the thin LDS products) */
    printf("BLAS threads %d\n", po_blas_threads());
    po_mat *Y = NULL, *U = NULL;
    make_data(25, &Y, &U);
    em_iteration(Y, U, runs);
    fit200(Y, U, PO_LDS_FREE, "lds_fit200_d25_K5_T5000", runs);
    fit200(Y, U, PO_LDS_ORTHONORMAL, "lds_fit200_orth_d25_K5_T5000", runs);
    po_mat_free(Y);
    po_mat_free(U);
    make_data(500, &Y, &U);
    fit200(Y, U, PO_LDS_FREE, "lds_fit200_d500_K5_T5000", runs < 3 ? runs : 3);
    po_mat_free(Y);
    po_mat_free(U);
    return 0;
}
