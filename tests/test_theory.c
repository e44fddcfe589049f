/* Infinite-data theory and subsampling curves (SPEC.md §4.3, §5): closed
 * forms, Lyapunov residuals, SciPy references, the SPEC chain table, and
 * the curves against the direct per-d formula. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "theory/theory_internal.h"

static po_teacher *make_teacher(po_net net, size_t D, uint64_t seed, void (*tweak)(po_teacher_opts *))
{
    po_teacher_opts o = po_teacher_opts_defaults(net, D);
    if (tweak) tweak(&o);
    po_rng rng;
    po_rng_init(&rng, seed, PO_STREAM_CONNECTIVITY);
    po_teacher *t = NULL;
    CHECK_OK(po_teacher_generate(&o, &rng, &t));
    return t;
}

static po_mat *chain_matrix(size_t D)
{
    po_mat *B = po_mat_alloc(D, D);
    for (size_t i = 0; i + 1 < D; i++) PO_MAT_AT(B, i, i + 1) = 1.0;
    return B;
}

/* max |A X + X A^T + Q| / (||A|| ||X|| + ||Q||) with Frobenius norms. */
static double lyap_residual(const po_mat *A, const po_mat *X, const po_mat *Q)
{
    size_t n = A->rows;
    double worst = 0.0;
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < n; j++) {
            double r = PO_MAT_AT(Q, i, j);
            for (size_t k = 0; k < n; k++)
                r += PO_MAT_AT(A, i, k) * PO_MAT_AT(X, k, j) + PO_MAT_AT(X, i, k) * PO_MAT_AT(A, j, k);
            if (fabs(r) > worst) worst = fabs(r);
        }
    return worst / (po_mat_norm_fro(A) * po_mat_norm_fro(X) + po_mat_norm_fro(Q));
}

static po_mat *sigma_of(const po_mat *B, bool closed, po_cov_method *used)
{
    po_cov_opts o = po_cov_opts_defaults();
    o.closed_forms = closed;
    po_mat *S = po_mat_alloc(B->rows, B->rows);
    CHECK_OK(po_stationary_cov(B, &o, S, used));
    return S;
}

/* SPEC.md §4.3: Sigma_ij = sum_{k=max(i,j)}^{D} 2^{-(2k-i-j+1)} C(2k-i-j, k-i) (1-based), log-gamma. */
static double chain_closed_form(size_t D, size_t i, size_t j)
{
    double s = 0.0;
    size_t k0 = i > j ? i : j;
    for (size_t k = k0; k <= D; k++) {
        double n = (double)(2 * k - i - j), a = (double)(k - i), b = (double)(k - j);
        s += exp(lgamma(n + 1) - lgamma(a + 1) - lgamma(b + 1) - (n + 1) * log(2.0));
    }
    return s;
}

static void test_chain_closed_forms(void)
{
    size_t D = 60;
    po_mat *B = chain_matrix(D);
    po_cov_method m = PO_COV_SCHUR;
    po_mat *S = sigma_of(B, true, &m);
    CHECK(m == PO_COV_CHAIN);
    CHECK(strcmp(po_cov_method_name(m), "chain") == 0);
    double worst = 0.0;
    for (size_t i = 0; i < D; i++)
        for (size_t j = 0; j < D; j++) {
            double want = chain_closed_form(D, i + 1, j + 1);
            double e = fabs(PO_MAT_AT(S, i, j) - want) / want;
            if (e > worst) worst = e;
        }
    CHECK_CLOSE(worst, 0.0, 0, 1e-12);
    po_cov_method m2 = PO_COV_CHAIN;
    po_mat *Ss = sigma_of(B, false, &m2);
    CHECK(m2 == PO_COV_SCHUR);
    CHECK_CLOSE(po_mat_max_abs_diff(S, Ss) / po_mat_norm_fro(S) * (double)D, 0.0, 0, 1e-12);
    po_mat *Bm = po_mat_dup(B);
    for (size_t i = 0; i < D; i++) PO_MAT_AT(Bm, i, i) -= 1.0;
    po_mat *Q = po_mat_alloc(D, D);
    po_mat_set_identity(Q);
    CHECK_CLOSE(lyap_residual(Bm, S, Q), 0.0, 0, 1e-15);
    /* a large chain, a few entries against the log-gamma sum */
    size_t Dl = 1500;
    po_mat *blk = po_mat_alloc(3, 4);
    CHECK_OK(po_chain_cov_block(Dl, 3, 4, blk));
    for (size_t i = 0; i < 3; i++)
        for (size_t j = 0; j < 4; j++)
            CHECK_CLOSE(PO_MAT_AT(blk, i, j), chain_closed_form(Dl, i + 1, j + 1), 1e-12, 0);
    /* the leading block equals the block of the full matrix */
    po_mat *b2 = po_mat_alloc(7, 11);
    CHECK_OK(po_chain_cov_block(D, 7, 11, b2));
    po_mat lead = po_mat_block(S, 0, 0, 7, 11);
    CHECK_MAT_CLOSE(b2, &lead, 0, 0);
    CHECK_STATUS(po_chain_cov_block(D, D + 1, 2, b2), PO_ESHAPE);
    CHECK_STATUS(po_chain_cov_block(D, 7, 10, b2), PO_ESHAPE);
    CHECK_STATUS(po_chain_cov(D + 1, S), PO_ESHAPE);
    po_mat_free(b2);
    po_mat_free(blk);
    po_mat_free(Q);
    po_mat_free(Bm);
    po_mat_free(Ss);
    po_mat_free(S);
    po_mat_free(B);
}

static void test_symmetric_closed_form(void)
{
    po_teacher *t = make_teacher(PO_NET_SYMMETRIC, 50, 7, NULL);
    po_cov_method m = PO_COV_SCHUR;
    po_mat *S = sigma_of(t->W, true, &m);
    CHECK(m == PO_COV_SYMMETRIC);
    po_mat *Ss = sigma_of(t->W, false, &m);
    CHECK(m == PO_COV_SCHUR);
    CHECK_MAT_CLOSE(S, Ss, 1e-11, 1e-13);
    /* Sigma (I - B) = I / 2 */
    size_t D = 50;
    double worst = 0.0;
    for (size_t i = 0; i < D; i++)
        for (size_t j = 0; j < D; j++) {
            double r = 0.0;
            for (size_t k = 0; k < D; k++)
                r += PO_MAT_AT(S, i, k) * ((k == j ? 1.0 : 0.0) - PO_MAT_AT(t->W, k, j));
            worst = fmax(worst, fabs(r - (i == j ? 0.5 : 0.0)));
        }
    CHECK_CLOSE(worst, 0.0, 0, 1e-13);
    /* unstable symmetric: the closed form refuses with the eigenvalue */
    for (size_t i = 0; i < D; i++) PO_MAT_AT(t->W, i, i) += 1.5;
    CHECK_STATUS(po_stationary_cov(t->W, &(po_cov_opts){0.0, true}, S, NULL), PO_EUNSTABLE);
    CHECK(strstr(po_errmsg(), "no stationary covariance exists") != NULL);
    CHECK_STATUS(po_stationary_cov(t->W, &(po_cov_opts){0.0, false}, S, NULL), PO_EUNSTABLE);
    CHECK(strstr(po_errmsg(), "no stationary covariance exists") != NULL);
    po_mat_free(Ss);
    po_mat_free(S);
    po_teacher_free(t);
}

/* Null-overlap low rank: Sigma = (I + B_s + B B^T / 2) / 2 (SPEC.md §4.3). */
static void test_lowrank_closed_form(void)
{
    size_t D = 60;
    po_teacher *t = make_teacher(PO_NET_LOWRANK, D, 11, NULL);
    po_mat *S = sigma_of(t->W, true, NULL);
    po_mat *want = po_mat_alloc(D, D);
    const po_mat *B = t->W;
    for (size_t i = 0; i < D; i++)
        for (size_t j = 0; j < D; j++) {
            double bbt = 0.0;
            for (size_t k = 0; k < D; k++) bbt += PO_MAT_AT(B, i, k) * PO_MAT_AT(B, j, k);
            PO_MAT_AT(want, i, j) = 0.5 * ((i == j ? 1.0 : 0.0) +
                                           0.5 * (PO_MAT_AT(B, i, j) + PO_MAT_AT(B, j, i)) + 0.5 * bbt);
        }
    CHECK_MAT_CLOSE(S, want, 0, 1e-10 * po_mat_norm_fro(want) / (double)D);
    po_mat_free(want);
    po_mat_free(S);
    po_teacher_free(t);
}

static void test_lyapunov_random(void)
{
    for (size_t n = 1; n <= 64; n = n * 3 + 1) {
        po_mat *A = po_test_gaussian(n, n, 1.0 / sqrt((double)n), 100 + n);
        for (size_t i = 0; i < n; i++) PO_MAT_AT(A, i, i) -= 1.6; /* spectral radius ~1 */
        po_mat *G = po_test_gaussian(n, n, 1.0, 200 + n);
        po_mat *Q = po_mat_alloc(n, n), *X = po_mat_alloc(n, n);
        for (size_t i = 0; i < n; i++)
            for (size_t j = 0; j < n; j++) {
                double s = 0.0;
                for (size_t k = 0; k < n; k++) s += PO_MAT_AT(G, i, k) * PO_MAT_AT(G, j, k);
                PO_MAT_AT(Q, i, j) = s;
            }
        CHECK_OK(po_lyapunov_solve(A, Q, X));
        CHECK_CLOSE(lyap_residual(A, X, Q), 0.0, 0, 1e-14);
        for (size_t i = 0; i < n; i++)
            for (size_t j = 0; j < i; j++) CHECK(PO_MAT_AT(X, i, j) == PO_MAT_AT(X, j, i));
        po_mat_free(X);
        po_mat_free(Q);
        po_mat_free(G);
        po_mat_free(A);
    }
}

static void test_lyapunov_errors(void)
{
    po_mat *A = po_mat_alloc(3, 3), *Q = po_mat_alloc(3, 3), *X = po_mat_alloc(3, 3);
    po_mat *R = po_mat_alloc(3, 2);
    po_mat_set_identity(Q);
    for (size_t i = 0; i < 3; i++) PO_MAT_AT(A, i, i) = -1.0;
    PO_MAT_AT(A, 1, 1) = 0.0; /* marginal: not stable */
    CHECK_STATUS(po_lyapunov_solve(A, Q, X), PO_EUNSTABLE);
    CHECK(strstr(po_errmsg(), "no stationary covariance exists") != NULL);
    PO_MAT_AT(A, 1, 1) = -1.0;
    CHECK_STATUS(po_lyapunov_solve(R, Q, X), PO_ESHAPE);
    CHECK_STATUS(po_lyapunov_solve(A, R, X), PO_ESHAPE);
    CHECK_STATUS(po_lyapunov_solve(A, Q, R), PO_ESHAPE);
    PO_MAT_AT(Q, 0, 1) = 0.5; /* not symmetric */
    CHECK_STATUS(po_lyapunov_solve(A, Q, X), PO_EINVAL);
    PO_MAT_AT(Q, 0, 1) = 0.0;
    PO_MAT_AT(A, 2, 0) = (double)NAN;
    CHECK_STATUS(po_lyapunov_solve(A, Q, X), PO_ENONFINITE);
    PO_MAT_AT(A, 2, 0) = 0.0;
    CHECK_OK(po_lyapunov_solve(A, Q, X));
    CHECK_CLOSE(PO_MAT_AT(X, 1, 1), 0.5, 1e-15, 0);
    po_mat e = po_mat_view(NULL, 0, 0, 0);
    CHECK_OK(po_lyapunov_solve(&e, &e, &e));
    po_mat_free(R);
    po_mat_free(X);
    po_mat_free(Q);
    po_mat_free(A);
}

static void test_stationary_cov_errors(void)
{
    po_mat *B = po_mat_alloc(4, 4), *S = po_mat_alloc(4, 4), *R = po_mat_alloc(4, 3);
    po_cov_opts o = po_cov_opts_defaults();
    CHECK(po_cov_opts_check(&o) == NULL);
    o.noise_corr = 1.0;
    CHECK(po_cov_opts_check(&o) != NULL);
    CHECK_STATUS(po_stationary_cov(B, &o, S, NULL), PO_EINVAL);
    o.noise_corr = -0.1;
    CHECK_STATUS(po_stationary_cov(B, &o, S, NULL), PO_EINVAL);
    o.noise_corr = (double)NAN;
    CHECK_STATUS(po_stationary_cov(B, &o, S, NULL), PO_EINVAL);
    o = po_cov_opts_defaults();
    CHECK_STATUS(po_stationary_cov(R, &o, S, NULL), PO_ESHAPE);
    CHECK_STATUS(po_stationary_cov(B, &o, R, NULL), PO_ESHAPE);
    PO_MAT_AT(B, 1, 2) = (double)INFINITY;
    CHECK_STATUS(po_stationary_cov(B, &o, S, NULL), PO_ENONFINITE);
    /* a non-normal unstable teacher: eigenvalue 1.25 */
    po_mat_set_zero(B);
    PO_MAT_AT(B, 0, 1) = 3.0;
    PO_MAT_AT(B, 2, 2) = 1.25;
    CHECK_STATUS(po_stationary_cov(B, &o, S, NULL), PO_EUNSTABLE);
    CHECK(strstr(po_errmsg(), "1.25") != NULL);
    CHECK(strstr(po_errmsg(), "no stationary covariance exists") != NULL);
    po_mat_free(R);
    po_mat_free(S);
    po_mat_free(B);
}

/* SciPy fixtures: correlated noise (c = 0.3) and students for several d. */
static void test_scipy_fixtures(void)
{
    po_mat *B = po_test_load("theory_B.npy"), *Sw = po_test_load("theory_sigma.npy");
    if (!B || !Sw) return;
    size_t D = B->rows;
    po_cov_opts o = po_cov_opts_defaults();
    o.noise_corr = 0.3;
    po_mat *S = po_mat_alloc(D, D);
    po_cov_method m = PO_COV_CHAIN;
    CHECK_OK(po_stationary_cov(B, &o, S, &m));
    CHECK(m == PO_COV_SCHUR);
    CHECK_MAT_CLOSE(S, Sw, 1e-11, 1e-12);
    const size_t ds[] = {5, 17, 40};
    for (size_t k = 0; k < 3; k++) {
        char name[64];
        snprintf(name, sizeof name, "theory_ainf_%zu.npy", ds[k]);
        po_mat *want = po_test_load(name), *A = po_mat_alloc(ds[k], ds[k]);
        po_theory_opts to = po_theory_opts_defaults();
        CHECK_OK(po_theory_student(B, S, ds[k], &to, A));
        if (want) CHECK_MAT_CLOSE(A, want, 1e-9, 1e-11);
        po_mat_free(A);
        po_mat_free(want);
    }
    po_mat *want = po_test_load("theory_ainf_rho_17.npy"), *A = po_mat_alloc(17, 17);
    po_theory_opts to = po_theory_opts_defaults();
    to.rho = 0.05;
    CHECK_OK(po_theory_student(B, S, 17, &to, A));
    if (want) CHECK_MAT_CLOSE(A, want, 1e-9, 1e-11);
    po_mat_free(A);
    po_mat_free(want);
    po_mat_free(S);
    po_mat_free(Sw);
    po_mat_free(B);
}

/* SPEC.md §4.3 table, chain d = 25: top real parts and LAS as printed. */
static void test_chain_table(void)
{
    const size_t Ds[] = {45, 81, 474};
    const double re1[] = {0.7385, 0.816, 0.9366}, re2[] = {0.7303, 0.816, 0.8819};
    const double las[] = {0.045, 0.0, 0.90};
    size_t d = 25;
    for (size_t c = 0; c < 3; c++) {
        size_t D = Ds[c];
        po_mat *B = chain_matrix(D), *S = po_mat_alloc(D, D);
        CHECK_OK(po_chain_cov(D, S));
        po_mat *A = po_mat_alloc(d, d), *A2 = po_mat_alloc(d, d);
        po_theory_opts o = po_theory_opts_defaults();
        CHECK_OK(po_theory_student(B, S, d, &o, A));
        o.chain_last_row = true;
        CHECK_OK(po_theory_student(B, S, d, &o, A2));
        CHECK_MAT_CLOSE(A2, A, 1e-9, 1e-10);
        po_spectrum *sp = po_spectrum_alloc(d);
        CHECK_OK(po_spectrum_compute(A2, sp));
        CHECK_CLOSE(sp->re[0], re1[c], 0, 1.5e-3);
        CHECK_CLOSE(sp->re[1], re2[c], 0, 1.5e-3);
        CHECK_CLOSE(sp->las, las[c], 0, 6e-3);
        po_spectrum_free(sp);
        po_mat_free(A2);
        po_mat_free(A);
        po_mat_free(S);
        po_mat_free(B);
    }
    /* d = D: the student is the teacher (the Jordan block), last row zero */
    po_mat *B = chain_matrix(25), *S = po_mat_alloc(25, 25), *A = po_mat_alloc(25, 25);
    CHECK_OK(po_chain_cov(25, S));
    po_theory_opts o = po_theory_opts_defaults();
    o.chain_last_row = true;
    CHECK_OK(po_theory_student(B, S, 25, &o, A));
    CHECK_MAT_CLOSE(A, B, 0, 0);
    o.chain_last_row = false;
    CHECK_OK(po_theory_student(B, S, 25, &o, A));
    CHECK_MAT_CLOSE(A, B, 0, 1e-12);
    po_mat_free(A);
    po_mat_free(S);
    po_mat_free(B);
}

/* Symmetric (normal) teachers, ridgeless: max Re lambda_hat <= max Re lambda (SPEC.md §4.3). */
static void test_symmetric_no_overestimation(void)
{
    size_t D = 80;
    for (uint64_t seed = 1; seed <= 5; seed++) {
        po_teacher *t = make_teacher(seed & 1 ? PO_NET_SYMMETRIC : PO_NET_LINE_ATTRACTOR, D, seed, NULL);
        po_mat *S = sigma_of(t->W, true, NULL);
        po_spectrum *st = po_spectrum_alloc(D);
        CHECK_OK(po_spectrum_compute(t->W, st));
        const size_t ds[] = {4, 25, 60};
        for (size_t k = 0; k < 3; k++) {
            po_mat *A = po_mat_alloc(ds[k], ds[k]);
            po_theory_opts o = po_theory_opts_defaults();
            CHECK_OK(po_theory_student(t->W, S, ds[k], &o, A));
            po_spectrum *sa = po_spectrum_alloc(ds[k]);
            CHECK_OK(po_spectrum_compute(A, sa));
            CHECK(sa->re[0] <= st->re[0] + 1e-10);
            CHECK(sa->re[ds[k] - 1] >= st->re[D - 1] - 1e-10);
            po_spectrum_free(sa);
            po_mat_free(A);
        }
        po_spectrum_free(st);
        po_mat_free(S);
        po_teacher_free(t);
    }
}

static void test_student_errors(void)
{
    po_mat *B = chain_matrix(6), *S = po_mat_alloc(6, 6), *A = po_mat_alloc(3, 3);
    CHECK_OK(po_chain_cov(6, S));
    po_theory_opts o = po_theory_opts_defaults();
    CHECK(po_theory_opts_check(&o) == NULL);
    CHECK_STATUS(po_theory_student(B, S, 0, &o, A), PO_ESHAPE);
    CHECK_STATUS(po_theory_student(B, S, 7, &o, A), PO_ESHAPE);
    CHECK_STATUS(po_theory_student(B, S, 4, &o, A), PO_ESHAPE);
    po_mat Bb = po_mat_block(B, 0, 0, 6, 5);
    CHECK_STATUS(po_theory_student(&Bb, S, 3, &o, A), PO_ESHAPE);
    po_mat Sb = po_mat_block(S, 0, 0, 5, 5);
    CHECK_STATUS(po_theory_student(B, &Sb, 3, &o, A), PO_ESHAPE);
    o.rho = -1.0;
    CHECK_STATUS(po_theory_student(B, S, 3, &o, A), PO_EINVAL);
    o.rho = (double)INFINITY;
    CHECK(po_theory_opts_check(&o) != NULL);
    o.rho = 0.1;
    o.chain_last_row = true;
    CHECK_STATUS(po_theory_student(B, S, 3, &o, A), PO_EINVAL);
    o.rho = 0.0;
    PO_MAT_AT(B, 3, 0) = 0.5; /* no longer the pure chain */
    CHECK_STATUS(po_theory_student(B, S, 3, &o, A), PO_EINVAL);
    o.chain_last_row = false;
    PO_MAT_AT(S, 2, 2) = (double)NAN;
    CHECK_STATUS(po_theory_student(B, S, 3, &o, A), PO_ENONFINITE);
    po_mat_set_zero(S); /* not positive definite */
    CHECK_STATUS(po_theory_student(B, S, 3, &o, A), PO_ELINALG);
    po_mat_free(A);
    po_mat_free(S);
    po_mat_free(B);
}

/* F.3-like teacher: chain with skips, orthogonal transform. */
static void skip_ortho(po_teacher_opts *o)
{
    o->skip_interval = 1;
    o->skip_scale = 0.5;
    o->transforms = PO_TRANSFORM_ORTHO;
}

/* Every recorded quantity against the direct formula, per d. The student's
 * eigenvalues are compared only when `eigs` (a nilpotent teacher's students
 * can be near-defective: then rounding-level changes of A_inf move their
 * eigenvalues by ~1e-3, whichever way A_inf is computed). */
static void check_curves_direct(const po_mat *B, const po_curves_opts *o, const po_curves *c,
                                bool eigs)
{
    size_t D = B->rows;
    po_mat *S = po_mat_alloc(D, D);
    CHECK_OK(po_stationary_cov(B, &o->cov, S, NULL));
    for (size_t k = 0; k < c->n; k++) {
        size_t d = c->d[k];
        po_mat *A = po_mat_alloc(d, d);
        po_theory_opts to = po_theory_opts_defaults();
        to.rho = o->rho;
        CHECK_OK(po_theory_student(B, S, d, &to, A));
        po_spectrum *sp = po_spectrum_alloc(d);
        CHECK_OK(po_spectrum_compute(A, sp));
        double u = 0, v = 0;
        CHECK_OK(po_singular_overlaps(B, A, &u, &v));
        for (size_t i = 0; i < c->top_n; i++) {
            if (eigs) CHECK_CLOSE(c->top_re[k * c->top_n + i], i < d ? sp->re[i] : 0.0, 1e-8, 1e-9);
            CHECK_CLOSE(c->top_sv[k * c->top_n + i], i < d ? sp->sv[i] : 0.0, 1e-8, 1e-9);
        }
        CHECK_CLOSE(c->u_overlap[k], u, 1e-6, 1e-7);
        CHECK_CLOSE(c->v_overlap[k], v, 1e-6, 1e-7);
        if (eigs) CHECK_CLOSE(c->las[k], sp->las, 1e-7, 1e-8);
        if (eigs && c->henrici) CHECK_CLOSE(c->henrici[k], sp->henrici, 1e-7, 1e-8);
        po_spectrum_free(sp);
        po_mat_free(A);
    }
    po_mat_free(S);
}

static po_curves *curves_of(const po_mat *B, const po_curves_opts *o)
{
    size_t n = po_curves_count(o, B->rows);
    CHECK(n > 0);
    po_curves *c = po_curves_alloc(n, o->top_n, o->henrici);
    CHECK_OK(po_curves_compute(B, o, c));
    return c;
}

/* The Cholesky trick (one factor of Sigma for every d) and the per-d ridge
 * factorisation give the direct formula's A_inf for every d. */
static void test_curves_student_trick(void)
{
    size_t D = 40;
    po_teacher *t = make_teacher(PO_NET_CHAIN, D, 3, skip_ortho);
    po_mat *S = sigma_of(t->W, true, NULL);
    const double rhos[] = {0.0, 0.01};
    for (size_t r = 0; r < 2; r++) {
        po_mat *G = po_mat_alloc(D, D), *Rinv = NULL;
        CHECK_OK(po_curves_prepare_(t->W, S, D, rhos[r], G, &Rinv));
        CHECK((Rinv != NULL) == (rhos[r] == 0.0));
        double *scratch = malloc(D * D * sizeof *scratch), *buf = malloc(D * D * sizeof *buf);
        for (size_t d = 1; d <= D; d++) {
            po_mat A = po_mat_view(buf, d, d, d), *want = po_mat_alloc(d, d);
            CHECK_OK(po_curves_student_(G, Rinv, S, rhos[r], d, &A, scratch));
            po_theory_opts o = po_theory_opts_defaults();
            o.rho = rhos[r];
            CHECK_OK(po_theory_student(t->W, S, d, &o, want));
            CHECK_MAT_CLOSE(&A, want, 1e-11, 1e-12);
            po_mat_free(want);
        }
        free(buf);
        free(scratch);
        po_mat_free(Rinv);
        po_mat_free(G);
    }
    po_mat_free(S);
    po_teacher_free(t);
}

static void test_curves_match_direct(void)
{
    size_t D = 40;
    po_teacher *g = make_teacher(PO_NET_GAUSSIAN, D, 3, NULL);
    po_curves_opts o = po_curves_opts_defaults();
    o.henrici = true;
    o.threads = 2;
    po_curves *c = curves_of(g->W, &o);
    CHECK(c->n == D && c->d[0] == 1 && c->d[D - 1] == D);
    CHECK(c->las[0] == 0.0);
    CHECK(c->cov_method == PO_COV_SCHUR);
    check_curves_direct(g->W, &o, c, true);
    po_curves_free(c);
    po_teacher_free(g);
    /* F.3's teacher (nilpotent), the ridge path with a step */
    po_teacher *t = make_teacher(PO_NET_CHAIN, D, 3, skip_ortho);
    c = curves_of(t->W, &o);
    check_curves_direct(t->W, &o, c, false);
    po_curves_free(c);
    o.rho = 0.01;
    o.dmin = 3;
    o.step = 4;
    o.dmax = 35;
    o.top_n = 3;
    c = curves_of(t->W, &o);
    CHECK(c->n == 9 && c->d[8] == 35);
    check_curves_direct(t->W, &o, c, false);
    po_curves_free(c);
    /* an explicit list, the chain closed form */
    po_mat *B = chain_matrix(D);
    const size_t list[] = {2, 5, 25};
    o = po_curves_opts_defaults();
    o.d_list = list;
    o.n_list = 3;
    c = curves_of(B, &o);
    CHECK(c->cov_method == PO_COV_CHAIN && c->d[1] == 5 && c->henrici == NULL);
    check_curves_direct(B, &o, c, true);
    po_curves_free(c);
    po_mat_free(B);
    po_teacher_free(t);
}

static void test_curves_threads_invariant(void)
{
    size_t D = 48;
    po_teacher *t = make_teacher(PO_NET_LOWRANK, D, 5, NULL);
    po_curves_opts o = po_curves_opts_defaults();
    o.henrici = true;
    po_curves *c[3];
    const size_t th[] = {1, 2, 3};
    for (size_t k = 0; k < 3; k++) {
        o.threads = th[k];
        c[k] = curves_of(t->W, &o);
    }
    size_t n = c[0]->n, tn = c[0]->top_n;
    for (size_t k = 1; k < 3; k++) {
        CHECK(memcmp(c[0]->las, c[k]->las, n * sizeof(double)) == 0);
        CHECK(memcmp(c[0]->top_re, c[k]->top_re, n * tn * sizeof(double)) == 0);
        CHECK(memcmp(c[0]->top_sv, c[k]->top_sv, n * tn * sizeof(double)) == 0);
        CHECK(memcmp(c[0]->u_overlap, c[k]->u_overlap, n * sizeof(double)) == 0);
        CHECK(memcmp(c[0]->v_overlap, c[k]->v_overlap, n * sizeof(double)) == 0);
        CHECK(memcmp(c[0]->henrici, c[k]->henrici, n * sizeof(double)) == 0);
    }
    for (size_t k = 0; k < 3; k++) po_curves_free(c[k]);
    po_teacher_free(t);
}

static size_t progress_calls, progress_last;
static void count_progress(void *user, size_t done, size_t total)
{
    (void)user;
    progress_calls++;
    progress_last = done;
    CHECK(done <= total);
}

static void test_curves_mean_sem(void)
{
    po_curves *c[3];
    for (size_t t = 0; t < 3; t++) {
        c[t] = po_curves_alloc(2, 2, true);
        c[t]->d[0] = 1, c[t]->d[1] = 2;
        for (size_t i = 0; i < 2; i++) {
            double x = (double)(t + 1) * (double)(i + 1); /* 1,2,3 times (i+1) */
            c[t]->las[i] = c[t]->u_overlap[i] = c[t]->v_overlap[i] = c[t]->henrici[i] = x;
            c[t]->top_re[2 * i] = c[t]->top_re[2 * i + 1] = x;
            c[t]->top_sv[2 * i] = c[t]->top_sv[2 * i + 1] = -x;
        }
    }
    po_curves *m = po_curves_alloc(2, 2, true), *s = po_curves_alloc(2, 2, true);
    const po_curves *const *cc = (const po_curves *const *)c;
    CHECK_OK(po_curves_mean_sem(cc, 3, m, s));
    /* values t+1 = 1, 2, 3 (times i+1): mean 2, sample std 1, sem 1/sqrt(3) */
    for (size_t i = 0; i < 2; i++) {
        double f = (double)(i + 1);
        CHECK_CLOSE(m->las[i], 2 * f, 1e-15, 0);
        CHECK_CLOSE(s->las[i], f / sqrt(3.0), 1e-15, 0);
        CHECK_CLOSE(m->henrici[i], 2 * f, 1e-15, 0);
        CHECK_CLOSE(s->v_overlap[i], f / sqrt(3.0), 1e-15, 0);
        CHECK_CLOSE(m->top_sv[2 * i + 1], -2 * f, 1e-15, 0);
        CHECK_CLOSE(s->top_re[2 * i], f / sqrt(3.0), 1e-15, 0);
    }
    CHECK(m->d[1] == 2 && s->d[1] == 2);
    CHECK_OK(po_curves_mean_sem(cc, 1, m, s));
    CHECK(s->las[1] == 0.0 && m->las[1] == 2.0);
    CHECK_STATUS(po_curves_mean_sem(cc, 0, m, s), PO_EINVAL);
    c[2]->d[1] = 3;
    CHECK_STATUS(po_curves_mean_sem(cc, 3, m, s), PO_ESHAPE);
    po_curves *bad = po_curves_alloc(2, 2, false);
    CHECK_STATUS(po_curves_mean_sem(cc, 1, bad, s), PO_ESHAPE);
    po_curves_free(bad);
    po_curves_free(s);
    po_curves_free(m);
    for (size_t t = 0; t < 3; t++) po_curves_free(c[t]);
}

static void test_curves_errors(void)
{
    po_curves_opts o = po_curves_opts_defaults();
    CHECK(po_curves_opts_check(&o) == NULL);
    CHECK(po_curves_count(&o, 10) == 10);
    o.dmin = 0;
    CHECK(po_curves_opts_check(&o) != NULL && po_curves_count(&o, 10) == 0);
    o = po_curves_opts_defaults();
    o.step = 0;
    CHECK(po_curves_opts_check(&o) != NULL);
    o = po_curves_opts_defaults();
    o.dmin = 5, o.dmax = 4;
    CHECK(po_curves_opts_check(&o) != NULL);
    o = po_curves_opts_defaults();
    o.top_n = 0;
    CHECK(po_curves_opts_check(&o) != NULL);
    o = po_curves_opts_defaults();
    o.rho = -1;
    CHECK(po_curves_opts_check(&o) != NULL);
    o = po_curves_opts_defaults();
    o.cov.noise_corr = 2;
    CHECK(po_curves_opts_check(&o) != NULL);
    o = po_curves_opts_defaults();
    const size_t bad_list[] = {3, 3}, zero_list[] = {0, 2}, big_list[] = {2, 11};
    o.d_list = bad_list, o.n_list = 2;
    CHECK(po_curves_opts_check(&o) != NULL);
    o.d_list = zero_list;
    CHECK(po_curves_opts_check(&o) != NULL);
    o.n_list = 0;
    CHECK(po_curves_opts_check(&o) != NULL);
    o.d_list = big_list, o.n_list = 2;
    CHECK(po_curves_opts_check(&o) == NULL && po_curves_count(&o, 10) == 0);

    po_mat *B = chain_matrix(10);
    po_curves *c = po_curves_alloc(10, 5, false);
    CHECK_STATUS(po_curves_compute(B, &o, c), PO_ESHAPE); /* d = 11 > D */
    o = po_curves_opts_defaults();
    o.dmax = 11;
    CHECK_STATUS(po_curves_compute(B, &o, c), PO_ESHAPE);
    o = po_curves_opts_defaults();
    o.step = 0;
    CHECK_STATUS(po_curves_compute(B, &o, c), PO_EINVAL);
    o = po_curves_opts_defaults();
    o.henrici = true; /* c has no Henrici array */
    CHECK_STATUS(po_curves_compute(B, &o, c), PO_ESHAPE);
    o.henrici = false;
    o.dmax = 9;
    CHECK_STATUS(po_curves_compute(B, &o, c), PO_ESHAPE); /* 9 values, c holds 10 */
    o = po_curves_opts_defaults();
    po_mat Bb = po_mat_block(B, 0, 0, 10, 9);
    CHECK_STATUS(po_curves_compute(&Bb, &o, c), PO_ESHAPE);
    PO_MAT_AT(B, 4, 4) = (double)NAN;
    CHECK_STATUS(po_curves_compute(B, &o, c), PO_ENONFINITE);
    PO_MAT_AT(B, 4, 4) = 1.5; /* unstable */
    CHECK_STATUS(po_curves_compute(B, &o, c), PO_EUNSTABLE);
    CHECK(strstr(po_errmsg(), "no stationary covariance exists") != NULL);
    PO_MAT_AT(B, 4, 4) = 0.0;
    progress_calls = 0;
    o.progress = count_progress;
    o.threads = 2;
    CHECK_OK(po_curves_compute(B, &o, c));
    CHECK(progress_calls == 10 && progress_last == 10);
    po_curves_free(c);
    po_curves_free(NULL);
    po_mat_free(B);
}

int main(void)
{
    PO_RUN(test_chain_closed_forms);
    PO_RUN(test_symmetric_closed_form);
    PO_RUN(test_lowrank_closed_form);
    PO_RUN(test_lyapunov_random);
    PO_RUN(test_lyapunov_errors);
    PO_RUN(test_stationary_cov_errors);
    PO_RUN(test_scipy_fixtures);
    PO_RUN(test_chain_table);
    PO_RUN(test_symmetric_no_overestimation);
    PO_RUN(test_student_errors);
    PO_RUN(test_curves_student_trick);
    PO_RUN(test_curves_match_direct);
    PO_RUN(test_curves_threads_invariant);
    PO_RUN(test_curves_mean_sem);
    PO_RUN(test_curves_errors);
    return po_test_finish();
}
