/* M-step of the LDS (SPEC.md §4.8, fit.h): each block of parameters
 * maximises the expected complete-data log-likelihood given the others, so
 * the log-likelihood of EM never decreases.
 *
 * With xs_t, Ps_t the smoothed means and covariances and
 * w_t = [x_t; u_t; 1], z_t = [x_{t-1}; u_t; 1]:
 *   [A V b] = (sum_{t>=1} E[x_t z_t^T]) (sum_{t>=1} E[z_t z_t^T])^{-1},
 *   q_k     = mean_{t>=1} E[(x_t - [A V b] z_t)_k^2],   mu0 = xs_0,
 *   free C: [C F d] = (sum_t y_t E[w_t]^T) (sum_t E[w_t w_t^T])^{-1},
 *   r_i     = mean_t E[(y_t - C x_t - F u_t - d)_i^2], from the sums with y
 *             centred (emissions() below).
 * Orthonormal C (C^T C = I): [F d] by least squares given the current C; then
 * with g_t = y_t - F u_t - d, M = sum_t g_t xs_t^T, P = sum_t E[x_t x_t^T], the
 * weighted residual f(C) = tr(R^{-1} C P C^T) - 2 tr(R^{-1} M C^T) + const is
 * majorised at C0 by f(C0) + <grad f(C0), C - C0> + L ||C - C0||_F^2 with
 * L = max_i(1/r_i) lambda_max(P) >= the largest eigenvalue of the quadratic
 * form (P kron R^{-1}). On the Stiefel manifold ||C||_F^2 = K is constant, so
 * the majoriser's minimiser maximises <Z, C> with
 *   Z = L C0 - R^{-1} C0 P + R^{-1} M,
 * i.e. C = the polar factor U V^T of Z = U S V^T. f cannot increase; the step
 * is repeated stiefel_iters times or until C stops changing. Then r.
 */
#include <math.h>
#include <string.h>

#include "fit/lds_internal.h"
#include "linalg/linalg.h"

/* Layout of w->big for n regressors, d channels, K latents. */
typedef struct mstep_bufs {
    double *sww, *fac, *syw, *h, *szz, *sxz;
} mstep_bufs;

static mstep_bufs bufs(lds_work *w)
{
    size_t n = w->n, d = w->d;
    mstep_bufs b;
    b.sww = w->big;
    b.fac = b.sww + n * n;
    b.syw = b.fac + n * n;
    b.h = b.syw + d * n;
    b.szz = b.h + d * n;
    b.sxz = b.szz + n * n; /* K x n */
    return b;
}

/* b (rows x nn, stride ldb) <- b S^{-1} for the nn x nn SPD S (stride lds),
 * factored in fac. false if S is not numerically positive definite. */
static bool spd_solve_right(const double *S, size_t nn, size_t lds, double *fac, double *b,
                            size_t rows, size_t ldb)
{
    for (size_t i = 0; i < nn; i++) memcpy(fac + i * nn, S + i * lds, nn * sizeof *fac);
    if (!lds_chol(fac, nn, nn)) return false;
    lds_chol_solve_right(fac, nn, nn, b, rows, ldb);
    return true;
}

static po_status dynamics(po_lds *p, lds_work *w, mstep_bufs *bb, size_t iter)
{
    size_t T = w->T, K = w->K, m = w->m, n = w->n, K2 = K * K;
    po_mat zm = po_mat_view(w->zm + n, T - 1, n, n), xn = po_mat_view(w->wm + n, T - 1, K, n);
    po_mat szz = po_mat_view(bb->szz, n, n, n), sxz = po_mat_view(bb->sxz, K, n, n);
    po_la_syrk_t(1.0, &zm, 0.0, &szz);
    po_la_symmetrize_upper(&szz);
    po_la_gemm(true, false, 1.0, &xn, &zm, 0.0, &sxz);
    double *ps_prev = w->scratch, *ps_next = ps_prev + K2, *t1 = ps_next + K2;
    for (size_t i = 0; i < K; i++)
        for (size_t j = 0; j < K; j++) {
            size_t ij = i * K + j;
            ps_prev[ij] = w->ps_all[ij] - w->ps_last[ij];
            ps_next[ij] = w->ps_all[ij] - w->ps_first[ij];
            bb->szz[i * n + j] += ps_prev[ij];
            bb->sxz[i * n + j] += w->pcross[ij];
        }
    double *g = bb->sxz; /* becomes [A V b] */
    if (!spd_solve_right(bb->szz, n, n, bb->fac, g, K, n))
        return po_error(PO_ESINGULAR,
                        "EM iteration %zu: the dynamics regressors [x_{t-1}, u_t, 1] are "
                        "singular (constant or collinear inputs?)",
                        iter);
    /* q: residuals of the means plus the covariance terms
     * Ps_next - Pcross A^T - A Pcross^T + A Ps_prev A^T on the diagonal. */
    double *q = p->q;
    memset(q, 0, K * sizeof *q);
    for (size_t t = 1; t < T; t++) {
        const double *z = w->zm + t * n, *x = w->wm + t * n;
        for (size_t k = 0; k < K; k++) {
            double e = x[k];
            for (size_t j = 0; j < n; j++) e -= g[k * n + j] * z[j];
            q[k] += e * e;
        }
    }
    for (size_t k = 0; k < K; k++) {
        const double *a = g + k * n;
        double v = ps_next[k * K + k];
        for (size_t l = 0; l < K; l++) v -= 2.0 * w->pcross[k * K + l] * a[l];
        for (size_t l = 0; l < K; l++) {
            double acc = 0.0;
            for (size_t j = 0; j < K; j++) acc += ps_prev[l * K + j] * a[j];
            t1[l] = acc;
        }
        for (size_t l = 0; l < K; l++) v += a[l] * t1[l];
        q[k] = (q[k] + v) / (double)(T - 1);
        if (!(q[k] > 0.0) || !isfinite(q[k]))
            return po_error(PO_ESINGULAR,
                            "EM iteration %zu: the state noise variance of latent %zu is %g",
                            iter, k, q[k]);
    }
    for (size_t k = 0; k < K; k++) {
        for (size_t l = 0; l < K; l++) PO_MAT_AT(p->A, k, l) = g[k * n + l];
        for (size_t j = 0; j < m; j++) PO_MAT_AT(p->V, k, j) = g[k * n + K + j];
        p->b[k] = g[k * n + K + m];
        p->mu0[k] = w->wm[k];
    }
    return PO_OK;
}

/* Orthonormal C by majorize-minimize on the Stiefel manifold, given
 * [F d] (columns K.. of h) and the old r. */
static po_status stiefel(po_lds *p, const po_lds_opts *o, lds_work *w, mstep_bufs *bb,
                         size_t iter)
{
    size_t d = w->d, K = w->K, n = w->n, K2 = K * K;
    double *z = w->polar_work, *cq = z + d * K, *mm = cq + d * K, *pk = mm + d * K,
           *cp = pk + K2, *sv = cp + d * K, *lw = sv + K;
    size_t lwork = w->polar_lwork;
    /* M = Syx - [F d] Sxv^T, P = Sww[:K, :K] */
    for (size_t i = 0; i < d; i++)
        for (size_t k = 0; k < K; k++) {
            double v = bb->syw[i * n + k];
            for (size_t j = K; j < n; j++) v -= bb->h[i * n + j] * bb->sww[k * n + j];
            mm[i * K + k] = v;
        }
    for (size_t k = 0; k < K; k++) memcpy(pk + k * K, bb->sww + k * n, K * sizeof *pk);
    double rinv_max = 0.0;
    for (size_t i = 0; i < d; i++)
        if (1.0 / p->r[i] > rinv_max) rinv_max = 1.0 / p->r[i];
    po_mat pm = po_mat_view(pk, K, K, K), qk = po_mat_view(cq, K, K, K);
    po_status st = po_la_polar_ws(&pm, sv, &qk, lw, lwork);
    if (st != PO_OK) return st;
    double lip = rinv_max * sv[0];
    po_mat zmat = po_mat_view(z, d, K, K), cmat = po_mat_view(cq, d, K, K);
    for (size_t it = 0; it < o->stiefel_iters; it++) {
        for (size_t i = 0; i < d; i++)
            for (size_t k = 0; k < K; k++) cp[i * K + k] = PO_MAT_AT(p->C, i, k);
        for (size_t i = 0; i < d; i++) {
            double ri = 1.0 / p->r[i];
            for (size_t k = 0; k < K; k++) {
                double acc = 0.0;
                for (size_t l = 0; l < K; l++) acc += cp[i * K + l] * pk[l * K + k];
                z[i * K + k] = lip * cp[i * K + k] - ri * acc + ri * mm[i * K + k];
            }
        }
        st = po_la_polar_ws(&zmat, sv, &cmat, lw, lwork);
        if (st != PO_OK)
            return po_error(st, "EM iteration %zu: the Stiefel step for C failed", iter);
        double change = 0.0;
        for (size_t i = 0; i < d; i++)
            for (size_t k = 0; k < K; k++) {
                double e = fabs(cq[i * K + k] - cp[i * K + k]);
                if (e > change) change = e;
                PO_MAT_AT(p->C, i, k) = cq[i * K + k];
            }
        if (change <= PO_LDS_STIEFEL_ATOL) break;
    }
    for (size_t i = 0; i < d; i++)
        for (size_t k = 0; k < K; k++) bb->h[i * n + k] = PO_MAT_AT(p->C, i, k);
    return PO_OK;
}

/* syw (d x n) = Y^T rows (rows = [x u 1], T x n), summed row by row of Y as n
 * axpys of length d into the n x d transpose w->ywt (the loops vectorise and
 * Y is read once, unpacked: a packed gemm with n ~ 5 columns spends most of
 * its time copying Y), then transposed. */
void lds_cross_yw(const po_mat *Y, const double *rows, lds_work *w, double *syw)
{
    size_t T = w->T, d = w->d, n = w->n;
    double *acc = w->ywt;
    memset(acc, 0, n * d * sizeof *acc);
    size_t t = 0;
    for (; t + 4 <= T; t += 4) { /* four rows per sweep of acc: a quarter of the loads/stores */
        const double *y0 = Y->data + t * Y->ld, *y1 = y0 + Y->ld, *y2 = y1 + Y->ld,
                     *y3 = y2 + Y->ld, *z = rows + t * n;
        for (size_t j = 0; j < n; j++) {
            double z0 = z[j], z1 = z[n + j], z2 = z[2 * n + j], z3 = z[3 * n + j];
            double *a = acc + j * d;
            for (size_t i = 0; i < d; i++)
                a[i] += (z0 * y0[i] + z1 * y1[i]) + (z2 * y2[i] + z3 * y3[i]);
        }
    }
    for (; t < T; t++) {
        const double *y = Y->data + t * Y->ld, *z = rows + t * n;
        for (size_t j = 0; j < n; j++) {
            double zj = z[j], *a = acc + j * d;
            for (size_t i = 0; i < d; i++) a[i] += zj * y[i];
        }
    }
    for (size_t i = 0; i < d; i++)
        for (size_t j = 0; j < n; j++) syw[i * n + j] = acc[j * d + i];
}

static po_status emissions(po_lds *p, const po_mat *Y, const po_lds_opts *o, lds_work *w,
                           mstep_bufs *bb, const double *mean_y, const double *var_y, size_t iter)
{
    size_t T = w->T, d = w->d, K = w->K, m = w->m, n = w->n;
    po_mat wm = po_mat_view(w->wm, T, n, n), sww = po_mat_view(bb->sww, n, n, n);
    po_la_syrk_t(1.0, &wm, 0.0, &sww);
    po_la_symmetrize_upper(&sww);
    for (size_t i = 0; i < K; i++)
        for (size_t j = 0; j < K; j++) bb->sww[i * n + j] += w->ps_all[i * K + j];
    lds_cross_yw(Y, w->wm, w, bb->syw);
    memcpy(bb->h, bb->syw, d * n * sizeof *bb->h);
    if (o->emissions == PO_LDS_FREE) {
        if (!spd_solve_right(bb->sww, n, n, bb->fac, bb->h, d, n))
            return po_error(PO_ESINGULAR,
                            "EM iteration %zu: the emission regressors [x_t, u_t, 1] are "
                            "singular (constant or collinear inputs?)",
                            iter);
    } else {
        /* [F d] = (Syv - C Sxv) Svv^{-1}, Svv = Sww[K:, K:], Sxv = Sww[:K, K:] */
        size_t nv = m + 1;
        for (size_t i = 0; i < d; i++)
            for (size_t j = K; j < n; j++) {
                double v = bb->syw[i * n + j];
                for (size_t k = 0; k < K; k++) v -= PO_MAT_AT(p->C, i, k) * bb->sww[k * n + j];
                bb->h[i * n + j] = v;
            }
        if (!spd_solve_right(bb->sww + K * n + K, nv, n, bb->fac, bb->h + K, d, n))
            return po_error(PO_ESINGULAR,
                            "EM iteration %zu: the input regressors [u_t, 1] are singular "
                            "(constant or collinear inputs?)",
                            iter);
        po_status st = stiefel(p, o, w, bb, iter);
        if (st != PO_OK) return st;
    }
    /* r_i = (1/T) sum_t E[(y_ti - H_i w_t)^2] from the statistics, with y
     * centred by its mean (ybar) so that large offsets do not cancel:
     *   y' = y - ybar, H' = H with its offset column minus ybar_i,
     *   T r_i = sum_t y'_ti^2 - 2 H'_i S_y'w,i + H'_i S_ww H'_i^T,
     * S_y'w,i = S_yw,i - ybar_i sum_t w_t^T (row n-1 of S_ww: the ones column);
     * S_ww holds sum_t Ps_t in its x block, so the posterior covariance is included. */
    double *r = p->r, *hc = w->polar_work, *sw = hc + n;
    for (size_t i = 0; i < d; i++) {
        const double *c = bb->h + i * n;
        memcpy(hc, c, n * sizeof *hc);
        hc[n - 1] -= mean_y[i];
        double v = (double)T * var_y[i];
        for (size_t j = 0; j < n; j++) {
            double syw_c = bb->syw[i * n + j] - mean_y[i] * bb->sww[(n - 1) * n + j];
            double acc = 0.0;
            for (size_t l = 0; l < n; l++) acc += bb->sww[j * n + l] * hc[l];
            sw[j] = acc;
            v += hc[j] * (sw[j] - 2.0 * syw_c);
        }
        r[i] = v / (double)T;
        if (!(r[i] >= PO_LDS_R_COLLAPSE * var_y[i]) || !isfinite(r[i]))
            return po_error(PO_ESINGULAR,
                            "EM iteration %zu: the observation noise variance of channel %zu "
                            "collapsed to %g (var %g): the innovation covariance is singular",
                            iter, i, r[i], var_y[i]);
        for (size_t k = 0; k < K; k++) PO_MAT_AT(p->C, i, k) = c[k];
        for (size_t j = 0; j < m; j++) PO_MAT_AT(p->F, i, j) = c[K + j];
        p->offset[i] = c[K + m];
    }
    return PO_OK;
}

po_status lds_mstep(po_lds *p, const po_mat *Y, const po_mat *U, const po_lds_opts *o,
                    lds_work *w, const double *mean_y, const double *var_y, size_t iter)
{
    (void)U; /* the inputs are in the regressor rows of the E-step */
    mstep_bufs bb = bufs(w);
    po_status st = emissions(p, Y, o, w, &bb, mean_y, var_y, iter);
    if (st == PO_OK) st = dynamics(p, w, &bb, iter);
    return st;
}

po_status lds_mstep_dynamics(po_lds *p, lds_work *w, size_t iter)
{
    mstep_bufs bb = bufs(w);
    return dynamics(p, w, &bb, iter);
}
