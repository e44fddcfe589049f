/* Pieces shared by the figures of the sensory-integration task and the
 * latent LDS (SPEC.md §4.8, §7; Fig 1, F.5, F.7, F.8): one simulated task
 * instance, its LDS input, an LDS fit with the spectrum of its
 * continuous-time dynamics, and the smoothed reconstruction of the data.
 * Private to src/experiments. */
#ifndef PO_EXPERIMENTS_LDS_COMMON_H
#define PO_EXPERIMENTS_LDS_COMMON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "partobs/dyn.h"
#include "partobs/fit.h"
#include "partobs/mat.h"
#include "partobs/plot.h"
#include "partobs/task.h"

/* A simulated task instance (po_task defaults but D, T and seed; one
 * simulation thread, since the figures run instances in parallel). */
po_status exp_task_run(po_task_net net, size_t D, size_t T, uint64_t seed, po_task **out);

/* The first d columns of X as a new contiguous T x d matrix (SPEC.md §3). */
po_status exp_observe(const po_mat *X, size_t d, po_mat **Y);

/* The LDS input of SPEC.md §7: the task input scaled to max |u| = 1 (T x 1). */
po_status exp_task_lds_input(const po_task *t, po_mat **U);

/* An LDS fit and its continuous-time spectrum (SPEC.md §4.8: A_cont =
 * (A - (1 - alpha) I) / alpha, tau_i = 1 / |1 - Re lambda_i|, LAS). */
typedef struct exp_lds {
    po_lds *lds;
    po_mat *A_cont;    /* K x K */
    po_spectrum *spec; /* of A_cont */
    po_lds_info info;
} exp_lds;

/* tau[0..n-1] = the fit's n largest time constants (sorted by descending
 * Re lambda of A_cont), NaN past its K latents. */
void exp_lds_top_tau(const exp_lds *f, double *tau, size_t n);

/* Fit Y (T x d) with inputs U (NULL = none). On error f is left empty. */
po_status exp_lds_fit(const po_mat *Y, const po_mat *U, const po_lds_opts *o, exp_lds *f);
void exp_lds_free(exp_lds *f);

/* The smoothed reconstruction Yhat = Xhat C^T + U F^T + 1 d^T (SPEC.md §4.8;
 * Xhat the RTS-smoothed latent means). Xhat (T x K) and Yhat (T x d) are
 * caller-allocated and may be NULL; ev (may be NULL) is the explained
 * variance of SPEC.md §5 with phi = identity:
 * 1 - mean((Yhat - Y)^2) / mean((Y - time mean of Y)^2). */
po_status exp_lds_reconstruct(const po_lds *lds, const po_mat *Y, const po_mat *U, po_mat *Xhat,
                              po_mat *Yhat, double *ev);

/* A strip of k points at x = pos (spread over pos +- 0.15 so that equal
 * values show) and y = v[i * stride], non-finite values (no LAS: a complex
 * top pair) at 0: the LAS of every instance of a fit (Fig 1, fig1s). */
po_status exp_strip_points(po_panel *p, double pos, const double *v, size_t k, size_t stride,
                           const po_style *s);

/* "Most fits": at least 80% of n (the threshold of the LDS figures' claims). */
bool exp_most(size_t count, size_t n);

/* Median of x[0..n-1] (copied; x unchanged); NaN for n = 0. */
double exp_median(const double *x, size_t n);

/* The q-quantile (0 <= q <= 1) of x[0..n-1] with linear interpolation between
 * order statistics (numpy's default): position q (n - 1) of the sorted x
 * (copied; x unchanged); NaN for n = 0. */
double exp_quantile(const double *x, size_t n, double q);

#endif
