/* Iterative fitting methods: gradient descent (SPEC.md §4.4), CORNN (§4.5)
 * and FORCE (§4.6). Identities (RLS on fixed regressors = batch ridge, CORNN's
 * start = the pre-activation ridge, its fixed-point equation, GD -> ridge),
 * NumPy fixtures from tools/fixtures_learners.py, determinism, window
 * handling and every error path. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fit/rls.h"
#include "harness.h"
#include "linalg/linalg.h"

/* ---- helpers ---------------------------------------------------------------- */

/* A leaky-rate tanh network x <- x + alpha (tanh(W x) - x + noise xi) of d
 * units, T steps from x0 ~ N(0, 0.25). */
static po_mat *rate_activity(const po_mat *W, size_t T, double alpha, double noise, uint64_t seed)
{
    size_t d = W->rows;
    po_mat *Y = po_mat_alloc(T, d);
    po_rng rng;
    po_rng_init(&rng, seed, PO_STREAM_PROCESS_NOISE);
    po_rng_fill_normal(&rng, Y->data, d, 1, 0.5);
    double *u = malloc(d * sizeof *u);
    for (size_t t = 0; t + 1 < T; t++) {
        const double *x = Y->data + t * d;
        double *xn = Y->data + (t + 1) * d;
        for (size_t i = 0; i < d; i++) {
            double s = 0.0;
            for (size_t j = 0; j < d; j++) s += PO_MAT_AT(W, i, j) * x[j];
            u[i] = tanh(s);
        }
        for (size_t i = 0; i < d; i++)
            xn[i] = x[i] + alpha * (u[i] - x[i] + noise * po_rng_normal(&rng));
    }
    free(u);
    return Y;
}

static bool errmsg_has(const char *what) { return strstr(po_errmsg(), what) != NULL; }

/* ---- CORNN ------------------------------------------------------------------ */

static void test_cornn_opts(void)
{
    po_cornn_opts o = po_cornn_opts_defaults();
    CHECK(o.alpha == 0.01 && o.l2 == 1e-5 && o.threshold == 1.0 && o.iters == 1000);
    CHECK(o.solver == PO_CORNN_WEIGHTED && o.subsample == 1 && o.threads == 0);
    CHECK(po_cornn_opts_check(&o) == NULL);
    CHECK(po_cornn_opts_check(NULL) != NULL);
    po_cornn_opts b = o;
    b.alpha = 0.0;
    CHECK(po_cornn_opts_check(&b) && strstr(po_cornn_opts_check(&b), "alpha"));
    b = o;
    b.l2 = -1.0;
    CHECK(po_cornn_opts_check(&b) && strstr(po_cornn_opts_check(&b), "l2"));
    b = o;
    b.threshold = 0.0;
    CHECK(po_cornn_opts_check(&b) && strstr(po_cornn_opts_check(&b), "threshold"));
    b = o;
    b.subsample = 0;
    CHECK(po_cornn_opts_check(&b) && strstr(po_cornn_opts_check(&b), "subsample"));
    b = o;
    b.threads = 3;
    CHECK(po_cornn_opts_check(&b) && strstr(po_cornn_opts_check(&b), "threads"));
    b = o;
    b.solver = (po_cornn_solver)9;
    CHECK(po_cornn_opts_check(&b) && strstr(po_cornn_opts_check(&b), "solver"));
    const po_cornn_solver all[] = {PO_CORNN_WEIGHTED, PO_CORNN_STANDARD, PO_CORNN_ROBUST};
    for (size_t i = 0; i < 3; i++) {
        po_cornn_solver s;
        CHECK_OK(po_cornn_solver_from_name(po_cornn_solver_name(all[i]), &s));
        CHECK(s == all[i]);
    }
    po_cornn_solver s;
    CHECK_STATUS(po_cornn_solver_from_name("fast", &s), PO_EINVAL);
    CHECK(errmsg_has("fast"));
    CHECK_STATUS(po_cornn_solver_from_name(NULL, &s), PO_EINVAL);
}

/* The NumPy implementation of SPEC.md §4.5 (Xp and Xm formed) on 399
 * transitions, 30 iterations, every solver, subsampling and inputs. */
static void test_cornn_numpy(void)
{
    po_mat *Y = po_test_load("learners_Y.npy"), *U = po_test_load("learners_U.npy");
    if (!Y || !U) return;
    size_t d = Y->cols;
    struct {
        const char *file;
        po_cornn_solver solver;
        double threshold, l2;
        size_t sub;
    } cases[] = {{"learners_cornn_weighted.npy", PO_CORNN_WEIGHTED, 1.0, 1e-5, 1},
                 {"learners_cornn_standard.npy", PO_CORNN_STANDARD, 1.0, 1e-5, 1},
                 {"learners_cornn_robust.npy", PO_CORNN_ROBUST, 0.5, 1e-5, 1},
                 {"learners_cornn_sub3.npy", PO_CORNN_WEIGHTED, 1.0, 1e-3, 3}};
    po_mat *W = po_mat_alloc(d, d);
    for (size_t c = 0; c < sizeof cases / sizeof *cases; c++) {
        po_cornn_opts o = po_cornn_opts_defaults();
        o.iters = 30;
        o.solver = cases[c].solver;
        o.threshold = cases[c].threshold;
        o.l2 = cases[c].l2;
        o.subsample = cases[c].sub;
        po_cornn_info info;
        CHECK_OK(po_fit_cornn(Y, NULL, &o, W, NULL, &info));
        CHECK(info.samples == (cases[c].sub == 1 ? 399 : 133));
        CHECK(info.clipped > 0 && info.loss > 0.0);
        po_mat *want = po_test_load(cases[c].file);
        if (want) CHECK_MAT_CLOSE(W, want, 1e-7, 1e-8);
        po_mat_free(want);
    }
    po_cornn_opts o = po_cornn_opts_defaults();
    o.iters = 30;
    po_mat *Win = po_mat_alloc(d, U->cols);
    CHECK_OK(po_fit_cornn(Y, U, &o, W, Win, NULL));
    po_mat *want = po_test_load("learners_cornn_in.npy"), *want_in = po_test_load("learners_cornn_in_Win.npy");
    if (want) CHECK_MAT_CLOSE(W, want, 1e-7, 1e-8);
    if (want_in) CHECK_MAT_CLOSE(Win, want_in, 1e-7, 1e-8);
    po_mat_free(want);
    po_mat_free(want_in);
    po_mat_free(Win);
    po_mat_free(W);
    po_mat_free(U);
    po_mat_free(Y);
}

/* With no iterations CORNN returns its start theta = H^-1 x^T artanh(delta),
 * the leaky-rate tanh ridge of po_fit_ridge with rho = alpha^2 l2 T. */
static void test_cornn_start_is_ridge(void)
{
    po_mat *Wt = po_test_gaussian(6, 6, 0.6, 3);
    po_mat *Y = rate_activity(Wt, 500, 0.1, 0.3, 4);
    po_cornn_opts o = po_cornn_opts_defaults();
    o.alpha = 0.1;
    o.iters = 0;
    o.l2 = 1e-3;
    po_mat *W = po_mat_alloc(6, 6), *R = po_mat_alloc(6, 6);
    CHECK_OK(po_fit_cornn(Y, NULL, &o, W, NULL, NULL));
    po_ridge_opts r = po_ridge_opts_defaults();
    r.phi = PO_PHI_TANH;
    r.leaky = PO_LEAKY_RATE;
    r.alpha = 0.1;
    r.rho = o.alpha * o.alpha * o.l2 * 499.0;
    CHECK_OK(po_fit_ridge(Y, &r, R, NULL));
    CHECK_MAT_CLOSE(W, R, 1e-10, 1e-12);
    po_mat_free(R);
    po_mat_free(W);
    po_mat_free(Y);
    po_mat_free(Wt);
}

/* At convergence theta = Xm theta + Xp E(theta), i.e. x^T E = lambda theta
 * (standard solver). Also: the thread count never changes the bits. */
static void test_cornn_fixed_point_and_threads(void)
{
    size_t d = 5, T = 1200;
    po_mat *Wt = po_test_gaussian(d, d, 0.8, 5);
    po_mat *Y = rate_activity(Wt, T, 0.1, 0.5, 6);
    po_cornn_opts o = po_cornn_opts_defaults();
    o.alpha = 0.1;
    o.solver = PO_CORNN_STANDARD;
    o.iters = 3000;
    o.l2 = 1e-2;
    o.threads = 1;
    po_mat *W = po_mat_alloc(d, d), *W2 = po_mat_alloc(d, d);
    po_cornn_info info;
    CHECK_OK(po_fit_cornn(Y, NULL, &o, W, NULL, &info));
    double lambda = o.l2 * (double)(T - 1), g[25] = {0}, gnorm = 0.0, lnorm = 0.0, loss = 0.0;
    for (size_t t = 0; t + 1 < T; t++) {
        const double *x = Y->data + t * d, *xp = x + d;
        for (size_t i = 0; i < d; i++) {
            double z = 0.0;
            for (size_t j = 0; j < d; j++) z += PO_MAT_AT(W, i, j) * x[j];
            double delta = (xp[i] - (1.0 - o.alpha) * x[i]) / o.alpha;
            delta = fmax(-1.0 + 1e-6, fmin(1.0 - 1e-6, delta));
            double e = delta - tanh(z);
            loss += e * e;
            for (size_t j = 0; j < d; j++) g[j * d + i] += x[j] * e; /* (x^T E)[j][i] */
        }
    }
    for (size_t j = 0; j < d; j++)
        for (size_t i = 0; i < d; i++) {
            double r = g[j * d + i] - lambda * PO_MAT_AT(W, i, j);
            gnorm += r * r;
            lnorm += pow(lambda * PO_MAT_AT(W, i, j), 2);
        }
    CHECK(sqrt(gnorm) < 1e-8 * sqrt(lnorm));
    CHECK_CLOSE(info.loss, loss, 1e-9, 0.0);
    /* Bits: 1 thread vs 2, with several blocks. */
    o.solver = PO_CORNN_WEIGHTED;
    o.iters = 20;
    o.threads = 1;
    CHECK_OK(po_fit_cornn(Y, NULL, &o, W, NULL, NULL));
    o.threads = 2;
    CHECK_OK(po_fit_cornn(Y, NULL, &o, W2, NULL, NULL));
    CHECK(memcmp(W->data, W2->data, d * d * sizeof(double)) == 0);
    po_mat_free(W2);
    po_mat_free(W);
    po_mat_free(Y);
    po_mat_free(Wt);
}

/* Noise-free leaky-rate data of a fully observed network: CORNN finds W. */
static void test_cornn_recovers_teacher(void)
{
    po_mat *Wt = po_test_gaussian(4, 4, 0.7, 8);
    po_mat *Y = rate_activity(Wt, 300, 0.05, 0.0, 9);
    po_cornn_opts o = po_cornn_opts_defaults();
    o.alpha = 0.05;
    o.l2 = 1e-12;
    o.iters = 50;
    po_mat *W = po_mat_alloc(4, 4);
    po_cornn_info info;
    CHECK_OK(po_fit_cornn(Y, NULL, &o, W, NULL, &info));
    CHECK(info.clipped == 0);
    CHECK_MAT_CLOSE(W, Wt, 1e-6, 1e-7);
    CHECK(info.loss < 1e-12);
    po_mat_free(W);
    po_mat_free(Y);
    po_mat_free(Wt);
}

static void test_cornn_errors(void)
{
    po_mat *Y = po_test_gaussian(50, 3, 0.01, 1), *U = po_test_gaussian(50, 2, 1.0, 2);
    po_mat *W = po_mat_alloc(3, 3), *Win = po_mat_alloc(3, 2), *bad = po_mat_alloc(3, 2);
    po_cornn_opts o = po_cornn_opts_defaults();
    o.iters = 2;
    CHECK_STATUS(po_fit_cornn(NULL, NULL, &o, W, NULL, NULL), PO_EINVAL);
    CHECK_STATUS(po_fit_cornn(Y, NULL, NULL, W, NULL, NULL), PO_EINVAL);
    CHECK_STATUS(po_fit_cornn(Y, NULL, &o, NULL, NULL, NULL), PO_EINVAL);
    po_cornn_opts b = o;
    b.threshold = -1.0;
    CHECK_STATUS(po_fit_cornn(Y, NULL, &b, W, NULL, NULL), PO_EINVAL);
    CHECK(errmsg_has("threshold"));
    CHECK_STATUS(po_fit_cornn(Y, NULL, &o, bad, NULL, NULL), PO_ESHAPE);
    CHECK_STATUS(po_fit_cornn(Y, U, &o, W, NULL, NULL), PO_EINVAL);
    CHECK_STATUS(po_fit_cornn(Y, NULL, &o, W, Win, NULL), PO_EINVAL);
    CHECK_STATUS(po_fit_cornn(Y, U, &o, W, W, NULL), PO_ESHAPE);
    po_mat Us = po_mat_block(U, 0, 0, 40, 2);
    CHECK_STATUS(po_fit_cornn(Y, &Us, &o, W, Win, NULL), PO_ESHAPE);
    CHECK(errmsg_has("40 rows"));
    po_mat Y1 = po_mat_block(Y, 0, 0, 1, 3);
    CHECK_STATUS(po_fit_cornn(&Y1, NULL, &o, W, NULL, NULL), PO_ESHAPE);
    po_mat Y0 = po_mat_view(Y->data, 50, 0, 3);
    CHECK_STATUS(po_fit_cornn(&Y0, NULL, &o, W, NULL, NULL), PO_ESHAPE);
    PO_MAT_AT(U, 7, 1) = (double)NAN;
    CHECK_STATUS(po_fit_cornn(Y, U, &o, W, Win, NULL), PO_ENONFINITE);
    PO_MAT_AT(Y, 9, 2) = HUGE_VAL;
    CHECK_STATUS(po_fit_cornn(Y, NULL, &o, W, NULL, NULL), PO_ENONFINITE);
    CHECK(errmsg_has("row 9"));
    /* Linearly dependent regressors and no ridge. */
    for (size_t t = 0; t < 50; t++) PO_MAT_AT(Y, t, 2) = 2.0 * PO_MAT_AT(Y, t, 0);
    b = o;
    b.l2 = 0.0;
    CHECK_STATUS(po_fit_cornn(Y, NULL, &b, W, NULL, NULL), PO_ESINGULAR);
    po_mat_free(bad);
    po_mat_free(Win);
    po_mat_free(W);
    po_mat_free(U);
    po_mat_free(Y);
}

/* ---- RLS and FORCE ------------------------------------------------------------ */

/* DESIGN.md §6: RLS on fixed regressors equals batch ridge. Regressors
 * r_t = Y[t], targets Y[t+1]: the ridge of po_fit_ridge with alpha = 1,
 * linear phi and rho = 1/p0. The fused next-step products equal direct ones. */
static void test_rls_equals_ridge(void)
{
    size_t d = 4, T = 60;
    double p0 = 0.5;
    po_mat *Y = po_test_gaussian(T, d, 1.0, 12);
    double *P = calloc(d * d, sizeof *P), *JT = calloc(d * d, sizeof *JT);
    double k[4], y[4], kn[4], yn[4], kd[4], yd[4], err[4];
    po_rls_init(d, p0, P);
    po_rls_apply(d, d, P, JT, Y->data, k, y);
    double worst = 0.0;
    for (size_t t = 0; t + 1 < T; t++) {
        const double *r = Y->data + t * d, *z = r + d;
        for (size_t i = 0; i < d; i++) err[i] = y[i] - z[i];
        double rk = 0.0;
        for (size_t i = 0; i < d; i++) rk += r[i] * k[i];
        const double *rn = t + 2 < T ? z : NULL;
        po_rls_update(d, d, P, JT, k, err, 1.0 / (1.0 + rk), rn, kn, yn);
        if (!rn) break;
        po_rls_apply(d, d, P, JT, rn, kd, yd);
        for (size_t i = 0; i < d; i++)
            worst = fmax(worst, fmax(fabs(kn[i] - kd[i]), fabs(yn[i] - yd[i])));
        memcpy(k, kn, sizeof k);
        memcpy(y, yn, sizeof y);
    }
    CHECK(worst < 1e-13);
    po_ridge_opts o = po_ridge_opts_defaults();
    o.alpha = 1.0;
    o.rho = 1.0 / p0;
    po_mat *R = po_mat_alloc(d, d), *J = po_mat_alloc(d, d);
    CHECK_OK(po_fit_ridge(Y, &o, R, NULL));
    for (size_t i = 0; i < d; i++)
        for (size_t j = 0; j < d; j++) PO_MAT_AT(J, i, j) = JT[j * d + i];
    CHECK_MAT_CLOSE(J, R, 1e-10, 1e-12);
    po_mat_free(J);
    po_mat_free(R);
    free(JT);
    free(P);
    po_mat_free(Y);
}

static void test_force_opts(void)
{
    po_force_opts o = po_force_opts_defaults();
    CHECK(o.alpha == 0.01 && o.tau == 1.0 && o.g == 1.5 && o.p0 == 0.01);
    CHECK(o.passes == 1000 && o.free_passes == 0 && o.t0 == 0 && o.t1 == 0);
    CHECK(po_force_opts_check(&o) == NULL);
    CHECK(po_force_opts_check(NULL) != NULL);
    const struct {
        double alpha, tau, g, p0;
        const char *what;
    } bad[] = {{0.0, 1.0, 1.5, 0.01, "alpha"},   {0.01, -1.0, 1.5, 0.01, "tau"},
               {0.01, 1.0, -1.0, 0.01, "g"},  {0.01, 1.0, 1.5, 0.0, "p0"},
               {0.01, 1.0, 1.5, -2.0, "p0"},  {0.01, 1.0, (double)NAN, 0.01, "g"}};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        po_force_opts b = o;
        b.alpha = bad[i].alpha;
        b.tau = bad[i].tau;
        b.g = bad[i].g;
        b.p0 = bad[i].p0;
        CHECK(po_force_opts_check(&b) && strstr(po_force_opts_check(&b), bad[i].what));
    }
    po_force_opts b = o;
    b.passes = 0;
    CHECK(po_force_opts_check(&b) && strstr(po_force_opts_check(&b), "passes"));
    b.free_passes = 1;
    CHECK(po_force_opts_check(&b) == NULL);
    b = o;
    b.t0 = 5;
    b.t1 = 6;
    CHECK(po_force_opts_check(&b) && strstr(po_force_opts_check(&b), "window"));
    b.t1 = 3;
    CHECK(po_force_opts_check(&b) && strstr(po_force_opts_check(&b), "window"));
    b.t1 = 7;
    CHECK(po_force_opts_check(&b) == NULL);
}

/* The NumPy loop of SPEC.md §4.6 with J_0 = 0 (g = 0), window 10:210,
 * 3 training passes and one free pass: J, chi2 and pVar per pass. */
static void test_force_numpy(void)
{
    po_mat *Y = po_test_load("learners_Y.npy"), *want = po_test_load("learners_force.npy"),
           *stats = po_test_load("learners_force_stats.npy");
    if (!Y || !want || !stats) goto done;
    size_t d = Y->cols;
    po_force_opts o = po_force_opts_defaults();
    o.g = 0.0;
    o.p0 = 0.05;
    o.t0 = 10;
    o.t1 = 210;
    o.passes = 3;
    o.free_passes = 1;
    double trace[4] = {0};
    po_force_info info = {.pvar_trace = trace};
    po_mat *J = po_mat_alloc(d, d);
    CHECK_OK(po_fit_force(Y, &o, J, &info));
    CHECK_MAT_CLOSE(J, want, 1e-9, 1e-11);
    CHECK(info.passes == 4);
    CHECK_CLOSE(info.chi2, PO_MAT_AT(stats, 3, 0), 1e-9, 0.0);
    CHECK_CLOSE(info.pvar, PO_MAT_AT(stats, 3, 1), 1e-9, 0.0);
    for (size_t p = 0; p < 4; p++) CHECK_CLOSE(trace[p], PO_MAT_AT(stats, p, 1), 1e-9, 0.0);
    /* chi2 of each training pass: runs with 1, 2, 3 passes. */
    for (size_t p = 1; p <= 3; p++) {
        o.passes = p;
        o.free_passes = 0;
        CHECK_OK(po_fit_force(Y, &o, J, &info));
        CHECK_CLOSE(info.chi2, PO_MAT_AT(stats, p - 1, 0), 1e-9, 0.0);
    }
    po_mat_free(J);
done:
    po_mat_free(stats);
    po_mat_free(want);
    po_mat_free(Y);
}

/* On a small teacher chi2 falls over the passes and pVar rises; the same
 * seed gives the same bits, another seed another J_0; a window equals
 * fitting the cut-out rows. */
static void test_force_learns_and_is_deterministic(void)
{
    po_mat *Wt = po_test_gaussian(6, 6, 1.2, 21);
    po_mat *Y = rate_activity(Wt, 400, 0.05, 0.3, 22);
    po_force_opts o = po_force_opts_defaults();
    o.alpha = 0.05;
    o.p0 = 0.1;
    o.passes = 1;
    po_mat *J = po_mat_alloc(6, 6), *J2 = po_mat_alloc(6, 6);
    po_force_info info;
    memset(&info, 0, sizeof info);
    CHECK_OK(po_fit_force(Y, &o, J, &info));
    double chi_first = info.chi2;
    double trace[20];
    info.pvar_trace = trace;
    o.passes = 20;
    CHECK_OK(po_fit_force(Y, &o, J, &info));
    CHECK(info.passes == 20 && info.chi2 < 0.5 * chi_first);
    CHECK(trace[19] > trace[0] && info.pvar == trace[19]);
    CHECK_OK(po_fit_force(Y, &o, J2, NULL));
    CHECK(memcmp(J->data, J2->data, 36 * sizeof(double)) == 0);
    o.seed = 99;
    CHECK_OK(po_fit_force(Y, &o, J2, NULL));
    CHECK(po_mat_max_abs_diff(J, J2) > 1e-6);
    /* Window 100:300 of Y == all of Y[100:300]; rows outside may be NaN. */
    o.passes = 3;
    o.t0 = 100;
    o.t1 = 300;
    PO_MAT_AT(Y, 5, 1) = (double)NAN;
    PO_MAT_AT(Y, 350, 0) = HUGE_VAL;
    CHECK_OK(po_fit_force(Y, &o, J, NULL));
    po_mat cut = po_mat_block(Y, 100, 0, 200, 6);
    o.t0 = 0;
    o.t1 = 0;
    CHECK_OK(po_fit_force(&cut, &o, J2, NULL));
    CHECK(memcmp(J->data, J2->data, 36 * sizeof(double)) == 0);
    po_mat_free(J2);
    po_mat_free(J);
    po_mat_free(Y);
    po_mat_free(Wt);
}

static void test_force_errors(void)
{
    po_mat *Wt = po_test_gaussian(4, 4, 1.0, 31);
    po_mat *Y = rate_activity(Wt, 2000, 0.05, 0.3, 32);
    po_mat *J = po_mat_alloc(4, 4), *bad = po_mat_alloc(4, 3);
    for (size_t i = 0; i < 16; i++) J->data[i] = 7.0;
    po_force_opts o = po_force_opts_defaults();
    o.passes = 2;
    CHECK_STATUS(po_fit_force(NULL, &o, J, NULL), PO_EINVAL);
    CHECK_STATUS(po_fit_force(Y, NULL, J, NULL), PO_EINVAL);
    CHECK_STATUS(po_fit_force(Y, &o, NULL, NULL), PO_EINVAL);
    po_force_opts b = o;
    b.p0 = 0.0;
    CHECK_STATUS(po_fit_force(Y, &b, J, NULL), PO_EINVAL);
    CHECK(errmsg_has("p0"));
    b = o;
    b.t0 = 10;
    b.t1 = 11;
    CHECK_STATUS(po_fit_force(Y, &b, J, NULL), PO_EINVAL);
    b.t1 = 2001;
    CHECK_STATUS(po_fit_force(Y, &b, J, NULL), PO_EINVAL);
    CHECK(errmsg_has("10:2001"));
    b.t0 = 1999;
    b.t1 = 0;
    CHECK_STATUS(po_fit_force(Y, &b, J, NULL), PO_EINVAL);
    CHECK_STATUS(po_fit_force(Y, &o, bad, NULL), PO_ESHAPE);
    po_mat Y1 = po_mat_block(Y, 0, 0, 1, 4);
    CHECK_STATUS(po_fit_force(&Y1, &o, J, NULL), PO_ESHAPE);
    /* Divergence: an Euler step dt / tau = 3 doubles H every step until it
     * overflows; W_hat is left untouched. */
    b = o;
    b.alpha = 3.0;
    b.passes = 5;
    CHECK_STATUS(po_fit_force(Y, &b, J, NULL), PO_EDIVERGED);
    CHECK(errmsg_has("pass 1 of 5"));
    CHECK(J->data[0] == 7.0 && J->data[15] == 7.0);
    /* A huge gain overflows J r in the first pass. */
    b = o;
    b.g = 1e308;
    CHECK_STATUS(po_fit_force(Y, &b, J, NULL), PO_EDIVERGED);
    po_mat_free(bad);
    po_mat_free(J);
    po_mat_free(Y);
    /* A NaN inside the window is named. */
    Y = rate_activity(Wt, 100, 0.05, 0.3, 33);
    J = po_mat_alloc(4, 4);
    PO_MAT_AT(Y, 50, 3) = (double)NAN;
    CHECK_STATUS(po_fit_force(Y, &o, J, NULL), PO_ENONFINITE);
    CHECK(errmsg_has("row 50"));
    po_mat_free(J);
    po_mat_free(Y);
    po_mat_free(Wt);
}

/* ---- gradient descent -------------------------------------------------------- */

static void test_gd_opts(void)
{
    po_gd_opts o = po_gd_opts_defaults();
    CHECK(o.phi == PO_PHI_LINEAR && o.alpha == 0.01 && o.rho == 0.0 && o.lr == 1e-2 &&
          o.iters == 10000);
    CHECK(po_gd_opts_check(&o) == NULL);
    CHECK(po_gd_opts_check(NULL) != NULL);
    const double bad_lr[] = {0.0, -1e-3, (double)NAN, HUGE_VAL};
    for (size_t i = 0; i < 4; i++) {
        po_gd_opts b = o;
        b.lr = bad_lr[i];
        CHECK(po_gd_opts_check(&b) && strstr(po_gd_opts_check(&b), "learning rate"));
    }
    po_gd_opts b = o;
    b.rho = -1.0;
    CHECK(po_gd_opts_check(&b) && strstr(po_gd_opts_check(&b), "rho"));
    b = o;
    b.alpha = 2.0;
    CHECK(po_gd_opts_check(&b) && strstr(po_gd_opts_check(&b), "alpha"));
    b = o;
    b.phi = (po_phi)5;
    CHECK(po_gd_opts_check(&b) && strstr(po_gd_opts_check(&b), "phi"));
}

/* With rho > 0 and enough steps GD reaches the closed-form ridge, its loss is
 * the ridge residual plus rho ||W||^2, and the gradient vanishes. */
static void test_gd_reaches_ridge(void)
{
    const po_phi phis[] = {PO_PHI_LINEAR, PO_PHI_TANH};
    for (size_t p = 0; p < 2; p++) {
        size_t d = 4;
        po_mat *Y = po_test_gaussian(300, d, 1.0, 41 + p);
        po_gd_opts o = po_gd_opts_defaults();
        o.phi = phis[p];
        o.alpha = 0.1;
        o.rho = 0.5;
        o.lr = 0.05;
        o.iters = 4000;
        po_mat *W = po_mat_alloc(d, d), *R = po_mat_alloc(d, d);
        po_gd_info info;
        CHECK_OK(po_fit_gd(Y, &o, W, &info));
        po_ridge_opts r = po_ridge_opts_defaults();
        r.phi = phis[p];
        r.alpha = 0.1;
        r.rho = 0.5;
        po_ridge_info ri;
        CHECK_OK(po_fit_ridge(Y, &r, R, &ri));
        CHECK_MAT_CLOSE(W, R, 1e-9, 1e-11);
        double w2 = pow(po_mat_norm_fro(R), 2);
        CHECK_CLOSE(info.loss, ri.residual + 0.5 * w2, 1e-9, 0.0);
        CHECK(info.iters == 4000 && info.grad_norm < 1e-9);
        po_mat_free(R);
        po_mat_free(W);
        po_mat_free(Y);
    }
}

/* One step from W = 0 is W = lr alpha C (SPEC.md §4.4), checked naively. */
static void test_gd_one_step(void)
{
    size_t d = 3, T = 40;
    po_mat *Y = po_test_gaussian(T, d, 1.0, 51), *W = po_mat_alloc(d, d), *want = po_mat_alloc(d, d);
    po_gd_opts o = po_gd_opts_defaults();
    o.phi = PO_PHI_TANH;
    o.alpha = 0.2;
    o.lr = 0.3;
    o.iters = 1;
    CHECK_OK(po_fit_gd(Y, &o, W, NULL));
    for (size_t t = 0; t + 1 < T; t++)
        for (size_t i = 0; i < d; i++)
            for (size_t j = 0; j < d; j++)
                PO_MAT_AT(want, i, j) +=
                    o.lr * o.alpha *
                    (PO_MAT_AT(Y, t + 1, i) - (1.0 - o.alpha) * PO_MAT_AT(Y, t, i)) *
                    tanh(PO_MAT_AT(Y, t, j));
    CHECK_MAT_CLOSE(W, want, 1e-12, 1e-14);
    po_mat_free(want);
    po_mat_free(W);
    po_mat_free(Y);
}

static void test_gd_errors(void)
{
    po_mat *Y = po_test_gaussian(100, 3, 1.0, 61), *W = po_mat_alloc(3, 3), *bad = po_mat_alloc(2, 3);
    po_gd_opts o = po_gd_opts_defaults();
    o.iters = 10;
    CHECK_STATUS(po_fit_gd(NULL, &o, W, NULL), PO_EINVAL);
    CHECK_STATUS(po_fit_gd(Y, NULL, W, NULL), PO_EINVAL);
    CHECK_STATUS(po_fit_gd(Y, &o, NULL, NULL), PO_EINVAL);
    po_gd_opts b = o;
    b.lr = -1.0;
    CHECK_STATUS(po_fit_gd(Y, &b, W, NULL), PO_EINVAL);
    CHECK(errmsg_has("learning rate"));
    CHECK_STATUS(po_fit_gd(Y, &o, bad, NULL), PO_ESHAPE);
    po_mat Y1 = po_mat_block(Y, 0, 0, 1, 3);
    CHECK_STATUS(po_fit_gd(&Y1, &o, W, NULL), PO_ESHAPE);
    /* A huge learning rate: the loss grows geometrically and overflows. */
    b = o;
    b.alpha = 1.0;
    b.lr = 1e3;
    b.iters = 1000;
    for (size_t i = 0; i < 9; i++) W->data[i] = 5.0;
    CHECK_STATUS(po_fit_gd(Y, &b, W, NULL), PO_EDIVERGED);
    CHECK(errmsg_has("iteration") && errmsg_has("last finite loss"));
    CHECK(W->data[0] == 5.0);
    PO_MAT_AT(Y, 3, 1) = (double)NAN;
    CHECK_STATUS(po_fit_gd(Y, &o, W, NULL), PO_ENONFINITE);
    po_mat_free(bad);
    po_mat_free(W);
    po_mat_free(Y);
}

/* ---- initial weights (opts.init; issue 14 item 3) ---------------------------- */

/* FORCE from init = J_0 with g = 0 is the run that draws that J_0 (g = 1.5,
 * the seed's normals times g / sqrt(d), row by row): the same bits. gd and
 * CORNN from the result of n iterations continue the fit exactly: n more
 * iterations from it equal 2n from the usual start. Bad init: shape, NaN. */
static void test_init_identities(void)
{
    size_t d = 5;
    po_mat *Wt = po_test_gaussian(d, d, 1.2, 31);
    po_mat *Y = rate_activity(Wt, 400, 0.05, 0.3, 32);
    po_mat *A = po_mat_alloc(d, d), *B = po_mat_alloc(d, d), *H = po_mat_alloc(d, d);
    /* FORCE */
    po_force_opts fo = po_force_opts_defaults();
    fo.alpha = 0.05;
    fo.passes = 3;
    fo.seed = 33;
    CHECK_OK(po_fit_force(Y, &fo, A, NULL));
    po_mat *J0 = po_mat_alloc(d, d);
    po_rng rng;
    po_rng_init(&rng, fo.seed, PO_STREAM_FIT);
    po_rng_fill_normal(&rng, J0->data, d * d, 1, fo.g / sqrt((double)d));
    fo.g = 0.0;
    fo.seed = 99; /* unused with init */
    fo.init = J0;
    CHECK_OK(po_fit_force(Y, &fo, B, NULL));
    CHECK(memcmp(A->data, B->data, d * d * sizeof(double)) == 0);
    /* gd */
    po_gd_opts go = po_gd_opts_defaults();
    go.iters = 40;
    CHECK_OK(po_fit_gd(Y, &go, A, NULL));
    go.iters = 20;
    CHECK_OK(po_fit_gd(Y, &go, H, NULL));
    go.init = H;
    CHECK_OK(po_fit_gd(Y, &go, B, NULL));
    CHECK(memcmp(A->data, B->data, d * d * sizeof(double)) == 0);
    /* CORNN */
    po_cornn_opts co = po_cornn_opts_defaults();
    co.alpha = 0.05;
    co.iters = 8;
    CHECK_OK(po_fit_cornn(Y, NULL, &co, A, NULL, NULL));
    co.iters = 4;
    CHECK_OK(po_fit_cornn(Y, NULL, &co, H, NULL, NULL));
    co.init = H;
    CHECK_OK(po_fit_cornn(Y, NULL, &co, B, NULL, NULL));
    CHECK(memcmp(A->data, B->data, d * d * sizeof(double)) == 0);
    /* bad init: wrong shape, NaN; the message says what is wrong */
    po_mat *small = po_mat_alloc(d - 1, d - 1);
    fo.init = go.init = co.init = small;
    CHECK_STATUS(po_fit_force(Y, &fo, B, NULL), PO_ESHAPE);
    CHECK(errmsg_has("force: the initial weights are 4x4, need 5x5 (d x d)"));
    CHECK_STATUS(po_fit_gd(Y, &go, B, NULL), PO_ESHAPE);
    CHECK(errmsg_has("gd: the initial weights are 4x4"));
    CHECK_STATUS(po_fit_cornn(Y, NULL, &co, B, NULL, NULL), PO_ESHAPE);
    CHECK(errmsg_has("cornn: the initial weights are 4x4"));
    PO_MAT_AT(J0, 2, 3) = (double)NAN;
    fo.init = go.init = co.init = J0;
    CHECK_STATUS(po_fit_force(Y, &fo, B, NULL), PO_ENONFINITE);
    CHECK(errmsg_has("initial weights") && errmsg_has("row 2"));
    CHECK_STATUS(po_fit_gd(Y, &go, B, NULL), PO_ENONFINITE);
    CHECK_STATUS(po_fit_cornn(Y, NULL, &co, B, NULL, NULL), PO_ENONFINITE);
    po_mat_free(small);
    po_mat_free(J0);
    po_mat_free(A);
    po_mat_free(B);
    po_mat_free(H);
    po_mat_free(Y);
    po_mat_free(Wt);
}

int main(void)
{
    PO_RUN(test_cornn_opts);
    PO_RUN(test_cornn_numpy);
    PO_RUN(test_cornn_start_is_ridge);
    PO_RUN(test_cornn_fixed_point_and_threads);
    PO_RUN(test_cornn_recovers_teacher);
    PO_RUN(test_cornn_errors);
    PO_RUN(test_rls_equals_ridge);
    PO_RUN(test_force_opts);
    PO_RUN(test_force_numpy);
    PO_RUN(test_force_learns_and_is_deterministic);
    PO_RUN(test_force_errors);
    PO_RUN(test_gd_opts);
    PO_RUN(test_gd_reaches_ridge);
    PO_RUN(test_gd_one_step);
    PO_RUN(test_gd_errors);
    PO_RUN(test_init_identities);
    return po_test_finish();
}
