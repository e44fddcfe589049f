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
} po_ridge_opts;

po_ridge_opts po_ridge_opts_defaults(void);
const char *po_ridge_opts_check(const po_ridge_opts *opts);

typedef struct po_ridge_info {
    size_t samples;    /* number of transitions used (T - 1 - burn_in) */
    double rcond;      /* reciprocal condition estimate of rho I + alpha^2 Phi Phi^T */
    bool used_svd;     /* true if Cholesky was not trustworthy and the SVD pseudo-inverse was used */
    size_t clipped;    /* leaky-rate tanh: number of clipped targets */
    double residual;   /* ||X+ - (1-alpha) X - alpha W_hat Phi||_F^2 (current form) */
} po_ridge_info;

/* Fit W_hat (d x d, allocated by the caller) from Y (T x d). Needs Y plus
 * O(d^2) memory and a small row-block workspace; Y is never copied. */
po_status po_fit_ridge(const po_mat *Y, const po_ridge_opts *opts, po_mat *W_hat,
                       po_ridge_info *info);

#ifdef __cplusplus
}
#endif
#endif
