/* E-step of the LDS (SPEC.md §4.8, fit.h): Kalman filter in information
 * form, Rauch-Tung-Striebel smoother, log-likelihood and the expected
 * sufficient statistics of the M-step.
 *
 * Everything that touches the d observed channels is done once per E-step
 * with one gemm: h_t = C^T R^{-1} (y_t - F u_t - d) and
 * w_t = sum_i (y_ti - F_i u_t - d_i)^2 / r_i. With J = C^T R^{-1} C and the
 * predicted covariance Sigma_pred = L L^T (Cholesky), the update is
 *   Sigma_post = L (I + L^T J L)^{-1} L^T = G G^T,  G = L M^{-T},  M M^T = I + L^T J L,
 * symmetric positive semi-definite by construction, and the posterior mean
 *   x_post = x_pred + Sigma_post (h_t - J x_pred)   (Kalman gain = Sigma_post C^T R^{-1}).
 * The innovation e = y_t - C x_pred - F u_t - d has covariance S = C Sigma_pred C^T + R;
 * by the matrix determinant lemma and Woodbury
 *   log det S = sum_i log r_i + 2 sum_k log M_kk,
 *   e^T S^{-1} e = e^T R^{-1} e - (C^T R^{-1} e)^T Sigma_post (C^T R^{-1} e),
 *   e^T R^{-1} e = w_t - 2 x_pred . h_t + x_pred^T J x_pred,  C^T R^{-1} e = h_t - J x_pred,
 * so a time step costs O(K^3) for the covariances and O(K^2) for the means,
 * whatever d.
 *
 * The covariance recursions do not depend on the data. Once the predicted
 * covariance stops changing (PO_LDS_STEADY_RTOL) the filter reuses its last
 * step's matrices, and the smoother, whose gain is then constant too, reuses
 * its backward covariance once that stops changing: long T costs O(K^2) per
 * step. steady = false runs the full recursion (tests compare the two).
 */
#include <math.h>
#include <string.h>

#include "core/alloc.h"
#include "fit/lds_internal.h"
#include "linalg/linalg.h"

#define LDS_LOG_2PI 1.8378770664093454836

/* The K x K slots of w->scratch (lds_internal.h reserves LDS_SLOTS of them,
 * then 4 vectors of K). */
enum {
    S_UPD = 0,   /* 3 slots: update_cov */
    S_PP = 3,    /* predicted covariance (filter) */
    S_PNEXT = 4, /* next predicted covariance (filter) */
    S_AS = 5,    /* A Sf */
    S_PPB = 6,   /* predicted covariance (smoother) */
    S_LP = 7,    /* its Cholesky factor */
    S_GAIN = 8,
    S_PS = 9,    /* smoothed covariance Ps_{t+1} */
    S_PSN = 10,  /* Ps_t */
    S_DM = 11,
    S_DG = 12,
    S_CROSS = 13,
    S_PPSS = 14, /* the steady predicted covariance */
    S_A = 15,    /* contiguous copies of A and Sigma0 */
    S_SIGMA0 = 16,
    S_VEC = 17   /* start of the vectors */
};

/* out = A S A^T + diag(q), symmetric by construction; as = scratch K x K. */
static void predict_cov(const double *A, const double *S, const double *q, double *as,
                        double *out, size_t K)
{
    lds_mul(A, S, as, K, K, K, false);
    lds_mul_sym(as, A, out, K);
    for (size_t i = 0; i < K; i++) out[i * K + i] += q[i];
}

/* Filter covariance update (lds_internal.h). */
bool lds_update_cov(const double *pp, const double *J, double *sf, double *logdet_m, double *s,
                       size_t K)
{
    double *L = s, *JL = s + K * K, *B = s + 2 * K * K;
    memcpy(L, pp, K * K * sizeof *L);
    if (!lds_chol(L, K, K)) return false;
    lds_mul(J, L, JL, K, K, K, false);
    for (size_t i = 0; i < K; i++)
        for (size_t j = i; j < K; j++) {
            double acc = 0.0;
            for (size_t l = 0; l < K; l++) acc += L[l * K + i] * JL[l * K + j];
            B[i * K + j] = B[j * K + i] = acc;
        }
    for (size_t i = 0; i < K; i++) B[i * K + i] += 1.0;
    if (!lds_chol(B, K, K)) return false;
    double ld = 0.0;
    for (size_t i = 0; i < K; i++) ld += log(B[i * K + i]);
    *logdet_m = 2.0 * ld;
    lds_tri_solve_right(B, K, K, L, K, K); /* G = L M^{-T}, in place in L */
    lds_mul_sym(L, L, sf, K);
    return true;
}

/* Smoother gain G = Sf A^T Pp^{-1}; lp: K x K scratch. */
static bool smoother_gain(const double *sf, const double *A, const double *pp, double *lp,
                          double *gain, size_t K)
{
    memcpy(lp, pp, K * K * sizeof *lp);
    if (!lds_chol(lp, K, K)) return false;
    lds_mul(sf, A, gain, K, K, K, true);
    lds_chol_solve_right(lp, K, K, gain, K, K);
    return true;
}

/* Sum of x_i y_i (i < n) in eight interleaved partial sums, so the loop is
 * not one chain of dependent additions (the compiler turns them into four
 * independent two-lane vector chains). */
static double dot8(const double *x, const double *y, size_t n)
{
    double a[8] = {0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0};
    size_t i = 0;
    for (; i + 8 <= n; i += 8)
        for (size_t l = 0; l < 8; l++) a[l] += x[i + l] * y[i + l];
    for (; i < n; i++) a[0] += x[i] * y[i];
    return ((a[0] + a[1]) + (a[2] + a[3])) + ((a[4] + a[5]) + (a[6] + a[7]));
}

/* Data terms: h_t = C^T R^{-1} yc_t and w_t = yc_t^T R^{-1} yc_t with
 * yc_t = y_t - F u_t - d, and J. One pass over Y, row by row: yc_t lives in a
 * d-row buffer that stays in cache (a T x d copy plus a packed gemm cost
 * three times as much at d = 500). Multiplies by 1/r_i (a division per
 * element costs more than the rest of the pass) and reads F from a
 * transposed copy, so the loops vectorise. */
static void data_terms(const po_lds *p, const po_mat *Y, const po_mat *U, lds_work *w)
{
    size_t T = w->T, d = w->d, K = w->K, m = w->m;
    double *rinv = w->rinv_ft, *ft = rinv + d, *rct = w->rinv_c, *yc = w->yc, *ycr = yc + d;
    for (size_t i = 0; i < d; i++) {
        rinv[i] = 1.0 / p->r[i];
        for (size_t j = 0; j < m; j++) ft[j * d + i] = PO_MAT_AT(p->F, i, j);
    }
    for (size_t k = 0; k < K; k++) /* rct = (R^{-1} C)^T, K x d */
        for (size_t i = 0; i < d; i++) rct[k * d + i] = PO_MAT_AT(p->C, i, k) * rinv[i];
    for (size_t t = 0; t < T; t++) {
        const double *y = Y->data + t * Y->ld;
        for (size_t i = 0; i < d; i++) yc[i] = y[i] - p->offset[i];
        for (size_t j = 0; j < m; j++) {
            double u = PO_MAT_AT(U, t, j);
            const double *f = ft + j * d;
            for (size_t i = 0; i < d; i++) yc[i] -= f[i] * u;
        }
        for (size_t i = 0; i < d; i++) ycr[i] = yc[i] * rinv[i];
        w->w[t] = dot8(yc, ycr, d);
        for (size_t k = 0; k < K; k++) w->h[t * K + k] = dot8(yc, rct + k * d, d);
    }
    for (size_t k = 0; k < K; k++)
        for (size_t l = k; l < K; l++) {
            double acc = 0.0;
            for (size_t i = 0; i < d; i++) acc += PO_MAT_AT(p->C, i, k) * rct[l * d + i];
            w->J[k * K + l] = w->J[l * K + k] = acc;
        }
}

static po_status filter(const po_lds *p, const po_mat *U, lds_work *w, bool steady, double *ll,
                        double *pp_ss)
{
    size_t T = w->T, d = w->d, K = w->K, m = w->m, K2 = K * K;
    double *s = w->scratch, *pp = s + S_PP * K2, *pnext = s + S_PNEXT * K2, *as = s + S_AS * K2;
    double *eh = s + S_VEC * K2, *tmp = eh + K;
    double logdet_r = 0.0, logdet_m = 0.0, acc = 0.0;
    for (size_t i = 0; i < d; i++) logdet_r += log(p->r[i]);
    const double *A = s + S_A * K2;
    memcpy(pp, s + S_SIGMA0 * K2, K2 * sizeof *pp);
    memcpy(w->xp, p->mu0, K * sizeof *w->xp);
    size_t ss = T;
    for (size_t t = 0; t < T; t++) {
        double *sf = w->sf + (t < ss ? t : ss - 1) * K2;
        if (t < ss && !lds_update_cov(pp, w->J, sf, &logdet_m, s + S_UPD * K2, K))
            return po_error(PO_ESINGULAR,
                            "the predicted state covariance at time step %zu is not positive "
                            "definite",
                            t);
        const double *xp = w->xp + t * K, *h = w->h + t * K;
        double *xf = w->xf + t * K;
        lds_matvec(w->J, xp, tmp, K);
        double quad = w->w[t];
        for (size_t k = 0; k < K; k++) {
            eh[k] = h[k] - tmp[k];
            quad += xp[k] * tmp[k] - 2.0 * xp[k] * h[k];
        }
        lds_matvec(sf, eh, tmp, K);
        for (size_t k = 0; k < K; k++) {
            xf[k] = xp[k] + tmp[k];
            quad -= eh[k] * tmp[k];
        }
        acc += logdet_m + quad;
        if (t + 1 == T) break;
        double *xn = w->xp + (t + 1) * K;
        lds_matvec(A, xf, xn, K);
        for (size_t k = 0; k < K; k++) {
            double v = xn[k] + p->b[k];
            for (size_t j = 0; j < m; j++) v += PO_MAT_AT(p->V, k, j) * PO_MAT_AT(U, t + 1, j);
            xn[k] = v;
        }
        if (t < ss) {
            predict_cov(A, sf, p->q, as, pnext, K);
            if (steady && lds_converged(pnext, pp, K2, PO_LDS_STEADY_RTOL)) ss = t + 1;
            else memcpy(pp, pnext, K2 * sizeof *pp);
        }
    }
    memcpy(pp_ss, pp, K2 * sizeof *pp);
    w->steady_filter = ss;
    *ll = -0.5 * ((double)T * (double)d * LDS_LOG_2PI + (double)T * logdet_r + acc);
    return PO_OK;
}

/* Backward pass: smoothed means into w->wm, covariance sums. */
static po_status smoother(const po_lds *p, lds_work *w, bool steady, const double *pp_ss)
{
    size_t T = w->T, K = w->K, K2 = K * K, n = w->n, ss = w->steady_filter;
    double *s = w->scratch, *pp = s + S_PPB * K2, *lp = s + S_LP * K2, *gain = s + S_GAIN * K2,
           *ps = s + S_PS * K2, *psn = s + S_PSN * K2, *dm = s + S_DM * K2, *dg = s + S_DG * K2,
           *cross = s + S_CROSS * K2, *as = s + S_AS * K2;
    double *dx = s + S_VEC * K2 + 2 * K, *tmp = dx + K;
    const double *A = s + S_A * K2;
    const double *sf_last = w->sf + (T - 1 < ss ? T - 1 : ss - 1) * K2;
    memcpy(w->wm + (T - 1) * n, w->xf + (T - 1) * K, K * sizeof *w->wm);
    memcpy(ps, sf_last, K2 * sizeof *ps);
    memcpy(w->ps_all, ps, K2 * sizeof *ps);
    memcpy(w->ps_last, ps, K2 * sizeof *ps);
    memset(w->pcross, 0, K2 * sizeof *w->pcross);
    bool gain_const = false, back_steady = false;
    size_t reused = 0;
    for (size_t t = T - 1; t-- > 0;) {
        bool in_ss = t + 1 >= ss; /* Sf_t, Pp_{t+1} and the gain are the steady ones */
        const double *sf = w->sf + (t < ss ? t : ss - 1) * K2;
        const double *ppn = pp;
        if (in_ss) ppn = pp_ss;
        else predict_cov(A, sf, p->q, as, pp, K);
        if (!(in_ss && gain_const)) {
            if (!smoother_gain(sf, A, ppn, lp, gain, K))
                return po_error(PO_ESINGULAR,
                                "the predicted state covariance at time step %zu is not "
                                "positive definite",
                                t + 1);
            gain_const = in_ss;
        }
        /* means: xs_t = xf_t + G (xs_{t+1} - xp_{t+1}) */
        const double *xsn = w->wm + (t + 1) * n, *xpn = w->xp + (t + 1) * K;
        for (size_t k = 0; k < K; k++) dx[k] = xsn[k] - xpn[k];
        lds_matvec(gain, dx, tmp, K);
        double *xs = w->wm + t * n;
        for (size_t k = 0; k < K; k++) xs[k] = w->xf[t * K + k] + tmp[k];
        /* covariances: Ps_t = Sf_t + G (Ps_{t+1} - Pp_{t+1}) G^T, Cov(x_{t+1}, x_t) = Ps_{t+1} G^T */
        if (in_ss && back_steady) {
            reused++;
        } else {
            for (size_t i = 0; i < K2; i++) dm[i] = ps[i] - ppn[i];
            lds_mul(gain, dm, dg, K, K, K, false);
            for (size_t i = 0; i < K; i++)
                for (size_t j = i; j < K; j++) {
                    double acc = 0.0;
                    for (size_t l = 0; l < K; l++) acc += dg[i * K + l] * gain[j * K + l];
                    psn[i * K + j] = sf[i * K + j] + acc;
                    psn[j * K + i] = sf[j * K + i] + acc;
                }
            lds_mul(ps, gain, cross, K, K, K, true);
            if (steady && in_ss && lds_converged(psn, ps, K2, PO_LDS_STEADY_RTOL)) back_steady = true;
            memcpy(ps, psn, K2 * sizeof *ps);
        }
        if (!in_ss) back_steady = false;
        for (size_t i = 0; i < K2; i++) {
            w->ps_all[i] += ps[i];
            w->pcross[i] += cross[i];
        }
    }
    memcpy(w->ps_first, ps, K2 * sizeof *ps);
    w->steady_smooth = reused;
    return PO_OK;
}

/* Regressor rows: wm row t = [xs_t, u_t, 1]; zm row t >= 1 = [xs_{t-1}, u_t, 1]. */
static void regressors(const po_mat *U, lds_work *w)
{
    size_t T = w->T, K = w->K, m = w->m, n = w->n;
    for (size_t t = 0; t < T; t++) {
        double *r = w->wm + t * n, *z = w->zm + t * n;
        for (size_t j = 0; j < m; j++) r[K + j] = z[K + j] = PO_MAT_AT(U, t, j);
        r[K + m] = z[K + m] = 1.0;
        if (t > 0) memcpy(z, w->wm + (t - 1) * n, K * sizeof *z);
        else memset(z, 0, K * sizeof *z);
    }
}

po_status lds_estep(const po_lds *p, const po_mat *Y, const po_mat *U, lds_work *w, bool steady,
                    double *loglik)
{
    size_t K = w->K;
    double *pp_ss = w->scratch + S_PPSS * K * K;
    /* contiguous copies: the kernels assume row stride K */
    for (size_t i = 0; i < K; i++) {
        memcpy(w->scratch + S_A * K * K + i * K, p->A->data + i * p->A->ld, K * sizeof(double));
        memcpy(w->scratch + S_SIGMA0 * K * K + i * K, p->Sigma0->data + i * p->Sigma0->ld,
               K * sizeof(double));
    }
    data_terms(p, Y, U, w);
    po_status st = filter(p, U, w, steady, loglik, pp_ss);
    if (st != PO_OK) return st;
    if (!isfinite(*loglik))
        return po_error(PO_EDIVERGED, "the log-likelihood is not finite (%g)", *loglik);
    st = smoother(p, w, steady, pp_ss);
    if (st != PO_OK) return st;
    regressors(U, w);
    return PO_OK;
}

po_status lds_check_model(const po_lds *p, const po_mat *Y, const po_mat *U)
{
    if (!p || !Y) return po_error(PO_EINVAL, "LDS: NULL model or data");
    size_t K = p->K, d = p->d, m = p->m;
    if (K == 0 || d == 0) return po_error(PO_ESHAPE, "LDS: model with K = %zu, d = %zu", K, d);
    if (!p->A || !p->C || !p->Sigma0 || !p->b || !p->q || !p->offset || !p->r || !p->mu0 ||
        (m > 0 && (!p->V || !p->F)))
        return po_error(PO_EINVAL, "LDS: the model has missing parameters");
    if (p->A->rows != K || p->A->cols != K || p->C->rows != d || p->C->cols != K ||
        p->Sigma0->rows != K || p->Sigma0->cols != K ||
        (m > 0 && (p->V->rows != K || p->V->cols != m || p->F->rows != d || p->F->cols != m)))
        return po_error(PO_ESHAPE, "LDS: parameter shapes do not match K = %zu, d = %zu, m = %zu",
                        K, d, m);
    if (Y->cols != d)
        return po_error(PO_ESHAPE, "LDS: Y has %zu columns, the model observes d = %zu", Y->cols,
                        d);
    if (Y->rows < 2) return po_error(PO_ESHAPE, "LDS: need T >= 2 rows of Y, got %zu", Y->rows);
    if ((m > 0) != (U != NULL))
        return po_error(PO_EINVAL, "LDS: the model has m = %zu inputs but U is %s", m,
                        U ? "given" : "NULL");
    if (U && (U->rows != Y->rows || U->cols != m))
        return po_error(PO_ESHAPE, "LDS: U is %zux%zu, need %zux%zu (one row per row of Y)",
                        U->rows, U->cols, Y->rows, m);
    po_status st = po_mat_check_finite(Y, "LDS: Y");
    if (st == PO_OK && U) st = po_mat_check_finite(U, "LDS: U");
    if (st != PO_OK) return st;
    for (size_t i = 0; i < d; i++)
        if (!(p->r[i] > 0.0) || !isfinite(p->r[i]) || !isfinite(p->offset[i]))
            return po_error(PO_EINVAL, "LDS: observation noise r[%zu] = %g must be finite and > 0",
                            i, p->r[i]);
    for (size_t k = 0; k < K; k++)
        if (!(p->q[k] > 0.0) || !isfinite(p->q[k]) || !isfinite(p->b[k]) || !isfinite(p->mu0[k]))
            return po_error(PO_EINVAL, "LDS: state noise q[%zu] = %g must be finite and > 0", k,
                            p->q[k]);
    const po_mat *mats[] = {p->A, p->C, p->Sigma0, p->V, p->F};
    const char *names[] = {"LDS: A", "LDS: C", "LDS: Sigma0", "LDS: V", "LDS: F"};
    for (size_t k = 0; k < 5 && st == PO_OK; k++)
        if (mats[k]) st = po_mat_check_finite(mats[k], names[k]);
    return st;
}

po_status lds_smooth_ex(const po_lds *lds, const po_mat *Y, const po_mat *U, po_mat *Xhat,
                        double *loglik, bool steady)
{
    po_status st = lds_check_model(lds, Y, U);
    if (st != PO_OK) return st;
    if (Xhat && (Xhat->rows != Y->rows || Xhat->cols != lds->K))
        return po_error(PO_ESHAPE, "LDS: Xhat is %zux%zu, need %zux%zu", Xhat->rows, Xhat->cols,
                        Y->rows, lds->K);
    lds_work *w = lds_work_alloc(Y->rows, lds->d, lds->K, lds->m);
    if (!w) return PO_ENOMEM;
    double ll = 0.0;
    st = lds_estep(lds, Y, U, w, steady, &ll);
    if (st == PO_OK) {
        if (loglik) *loglik = ll;
        if (Xhat)
            for (size_t t = 0; t < Y->rows; t++)
                memcpy(Xhat->data + t * Xhat->ld, w->wm + t * w->n, lds->K * sizeof(double));
    }
    lds_work_free(w);
    return st;
}

po_status po_lds_smooth(const po_lds *lds, const po_mat *Y, const po_mat *U, po_mat *Xhat,
                        double *loglik)
{
    return lds_smooth_ex(lds, Y, U, Xhat, loglik, true);
}
