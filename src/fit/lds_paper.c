/* The paper's LDS procedure (SPEC.md §4.8; fit.h "procedure = paper"):
 * ssm's Laplace-EM for an SLDS with one discrete state. The posterior and
 * the dynamics M-step are exact (lds_kalman.c, lds_mstep.c); the emissions
 * are fitted by L-BFGS (lbfgs.c) to one posterior draw (lds_ffbs.c) per
 * iteration, as ssm's `_fit_laplace_em_params_update` does, and the ELBO is
 * ssm's one-sample estimate.
 *
 * The emission objective depends on the draw only through
 * sww = sum_t w_t w_t^T and syw = sum_t (y_t - ybar) w_t^T, w_t = [x_t; u_t; 1]:
 * with H_i = [C_i, F_i, d_i - ybar_i] (the offset centred by the data mean,
 * so that large offsets do not cancel) and r_i = exp(eta_i),
 *   SS_i = T var(y_i) - 2 H_i . syw_i + H_i sww H_i^T   (sum of squared residuals),
 *   f    = sum_i [log(2 pi) + eta_i + SS_i / (T r_i)] / 2,
 *   df/dH_i = (sww H_i - syw_i) / (T r_i),  df/deta_i = 1/2 - SS_i / (2 T r_i),
 * so each evaluation costs O(d n^2), not O(T d K).
 *
 * Orthonormal C: C = Q0 Z, Z = Cay(B) E_K = 2 (I + B)^{-1} E_K - E_K, with
 * Q0 = [C_0, an orthonormal complement] (C_0 the current C, so B = 0 is the
 * start) and B skew-symmetric, its parameters the entries B_ij = -B_ji with
 * i > j and j < K (its lower-right (d-K) x (d-K) block is 0: the remaining
 * K(K-1)/2 + (d-K)K parameters are the dimension of the Stiefel manifold).
 * I + B has a positive definite symmetric part, so it is factored without
 * pivoting. With X = (I + B)^{-1} E_K, G_C = df/dC and
 * W = Q0^T G_C: df/dB = -2 (I + B)^{-T} W X^T, and df/dB_ij (i > j) is its
 * (i, j) entry minus its (j, i) entry.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/progress.h"
#include "core/alloc.h"
#include "fit/lds_internal.h"
#include "linalg/linalg.h"

#define LDS_LOG_2PI 1.8378770664093454836

/* ---- the emission objective ---------------------------------------------- */

typedef struct emis_ctx {
    size_t d, K, m, n, T, nc; /* nc = parameters of C */
    bool ortho;
    const double *sww, *syw, *var_y;
    double *q0;  /* d x d: [C_0, complement] */
    double *lu;  /* d x d: I + B, then its LU factors */
    double *xk;  /* d x K: (I + B)^{-1} E_K */
    double *wk;  /* d x K: Q0^T G_C, then (I + B)^{-T} of it */
    double *c;   /* d x K: C */
    double *h;   /* d x n: H */
    double *gh;  /* d x n: df/dH */
    double *sh;  /* n */
} emis_ctx;

/* f at H (ctx->h) and eta; gradients into gh and geta when not NULL. */
static double emission_terms(const emis_ctx *e, const double *eta, double *gh, double *geta)
{
    size_t d = e->d, n = e->n;
    double T = (double)e->T, f = 0.0;
    for (size_t i = 0; i < d; i++) {
        const double *hi = e->h + i * n, *syw = e->syw + i * n;
        double ss = T * e->var_y[i];
        for (size_t j = 0; j < n; j++) {
            double acc = 0.0;
            for (size_t l = 0; l < n; l++) acc += e->sww[j * n + l] * hi[l];
            e->sh[j] = acc;
            ss += hi[j] * (acc - 2.0 * syw[j]);
        }
        double tr = T * exp(eta[i]);
        f += 0.5 * (LDS_LOG_2PI + eta[i] + ss / tr);
        if (gh)
            for (size_t j = 0; j < n; j++) gh[i * n + j] = (e->sh[j] - syw[j]) / tr;
        if (geta) geta[i] = 0.5 - 0.5 * ss / tr;
    }
    return f;
}

/* In-place LU of the d x d a without pivoting (unit lower L). */
static void lu_nopivot(double *a, size_t d)
{
    for (size_t k = 0; k < d; k++)
        for (size_t i = k + 1; i < d; i++) {
            double l = a[i * d + k] /= a[k * d + k];
            for (size_t j = k + 1; j < d; j++) a[i * d + j] -= l * a[k * d + j];
        }
}

/* b (d x K) <- A^{-1} b, or A^{-T} b when trans, A = L U from lu_nopivot. */
static void lu_solve(const double *a, size_t d, double *b, size_t K, bool trans)
{
    for (size_t c = 0; c < K; c++) {
        if (!trans) {
            for (size_t i = 0; i < d; i++) /* L z = b */
                for (size_t k = 0; k < i; k++) b[i * K + c] -= a[i * d + k] * b[k * K + c];
            for (size_t i = d; i-- > 0;) { /* U x = z */
                for (size_t k = i + 1; k < d; k++) b[i * K + c] -= a[i * d + k] * b[k * K + c];
                b[i * K + c] /= a[i * d + i];
            }
        } else {
            for (size_t i = 0; i < d; i++) { /* U^T z = b */
                for (size_t k = 0; k < i; k++) b[i * K + c] -= a[k * d + i] * b[k * K + c];
                b[i * K + c] /= a[i * d + i];
            }
            for (size_t i = d; i-- > 0;) /* L^T x = z */
                for (size_t k = i + 1; k < d; k++) b[i * K + c] -= a[k * d + i] * b[k * K + c];
        }
    }
}

/* C (ctx->c) from the parameters of C; the chart's X stays in ctx->xk. */
static void chart_to_c(emis_ctx *e, const double *theta)
{
    size_t d = e->d, K = e->K;
    if (!e->ortho) {
        memcpy(e->c, theta, d * K * sizeof *e->c);
        return;
    }
    memset(e->lu, 0, d * d * sizeof *e->lu);
    for (size_t i = 0; i < d; i++) e->lu[i * d + i] = 1.0;
    size_t at = 0;
    for (size_t j = 0; j < K; j++)
        for (size_t i = j + 1; i < d; i++, at++) {
            e->lu[i * d + j] = theta[at];
            e->lu[j * d + i] = -theta[at];
        }
    lu_nopivot(e->lu, d);
    memset(e->xk, 0, d * K * sizeof *e->xk);
    for (size_t k = 0; k < K; k++) e->xk[k * K + k] = 1.0;
    lu_solve(e->lu, d, e->xk, K, false);
    /* C = Q0 (2 X - E_K) */
    for (size_t i = 0; i < d; i++)
        for (size_t k = 0; k < K; k++) {
            double acc = -e->q0[i * d + k];
            for (size_t l = 0; l < d; l++) acc += 2.0 * e->q0[i * d + l] * e->xk[l * K + k];
            e->c[i * K + k] = acc;
        }
}

/* H from C and the F, d' blocks of the parameter vector. */
static void fill_h(emis_ctx *e, const double *prm)
{
    size_t d = e->d, K = e->K, m = e->m, n = e->n;
    const double *f = prm + e->nc, *off = f + d * m;
    for (size_t i = 0; i < d; i++) {
        double *hi = e->h + i * n;
        memcpy(hi, e->c + i * K, K * sizeof *hi);
        memcpy(hi + K, f + i * m, m * sizeof *hi);
        hi[K + m] = off[i];
    }
}

static double emission_objective(const double *prm, double *grad, void *user)
{
    emis_ctx *e = user;
    size_t d = e->d, K = e->K, m = e->m, n = e->n;
    chart_to_c(e, prm);
    fill_h(e, prm);
    const double *eta = prm + e->nc + d * m + d;
    double *geta = grad + e->nc + d * m + d;
    double f = emission_terms(e, eta, e->gh, geta);
    for (size_t i = 0; i < d; i++) {
        for (size_t j = 0; j < m; j++) grad[e->nc + i * m + j] = e->gh[i * n + K + j];
        grad[e->nc + d * m + i] = e->gh[i * n + K + m];
    }
    if (!e->ortho) {
        for (size_t i = 0; i < d; i++)
            for (size_t k = 0; k < K; k++) grad[i * K + k] = e->gh[i * n + k];
        return f;
    }
    /* W = Q0^T G_C, then (I + B)^{-T} W */
    for (size_t i = 0; i < d; i++)
        for (size_t k = 0; k < K; k++) {
            double acc = 0.0;
            for (size_t l = 0; l < d; l++) acc += e->q0[l * d + i] * e->gh[l * n + k];
            e->wk[i * K + k] = acc;
        }
    lu_solve(e->lu, d, e->wk, K, true);
    size_t at = 0;
    for (size_t j = 0; j < K; j++)
        for (size_t i = j + 1; i < d; i++, at++) {
            double hij = 0.0, hji = 0.0; /* (W' X^T)_ij and _ji */
            for (size_t k = 0; k < K; k++) {
                hij += e->wk[i * K + k] * e->xk[j * K + k];
                hji += e->wk[j * K + k] * e->xk[i * K + k];
            }
            grad[at] = -2.0 * (hij - hji);
        }
    return f;
}

/* Q0 = [C, an orthonormal basis of its complement]: the eigenvectors of
 * I - C C^T for its d - K eigenvalues 1. */
static po_status complete_basis(const po_lds *p, double *q0)
{
    size_t d = p->d, K = p->K;
    po_mat *a = po_mat_alloc(d, d);
    double *ev = malloc(d * sizeof *ev);
    po_status st = a && ev ? PO_OK : po_error(PO_ENOMEM, "LDS: the orthonormal complement");
    for (size_t i = 0; st == PO_OK && i < d; i++)
        for (size_t j = 0; j < d; j++) {
            double acc = i == j ? 1.0 : 0.0;
            for (size_t k = 0; k < K; k++) acc -= PO_MAT_AT(p->C, i, k) * PO_MAT_AT(p->C, j, k);
            PO_MAT_AT(a, i, j) = acc;
        }
    if (st == PO_OK) st = po_la_eigh(a, ev);
    for (size_t i = 0; st == PO_OK && i < d; i++) {
        for (size_t k = 0; k < K; k++) q0[i * d + k] = PO_MAT_AT(p->C, i, k);
        for (size_t k = K; k < d; k++) q0[i * d + k] = PO_MAT_AT(a, i, k);
    }
    po_mat_free(a);
    free(ev);
    return st;
}

po_status lds_paper_emissions(po_lds *p, const double *sww, const double *syw,
                              const double *mean_y, const double *var_y, size_t T,
                              po_lds_emissions em, const lbfgs_opts *lo, lbfgs_result *res)
{
    size_t d = p->d, K = p->K, m = p->m, n = K + m + 1;
    bool ortho = em == PO_LDS_ORTHONORMAL;
    size_t nc = ortho ? d * K - K * (K + 1) / 2 : d * K, np = nc + d * m + 2 * d;
    emis_ctx e = {.d = d, .K = K, .m = m, .n = n, .T = T, .nc = nc, .ortho = ortho,
                  .sww = sww, .syw = syw, .var_y = var_y};
    size_t nwork = lbfgs_work_size(np, lo->memory);
    double *buf = po_alloc_doubles(np + nwork + 2 * d * d + 3 * d * K + 2 * d * n + n, true);
    if (!buf) return po_error(PO_ENOMEM, "LDS: the emission update (%zu parameters)", np);
    double *prm = buf, *work = prm + np;
    e.q0 = work + nwork;
    e.lu = e.q0 + d * d;
    e.xk = e.lu + d * d;
    e.wk = e.xk + d * K;
    e.c = e.wk + d * K;
    e.h = e.c + d * K;
    e.gh = e.h + d * n;
    e.sh = e.gh + d * n;
    po_status st = PO_OK;
    if (ortho) {
        st = complete_basis(p, e.q0); /* the chart's parameters start at 0 */
    } else {
        for (size_t i = 0; i < d; i++)
            for (size_t k = 0; k < K; k++) prm[i * K + k] = PO_MAT_AT(p->C, i, k);
    }
    for (size_t i = 0; i < d; i++) {
        for (size_t j = 0; j < m; j++) prm[nc + i * m + j] = PO_MAT_AT(p->F, i, j);
        prm[nc + d * m + i] = p->offset[i] - mean_y[i];
        prm[nc + d * m + d + i] = log(p->r[i]);
    }
    lbfgs_result r;
    if (st == PO_OK) st = lbfgs_minimize(np, prm, emission_objective, &e, lo, work, &r);
    if (st == PO_OK) {
        chart_to_c(&e, prm);
        for (size_t i = 0; i < d; i++) {
            for (size_t k = 0; k < K; k++) PO_MAT_AT(p->C, i, k) = e.c[i * K + k];
            for (size_t j = 0; j < m; j++) PO_MAT_AT(p->F, i, j) = prm[nc + i * m + j];
            p->offset[i] = prm[nc + d * m + i] + mean_y[i];
            p->r[i] = exp(prm[nc + d * m + d + i]);
        }
        if (res) *res = r;
    }
    free(buf);
    return st;
}

/* ---- the driver ------------------------------------------------------------ */

/* The statistics of a draw x (T x K): rows (T x n) = [x_t, u_t, 1],
 * sww = sum rows^T rows, syw = sum (y_t - ybar) rows_t^T. */
static void draw_stats(const po_mat *Y, const po_mat *U, const double *x, const double *mean_y,
                       lds_work *w, double *rows, double *sww, double *syw)
{
    size_t T = w->T, d = w->d, K = w->K, m = w->m, n = w->n;
    for (size_t t = 0; t < T; t++) {
        double *r = rows + t * n;
        memcpy(r, x + t * K, K * sizeof *r);
        for (size_t j = 0; j < m; j++) r[K + j] = PO_MAT_AT(U, t, j);
        r[K + m] = 1.0;
    }
    po_mat rm = po_mat_view(rows, T, n, n), sm = po_mat_view(sww, n, n, n);
    po_la_syrk_t(1.0, &rm, 0.0, &sm);
    po_la_symmetrize_upper(&sm);
    lds_cross_yw(Y, rows, w, syw);
    for (size_t i = 0; i < d; i++)
        for (size_t j = 0; j < n; j++) syw[i * n + j] -= mean_y[i] * sww[(n - 1) * n + j];
}

/* log p(Y, x) under p for a draw x (T x K) with the statistics sww, syw. */
static po_status log_joint(const po_lds *p, const po_mat *U, const double *x, const double *sww,
                           const double *syw, const double *mean_y, const double *var_y,
                           lds_work *w, double *out)
{
    size_t T = w->T, d = w->d, K = w->K, m = w->m, n = w->n;
    double *l = w->scratch, *e = l + K * K;
    for (size_t k = 0; k < K; k++)
        for (size_t j = 0; j < K; j++) l[k * K + j] = PO_MAT_AT(p->Sigma0, k, j);
    if (!lds_chol(l, K, K))
        return po_error(PO_ESINGULAR, "LDS: Sigma0 is not positive definite");
    /* x_0 ~ N(mu0, Sigma0): solve L z = x_0 - mu0 */
    double acc = (double)K * LDS_LOG_2PI;
    for (size_t k = 0; k < K; k++) {
        double v = x[k] - p->mu0[k];
        for (size_t j = 0; j < k; j++) v -= l[k * K + j] * e[j];
        e[k] = v / l[k * K + k];
        acc += 2.0 * log(l[k * K + k]) + e[k] * e[k];
    }
    double lj = -0.5 * acc;
    for (size_t k = 0; k < K; k++) lj -= 0.5 * (double)(T - 1) * (LDS_LOG_2PI + log(p->q[k]));
    for (size_t t = 1; t < T; t++)
        for (size_t k = 0; k < K; k++) {
            double v = x[t * K + k] - p->b[k];
            for (size_t j = 0; j < K; j++) v -= PO_MAT_AT(p->A, k, j) * x[(t - 1) * K + j];
            for (size_t j = 0; j < m; j++) v -= PO_MAT_AT(p->V, k, j) * PO_MAT_AT(U, t, j);
            lj -= 0.5 * v * v / p->q[k];
        }
    /* the emissions: -T f of the objective at the parameters of p */
    double *buf = malloc((d * n + n + d) * sizeof *buf);
    if (!buf) return po_error(PO_ENOMEM, "LDS: the ELBO");
    emis_ctx ec = {.d = d, .K = K, .m = m, .n = n, .T = T, .sww = sww, .syw = syw,
                   .var_y = var_y, .h = buf, .sh = buf + d * n};
    double *eta = buf + d * n + n;
    for (size_t i = 0; i < d; i++) {
        double *hi = buf + i * n;
        for (size_t k = 0; k < K; k++) hi[k] = PO_MAT_AT(p->C, i, k);
        for (size_t j = 0; j < m; j++) hi[K + j] = PO_MAT_AT(p->F, i, j);
        hi[K + m] = p->offset[i] - mean_y[i];
        eta[i] = log(p->r[i]);
    }
    lj -= (double)T * emission_terms(&ec, eta, NULL, NULL);
    free(buf);
    *out = lj;
    return PO_OK;
}

po_status lds_fit_paper(const po_mat *Y, const po_mat *U, const po_lds_opts *o,
                        const double *mean_y, const double *var_y, po_lds *p, lds_work *w,
                        po_lds_info *info)
{
    size_t T = w->T, d = w->d, K = w->K, n = w->n, iters = o->iters;
    double *ltrace = info ? info->loglik_trace : NULL, *etrace = info ? info->elbo_trace : NULL;
    /* two draws (emission, ELBO) with their rows and statistics, FFBS scratch */
    size_t nbuf = 2 * T * K + T * n + 2 * (n * n + d * n) + lds_ffbs_scratch(K);
    double *buf = po_alloc_doubles(nbuf, true);
    if (!buf) return po_error(PO_ENOMEM, "LDS: the posterior draws for T = %zu", T);
    double *xs = buf, *xe = xs + T * K, *rows = xe + T * K, *sww_s = rows + T * n,
           *syw_s = sww_s + n * n, *sww_e = syw_s + d * n, *syw_e = sww_e + n * n,
           *ffbs = syw_e + d * n;
    po_rng rng;
    po_rng_init(&rng, o->seed, PO_STREAM_FIT);
    lbfgs_opts lo = lbfgs_opts_defaults();
    lo.max_iter = o->emission_iters;
    double ll = 0.0, h = 0.0, lj = 0.0;
    size_t k = 0;
    po_status st = lds_initialise(Y, U, o, var_y, p, w);
    for (; st == PO_OK; k++) {
        /* errors of the E-step and the draws belong to the parameters after k
         * iterations; those of the M-step name iteration k + 1 themselves */
        st = lds_estep(p, Y, U, w, true, &ll);
        if (st == PO_OK && k == 0) { /* the ELBO of the initial parameters */
            st = lds_ffbs(p, w, &rng, xe, &h, ffbs);
            if (st == PO_OK) {
                draw_stats(Y, U, xe, mean_y, w, rows, sww_e, syw_e);
                st = log_joint(p, U, xe, sww_e, syw_e, mean_y, var_y, w, &lj);
            }
            if (st == PO_OK && etrace) etrace[0] = lj + h;
        }
        /* the emission draw, then the ELBO's (ssm draws them in this order) */
        if (st == PO_OK && k < iters) st = lds_ffbs(p, w, &rng, xs, NULL, ffbs);
        if (st == PO_OK && k < iters) st = lds_ffbs(p, w, &rng, xe, &h, ffbs);
        if (st != PO_OK) {
            st = lds_at_iteration(st, k);
            break;
        }
        if (ltrace) ltrace[k] = ll;
        if (k > 0) st = po_progress_call_(o->progress, o->progress_user, k, iters, "lds");
        if (st != PO_OK) break;
        if (k == iters) break;
        draw_stats(Y, U, xs, mean_y, w, rows, sww_s, syw_s);
        draw_stats(Y, U, xe, mean_y, w, rows, sww_e, syw_e);
        st = lds_mstep_dynamics(p, w, k + 1);
        if (st == PO_OK) {
            st = lds_paper_emissions(p, sww_s, syw_s, mean_y, var_y, T, o->emissions, &lo, NULL);
            if (st != PO_OK) st = lds_at_iteration(st, k + 1);
        }
        for (size_t i = 0; st == PO_OK && i < d; i++)
            if (!(p->r[i] >= PO_LDS_R_COLLAPSE * var_y[i]) || !isfinite(p->r[i]))
                st = po_error(PO_ESINGULAR,
                              "LDS: EM iteration %zu: the observation noise variance of channel "
                              "%zu collapsed to %g (var %g): the innovation covariance is "
                              "singular",
                              k + 1, i, p->r[i], var_y[i]);
        if (st == PO_OK) st = log_joint(p, U, xe, sww_e, syw_e, mean_y, var_y, w, &lj);
        if (st != PO_OK) break;
        if (etrace) etrace[k + 1] = lj + h;
    }
    free(buf);
    if (st == PO_OK && info) {
        info->iters = k;
        info->converged = false;
        info->loglik = ll;
    }
    return st;
}
