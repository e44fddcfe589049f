/* Internal: limited-memory BFGS (Nocedal & Wright, Numerical Optimization,
 * 2nd ed., Algorithm 7.4 (two-loop recursion) and 7.5) with a line search
 * satisfying the strong Wolfe conditions (Algorithms 3.5 and 3.6, cubic
 * interpolation (3.59) in the zoom). Used by the emission update of the
 * paper's LDS procedure (SPEC.md §4.8: ssm fits the emissions by scipy's
 * L-BFGS-B, at most 100 iterations); the stopping rules and defaults are
 * scipy's (memory 10, ftol = 1e7 machine epsilon, gtol 1e-5 on max |g_i|,
 * 20 function evaluations per line search). */
#ifndef PARTOBS_FIT_LBFGS_H
#define PARTOBS_FIT_LBFGS_H

#include <stddef.h>

#include "partobs/error.h"

/* f(x); grad (n) receives its gradient. A non-finite value is allowed at
 * trial points (the line search then shortens the step), not at the start. */
typedef double (*lbfgs_fn)(const double *x, double *grad, void *user);

typedef struct lbfgs_opts {
    size_t memory;   /* correction pairs kept, 10 */
    size_t max_iter; /* iterations (accepted steps), 100 */
    size_t max_ls;   /* function evaluations per line search, 20 */
    double ftol;     /* stop when (f_k - f_{k+1}) <= ftol max(|f_k|, |f_{k+1}|, 1), 2.2e-9 */
    double gtol;     /* stop when max_i |g_i| <= gtol, 1e-5 */
    double c1, c2;   /* Wolfe constants, 1e-4 and 0.9 */
} lbfgs_opts;

lbfgs_opts lbfgs_opts_defaults(void);

typedef enum lbfgs_stop {
    LBFGS_GTOL,      /* gradient small */
    LBFGS_FTOL,      /* relative decrease small */
    LBFGS_MAX_ITER,  /* max_iter steps taken */
    LBFGS_LINE_SEARCH /* no step satisfying the Wolfe conditions found (x is the best point) */
} lbfgs_stop;

typedef struct lbfgs_result {
    size_t iters;    /* accepted steps */
    size_t evals;    /* function evaluations, the initial one included */
    double f;        /* f at the returned x */
    double gmax;     /* max_i |g_i| there */
    lbfgs_stop stop;
} lbfgs_result;

/* Doubles of workspace for n variables and the given memory. */
size_t lbfgs_work_size(size_t n, size_t memory);

/* Minimise fn from x (n, overwritten by the result). work holds
 * lbfgs_work_size(n, o->memory) doubles. Errors: PO_EINVAL (n = 0, memory or
 * max_ls 0, constants outside 0 < c1 < c2 < 1), PO_EDIVERGED (f or its
 * gradient non-finite at the start). A line search that fails is not an
 * error: res->stop says so and x is the best point found. */
po_status lbfgs_minimize(size_t n, double *x, lbfgs_fn fn, void *user, const lbfgs_opts *o,
                         double *work, lbfgs_result *res);

#endif
