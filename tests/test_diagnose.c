/* partobs diagnose, the passive part (issue 11): Gram-reuse refits against
 * po_fit_ridge, determinism over thread counts and seeds, the trend's OLS and
 * Student-t interval, numpy's percentile, every input error, and a sanity
 * check on two teachers. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "diagnose/passive.h"
#include "harness.h"
#include "partobs/partobs.h"

/* A recording: teacher `net` with D neurons simulated for T steps (defaults
 * of SPEC.md §1), the first d observed. */
static po_mat *record(po_net net, size_t D, size_t d, size_t T, uint64_t seed)
{
    po_teacher_opts to = po_teacher_opts_defaults(net, D);
    po_rng rng;
    po_rng_init(&rng, seed, PO_STREAM_CONNECTIVITY);
    po_teacher *t = NULL;
    po_mat *X = NULL, *Y = NULL;
    po_sim_opts so = po_sim_opts_defaults();
    so.T = T;
    so.seed = seed;
    po_observe_opts oo = po_observe_opts_defaults();
    oo.d = d;
    if (po_teacher_generate(&to, &rng, &t) == PO_OK && po_simulate(t->W, &so, NULL, &X, NULL) == PO_OK &&
        (Y = po_mat_alloc(T, d)) && po_observe(X, &oo, Y) != PO_OK) {
        po_mat_free(Y);
        Y = NULL;
    }
    CHECK(Y != NULL);
    po_mat_free(X);
    po_teacher_free(t);
    return Y;
}

/* Small, quick options for the unit tests. */
static po_diagnose_opts quick_opts(void)
{
    po_diagnose_opts o = po_diagnose_opts_defaults();
    o.subsets = 4;
    o.bootstrap = 12;
    o.block = 200;
    o.threads = 1;
    return o;
}

static double rel_err(const po_mat *a, const po_mat *b)
{
    return po_mat_max_abs_diff(a, b) / po_mat_norm_fro(b);
}

static void test_names(void)
{
    po_diagnose_verdict v;
    for (int k = 0; k < 4; k++) {
        CHECK_OK(po_diagnose_verdict_from_name(po_diagnose_verdict_name((po_diagnose_verdict)k), &v));
        CHECK((int)v == k);
    }
    CHECK(strcmp(po_diagnose_verdict_name(PO_DIAG_ROBUST), "slow-mode-robust") == 0);
    CHECK(strcmp(po_diagnose_verdict_name(PO_DIAG_INCONCLUSIVE), "inconclusive") == 0);
    CHECK_STATUS(po_diagnose_verdict_from_name("robust", &v), PO_EINVAL);
    po_diagnose_method m;
    CHECK_OK(po_diagnose_method_from_name("lds", &m));
    CHECK(m == PO_DIAG_LDS);
    CHECK(strcmp(po_diagnose_method_name(PO_DIAG_MAP), "map") == 0);
    CHECK_STATUS(po_diagnose_method_from_name("ridge", &m), PO_EINVAL);
    CHECK(strstr(po_errmsg(), "valid: map, lds") != NULL);
}

/* Every option the check rejects, one at a time; run() reports it. */
static void test_opts_check(void)
{
    po_diagnose_opts d = po_diagnose_opts_defaults();
    CHECK(po_diagnose_opts_check(&d) == NULL);
    CHECK(po_diagnose_opts_check(NULL) != NULL);
    po_diagnose_opts bad[19];
    for (size_t i = 0; i < 19; i++) bad[i] = d;
    bad[0].method = (po_diagnose_method)7;
    bad[1].phi = (po_phi)5;
    bad[2].alpha = 0.0;
    bad[3].alpha = 1.5;
    bad[4].rho = -1.0;
    bad[5].latents = 0;
    bad[6].lds_refit_iters = 0;
    bad[7].dt = (double)NAN;
    bad[8].n_fractions = 1;
    bad[8].fractions[0] = 0.5;
    bad[9].n_fractions = 2;
    bad[9].fractions[0] = 0.5;
    bad[9].fractions[1] = 0.5; /* not increasing */
    bad[10].n_fractions = 2;
    bad[10].fractions[0] = 0.0;
    bad[10].fractions[1] = 1.0;
    bad[11].subsets = 0;
    bad[12].n_fractions = 2; /* one subset at 0.5 + the full fit: 2 refits < 3 */
    bad[12].fractions[0] = 0.5;
    bad[12].fractions[1] = 1.0;
    bad[12].subsets = 1;
    bad[13].repeats = 0;
    bad[14].late_to = bad[14].late_from;
    bad[15].snr = 0.0;
    bad[16].n_fractions = PO_DIAGNOSE_MAX_FRACTIONS + 1;
    bad[17].lds_iters = 0;
    bad[18].wait_steps = 1000; /* 10 tau at alpha 0.01: the 50-70 tau window does not fit */
    po_mat *Y = po_test_gaussian(50, 3, 1.0, 1);
    for (size_t i = 0; i < 19; i++) {
        if (po_diagnose_opts_check(&bad[i]) == NULL) po_test_fail(__FILE__, __LINE__, "bad[%zu] passed", i);
        po_diagnose *dg = (po_diagnose *)1;
        CHECK_STATUS(po_diagnose_run(Y, NULL, &bad[i], &dg), PO_EINVAL);
        CHECK(dg == NULL);
        CHECK(strstr(po_errmsg(), "diagnose: invalid options: ") != NULL);
    }
    po_mat_free(Y);
}

/* Shapes, NaN, NULL: one clear message each. */
static void test_input_errors(void)
{
    po_diagnose_opts o = quick_opts();
    po_diagnose *dg = NULL;
    po_mat *Y = po_test_gaussian(1001, 3, 1.0, 2), *U = po_test_gaussian(1000, 1, 1.0, 3);
    CHECK_STATUS(po_diagnose_run(NULL, NULL, &o, &dg), PO_EINVAL);
    CHECK_STATUS(po_diagnose_run(Y, NULL, NULL, &dg), PO_EINVAL);
    CHECK_STATUS(po_diagnose_run(Y, NULL, &o, NULL), PO_EINVAL);
    po_mat one = po_mat_block(Y, 0, 0, 1001, 1);
    CHECK_STATUS(po_diagnose_run(&one, NULL, &o, &dg), PO_ESHAPE);
    CHECK(strstr(po_errmsg(), "at least 2 recorded neurons") != NULL);
    CHECK_STATUS(po_diagnose_run(Y, U, &o, &dg), PO_ESHAPE);
    CHECK(strstr(po_errmsg(), "U have 1000 rows, Y has 1001") != NULL);
    po_mat few = po_mat_block(Y, 0, 0, 4, 3);
    o.bootstrap = 0;
    CHECK_STATUS(po_diagnose_run(&few, NULL, &o, &dg), PO_ESHAPE);
    CHECK(strstr(po_errmsg(), "more transitions") != NULL);
    o.bootstrap = 5;
    o.block = 600; /* 1000 transitions: one block */
    CHECK_STATUS(po_diagnose_run(Y, NULL, &o, &dg), PO_ESHAPE);
    CHECK(strstr(po_errmsg(), "at least 2 blocks of 600 transitions") != NULL);
    o.block = 200;
    o.method = PO_DIAG_LDS;
    o.latents = 4;
    CHECK_STATUS(po_diagnose_run(Y, NULL, &o, &dg), PO_EINVAL);
    CHECK(strstr(po_errmsg(), "latents (4) exceed") != NULL);
    o = quick_opts();
    PO_MAT_AT(Y, 17, 2) = (double)NAN;
    CHECK_STATUS(po_diagnose_run(Y, NULL, &o, &dg), PO_ENONFINITE);
    CHECK(strstr(po_errmsg(), "Y: non-finite value (nan) at row 17, column 2") != NULL);
    PO_MAT_AT(Y, 17, 2) = 0.0;
    po_mat *U2 = po_test_gaussian(1001, 2, 1.0, 4);
    PO_MAT_AT(U2, 3, 1) = (double)INFINITY;
    CHECK_STATUS(po_diagnose_run(Y, U2, &o, &dg), PO_ENONFINITE);
    CHECK(strstr(po_errmsg(), "U: non-finite value (inf) at row 3, column 1") != NULL);
    CHECK(dg == NULL);
    po_mat_free(U2);
    po_mat_free(U);
    po_mat_free(Y);
}

/* Columns idx of Y as a new matrix. */
static po_mat *columns(const po_mat *Y, const size_t *idx, size_t n)
{
    po_mat *S = po_mat_alloc(Y->rows, n);
    for (size_t t = 0; t < Y->rows; t++)
        for (size_t j = 0; j < n; j++) PO_MAT_AT(S, t, j) = PO_MAT_AT(Y, t, idx[j]);
    return S;
}

/* The refit of a subset from the full recording's sums equals a fresh
 * po_fit_ridge on the subset's columns (issue 11, "Done when"), linear and
 * tanh; the sums over two blocks add up to the sums over both. */
static void test_gram_refit_equals_ridge(void)
{
    size_t d = 12, T = 4000;
    po_mat *Y = record(PO_NET_GAUSSIAN, d, d, T, 5);
    if (!Y) return;
    const size_t idx[] = {1, 4, 5, 9, 11}, all[] = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11};
    for (int tanh_phi = 0; tanh_phi < 2; tanh_phi++) {
        po_ridge_opts ro = po_ridge_opts_defaults();
        ro.phi = tanh_phi ? PO_PHI_TANH : PO_PHI_LINEAR;
        po_dg_gram *g = po_dg_gram_alloc(d, 0), *g1 = po_dg_gram_alloc(d, 0),
                   *g2 = po_dg_gram_alloc(d, 0);
        CHECK_OK(po_dg_gram_compute(Y, NULL, ro.phi, ro.alpha, 0, T - 1, g));
        /* subset */
        po_mat *S = columns(Y, idx, 5), *Wr = po_mat_alloc(5, 5), *Wg = po_mat_alloc(5, 5);
        CHECK_OK(po_fit_ridge(S, &ro, Wr, NULL));
        CHECK_OK(po_dg_gram_fit(g, idx, 5, ro.alpha, ro.rho, Wg, NULL));
        CHECK(rel_err(Wg, Wr) < 1e-10);
        /* all neurons */
        po_mat *Fr = po_mat_alloc(d, d), *Fg = po_mat_alloc(d, d);
        CHECK_OK(po_fit_ridge(Y, &ro, Fr, NULL));
        CHECK_OK(po_dg_gram_fit(g, all, d, ro.alpha, ro.rho, Fg, NULL));
        CHECK(rel_err(Fg, Fr) < 1e-10);
        /* additivity over blocks */
        CHECK_OK(po_dg_gram_compute(Y, NULL, ro.phi, ro.alpha, 0, 1234, g1));
        CHECK_OK(po_dg_gram_compute(Y, NULL, ro.phi, ro.alpha, 1234, T - 1, g2));
        for (size_t i = 0; i < d; i++)
            for (size_t j = 0; j < d; j++) {
                PO_MAT_AT(g1->G, i, j) += PO_MAT_AT(g2->G, i, j);
                PO_MAT_AT(g1->B, i, j) += PO_MAT_AT(g2->B, i, j);
            }
        CHECK(rel_err(g1->G, g->G) < 1e-13);
        CHECK(rel_err(g1->B, g->B) < 1e-13);
        /* po_diagnose_run's full fit is the same student */
        po_diagnose_opts o = quick_opts();
        o.phi = ro.phi;
        o.bootstrap = 0;
        po_diagnose *dg = NULL;
        CHECK_OK(po_diagnose_run(Y, NULL, &o, &dg));
        if (dg) CHECK(rel_err(dg->model, Fr) < 1e-10);
        po_diagnose_free(dg);
        po_mat_free(Fr);
        po_mat_free(Fg);
        po_mat_free(S);
        po_mat_free(Wr);
        po_mat_free(Wg);
        po_dg_gram_free(g);
        po_dg_gram_free(g1);
        po_dg_gram_free(g2);
    }
    po_mat_free(Y);
}

/* With inputs, the sums' input columns are the inputs: a noise-free
 * recording driven by five inputs through W_in0 = [w, I] gives back W0 and
 * W_in0 (rho = 0) to rounding. */
static void test_gram_inputs(void)
{
    size_t d = 4, m = 5, T = 3000;
    po_mat *U = po_test_gaussian(T, m, 1.0, 8), *Y = po_mat_alloc(T, d);
    po_mat *W0 = po_test_gaussian(d, d, 0.3, 9), *Win0 = po_mat_alloc(d, m);
    const double w[] = {1.0, -0.5, 0.25, 2.0};
    for (size_t i = 0; i < d; i++) {
        PO_MAT_AT(Win0, i, 0) = w[i];
        PO_MAT_AT(Win0, i, i + 1) = 1.0;
    }
    double a = 0.1;
    for (size_t t = 0; t + 1 < T; t++)
        for (size_t i = 0; i < d; i++) {
            double s = 0.0;
            for (size_t j = 0; j < d; j++) s += PO_MAT_AT(W0, i, j) * PO_MAT_AT(Y, t, j);
            for (size_t j = 0; j < m; j++) s += PO_MAT_AT(Win0, i, j) * PO_MAT_AT(U, t, j);
            PO_MAT_AT(Y, t + 1, i) = (1 - a) * PO_MAT_AT(Y, t, i) + a * s;
        }
    po_dg_gram *g = po_dg_gram_alloc(d, m);
    CHECK_OK(po_dg_gram_compute(Y, U, PO_PHI_LINEAR, a, 0, T - 1, g));
    const size_t all[] = {0, 1, 2, 3};
    po_mat *W = po_mat_alloc(d, d), *Wi = po_mat_alloc(d, m);
    CHECK_OK(po_dg_gram_fit(g, all, d, a, 0.0, W, Wi));
    CHECK_MAT_CLOSE(W, W0, 0, 1e-9);
    CHECK_MAT_CLOSE(Wi, Win0, 0, 1e-9);
    po_mat_free(W);
    po_mat_free(Wi);
    po_mat_free(W0);
    po_mat_free(Win0);
    po_dg_gram_free(g);
    po_mat_free(U);
    po_mat_free(Y);
}

static bool same_bits(const double *a, const double *b, size_t n)
{
    return memcmp(a, b, n * sizeof *a) == 0;
}

typedef struct prog {
    size_t calls, last, total;
    bool monotone;
} prog;

static void on_progress(void *user, size_t done, size_t total)
{
    prog *p = user;
    if (done < p->last) p->monotone = false;
    p->calls++;
    p->last = done;
    p->total = total;
}

/* Subsampling and bootstrap: the same bits for 1 and 2 threads and for the
 * same seed, different for another seed; progress counts every refit. */
static void check_determinism(po_diagnose_method method)
{
    po_mat *Y = record(PO_NET_GAUSSIAN, 10, 6, 2401, 11);
    if (!Y) return;
    po_diagnose_opts o = quick_opts();
    o.method = method;
    o.latents = 2;
    o.lds_iters = 5;
    o.lds_refit_iters = 3;
    o.n_fractions = 3;
    o.fractions[0] = 0.5;
    o.fractions[1] = 0.75;
    o.fractions[2] = 1.0;
    o.subsets = 3;
    o.bootstrap = method == PO_DIAG_MAP ? 10 : 4;
    prog p = {.monotone = true};
    o.progress = on_progress;
    o.progress_user = &p;
    po_diagnose *a = NULL, *b = NULL, *c = NULL;
    CHECK_OK(po_diagnose_run(Y, NULL, &o, &a));
    CHECK(p.monotone && p.last == 2 * 3 + o.bootstrap && p.total == p.last);
    o.threads = 2;
    o.progress = NULL;
    CHECK_OK(po_diagnose_run(Y, NULL, &o, &b));
    o.seed += 1;
    CHECK_OK(po_diagnose_run(Y, NULL, &o, &c));
    if (a && b && c) {
        size_t n = a->n_fractions * a->subsets;
        CHECK(n == 9 && a->d_sub[0] == 3 && a->d_sub[1] == 5 && a->d_sub[2] == 6);
        CHECK(same_bits(a->las_sub, b->las_sub, n) && same_bits(a->tau1_sub, b->tau1_sub, n) &&
              same_bits(a->lambda1_sub, b->lambda1_sub, n));
        CHECK(same_bits(a->boot_las, b->boot_las, o.bootstrap) &&
              same_bits(a->boot_tau1, b->boot_tau1, o.bootstrap));
        CHECK(same_bits(a->trend_ci95, b->trend_ci95, 2) && same_bits(a->las_ci95, b->las_ci95, 2));
        CHECK(!same_bits(a->las_sub, c->las_sub, n));
        CHECK(!same_bits(a->boot_tau1, c->boot_tau1, o.bootstrap));
        /* fraction 1 is one fit repeated across its row: the full fit (map), or
         * for lds a refit with the subsets' iterations (the full fit ran more) */
        for (size_t r = 0; r < 3; r++) CHECK(a->las_sub[6 + r] == a->las_sub[6]);
        CHECK(a->las_sem[2] == 0.0 && a->las_mean[2] == a->las_sub[6]);
        if (method == PO_DIAG_MAP) CHECK(a->las_sub[6] == a->full->las);
        CHECK(a->verdict == a->passive_verdict && a->n_evidence >= 6 && a->reason[0] != '\0');
        if (method == PO_DIAG_LDS) {
            /* the neuron-space slow mode is C v_1: C^T of it is A_cont's eigenvector */
            CHECK(a->model->rows == 2 && a->emission && a->emission->cols == 2);
            double z[2] = {0, 0}, lam = a->full->re[0];
            for (size_t k = 0; k < 2; k++)
                for (size_t i = 0; i < 6; i++) z[k] += PO_MAT_AT(a->emission, i, k) * a->slow_right[i];
            CHECK_CLOSE(hypot(z[0], z[1]), 1.0, 1e-10, 0);
            for (size_t k = 0; a->full->im[0] == 0.0 && k < 2; k++)
                CHECK_CLOSE(PO_MAT_AT(a->model, k, 0) * z[0] + PO_MAT_AT(a->model, k, 1) * z[1],
                            lam * z[k], 0, 1e-10);
        }
    }
    po_diagnose_free(a);
    po_diagnose_free(b);
    po_diagnose_free(c);
    po_mat_free(Y);
}

static void test_deterministic_map(void) { check_determinism(PO_DIAG_MAP); }
static void test_deterministic_lds(void) { check_determinism(PO_DIAG_LDS); }

/* The run's statistics follow from its own refits: per-fraction mean, SEM
 * and median, the trend = the OLS of LAS on log(fraction) over the refits
 * (the full fit once), the bootstrap intervals = numpy percentiles. */
static void test_statistics_of_refits(void)
{
    po_mat *Y = record(PO_NET_LINE_ATTRACTOR, 10, 8, 2401, 12);
    if (!Y) return;
    po_diagnose_opts o = quick_opts();
    po_diagnose *dg = NULL;
    CHECK_OK(po_diagnose_run(Y, NULL, &o, &dg));
    if (dg) {
        size_t R = dg->subsets, n = 0;
        double x[128], y[128];
        CHECK(dg->n_fractions == 8 && R == 4);
        for (size_t k = 0; k < dg->n_fractions; k++) {
            size_t nk = dg->fractions[k] < 1.0 ? R : 1;
            double m = 0.0, ss = 0.0;
            for (size_t r = 0; r < nk; r++) m += dg->las_sub[k * R + r] / (double)nk;
            for (size_t r = 0; r < nk; r++)
                ss += (dg->las_sub[k * R + r] - m) * (dg->las_sub[k * R + r] - m);
            CHECK_CLOSE(dg->las_mean[k], m, 1e-12, 1e-14);
            CHECK_CLOSE(dg->las_sem[k], nk > 1 ? sqrt(ss / (double)(nk - 1) / (double)nk) : 0.0,
                        1e-12, 1e-14);
            for (size_t r = 0; r < nk; r++, n++) {
                x[n] = log(dg->fractions[k]);
                y[n] = dg->las_sub[k * R + r];
            }
        }
        CHECK(n == 7 * 4 + 1);
        double mx = 0, my = 0, sxx = 0, sxy = 0;
        for (size_t i = 0; i < n; i++) {
            mx += x[i] / (double)n;
            my += y[i] / (double)n;
        }
        for (size_t i = 0; i < n; i++) {
            sxx += (x[i] - mx) * (x[i] - mx);
            sxy += (x[i] - mx) * (y[i] - my);
        }
        CHECK_CLOSE(dg->trend_slope, sxy / sxx, 1e-10, 1e-12);
        double boot[12];
        memcpy(boot, dg->boot_las, sizeof boot);
        CHECK(dg->las_ci95[0] == po_dg_percentile(boot, 12, 2.5));
        CHECK(dg->las_ci95[0] <= dg->full->las + 10 && dg->las_ci95[0] <= dg->las_ci95[1]);
        /* the slow mode: eigenvectors of lambda_1, unit norm, signs as documented */
        size_t d = dg->n_neurons;
        double lam = dg->full->re[0], nr = 0, nl = 0, dl = 0, big = 0;
        CHECK(dg->full->im[0] == 0.0);
        for (size_t i = 0; i < d; i++) {
            double wr = 0, wl = 0;
            for (size_t j = 0; j < d; j++) {
                wr += PO_MAT_AT(dg->model, i, j) * dg->slow_right[j];
                wl += PO_MAT_AT(dg->model, j, i) * dg->slow_left[j];
            }
            CHECK_CLOSE(wr, lam * dg->slow_right[i], 0, 1e-10);
            CHECK_CLOSE(wl, lam * dg->slow_left[i], 0, 1e-10);
            nr += dg->slow_right[i] * dg->slow_right[i];
            nl += dg->slow_left[i] * dg->slow_left[i];
            dl += dg->slow_left[i] * dg->slow_right[i];
            if (fabs(dg->slow_right[i]) > fabs(big)) big = dg->slow_right[i];
        }
        CHECK_CLOSE(nr, 1.0, 1e-12, 0);
        CHECK_CLOSE(nl, 1.0, 1e-12, 0);
        CHECK(dl > 0 && big > 0);
        /* the residual's autocorrelation, recomputed from its definition */
        size_t T = Y->rows;
        double *e = malloc((T - 1) * sizeof *e), a = o.alpha;
        for (size_t t = 0; t + 1 < T; t++) {
            double s = 0;
            for (size_t i = 0; i < d; i++) {
                double r = PO_MAT_AT(Y, t + 1, i) - (1 - a) * PO_MAT_AT(Y, t, i);
                for (size_t j = 0; j < d; j++) r -= a * PO_MAT_AT(dg->model, i, j) * PO_MAT_AT(Y, t, j);
                s += dg->slow_left[i] * r;
            }
            e[t] = s;
        }
        double ma = 0, mb = 0, sab = 0, saa = 0, sbb = 0;
        for (size_t t = 0; t + 2 < T; t++) {
            ma += e[t] / (double)(T - 2);
            mb += e[t + 1] / (double)(T - 2);
        }
        for (size_t t = 0; t + 2 < T; t++) {
            sab += (e[t] - ma) * (e[t + 1] - mb);
            saa += (e[t] - ma) * (e[t] - ma);
            sbb += (e[t + 1] - mb) * (e[t + 1] - mb);
        }
        CHECK_CLOSE(dg->residual_autocorr, sab / sqrt(saa * sbb), 1e-8, 1e-10);
        free(e);
    }
    po_diagnose_free(dg);
    po_mat_free(Y);
}

/* OLS slope and interval on a constructed case: scipy.stats.linregress
 * (scipy 1.10.1) of y on log(x) below gives slope 1.2269131556032198,
 * stderr 0.16367653710017493, and with t.ppf(0.975, 8) the interval
 * [0.8494743842422735, 1.6043519269641662]. */
static void test_trend_ols(void)
{
    const double f[] = {0.3, 0.3, 0.3, 0.5, 0.5, 0.5, 0.8, 0.8, 0.8, 1.0};
    const double y[] = {1.2, 1.5, 1.1, 1.9, 2.3, 1.7, 2.4, 2.6, 2.2, 2.9};
    double x[10], slope, ci[2];
    for (int i = 0; i < 10; i++) x[i] = log(f[i]);
    po_dg_ols_slope(x, y, 10, &slope, ci);
    CHECK_CLOSE(slope, 1.2269131556032198, 1e-13, 0);
    /* scipy's t.ppf is accurate to ~1e-10 only (test_student_t) */
    CHECK_CLOSE(ci[0], 0.8494743842422735, 1e-9, 0);
    CHECK_CLOSE(ci[1], 1.6043519269641662, 1e-9, 0);
    /* an exact line: slope 2, zero-width interval */
    double yl[10];
    for (int i = 0; i < 10; i++) yl[i] = 3.0 + 2.0 * x[i];
    po_dg_ols_slope(x, yl, 10, &slope, ci);
    CHECK_CLOSE(slope, 2.0, 1e-13, 0);
    CHECK_CLOSE(ci[1] - ci[0], 0.0, 0, 1e-12);
}

/* Student's t quantiles against scipy.stats.t.ppf (scipy 1.10.1, printed
 * with repr by /usr/bin/python3 when this test was written). scipy's own
 * values are accurate to ~1e-10 only: for nu = 1 and 2, where the quantile
 * has a closed form (tan(pi (p - 1/2)), (2p - 1) / sqrt(2 p (1 - p))), scipy
 * is 2.6e-10 and 1.6e-10 off, so the comparison uses rtol 1e-9 and the
 * closed forms are checked to rounding. */
static void test_student_t(void)
{
    const struct { double p, nu, want; } c[] = {
        {0.975, 1, 12.706204736432095},   {0.975, 2, 4.302652729911275},
        {0.975, 5, 2.5705818366147395},   {0.975, 10, 2.2281388519649385},
        {0.975, 30, 2.0422724563012373},  {0.975, 78, 1.990847068555052},
        {0.975, 178, 1.9733808885447028}, {0.975, 1000, 1.9623390808264074},
        {0.9, 3.5, 1.5765766039594717},   {0.025, 7, -2.3646242510103},
        {0.999, 4, 7.173182214917768},
    };
    for (size_t i = 0; i < sizeof c / sizeof c[0]; i++)
        CHECK_CLOSE(po_dg_student_t_quantile(c[i].p, c[i].nu), c[i].want, 1e-9, 0);
    const double pi = 3.14159265358979323846;
    for (double p = 0.6; p < 0.999; p += 0.0625) {
        CHECK_CLOSE(po_dg_student_t_quantile(p, 1), tan(pi * (p - 0.5)), 1e-13, 0);
        CHECK_CLOSE(po_dg_student_t_quantile(p, 2), (2 * p - 1) / sqrt(2 * p * (1 - p)), 1e-13, 0);
    }
    CHECK(po_dg_student_t_quantile(0.5, 3) == 0.0);
    CHECK(isnan(po_dg_student_t_quantile(1.0, 3)));
}

/* numpy.percentile (numpy 1.24.2, default linear method) of these arrays. */
static void test_percentile(void)
{
    double x[] = {3.0, -1.0, 2.5, 7.25, 0.5, 4.0, -2.0};
    const double q[] = {2.5, 50, 97.5, 10, 90};
    const double want[] = {-1.85, 2.5, 6.762499999999999, -1.4, 5.300000000000001};
    for (int i = 0; i < 5; i++) CHECK(po_dg_percentile(x, 7, q[i]) == want[i]);
    double y[] = {0.1, 0.7, 1.9, 2.2, 3.9, 5.2, -0.3, 8.8};
    CHECK(po_dg_percentile(y, 8, 2.5) == -0.22999999999999998);
    CHECK(po_dg_percentile(y, 8, 97.5) == 8.170000000000002);
    CHECK(po_dg_percentile(y, 8, 50) == 2.05);
    CHECK(po_dg_percentile(y, 8, 100) == 8.8 && po_dg_percentile(y, 8, 0) == -0.3);
    CHECK(isnan(po_dg_percentile(y, 0, 50)));
}

/* The protocol's STIM = signal (x) pattern, shape-checked (or an error when
 * the experiment part designed none). */
static void test_protocol_stim(void)
{
    po_mat *Y = record(PO_NET_GAUSSIAN, 10, 4, 1201, 13);
    if (!Y) return;
    po_diagnose_opts o = quick_opts();
    po_diagnose *dg = NULL;
    CHECK_OK(po_diagnose_run(Y, NULL, &o, &dg));
    po_mat *bad = po_mat_alloc(3, 4);
    CHECK_STATUS(po_diagnose_protocol_stim(NULL, bad), PO_EINVAL);
    if (dg && dg->protocol.signal) {
        po_mat *S = po_mat_alloc(dg->protocol.steps, 4);
        CHECK_OK(po_diagnose_protocol_stim(dg, S));
        size_t t = dg->protocol.pulse_steps / 2;
        CHECK(PO_MAT_AT(S, t, 1) == dg->protocol.signal[t] * dg->protocol.pattern[1]);
        CHECK_STATUS(po_diagnose_protocol_stim(dg, bad), PO_ESHAPE);
        po_mat_free(S);
    } else if (dg) {
        CHECK_STATUS(po_diagnose_protocol_stim(dg, bad), PO_EINVAL);
    }
    CHECK_STATUS(po_diagnose_perturbation(dg, NULL, bad, &o), PO_EINVAL);
    po_mat_free(bad);
    po_diagnose_free(dg);
    po_mat_free(Y);
}

/* Sanity on ground truth (not a calibration): a line-attractor teacher
 * observed on 20 of 200 neurons shows a slow mode (LAS > 1), a gaussian
 * teacher does not. */
static void test_teachers(void)
{
    po_diagnose_opts o = quick_opts();
    o.block = 0;
    o.bootstrap = 20;
    o.threads = 2;
    po_mat *Y = record(PO_NET_LINE_ATTRACTOR, 200, 20, 20000, 14);
    po_diagnose *dg = NULL;
    if (Y) CHECK_OK(po_diagnose_run(Y, NULL, &o, &dg));
    if (dg) {
        CHECK(dg->full->las > 1.0);
        CHECK(dg->block == 1000 && dg->bootstrap == 20);
        CHECK(dg->verdict != PO_DIAG_NO_SLOW_MODE);
    }
    po_diagnose_free(dg);
    po_mat_free(Y);
    dg = NULL;
    Y = record(PO_NET_GAUSSIAN, 200, 20, 20000, 15);
    if (Y) CHECK_OK(po_diagnose_run(Y, NULL, &o, &dg));
    if (dg) {
        CHECK(dg->full->las < 1.0);
        CHECK(dg->verdict == PO_DIAG_NO_SLOW_MODE);
        CHECK(strstr(dg->reason, "no slow mode") != NULL);
    }
    po_diagnose_free(dg);
    po_mat_free(Y);
}

int main(void)
{
    po_blas_set_threads(1);
    PO_RUN(test_names);
    PO_RUN(test_opts_check);
    PO_RUN(test_input_errors);
    PO_RUN(test_gram_refit_equals_ridge);
    PO_RUN(test_gram_inputs);
    PO_RUN(test_deterministic_map);
    PO_RUN(test_deterministic_lds);
    PO_RUN(test_statistics_of_refits);
    PO_RUN(test_trend_ols);
    PO_RUN(test_student_t);
    PO_RUN(test_percentile);
    PO_RUN(test_protocol_stim);
    PO_RUN(test_teachers);
    return po_test_finish();
}
