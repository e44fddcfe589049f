/* partobs: fitting student networks to observed activity (SPEC.md §4).
 *
 * MAP / ridge student (SPEC.md §4.1), with Y the T x d observed activity,
 * X = rows 0..T-2, X+ = rows 1..T-1, Phi = phi(X), all sums over time
 * unnormalised:
 *
 *   leaky-current:  W_hat = alpha (X+ - (1-alpha) X) Phi^T (rho I + alpha^2 Phi Phi^T)^{-1}
 *   leaky-rate, tanh: the same regression in pre-activation space,
 *                   W_hat = alpha^2 Z X^T (rho I + alpha^2 X X^T)^{-1},
 *                   Z = artanh(clip(delta)), delta = (X+ - (1-alpha) X) / alpha,
 *                   clipped to [-1 + 1e-6, 1 - 1e-6] as in CORNN (SPEC.md §4.5).
 *   (For linear phi the two forms are the same model and the same formula.)
 */
#ifndef PARTOBS_FIT_H
#define PARTOBS_FIT_H

#include <stdbool.h>
#include <stddef.h>

#include "partobs/error.h"
#include "partobs/mat.h"
#include "partobs/sim.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct po_ridge_opts {
    po_phi phi;       /* linear */
    po_leaky leaky;   /* current */
    double alpha;     /* 0.01 */
    double rho;       /* 0.001, on unnormalised sums (SPEC.md §4.1) */
    size_t burn_in;   /* leading rows of Y to drop before fitting (0, SPEC.md §1.4) */
    size_t block;     /* rows of Y per accumulation block; 0 = automatic (0). Changes
                         only rounding, never the result beyond it. */
    po_progress_fn progress; /* called after each block with transitions done of total; NULL = silent */
    void *progress_user;
} po_ridge_opts;

po_ridge_opts po_ridge_opts_defaults(void);
const char *po_ridge_opts_check(const po_ridge_opts *opts);

typedef struct po_ridge_info {
    size_t samples;    /* number of transitions used (T - 1 - burn_in) */
    double rcond;      /* reciprocal condition of M = rho I + alpha^2 Phi Phi^T: the dpocon
                          1-norm estimate, or min|l|/max|l| over M's eigenvalues l when the
                          pseudo-inverse was used */
    bool used_svd;     /* true if Cholesky failed or rcond < 1e-13 and the pseudo-inverse
                          (symmetric eigendecomposition with numpy.linalg.pinv's cutoff
                          1e-15 max|l|; equal to the SVD one for symmetric M) was used */
    size_t clipped;    /* leaky-rate tanh: number of clipped targets */
    double residual;   /* ||X+ - (1-alpha) X - alpha W_hat Phi||_F^2 (current form);
                          leaky-rate tanh: ||alpha (Z - W_hat X)||_F^2. Computed from the
                          accumulated sums, so it is accurate to ~1e-16 ||target||_F^2 */
} po_ridge_info;

/* Fit W_hat (d x d, allocated by the caller, any ld) from Y (T x d), using
 * rows burn_in .. T-1 (T - burn_in >= 2). Needs Y plus O(d^2) memory and a
 * small row-block workspace; Y is never copied. info may be NULL.
 * Errors: PO_EINVAL (NULL argument, invalid options, burn_in too large),
 * PO_ESHAPE (T < 2, d = 0, W_hat not d x d), PO_ENONFINITE (NaN/Inf in the
 * used rows of Y, named by row and column, or sums that overflow),
 * PO_ENOMEM, PO_ELINALG. */
po_status po_fit_ridge(const po_mat *Y, const po_ridge_opts *opts, po_mat *W_hat,
                       po_ridge_info *info);

#ifdef __cplusplus
}
#endif
#endif
