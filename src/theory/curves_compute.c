/* Subsampling curves: the per-d loop (SPEC.md §5 "Subsampling curves").
 *
 * One covariance Sigma, G = (B Sigma) restricted to the leading dmax x dmax
 * block, and one Cholesky factorisation Sigma = R^T R (R upper) with its
 * inverse serve every d: the leading d x d block of R is the Cholesky factor
 * of Sigma_dd, and the leading block of R^{-1} is its inverse, so
 *   A_inf(d) = G_dd Sigma_dd^{-1} = G_dd R^{-1}_dd (R^{-1}_dd)^T,
 * two triangular multiplies per d instead of a factorisation. With a ridge
 * (rho > 0) Sigma_dd + rho I is no leading block of one matrix, so each d
 * gets its own Cholesky factorisation.
 *
 * Per d: the eigenvalues only (dgeev without vectors), sorted; the top_n
 * singular values and the top singular pair only (dgesvdx; a full dgesdd
 * where dgesvdx does not converge). The d values are the blocks of a
 * po_parallel_for (core/parallel.h), largest d first, each thread with its
 * own workspace (no allocation in the loop). Every d is computed by the same
 * code whatever thread runs it, so with a one-thread BLAS (which the library
 * never sets: partobs/version.h) the result is bit-identical for any thread
 * count. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/parallel.h"
#include "linalg/linalg.h"
#include "partobs/dyn.h"
#include "theory_internal.h"
#include "core/alloc.h"

typedef struct curve_ws curve_ws;

typedef struct curve_job {
    const po_curves_opts *opts;
    po_curves *out;
    const po_mat *Sigma, *G, *Rinv; /* Rinv NULL when rho > 0 */
    const double *tu, *tv;          /* the teacher's top singular vectors */
    size_t D, dmax, lwork;
    curve_ws *ws;                   /* one workspace per thread */
} curve_job;

struct curve_ws {
    double *a, *e, *s, *u, *vt; /* dmax x dmax each */
    double *re, *im, *sv, *su, *svr, *work;
    int *iwork;
    void *block;
};

static void ws_free(curve_ws *w) { free(w->block), free(w->iwork); }

static po_status ws_alloc(curve_ws *w, size_t dmax, size_t lwork)
{
    memset(w, 0, sizeof *w);
    size_t sq = dmax * dmax;
    double *b = malloc((5 * sq + 5 * dmax + lwork) * sizeof *b);
    w->iwork = malloc(12 * dmax * sizeof *w->iwork);
    w->block = b;
    if (!b || !w->iwork) {
        ws_free(w);
        memset(w, 0, sizeof *w);
        return po_error(PO_ENOMEM, "cannot allocate the workspace for d up to %zu", dmax);
    }
    w->a = b, w->e = b + sq, w->s = b + 2 * sq, w->u = b + 3 * sq, w->vt = b + 4 * sq;
    b += 5 * sq;
    w->re = b, w->im = b + dmax, w->sv = b + 2 * dmax, w->su = b + 3 * dmax,
    w->svr = b + 4 * dmax, w->work = b + 5 * dmax;
    return PO_OK;
}

po_status po_curves_student_(const po_mat *G, const po_mat *Rinv, const po_mat *Sigma, double rho,
                             size_t d, po_mat *A, double *s)
{
    po_mat Gdd = po_mat_block(G, 0, 0, d, d);
    po_mat_copy(A, &Gdd);
    if (Rinv) {
        po_mat Ri = po_mat_block(Rinv, 0, 0, d, d);
        po_la_trmm_right_upper(false, &Ri, A);
        po_la_trmm_right_upper(true, &Ri, A);
        return PO_OK;
    }
    po_mat S = po_mat_view(s, d, d, d), Sdd = po_mat_block(Sigma, 0, 0, d, d);
    po_mat_copy(&S, &Sdd);
    for (size_t i = 0; i < d; i++) PO_MAT_AT(&S, i, i) += rho;
    if (po_la_cholesky(&S) != PO_OK)
        return po_error(PO_ELINALG, "Sigma_dd + rho I is not positive definite at d = %zu", d);
    po_la_cholesky_solve_right(&S, A);
    return PO_OK;
}

/* Everything recorded for the k-th value of d. */
static po_status one_d(const curve_job *job, curve_ws *w, size_t k)
{
    po_curves *out = job->out;
    size_t d = out->d[k], top = out->top_n;
    po_mat A = po_mat_view(w->a, d, d, d);
    po_status st = po_curves_student_(job->G, job->Rinv, job->Sigma, job->opts->rho, d, &A, w->s);
    if (st != PO_OK) return st;
    po_mat E = po_mat_view(w->e, d, d, d);
    po_mat_copy(&E, &A);
    if ((st = po_la_eigvals_ws(&E, w->re, w->im, w->work, job->lwork)) != PO_OK) return st;
    po_eig_sort(w->re, w->im, d);
    out->las[k] = po_line_attractor_score(w->re, d);
    if (out->henrici) out->henrici[k] = po_henrici(&A, w->re, w->im, d);
    /* E (free again) is the SVD's scratch copy */
    if ((st = po_la_svd_top_ws(&A, &E, top, w->sv, w->su, w->svr, w->u, w->vt, w->work,
                               job->lwork, w->iwork)) != PO_OK)
        return st;
    for (size_t i = 0; i < top; i++) {
        out->top_re[k * top + i] = i < d ? w->re[i] : 0.0;
        out->top_sv[k * top + i] = i < d ? w->sv[i] : 0.0;
    }
    out->u_overlap[k] = po_overlap(job->tu, job->D, 1, w->su, d, 1);
    out->v_overlap[k] = po_overlap(job->tv, job->D, 1, w->svr, d, 1);
    return PO_OK;
}

/* Block i is the d value n-1-i: the largest d first, so that the O(d^3)
 * costs balance across the threads. */
static po_status curve_block(void *arg, size_t i, size_t worker)
{
    const curve_job *job = arg;
    return one_d(job, &job->ws[worker], job->out->n - 1 - i);
}

static void curve_done(void *arg, size_t done, size_t n)
{
    const curve_job *job = arg;
    if (job->opts->progress) job->opts->progress(job->opts->progress_user, done, n);
}

/* Run the d loop on opts->threads threads (the caller's included). */
static po_status run_pool(curve_job *job)
{
    size_t n = job->out->n, nthreads = po_parallel_threads(job->opts->threads, n);
    job->ws = calloc(nthreads, sizeof *job->ws);
    if (!job->ws) return po_error(PO_ENOMEM, "cannot allocate %zu workspaces", nthreads);
    po_status st = PO_OK;
    for (size_t t = 0; t < nthreads && st == PO_OK; t++)
        st = ws_alloc(&job->ws[t], job->dmax, job->lwork);
    if (st == PO_OK) st = po_parallel_for_progress(n, nthreads, curve_block, curve_done, job);
    for (size_t t = 0; t < nthreads; t++) ws_free(&job->ws[t]);
    free(job->ws);
    return st;
}

po_status po_curves_prepare_(const po_mat *B, const po_mat *Sigma, size_t dmax, double rho,
                             po_mat *G, po_mat **Rinv)
{
    size_t D = B->rows;
    po_mat Bd = po_mat_block(B, 0, 0, dmax, D), Sd = po_mat_block(Sigma, 0, 0, D, dmax);
    po_la_gemm(false, false, 1.0, &Bd, &Sd, 0.0, G);
    *Rinv = NULL;
    if (rho != 0.0) return PO_OK;
    po_mat Sdd = po_mat_block(Sigma, 0, 0, dmax, dmax);
    po_mat *R = po_mat_dup(&Sdd);
    if (!R) return po_error(PO_ENOMEM, "cannot allocate a %zux%zu factor", dmax, dmax);
    if (po_la_cholesky(R) != PO_OK || po_la_tri_inverse_upper(R) != PO_OK) {
        po_mat_free(R);
        return po_error(PO_ELINALG, "the stationary covariance is not positive definite");
    }
    *Rinv = R;
    return PO_OK;
}

po_status po_curves_compute(const po_mat *B, const po_curves_opts *opts, po_curves *out)
{
    const char *why = po_curves_opts_check(opts);
    if (why) return po_error(PO_EINVAL, "%s", why);
    size_t D = B->rows;
    if (B->cols != D || D == 0)
        return po_error(PO_ESHAPE, "teacher W must be square and non-empty, got %zux%zu",
                        B->rows, B->cols);
    po_status st = po_mat_check_finite(B, "teacher W");
    if (st == PO_OK)
        st = po_mem_reserve_check(po_mem_doubles(6.0 * (double)D * (double)D),
                                  "covariance and student workspace");
    if (st != PO_OK) return st;
    size_t n = po_curves_count(opts, D);
    if (n == 0)
        return po_error(PO_ESHAPE, "the d values asked for exceed D = %zu (need d <= D)", D);
    if (out->n != n || out->top_n != opts->top_n || (out->henrici != NULL) != opts->henrici)
        return po_error(PO_ESHAPE,
                        "output holds %zu values of d with top %zu%s, expected %zu with "
                        "top %zu%s",
                        out->n, out->top_n, out->henrici ? " and Henrici" : "", n, opts->top_n,
                        opts->henrici ? " and Henrici" : "");
    for (size_t k = 0; k < n; k++) out->d[k] = opts->d_list ? opts->d_list[k] : opts->dmin + k * opts->step;
    size_t dmax = out->d[n - 1];

    po_mat *Sigma = po_mat_alloc(D, D), *G = po_mat_alloc(dmax, dmax), *R = NULL;
    double *tuv = malloc(2 * D * sizeof *tuv);
    if (!Sigma || !G || !tuv) {
        st = po_error(PO_ENOMEM, "cannot allocate the covariance for D = %zu", D);
        goto done;
    }
    if ((st = po_stationary_cov(B, &opts->cov, Sigma, &out->cov_method)) != PO_OK) goto done;
    if ((st = po_top_singular_vectors(B, tuv, tuv + D)) != PO_OK) goto done;
    if ((st = po_curves_prepare_(B, Sigma, dmax, opts->rho, G, &R)) != PO_OK) goto done;
    size_t le = po_la_eigvals_lwork(dmax), ls = po_la_svd_top_lwork(dmax, opts->top_n);
    curve_job job = {.opts = opts,
                     .out = out,
                     .Sigma = Sigma,
                     .G = G,
                     .Rinv = R,
                     .tu = tuv,
                     .tv = tuv + D,
                     .D = D,
                     .dmax = dmax,
                     .lwork = le > ls ? le : ls};
    st = run_pool(&job);
done:
    free(tuv);
    po_mat_free(R);
    po_mat_free(G);
    po_mat_free(Sigma);
    return st;
}
