/* Spectral analysis (SPEC.md §5): closed forms, identities, NumPy references. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"

static po_mat *diag(size_t n, const double *d)
{
    po_mat *m = po_mat_alloc(n, n);
    for (size_t i = 0; i < n; i++) PO_MAT_AT(m, i, i) = d[i];
    return m;
}

/* Spectrum of W in a fresh po_spectrum (caller frees). */
static po_spectrum *spectrum_of(const po_mat *W)
{
    po_spectrum *s = po_spectrum_alloc(W->rows);
    CHECK(s != NULL);
    CHECK_OK(po_spectrum_compute(W, s));
    return s;
}

static void test_diagonal(void)
{
    const double d[] = {0.9, 0.5, -0.3, 0.99};
    po_mat *W = diag(4, d);
    po_spectrum *s = spectrum_of(W);
    const double re[] = {0.99, 0.9, 0.5, -0.3}, zero[4] = {0};
    const double tau[] = {1 / (1 - 0.99), 1 / (1 - 0.9), 2.0, 1 / 1.3};
    const double sv[] = {0.99, 0.9, 0.5, 0.3};
    CHECK_ALLCLOSE(s->re, re, 4, 0, 0);
    CHECK_ALLCLOSE(s->im, zero, 4, 0, 0);
    CHECK_ALLCLOSE(s->tau, tau, 4, 1e-15, 0);
    CHECK_ALLCLOSE(s->sv, sv, 4, 1e-15, 0);
    CHECK_CLOSE(s->las, log2(tau[0] / tau[1]), 1e-15, 0);
    CHECK_CLOSE(s->las, log2(10.0), 1e-12, 0);
    CHECK_CLOSE(s->henrici, 0.0, 0, 1e-7);
    CHECK(s->max_re == 0.99);
    po_spectrum_free(s);
    po_mat_free(W);
}

/* r R(theta): eigenvalues r e^{+-i theta}, a complex top pair, so LAS = 0. */
static void test_rotation_scaling(void)
{
    const double r = 0.8, th = 0.6;
    po_mat *W = po_mat_alloc(2, 2);
    PO_MAT_AT(W, 0, 0) = PO_MAT_AT(W, 1, 1) = r * cos(th);
    PO_MAT_AT(W, 0, 1) = -r * sin(th);
    PO_MAT_AT(W, 1, 0) = r * sin(th);
    po_spectrum *s = spectrum_of(W);
    CHECK_CLOSE(s->re[0], r * cos(th), 1e-14, 0);
    CHECK(s->re[0] == s->re[1]);
    CHECK_CLOSE(s->im[0], r * sin(th), 1e-14, 0);
    CHECK_CLOSE(s->im[1], -r * sin(th), 1e-14, 0);
    CHECK_CLOSE(s->tau[0], 1 / (1 - r * cos(th)), 1e-14, 0);
    CHECK(s->tau[0] == s->tau[1]);
    CHECK(s->las == 0.0);
    CHECK_CLOSE(s->henrici, 0.0, 0, 1e-7);
    CHECK_CLOSE(s->sv[0], r, 1e-15, 0);
    CHECK_CLOSE(s->sv[1], r, 1e-15, 0);
    po_spectrum_free(s);
    po_mat_free(W);
}

/* The feedforward chain (superdiagonal ones, SPEC.md §9.5) is nilpotent: all
 * eigenvalues 0, every tau 1, LAS 0 and maximal non-normality h = 1. A Jordan
 * block with eigenvalue lam has h^2 = (n - 1) / (n - 1 + n lam^2). */
static void test_chain_and_jordan(void)
{
    const size_t n = 7;
    po_mat *W = po_mat_alloc(n, n);
    for (size_t i = 0; i + 1 < n; i++) PO_MAT_AT(W, i, i + 1) = 1.0;
    po_spectrum *s = spectrum_of(W);
    double zero[7] = {0}, one[7] = {1, 1, 1, 1, 1, 1, 1}, sv[7] = {1, 1, 1, 1, 1, 1, 0};
    CHECK_ALLCLOSE(s->re, zero, n, 0, 0);
    CHECK_ALLCLOSE(s->im, zero, n, 0, 0);
    CHECK_ALLCLOSE(s->tau, one, n, 0, 0);
    CHECK(s->las == 0.0);
    CHECK(s->henrici == 1.0);
    CHECK_ALLCLOSE(s->sv, sv, n, 1e-15, 1e-15);
    const double lam = 0.5;
    for (size_t i = 0; i < n; i++) PO_MAT_AT(W, i, i) = lam;
    CHECK_OK(po_spectrum_compute(W, s));
    CHECK_CLOSE(s->re[0], lam, 1e-15, 0);
    CHECK_CLOSE(s->henrici, sqrt((double)(n - 1) / ((double)(n - 1) + (double)n * lam * lam)),
                1e-12, 0);
    po_spectrum_free(s);
    po_mat_free(W);
}

/* Symmetric matrices are normal (h = 0 up to the cancellation in
 * ||W||_F^2 - sum lambda^2, which leaves about sqrt(eps)) with real spectra. */
static void test_symmetric(void)
{
    const size_t n = 40;
    po_mat *G = po_test_gaussian(n, n, 1.0 / sqrt((double)n), 11);
    po_mat *W = po_mat_alloc(n, n);
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < n; j++)
            PO_MAT_AT(W, i, j) = PO_MAT_AT(G, i, j) + PO_MAT_AT(G, j, i);
    po_spectrum *s = spectrum_of(W);
    CHECK(s->henrici < 1e-6);
    int real = 1, sorted = 1;
    for (size_t i = 0; i < n; i++) real &= s->im[i] == 0.0;
    for (size_t i = 1; i < n; i++) sorted &= s->re[i - 1] >= s->re[i];
    CHECK(real && sorted);
    /* Singular values of a symmetric matrix are the |eigenvalues|. */
    double absre[40];
    for (size_t i = 0; i < n; i++) absre[i] = fabs(s->re[i]);
    for (size_t i = 1; i < n; i++)
        for (size_t j = i; j > 0 && absre[j - 1] < absre[j]; j--) {
            double t = absre[j];
            absre[j] = absre[j - 1];
            absre[j - 1] = t;
        }
    CHECK_ALLCLOSE(s->sv, absre, n, 1e-12, 1e-12);
    po_spectrum_free(s);
    po_mat_free(W);
    po_mat_free(G);
}

/* Henrici's measure is scale invariant: W and 1e200 W (whose ||W||_F^2
 * overflows) or 1e-200 W (whose squares underflow) give the same value. */
static void test_henrici_scale_invariant(void)
{
    const size_t n = 5;
    const double lam = 0.5;
    po_mat *W = po_mat_alloc(n, n);
    for (size_t i = 0; i < n; i++) PO_MAT_AT(W, i, i) = lam;
    for (size_t i = 0; i + 1 < n; i++) PO_MAT_AT(W, i, i + 1) = 1.0;
    const double want = sqrt((double)(n - 1) / ((double)(n - 1) + (double)n * lam * lam));
    po_spectrum *s = po_spectrum_alloc(n);
    const double scales[] = {1e200, 1e-200};
    for (size_t k = 0; k < 2; k++) {
        po_mat *V = po_mat_dup(W);
        for (size_t i = 0; i < n; i++)
            for (size_t j = 0; j < n; j++) PO_MAT_AT(V, i, j) *= scales[k];
        CHECK_OK(po_spectrum_compute(V, s));
        CHECK_CLOSE(s->henrici, want, 1e-12, 0);
        po_mat_free(V);
    }
    po_spectrum_free(s);
    po_mat_free(W);
}

static void test_small_sizes(void)
{
    const double d = 0.7;
    po_mat *W = diag(1, &d);
    po_spectrum *s = spectrum_of(W);
    CHECK(s->re[0] == 0.7 && s->las == 0.0 && s->henrici == 0.0 && s->max_re == 0.7);
    CHECK_CLOSE(s->tau[0], 1 / 0.3, 1e-15, 0);
    po_spectrum_free(s);
    po_mat_free(W);
    po_mat *E = po_mat_alloc(0, 0);
    s = spectrum_of(E);
    CHECK(s->las == 0.0 && s->henrici == 0.0 && isinf(s->max_re) && s->max_re < 0);
    po_spectrum_free(s);
    po_mat_free(E);
    po_spectrum_free(NULL);
    CHECK(po_line_attractor_score(NULL, 0) == 0.0);
}

/* Re = 1 is the continuous-time stability boundary: tau = Inf. Re > 1 gives a
 * finite tau (the reference's |.|), so LAS can be negative. */
static void test_boundary_and_unstable(void)
{
    CHECK(isinf(po_time_constant(1.0)));
    CHECK(po_time_constant(1.5) == 2.0 && po_time_constant(0.5) == 2.0);
    const double a[] = {1.0, 0.5}, b[] = {1.0, 1.0}, c[] = {1.5, 0.9}, e[] = {1.5, 0.5};
    CHECK(isinf(po_line_attractor_score(a, 2)) && po_line_attractor_score(a, 2) > 0);
    CHECK(po_line_attractor_score(b, 2) == 0.0);
    CHECK_CLOSE(po_line_attractor_score(c, 2), log2(0.2), 1e-14, 0);
    CHECK(po_line_attractor_score(e, 2) == 0.0);
    po_mat *W = diag(2, a);
    po_spectrum *s = spectrum_of(W);
    CHECK(isinf(s->tau[0]) && s->tau[1] == 2.0 && isinf(s->las));
    po_spectrum_free(s);
    po_mat_free(W);
}

/* ||A V - V Lambda|| for the sorted complex eigenvectors of a random
 * nonsymmetric matrix, which has conjugate pairs. */
static void test_eigen_residual(void)
{
    const size_t n = 40;
    po_mat *A = po_test_gaussian(n, n, 1.0 / sqrt((double)n), 5);
    po_mat *vre = po_mat_alloc(n, n), *vim = po_mat_alloc(n, n);
    po_mat *ar = po_mat_alloc(n, n), *ai = po_mat_alloc(n, n);
    double re[40], im[40];
    CHECK_OK(po_eig_vectors(A, re, im, vre, vim));
    po_spectrum *s = spectrum_of(A);
    CHECK_ALLCLOSE(re, s->re, n, 0, 0);
    CHECK_ALLCLOSE(im, s->im, n, 0, 0);
    size_t pairs = 0;
    for (size_t k = 0; k < n; k++) pairs += im[k] > 0;
    CHECK(pairs >= 3);
    /* A (vre + i vim) - (re + i im)(vre + i vim), column by column. */
    double worst = 0, worst_norm = 0;
    for (size_t i = 0; i < n; i++)
        for (size_t k = 0; k < n; k++) {
            double sr = 0, si = 0;
            for (size_t j = 0; j < n; j++) {
                sr += PO_MAT_AT(A, i, j) * PO_MAT_AT(vre, j, k);
                si += PO_MAT_AT(A, i, j) * PO_MAT_AT(vim, j, k);
            }
            PO_MAT_AT(ar, i, k) = sr - (re[k] * PO_MAT_AT(vre, i, k) - im[k] * PO_MAT_AT(vim, i, k));
            PO_MAT_AT(ai, i, k) = si - (re[k] * PO_MAT_AT(vim, i, k) + im[k] * PO_MAT_AT(vre, i, k));
        }
    for (size_t k = 0; k < n; k++) {
        double r2 = 0, v2 = 0;
        for (size_t i = 0; i < n; i++) {
            r2 += PO_MAT_AT(ar, i, k) * PO_MAT_AT(ar, i, k) + PO_MAT_AT(ai, i, k) * PO_MAT_AT(ai, i, k);
            v2 += PO_MAT_AT(vre, i, k) * PO_MAT_AT(vre, i, k) +
                  PO_MAT_AT(vim, i, k) * PO_MAT_AT(vim, i, k);
        }
        worst = fmax(worst, sqrt(r2));
        worst_norm = fmax(worst_norm, fabs(sqrt(v2) - 1));
    }
    CHECK(worst < 1e-12 * po_mat_norm_fro(A));
    CHECK(worst_norm < 1e-13);
    /* The -im member of a pair carries the conjugate eigenvector. */
    for (size_t k = 0; k + 1 < n; k++)
        if (im[k] > 0) {
            CHECK(im[k + 1] == -im[k]);
            for (size_t i = 0; i < n; i++)
                CHECK(PO_MAT_AT(vre, i, k) == PO_MAT_AT(vre, i, k + 1) &&
                      PO_MAT_AT(vim, i, k) == -PO_MAT_AT(vim, i, k + 1));
        }
    po_spectrum_free(s);
    po_mat_free(ai);
    po_mat_free(ar);
    po_mat_free(vim);
    po_mat_free(vre);
    po_mat_free(A);
}

static void test_sort_ties(void)
{
    double re[] = {0.5, 0.5, 1.0, 0.5, -2.0, (double)NAN, 1.0, 0.5};
    double im[] = {-0.3, 0.3, 0.0, 0.0, 0.0, 0.0, 0.0, 0.3};
    const double want_re[] = {1.0, 1.0, 0.5, 0.5, 0.5, 0.5, -2.0};
    const double want_im[] = {0.0, 0.0, 0.3, 0.3, 0.0, -0.3, 0.0};
    po_eig_sort(re, im, 8);
    CHECK_ALLCLOSE(re, want_re, 7, 0, 0);
    CHECK_ALLCLOSE(im, want_im, 7, 0, 0);
    CHECK(isnan(re[7]));
    /* Many values with many exact ties: ordered and the same multiset. */
    enum { N = 999 };
    static double r[N], i_[N];
    po_rng g;
    po_rng_init(&g, 3, PO_STREAM_FIT);
    double sum_before = 0, sum_after = 0;
    for (size_t k = 0; k < N; k++) {
        r[k] = (double)(po_rng_next(&g) % 7) / 4.0;
        i_[k] = (double)(po_rng_next(&g) % 5) - 2.0;
        sum_before += r[k] * 3.0 + i_[k] * 11.0;
    }
    po_eig_sort(r, i_, N);
    int ordered = 1;
    for (size_t k = 0; k < N; k++) sum_after += r[k] * 3.0 + i_[k] * 11.0;
    for (size_t k = 1; k < N; k++)
        ordered &= r[k - 1] > r[k] || (r[k - 1] == r[k] && i_[k - 1] >= i_[k]);
    CHECK(ordered);
    CHECK(sum_before == sum_after);
    po_eig_sort(NULL, NULL, 0);
}

static void test_overlap(void)
{
    const double x[] = {1, 2, -2, 4, 9}, y[] = {-3, -6, 6, -12};
    const double z[] = {0, 0, 0}, e1[] = {1, 0}, e2[] = {0, 5};
    CHECK_CLOSE(po_overlap(x, 5, 1, x, 5, 1), 1.0, 1e-15, 0);
    /* Truncation to 4 entries makes y = -3 x: scale and sign do not matter. */
    CHECK_CLOSE(po_overlap(x, 5, 1, y, 4, 1), 1.0, 1e-15, 0);
    CHECK_CLOSE(po_overlap(x, 5, 1, y, 4, 1), po_overlap(y, 4, 1, x, 5, 1), 0, 0);
    CHECK(po_overlap(x, 5, 1, z, 3, 1) == 0.0);
    CHECK(po_overlap(z, 3, 1, x, 5, 1) == 0.0);
    CHECK(po_overlap(e1, 2, 1, e2, 2, 1) == 0.0);
    CHECK(po_overlap(x, 0, 1, y, 4, 1) == 0.0);
    /* x[:2] = (1, 2) against (1, 0): 1/sqrt(5); strided reads. */
    CHECK_CLOSE(po_overlap(x, 5, 1, e1, 2, 1), 1 / sqrt(5.0), 1e-15, 0);
    const double xs[] = {1, 99, 2, 99, -2, 99};
    CHECK_CLOSE(po_overlap(xs, 3, 2, y, 3, 1), 1.0, 1e-15, 0);
    CHECK_CLOSE(po_overlap(xs, 3, 2, e2, 2, 1), 2 / sqrt(5.0), 1e-15, 0);
}

/* Teacher blockdiag(S, B) with the top singular value in S (the first d
 * coordinates) and student S: both overlaps are 1. */
static void test_singular_overlaps_block(void)
{
    const size_t D = 9, d = 4;
    po_mat *S = po_test_gaussian(d, d, 1.0, 21), *B = po_test_gaussian(D - d, D - d, 0.01, 22);
    po_mat *T = po_mat_alloc(D, D);
    po_mat blk = po_mat_block(T, 0, 0, d, d);
    CHECK_OK(po_mat_copy(&blk, S));
    blk = po_mat_block(T, d, d, D - d, D - d);
    CHECK_OK(po_mat_copy(&blk, B));
    double u, v;
    CHECK_OK(po_singular_overlaps(T, S, &u, &v));
    CHECK_CLOSE(u, 1.0, 1e-13, 0);
    CHECK_CLOSE(v, 1.0, 1e-13, 0);
    /* Overlaps ignore the student's scale and sign. */
    for (size_t i = 0; i < d; i++)
        for (size_t j = 0; j < d; j++) PO_MAT_AT(S, i, j) *= -2.5;
    CHECK_OK(po_singular_overlaps(T, S, &u, &v));
    CHECK_CLOSE(u, 1.0, 1e-13, 0);
    CHECK_CLOSE(v, 1.0, 1e-13, 0);
    po_mat_free(T);
    po_mat_free(B);
    po_mat_free(S);
}

static void check_case(const char *name, double henrici_atol)
{
    char path[64];
    snprintf(path, sizeof path, "dyn_%s_W.npy", name);
    po_mat *W = po_test_load(path);
    snprintf(path, sizeof path, "dyn_%s_eig.npy", name);
    po_mat *eig = po_test_load(path);
    snprintf(path, sizeof path, "dyn_%s_sv.npy", name);
    po_mat *sv = po_test_load(path);
    snprintf(path, sizeof path, "dyn_%s_stats.npy", name);
    po_mat *stats = po_test_load(path);
    CHECK(W && eig && sv && stats);
    if (!(W && eig && sv && stats)) return;
    size_t n = W->rows;
    CHECK(eig->rows == n && eig->cols == 2 && sv->rows == n && stats->rows == 2);
    po_spectrum *s = spectrum_of(W);
    for (size_t i = 0; i < n; i++) {
        CHECK_CLOSE(s->re[i], PO_MAT_AT(eig, i, 0), 1e-10, 1e-10);
        CHECK_CLOSE(s->im[i], PO_MAT_AT(eig, i, 1), 1e-10, 1e-10);
    }
    CHECK_ALLCLOSE(s->sv, sv->data, n, 1e-10, 1e-10);
    CHECK_CLOSE(s->henrici, stats->data[0], 1e-10, henrici_atol);
    CHECK_CLOSE(s->las, stats->data[1], 1e-10, 1e-10);
    po_spectrum_free(s);
    po_mat_free(stats);
    po_mat_free(sv);
    po_mat_free(eig);
    po_mat_free(W);
}

/* NumPy references from tools/fixtures_dyn.py. The symmetric case's Henrici
 * value is rounding noise (~1e-8) on both sides, hence its absolute tolerance. */
static void test_numpy_reference(void)
{
    check_case("small", 0);
    check_case("sym", 1e-6);
    check_case("big", 0);
    po_mat *W = po_test_load("dyn_big_W.npy"), *ref = po_test_load("dyn_overlap.npy");
    CHECK(W && ref);
    if (!(W && ref)) return;
    po_mat student = po_mat_block(W, 0, 0, 30, 30);
    double u, v;
    CHECK_OK(po_singular_overlaps(W, &student, &u, &v));
    CHECK_CLOSE(u, ref->data[0], 1e-10, 1e-12);
    CHECK_CLOSE(v, ref->data[1], 1e-10, 1e-12);
    po_mat_free(ref);
    po_mat_free(W);
}

static void test_errors(void)
{
    po_spectrum *s = po_spectrum_alloc(3);
    po_mat *rect = po_mat_alloc(3, 4), *sq2 = po_mat_alloc(2, 2), *sq3 = po_mat_alloc(3, 3);
    CHECK_STATUS(po_spectrum_compute(rect, s), PO_ESHAPE);
    CHECK(strstr(po_errmsg(), "3x4") != NULL);
    CHECK_STATUS(po_spectrum_compute(sq2, s), PO_ESHAPE);
    CHECK(strstr(po_errmsg(), "n = 3") != NULL);
    PO_MAT_AT(sq3, 1, 2) = (double)NAN;
    CHECK_STATUS(po_spectrum_compute(sq3, s), PO_ENONFINITE);
    PO_MAT_AT(sq3, 1, 2) = (double)INFINITY;
    CHECK_STATUS(po_spectrum_compute(sq3, s), PO_ENONFINITE);
    double re[3], im[3], u, v;
    CHECK_STATUS(po_eig_vectors(rect, re, im, sq3, sq3), PO_ESHAPE);
    CHECK_STATUS(po_eig_vectors(sq3, re, im, sq3, sq3), PO_ENONFINITE);
    PO_MAT_AT(sq3, 1, 2) = 0.0;
    CHECK_STATUS(po_eig_vectors(sq3, re, im, sq2, sq3), PO_ESHAPE);
    CHECK_STATUS(po_singular_overlaps(sq2, sq3, &u, &v), PO_ESHAPE); /* d > D */
    CHECK_STATUS(po_singular_overlaps(sq3, rect, &u, &v), PO_ESHAPE);
    CHECK_STATUS(po_singular_overlaps(rect, sq2, &u, &v), PO_ESHAPE);
    po_mat *empty = po_mat_alloc(0, 0);
    CHECK_STATUS(po_singular_overlaps(sq3, empty, &u, &v), PO_ESHAPE);
    CHECK_STATUS(po_top_singular_vectors(empty, re, im), PO_ESHAPE);
    PO_MAT_AT(sq3, 0, 0) = (double)NAN;
    CHECK_STATUS(po_singular_overlaps(sq3, sq2, &u, &v), PO_ENONFINITE);
    po_mat_free(empty);
    po_mat_free(sq3);
    po_mat_free(sq2);
    po_mat_free(rect);
    po_spectrum_free(s);
    CHECK(po_spectrum_alloc((size_t)1 << 62) == NULL);
}

int main(void)
{
    PO_RUN(test_diagonal);
    PO_RUN(test_rotation_scaling);
    PO_RUN(test_chain_and_jordan);
    PO_RUN(test_symmetric);
    PO_RUN(test_small_sizes);
    PO_RUN(test_henrici_scale_invariant);
    PO_RUN(test_boundary_and_unstable);
    PO_RUN(test_eigen_residual);
    PO_RUN(test_sort_ties);
    PO_RUN(test_overlap);
    PO_RUN(test_singular_overlaps_block);
    PO_RUN(test_numpy_reference);
    PO_RUN(test_errors);
    return po_test_finish();
}
