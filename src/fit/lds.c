/* Latent LDS fitted by Kalman EM (SPEC.md §4.8, include/partobs/fit.h):
 * options, names, parameters, the workspace and the EM driver. The E-step
 * is in lds_kalman.c, the M-step in lds_mstep.c, the start in lds_init.c. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/progress.h"
#include "core/alloc.h"
#include "core/names.h"
#include "fit/lds_internal.h"
#include "linalg/linalg.h"
#include "partobs/rng.h"

po_lds_opts po_lds_opts_defaults(void)
{
    return (po_lds_opts){.procedure = PO_LDS_EXACT,
                         .latents = 5,
                         .emissions = PO_LDS_ORTHONORMAL,
                         .init = PO_LDS_INIT_PCA,
                         .iters = 200,
                         .tol = 0.0,
                         .stiefel_iters = 100,
                         .emission_iters = 100,
                         .alpha = 0.01,
                         .seed = PO_DEFAULT_SEED,
                         .progress = NULL,
                         .progress_user = NULL};
}

const char *po_lds_opts_check(const po_lds_opts *o)
{
    if (!o) return "options are NULL";
    if (o->procedure != PO_LDS_EXACT && o->procedure != PO_LDS_PAPER)
        return "procedure must be exact or paper";
    if (o->latents < 1) return "latents must be >= 1";
    if (o->emissions != PO_LDS_FREE && o->emissions != PO_LDS_ORTHONORMAL)
        return "emissions must be free or orthonormal";
    if (o->init != PO_LDS_INIT_PCA && o->init != PO_LDS_INIT_RANDOM)
        return "init must be pca or random";
    if (!(o->tol >= 0.0 && isfinite(o->tol))) return "tol must be finite and >= 0";
    if (o->stiefel_iters < 1) return "stiefel_iters must be >= 1";
    if (o->emission_iters < 1) return "emission_iters must be >= 1";
    if (o->procedure == PO_LDS_PAPER && o->tol != 0.0)
        return "tol must be 0 with the paper procedure (its log-likelihood is not monotone)";
    if (!(o->alpha > 0.0 && o->alpha <= 1.0)) return "alpha must be in (0, 1]";
    return NULL;
}

/* po_lds_procedure_name, po_lds_emissions_name, po_lds_init_name and their
 * _from_name inverses */
PO_DEFINE_NAMES(po_lds_procedure, PO_LDS_PROCEDURE_LIST, procedure_names, "LDS procedure")
PO_DEFINE_NAMES(po_lds_emissions, PO_LDS_EMISSIONS_LIST, emissions_names, "LDS emissions")
PO_DEFINE_NAMES(po_lds_init, PO_LDS_INIT_LIST, init_names, "LDS init")

void po_lds_free(po_lds *p)
{
    if (!p) return;
    po_mat_free(p->A);
    po_mat_free(p->V);
    po_mat_free(p->C);
    po_mat_free(p->F);
    po_mat_free(p->Sigma0);
    free(p->b);
    free(p->q);
    free(p->offset);
    free(p->r);
    free(p->mu0);
    free(p);
}

po_lds *po_lds_alloc(size_t K, size_t d, size_t m)
{
    po_lds *p = calloc(1, sizeof *p);
    if (!p) {
        po_error(PO_ENOMEM, "cannot allocate an LDS");
        return NULL;
    }
    p->K = K;
    p->d = d;
    p->m = m;
    p->A = po_mat_alloc(K, K);
    p->C = po_mat_alloc(d, K);
    p->Sigma0 = po_mat_alloc(K, K);
    p->V = m ? po_mat_alloc(K, m) : NULL;
    p->F = m ? po_mat_alloc(d, m) : NULL;
    p->b = calloc(K ? K : 1, sizeof *p->b);
    p->q = calloc(K ? K : 1, sizeof *p->q);
    p->mu0 = calloc(K ? K : 1, sizeof *p->mu0);
    p->offset = calloc(d ? d : 1, sizeof *p->offset);
    p->r = calloc(d ? d : 1, sizeof *p->r);
    if (!p->A || !p->C || !p->Sigma0 || (m && (!p->V || !p->F)) || !p->b || !p->q || !p->mu0 ||
        !p->offset || !p->r) {
        po_lds_free(p);
        po_error(PO_ENOMEM, "cannot allocate an LDS with K = %zu, d = %zu, m = %zu", K, d, m);
        return NULL;
    }
    return p;
}

po_status po_lds_continuous(const po_lds *lds, double alpha, po_mat *A_cont)
{
    if (!lds || !lds->A || !A_cont) return po_error(PO_EINVAL, "LDS: NULL argument");
    if (!(alpha > 0.0 && alpha <= 1.0))
        return po_error(PO_EINVAL, "LDS: alpha = %g must be in (0, 1]", alpha);
    size_t K = lds->K;
    if (A_cont->rows != K || A_cont->cols != K || lds->A->rows != K || lds->A->cols != K)
        return po_error(PO_ESHAPE, "LDS: A_cont is %zux%zu, need %zux%zu",
                        A_cont->rows, A_cont->cols, K, K);
    for (size_t i = 0; i < K; i++)
        for (size_t j = 0; j < K; j++)
            PO_MAT_AT(A_cont, i, j) =
                (PO_MAT_AT(lds->A, i, j) - (i == j ? 1.0 - alpha : 0.0)) / alpha;
    return PO_OK;
}

/* ---- workspace -------------------------------------------------------------- */

void lds_work_free(lds_work *w)
{
    if (!w) return;
    double *arrays[] = {w->yc, w->ywt, w->h, w->w, w->xp, w->xf, w->sf, w->wm, w->zm,
                        w->rinv_c, w->rinv_ft, w->J, w->ps_all, w->ps_first, w->ps_last, w->pcross,
                        w->scratch, w->big, w->polar_work};
    for (size_t k = 0; k < sizeof arrays / sizeof *arrays; k++) free(arrays[k]);
    free(w);
}

lds_work *lds_work_alloc(size_t T, size_t d, size_t K, size_t m)
{
    lds_work *w = calloc(1, sizeof *w);
    if (!w) {
        po_error(PO_ENOMEM, "LDS: cannot allocate the workspace");
        return NULL;
    }
    size_t n = K + m + 1, K2 = K * K;
    w->T = T;
    w->d = d;
    w->K = K;
    w->m = m;
    w->n = n;
    size_t lw1 = po_la_polar_lwork(d, K), lw2 = po_la_polar_lwork(K, K);
    w->polar_lwork = lw1 > lw2 ? lw1 : lw2;
    /* Sizes overflow only for absurd T; po_alloc_doubles refuses n * 8 overflow. */
    w->yc = po_alloc_doubles(T * d, true);
    w->ywt = po_alloc_doubles(n * d, true);
    w->h = po_alloc_doubles(T * K, true);
    w->w = po_alloc_doubles(T, true);
    w->xp = po_alloc_doubles(T * K, true);
    w->xf = po_alloc_doubles(T * K, true);
    w->sf = po_alloc_doubles(T * K2, true);
    w->wm = po_alloc_doubles(T * n, true);
    w->zm = po_alloc_doubles(T * n, true);
    w->rinv_c = po_alloc_doubles(d * K, true);
    w->rinv_ft = po_alloc_doubles(d + m * d, true);
    w->J = po_alloc_doubles(K2, true);
    w->ps_all = po_alloc_doubles(K2, true);
    w->ps_first = po_alloc_doubles(K2, true);
    w->ps_last = po_alloc_doubles(K2, true);
    w->pcross = po_alloc_doubles(K2, true);
    w->scratch = po_alloc_doubles(LDS_SCRATCH(K), true);
    w->big = po_alloc_doubles(3 * n * n + 2 * d * n + K * n, true);
    /* Stiefel step: z, q, M, C_old (d x K each), P (K x K), s (K), LAPACK's work;
       (2 n more for the r update, which reuses it) */
    w->polar_work = po_alloc_doubles(4 * d * K + K2 + K + w->polar_lwork + 2 * n, true);
    if (!w->yc || !w->ywt || !w->h || !w->w || !w->xp || !w->xf || !w->sf || !w->wm || !w->zm ||
        !w->rinv_c || !w->rinv_ft || !w->J || !w->ps_all || !w->ps_first || !w->ps_last || !w->pcross ||
        !w->scratch || !w->big || !w->polar_work) {
        lds_work_free(w);
        po_error(PO_ENOMEM, "LDS: cannot allocate the workspace for T = %zu, d = %zu, K = %zu", T,
                 d, K);
        return NULL;
    }
    return w;
}

/* ---- the EM driver ------------------------------------------------------------ */

po_status lds_at_iteration(po_status st, size_t k)
{
    char detail[512];
    snprintf(detail, sizeof detail, "%s", po_errmsg());
    if (k == 0) return po_error(st, "LDS: initial parameters: %s", detail);
    return po_error(st, "LDS: EM iteration %zu: %s", k, detail);
}

/* Checks of fit.h's error list, before any work; mean_y and var_y receive
 * the column means and variances (divided by T) of Y. */
static po_status check_inputs(const po_mat *Y, const po_mat *U, const po_lds_opts *o,
                              double **mean_y, double **var_y)
{
    *mean_y = *var_y = NULL;
    const char *why = po_lds_opts_check(o);
    if (why) return po_error(PO_EINVAL, "invalid LDS options: %s", why);
    size_t T = Y->rows, d = Y->cols, K = o->latents;
    if (d == 0) return po_error(PO_ESHAPE, "LDS: Y has no columns (channels)");
    if (K > d)
        return po_error(PO_EINVAL, "latents (%zu) exceed the observed dimension d = %zu", K, d);
    if (T < 2) return po_error(PO_ESHAPE, "LDS: need T >= 2 rows of Y, got %zu", T);
    if (K > T) return po_error(PO_ESHAPE, "LDS: latents (%zu) exceed T = %zu rows of Y", K, T);
    if (U && (U->rows != T || U->cols == 0))
        return po_error(PO_ESHAPE,
                        "LDS: the inputs U are %zux%zu, need %zu rows (one per row of Y) and at "
                        "least one column",
                        U->rows, U->cols, T);
    po_status st = po_mat_check_finite(Y, "LDS: Y");
    if (st == PO_OK && U) st = po_mat_check_finite(U, "LDS: inputs U");
    if (st != PO_OK) return st;
    double *v = calloc(d, sizeof *v), *mean = calloc(d, sizeof *mean);
    if (!v || !mean) {
        free(v);
        free(mean);
        return po_error(PO_ENOMEM, "LDS: cannot allocate %zu doubles", d);
    }
    for (size_t t = 0; t < T; t++)
        for (size_t i = 0; i < d; i++) mean[i] += PO_MAT_AT(Y, t, i);
    for (size_t i = 0; i < d; i++) mean[i] /= (double)T;
    for (size_t t = 0; t < T; t++)
        for (size_t i = 0; i < d; i++) {
            double e = PO_MAT_AT(Y, t, i) - mean[i];
            v[i] += e * e;
        }
    /* A constant channel whose value is not a binary fraction (0.1) gets a
     * mean that differs from it by rounding, hence a variance of ~1e-34 > 0:
     * test constancy exactly as well, so that it is named here instead of as
     * a collapsed noise variance during EM. */
    for (size_t i = 0; i < d; i++) {
        bool constant = true;
        for (size_t t = 1; t < T && constant; t++)
            constant = PO_MAT_AT(Y, t, i) == PO_MAT_AT(Y, 0, i);
        v[i] /= (double)T;
        if (constant || !(v[i] > 0.0) || !isfinite(v[i])) {
            /* Say which: a varying channel can still overflow or underflow (issue 10 item 7). */
            bool small = isfinite(v[i]);
            free(v);
            free(mean);
            if (constant)
                return po_error(PO_ESINGULAR,
                                "LDS: channel %zu of Y is constant: its observation noise variance "
                                "would be 0 and the innovation covariance singular",
                                i);
            return po_error(PO_ENONFINITE,
                            "LDS: Y: values too %s: the variance of channel %zu %s (rescale the "
                            "data)",
                            small ? "small" : "large", i, small ? "underflows to 0" : "overflows");
        }
    }
    *mean_y = mean;
    *var_y = v;
    return PO_OK;
}

po_status po_fit_lds(const po_mat *Y, const po_mat *U, const po_lds_opts *opts, po_lds **out,
                     po_lds_info *info)
{
    if (!Y || !opts || !out) return po_error(PO_EINVAL, "po_fit_lds: NULL argument");
    *out = NULL;
    double *mean_y = NULL, *var_y = NULL;
    po_status st = check_inputs(Y, U, opts, &mean_y, &var_y);
    if (st == PO_OK) {
        /* the smoother keeps a mean and two K x K covariances per time step */
        double K = (double)opts->latents + (double)(U ? U->cols : 0);
        st = po_mem_reserve_check(po_mem_doubles((double)Y->rows * ((double)Y->cols + 4.0 * K + 3.0 * K * K)),
                                  "LDS smoother");
    }
    if (st != PO_OK) {
        free(mean_y);
        free(var_y);
        return st;
    }
    size_t T = Y->rows, d = Y->cols, K = opts->latents, m = U ? U->cols : 0, iters = opts->iters;
    /* The BLAS products here are thin (K + m + 1 columns): a multi-threaded
     * BLAS costs more in synchronisation than it saves (50 ms instead of 2 ms
     * per iteration at d = 25 on a busy machine). The library leaves the BLAS
     * thread count to the program (po_blas_set_threads, partobs/version.h);
     * the partobs programs run it on one thread. */
    po_lds *p = po_lds_alloc(K, d, m);
    lds_work *w = p ? lds_work_alloc(T, d, K, m) : NULL;
    double *trace = info ? info->loglik_trace : NULL;
    double ll = 0.0, prev = 0.0;
    bool converged = false;
    size_t k = 0;
    if (!p || !w) {
        st = PO_ENOMEM;
        goto done;
    }
    if (opts->procedure == PO_LDS_PAPER) {
        st = lds_fit_paper(Y, U, opts, mean_y, var_y, p, w, info);
        goto done;
    }
    st = lds_initialise(Y, U, opts, var_y, p, w);
    if (st != PO_OK) goto done;
    for (;; k++) {
        st = lds_estep(p, Y, U, w, true, &ll);
        if (st != PO_OK) {
            st = lds_at_iteration(st, k);
            goto done;
        }
        if (trace) trace[k] = ll;
        if (k > 0) st = po_progress_call_(opts->progress, opts->progress_user, k, iters, "lds");
        if (st != PO_OK) goto done;
        if (k > 0 && opts->tol > 0.0 && ll - prev < opts->tol * fabs(ll)) {
            converged = true;
            break;
        }
        if (k == iters) break;
        prev = ll;
        st = lds_mstep(p, Y, U, opts, w, mean_y, var_y, k + 1);
        if (st != PO_OK) goto done;
    }
    if (trace)
        for (size_t j = k + 1; j <= iters; j++) trace[j] = (double)NAN;
    if (info) {
        info->iters = k;
        info->converged = converged;
        info->loglik = ll;
    }
done:
    free(mean_y);
    free(var_y);
    lds_work_free(w);
    if (st != PO_OK) {
        po_lds_free(p);
        return st;
    }
    *out = p;
    return PO_OK;
}
