/* Simulation (SPEC.md §1.1-1.4) and partial observation (SPEC.md §3). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"

/* A committed fixture of tools/fixtures_sim.py, checked for its shape. */
static po_mat *load_fixture(const char *name, size_t rows, size_t cols)
{
    po_mat *m = po_test_load(name);
    if (m && (m->rows != rows || m->cols != cols)) {
        po_mat_free(m);
        m = NULL;
    }
    return m;
}

static po_sim_opts quiet_opts(size_t T)
{
    po_sim_opts o = po_sim_opts_defaults();
    o.T = T;
    return o;
}

static void test_defaults_and_names(void)
{
    po_sim_opts o = po_sim_opts_defaults();
    CHECK(o.T >= 2 && o.alpha == 0.01 && o.g == 1.0 && o.noise == 0.2 && o.input_gain == 0.1);
    CHECK(o.ic_scale == 1.0 && o.seed == PO_DEFAULT_SEED && o.phi == PO_PHI_LINEAR);
    CHECK(o.leaky == PO_LEAKY_CURRENT && po_sim_opts_check(&o) == NULL);
    po_phi phi;
    po_leaky leaky;
    CHECK_OK(po_phi_from_name("tanh", &phi));
    CHECK(phi == PO_PHI_TANH && strcmp(po_phi_name(phi), "tanh") == 0);
    CHECK_OK(po_phi_from_name("linear", &phi));
    CHECK(phi == PO_PHI_LINEAR && strcmp(po_phi_name(phi), "linear") == 0);
    CHECK_STATUS(po_phi_from_name("relu", &phi), PO_EINVAL);
    CHECK(strstr(po_errmsg(), "relu") != NULL);
    CHECK_STATUS(po_phi_from_name(NULL, &phi), PO_EINVAL);
    CHECK_OK(po_leaky_from_name("rate", &leaky));
    CHECK(leaky == PO_LEAKY_RATE && strcmp(po_leaky_name(leaky), "rate") == 0);
    CHECK_OK(po_leaky_from_name("current", &leaky));
    CHECK(leaky == PO_LEAKY_CURRENT && strcmp(po_leaky_name(leaky), "current") == 0);
    CHECK_STATUS(po_leaky_from_name("voltage", &leaky), PO_EINVAL);
    CHECK(strcmp(po_phi_name((po_phi)7), "unknown") == 0);
    CHECK(strcmp(po_leaky_name((po_leaky)7), "unknown") == 0);
}

/* SLEEF's tanh is within 1 ulp of the correctly rounded value, for every
 * length (vector body and remainder) and in place. */
static void test_phi_tanh(void)
{
    double x[37], y[37], z[37];
    for (size_t i = 0; i < 37; i++) x[i] = -20.0 + 1.1 * (double)i + 1e-3 * (double)(i * i);
    x[0] = 0.0;
    x[1] = 1e-300;
    x[2] = -700.0;
    for (size_t n = 0; n <= 37; n++) {
        for (size_t i = 0; i < 37; i++) y[i] = 99.0;
        po_phi_apply(PO_PHI_TANH, x, y, n);
        for (size_t i = 0; i < n; i++) CHECK_CLOSE(y[i], tanh(x[i]), 2.3e-16, 0.0);
        for (size_t i = n; i < 37; i++) CHECK(y[i] == 99.0);
    }
    memcpy(z, x, sizeof z);
    po_phi_apply(PO_PHI_TANH, z, z, 37);
    CHECK(memcmp(z, y, sizeof z) == 0);
    po_phi_apply(PO_PHI_LINEAR, x, y, 37);
    CHECK(memcmp(x, y, sizeof y) == 0);
    po_phi_apply(PO_PHI_LINEAR, y, y, 37);
    CHECK(memcmp(x, y, sizeof y) == 0);
}

/* Noiseless linear dynamics: x_t = A^t x0 with A = (1 - alpha) I + alpha g W,
 * the same matrix for both leaky forms when phi is the identity. */
static void test_linear_closed_form(void)
{
    size_t D = 7, T = 60;
    po_mat *W = po_test_gaussian(D, D, 0.5, 1);
    po_mat *A = po_mat_alloc(D, D), *want = po_mat_alloc(T, D), *X = po_mat_alloc(T, D);
    double alpha = 0.1, g = 0.9;
    for (size_t i = 0; i < D; i++)
        for (size_t j = 0; j < D; j++)
            PO_MAT_AT(A, i, j) = (i == j ? 1.0 - alpha : 0.0) + alpha * g * PO_MAT_AT(W, i, j);
    double x0[7] = {1.0, -0.5, 0.25, 2.0, -1.0, 0.1, 0.7};
    memcpy(want->data, x0, sizeof x0);
    for (size_t t = 1; t < T; t++)
        for (size_t i = 0; i < D; i++) {
            double s = 0.0;
            for (size_t j = 0; j < D; j++) s += PO_MAT_AT(A, i, j) * PO_MAT_AT(want, t - 1, j);
            PO_MAT_AT(want, t, i) = s;
        }
    po_linop *op;
    CHECK_OK(po_linop_dense(W, &op));
    po_sim_opts o = quiet_opts(T);
    o.alpha = alpha;
    o.g = g;
    o.noise = 0.0;
    po_sim_inputs in = {.x0 = x0};
    for (int rate = 0; rate < 2; rate++) {
        o.leaky = rate ? PO_LEAKY_RATE : PO_LEAKY_CURRENT;
        po_mat_set_zero(X);
        CHECK_OK(po_sim_run(op, &o, &in, X));
        CHECK_MAT_CLOSE(X, want, 1e-12, 1e-14);
    }
    po_linop_free(op);
    po_mat_free(W);
    po_mat_free(A);
    po_mat_free(want);
    po_mat_free(X);
}

/* Drawing the process noise row by row from the stream and passing it as xi
 * reproduces the run bit for bit; x0 comes from the IC stream. */
static void test_replay_noise(void)
{
    size_t D = 9, T = 40;
    po_mat *W = po_test_gaussian(D, D, 0.4, 2);
    po_mat *X1 = po_mat_alloc(T, D), *X2 = po_mat_alloc(T, D), *xi = po_mat_alloc(T - 1, D);
    po_linop *op;
    CHECK_OK(po_linop_dense(W, &op));
    po_sim_opts o = quiet_opts(T);
    o.phi = PO_PHI_TANH;
    o.seed = 77;
    o.ic_scale = 0.5;
    CHECK_OK(po_sim_run(op, &o, NULL, X1));
    double x0[9];
    po_sim_draw_ic(77, 0.5, x0, D);
    CHECK(memcmp(x0, X1->data, sizeof x0) == 0);
    po_rng rng;
    po_rng_init(&rng, 77, PO_STREAM_PROCESS_NOISE);
    for (size_t t = 0; t + 1 < T; t++) po_rng_fill_normal(&rng, &PO_MAT_AT(xi, t, 0), D, 1, 1.0);
    po_sim_inputs in = {.x0 = x0, .xi = xi};
    CHECK_OK(po_sim_run(op, &o, &in, X2));
    CHECK(memcmp(X1->data, X2->data, T * D * sizeof(double)) == 0);
    /* a different seed gives a different run */
    o.seed = 78;
    CHECK_OK(po_sim_run(op, &o, NULL, X2));
    CHECK(memcmp(X1->data, X2->data, T * D * sizeof(double)) != 0);
    po_linop_free(op);
    po_mat_free(W);
    po_mat_free(X1);
    po_mat_free(X2);
    po_mat_free(xi);
}

/* One leaky-rate tanh step written out by hand. */
static void test_rate_one_step(void)
{
    double w[4] = {0.5, -1.5, 2.0, 0.25}, x0[2] = {0.3, -0.8};
    double xi_data[2] = {1.0, -2.0};
    po_mat W = po_mat_view(w, 2, 2, 2), xi = po_mat_view(xi_data, 1, 2, 2);
    po_mat *X = po_mat_alloc(2, 2);
    po_linop *op;
    CHECK_OK(po_linop_dense(&W, &op));
    po_sim_opts o = quiet_opts(2);
    o.phi = PO_PHI_TANH;
    o.leaky = PO_LEAKY_RATE;
    o.alpha = 0.2;
    o.g = 1.5;
    o.noise = 0.3;
    po_sim_inputs in = {.x0 = x0, .xi = &xi};
    CHECK_OK(po_sim_run(op, &o, &in, X));
    for (size_t i = 0; i < 2; i++) {
        double u = 1.5 * (w[2 * i] * x0[0] + w[2 * i + 1] * x0[1]);
        double want = x0[i] + 0.2 * (tanh(u) - x0[i] + 0.3 * xi_data[i]);
        CHECK_CLOSE(PO_MAT_AT(X, 1, i), want, 1e-15, 0.0);
    }
    po_linop_free(op);
    po_mat_free(X);
}

/* With W = 0 and no noise the input path alone drives the state:
 * x_{t+1} = (1 - alpha) x_t + alpha input_gain s_t w_in. */
static void test_input_signal(void)
{
    size_t D = 3, T = 25;
    po_mat *W = po_mat_alloc(D, D), *X = po_mat_alloc(T, D), *s = po_mat_alloc(T, 1);
    for (size_t t = 0; t < T; t++) PO_MAT_AT(s, t, 0) = sin(0.3 * (double)t);
    double w_in[3] = {1.0, -2.0, 0.5}, x0[3] = {0.0, 0.0, 1.0}, x[3];
    po_linop *op;
    CHECK_OK(po_linop_dense(W, &op));
    po_sim_opts o = quiet_opts(T);
    o.noise = 0.0;
    o.alpha = 0.1;
    o.input_gain = 0.7;
    po_sim_inputs in = {.x0 = x0, .signal = s, .w_in = w_in};
    CHECK_OK(po_sim_run(op, &o, &in, X));
    memcpy(x, x0, sizeof x);
    for (size_t t = 1; t < T; t++)
        for (size_t i = 0; i < D; i++) {
            x[i] = 0.9 * x[i] + 0.1 * 0.7 * PO_MAT_AT(s, t - 1, 0) * w_in[i];
            CHECK_CLOSE(PO_MAT_AT(X, t, i), x[i], 1e-13, 1e-15);
        }
    po_linop_free(op);
    po_mat_free(W);
    po_mat_free(X);
    po_mat_free(s);
}

/* The NumPy loop of tools/fixtures_sim.py (tanh, input, replayed noise). */
static void test_numpy_reference(void)
{
    size_t D = 20, T = 200;
    po_mat *W = load_fixture("sim_W.npy", D, D), *x0 = load_fixture("sim_x0.npy", D, 1);
    po_mat *xi = load_fixture("sim_xi.npy", T, D), *s = load_fixture("sim_signal.npy", T, 1);
    po_mat *w_in = load_fixture("sim_w_in.npy", D, 1), *par = load_fixture("sim_params.npy", 4, 1);
    po_mat *Xc = load_fixture("sim_X_current.npy", T, D), *Xr = load_fixture("sim_X_rate.npy", T, D);
    CHECK(W && x0 && xi && s && w_in && par && Xc && Xr);
    if (W && x0 && xi && s && w_in && par && Xc && Xr) {
        po_mat *X = po_mat_alloc(T, D);
        po_linop *op;
        CHECK_OK(po_linop_dense(W, &op));
        po_sim_opts o = quiet_opts(T);
        o.phi = PO_PHI_TANH;
        o.alpha = par->data[0];
        o.g = par->data[1];
        o.noise = par->data[2];
        o.input_gain = par->data[3];
        po_sim_inputs in = {.x0 = x0->data, .xi = xi, .signal = s, .w_in = w_in->data};
        CHECK_OK(po_sim_run(op, &o, &in, X));
        CHECK_MAT_CLOSE(X, Xc, 1e-12, 1e-13);
        o.leaky = PO_LEAKY_RATE;
        CHECK_OK(po_sim_run(op, &o, &in, X));
        CHECK_MAT_CLOSE(X, Xr, 1e-12, 1e-13);
        po_linop_free(op);
        po_mat_free(X);
    }
    po_mat *all[] = {W, x0, xi, s, w_in, par, Xc, Xr};
    for (size_t k = 0; k < 8; k++) po_mat_free(all[k]);
}

static void check_same_as_dense(const po_linop *op, const po_mat *W)
{
    size_t D = W->rows;
    double *x = malloc(D * sizeof *x), *y = malloc(D * sizeof *y), *want = calloc(D, sizeof *want);
    for (size_t j = 0; j < D; j++) x[j] = cos(1.0 + (double)j);
    double nrm = 0.0;
    for (size_t i = 0; i < D; i++) {
        for (size_t j = 0; j < D; j++) want[i] += PO_MAT_AT(W, i, j) * x[j];
        nrm = fmax(nrm, fabs(want[i]));
    }
    po_linop_apply(op, x, y);
    CHECK(po_linop_dim(op) == D);
    CHECK_ALLCLOSE(y, want, D, 0.0, 1e-13 * nrm);
    free(x);
    free(y);
    free(want);
}

static void test_linops(void)
{
    size_t D = 120, r = 2;
    po_rng rng;
    po_rng_init(&rng, 5, PO_STREAM_FIT);
    po_mat *M = po_test_gaussian(D, r, 1.0, 3), *N = po_test_gaussian(D, r, 1.0, 4);
    po_mat *L = po_mat_alloc(D, D), *C = po_mat_alloc(D, D), *G = po_test_gaussian(D, D, 0.1, 6);
    for (size_t i = 0; i < D; i++)
        for (size_t j = 0; j < D; j++)
            for (size_t k = 0; k < r; k++) PO_MAT_AT(L, i, j) += PO_MAT_AT(M, i, k) * PO_MAT_AT(N, j, k);
    for (size_t i = 0; i + 1 < D; i++) PO_MAT_AT(C, i, i + 1) = 1.0;
    for (size_t j = 2; j < D; j++) PO_MAT_AT(C, 0, j) = 0.5; /* chain with skips */

    po_linop *op;
    CHECK_OK(po_linop_lowrank(M, N, &op));
    CHECK(strcmp(po_linop_kind(op), "lowrank") == 0 && po_linop_size_param(op) == r);
    check_same_as_dense(op, L);
    po_linop_free(op);
    CHECK_OK(po_linop_sparse(C, &op));
    CHECK(strcmp(po_linop_kind(op), "sparse") == 0 && po_linop_size_param(op) == 2 * D - 3);
    check_same_as_dense(op, C);
    po_linop_free(op);
    CHECK_OK(po_linop_dense(G, &op));
    CHECK(strcmp(po_linop_kind(op), "dense") == 0 && po_linop_size_param(op) == D * D);
    check_same_as_dense(op, G);
    po_linop_free(op);

    CHECK_OK(po_linop_auto(C, &rng, &op));
    CHECK(strcmp(po_linop_kind(op), "sparse") == 0);
    check_same_as_dense(op, C);
    po_linop_free(op);
    CHECK_OK(po_linop_auto(L, &rng, &op));
    CHECK(strcmp(po_linop_kind(op), "lowrank") == 0 && po_linop_size_param(op) == r);
    check_same_as_dense(op, L);
    po_linop_free(op);
    CHECK_OK(po_linop_auto(G, &rng, &op));
    CHECK(strcmp(po_linop_kind(op), "dense") == 0);
    check_same_as_dense(op, G);
    po_linop_free(op);
    /* rank D/10 + 1 is just too high for the low-rank form */
    po_mat *M13 = po_test_gaussian(D, 13, 1.0, 7), *L13 = po_mat_alloc(D, D);
    for (size_t i = 0; i < D; i++)
        for (size_t j = 0; j < D; j++)
            for (size_t k = 0; k < 13; k++)
                PO_MAT_AT(L13, i, j) += PO_MAT_AT(M13, i, k) * PO_MAT_AT(M13, j, k);
    CHECK_OK(po_linop_auto(L13, &rng, &op));
    CHECK(strcmp(po_linop_kind(op), "dense") == 0);
    po_linop_free(op);
    /* an all-zero W is sparse with nothing stored */
    po_mat_set_zero(L13);
    CHECK_OK(po_linop_auto(L13, &rng, &op));
    CHECK(strcmp(po_linop_kind(op), "sparse") == 0 && po_linop_size_param(op) == 0);
    check_same_as_dense(op, L13);
    po_linop_free(op);

    /* a simulation through the low-rank operator matches the dense one */
    po_mat *X1 = po_mat_alloc(50, D), *X2 = po_mat_alloc(50, D);
    po_sim_opts o = quiet_opts(50);
    o.phi = PO_PHI_TANH;
    po_linop *dense, *low;
    CHECK_OK(po_linop_dense(L, &dense));
    CHECK_OK(po_linop_lowrank(M, N, &low));
    CHECK_OK(po_sim_run(dense, &o, NULL, X1));
    CHECK_OK(po_sim_run(low, &o, NULL, X2));
    CHECK_MAT_CLOSE(X2, X1, 1e-12, 1e-13);
    po_linop_free(dense);
    po_linop_free(low);
    po_mat *all[] = {M, N, L, C, G, M13, L13, X1, X2};
    for (size_t k = 0; k < 9; k++) po_mat_free(all[k]);
}

/* The threaded dense kernel gives the same bits as the one-thread path (both
 * sum each row in the same fixed order), for both leaky forms and uneven row
 * splits, and agrees with a BLAS matrix-vector product to rounding. */
static void test_threaded_dense(void)
{
    size_t D = 301, T = 120;
    po_mat *W = po_test_gaussian(D, D, 1.5 / sqrt((double)D), 11);
    po_mat *X1 = po_mat_alloc(T, D), *X2 = po_mat_alloc(T, D), *s = po_mat_alloc(T, 1);
    double *w_in = malloc(D * sizeof *w_in);
    for (size_t i = 0; i < D; i++) w_in[i] = cos((double)i);
    for (size_t t = 0; t < T; t++) PO_MAT_AT(s, t, 0) = sin(0.1 * (double)t);
    po_linop *op;
    CHECK_OK(po_linop_dense(W, &op));
    po_sim_opts o = quiet_opts(T);
    o.phi = PO_PHI_TANH;
    o.alpha = 0.1;
    po_sim_inputs in = {.signal = s, .w_in = w_in};
    for (int rate = 0; rate < 2; rate++)
        for (size_t n = 2; n <= 3; n++) {
            o.leaky = rate ? PO_LEAKY_RATE : PO_LEAKY_CURRENT;
            o.threads = 1;
            CHECK_OK(po_sim_run(op, &o, &in, X1));
            o.threads = n;
            CHECK_OK(po_sim_run(op, &o, &in, X2));
            CHECK(memcmp(X1->data, X2->data, T * D * sizeof(double)) == 0);
        }
    /* replay is bit-identical in the threaded path too */
    po_mat *xi = po_mat_alloc(T - 1, D);
    po_rng rng;
    po_rng_init(&rng, o.seed, PO_STREAM_PROCESS_NOISE);
    po_rng_fill_normal(&rng, xi->data, (T - 1) * D, 1, 1.0);
    po_sim_inputs rin = {.x0 = X2->data, .xi = xi, .signal = s, .w_in = w_in};
    CHECK_OK(po_sim_run(op, &o, &rin, X1));
    CHECK(memcmp(X1->data, X2->data, T * D * sizeof(double)) == 0);
    po_linop_free(op);
    /* blow-up is reported with its step */
    po_mat_set_identity(W);
    CHECK_OK(po_linop_dense(W, &op));
    o.phi = PO_PHI_LINEAR;
    o.alpha = 1.0;
    o.g = 1e100; /* x_t ~ 1e100^t: overflows at step 4 */
    o.threads = 2;
    CHECK_STATUS(po_sim_run(op, &o, NULL, X1), PO_ENONFINITE);
    CHECK(strstr(po_errmsg(), "step 4 of") != NULL);
    po_linop_free(op);
    po_mat *all[] = {W, X1, X2, s, xi};
    for (size_t k = 0; k < 5; k++) po_mat_free(all[k]);
    free(w_in);
}

static void count_progress(void *user, size_t done, size_t total)
{
    size_t *c = user;
    c[0]++;
    c[1] = done;
    c[2] = total;
}

static void test_progress(void)
{
    size_t D = 4, T = 1001, calls[3] = {0, 0, 0};
    po_mat *W = po_mat_alloc(D, D), *X = po_mat_alloc(T, D);
    po_linop *op;
    CHECK_OK(po_linop_dense(W, &op));
    po_sim_opts o = quiet_opts(T);
    o.progress = count_progress;
    o.progress_user = calls;
    CHECK_OK(po_sim_run(op, &o, NULL, X));
    CHECK(calls[0] == 100 && calls[1] == T - 1 && calls[2] == T - 1);
    o.threads = 2;
    calls[0] = 0;
    CHECK_OK(po_sim_run(op, &o, NULL, X));
    CHECK(calls[0] == 100 && calls[1] == T - 1 && calls[2] == T - 1);
    po_linop_free(op);
    po_mat_free(W);
    po_mat_free(X);
}

static void test_observe(void)
{
    size_t T = 30, D = 6;
    po_mat *X = po_test_gaussian(T, D, 1.0, 8), *Y = po_mat_alloc(T, 3), *Y2 = po_mat_alloc(T, 3);
    po_observe_opts o = po_observe_opts_defaults();
    CHECK(o.obs_noise == 0.0 && o.index == NULL && o.seed == PO_DEFAULT_SEED);
    o.d = 3;
    CHECK_OK(po_observe(X, &o, Y));
    po_mat first = po_mat_block(X, 0, 0, T, 3);
    CHECK(po_mat_max_abs_diff(Y, &first) == 0.0);
    size_t idx[3] = {5, 0, 5};
    o.index = idx;
    CHECK_OK(po_observe(X, &o, Y));
    for (size_t t = 0; t < T; t++)
        CHECK(PO_MAT_AT(Y, t, 0) == PO_MAT_AT(X, t, 5) && PO_MAT_AT(Y, t, 1) == PO_MAT_AT(X, t, 0) &&
              PO_MAT_AT(Y, t, 2) == PO_MAT_AT(X, t, 5));
    o.obs_noise = 0.25;
    o.seed = 9;
    CHECK_OK(po_observe(X, &o, Y));
    CHECK_OK(po_observe(X, &o, Y2));
    CHECK(memcmp(Y->data, Y2->data, T * 3 * sizeof(double)) == 0);
    po_rng rng;
    po_rng_init(&rng, 9, PO_STREAM_OBS_NOISE);
    for (size_t t = 0; t < T; t++)
        for (size_t k = 0; k < 3; k++) {
            double want = PO_MAT_AT(X, t, idx[k]) + 0.25 * po_rng_normal(&rng);
            CHECK(PO_MAT_AT(Y, t, k) == want);
        }
    o.seed = 10;
    CHECK_OK(po_observe(X, &o, Y2));
    CHECK(memcmp(Y->data, Y2->data, T * 3 * sizeof(double)) != 0);
    po_mat_free(X);
    po_mat_free(Y);
    po_mat_free(Y2);
}

static void test_errors(void)
{
    size_t D = 4, T = 10;
    po_mat *W = po_mat_alloc(D, D), *R = po_mat_alloc(D, D + 1), *X = po_mat_alloc(T, D);
    po_mat *bad = po_mat_alloc(T, D + 1), *s = po_mat_alloc(T, 1), *s2 = po_mat_alloc(T, 2);
    po_mat *xi_short = po_mat_alloc(T - 2, D);
    po_mat empty = po_mat_view(NULL, 0, 0, 0);
    po_linop *op = NULL;
    po_rng rng;
    po_rng_init(&rng, 1, PO_STREAM_FIT);

    CHECK_STATUS(po_linop_dense(R, &op), PO_ESHAPE);
    CHECK(op == NULL && strstr(po_errmsg(), "4x5") != NULL);
    CHECK_STATUS(po_linop_dense(NULL, &op), PO_EINVAL);
    CHECK_STATUS(po_linop_dense(&empty, &op), PO_EINVAL);
    CHECK_STATUS(po_linop_sparse(R, &op), PO_ESHAPE);
    CHECK_STATUS(po_linop_auto(R, &rng, &op), PO_ESHAPE);
    CHECK_STATUS(po_linop_auto(&empty, &rng, &op), PO_EINVAL);
    CHECK_STATUS(po_linop_lowrank(R, W, &op), PO_ESHAPE);
    CHECK_STATUS(po_linop_lowrank(NULL, W, &op), PO_EINVAL);
    PO_MAT_AT(W, 1, 2) = (double)INFINITY;
    CHECK_STATUS(po_linop_auto(W, &rng, &op), PO_ENONFINITE);
    PO_MAT_AT(W, 1, 2) = 0.0;

    CHECK_OK(po_linop_dense(W, &op));
    po_sim_opts o = quiet_opts(T);
    CHECK_STATUS(po_sim_run(NULL, &o, NULL, X), PO_EINVAL);
    CHECK_STATUS(po_sim_run(op, NULL, NULL, X), PO_EINVAL);
    CHECK_STATUS(po_sim_run(op, &o, NULL, NULL), PO_EINVAL);
    CHECK_STATUS(po_sim_run(op, &o, NULL, bad), PO_ESHAPE);
    CHECK(strstr(po_errmsg(), "10x5") != NULL);
    po_sim_opts b = o;
    b.T = 1;
    CHECK(po_sim_opts_check(&b) != NULL);
    CHECK_STATUS(po_sim_run(op, &b, NULL, X), PO_EINVAL);
    CHECK(strstr(po_errmsg(), "T must") != NULL);
    const double nan = (double)NAN;
    double *fields[] = {&b.alpha, &b.g, &b.noise, &b.input_gain, &b.ic_scale};
    for (size_t k = 0; k < 5; k++) {
        b = o;
        *fields[k] = nan; /* fields point into b */
        CHECK(po_sim_opts_check(&b) != NULL);
    }
    b = o;
    b.alpha = 0.0;
    CHECK(po_sim_opts_check(&b) != NULL);
    b = o;
    b.noise = -1.0;
    CHECK(po_sim_opts_check(&b) != NULL);
    b = o;
    b.ic_scale = -1.0;
    CHECK(po_sim_opts_check(&b) != NULL);
    b = o;
    b.phi = (po_phi)9;
    CHECK(po_sim_opts_check(&b) != NULL);
    b = o;
    b.leaky = (po_leaky)9;
    CHECK(po_sim_opts_check(&b) != NULL);

    double x0[4] = {0.0, nan, 0.0, 0.0}, w_in[4] = {1.0, 1.0, (double)INFINITY, 1.0};
    po_sim_inputs in = {.x0 = x0};
    CHECK_STATUS(po_sim_run(op, &o, &in, X), PO_ENONFINITE);
    CHECK(strstr(po_errmsg(), "x0[1]") != NULL);
    in = (po_sim_inputs){.xi = xi_short};
    CHECK_STATUS(po_sim_run(op, &o, &in, X), PO_ESHAPE);
    in = (po_sim_inputs){.xi = bad};
    CHECK_STATUS(po_sim_run(op, &o, &in, X), PO_ESHAPE);
    po_mat *xi = po_mat_alloc(T - 1, D);
    PO_MAT_AT(xi, 3, 1) = nan;
    in = (po_sim_inputs){.xi = xi};
    CHECK_STATUS(po_sim_run(op, &o, &in, X), PO_ENONFINITE);
    in = (po_sim_inputs){.signal = s};
    CHECK_STATUS(po_sim_run(op, &o, &in, X), PO_EINVAL);
    CHECK(strstr(po_errmsg(), "w_in") != NULL);
    in = (po_sim_inputs){.signal = s2, .w_in = w_in};
    CHECK_STATUS(po_sim_run(op, &o, &in, X), PO_ESHAPE);
    in = (po_sim_inputs){.signal = s, .w_in = w_in};
    CHECK_STATUS(po_sim_run(op, &o, &in, X), PO_ENONFINITE);
    w_in[2] = 1.0;
    PO_MAT_AT(s, 0, 0) = nan;
    CHECK_STATUS(po_sim_run(op, &o, &in, X), PO_ENONFINITE);
    po_linop_free(op);

    /* exploding dynamics: x_{t+1} = g x_t + v_t overflows at step 4 */
    po_mat_set_identity(W);
    CHECK_OK(po_linop_dense(W, &op));
    b = o;
    b.T = 1000;
    b.alpha = 1.0;
    b.g = 1e100;
    po_mat *Xl = po_mat_alloc(1000, D);
    CHECK_STATUS(po_sim_run(op, &b, NULL, Xl), PO_ENONFINITE);
    CHECK(strstr(po_errmsg(), "step 4 of 999") != NULL);
    po_linop_free(op);

    po_observe_opts oo = po_observe_opts_defaults();
    po_mat *Y = po_mat_alloc(T, 2);
    CHECK_STATUS(po_observe(X, &oo, Y), PO_EINVAL); /* d = 0 */
    CHECK(po_observe_opts_check(&oo) != NULL && po_observe_opts_check(NULL) != NULL);
    oo.d = D + 1;
    CHECK_STATUS(po_observe(X, &oo, Y), PO_EINVAL);
    CHECK(strstr(po_errmsg(), "d = 5") != NULL);
    oo.d = 3;
    CHECK_STATUS(po_observe(X, &oo, Y), PO_ESHAPE);
    oo.d = 2;
    oo.obs_noise = -0.1;
    CHECK_STATUS(po_observe(X, &oo, Y), PO_EINVAL);
    CHECK(po_observe_opts_check(&oo) != NULL);
    oo.obs_noise = nan;
    CHECK_STATUS(po_observe(X, &oo, Y), PO_EINVAL);
    CHECK(po_observe_opts_check(&oo) != NULL);
    oo.obs_noise = 0.0;
    CHECK(po_observe_opts_check(&oo) == NULL);
    size_t idx[2] = {1, 4};
    oo.index = idx;
    CHECK_STATUS(po_observe(X, &oo, Y), PO_EINVAL);
    CHECK(strstr(po_errmsg(), "index[1] = 4") != NULL);
    CHECK_STATUS(po_observe(NULL, &oo, Y), PO_EINVAL);

    po_mat *all[] = {W, R, X, bad, s, s2, xi_short, xi, Xl, Y};
    for (size_t k = 0; k < 10; k++) po_mat_free(all[k]);
}

int main(void)
{
    PO_RUN(test_defaults_and_names);
    PO_RUN(test_phi_tanh);
    PO_RUN(test_linear_closed_form);
    PO_RUN(test_replay_noise);
    PO_RUN(test_rate_one_step);
    PO_RUN(test_input_signal);
    PO_RUN(test_numpy_reference);
    PO_RUN(test_linops);
    PO_RUN(test_threaded_dense);
    PO_RUN(test_progress);
    PO_RUN(test_observe);
    PO_RUN(test_errors);
    return po_test_finish();
}
