/* Latent LDS by Kalman EM (include/partobs/fit.h, SPEC.md §4.8) against the
 * independent NumPy reference tools/lds_ref.py (fixtures from
 * tools/fixtures_lds.py: K = 2, d = 5, m = 1, T = 200).
 *
 * The reference filters in covariance form with the Joseph update and solves
 * S_t = C P C^T + R directly; the library filters in information form. Both
 * are exact in exact arithmetic, so the smoother must agree to rounding
 * (the conditioning of this model is mild: 1e-10 leaves four orders of
 * magnitude of room). EM from the PCA initialisation is deterministic, so the
 * ten-iteration traces must agree too; an M-step amplifies the smoother's
 * rounding by the conditioning of its normal equations, which over ten
 * iterations stays far below 1e-8 relative. Near misses are much larger on
 * these fixtures: Sigma0 with divisor T instead of T - 1 moves the trace by
 * 4e-6 relative, 150 instead of 100 Stiefel steps (or a majorization
 * constant 1.5x the tightest) by 2e-5, so 1e-8 tells a faithful
 * implementation from a near miss. Every comparison prints its worst
 * deviation. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"

enum { K = 2, DOBS = 5, M = 1, T = 200, ITERS = 10 };

static double max_rel_dev(const double *got, const double *want, size_t n)
{
    double scale = 0.0, dev = 0.0;
    for (size_t i = 0; i < n; i++) scale = fmax(scale, fabs(want[i]));
    for (size_t i = 0; i < n; i++) dev = fmax(dev, fabs(got[i] - want[i]));
    return scale > 0 ? dev / scale : dev;
}

/* Copy fixture lds_<name>.npy into the rows x cols matrix dst. */
static void fill(po_mat *dst, const char *name)
{
    char file[64];
    snprintf(file, sizeof file, "lds_%s.npy", name);
    po_mat *src = po_test_load(file);
    if (!src) return;
    CHECK(src->rows * src->cols == dst->rows * dst->cols);
    if (src->rows * src->cols == dst->rows * dst->cols)
        for (size_t i = 0; i < dst->rows; i++)
            for (size_t j = 0; j < dst->cols; j++) PO_MAT_AT(dst, i, j) = src->data[i * dst->cols + j];
    po_mat_free(src);
}

static void fill_vec(double *dst, size_t n, const char *name)
{
    po_mat v = po_mat_view(dst, n, 1, 1);
    fill(&v, name);
}

/* The fixture model, with (m = 1) or without (m = 0) its input terms. */
static po_lds *fixture_model(size_t m)
{
    po_lds *lds = po_lds_alloc(K, DOBS, m);
    CHECK(lds != NULL);
    if (!lds) return NULL;
    fill(lds->A, "model_A");
    fill(lds->C, "model_C");
    fill(lds->Sigma0, "model_Sigma0");
    if (m) {
        fill(lds->V, "model_V");
        fill(lds->F, "model_F");
    }
    fill_vec(lds->b, K, "model_b");
    fill_vec(lds->q, K, "model_q");
    fill_vec(lds->offset, DOBS, "model_d");
    fill_vec(lds->r, DOBS, "model_r");
    fill_vec(lds->mu0, K, "model_mu0");
    return lds;
}

static void smooth_case(size_t m, const char *ll_name, const char *xhat_name)
{
    po_mat *Y = po_test_load("lds_Y.npy");
    po_mat *U = m ? po_test_load("lds_U.npy") : NULL;
    po_mat *want_ll = po_test_load(ll_name);
    po_mat *want_x = po_test_load(xhat_name);
    po_lds *lds = fixture_model(m);
    po_mat *Xhat = po_mat_alloc(T, K);
    double ll = (double)NAN;
    if (Y && want_ll && want_x && lds && (m == 0 || U)) {
        CHECK_OK(po_lds_smooth(lds, Y, U, Xhat, &ll));
        CHECK_CLOSE(ll, want_ll->data[0], 1e-10, 0);
        CHECK_MAT_CLOSE(Xhat, want_x, 0, 1e-10 * fmax(1.0, po_mat_norm_fro(want_x) / sqrt((double)(T * K))));
        printf("  smooth m=%zu: LL %.15g vs %.15g (rel %.2g), max |Xhat - ref| %.2g\n", m, ll,
               want_ll->data[0], fabs(ll - want_ll->data[0]) / fabs(want_ll->data[0]),
               po_mat_max_abs_diff(Xhat, want_x));
        /* log-likelihood only / means only */
        double ll2 = (double)NAN;
        CHECK_OK(po_lds_smooth(lds, Y, U, NULL, &ll2));
        CHECK(ll2 == ll);
        CHECK_OK(po_lds_smooth(lds, Y, U, Xhat, NULL));
    }
    po_mat_free(Xhat);
    po_lds_free(lds);
    po_mat_free(want_x);
    po_mat_free(want_ll);
    po_mat_free(U);
    po_mat_free(Y);
}

static void test_smooth_input(void) { smooth_case(1, "lds_ll.npy", "lds_xhat.npy"); }
static void test_smooth_noinput(void) { smooth_case(0, "lds_ll_noinput.npy", "lds_xhat_noinput.npy"); }

static void em_case(po_lds_emissions emissions, bool input)
{
    const char *etag = emissions == PO_LDS_FREE ? "free" : "orth";
    const char *utag = input ? "input" : "noinput";
    char name[64];
    po_mat *Y = po_test_load("lds_Y.npy");
    po_mat *U = input ? po_test_load("lds_U.npy") : NULL;
    snprintf(name, sizeof name, "lds_em_%s_%s_trace.npy", etag, utag);
    po_mat *want_tr = po_test_load(name);
    snprintf(name, sizeof name, "lds_em_%s_%s_eig.npy", etag, utag);
    po_mat *want_eig = po_test_load(name);
    snprintf(name, sizeof name, "lds_em_%s_%s_A.npy", etag, utag);
    po_mat *want_A = po_test_load(name);
    snprintf(name, sizeof name, "lds_em_%s_%s_C.npy", etag, utag);
    po_mat *want_C = po_test_load(name);
    if (!Y || (input && !U) || !want_tr || !want_eig || !want_A || !want_C) goto done;

    po_lds_opts o = po_lds_opts_defaults();
    o.latents = K;
    o.emissions = emissions;
    o.init = PO_LDS_INIT_PCA;
    o.iters = ITERS;
    o.tol = 0.0;
    double trace[ITERS + 1];
    for (size_t i = 0; i <= ITERS; i++) trace[i] = (double)NAN;
    po_lds_info info;
    memset(&info, 0, sizeof info);
    info.loglik_trace = trace;
    po_lds *lds = NULL;
    CHECK_OK(po_fit_lds(Y, U, &o, &lds, &info));
    if (!lds) goto done;
    CHECK(info.iters == ITERS && !info.converged);
    CHECK(lds->K == K && lds->d == DOBS && lds->m == (input ? 1u : 0u));
    CHECK_ALLCLOSE(trace, want_tr->data, ITERS + 1, 1e-8, 0);
    CHECK_CLOSE(info.loglik, want_tr->data[ITERS], 1e-8, 0);
    for (size_t i = 0; i < ITERS; i++) CHECK(trace[i + 1] >= trace[i]);
    double dtr = max_rel_dev(trace, want_tr->data, ITERS + 1);

    po_spectrum *s = po_spectrum_alloc(K);
    CHECK_OK(po_spectrum_compute(lds->A, s));
    double eig[2 * K];
    for (size_t i = 0; i < K; i++) {
        eig[2 * i] = s->re[i];
        eig[2 * i + 1] = s->im[i];
    }
    /* eigenvalues of a 2 x 2 matrix are no worse conditioned than A here */
    CHECK_ALLCLOSE(eig, want_eig->data, 2 * K, 0, 1e-7);
    double deig = max_rel_dev(eig, want_eig->data, 2 * K);
    /* the same deterministic iteration: the parameters themselves agree */
    CHECK_MAT_CLOSE(lds->A, want_A, 0, 1e-6);
    CHECK_MAT_CLOSE(lds->C, want_C, 0, 1e-6 * fmax(1.0, po_mat_norm_fro(want_C)));
    double dA = po_mat_max_abs_diff(lds->A, want_A), dC = po_mat_max_abs_diff(lds->C, want_C);
    double dctc = 0.0;
    if (emissions == PO_LDS_ORTHONORMAL) {
        for (size_t i = 0; i < K; i++)
            for (size_t j = 0; j < K; j++) {
                double g = 0.0;
                for (size_t r = 0; r < DOBS; r++) g += PO_MAT_AT(lds->C, r, i) * PO_MAT_AT(lds->C, r, j);
                dctc = fmax(dctc, fabs(g - (i == j)));
            }
        CHECK(dctc < 1e-12);
    }
    printf("  em %s %s: trace rel %.2g, eig rel %.2g, A %.2g, C %.2g, |C^T C - I| %.2g\n", etag, utag, dtr,
           deig, dA, dC, dctc);
    po_spectrum_free(s);
    po_lds_free(lds);
done:
    po_mat_free(want_C);
    po_mat_free(want_A);
    po_mat_free(want_eig);
    po_mat_free(want_tr);
    po_mat_free(U);
    po_mat_free(Y);
}

static void test_em_free_input(void) { em_case(PO_LDS_FREE, true); }
static void test_em_free_noinput(void) { em_case(PO_LDS_FREE, false); }
static void test_em_orth_input(void) { em_case(PO_LDS_ORTHONORMAL, true); }
static void test_em_orth_noinput(void) { em_case(PO_LDS_ORTHONORMAL, false); }

int main(void)
{
    PO_RUN(test_smooth_input);
    PO_RUN(test_smooth_noinput);
    PO_RUN(test_em_free_input);
    PO_RUN(test_em_free_noinput);
    PO_RUN(test_em_orth_input);
    PO_RUN(test_em_orth_noinput);
    return po_test_finish();
}
