/* Initialisation of the LDS fit, steps 1-5 of fit.h (SPEC.md §4.8; ssm's
 * `initialize`: regress y on the inputs, PCA of the residual for C and the
 * latents, then a linear regression of the latents for the dynamics). The
 * exact procedure's steps are below; the paper's differ in step 1 (no
 * intercept, the offset is the residual's mean) and step 3 (one isotropic
 * noise variance, as scikit-learn's PCA):
 *  1. [F d] = least squares of Y on [U 1] (d = the column means without U);
 *     E = Y - U F^T - 1 d^T.
 *  2. C = the K leading right singular vectors of E (sign: the entry of
 *     largest magnitude positive) or K Haar-random orthonormal columns
 *     (PO_STREAM_FIT of the seed); Z = E C.
 *  3. r_i = mean_t (E - Z C^T)_ti^2, floored at 1e-4 var(y_i).
 *  4. [A V b] = least squares of z_t on [z_{t-1}; u_t; 1], t = 1 .. T-1;
 *     q_k = mean squared residual, floored at 1e-4 var(z_k).
 *  5. mu0 = z_0; Sigma0 = the sample covariance of Z (divided by T - 1).
 * Variances var(.) are over all T rows, divided by T. Least squares are
 * solved by Cholesky on the normal equations.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "fit/lds_internal.h"
#include "linalg/linalg.h"
#include "partobs/rng.h"
#include "partobs/teacher.h"

/* b <- b S^{-1} for the SPD nn x nn S (contiguous), fac nn x nn scratch.
 * false if S is not positive definite or, when rel > 0, if a pivot L_jj^2
 * is at most rel S_jj (collinear regressors). */
static bool solve_normal(const double *S, size_t nn, double *fac, double *b, size_t rows,
                         size_t ldb, double rel)
{
    memcpy(fac, S, nn * nn * sizeof *fac);
    if (!lds_chol(fac, nn, nn)) return false;
    for (size_t j = 0; j < nn; j++)
        if (fac[j * nn + j] * fac[j * nn + j] <= rel * S[j * nn + j]) return false;
    lds_chol_solve_right(fac, nn, nn, b, rows, ldb);
    return true;
}

/* Step 1: F, offset and E (into w->yc). The exact procedure regresses Y on
 * [U 1]; the paper's (ssm: scikit-learn's LinearRegression without
 * intercept, then PCA's mean) regresses Y on U alone and takes the offset
 * as the mean of the residual. Either way E has zero column means. */
static po_status input_regression(const po_mat *Y, const po_mat *U, bool intercept, po_lds *p,
                                  lds_work *w)
{
    size_t T = w->T, d = w->d, m = w->m, nv = m + (intercept ? 1 : 0);
    for (size_t i = 0; i < d; i++) p->offset[i] = 0.0;
    if (nv > 0 && m > 0) {
        /* [U 1] or U in the first nv columns of w->wm */
        for (size_t t = 0; t < T; t++) {
            for (size_t j = 0; j < m; j++) w->wm[t * w->n + j] = PO_MAT_AT(U, t, j);
            if (intercept) w->wm[t * w->n + m] = 1.0;
        }
        po_mat v = po_mat_view(w->wm, T, nv, w->n);
        double *svv = w->big, *fac = svv + nv * nv, *syv = fac + nv * nv;
        po_mat svvm = po_mat_view(svv, nv, nv, nv), syvm = po_mat_view(syv, d, nv, nv);
        po_la_syrk_t(1.0, &v, 0.0, &svvm);
        po_la_symmetrize_upper(&svvm);
        po_la_gemm(true, false, 1.0, Y, &v, 0.0, &syvm);
        if (!solve_normal(svv, nv, fac, syv, d, nv, PO_LDS_COLLINEAR))
            return po_error(PO_ESINGULAR,
                            "LDS initialisation: the inputs [U 1] are singular or collinear (a "
                            "constant input column, or columns that are multiples of each other?)");
        for (size_t i = 0; i < d; i++) {
            for (size_t j = 0; j < m; j++) PO_MAT_AT(p->F, i, j) = syv[i * nv + j];
            if (intercept) p->offset[i] = syv[i * nv + m];
        }
    }
    for (size_t t = 0; t < T; t++)
        for (size_t i = 0; i < d; i++) {
            double v = PO_MAT_AT(Y, t, i) - p->offset[i];
            for (size_t j = 0; j < m; j++) v -= PO_MAT_AT(p->F, i, j) * PO_MAT_AT(U, t, j);
            w->yc[t * d + i] = v;
        }
    if (intercept && m > 0) return PO_OK;
    /* the offset is the mean of the residual (without inputs: of Y) */
    double *mean = w->ywt; /* d doubles of scratch */
    for (size_t i = 0; i < d; i++) mean[i] = 0.0;
    for (size_t t = 0; t < T; t++)
        for (size_t i = 0; i < d; i++) mean[i] += w->yc[t * d + i];
    for (size_t i = 0; i < d; i++) {
        mean[i] /= (double)T;
        p->offset[i] += mean[i];
    }
    for (size_t t = 0; t < T; t++)
        for (size_t i = 0; i < d; i++) w->yc[t * d + i] -= mean[i];
    return PO_OK;
}

/* Step 2, pca: C = the leading right singular vectors of E, signs fixed. */
static po_status pca_directions(lds_work *w, po_lds *p)
{
    size_t T = w->T, d = w->d, K = w->K, kmax = T < d ? T : d;
    double *a = po_alloc_doubles(T * d, false), *s = malloc(kmax * sizeof *s);
    po_mat *vt = po_mat_alloc(kmax, d);
    po_status st = PO_OK;
    if (!a || !s || !vt) {
        st = po_error(PO_ENOMEM, "LDS initialisation: cannot allocate the SVD of a %zux%zu array",
                      T, d);
        goto done;
    }
    for (size_t t = 0; t < T; t++)
        for (size_t i = 0; i < d; i++) a[i * T + t] = w->yc[t * d + i];
    st = po_la_svd_right_cm(a, T, d, s, vt);
    if (st != PO_OK) goto done;
    for (size_t k = 0; k < K; k++) {
        const double *v = vt->data + k * vt->ld;
        size_t arg = 0;
        for (size_t i = 1; i < d; i++)
            if (fabs(v[i]) > fabs(v[arg])) arg = i;
        double sign = v[arg] < 0.0 ? -1.0 : 1.0;
        for (size_t i = 0; i < d; i++) PO_MAT_AT(p->C, i, k) = sign * v[i];
    }
done:
    free(a);
    free(s);
    po_mat_free(vt);
    return st;
}

/* Steps 3-5 given C and E; Z goes to w->xf. isotropic: step 3 of the paper's
 * procedure (one noise variance for every channel). */
static po_status latent_regression(const po_mat *U, const double *var_y, bool isotropic,
                                   po_lds *p, lds_work *w)
{
    size_t T = w->T, d = w->d, K = w->K, m = w->m, n = w->n;
    double *z = w->xf;
    po_mat em = po_mat_view(w->yc, T, d, d), zm = po_mat_view(z, T, K, K);
    po_la_gemm(false, false, 1.0, &em, p->C, 0.0, &zm);
    /* 3. r */
    for (size_t i = 0; i < d; i++) p->r[i] = 0.0;
    for (size_t t = 0; t < T; t++)
        for (size_t i = 0; i < d; i++) {
            double e = w->yc[t * d + i];
            for (size_t k = 0; k < K; k++) e -= z[t * K + k] * PO_MAT_AT(p->C, i, k);
            p->r[i] += e * e;
        }
    if (isotropic) {
        /* scikit-learn's noise_variance_: the mean of the discarded
         * eigenvalues of the covariance (divided by T - 1) */
        size_t rest = (T < d ? T : d) - K;
        double sum = 0.0;
        for (size_t i = 0; i < d; i++) sum += p->r[i];
        for (size_t i = 0; i < d; i++) p->r[i] = rest ? sum / ((double)(T - 1) * (double)rest) : 0.0;
    } else {
        for (size_t i = 0; i < d; i++) p->r[i] /= (double)T;
    }
    for (size_t i = 0; i < d; i++)
        if (!(p->r[i] >= PO_LDS_INIT_FLOOR * var_y[i])) p->r[i] = PO_LDS_INIT_FLOOR * var_y[i];
    /* 4. [A V b] from rows t = 1 .. T-1 of [z_{t-1}, u_t, 1] */
    for (size_t t = 1; t < T; t++) {
        double *row = w->zm + t * n;
        memcpy(row, z + (t - 1) * K, K * sizeof *row);
        for (size_t j = 0; j < m; j++) row[K + j] = PO_MAT_AT(U, t, j);
        row[K + m] = 1.0;
    }
    double *szz = w->big, *fac = szz + n * n, *g = fac + n * n;
    po_mat reg = po_mat_view(w->zm + n, T - 1, n, n), tgt = po_mat_view(z + K, T - 1, K, K),
           szzm = po_mat_view(szz, n, n, n), gm = po_mat_view(g, K, n, n);
    po_la_syrk_t(1.0, &reg, 0.0, &szzm);
    po_la_symmetrize_upper(&szzm);
    po_la_gemm(true, false, 1.0, &tgt, &reg, 0.0, &gm);
    if (!solve_normal(szz, n, fac, g, K, n, 0.0))
        return po_error(PO_ESINGULAR,
                        "LDS initialisation: the regressors [z_{t-1}, u_t, 1] of the %zu "
                        "transitions are singular (too few time steps, or constant inputs?)",
                        T - 1);
    for (size_t k = 0; k < K; k++) {
        double mean = 0.0, var = 0.0, res = 0.0;
        for (size_t t = 0; t < T; t++) mean += z[t * K + k];
        mean /= (double)T;
        for (size_t t = 0; t < T; t++) var += (z[t * K + k] - mean) * (z[t * K + k] - mean);
        var /= (double)T;
        for (size_t t = 1; t < T; t++) {
            double e = z[t * K + k];
            for (size_t j = 0; j < n; j++) e -= g[k * n + j] * w->zm[t * n + j];
            res += e * e;
        }
        res /= (double)(T - 1);
        p->q[k] = res < PO_LDS_INIT_FLOOR * var ? PO_LDS_INIT_FLOOR * var : res;
        if (!(p->q[k] > 0.0))
            return po_error(PO_ESINGULAR, "LDS initialisation: latent %zu is constant", k);
        for (size_t l = 0; l < K; l++) PO_MAT_AT(p->A, k, l) = g[k * n + l];
        for (size_t j = 0; j < m; j++) PO_MAT_AT(p->V, k, j) = g[k * n + K + j];
        p->b[k] = g[k * n + K + m];
        p->mu0[k] = z[k];
    }
    /* 5. Sigma0 */
    double *mean = w->scratch;
    for (size_t k = 0; k < K; k++) {
        mean[k] = 0.0;
        for (size_t t = 0; t < T; t++) mean[k] += z[t * K + k];
        mean[k] /= (double)T;
    }
    for (size_t k = 0; k < K; k++)
        for (size_t l = k; l < K; l++) {
            double acc = 0.0;
            for (size_t t = 0; t < T; t++) acc += (z[t * K + k] - mean[k]) * (z[t * K + l] - mean[l]);
            PO_MAT_AT(p->Sigma0, k, l) = PO_MAT_AT(p->Sigma0, l, k) = acc / (double)(T - 1);
        }
    return PO_OK;
}

po_status lds_initialise(const po_mat *Y, const po_mat *U, const po_lds_opts *o,
                         const double *var_y, po_lds *p, lds_work *w)
{
    bool paper = o->procedure == PO_LDS_PAPER;
    po_status st = input_regression(Y, U, !paper, p, w);
    if (st != PO_OK) return st;
    if (o->init == PO_LDS_INIT_PCA) {
        st = pca_directions(w, p);
    } else {
        po_rng rng;
        po_rng_init(&rng, o->seed, PO_STREAM_FIT);
        st = po_haar_orthogonal(&rng, p->C);
    }
    if (st != PO_OK) return st;
    return latent_regression(U, var_y, paper, p, w);
}
