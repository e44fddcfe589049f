/* Internal: the latent LDS fitted by Kalman EM (include/partobs/fit.h,
 * SPEC.md §4.8), split into
 *   lds.c         options, names, parameters, the EM driver po_fit_lds
 *   lds_init.c    the initialisation (PCA or random C, regressions)
 *   lds_kalman.c  filter, smoother, log-likelihood, expected statistics
 *   lds_mstep.c   the closed-form M-step and the Stiefel step for C
 *   lds_small.c   hand-written kernels for the small (K x K) matrices
 *   lds_ffbs.c    forward-filter backward-sampling draws of the latents
 *   lds_paper.c   the paper's procedure (ssm's Laplace-EM with K = 1)
 * One lds_work per fit holds every array; nothing allocates per iteration.
 */
#ifndef PARTOBS_FIT_LDS_INTERNAL_H
#define PARTOBS_FIT_LDS_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>

#include "fit/lbfgs.h"
#include "partobs/fit.h"
#include "partobs/rng.h"

/* The steady-state test of the covariance recursions: a covariance is
 * reused once its max-norm change is at most this times its max norm. */
#define PO_LDS_STEADY_RTOL 1e-15
/* The Stiefel majorize-minimize iterations stop early once no entry of C
 * changes by more than this (C has unit-norm columns). */
#define PO_LDS_STIEFEL_ATOL 1e-14
/* Observation noise variances below this fraction of var(y_i) mean the
 * innovation covariance has become singular (PO_ESINGULAR). */
#define PO_LDS_R_COLLAPSE 1e-12
/* The inputs [U 1] count as collinear (PO_ESINGULAR) when a Cholesky pivot
 * of their normal equations is below this fraction of its diagonal entry,
 * i.e. a column is explained by the others up to 1 - 1e-10 of its sum of
 * squares. An exact zero pivot is not enough: a constant input 0.3 leaves a
 * rounding-level pivot (~1e-16 of the diagonal) and the split between F and
 * the offset d is then arbitrary. */
#define PO_LDS_COLLINEAR 1e-10
/* Floors of the initial noise variances, relative to the data variance
 * (fit.h, initialisation steps 3 and 4). */
#define PO_LDS_INIT_FLOOR 1e-4

/* Doubles of lds_work.scratch: 17 K x K slots and 4 vectors of K. */
#define LDS_SCRATCH(K) ((17 * (K) + 4) * (K))

typedef struct lds_work {
    size_t T, d, K, m, n; /* n = K + m + 1 regressors of the M-step */
    /* E-step inputs and outputs (T x ... arrays, row-major, contiguous) */
    double *yc;   /* T x d: the initialisation's residual E; afterwards the E-step's
                     row buffers (2 d entries) */
    double *ywt;  /* n x d: the M-step's Y^T [xs u 1], transposed */
    double *h;    /* T x K: C^T R^{-1} (y_t - F u_t - d) */
    double *w;    /* T: sum_i (y_ti - F_i u_t - d_i)^2 / r_i */
    double *xp;   /* T x K: predicted means x_{t|t-1} */
    double *xf;   /* T x K: filtered means x_{t|t} */
    double *sf;   /* T x K^2: filtered covariances (rows up to the steady start) */
    double *wm;   /* T x n: [xs_t, u_t, 1]; xs_t = smoothed means */
    double *zm;   /* T x n: row t >= 1 is [xs_{t-1}, u_t, 1] (row 0 unused) */
    /* small matrices */
    double *rinv_c; /* K x d: (R^{-1} C)^T */
    double *rinv_ft; /* d + m x d: 1 / r_i, then F^T */
    double *J;      /* K x K: C^T R^{-1} C */
    double *ps_all, *ps_first, *ps_last; /* sum_t Ps_t (all t), Ps_0, Ps_{T-1} */
    double *pcross;                      /* sum_{t>=1} Cov(x_t, x_{t-1} | Y) */
    double *scratch;                     /* LDS_SCRATCH(K) doubles: lds_kalman.c's slots */
    double *big;  /* n x n + d x n + n x n: M-step normal equations */
    double *polar_work;                  /* Stiefel step: z, q (d x K), s (K), LAPACK */
    size_t polar_lwork;
    size_t steady_filter; /* first t whose filter covariances were reused (T if none) */
    size_t steady_smooth; /* number of smoother steps that reused a covariance */
} lds_work;

/* One workspace for T rows, d channels, K latents and m inputs; NULL (with
 * PO_ENOMEM recorded) if memory is short. lds_work_free accepts NULL. */
lds_work *lds_work_alloc(size_t T, size_t d, size_t K, size_t m);
void lds_work_free(lds_work *w);

/* Check the shapes and values of a model (finite, q, r > 0, Sigma0 positive
 * definite is checked by the filter) and of Y, U against it. */
po_status lds_check_model(const po_lds *p, const po_mat *Y, const po_mat *U);

/* E-step: filter and smoother of p on Y (U NULL when p->m = 0). Fills
 * w->wm (smoothed means and regressors), w->zm, the covariance sums, and
 * *loglik = log p(Y). steady = false disables the reuse of converged
 * covariances (the full recursion at every step; for tests). Errors:
 * PO_ESINGULAR (a covariance not positive definite), PO_EDIVERGED
 * (non-finite log-likelihood). */
po_status lds_estep(const po_lds *p, const po_mat *Y, const po_mat *U, lds_work *w, bool steady,
                    double *loglik);

/* Gaussian posterior covariance for the prior covariance pp (K x K, SPD)
 * and an observation of information J (K x K, symmetric PSD):
 * sf = (pp^{-1} + J)^{-1} = L (I + L^T J L)^{-1} L^T = G G^T with pp = L L^T,
 * G = L M^{-T}, M M^T = I + L^T J L; symmetric PSD by construction.
 * *logdet_m = log det(M M^T) = log det pp - log det sf. On return the first
 * K x K slot of s (3 K x K scratch) holds the square root G. false if pp or
 * M M^T is not numerically positive definite. */
bool lds_update_cov(const double *pp, const double *J, double *sf, double *logdet_m, double *s,
                    size_t K);

/* po_lds_smooth with the steady-state switch (tests). */
po_status lds_smooth_ex(const po_lds *lds, const po_mat *Y, const po_mat *U, po_mat *Xhat,
                        double *loglik, bool steady);

/* M-step from the statistics of the last E-step; iter (1-based) only names
 * the iteration in errors. mean_y, var_y: the column means and variances
 * (divided by T) of Y. */
po_status lds_mstep(po_lds *p, const po_mat *Y, const po_mat *U, const po_lds_opts *o,
                    lds_work *w, const double *mean_y, const double *var_y, size_t iter);

/* The dynamics block of lds_mstep alone ([A V b], q, mu0), from the last
 * E-step's statistics (the paper's procedure, lds_paper.c). */
po_status lds_mstep_dynamics(po_lds *p, lds_work *w, size_t iter);

/* syw (d x n) = sum_t y_t rows_t^T for rows (T x n, contiguous), using
 * w->ywt as the accumulator. */
void lds_cross_yw(const po_mat *Y, const double *rows, lds_work *w, double *syw);

/* ---- the paper's procedure (SPEC.md §4.8; fit.h) ----------------------- */

/* Doubles of scratch lds_ffbs needs for K latents. */
size_t lds_ffbs_scratch(size_t K);

/* One draw x (T x K, row-major) of the latents from their exact posterior
 * p(x_0 .. x_{T-1} | Y) under p, by forward filtering, backward sampling
 * (Carter & Kohn 1994; Fruhwirth-Schnatter 1994), using the filter of the
 * last lds_estep(p, ...) on w: x_{T-1} ~ N(xf_{T-1}, Sf_{T-1}), then for
 * t = T-2 .. 0, x_t | x_{t+1} ~ N(xf_t + Sc_t A^T Q^{-1} (x_{t+1} - xp_{t+1}), Sc_t),
 * Sc_t = (Sf_t^{-1} + A^T Q^{-1} A)^{-1} (lds_update_cov). K normals per
 * step from rng, t = T-1 first. entropy (may be NULL) receives the entropy of
 * the posterior, sum_t of the entropies of these conditionals. scratch:
 * lds_ffbs_scratch(K) doubles. PO_ESINGULAR if a covariance is not
 * numerically positive definite. */
po_status lds_ffbs(const po_lds *p, const lds_work *w, po_rng *rng, double *x, double *entropy,
                   double *scratch);

/* The paper's emission update: C (orthonormal through a Cayley chart, or
 * free), F, d and log r minimise ssm's objective
 *   (1/T) sum_t sum_i [log(2 pi r_i) + (y_ti - C_i x_t - F_i u_t - d_i)^2 / r_i] / 2
 * by L-BFGS from the current values in p, given the statistics of the
 * latents x_t: sww (n x n) = sum_t w_t w_t^T and syw (d x n) =
 * sum_t (y_t - mean_y) w_t^T, w_t = [x_t; u_t; 1] (n = K + m + 1).
 * res (may be NULL) receives the L-BFGS summary. */
po_status lds_paper_emissions(po_lds *p, const double *sww, const double *syw,
                              const double *mean_y, const double *var_y, size_t T,
                              po_lds_emissions em, const lbfgs_opts *lo, lbfgs_result *res);

/* po_fit_lds for opts->procedure = paper: after the checks and allocations,
 * the initialisation and the iterations of fit.h; fills info. */
po_status lds_fit_paper(const po_mat *Y, const po_mat *U, const po_lds_opts *o,
                        const double *mean_y, const double *var_y, po_lds *p, lds_work *w,
                        po_lds_info *info);

/* st with the recorded error detail prefixed by the EM iteration k (0: the
 * initial parameters). */
po_status lds_at_iteration(po_status st, size_t k);

/* The initialisation of fit.h into p (allocated with the right sizes): steps
 * 1-5 of o->procedure (the exact one's or the paper's); var_y as above,
 * all > 0. */
po_status lds_initialise(const po_mat *Y, const po_mat *U, const po_lds_opts *o,
                         const double *var_y, po_lds *p, lds_work *w);

/* ---- small dense kernels (lds_small.c), row-major, contiguous ---------- */

/* In-place lower Cholesky factor of the n x n SPD a (row stride lda; the
 * strict upper triangle is set to 0). false if a is not numerically positive
 * definite (a non-positive or non-finite pivot). */
bool lds_chol(double *a, size_t n, size_t lda);

/* b (rows x n, stride ldb) <- b L^{-T} for the lower triangular L. */
void lds_tri_solve_right(const double *L, size_t n, size_t lda, double *b, size_t rows,
                         size_t ldb);

/* out (K x K) = a b^T when that product is symmetric (A S A^T, G G^T):
 * the upper triangle is computed and mirrored, so out is exactly symmetric. */
void lds_mul_sym(const double *a, const double *b, double *out, size_t K);

/* b (rows x n, stride ldb) <- b A^{-1} for A = L L^T, L from lds_chol. */
void lds_chol_solve_right(const double *L, size_t n, size_t lda, double *b, size_t rows,
                          size_t ldb);

/* c (r x s) = a (r x k) b (k x s), or a b^T (b stored s x k) when bt. */
void lds_mul(const double *a, const double *b, double *c, size_t r, size_t k, size_t s, bool bt);

/* y (n) = a (n x n) x. */
void lds_matvec(const double *a, const double *x, double *y, size_t n);

/* max_ij |a_ij - b_ij| <= rtol max_ij |b_ij| (n entries). */
bool lds_converged(const double *a, const double *b, size_t n, double rtol);

#endif
