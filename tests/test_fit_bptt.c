/* BPTT with generalized teacher forcing (SPEC.md §4.7): the window loss
 * against a naive scalar forward pass, its gradient against central finite
 * differences (with and without hidden units, forcing all-0 / all-1 / mixed,
 * aligned and reference_shift), the alignment itself (zero loss on data the
 * model generates), mini-batches as sums of windows, one and two SGD / Adam
 * steps against their formulas, loss reduction on a small teacher,
 * determinism by seed, and every error path. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fit/bptt_internal.h"
#include "harness.h"

/* ---- helpers ---------------------------------------------------------------- */

/* F(u) = (1 - alpha) u + alpha W tanh(u) for one n-vector (naive loops). */
static void step_naive(const po_mat *W, double alpha, const double *u, double *out)
{
    size_t n = W->rows;
    for (size_t i = 0; i < n; i++) {
        double s = 0.0;
        for (size_t j = 0; j < n; j++) s += PO_MAT_AT(W, i, j) * tanh(u[j]);
        out[i] = (1.0 - alpha) * u[i] + alpha * s;
    }
}

/* The window loss straight from the definition in fit.h (one window, scalar code). */
static double loss_naive(const po_mat *Y, size_t start, const po_bptt_opts *o, const po_mat *W,
                         const unsigned char *force)
{
    size_t d = Y->cols, n = W->rows, w = o->seq_len, K = o->reference_shift ? w : w - 1;
    double z[64], u[64], loss = 0.0;
    for (size_t i = 0; i < n; i++) z[i] = i < d ? PO_MAT_AT(Y, start, i) : 0.0;
    for (size_t k = 0; k < K; k++) {
        memcpy(u, z, n * sizeof *u);
        if (k >= 1 && force && force[k - 1])
            for (size_t i = 0; i < d; i++) u[i] = PO_MAT_AT(Y, start + k, i);
        step_naive(W, o->alpha, u, z);
        size_t j = k + 1;
        if (o->reference_shift && j < 2) continue;
        size_t row = start + (o->reference_shift ? j - 1 : j);
        for (size_t i = 0; i < d; i++) {
            double r = tanh(z[i]) - tanh(PO_MAT_AT(Y, row, i));
            loss += r * r;
        }
    }
    return loss;
}

/* Activity of a small d-unit tanh network (noise from the process stream),
 * so the data look like what BPTT is fitted to. */
static po_mat *teacher_data(size_t T, size_t d, const po_mat *W, double alpha, double noise,
                            uint64_t seed)
{
    po_mat *Y = po_mat_alloc(T, d);
    po_rng rng;
    po_rng_init(&rng, seed, PO_STREAM_PROCESS_NOISE);
    for (size_t i = 0; i < d; i++) PO_MAT_AT(Y, 0, i) = po_rng_normal(&rng);
    for (size_t t = 0; t + 1 < T; t++) {
        step_naive(W, alpha, Y->data + t * d, Y->data + (t + 1) * d);
        for (size_t i = 0; i < d; i++)
            PO_MAT_AT(Y, t + 1, i) += alpha * noise * po_rng_normal(&rng);
    }
    return Y;
}

/* Forcing pattern: 0 never, 1 always, 2 mixed (0 1 0 0 1, repeated). */
static void pattern(unsigned char *f, size_t n, int kind)
{
    for (size_t k = 0; k < n; k++)
        f[k] = kind == 0 ? 0 : kind == 1 ? 1 : (unsigned char)((k * 7 + 3) % 5 < 2);
}

/* ---- the window loss and its gradient ---------------------------------------- */

static void check_fd(size_t d, size_t H, bool shift, int kind)
{
    po_bptt_opts o = po_bptt_opts_defaults();
    o.hidden = H;
    o.seq_len = 9;
    o.alpha = 0.3; /* large steps so that every term matters at this short window */
    o.reference_shift = shift;
    size_t n = d + H;
    po_mat *Y = po_test_gaussian(14, d, 0.8, 11);
    po_mat *W = po_test_gaussian(n, n, 1.2 / sqrt((double)n), 12);
    po_mat *G = po_mat_alloc(n, n), *F = po_mat_alloc(n, n);
    unsigned char force[8];
    pattern(force, o.seq_len - 1, kind);
    double loss = 0.0;
    CHECK_OK(po_bptt_window_grad(Y, &o, W, 3, force, &loss, G));
    CHECK_CLOSE(loss, loss_naive(Y, 3, &o, W, force), 1e-12, 0);
    double gmax = 0.0;
    for (size_t i = 0; i < n * n; i++) {
        double w0 = W->data[i], h = 1e-5 * fmax(1.0, fabs(w0));
        W->data[i] = w0 + h;
        double lp = loss_naive(Y, 3, &o, W, force);
        W->data[i] = w0 - h;
        double lm = loss_naive(Y, 3, &o, W, force);
        W->data[i] = w0;
        F->data[i] = (lp - lm) / (2.0 * h);
        gmax = fmax(gmax, fabs(F->data[i]));
    }
    CHECK(gmax > 1e-3);
    CHECK_MAT_CLOSE(G, F, 1e-6, 1e-7 * gmax);
    po_mat_free(Y);
    po_mat_free(W);
    po_mat_free(G);
    po_mat_free(F);
}

static void test_grad_fd(void)
{
    for (int kind = 0; kind < 3; kind++)
        for (int shift = 0; shift < 2; shift++) {
            check_fd(3, 0, shift, kind);
            check_fd(2, 3, shift, kind);
        }
}

/* Data generated noise-free by the model itself (no hidden units): the
 * aligned loss is zero whatever the forcing; the shifted one is not, and with
 * every step forced it is exactly sum_t |tanh F(y_t) - tanh y_t|^2. */
static void test_alignment(void)
{
    size_t d = 3;
    po_bptt_opts o = po_bptt_opts_defaults();
    o.alpha = 0.2;
    o.seq_len = 10;
    po_mat *W = po_test_gaussian(d, d, 1.5, 21);
    po_mat *Y = teacher_data(12, d, W, o.alpha, 0.0, 22);
    po_mat *G = po_mat_alloc(d, d);
    unsigned char force[9];
    for (int kind = 0; kind < 3; kind++) {
        pattern(force, 9, kind);
        double loss = 1.0;
        CHECK_OK(po_bptt_window_grad(Y, &o, W, 1, force, &loss, G));
        CHECK(loss < 1e-25);
        CHECK(po_mat_norm_fro(G) < 1e-12);
    }
    o.reference_shift = true;
    pattern(force, 9, 1);
    double loss = 0.0, want = 0.0, f[3];
    CHECK_OK(po_bptt_window_grad(Y, &o, W, 1, force, &loss, G));
    for (size_t t = 1; t < o.seq_len; t++) {
        step_naive(W, o.alpha, Y->data + (1 + t) * d, f);
        for (size_t i = 0; i < d; i++) {
            double r = tanh(f[i]) - tanh(PO_MAT_AT(Y, 1 + t, i));
            want += r * r;
        }
    }
    CHECK(want > 1e-4);
    CHECK_CLOSE(loss, want, 1e-12, 0);
    po_mat_free(W);
    po_mat_free(Y);
    po_mat_free(G);
}

/* A mini-batch (the batched forward/backward) is the sum of its windows. */
static void test_batch_is_sum(void)
{
    size_t d = 3, H = 2, n = d + H;
    po_bptt_opts o = po_bptt_opts_defaults();
    o.hidden = H;
    o.seq_len = 8;
    o.alpha = 0.2;
    po_mat *Y = po_test_gaussian(30, d, 0.7, 31);
    po_mat *W = po_test_gaussian(n, n, 0.8, 32);
    po_mat *TY = po_mat_alloc(30, d);
    po_phi_apply(PO_PHI_TANH, Y->data, TY->data, 30 * d);
    po_mat *G = po_mat_alloc(n, n), *Gs = po_mat_alloc(n, n), *Gw = po_mat_alloc(n, n);
    unsigned char force[7];
    pattern(force, 7, 2);
    size_t starts[3] = {20, 0, 9};
    for (int shift = 0; shift < 2; shift++) {
        o.reference_shift = shift;
        bptt_ws ws;
        CHECK_OK(bptt_ws_init(&ws, d, &o, 4));
        double loss = bptt_batch_grad(&ws, Y, TY, starts, 3, force, W, G);
        bptt_ws_free(&ws);
        double sum = 0.0;
        po_mat_set_zero(Gs);
        for (size_t b = 0; b < 3; b++) {
            double l = 0.0;
            CHECK_OK(po_bptt_window_grad(Y, &o, W, starts[b], force, &l, Gw));
            sum += l;
            for (size_t i = 0; i < n * n; i++) Gs->data[i] += Gw->data[i];
        }
        CHECK_CLOSE(loss, sum, 1e-13, 0);
        CHECK_MAT_CLOSE(G, Gs, 1e-12, 1e-14);
    }
    po_mat_free(Y);
    po_mat_free(W);
    po_mat_free(TY);
    po_mat_free(G);
    po_mat_free(Gs);
    po_mat_free(Gw);
}

/* Views with a row stride (ld > cols) for Y, W, grad and W_hat give the
 * same numbers as contiguous matrices. */
static void test_views(void)
{
    size_t d = 2, H = 1, n = 3;
    po_bptt_opts o = po_bptt_opts_defaults();
    o.hidden = H;
    o.seq_len = 6;
    o.alpha = 0.2;
    o.epochs = 2;
    o.batch = 2;
    po_mat *Ybig = po_test_gaussian(20, 5, 0.7, 91), *Wbig = po_test_gaussian(4, 7, 0.6, 92);
    po_mat *Gbig = po_mat_alloc(5, 6), *Hbig = po_mat_alloc(3, 8);
    po_mat Yv = po_mat_block(Ybig, 0, 1, 20, d), Wv = po_mat_block(Wbig, 1, 2, n, n);
    po_mat Gv = po_mat_block(Gbig, 1, 1, n, n), Hv = po_mat_block(Hbig, 0, 3, n, n);
    po_mat *Y = po_mat_dup(&Yv), *W = po_mat_dup(&Wv);
    po_mat *G = po_mat_alloc(n, n), *Wh = po_mat_alloc(n, n);
    unsigned char force[5] = {1, 0, 1, 1, 0};
    double l1 = 0.0, l2 = 0.0;
    CHECK_OK(po_bptt_window_grad(&Yv, &o, &Wv, 4, force, &l1, &Gv));
    CHECK_OK(po_bptt_window_grad(Y, &o, W, 4, force, &l2, G));
    CHECK(l1 == l2);
    CHECK_MAT_CLOSE(&Gv, G, 0, 0);
    CHECK(PO_MAT_AT(Gbig, 0, 0) == 0.0 && PO_MAT_AT(Gbig, 1, 0) == 0.0);
    CHECK(PO_MAT_AT(Gbig, 1, 4) == 0.0);
    CHECK_OK(po_fit_bptt(&Yv, &o, &Hv, NULL));
    CHECK_OK(po_fit_bptt(Y, &o, Wh, NULL));
    CHECK_MAT_CLOSE(&Hv, Wh, 0, 0);
    CHECK(PO_MAT_AT(Hbig, 0, 2) == 0.0 && PO_MAT_AT(Hbig, 2, 6) == 0.0);
    po_mat_free(Ybig);
    po_mat_free(Wbig);
    po_mat_free(Gbig);
    po_mat_free(Hbig);
    po_mat_free(Y);
    po_mat_free(W);
    po_mat_free(G);
    po_mat_free(Wh);
}

/* ---- optimizer steps ------------------------------------------------------- */

/* The initial weights po_fit_bptt draws (fit.h: the first draws of the stream). */
static po_mat *initial_weights(const po_bptt_opts *o, size_t n)
{
    po_mat *W = po_mat_alloc(n, n);
    po_rng rng;
    po_rng_init(&rng, o->seed, PO_STREAM_FIT);
    po_rng_fill_normal(&rng, W->data, n * n, 1, o->init_scale / sqrt((double)n));
    return W;
}

/* One window (rows == window), every step forced (beta = 1): epoch e is one
 * optimizer step with the gradient of that window, and the result must match
 * the formulas applied by hand. */
static void check_steps(po_optimizer kind, bool shift)
{
    size_t d = 3, H = 1, n = d + H;
    po_bptt_opts o = po_bptt_opts_defaults();
    o.hidden = H;
    o.seq_len = 12;
    o.alpha = 0.2;
    o.beta = 1.0;
    o.epochs = 2;
    o.optimizer = kind;
    o.lr = kind == PO_OPT_SGD ? 0.05 : 0.01;
    o.momentum = 0.7;
    o.beta1 = 0.8;
    o.beta2 = 0.9;
    o.init_scale = 0.5;
    o.reference_shift = shift;
    o.seed = 77;
    po_mat *Y = po_test_gaussian(12, d, 0.6, 41);
    po_mat *W = initial_weights(&o, n), *G = po_mat_alloc(n, n), *W_hat = po_mat_alloc(n, n);
    double m[16] = {0}, v[16] = {0}, trace[2], losses[2];
    unsigned char force[11];
    pattern(force, 11, 1);
    for (size_t t = 1; t <= 2; t++) {
        CHECK_OK(po_bptt_window_grad(Y, &o, W, 0, force, &losses[t - 1], G));
        for (size_t i = 0; i < n * n; i++) {
            double g = G->data[i];
            if (kind == PO_OPT_SGD) {
                m[i] = o.momentum * m[i] + g;
                W->data[i] -= o.lr * m[i];
            } else {
                m[i] = o.beta1 * m[i] + (1 - o.beta1) * g;
                v[i] = o.beta2 * v[i] + (1 - o.beta2) * g * g;
                double mh = m[i] / (1 - pow(o.beta1, (double)t));
                double vh = v[i] / (1 - pow(o.beta2, (double)t));
                W->data[i] -= o.lr * mh / (sqrt(vh) + o.eps);
            }
        }
    }
    po_bptt_info info = {.loss_trace = trace};
    CHECK_OK(po_fit_bptt(Y, &o, W_hat, &info));
    CHECK_MAT_CLOSE(W_hat, W, 1e-12, 1e-15);
    CHECK(info.windows == 1 && info.epochs == 2);
    CHECK_CLOSE(info.loss_first, losses[0], 1e-13, 0);
    CHECK_CLOSE(info.loss_last, losses[1], 1e-13, 0);
    CHECK_CLOSE(trace[1], losses[1], 1e-13, 0);
    po_mat_free(Y);
    po_mat_free(W);
    po_mat_free(G);
    po_mat_free(W_hat);
}

static void test_sgd_steps(void)
{
    check_steps(PO_OPT_SGD, false);
    check_steps(PO_OPT_SGD, true);
}

static void test_adam_steps(void) { check_steps(PO_OPT_ADAM, false); }

/* ---- training ----------------------------------------------------------------- */

static size_t progress_calls, progress_last;
static void count_progress(void *user, size_t done, size_t total)
{
    (void)user;
    progress_calls++;
    progress_last = done;
    CHECK(total == 40);
}

static void test_training_reduces_loss(void)
{
    size_t d = 4;
    po_mat *Wt = po_test_gaussian(d, d, 0.9, 51);
    for (size_t i = 0; i < d; i++) PO_MAT_AT(Wt, i, (i + 1) % d) += 1.2; /* a rotation */
    po_bptt_opts o = po_bptt_opts_defaults();
    o.alpha = 0.1;
    o.seq_len = 40;
    o.batch = 4;
    o.epochs = 40;
    o.optimizer = PO_OPT_ADAM;
    o.lr = 0.02;
    po_mat *Y = teacher_data(400, d, Wt, o.alpha, 0.5, 52);
    po_mat *W1 = po_mat_alloc(d, d), *W2 = po_mat_alloc(d, d);
    double trace[40];
    po_bptt_info info = {.loss_trace = trace};
    o.progress = count_progress;
    CHECK_OK(po_fit_bptt(Y, &o, W1, &info));
    CHECK(progress_calls == 40 && progress_last == 40);
    CHECK(info.windows == po_bptt_windows(400, 40) && info.windows == 18);
    CHECK(info.loss_last < 0.2 * info.loss_first);
    CHECK(trace[39] == info.loss_last && trace[0] == info.loss_first);
    o.progress = NULL;
    /* Determinism: the same seed gives the same bits, another seed other weights. */
    CHECK_OK(po_fit_bptt(Y, &o, W2, NULL));
    CHECK(memcmp(W1->data, W2->data, d * d * sizeof(double)) == 0);
    o.seed++;
    CHECK_OK(po_fit_bptt(Y, &o, W2, NULL));
    CHECK(po_mat_max_abs_diff(W1, W2) > 1e-6);
    /* SGD with the reference settings and hidden units also learns. */
    o.optimizer = PO_OPT_SGD;
    o.lr = 0.002;
    o.hidden = 2;
    o.epochs = 20;
    po_mat *W3 = po_mat_alloc(d + 2, d + 2);
    CHECK_OK(po_fit_bptt(Y, &o, W3, &info));
    CHECK(info.loss_last < 0.5 * info.loss_first);
    po_mat_free(W3);
    po_mat_free(Wt);
    po_mat_free(Y);
    po_mat_free(W1);
    po_mat_free(W2);
}

/* The reference's count of half-overlapping windows (SPEC.md §4.7). */
static void test_windows(void)
{
    CHECK(po_bptt_windows(30000, 500) == 118);
    CHECK(po_bptt_windows(500, 500) == 1);
    CHECK(po_bptt_windows(749, 500) == 1);
    CHECK(po_bptt_windows(750, 500) == 1);
    CHECK(po_bptt_windows(1000, 500) == 2);
    CHECK(po_bptt_windows(499, 500) == 0);
    CHECK(po_bptt_windows(10, 1) == 0);
    CHECK(po_bptt_windows(100, 7) == 26); /* floor(200 / 7) - 2; last start 25 * 3, + 7 <= 100 */
}

static void test_names(void)
{
    po_optimizer o;
    CHECK_OK(po_optimizer_from_name("adam", &o));
    CHECK(o == PO_OPT_ADAM && strcmp(po_optimizer_name(o), "adam") == 0);
    CHECK_OK(po_optimizer_from_name("sgd", &o));
    CHECK(o == PO_OPT_SGD && strcmp(po_optimizer_name(o), "sgd") == 0);
    CHECK_STATUS(po_optimizer_from_name("rmsprop", &o), PO_EINVAL);
    CHECK(strstr(po_errmsg(), "rmsprop") != NULL);
    CHECK_STATUS(po_optimizer_from_name(NULL, &o), PO_EINVAL);
    CHECK(strcmp(po_optimizer_name((po_optimizer)9), "unknown") == 0);
}

/* ---- errors --------------------------------------------------------------------- */

static void test_options_refused(void)
{
    po_bptt_opts d = po_bptt_opts_defaults(), o;
    CHECK(po_bptt_opts_check(&d) == NULL);
    CHECK(po_bptt_opts_check(NULL) != NULL);
#define BAD(field, value)                          \
    do {                                           \
        o = d;                                     \
        o.field = value;                           \
        CHECK(po_bptt_opts_check(&o) != NULL);     \
    } while (0)
    BAD(beta, -0.1);
    BAD(beta, 1.5);
    BAD(beta, (double)NAN);
    BAD(lr, 0.0);
    BAD(lr, -1.0);
    BAD(lr, HUGE_VAL);
    BAD(seq_len, 1);
    BAD(batch, 0);
    BAD(epochs, 0);
    BAD(momentum, 1.0);
    BAD(momentum, -0.5);
    BAD(alpha, 0.0);
    BAD(alpha, 1.5);
    BAD(beta1, 1.0);
    BAD(beta2, -0.1);
    BAD(eps, 0.0);
    BAD(init_scale, -1.0);
    BAD(optimizer, (po_optimizer)7);
    o = d;
    o.t0 = 5;
    o.t1 = 5;
    CHECK(po_bptt_opts_check(&o) != NULL);
#undef BAD
    /* The same options are refused by the fit before any work. */
    po_mat *Y = po_test_gaussian(50, 2, 0.5, 61), *W = po_mat_alloc(2, 2);
    o = d;
    o.beta = 2.0;
    CHECK_STATUS(po_fit_bptt(Y, &o, W, NULL), PO_EINVAL);
    CHECK(strstr(po_errmsg(), "beta") != NULL);
    o = d; /* window 500 > 50 rows */
    CHECK_STATUS(po_fit_bptt(Y, &o, W, NULL), PO_EINVAL);
    CHECK(strstr(po_errmsg(), "longer") != NULL);
    o.seq_len = 10;
    o.t0 = 45;
    CHECK_STATUS(po_fit_bptt(Y, &o, W, NULL), PO_EINVAL);
    o.t0 = 0;
    o.t1 = 51;
    CHECK_STATUS(po_fit_bptt(Y, &o, W, NULL), PO_EINVAL);
    po_mat_free(Y);
    po_mat_free(W);
}

static void test_bad_input(void)
{
    po_bptt_opts o = po_bptt_opts_defaults();
    o.seq_len = 10;
    o.epochs = 1;
    po_mat *Y = po_test_gaussian(50, 2, 0.5, 71), *W = po_mat_alloc(2, 2), *W3 = po_mat_alloc(3, 3);
    CHECK_STATUS(po_fit_bptt(NULL, &o, W, NULL), PO_EINVAL);
    CHECK_STATUS(po_fit_bptt(Y, NULL, W, NULL), PO_EINVAL);
    CHECK_STATUS(po_fit_bptt(Y, &o, NULL, NULL), PO_EINVAL);
    CHECK_STATUS(po_fit_bptt(Y, &o, W3, NULL), PO_ESHAPE);
    CHECK(strstr(po_errmsg(), "3x3") != NULL);
    o.hidden = 1;
    CHECK_OK(po_fit_bptt(Y, &o, W3, NULL));
    CHECK_STATUS(po_fit_bptt(Y, &o, W, NULL), PO_ESHAPE);
    o.hidden = SIZE_MAX - 1;
    CHECK_STATUS(po_fit_bptt(Y, &o, W, NULL), PO_EINVAL);
    /* Out of memory for the weights of a huge student (W_hat is never touched;
     * (d+H)^2 doubles overflow, so nothing is requested from malloc). */
    double dummy[4] = {0};
    size_t huge = (size_t)1 << 31;
    po_mat Wh = {.data = dummy, .rows = huge, .cols = huge, .ld = huge, .owns = false};
    o.hidden = huge - 2;
    CHECK_STATUS(po_fit_bptt(Y, &o, &Wh, NULL), PO_ENOMEM);
    o.hidden = 0;
    po_mat empty = po_mat_view(Y->data, 50, 0, 2);
    CHECK_STATUS(po_fit_bptt(&empty, &o, W, NULL), PO_ESHAPE);
    PO_MAT_AT(Y, 17, 1) = (double)NAN;
    CHECK_STATUS(po_fit_bptt(Y, &o, W, NULL), PO_ENONFINITE);
    CHECK(strstr(po_errmsg(), "row 17") != NULL);
    o.t1 = 17; /* the bad row is outside the rows used */
    CHECK_OK(po_fit_bptt(Y, &o, W, NULL));
    o.t1 = 0;

    /* window_grad */
    double loss;
    po_mat *G = po_mat_alloc(2, 2);
    CHECK_STATUS(po_bptt_window_grad(Y, &o, W, 0, NULL, NULL, G), PO_EINVAL);
    CHECK_STATUS(po_bptt_window_grad(Y, &o, W, 0, NULL, &loss, NULL), PO_EINVAL);
    CHECK_STATUS(po_bptt_window_grad(Y, &o, W, 0, NULL, &loss, W3), PO_ESHAPE);
    CHECK_STATUS(po_bptt_window_grad(Y, &o, W3, 0, NULL, &loss, G), PO_ESHAPE);
    CHECK_STATUS(po_bptt_window_grad(Y, &o, W, 41, NULL, &loss, G), PO_EINVAL);
    CHECK_STATUS(po_bptt_window_grad(Y, &o, W, 60, NULL, &loss, G), PO_EINVAL);
    CHECK_STATUS(po_bptt_window_grad(Y, &o, W, 10, NULL, &loss, G), PO_ENONFINITE);
    CHECK_OK(po_bptt_window_grad(Y, &o, W, 0, NULL, &loss, G));
    PO_MAT_AT(W, 1, 0) = HUGE_VAL;
    CHECK_STATUS(po_bptt_window_grad(Y, &o, W, 0, NULL, &loss, G), PO_ENONFINITE);
    o.lr = 0;
    CHECK_STATUS(po_bptt_window_grad(Y, &o, W, 0, NULL, &loss, G), PO_EINVAL);
    po_mat_free(G);
    po_mat_free(Y);
    po_mat_free(W);
    po_mat_free(W3);
}

/* tanh saturates, so BPTT diverges only by overflow: an absurd learning rate
 * overflows the forward pass after a few epochs, and an absurd initial scale
 * at once. The error names the epoch and the last finite loss. */
static void test_divergence(void)
{
    po_bptt_opts o = po_bptt_opts_defaults();
    o.seq_len = 10;
    o.batch = 4;
    o.epochs = 5;
    o.lr = 1e308;
    po_mat *Y = po_test_gaussian(60, 3, 1.0, 81), *W = po_mat_alloc(3, 3);
    CHECK_STATUS(po_fit_bptt(Y, &o, W, NULL), PO_EDIVERGED);
    const char *msg = po_errmsg();
    CHECK(strstr(msg, "epoch 3 of 5, mini-batch 1 of 3") != NULL);
    CHECK(strstr(msg, "last finite loss 4") != NULL && strstr(msg, "(epoch 2)") != NULL);
    o.batch = 1;
    CHECK_STATUS(po_fit_bptt(Y, &o, W, NULL), PO_EDIVERGED);
    msg = po_errmsg();
    CHECK(strstr(msg, "epoch 2 of 5, mini-batch 6 of 10") != NULL);
    o.lr = 0.01;
    o.init_scale = 1e308; /* sums of 43 such weights overflow */
    o.hidden = 40;
    po_mat *W43 = po_mat_alloc(43, 43);
    CHECK_STATUS(po_fit_bptt(Y, &o, W43, NULL), PO_EDIVERGED);
    po_mat_free(W43);
    msg = po_errmsg();
    CHECK(strstr(msg, "epoch 1 of 5, mini-batch 1 of 10") != NULL);
    CHECK(strstr(msg, "last finite loss none") != NULL);
    po_mat_free(Y);
    po_mat_free(W);
}

/* init (issue 14 item 3): W_0 given as the matrix the seed would draw gives
 * the same bits as drawing it (the draws are still made, so the shuffles
 * and coins match); another W_0 another result; with hidden units the shape
 * is (d+H) x (d+H); NaN refused. */
static void test_init(void)
{
    size_t d = 3, H = 2, n = d + H;
    po_mat *Wt = po_test_gaussian(d, d, 0.8, 41);
    po_mat *Y = teacher_data(200, d, Wt, 0.1, 0.5, 42);
    po_bptt_opts o = po_bptt_opts_defaults();
    o.hidden = H;
    o.seq_len = 20;
    o.batch = 3;
    o.epochs = 3;
    o.seed = 43;
    po_mat *A = po_mat_alloc(n, n), *B = po_mat_alloc(n, n);
    CHECK_OK(po_fit_bptt(Y, &o, A, NULL));
    po_mat *W0 = initial_weights(&o, n);
    o.init = W0;
    CHECK_OK(po_fit_bptt(Y, &o, B, NULL));
    CHECK(memcmp(A->data, B->data, n * n * sizeof(double)) == 0);
    PO_MAT_AT(W0, 0, 0) += 0.5;
    CHECK_OK(po_fit_bptt(Y, &o, B, NULL));
    CHECK(memcmp(A->data, B->data, n * n * sizeof(double)) != 0);
    po_mat *small = po_mat_alloc(d, d);
    o.init = small;
    CHECK_STATUS(po_fit_bptt(Y, &o, B, NULL), PO_ESHAPE);
    CHECK(strstr(po_errmsg(), "initial weights are 3x3, need 5x5") != NULL);
    PO_MAT_AT(W0, 4, 1) = (double)INFINITY;
    o.init = W0;
    CHECK_STATUS(po_fit_bptt(Y, &o, B, NULL), PO_ENONFINITE);
    po_mat_free(small);
    po_mat_free(W0);
    po_mat_free(A);
    po_mat_free(B);
    po_mat_free(Y);
    po_mat_free(Wt);
}

int main(void)
{
    PO_RUN(test_grad_fd);
    PO_RUN(test_alignment);
    PO_RUN(test_batch_is_sum);
    PO_RUN(test_views);
    PO_RUN(test_sgd_steps);
    PO_RUN(test_adam_steps);
    PO_RUN(test_training_reduces_loss);
    PO_RUN(test_windows);
    PO_RUN(test_names);
    PO_RUN(test_options_refused);
    PO_RUN(test_bad_input);
    PO_RUN(test_divergence);
    PO_RUN(test_init);
    return po_test_finish();
}
