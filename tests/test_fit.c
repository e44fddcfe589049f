/* MAP / ridge student (SPEC.md §4.1): normal equations, exact recovery from
 * noiseless data of all three model forms, block and burn-in invariance, the
 * pseudo-inverse fallback, NumPy fixtures, and every error path. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "linalg/linalg.h"

/* ---- helpers ---------------------------------------------------------------- */

/* A random orthogonal d x d matrix times scale (QR of a Gaussian matrix). */
static po_mat *scaled_orthogonal(size_t d, uint64_t seed, double scale)
{
    po_mat *q = po_test_gaussian(d, d, 1.0, seed);
    CHECK_OK(po_la_qr(q, NULL));
    for (size_t i = 0; i < d * d; i++) q->data[i] *= scale;
    return q;
}

static double phi_of(po_phi phi, double x) { return phi == PO_PHI_TANH ? tanh(x) : x; }

/* Naive sums over rows first .. T-2 as in SPEC.md §4.1 / fit.h (full G). */
static void naive_sums(const po_mat *Y, const po_ridge_opts *o, size_t first, po_mat *G,
                       po_mat *C, double *ssq)
{
    size_t d = Y->cols;
    bool rate = o->leaky == PO_LEAKY_RATE && o->phi == PO_PHI_TANH;
    po_mat_set_zero(G);
    po_mat_set_zero(C);
    *ssq = 0.0;
    double *p = malloc(d * sizeof *p), *del = malloc(d * sizeof *del);
    for (size_t t = first; t + 1 < Y->rows; t++) {
        for (size_t j = 0; j < d; j++) {
            double x = PO_MAT_AT(Y, t, j), xp = PO_MAT_AT(Y, t + 1, j);
            p[j] = rate ? x : phi_of(o->phi, x);
            del[j] = xp - (1.0 - o->alpha) * x;
            if (rate) {
                double z = fmax(-1.0 + 1e-6, fmin(1.0 - 1e-6, del[j] / o->alpha));
                del[j] = o->alpha * atanh(z);
            }
            *ssq += del[j] * del[j];
        }
        for (size_t i = 0; i < d; i++)
            for (size_t j = 0; j < d; j++) {
                PO_MAT_AT(G, i, j) += p[i] * p[j];
                PO_MAT_AT(C, i, j) += del[i] * p[j];
            }
    }
    free(p);
    free(del);
}

/* Simulate T noiseless steps of the model (o->phi, o->leaky) from x0 into Y. */
static void simulate(const po_mat *W, const po_ridge_opts *o, const double *x0, po_mat *Y)
{
    size_t d = W->rows;
    double *u = malloc(d * sizeof *u);
    memcpy(Y->data, x0, d * sizeof *x0);
    for (size_t t = 0; t + 1 < Y->rows; t++) {
        const double *x = Y->data + t * Y->ld;
        double *xn = Y->data + (t + 1) * Y->ld;
        for (size_t i = 0; i < d; i++) {
            double s = 0.0;
            for (size_t j = 0; j < d; j++)
                s += PO_MAT_AT(W, i, j) * (o->leaky == PO_LEAKY_RATE ? x[j] : phi_of(o->phi, x[j]));
            u[i] = o->leaky == PO_LEAKY_RATE ? phi_of(o->phi, s) : s;
        }
        for (size_t i = 0; i < d; i++) xn[i] = (1.0 - o->alpha) * x[i] + o->alpha * u[i];
    }
    free(u);
}

static po_ridge_opts opts_of(po_phi phi, po_leaky leaky, double alpha, double rho)
{
    po_ridge_opts o = po_ridge_opts_defaults();
    o.phi = phi;
    o.leaky = leaky;
    o.alpha = alpha;
    o.rho = rho;
    return o;
}

/* ---- tests ------------------------------------------------------------------ */

static void test_defaults_and_opts_check(void)
{
    po_ridge_opts o = po_ridge_opts_defaults();
    CHECK(o.phi == PO_PHI_LINEAR && o.leaky == PO_LEAKY_CURRENT);
    CHECK(o.alpha == 0.01 && o.rho == 0.001 && o.burn_in == 0 && o.block == 0);
    CHECK(po_ridge_opts_check(&o) == NULL);
    CHECK(po_ridge_opts_check(NULL) != NULL);
    const double bad_alpha[] = {0.0, -0.1, 1.5, (double)NAN, HUGE_VAL};
    for (size_t i = 0; i < sizeof bad_alpha / sizeof *bad_alpha; i++) {
        po_ridge_opts b = o;
        b.alpha = bad_alpha[i];
        CHECK(po_ridge_opts_check(&b) && strstr(po_ridge_opts_check(&b), "alpha"));
    }
    o.alpha = 1.0;
    CHECK(po_ridge_opts_check(&o) == NULL);
    const double bad_rho[] = {-1e-9, (double)NAN, HUGE_VAL};
    for (size_t i = 0; i < sizeof bad_rho / sizeof *bad_rho; i++) {
        po_ridge_opts b = o;
        b.rho = bad_rho[i];
        CHECK(po_ridge_opts_check(&b) && strstr(po_ridge_opts_check(&b), "rho"));
    }
    po_ridge_opts b = o;
    b.phi = (po_phi)7;
    CHECK(po_ridge_opts_check(&b) && strstr(po_ridge_opts_check(&b), "phi"));
    b = o;
    b.leaky = (po_leaky)7;
    CHECK(po_ridge_opts_check(&b) && strstr(po_ridge_opts_check(&b), "leaky"));
}

/* W (rho I + alpha^2 G) = alpha C with G, C summed naively; the residual
 * equals the explicit ||Delta - alpha W Phi||^2. */
static void check_normal_equations(po_phi phi, po_leaky leaky)
{
    size_t d = 5, T = 200;
    po_mat *Y = po_test_gaussian(T, d, 0.8, 11);
    po_ridge_opts o = opts_of(phi, leaky, 0.3, 0.05);
    o.block = 16;
    po_mat *W = po_mat_alloc(d, d), *G = po_mat_alloc(d, d), *C = po_mat_alloc(d, d);
    po_mat *lhs = po_mat_alloc(d, d), *rhs = po_mat_alloc(d, d);
    po_ridge_info info;
    CHECK_OK(po_fit_ridge(Y, &o, W, &info));
    CHECK(info.samples == T - 1 && !info.used_svd && info.rcond > 1e-6 && info.rcond <= 1.0);
    double ssq;
    naive_sums(Y, &o, 0, G, C, &ssq);
    po_mat_copy(rhs, C);
    for (size_t i = 0; i < d * d; i++) {
        rhs->data[i] *= o.alpha;
        G->data[i] *= o.alpha * o.alpha;
    }
    for (size_t i = 0; i < d; i++) PO_MAT_AT(G, i, i) += o.rho;
    po_la_gemm(false, false, 1.0, W, G, 0.0, lhs);
    CHECK_MAT_CLOSE(lhs, rhs, 1e-11, 1e-12);

    double r = 0.0;
    for (size_t t = 0; t + 1 < T; t++)
        for (size_t i = 0; i < d; i++) {
            double x = PO_MAT_AT(Y, t, i), xp = PO_MAT_AT(Y, t + 1, i);
            double del = xp - (1.0 - o.alpha) * x;
            if (leaky == PO_LEAKY_RATE && phi == PO_PHI_TANH)
                del = o.alpha * atanh(fmax(-1.0 + 1e-6, fmin(1.0 - 1e-6, del / o.alpha)));
            for (size_t j = 0; j < d; j++) {
                double pj = PO_MAT_AT(Y, t, j);
                if (!(leaky == PO_LEAKY_RATE && phi == PO_PHI_TANH)) pj = phi_of(phi, pj);
                del -= o.alpha * PO_MAT_AT(W, i, j) * pj;
            }
            r += del * del;
        }
    CHECK_CLOSE(info.residual, r, 1e-9, 1e-12);
    po_mat_free(rhs);
    po_mat_free(lhs);
    po_mat_free(C);
    po_mat_free(G);
    po_mat_free(W);
    po_mat_free(Y);
}

static void test_normal_equations(void)
{
    check_normal_equations(PO_PHI_LINEAR, PO_LEAKY_CURRENT);
    check_normal_equations(PO_PHI_TANH, PO_LEAKY_CURRENT);
    check_normal_equations(PO_PHI_TANH, PO_LEAKY_RATE);
    check_normal_equations(PO_PHI_LINEAR, PO_LEAKY_RATE);
}

/* Noiseless data from a known W: the fit with rho = 1e-12 recovers it. */
static void check_recovery(po_phi phi, po_leaky leaky, double alpha, double scale, double tol)
{
    size_t d = 6, T = 400;
    po_ridge_opts o = opts_of(phi, leaky, alpha, 1e-12);
    po_mat *W = scaled_orthogonal(d, 3, scale), *Y = po_mat_alloc(T, d), *W_hat = po_mat_alloc(d, d);
    po_mat *x0 = po_test_gaussian(1, d, 1.0, 4);
    simulate(W, &o, x0->data, Y);
    po_ridge_info info;
    CHECK_OK(po_fit_ridge(Y, &o, W_hat, &info));
    CHECK_MAT_CLOSE(W_hat, W, 0, tol);
    CHECK(info.clipped == 0 && !info.used_svd);
    /* The residual is zero up to rounding relative to the size of the targets
     * (it comes from accumulated sums, so cancellation leaves ~1e-13 of them). */
    po_mat *G = po_mat_alloc(d, d), *C = po_mat_alloc(d, d);
    double ssq;
    naive_sums(Y, &o, 0, G, C, &ssq);
    CHECK(fabs(info.residual) <= 1e-12 * ssq);
    po_mat_free(C);
    po_mat_free(G);
    po_mat_free(x0);
    po_mat_free(W_hat);
    po_mat_free(Y);
    po_mat_free(W);
}

static void test_recover_linear(void)
{
    /* x+ = A x with A = 0.999 Q orthogonal: W = (A - (1 - alpha) I) / alpha is
     * not orthogonal, so build A first and derive W. The trajectory neither
     * decays nor stays in a subspace, so Phi has full rank. */
    size_t d = 6, T = 400;
    double alpha = 0.1;
    po_mat *A = scaled_orthogonal(d, 5, 0.999), *W = po_mat_dup(A);
    for (size_t i = 0; i < d; i++) {
        for (size_t j = 0; j < d; j++) PO_MAT_AT(W, i, j) /= alpha;
        PO_MAT_AT(W, i, i) -= (1.0 - alpha) / alpha;
    }
    po_ridge_opts o = opts_of(PO_PHI_LINEAR, PO_LEAKY_CURRENT, alpha, 1e-12);
    po_mat *Y = po_mat_alloc(T, d), *W_hat = po_mat_alloc(d, d), *x0 = po_test_gaussian(1, d, 1.0, 6);
    simulate(W, &o, x0->data, Y);
    po_ridge_info info;
    CHECK_OK(po_fit_ridge(Y, &o, W_hat, &info));
    CHECK_MAT_CLOSE(W_hat, W, 0, 1e-9);
    CHECK(!info.used_svd);
    po_mat_free(x0);
    po_mat_free(W_hat);
    po_mat_free(Y);
    po_mat_free(W);
    po_mat_free(A);
}

static void test_recover_tanh_current(void)
{
    check_recovery(PO_PHI_TANH, PO_LEAKY_CURRENT, 0.5, 3.0, 1e-9);
}

static void test_recover_tanh_rate(void)
{
    check_recovery(PO_PHI_TANH, PO_LEAKY_RATE, 0.5, 1.5, 1e-8);
}

/* Rate targets beyond the clip bound are counted: compare with a direct count. */
static void test_rate_clipping_count(void)
{
    size_t d = 4, T = 50;
    po_mat *Y = po_test_gaussian(T, d, 0.5, 21), *W = po_mat_alloc(d, d);
    po_ridge_opts o = opts_of(PO_PHI_TANH, PO_LEAKY_RATE, 0.5, 1e-3);
    size_t want = 0;
    for (size_t t = 0; t + 1 < T; t++)
        for (size_t j = 0; j < d; j++)
            want += fabs((PO_MAT_AT(Y, t + 1, j) - 0.5 * PO_MAT_AT(Y, t, j)) / 0.5) > 1.0 - 1e-6;
    po_ridge_info info;
    CHECK_OK(po_fit_ridge(Y, &o, W, &info));
    CHECK(want > 10 && info.clipped == want);
    po_mat_free(W);
    po_mat_free(Y);
}

/* Results do not depend on the block size (T not a multiple, T = 2,
 * T = block + 1), nor on the row strides of Y and W_hat. */
static void test_block_boundaries(void)
{
    size_t d = 5, block = 4;
    /* 150: one large block against blocks of 4. */
    const size_t Ts[] = {2, 3, block, block + 1, block + 2, 2 * block + 1, 23, 150};
    for (int form = 0; form < 3; form++) {
        po_ridge_opts o = opts_of(form == 0 ? PO_PHI_LINEAR : PO_PHI_TANH,
                                  form == 2 ? PO_LEAKY_RATE : PO_LEAKY_CURRENT, 0.2, 0.01);
        for (size_t k = 0; k < sizeof Ts / sizeof *Ts; k++) {
            po_mat *Y = po_test_gaussian(Ts[k], d, 0.3, 100 + k);
            po_mat *W1 = po_mat_alloc(d, d), *W2 = po_mat_alloc(d, d);
            po_ridge_info i1, i2;
            o.block = block;
            CHECK_OK(po_fit_ridge(Y, &o, W1, &i1));
            o.block = 1000;
            CHECK_OK(po_fit_ridge(Y, &o, W2, &i2));
            CHECK_MAT_CLOSE(W1, W2, 1e-12, 1e-13);
            CHECK_CLOSE(i1.residual, i2.residual, 1e-10, 1e-14);
            CHECK(i1.samples == Ts[k] - 1 && i1.clipped == i2.clipped);
            po_mat_free(W2);
            po_mat_free(W1);
            po_mat_free(Y);
        }
    }
    /* Strided Y (a column block of a wider array) and strided W_hat. */
    po_mat *wide = po_test_gaussian(37, 9, 0.5, 7), *Yc = po_mat_alloc(37, 6);
    po_mat Y = po_mat_block(wide, 0, 2, 37, 6);
    po_mat_copy(Yc, &Y);
    po_mat *Wwide = po_mat_alloc(6, 10), *Wc = po_mat_alloc(6, 6);
    po_mat Wv = po_mat_block(Wwide, 0, 1, 6, 6);
    po_ridge_opts o = opts_of(PO_PHI_TANH, PO_LEAKY_CURRENT, 0.2, 0.01);
    o.block = 8;
    CHECK_OK(po_fit_ridge(&Y, &o, &Wv, NULL));
    CHECK_OK(po_fit_ridge(Yc, &o, Wc, NULL));
    CHECK_MAT_CLOSE(&Wv, Wc, 1e-13, 1e-14);
    CHECK(PO_MAT_AT(Wwide, 0, 0) == 0.0 && PO_MAT_AT(Wwide, 5, 7) == 0.0);
    po_mat_free(Wc);
    po_mat_free(Wwide);
    po_mat_free(Yc);
    po_mat_free(wide);
}

static void test_burn_in(void)
{
    size_t d = 4, T = 60, b = 13;
    po_mat *Y = po_test_gaussian(T, d, 0.5, 8), *W1 = po_mat_alloc(d, d), *W2 = po_mat_alloc(d, d);
    po_ridge_opts o = opts_of(PO_PHI_TANH, PO_LEAKY_CURRENT, 0.1, 1e-3);
    po_ridge_info i1, i2;
    o.burn_in = b;
    CHECK_OK(po_fit_ridge(Y, &o, W1, &i1));
    po_mat tail = po_mat_block(Y, b, 0, T - b, d);
    o.burn_in = 0;
    CHECK_OK(po_fit_ridge(&tail, &o, W2, &i2));
    CHECK_MAT_CLOSE(W1, W2, 1e-14, 1e-15);
    CHECK(i1.samples == T - 1 - b && i2.samples == T - 1 - b);
    /* burn_in = T - 2 leaves one transition: still a valid (ridge) fit. */
    o.burn_in = T - 2;
    CHECK_OK(po_fit_ridge(Y, &o, W1, &i1));
    CHECK(i1.samples == 1);
    po_mat_free(W2);
    po_mat_free(W1);
    po_mat_free(Y);
}

/* pinv of a symmetric matrix via its SVD, as numpy.linalg.pinv does. */
static void svd_pinv(const po_mat *M, po_mat *P)
{
    size_t n = M->rows;
    po_mat *U = po_mat_alloc(n, n), *Vt = po_mat_alloc(n, n);
    double *s = malloc(n * sizeof *s);
    CHECK_OK(po_la_svd(M, s, U, Vt));
    for (size_t j = 0; j < n; j++) {
        double inv = s[j] > 1e-15 * s[0] ? 1.0 / s[j] : 0.0;
        for (size_t i = 0; i < n; i++) PO_MAT_AT(U, i, j) *= inv;
    }
    po_la_gemm(true, true, 1.0, Vt, U, 0.0, P); /* V S^+ U^T */
    free(s);
    po_mat_free(Vt);
    po_mat_free(U);
}

/* Rank-deficient Phi with rho = 0: Cholesky fails, the pseudo-inverse is used
 * and equals alpha C pinv(alpha^2 G) computed through an SVD. */
static void test_svd_fallback(void)
{
    size_t d = 5, T = 80;
    po_mat *Y = po_test_gaussian(T, d, 0.5, 9), *W = po_mat_alloc(d, d), *want = po_mat_alloc(d, d);
    po_mat *G = po_mat_alloc(d, d), *C = po_mat_alloc(d, d), *P = po_mat_alloc(d, d);
    for (size_t t = 0; t < T; t++) PO_MAT_AT(Y, t, 2) = 0.0;
    po_ridge_opts o = opts_of(PO_PHI_TANH, PO_LEAKY_CURRENT, 0.2, 0.0);
    po_ridge_info info;
    CHECK_OK(po_fit_ridge(Y, &o, W, &info));
    CHECK(info.used_svd && info.rcond < 1e-13);
    CHECK(po_errmsg()[0] == '\0');
    double ssq;
    naive_sums(Y, &o, 0, G, C, &ssq);
    for (size_t i = 0; i < d * d; i++) G->data[i] *= o.alpha * o.alpha;
    svd_pinv(G, P);
    po_la_gemm(false, false, o.alpha, C, P, 0.0, want);
    CHECK_MAT_CLOSE(W, want, 1e-10, 1e-12);

    /* Two identical columns: singular up to rounding, so either Cholesky fails
     * or its rcond is tiny; the fit must still be the consistent minimum-norm
     * one, whose duplicated columns get equal weights. */
    for (size_t t = 0; t < T; t++) PO_MAT_AT(Y, t, 2) = PO_MAT_AT(Y, t, 4);
    o.phi = PO_PHI_LINEAR;
    CHECK_OK(po_fit_ridge(Y, &o, W, &info));
    CHECK(info.used_svd && info.rcond < 1e-13);
    for (size_t i = 0; i < d; i++) CHECK_CLOSE(PO_MAT_AT(W, i, 2), PO_MAT_AT(W, i, 4), 1e-6, 1e-8);

    /* Nearly dependent columns: Cholesky succeeds, but its rcond (~1e-14) is
     * below the threshold, so the pseudo-inverse is used all the same. */
    po_rng rng;
    po_rng_init(&rng, 12, PO_STREAM_FIT);
    for (size_t t = 0; t < T; t++) PO_MAT_AT(Y, t, 2) += 1e-7 * po_rng_normal(&rng);
    po_mat *F = po_mat_alloc(d, d);
    naive_sums(Y, &o, 0, G, C, &ssq);
    po_mat_copy(F, G);
    CHECK_OK(po_la_cholesky(F));
    CHECK_OK(po_fit_ridge(Y, &o, W, &info));
    CHECK(info.used_svd && info.rcond < 1e-13 && info.rcond > 1e-17);
    po_mat_free(F);
    po_mat_free(P);
    po_mat_free(C);
    po_mat_free(G);
    po_mat_free(want);
    po_mat_free(W);
    po_mat_free(Y);
}

static void check_fixture(const po_mat *Y, po_phi phi, po_leaky leaky, double rho,
                          const char *name, size_t *clipped)
{
    po_mat *want = po_test_load(name), *W = po_mat_alloc(Y->cols, Y->cols);
    if (!want) return;
    po_ridge_opts o = opts_of(phi, leaky, 0.1, rho);
    po_ridge_info info;
    CHECK_OK(po_fit_ridge(Y, &o, W, &info));
    CHECK_MAT_CLOSE(W, want, 1e-9, 1e-11);
    if (clipped) *clipped = info.clipped;
    po_mat_free(W);
    po_mat_free(want);
}

static void test_numpy_fixtures(void)
{
    po_mat *Y = po_test_load("fit_Y.npy"), *nclip = po_test_load("fit_rate_clipped.npy");
    if (!Y || !nclip) {
        po_mat_free(nclip);
        po_mat_free(Y);
        return;
    }
    CHECK(Y->rows == 500 && Y->cols == 7);
    size_t clipped = 0;
    check_fixture(Y, PO_PHI_LINEAR, PO_LEAKY_CURRENT, 1e-3, "fit_W_linear.npy", NULL);
    check_fixture(Y, PO_PHI_TANH, PO_LEAKY_CURRENT, 1e-3, "fit_W_tanh.npy", NULL);
    check_fixture(Y, PO_PHI_TANH, PO_LEAKY_RATE, 1e-3, "fit_W_rate.npy", &clipped);
    CHECK(clipped > 0 && (double)clipped == nclip->data[0]);
    for (size_t t = 0; t < Y->rows; t++) PO_MAT_AT(Y, t, 3) = 0.0;
    check_fixture(Y, PO_PHI_LINEAR, PO_LEAKY_CURRENT, 0.0, "fit_W_rankdef.npy", NULL);
    po_mat_free(nclip);
    po_mat_free(Y);
}

static void test_errors(void)
{
    size_t d = 3, T = 10;
    po_mat *Y = po_test_gaussian(T, d, 1.0, 10), *W = po_mat_alloc(d, d), *Wbad = po_mat_alloc(d, d + 1);
    po_ridge_opts o = po_ridge_opts_defaults();
    CHECK_STATUS(po_fit_ridge(NULL, &o, W, NULL), PO_EINVAL);
    CHECK_STATUS(po_fit_ridge(Y, NULL, W, NULL), PO_EINVAL);
    CHECK_STATUS(po_fit_ridge(Y, &o, NULL, NULL), PO_EINVAL);
    o.rho = -1.0;
    CHECK_STATUS(po_fit_ridge(Y, &o, W, NULL), PO_EINVAL);
    CHECK(strstr(po_errmsg(), "rho") != NULL);
    o = po_ridge_opts_defaults();
    CHECK_STATUS(po_fit_ridge(Y, &o, Wbad, NULL), PO_ESHAPE);
    CHECK(strstr(po_errmsg(), "3x4") != NULL);

    po_mat one = po_mat_block(Y, 0, 0, 1, d), none = po_mat_block(Y, 0, 0, T, 0);
    CHECK_STATUS(po_fit_ridge(&one, &o, W, NULL), PO_ESHAPE);
    CHECK(strstr(po_errmsg(), "1 rows") != NULL);
    po_mat W0 = po_mat_block(W, 0, 0, 0, 0);
    CHECK_STATUS(po_fit_ridge(&none, &o, &W0, NULL), PO_ESHAPE);
    o.burn_in = T - 1;
    CHECK_STATUS(po_fit_ridge(Y, &o, W, NULL), PO_EINVAL);
    CHECK(strstr(po_errmsg(), "burn_in") != NULL);
    o.burn_in = T + 5;
    CHECK_STATUS(po_fit_ridge(Y, &o, W, NULL), PO_EINVAL);
    o.burn_in = 0;

    /* NaN / Inf anywhere in the used rows, named by row and column. */
    const size_t where[][2] = {{0, 0}, {4, 1}, {T - 1, 2}};
    for (size_t k = 0; k < 3; k++) {
        for (int form = 0; form < 3; form++) {
            o.phi = form ? PO_PHI_TANH : PO_PHI_LINEAR;
            o.leaky = form == 2 ? PO_LEAKY_RATE : PO_LEAKY_CURRENT;
            o.block = 3;
            double keep = PO_MAT_AT(Y, where[k][0], where[k][1]);
            PO_MAT_AT(Y, where[k][0], where[k][1]) = k == 1 ? (double)NAN : -(double)INFINITY;
            CHECK_STATUS(po_fit_ridge(Y, &o, W, NULL), PO_ENONFINITE);
            char expect[64];
            snprintf(expect, sizeof expect, "row %zu, column %zu", where[k][0], where[k][1]);
            CHECK(strstr(po_errmsg(), expect) != NULL);
            PO_MAT_AT(Y, where[k][0], where[k][1]) = keep;
        }
    }
    /* NaN deep inside one large (automatic) block. */
    po_mat *Yl = po_test_gaussian(200, d, 1.0, 13);
    PO_MAT_AT(Yl, 150, 2) = (double)NAN;
    o = po_ridge_opts_defaults();
    CHECK_STATUS(po_fit_ridge(Yl, &o, W, NULL), PO_ENONFINITE);
    CHECK(strstr(po_errmsg(), "row 150, column 2") != NULL);
    po_mat_free(Yl);
    /* A NaN in a dropped burn-in row does not matter. */
    o = po_ridge_opts_defaults();
    PO_MAT_AT(Y, 1, 1) = (double)NAN;
    o.burn_in = 2;
    CHECK_OK(po_fit_ridge(Y, &o, W, NULL));
    o.burn_in = 0;
    PO_MAT_AT(Y, 1, 1) = 0.5;
    /* Finite data too large for the sums. */
    for (size_t i = 0; i < T * d; i++) Y->data[i] = i % 2 ? 1e200 : -1e200;
    CHECK_STATUS(po_fit_ridge(Y, &o, W, NULL), PO_ENONFINITE);
    CHECK(strstr(po_errmsg(), "too large") != NULL);
    for (size_t i = 0; i < T * d; i++) Y->data[i] = 1e170;
    CHECK_STATUS(po_fit_ridge(Y, &o, W, NULL), PO_ENONFINITE);
    CHECK(strstr(po_errmsg(), "too large") != NULL);
    /* Y_{t+1} = (1 - alpha) Y_t exactly: Delta = 0, but sum Y Y^T overflows. */
    for (size_t j = 0; j < d; j++) PO_MAT_AT(Y, 0, j) = 1e160;
    for (size_t t = 1; t < T; t++)
        for (size_t j = 0; j < d; j++) PO_MAT_AT(Y, t, j) = (1.0 - o.alpha) * PO_MAT_AT(Y, t - 1, j);
    CHECK_STATUS(po_fit_ridge(Y, &o, W, NULL), PO_ENONFINITE);
    CHECK(strstr(po_errmsg(), "sums overflow") != NULL);
    /* Out of memory for the d x d sums (a huge d; the data are never read). */
    double dummy[4] = {0};
    size_t huge = (size_t)1 << 31;
    po_mat Yh = {.data = dummy, .rows = 2, .cols = huge, .ld = huge, .owns = false};
    po_mat Wh = {.data = dummy, .rows = huge, .cols = huge, .ld = huge, .owns = false};
    CHECK_STATUS(po_fit_ridge(&Yh, &o, &Wh, NULL), PO_ENOMEM);
    po_mat_free(Wbad);
    po_mat_free(W);
    po_mat_free(Y);
}

/* Progress is reported once per block, increasing, ending at the number of
 * transitions used (after burn-in). */
typedef struct progress_log {
    size_t calls, last_done, last_total;
    bool increasing;
} progress_log;

static void log_progress(void *user, size_t done, size_t total)
{
    progress_log *l = user;
    l->increasing &= done > l->last_done;
    l->calls++;
    l->last_done = done;
    l->last_total = total;
}

static void test_progress(void)
{
    size_t d = 3, T = 23;
    po_mat *Y = po_test_gaussian(T, d, 0.5, 31), *W = po_mat_alloc(d, d);
    po_ridge_opts o = opts_of(PO_PHI_TANH, PO_LEAKY_CURRENT, 0.1, 1e-3);
    progress_log log = {.increasing = true};
    o.block = 4;
    o.burn_in = 2;
    o.progress = log_progress;
    o.progress_user = &log;
    po_ridge_info info;
    CHECK_OK(po_fit_ridge(Y, &o, W, &info));
    /* 20 transitions in blocks of 4 */
    CHECK(log.calls == 5 && log.increasing);
    CHECK(log.last_done == 20 && log.last_total == 20 && info.samples == 20);
    po_mat_free(W);
    po_mat_free(Y);
}

int main(void)
{
    PO_RUN(test_defaults_and_opts_check);
    PO_RUN(test_normal_equations);
    PO_RUN(test_recover_linear);
    PO_RUN(test_recover_tanh_current);
    PO_RUN(test_recover_tanh_rate);
    PO_RUN(test_rate_clipping_count);
    PO_RUN(test_block_boundaries);
    PO_RUN(test_burn_in);
    PO_RUN(test_svd_fallback);
    PO_RUN(test_numpy_fixtures);
    PO_RUN(test_errors);
    PO_RUN(test_progress);
    return po_test_finish();
}
