/* Latent LDS by Kalman EM (SPEC.md §4.8, fit.h): the filter/smoother against
 * the brute-force joint Gaussian, steady-state reuse against the full
 * recursion, EM monotonicity for every variant, C^T C = I, recovery of known
 * eigenvalues, the A_cont identity, determinism and every error path. */
#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fit/lds_internal.h"
#include "linalg/linalg.h"
#include "harness.h"

/* ---- helpers ---------------------------------------------------------------- */

static bool errmsg_has(const char *what) { return strstr(po_errmsg(), what) != NULL; }

/* A random stable model: A = 0.9 Q0 diag(..) scaled, C Gaussian, noises in
 * [0.3, 1.3], Sigma0 = 0.5 I + 0.2 11^T, everything else Gaussian. */
static po_lds *random_model(size_t K, size_t d, size_t m, uint64_t seed)
{
    po_lds *p = po_lds_alloc(K, d, m);
    po_rng rng;
    po_rng_init(&rng, seed, PO_STREAM_CONNECTIVITY);
    po_rng_fill_normal(&rng, p->A->data, K * K, 1, 0.6 / sqrt((double)K));
    po_rng_fill_normal(&rng, p->C->data, d * K, 1, 1.0);
    if (m) {
        po_rng_fill_normal(&rng, p->V->data, K * m, 1, 0.5);
        po_rng_fill_normal(&rng, p->F->data, d * m, 1, 0.5);
    }
    po_rng_fill_normal(&rng, p->b, K, 1, 0.3);
    po_rng_fill_normal(&rng, p->offset, d, 1, 1.0);
    po_rng_fill_normal(&rng, p->mu0, K, 1, 1.0);
    for (size_t k = 0; k < K; k++) p->q[k] = 0.3 + po_rng_uniform(&rng);
    for (size_t i = 0; i < d; i++) p->r[i] = 0.3 + po_rng_uniform(&rng);
    for (size_t k = 0; k < K; k++)
        for (size_t l = 0; l < K; l++) PO_MAT_AT(p->Sigma0, k, l) = (k == l ? 0.5 : 0.0) + 0.2;
    return p;
}

/* T x m inputs: a smooth signal plus noise. */
static po_mat *make_inputs(size_t T, size_t m, uint64_t seed)
{
    po_mat *U = po_mat_alloc(T, m);
    po_rng rng;
    po_rng_init(&rng, seed, PO_STREAM_INPUT);
    for (size_t t = 0; t < T; t++)
        for (size_t j = 0; j < m; j++)
            PO_MAT_AT(U, t, j) = sin(0.05 * (double)(t * (j + 1))) + 0.3 * po_rng_normal(&rng);
    return U;
}

/* Sample Y (T x d) from the model. */
static po_mat *simulate(const po_lds *p, const po_mat *U, size_t T, uint64_t seed)
{
    size_t K = p->K, d = p->d, m = p->m;
    po_mat *Y = po_mat_alloc(T, d);
    double *x = calloc(K, sizeof *x), *xn = calloc(K, sizeof *xn);
    po_rng rng;
    po_rng_init(&rng, seed, PO_STREAM_PROCESS_NOISE);
    /* x_0 ~ N(mu0, Sigma0) via its Cholesky factor */
    double *L = malloc(K * K * sizeof *L), *z = malloc(K * sizeof *z);
    memcpy(L, p->Sigma0->data, K * K * sizeof *L);
    CHECK(lds_chol(L, K, K));
    for (size_t k = 0; k < K; k++) z[k] = po_rng_normal(&rng);
    for (size_t k = 0; k < K; k++) {
        x[k] = p->mu0[k];
        for (size_t l = 0; l <= k; l++) x[k] += L[k * K + l] * z[l];
    }
    for (size_t t = 0; t < T; t++) {
        if (t > 0) {
            for (size_t k = 0; k < K; k++) {
                double v = p->b[k] + sqrt(p->q[k]) * po_rng_normal(&rng);
                for (size_t l = 0; l < K; l++) v += PO_MAT_AT(p->A, k, l) * x[l];
                for (size_t j = 0; j < m; j++) v += PO_MAT_AT(p->V, k, j) * PO_MAT_AT(U, t, j);
                xn[k] = v;
            }
            memcpy(x, xn, K * sizeof *x);
        }
        for (size_t i = 0; i < d; i++) {
            double v = p->offset[i] + sqrt(p->r[i]) * po_rng_normal(&rng);
            for (size_t k = 0; k < K; k++) v += PO_MAT_AT(p->C, i, k) * x[k];
            for (size_t j = 0; j < m; j++) v += PO_MAT_AT(p->F, i, j) * PO_MAT_AT(U, t, j);
            PO_MAT_AT(Y, t, i) = v;
        }
    }
    free(x);
    free(xn);
    free(L);
    free(z);
    return Y;
}

/* ---- (a) brute force: the joint Gaussian of (x_0..x_{T-1}, y_0..y_{T-1}) ---- */

/* log p(Y) and E[x | Y] from the joint Gaussian, with a Cholesky of the
 * Td x Td covariance of y. */
static double brute_force(const po_lds *p, const po_mat *Y, const po_mat *U, double *xhat)
{
    size_t T = Y->rows, K = p->K, d = p->d, m = p->m, nx = T * K, ny = T * d;
    double *mx = calloc(nx, sizeof *mx), *Pt = calloc(T * K * K, sizeof *Pt);
    double *cxx = calloc(nx * nx, sizeof *cxx), *syy = calloc(ny * ny, sizeof *syy);
    double *sxy = calloc(nx * ny, sizeof *sxy), *e = calloc(ny, sizeof *e);
    /* means and marginal covariances */
    for (size_t t = 0; t < T; t++)
        for (size_t k = 0; k < K; k++) {
            double v;
            if (t == 0) v = p->mu0[k];
            else {
                v = p->b[k];
                for (size_t l = 0; l < K; l++) v += PO_MAT_AT(p->A, k, l) * mx[(t - 1) * K + l];
                for (size_t j = 0; j < m; j++) v += PO_MAT_AT(p->V, k, j) * PO_MAT_AT(U, t, j);
            }
            mx[t * K + k] = v;
        }
    memcpy(Pt, p->Sigma0->data, K * K * sizeof *Pt);
    for (size_t t = 1; t < T; t++) {
        const double *P0 = Pt + (t - 1) * K * K;
        double *P1 = Pt + t * K * K;
        for (size_t i = 0; i < K; i++)
            for (size_t j = 0; j < K; j++) {
                double v = i == j ? p->q[i] : 0.0;
                for (size_t a = 0; a < K; a++)
                    for (size_t b = 0; b < K; b++)
                        v += PO_MAT_AT(p->A, i, a) * P0[a * K + b] * PO_MAT_AT(p->A, j, b);
                P1[i * K + j] = v;
            }
    }
    /* Cov(x_s, x_t) = A^{s-t} P_t for s >= t */
    for (size_t t = 0; t < T; t++) {
        double *blk = malloc(K * K * sizeof *blk), *nb = malloc(K * K * sizeof *nb);
        memcpy(blk, Pt + t * K * K, K * K * sizeof *blk);
        for (size_t s = t; s < T; s++) {
            for (size_t i = 0; i < K; i++)
                for (size_t j = 0; j < K; j++) {
                    cxx[(s * K + i) * nx + t * K + j] = blk[i * K + j];
                    cxx[(t * K + j) * nx + s * K + i] = blk[i * K + j];
                }
            for (size_t i = 0; i < K; i++)
                for (size_t j = 0; j < K; j++) {
                    double v = 0.0;
                    for (size_t a = 0; a < K; a++) v += PO_MAT_AT(p->A, i, a) * blk[a * K + j];
                    nb[i * K + j] = v;
                }
            memcpy(blk, nb, K * K * sizeof *blk);
        }
        free(blk);
        free(nb);
    }
    /* Sxy = Cxx (I kron C^T), Syy = (I kron C) Cxx (I kron C^T) + I kron R */
    for (size_t a = 0; a < nx; a++)
        for (size_t t = 0; t < T; t++)
            for (size_t i = 0; i < d; i++) {
                double v = 0.0;
                for (size_t k = 0; k < K; k++) v += cxx[a * nx + t * K + k] * PO_MAT_AT(p->C, i, k);
                sxy[a * ny + t * d + i] = v;
            }
    for (size_t s = 0; s < T; s++)
        for (size_t i = 0; i < d; i++)
            for (size_t b = 0; b < ny; b++) {
                double v = 0.0;
                for (size_t k = 0; k < K; k++) v += PO_MAT_AT(p->C, i, k) * sxy[(s * K + k) * ny + b];
                syy[(s * d + i) * ny + b] = v + (s * d + i == b ? p->r[i] : 0.0);
            }
    for (size_t t = 0; t < T; t++)
        for (size_t i = 0; i < d; i++) {
            double v = PO_MAT_AT(Y, t, i) - p->offset[i];
            for (size_t k = 0; k < K; k++) v -= PO_MAT_AT(p->C, i, k) * mx[t * K + k];
            for (size_t j = 0; j < m; j++) v -= PO_MAT_AT(p->F, i, j) * PO_MAT_AT(U, t, j);
            e[t * d + i] = v;
        }
    CHECK(lds_chol(syy, ny, ny));
    double logdet = 0.0;
    for (size_t i = 0; i < ny; i++) logdet += 2.0 * log(syy[i * ny + i]);
    double *sol = malloc(ny * sizeof *sol);
    memcpy(sol, e, ny * sizeof *sol);
    lds_chol_solve_right(syy, ny, ny, sol, 1, ny); /* Syy^{-1} e */
    double quad = 0.0;
    for (size_t i = 0; i < ny; i++) quad += e[i] * sol[i];
    for (size_t a = 0; a < nx; a++) {
        double v = mx[a];
        for (size_t b = 0; b < ny; b++) v += sxy[a * ny + b] * sol[b];
        xhat[a] = v;
    }
    double ll = -0.5 * ((double)ny * 1.8378770664093454836 + logdet + quad);
    free(mx);
    free(Pt);
    free(cxx);
    free(syy);
    free(sxy);
    free(e);
    free(sol);
    return ll;
}

static void check_brute_force(size_t m)
{
    size_t T = 10, K = 2, d = 3;
    po_lds *p = random_model(K, d, m, 11 + m);
    po_mat *U = m ? make_inputs(T, m, 4) : NULL;
    po_mat *Y = simulate(p, U, T, 5 + m);
    double *want = calloc(T * K, sizeof *want);
    double ll_want = brute_force(p, Y, U, want);
    for (int steady = 0; steady <= 1; steady++) {
        po_mat *X = po_mat_alloc(T, K);
        double ll = 0.0;
        CHECK_OK(lds_smooth_ex(p, Y, U, X, &ll, steady != 0));
        CHECK_CLOSE(ll, ll_want, 1e-12, 0.0);
        CHECK_ALLCLOSE(X->data, want, T * K, 1e-11, 1e-12);
        po_mat_free(X);
    }
    /* the public entry point, log-likelihood only */
    double ll = 0.0;
    CHECK_OK(po_lds_smooth(p, Y, U, NULL, &ll));
    CHECK_CLOSE(ll, ll_want, 1e-12, 0.0);
    free(want);
    po_mat_free(Y);
    po_mat_free(U);
    po_lds_free(p);
}

static void test_brute_force(void) { check_brute_force(0); }
static void test_brute_force_input(void) { check_brute_force(1); }

/* ---- (e) steady-state reuse equals the full recursion ---------------------------- */

static void test_steady_state(void)
{
    size_t T = 3000, K = 3, d = 6;
    po_lds *p = random_model(K, d, 1, 21);
    po_mat *U = make_inputs(T, 1, 22);
    po_mat *Y = simulate(p, U, T, 23);
    double ll[2];
    po_mat *X[2];
    size_t ss[2], reused[2];
    for (int s = 0; s < 2; s++) {
        lds_work *w = lds_work_alloc(T, d, K, 1);
        CHECK_OK(lds_estep(p, Y, U, w, s == 1, &ll[s]));
        X[s] = po_mat_alloc(T, K);
        for (size_t t = 0; t < T; t++) memcpy(X[s]->data + t * K, w->wm + t * w->n, K * sizeof(double));
        ss[s] = w->steady_filter;
        reused[s] = w->steady_smooth;
        lds_work_free(w);
    }
    /* the full recursion never reuses; the steady path reuses most steps */
    CHECK(ss[0] == T && reused[0] == 0);
    CHECK(ss[1] < 200 && reused[1] > T - 400);
    CHECK_CLOSE(ll[1], ll[0], 1e-12, 0.0);
    CHECK_MAT_CLOSE(X[1], X[0], 1e-12, 1e-12);
    po_mat_free(X[0]);
    po_mat_free(X[1]);
    po_mat_free(Y);
    po_mat_free(U);
    po_lds_free(p);
}

/* ---- (b), (c) EM monotone; orthonormal C ---------------------------------------- */

static double max_ctc_error(const po_mat *C)
{
    double e = 0.0;
    for (size_t k = 0; k < C->cols; k++)
        for (size_t l = 0; l < C->cols; l++) {
            double acc = 0.0;
            for (size_t i = 0; i < C->rows; i++) acc += PO_MAT_AT(C, i, k) * PO_MAT_AT(C, i, l);
            e = fmax(e, fabs(acc - (k == l ? 1.0 : 0.0)));
        }
    return e;
}

static void test_em_monotone(void)
{
    size_t T = 400, K = 3, d = 7, iters = 50;
    po_lds *truth = random_model(2, d, 1, 31);
    po_mat *U = make_inputs(T, 1, 32);
    po_mat *Y = simulate(truth, U, T, 33);
    double *trace = malloc((iters + 1) * sizeof *trace);
    for (int e = 0; e < 2; e++)
        for (int in = 0; in < 2; in++)
            for (int init = 0; init < 2; init++) {
                po_lds_opts o = po_lds_opts_defaults();
                o.latents = K;
                o.iters = iters;
                o.emissions = e ? PO_LDS_ORTHONORMAL : PO_LDS_FREE;
                o.init = init ? PO_LDS_INIT_RANDOM : PO_LDS_INIT_PCA;
                po_lds_info info = {0};
                info.loglik_trace = trace;
                po_lds *fit = NULL;
                CHECK_OK(po_fit_lds(Y, in ? U : NULL, &o, &fit, &info));
                if (!fit) continue;
                CHECK(info.iters == iters && !info.converged);
                CHECK(info.loglik == trace[iters]);
                size_t bad = 0;
                for (size_t k = 1; k <= iters; k++)
                    if (!(trace[k] >= trace[k - 1] - 1e-9 * fabs(trace[k]))) bad++;
                CHECK(bad == 0);
                CHECK(trace[iters] > trace[0]);
                if (bad)
                    po_test_fail(__FILE__, __LINE__, "emissions %d input %d init %d: %zu decreases",
                                 e, in, init, bad);
                if (e) CHECK(max_ctc_error(fit->C) < 1e-12);
                CHECK((fit->V != NULL) == (in != 0) && fit->m == (size_t)in);
                /* the returned model's log-likelihood */
                double ll = 0.0;
                CHECK_OK(po_lds_smooth(fit, Y, in ? U : NULL, NULL, &ll));
                CHECK_CLOSE(ll, info.loglik, 1e-13, 0.0);
                po_lds_free(fit);
            }
    free(trace);
    po_mat_free(Y);
    po_mat_free(U);
    po_lds_free(truth);
}

/* tol stops early; the trace after the stop is NaN; same bits on a rerun */
static void test_tol_and_determinism(void)
{
    size_t T = 300, d = 5, iters = 200;
    po_lds *truth = random_model(2, d, 0, 41);
    po_mat *Y = simulate(truth, NULL, T, 42);
    double *trace = malloc((iters + 1) * sizeof *trace);
    po_lds_opts o = po_lds_opts_defaults();
    o.latents = 2;
    o.iters = iters;
    o.tol = 1e-6;
    o.init = PO_LDS_INIT_RANDOM;
    po_lds_info info = {0};
    info.loglik_trace = trace;
    po_lds *a = NULL, *b = NULL;
    CHECK_OK(po_fit_lds(Y, NULL, &o, &a, &info));
    CHECK(info.converged && info.iters < iters && info.iters > 0);
    CHECK(trace[info.iters] - trace[info.iters - 1] < 1e-6 * fabs(trace[info.iters]));
    CHECK(isnan(trace[iters]));
    CHECK_OK(po_fit_lds(Y, NULL, &o, &b, NULL));
    if (a && b) {
        CHECK(memcmp(a->A->data, b->A->data, 4 * sizeof(double)) == 0);
        CHECK(memcmp(a->C->data, b->C->data, d * 2 * sizeof(double)) == 0);
        CHECK(memcmp(a->r, b->r, d * sizeof(double)) == 0);
    }
    po_lds_free(b);
    /* another seed, another random start */
    o.seed = 7;
    CHECK_OK(po_fit_lds(Y, NULL, &o, &b, NULL));
    if (a && b) CHECK(memcmp(a->C->data, b->C->data, d * 2 * sizeof(double)) != 0);
    po_lds_free(a);
    po_lds_free(b);
    free(trace);
    po_mat_free(Y);
    po_lds_free(truth);
}

/* PCA init: C is the leading right singular vectors of the centred Y with
 * the sign rule; with 0 iterations the returned C is that start. */
static void test_pca_init(void)
{
    size_t T = 200, d = 4;
    po_lds *truth = random_model(2, d, 0, 51);
    po_mat *Y = simulate(truth, NULL, T, 52);
    po_lds_opts o = po_lds_opts_defaults();
    o.latents = 2;
    o.iters = 0;
    po_lds *fit = NULL;
    po_lds_info info = {0};
    CHECK_OK(po_fit_lds(Y, NULL, &o, &fit, &info));
    po_pca *pca = NULL;
    CHECK_OK(po_pca_fit(Y, 2, &pca));
    if (fit && pca) {
        CHECK(info.iters == 0);
        for (size_t k = 0; k < 2; k++)
            for (size_t i = 0; i < d; i++)
                CHECK_CLOSE(PO_MAT_AT(fit->C, i, k), PO_MAT_AT(&pca->comps, k, i), 1e-10, 1e-12);
        CHECK_ALLCLOSE(fit->offset, pca->mean, d, 1e-14, 1e-14);
        CHECK(max_ctc_error(fit->C) < 1e-12);
    }
    po_pca_free(pca);
    po_lds_free(fit);
    po_mat_free(Y);
    po_lds_free(truth);
}

/* ---- (d) recovery of known eigenvalues ----------------------------------------- */

static void eig2(const po_mat *A, double *re, double *im)
{
    double a = PO_MAT_AT(A, 0, 0), b = PO_MAT_AT(A, 0, 1), c = PO_MAT_AT(A, 1, 0),
           dd = PO_MAT_AT(A, 1, 1);
    double tr = a + dd, det = a * dd - b * c, disc = tr * tr / 4.0 - det;
    if (disc >= 0.0) {
        re[0] = tr / 2.0 + sqrt(disc);
        re[1] = tr / 2.0 - sqrt(disc);
        im[0] = im[1] = 0.0;
    } else {
        re[0] = re[1] = tr / 2.0;
        im[0] = sqrt(-disc);
        im[1] = -im[0];
    }
}

static void test_recovery(void)
{
    /* A = S diag(0.99, 0.9) S^{-1}, S = [[1, 0.5], [0, 1]]; d = 10, T = 20000 */
    size_t T = 20000, d = 10;
    po_lds *truth = random_model(2, d, 0, 61);
    double s01 = 0.5, l1 = 0.99, l2 = 0.9;
    /* S diag S^{-1} with S^{-1} = [[1, -0.5], [0, 1]] */
    PO_MAT_AT(truth->A, 0, 0) = l1;
    PO_MAT_AT(truth->A, 0, 1) = -l1 * s01 + s01 * l2;
    PO_MAT_AT(truth->A, 1, 0) = 0.0;
    PO_MAT_AT(truth->A, 1, 1) = l2;
    truth->q[0] = truth->q[1] = 0.1;
    truth->b[0] = truth->b[1] = 0.0;
    for (size_t i = 0; i < d; i++) truth->r[i] = 0.5;
    po_mat *Y = simulate(truth, NULL, T, 62);
    for (int e = 0; e < 2; e++) {
        po_lds_opts o = po_lds_opts_defaults();
        o.latents = 2;
        o.iters = 25;
        o.emissions = e ? PO_LDS_ORTHONORMAL : PO_LDS_FREE;
        po_lds *fit = NULL;
        CHECK_OK(po_fit_lds(Y, NULL, &o, &fit, NULL));
        if (!fit) continue;
        double re[2], im[2];
        eig2(fit->A, re, im);
        /* Stated tolerance: 0.005 on the slow and 0.03 on the fast eigenvalue
         * (sampling error at T = 20000 is ~0.002 and ~0.01). */
        printf("recovery %d: %.5f %.5f (im %g)\n", e, re[0], re[1], im[0]);
        CHECK(im[0] == 0.0);
        CHECK_CLOSE(re[0], l1, 0.0, 0.005);
        CHECK_CLOSE(re[1], l2, 0.0, 0.03);
        po_lds_free(fit);
    }
    po_mat_free(Y);
    po_lds_free(truth);
}

/* ---- (f) A_cont ------------------------------------------------------------------ */

static void test_continuous(void)
{
    po_lds *p = po_lds_alloc(2, 3, 0);
    double a[4] = {0.995, 0.02, -0.01, 0.9};
    memcpy(p->A->data, a, sizeof a);
    po_mat *Ac = po_mat_alloc(2, 2);
    CHECK_OK(po_lds_continuous(p, 0.01, Ac));
    CHECK_CLOSE(PO_MAT_AT(Ac, 0, 0), 0.5, 1e-12, 0.0);   /* (0.995 - 0.99) / 0.01 */
    CHECK_CLOSE(PO_MAT_AT(Ac, 0, 1), 2.0, 1e-12, 0.0);
    CHECK_CLOSE(PO_MAT_AT(Ac, 1, 0), -1.0, 1e-12, 0.0);
    CHECK_CLOSE(PO_MAT_AT(Ac, 1, 1), -9.0, 1e-12, 0.0);  /* (0.9 - 0.99) / 0.01 */
    /* alpha = 1: A_cont = A */
    CHECK_OK(po_lds_continuous(p, 1.0, Ac));
    CHECK_ALLCLOSE(Ac->data, a, 4, 0.0, 0.0);
    /* tau of A_cont: an eigenvalue lambda of A maps to 1 - (1 - lambda)/alpha */
    CHECK_STATUS(po_lds_continuous(p, 0.0, Ac), PO_EINVAL);
    CHECK_STATUS(po_lds_continuous(p, 1.5, Ac), PO_EINVAL);
    CHECK_STATUS(po_lds_continuous(NULL, 0.1, Ac), PO_EINVAL);
    po_mat *bad = po_mat_alloc(3, 3);
    CHECK_STATUS(po_lds_continuous(p, 0.1, bad), PO_ESHAPE);
    po_mat_free(bad);
    po_mat_free(Ac);
    po_lds_free(p);
}

/* ---- (g) options, names, errors ------------------------------------------------ */

static void test_opts_and_names(void)
{
    po_lds_opts o = po_lds_opts_defaults();
    CHECK(o.latents == 5 && o.emissions == PO_LDS_ORTHONORMAL && o.init == PO_LDS_INIT_PCA);
    CHECK(o.iters == 200 && o.tol == 0.0 && o.stiefel_iters == 100 && o.alpha == 0.01);
    CHECK(o.seed == PO_DEFAULT_SEED && o.progress == NULL);
    CHECK(po_lds_opts_check(&o) == NULL);
    CHECK(po_lds_opts_check(NULL) != NULL);
    po_lds_opts b = o;
    b.latents = 0;
    CHECK(po_lds_opts_check(&b) && strstr(po_lds_opts_check(&b), "latents"));
    b = o;
    b.tol = -1.0;
    CHECK(po_lds_opts_check(&b) && strstr(po_lds_opts_check(&b), "tol"));
    b = o;
    b.tol = (double)NAN;
    CHECK(po_lds_opts_check(&b) != NULL);
    b = o;
    b.alpha = 0.0;
    CHECK(po_lds_opts_check(&b) && strstr(po_lds_opts_check(&b), "alpha"));
    b = o;
    b.stiefel_iters = 0;
    CHECK(po_lds_opts_check(&b) && strstr(po_lds_opts_check(&b), "stiefel"));
    b = o;
    b.emissions = (po_lds_emissions)7;
    CHECK(po_lds_opts_check(&b) && strstr(po_lds_opts_check(&b), "emissions"));
    b = o;
    b.init = (po_lds_init)7;
    CHECK(po_lds_opts_check(&b) && strstr(po_lds_opts_check(&b), "init"));
    po_lds_emissions e;
    CHECK_OK(po_lds_emissions_from_name("free", &e));
    CHECK(e == PO_LDS_FREE && strcmp(po_lds_emissions_name(e), "free") == 0);
    CHECK_OK(po_lds_emissions_from_name("orthonormal", &e));
    CHECK(e == PO_LDS_ORTHONORMAL && strcmp(po_lds_emissions_name(e), "orthonormal") == 0);
    CHECK_STATUS(po_lds_emissions_from_name("orthogonal", &e), PO_EINVAL);
    CHECK(errmsg_has("orthogonal"));
    po_lds_init i;
    CHECK_OK(po_lds_init_from_name("pca", &i));
    CHECK(i == PO_LDS_INIT_PCA && strcmp(po_lds_init_name(i), "pca") == 0);
    CHECK_OK(po_lds_init_from_name("random", &i));
    CHECK(i == PO_LDS_INIT_RANDOM && strcmp(po_lds_init_name(i), "random") == 0);
    CHECK_STATUS(po_lds_init_from_name("svd", &i), PO_EINVAL);
    CHECK_STATUS(po_lds_init_from_name(NULL, &i), PO_EINVAL);
}

static void test_errors(void)
{
    size_t T = 50, d = 4;
    po_lds *truth = random_model(2, d, 0, 71);
    po_mat *Y = simulate(truth, NULL, T, 72);
    po_mat *U = make_inputs(T, 1, 73);
    po_lds_opts o = po_lds_opts_defaults();
    o.latents = 2;
    o.iters = 3;
    po_lds *fit = NULL;
    CHECK_STATUS(po_fit_lds(NULL, NULL, &o, &fit, NULL), PO_EINVAL);
    CHECK_STATUS(po_fit_lds(Y, NULL, NULL, &fit, NULL), PO_EINVAL);
    CHECK_STATUS(po_fit_lds(Y, NULL, &o, NULL, NULL), PO_EINVAL);
    /* latents > d */
    o.latents = 5;
    CHECK_STATUS(po_fit_lds(Y, NULL, &o, &fit, NULL), PO_EINVAL);
    CHECK(errmsg_has("latents (5) exceed the observed dimension d = 4") && fit == NULL);
    o.latents = 2;
    /* invalid options */
    o.tol = -1.0;
    CHECK_STATUS(po_fit_lds(Y, NULL, &o, &fit, NULL), PO_EINVAL);
    CHECK(errmsg_has("tol"));
    o.tol = 0.0;
    /* T < 2 */
    po_mat one = po_mat_block(Y, 0, 0, 1, d);
    CHECK_STATUS(po_fit_lds(&one, NULL, &o, &fit, NULL), PO_ESHAPE);
    /* U rows != T */
    po_mat ushort = po_mat_block(U, 0, 0, T - 1, 1);
    CHECK_STATUS(po_fit_lds(Y, &ushort, &o, &fit, NULL), PO_ESHAPE);
    CHECK(errmsg_has("rows"));
    /* NaN in Y, Inf in U */
    double keep = PO_MAT_AT(Y, 7, 2);
    PO_MAT_AT(Y, 7, 2) = (double)NAN;
    CHECK_STATUS(po_fit_lds(Y, NULL, &o, &fit, NULL), PO_ENONFINITE);
    CHECK(errmsg_has("Y"));
    PO_MAT_AT(Y, 7, 2) = keep;
    PO_MAT_AT(U, 3, 0) = (double)INFINITY;
    CHECK_STATUS(po_fit_lds(Y, U, &o, &fit, NULL), PO_ENONFINITE);
    CHECK(errmsg_has("U"));
    PO_MAT_AT(U, 3, 0) = 0.1;
    /* a constant channel: singular innovation covariance */
    po_mat *Yc = po_mat_dup(Y);
    for (size_t t = 0; t < T; t++) PO_MAT_AT(Yc, t, 1) = 3.0;
    CHECK_STATUS(po_fit_lds(Yc, NULL, &o, &fit, NULL), PO_ESINGULAR);
    CHECK(errmsg_has("channel 1") && errmsg_has("constant"));
    /* a constant input column is collinear with the offset */
    po_mat *Uc = po_mat_alloc(T, 1);
    for (size_t t = 0; t < T; t++) PO_MAT_AT(Uc, t, 0) = 2.0;
    CHECK_STATUS(po_fit_lds(Y, Uc, &o, &fit, NULL), PO_ESINGULAR);
    CHECK(fit == NULL);
    /* po_lds_smooth: model/data mismatches and a bad model */
    po_mat *X = po_mat_alloc(T, 2);
    double ll;
    CHECK_STATUS(po_lds_smooth(truth, Y, U, X, &ll), PO_EINVAL); /* U for an input-free model */
    CHECK_STATUS(po_lds_smooth(truth, Yc, NULL, NULL, &ll), PO_OK);
    po_mat ynarrow = po_mat_block(Y, 0, 0, T, 3);
    CHECK_STATUS(po_lds_smooth(truth, &ynarrow, NULL, NULL, &ll), PO_ESHAPE);
    po_mat *Xbad = po_mat_alloc(T, 3);
    CHECK_STATUS(po_lds_smooth(truth, Y, NULL, Xbad, &ll), PO_ESHAPE);
    truth->r[2] = 0.0;
    CHECK_STATUS(po_lds_smooth(truth, Y, NULL, X, &ll), PO_EINVAL);
    truth->r[2] = 1.0;
    PO_MAT_AT(truth->Sigma0, 0, 0) = -1.0;
    CHECK_STATUS(po_lds_smooth(truth, Y, NULL, X, &ll), PO_ESINGULAR);
    PO_MAT_AT(truth->Sigma0, 0, 0) = 0.7;
    PO_MAT_AT(truth->A, 0, 0) = 1e300;
    CHECK(po_lds_smooth(truth, Y, NULL, X, &ll) != PO_OK);
    po_mat_free(Xbad);
    po_mat_free(X);
    po_mat_free(Uc);
    po_mat_free(Yc);
    po_mat_free(U);
    po_mat_free(Y);
    po_lds_free(truth);
}

/* Audit regressions: a constant channel or input whose value is not a binary
 * fraction (0.1, 0.3) leaves rounding-level variances and pivots, not exact
 * zeros; both must still be refused before EM, with the documented message. */
static void test_rounding_level_degeneracy(void)
{
    size_t T = 60, d = 3;
    po_lds *truth = random_model(1, d, 0, 91);
    po_mat *Y = simulate(truth, NULL, T, 92);
    po_lds_opts o = po_lds_opts_defaults();
    o.latents = 1;
    o.iters = 3;
    po_lds *fit = (po_lds *)&o; /* must come back NULL */
    po_mat *Yc = po_mat_dup(Y);
    for (size_t t = 0; t < T; t++) PO_MAT_AT(Yc, t, 2) = 0.1;
    CHECK_STATUS(po_fit_lds(Yc, NULL, &o, &fit, NULL), PO_ESINGULAR);
    CHECK(errmsg_has("channel 2 of Y is constant") && fit == NULL);
    po_mat *Uc = po_mat_alloc(T, 2);
    for (size_t t = 0; t < T; t++) {
        PO_MAT_AT(Uc, t, 0) = 0.3;
        PO_MAT_AT(Uc, t, 1) = (double)(t % 7);
    }
    fit = (po_lds *)&o;
    CHECK_STATUS(po_fit_lds(Y, Uc, &o, &fit, NULL), PO_ESINGULAR);
    CHECK(errmsg_has("collinear") && fit == NULL);
    /* two input columns that are multiples of each other (0.1 x and 0.3 x) */
    for (size_t t = 0; t < T; t++) {
        PO_MAT_AT(Uc, t, 0) = 0.1 * (double)(t % 7);
        PO_MAT_AT(Uc, t, 1) = 0.3 * (double)(t % 7);
    }
    fit = (po_lds *)&o;
    CHECK_STATUS(po_fit_lds(Y, Uc, &o, &fit, NULL), PO_ESINGULAR);
    CHECK(errmsg_has("collinear") && fit == NULL);
    /* a well-posed input still fits */
    for (size_t t = 0; t < T; t++) PO_MAT_AT(Uc, t, 1) = sin(0.37 * (double)t);
    CHECK_OK(po_fit_lds(Y, Uc, &o, &fit, NULL));
    CHECK(fit != NULL);
    po_lds_free(fit);
    po_mat_free(Uc);
    po_mat_free(Yc);
    po_mat_free(Y);
    po_lds_free(truth);
}

/* A diverging model: huge data make the log-likelihood overflow -> PO_EDIVERGED. */
static void test_diverged(void)
{
    po_lds *p = random_model(1, 2, 0, 81);
    po_mat *Y = po_mat_alloc(5, 2);
    for (size_t t = 0; t < 5; t++) {
        PO_MAT_AT(Y, t, 0) = 1e200 * (double)(t % 2);
        PO_MAT_AT(Y, t, 1) = -1e200 * (double)(t % 2);
    }
    double ll = 0.0;
    CHECK_STATUS(po_lds_smooth(p, Y, NULL, NULL, &ll), PO_EDIVERGED);
    CHECK(errmsg_has("not finite"));
    po_mat_free(Y);
    po_lds_free(p);
}

/* ---- the paper's procedure (fit.h "procedure = paper", issue 14) ---------------- */

/* FFBS: over many draws, the mean of x_t is the smoother's E[x_t | Y] and the
 * summed covariances Cov(x_t), Cov(x_{t+1}, x_t) are the smoother's, within
 * 5 Monte-Carlo standard errors (for a sum over t, the sum of the terms'
 * standard errors, which bounds the standard error of the sum whatever the
 * correlation between time steps); with and without the steady-state reuse. */
static void test_ffbs_moments(void)
{
    size_t T = 300, K = 2, d = 3, N = 4000, K2 = K * K;
    po_lds *p = random_model(K, d, 1, 61);
    po_mat *U = make_inputs(T, 1, 62);
    po_mat *Y = simulate(p, U, T, 63);
    double *x = malloc(T * K * sizeof *x), *scr = malloc(lds_ffbs_scratch(K) * sizeof *scr);
    double *s1 = calloc(T * K, sizeof *s1), *s2 = calloc(T * K2, sizeof *s2),
           *sc = calloc(T * K2, sizeof *sc);
    for (int steady = 0; steady < 2; steady++) {
        lds_work *w = lds_work_alloc(T, d, K, 1);
        double ll;
        CHECK_OK(lds_estep(p, Y, U, w, steady == 1, &ll));
        if (steady) CHECK(w->steady_filter < T / 2);
        else CHECK(w->steady_filter == T);
        memset(s1, 0, T * K * sizeof *s1);
        memset(s2, 0, T * K2 * sizeof *s2);
        memset(sc, 0, T * K2 * sizeof *sc);
        po_rng rng;
        po_rng_init(&rng, 64, PO_STREAM_FIT);
        for (size_t r = 0; r < N; r++) {
            CHECK_OK(lds_ffbs(p, w, &rng, x, NULL, scr));
            for (size_t t = 0; t < T; t++)
                for (size_t k = 0; k < K; k++) {
                    s1[t * K + k] += x[t * K + k];
                    for (size_t l = 0; l < K; l++) {
                        s2[t * K2 + k * K + l] += x[t * K + k] * x[t * K + l];
                        if (t + 1 < T) sc[t * K2 + k * K + l] += x[(t + 1) * K + k] * x[t * K + l];
                    }
                }
        }
        double dn = (double)N, mean_bad = 0.0;
        for (size_t t = 0; t < T; t++) /* central moments */
            for (size_t k = 0; k < K; k++) {
                for (size_t l = 0; l < K; l++) {
                    s2[t * K2 + k * K + l] = s2[t * K2 + k * K + l] / dn - s1[t * K + k] * s1[t * K + l] / dn / dn;
                    if (t + 1 < T)
                        sc[t * K2 + k * K + l] = sc[t * K2 + k * K + l] / dn -
                                                 s1[(t + 1) * K + k] * s1[t * K + l] / dn / dn;
                }
            }
        for (size_t t = 0; t < T; t++)
            for (size_t k = 0; k < K; k++) {
                double se = sqrt(s2[t * K2 + k * K + k] / dn);
                double z = fabs(s1[t * K + k] / dn - w->wm[t * w->n + k]) / se;
                mean_bad = fmax(mean_bad, z);
            }
        CHECK(mean_bad < 5.0);
        if (mean_bad >= 5.0) po_test_fail(__FILE__, __LINE__, "mean off by %.2f standard errors", mean_bad);
        for (size_t k = 0; k < K; k++)
            for (size_t l = 0; l < K; l++) {
                double cov = 0.0, cross = 0.0, se_cov = 0.0, se_cross = 0.0;
                for (size_t t = 0; t < T; t++) {
                    const double *c = s2 + t * K2;
                    cov += c[k * K + l];
                    se_cov += sqrt((c[k * K + k] * c[l * K + l] + c[k * K + l] * c[k * K + l]) / dn);
                    if (t + 1 < T) {
                        const double *cn = s2 + (t + 1) * K2, *x1 = sc + t * K2;
                        cross += x1[k * K + l];
                        se_cross += sqrt((cn[k * K + k] * c[l * K + l] + x1[k * K + l] * x1[k * K + l]) / dn);
                    }
                }
                CHECK_CLOSE(cov, w->ps_all[k * K + l], 0.0, 5.0 * se_cov);
                CHECK_CLOSE(cross, w->pcross[k * K + l], 0.0, 5.0 * se_cross);
            }
        lds_work_free(w);
    }
    free(x);
    free(scr);
    free(s1);
    free(s2);
    free(sc);
    po_mat_free(Y);
    po_mat_free(U);
    po_lds_free(p);
}

/* The entropy FFBS reports is that of the joint posterior, whose precision
 * is the block-tridiagonal Lambda of the model: H = (T K log(2 pi e) -
 * log det Lambda) / 2, Lambda from Sigma0, A, Q and C^T R^{-1} C. */
static void test_ffbs_entropy(void)
{
    size_t T = 40, K = 2, d = 3, n = T * K;
    po_lds *p = random_model(K, d, 0, 71);
    po_mat *Y = simulate(p, NULL, T, 72);
    lds_work *w = lds_work_alloc(T, d, K, 0);
    double ll, h = 0.0;
    CHECK_OK(lds_estep(p, Y, NULL, w, true, &ll));
    double *x = malloc(T * K * sizeof *x), *scr = malloc(lds_ffbs_scratch(K) * sizeof *scr);
    po_rng rng;
    po_rng_init(&rng, 73, PO_STREAM_FIT);
    CHECK_OK(lds_ffbs(p, w, &rng, x, &h, scr));
    double *lam = calloc(n * n, sizeof *lam), *s0 = malloc(K * K * sizeof *s0);
    /* Sigma0^{-1} by Cholesky solves of the identity */
    memcpy(s0, p->Sigma0->data, K * K * sizeof *s0);
    CHECK(lds_chol(s0, K, K));
    double *inv = calloc(K * K, sizeof *inv);
    for (size_t k = 0; k < K; k++) inv[k * K + k] = 1.0;
    lds_chol_solve_right(s0, K, K, inv, K, K);
    for (size_t k = 0; k < K; k++)
        for (size_t l = 0; l < K; l++) lam[k * n + l] = inv[k * K + l];
    for (size_t t = 0; t < T; t++)
        for (size_t k = 0; k < K; k++)
            for (size_t l = 0; l < K; l++) {
                double *b = lam + (t * K + k) * n + t * K + l;
                for (size_t i = 0; i < d; i++)
                    *b += PO_MAT_AT(p->C, i, k) * PO_MAT_AT(p->C, i, l) / p->r[i];
                if (t == 0) continue;
                /* (x_t - A x_{t-1})^T Q^{-1} (x_t - A x_{t-1}) */
                if (k == l) *b += 1.0 / p->q[k];
                double aqa = 0.0;
                for (size_t j = 0; j < K; j++)
                    aqa += PO_MAT_AT(p->A, j, k) * PO_MAT_AT(p->A, j, l) / p->q[j];
                lam[((t - 1) * K + k) * n + (t - 1) * K + l] += aqa;
                double qa = -PO_MAT_AT(p->A, k, l) / p->q[k]; /* block (t, t-1) */
                lam[(t * K + k) * n + (t - 1) * K + l] += qa;
                lam[((t - 1) * K + l) * n + t * K + k] += qa;
            }
    CHECK(lds_chol(lam, n, n));
    double logdet = 0.0;
    for (size_t i = 0; i < n; i++) logdet += 2.0 * log(lam[i * n + i]);
    double want = 0.5 * ((double)n * (log(2.0 * 3.14159265358979323846) + 1.0) - logdet);
    CHECK_CLOSE(h, want, 1e-11, 0.0);
    free(lam);
    free(s0);
    free(inv);
    free(x);
    free(scr);
    lds_work_free(w);
    po_mat_free(Y);
    po_lds_free(p);
}

/* Column means and variances (divided by T) of Y. */
static void col_stats(const po_mat *Y, double *mean, double *var)
{
    for (size_t i = 0; i < Y->cols; i++) {
        mean[i] = var[i] = 0.0;
        for (size_t t = 0; t < Y->rows; t++) mean[i] += PO_MAT_AT(Y, t, i);
        mean[i] /= (double)Y->rows;
        for (size_t t = 0; t < Y->rows; t++)
            var[i] += (PO_MAT_AT(Y, t, i) - mean[i]) * (PO_MAT_AT(Y, t, i) - mean[i]);
        var[i] /= (double)Y->rows;
    }
}

/* The posterior's expected emission statistics, the paper's update's
 * input with the draw replaced by the posterior: sww = sum_t E[w_t w_t^T]
 * (smoothed means plus the summed covariance), syw = sum_t (y_t - ybar) E[w_t]^T. */
static void posterior_stats(const po_mat *Y, lds_work *w, const double *mean, double *sww,
                            double *syw)
{
    size_t T = w->T, d = w->d, K = w->K, n = w->n;
    for (size_t a = 0; a < n; a++)
        for (size_t b = 0; b < n; b++) {
            double acc = a < K && b < K ? w->ps_all[a * K + b] : 0.0;
            for (size_t t = 0; t < T; t++) acc += w->wm[t * n + a] * w->wm[t * n + b];
            sww[a * n + b] = acc;
        }
    for (size_t i = 0; i < d; i++)
        for (size_t b = 0; b < n; b++) {
            double acc = 0.0;
            for (size_t t = 0; t < T; t++) acc += (PO_MAT_AT(Y, t, i) - mean[i]) * w->wm[t * n + b];
            syw[i * n + b] = acc;
        }
}

static po_lds *lds_copy(const po_lds *p)
{
    po_lds *c = po_lds_alloc(p->K, p->d, p->m);
    po_mat_copy(c->A, p->A);
    po_mat_copy(c->C, p->C);
    po_mat_copy(c->Sigma0, p->Sigma0);
    if (p->m) {
        po_mat_copy(c->V, p->V);
        po_mat_copy(c->F, p->F);
    }
    memcpy(c->b, p->b, p->K * sizeof *c->b);
    memcpy(c->q, p->q, p->K * sizeof *c->q);
    memcpy(c->mu0, p->mu0, p->K * sizeof *c->mu0);
    memcpy(c->offset, p->offset, p->d * sizeof *c->offset);
    memcpy(c->r, p->r, p->d * sizeof *c->r);
    return c;
}

/* With the draw replaced by the posterior (its expected statistics), the
 * paper's emission update is the exact M-step's:
 *  free C: the closed form [C F d] and r of one exact M-step;
 *  orthonormal C: the exact M-step updates [F d] given C, C by
 *  majorize-minimize given [F d], then r, one block at a time, so its fixed
 *  point (M-steps repeated on the same statistics) is the joint optimum the
 *  L-BFGS reaches in one update. The emission parameters agree; the
 *  constraint C^T C = I holds for both. */
static void test_paper_emissions_match_mstep(void)
{
    size_t T = 400, K = 2, d = 5, m = 1;
    po_lds *truth = random_model(K, d, m, 81);
    po_mat *U = make_inputs(T, m, 82);
    po_mat *Y = simulate(truth, U, T, 83);
    double mean[5], var[5], sww[16], syw[20];
    col_stats(Y, mean, var);
    lbfgs_opts lo = lbfgs_opts_defaults();
    lo.max_iter = 5000;
    lo.gtol = 1e-11;
    lo.ftol = 0.0;
    for (int e = 0; e < 2; e++) {
        po_lds_opts o = po_lds_opts_defaults();
        o.latents = K;
        o.emissions = e ? PO_LDS_ORTHONORMAL : PO_LDS_FREE;
        o.stiefel_iters = 1000;
        /* a start: the initialisation of the exact procedure (orthonormal C) */
        lds_work *w = lds_work_alloc(T, d, K, m);
        po_lds *p = po_lds_alloc(K, d, m);
        CHECK_OK(lds_initialise(Y, U, &o, var, p, w));
        double ll;
        CHECK_OK(lds_estep(p, Y, U, w, true, &ll));
        posterior_stats(Y, w, mean, sww, syw);
        po_lds *exact = lds_copy(p), *paper = lds_copy(p);
        for (int rep = 0; rep < (e ? 400 : 1); rep++)
            CHECK_OK(lds_mstep(exact, Y, U, &o, w, mean, var, 1));
        lbfgs_result r;
        CHECK_OK(lds_paper_emissions(paper, sww, syw, mean, var, T, o.emissions, &lo, &r));
        CHECK(r.gmax < 1e-6); /* converged to rounding: f stops decreasing near 1e-7 */
        CHECK_MAT_CLOSE(paper->C, exact->C, 1e-6, 1e-7);
        CHECK_MAT_CLOSE(paper->F, exact->F, 1e-6, 1e-7);
        CHECK_ALLCLOSE(paper->offset, exact->offset, d, 1e-6, 1e-7);
        CHECK_ALLCLOSE(paper->r, exact->r, d, 1e-6, 0.0);
        if (e) CHECK(max_ctc_error(paper->C) < 1e-13);
        po_lds_free(exact);
        po_lds_free(paper);
        po_lds_free(p);
        lds_work_free(w);
    }
    po_mat_free(Y);
    po_mat_free(U);
    po_lds_free(truth);
}

/* The paper's initialisation (iters = 0): F = least squares of Y on U
 * without intercept, d = the residual's mean, C = its PCA directions, one
 * isotropic r = the discarded variance per dimension (divided by T - 1). */
static void test_paper_init(void)
{
    size_t T = 300, K = 2, d = 5;
    po_lds *truth = random_model(K, d, 1, 91);
    po_mat *U = make_inputs(T, 1, 92);
    po_mat *Y = simulate(truth, U, T, 93);
    po_lds_opts o = po_lds_opts_defaults();
    o.procedure = PO_LDS_PAPER;
    o.latents = K;
    o.iters = 0;
    po_lds *fit = NULL;
    CHECK_OK(po_fit_lds(Y, U, &o, &fit, NULL));
    if (!fit) goto out;
    double uu = 0.0;
    for (size_t t = 0; t < T; t++) uu += PO_MAT_AT(U, t, 0) * PO_MAT_AT(U, t, 0);
    po_mat *E = po_mat_alloc(T, d);
    for (size_t i = 0; i < d; i++) {
        double uy = 0.0, mu = 0.0;
        for (size_t t = 0; t < T; t++) uy += PO_MAT_AT(U, t, 0) * PO_MAT_AT(Y, t, i);
        CHECK_CLOSE(PO_MAT_AT(fit->F, i, 0), uy / uu, 1e-12, 1e-14);
        for (size_t t = 0; t < T; t++) {
            PO_MAT_AT(E, t, i) = PO_MAT_AT(Y, t, i) - uy / uu * PO_MAT_AT(U, t, 0);
            mu += PO_MAT_AT(E, t, i);
        }
        CHECK_CLOSE(fit->offset[i], mu / (double)T, 1e-12, 1e-14);
    }
    po_pca *pca = NULL;
    CHECK_OK(po_pca_fit(E, K, &pca));
    double *sv = malloc(d * sizeof *sv);
    CHECK_OK(po_la_svd(E, sv, NULL, NULL)); /* E is not centred: use PCA's variances */
    if (pca) {
        for (size_t k = 0; k < K; k++)
            for (size_t i = 0; i < d; i++)
                CHECK_CLOSE(fabs(PO_MAT_AT(fit->C, i, k)), fabs(PO_MAT_AT(&pca->comps, k, i)), 1e-9, 1e-12);
        /* noise variance: total variance minus the kept, per discarded dimension */
        double total = 0.0, kept = 0.0;
        for (size_t i = 0; i < d; i++)
            for (size_t t = 0; t < T; t++) {
                double v = PO_MAT_AT(E, t, i) - fit->offset[i];
                total += v * v;
            }
        for (size_t k = 0; k < K; k++) {
            double pk = 0.0;
            for (size_t t = 0; t < T; t++) {
                double z = 0.0;
                for (size_t i = 0; i < d; i++) z += (PO_MAT_AT(E, t, i) - fit->offset[i]) * PO_MAT_AT(fit->C, i, k);
                pk += z * z;
            }
            kept += pk;
        }
        double want = (total - kept) / ((double)(T - 1) * (double)(d - K));
        for (size_t i = 0; i < d; i++) CHECK_CLOSE(fit->r[i], want, 1e-10, 0.0);
    }
    free(sv);
    po_pca_free(pca);
    po_mat_free(E);
out:
    po_lds_free(fit);
    po_mat_free(Y);
    po_mat_free(U);
    po_lds_free(truth);
}

/* The whole procedure: C^T C = I after every update, the traces, the returned
 * model's log-likelihood, the same bits for the same seed and other draws
 * for another; the ELBO is a one-draw estimate of log p(Y) before the update,
 * so at iteration 0 its mean over seeds is the log-likelihood of the start
 * (within 5 standard errors). */
static void test_paper_fit(void)
{
    size_t T = 200, K = 2, d = 5, iters = 30, seeds = 300;
    po_lds *truth = random_model(K, d, 1, 101);
    po_mat *U = make_inputs(T, 1, 102);
    po_mat *Y = simulate(truth, U, T, 103);
    double *ll = malloc(2 * (iters + 1) * sizeof *ll), *elbo = ll + iters + 1;
    po_lds_opts o = po_lds_opts_defaults();
    o.procedure = PO_LDS_PAPER;
    o.latents = K;
    o.iters = iters;
    for (int e = 0; e < 2; e++) {
        o.emissions = e ? PO_LDS_ORTHONORMAL : PO_LDS_FREE;
        po_lds_info info = {0};
        info.loglik_trace = ll;
        info.elbo_trace = elbo;
        po_lds *a = NULL, *b = NULL;
        CHECK_OK(po_fit_lds(Y, U, &o, &a, &info));
        if (!a) continue;
        CHECK(info.iters == iters && !info.converged && info.loglik == ll[iters]);
        bool finite = true;
        for (size_t k = 0; k <= iters; k++) finite = finite && isfinite(ll[k]) && isfinite(elbo[k]);
        CHECK(finite);
        CHECK(ll[iters] > ll[0]);
        double l2 = 0.0;
        CHECK_OK(po_lds_smooth(a, Y, U, NULL, &l2));
        CHECK_CLOSE(l2, info.loglik, 1e-13, 0.0);
        if (e) CHECK(max_ctc_error(a->C) < 1e-12);
        CHECK_OK(po_fit_lds(Y, U, &o, &b, NULL));
        if (b) CHECK(memcmp(a->C->data, b->C->data, d * K * sizeof(double)) == 0 &&
                     memcmp(a->A->data, b->A->data, K * K * sizeof(double)) == 0);
        po_lds_free(b);
        b = NULL;
        o.seed = 5;
        CHECK_OK(po_fit_lds(Y, U, &o, &b, NULL));
        if (b) CHECK(memcmp(a->C->data, b->C->data, d * K * sizeof(double)) != 0);
        o.seed = PO_DEFAULT_SEED;
        po_lds_free(a);
        po_lds_free(b);
    }
    /* ELBO at the start over seeds */
    o.iters = 0;
    double s = 0.0, s2 = 0.0, ll0 = 0.0;
    for (size_t j = 0; j < seeds; j++) {
        po_lds_info info = {0};
        info.loglik_trace = &ll0;
        info.elbo_trace = elbo;
        po_lds *a = NULL;
        o.seed = 1000 + j;
        CHECK_OK(po_fit_lds(Y, U, &o, &a, &info));
        po_lds_free(a);
        s += elbo[0];
        s2 += elbo[0] * elbo[0];
    }
    double mean = s / (double)seeds, sd = sqrt(s2 / (double)seeds - mean * mean);
    CHECK(sd > 0.0);
    CHECK_CLOSE(mean, ll0, 0.0, 5.0 * sd / sqrt((double)seeds));
    free(ll);
    po_mat_free(Y);
    po_mat_free(U);
    po_lds_free(truth);
}

static void test_paper_opts(void)
{
    po_lds_opts o = po_lds_opts_defaults();
    CHECK(o.procedure == PO_LDS_EXACT && o.emission_iters == 100);
    po_lds_procedure pr;
    CHECK_OK(po_lds_procedure_from_name("paper", &pr));
    CHECK(pr == PO_LDS_PAPER && strcmp(po_lds_procedure_name(pr), "paper") == 0);
    CHECK_OK(po_lds_procedure_from_name("exact", &pr));
    CHECK(pr == PO_LDS_EXACT && strcmp(po_lds_procedure_name(pr), "exact") == 0);
    CHECK_STATUS(po_lds_procedure_from_name("laplace", &pr), PO_EINVAL);
    CHECK(errmsg_has("laplace"));
    po_lds_opts b = o;
    b.procedure = PO_LDS_PAPER;
    b.tol = 1e-6;
    CHECK(po_lds_opts_check(&b) && strstr(po_lds_opts_check(&b), "tol"));
    b.tol = 0.0;
    b.emission_iters = 0;
    CHECK(po_lds_opts_check(&b) && strstr(po_lds_opts_check(&b), "emission_iters"));
    b = o;
    b.procedure = (po_lds_procedure)5;
    CHECK(po_lds_opts_check(&b) && strstr(po_lds_opts_check(&b), "procedure"));
}

int main(void)
{
    PO_RUN(test_brute_force);
    PO_RUN(test_brute_force_input);
    PO_RUN(test_steady_state);
    PO_RUN(test_em_monotone);
    PO_RUN(test_tol_and_determinism);
    PO_RUN(test_pca_init);
    PO_RUN(test_recovery);
    PO_RUN(test_continuous);
    PO_RUN(test_opts_and_names);
    PO_RUN(test_errors);
    PO_RUN(test_diverged);
    PO_RUN(test_rounding_level_degeneracy);
    PO_RUN(test_ffbs_moments);
    PO_RUN(test_ffbs_entropy);
    PO_RUN(test_paper_emissions_match_mstep);
    PO_RUN(test_paper_init);
    PO_RUN(test_paper_fit);
    PO_RUN(test_paper_opts);
    return po_test_finish();
}
