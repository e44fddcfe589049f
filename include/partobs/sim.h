/* partobs: simulation of the teacher and partial observation (SPEC.md §1, §3).
 *
 * Leaky-current (default):  x_{t+1} = x_t + alpha (g W phi(x_t) - x_t + v_t)
 * Leaky-rate:               x_{t+1} = x_t + alpha (phi(g W x_t) - x_t + v_t)
 * Drive:                    v_t = noise * xi_t + input_gain * s_t * w_in
 * The per-step noise standard deviation is alpha * noise (no sqrt(alpha)).
 *
 * The connectivity is wrapped in a po_linop so that structured teachers cost
 * what their structure costs: a rank-r teacher O(D r) per step, a sparse one
 * (the chain) O(nnz), a dense one a BLAS matrix-vector product.
 */
#ifndef PARTOBS_SIM_H
#define PARTOBS_SIM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "partobs/error.h"
#include "partobs/mat.h"
#include "partobs/rng.h"

#ifdef __cplusplus
extern "C" {
#endif
/* Exported from the shared library; everything else is built hidden. */
#if defined(__GNUC__)
#pragma GCC visibility push(default)
#endif

/* X(enumerator, name) */
#define PO_PHI_LIST(X) X(PO_PHI_LINEAR, "linear") X(PO_PHI_TANH, "tanh")
#define PO_LEAKY_LIST(X) X(PO_LEAKY_CURRENT, "current") X(PO_LEAKY_RATE, "rate")
typedef enum po_phi { PO_PHI_LIST(PO_ENUM_ENTRY_) } po_phi;
typedef enum po_leaky { PO_LEAKY_LIST(PO_ENUM_ENTRY_) } po_leaky;

const char *po_phi_name(po_phi phi);             /* "linear", "tanh" */
po_status po_phi_from_name(const char *name, po_phi *phi);
const char *po_leaky_name(po_leaky leaky);       /* "current", "rate" */
po_status po_leaky_from_name(const char *name, po_leaky *leaky);

/* y[i] = phi(x[i]) for i < n (in place allowed). Vectorised tanh. */
void po_phi_apply(po_phi phi, const double *x, double *y, size_t n);

/* ---- structured connectivity ---------------------------------------------- */

typedef struct po_linop po_linop; /* y = W x for a D x D W */

/* Borrow a dense W (must outlive the operator). */
po_status po_linop_dense(const po_mat *W, po_linop **out);

/* W = M N^T with M, N of shape D x r (copied). */
po_status po_linop_lowrank(const po_mat *M, const po_mat *N, po_linop **out);

/* CSR copy of the non-zero entries of the square matrix W (e.g. the
 * feedforward chain, SPEC.md §2): O(nnz) per apply. */
po_status po_linop_sparse(const po_mat *W, po_linop **out);

/* Inspect a dense W and pick the cheapest exact representation: sparse (CSR)
 * when at most 10% of the entries are non-zero, low rank when a randomised
 * range test finds rank r <= D/10 with relative reconstruction error below
 * 1e-13, dense (borrowing W) otherwise. */
po_status po_linop_auto(const po_mat *W, po_rng *rng, po_linop **out);

size_t po_linop_dim(const po_linop *op);
/* "dense", "lowrank", "sparse" */
const char *po_linop_kind(const po_linop *op);
/* rank for lowrank, number of stored non-zeros for sparse, D*D for dense */
size_t po_linop_size_param(const po_linop *op);

/* y = W x (x and y must not overlap). A lowrank operator keeps N^T x in a
 * scratch buffer it owns, so one operator must not be applied from two
 * threads at once (build one per thread). */
void po_linop_apply(const po_linop *op, const double *x, double *y);

void po_linop_free(po_linop *op);

/* ---- simulation ------------------------------------------------------------ */

/* Progress callback: called now and then with steps done out of total. */
typedef void (*po_progress_fn)(void *user, size_t done, size_t total);

/* A progress callback can stop the computation it reports on (e.g. on Ctrl-C
 * in a Python session): after po_progress_cancel() a running simulation, fit,
 * task, curve or diagnosis returns PO_ECANCELED at its next progress point
 * (where it calls, or would call, its callback), with nothing leaked and its
 * outputs unspecified. The request is process-wide and stays until
 * po_progress_cancel_clear(). Both are one lock-free atomic store: safe from
 * any thread and from a signal handler. */
void po_progress_cancel(void);
void po_progress_cancel_clear(void);
bool po_progress_canceled(void);

typedef struct po_sim_opts {
    size_t T;           /* number of stored time steps (rows), >= 2 */
    po_phi phi;         /* linear */
    po_leaky leaky;     /* current */
    double alpha;       /* dt / tau = 0.01 */
    double g;           /* gain, 1 */
    double noise;       /* v1 = 0.2 */
    double input_gain;  /* v0 = 0.1 (used only when an input signal is given) */
    double ic_scale;    /* x0 ~ N(0, ic_scale^2 I) when no x0 is given; 1 */
    uint64_t seed;      /* PO_DEFAULT_SEED; IC and noise streams of this seed */
    size_t threads;     /* dense teachers: 0 = automatic (several threads when
                         * D >= 256 and several CPUs are online), n = n threads.
                         * Every count gives the same bits: each row of W x is
                         * summed in one fixed order by the same kernel. Other
                         * kinds ignore it. */
    po_progress_fn progress; /* NULL = silent */
    void *progress_user;
} po_sim_opts;

po_sim_opts po_sim_opts_defaults(void);
const char *po_sim_opts_check(const po_sim_opts *opts);

/* Number of threads po_sim_run will use for this operator and these options
 * (1 = the sequential path), so that a run's record can say what ran. */
size_t po_sim_threads(const po_linop *W, const po_sim_opts *opts);

/* Optional replayed inputs; any member may be NULL. */
typedef struct po_sim_inputs {
    const double *x0;     /* length D initial state (else drawn from PO_STREAM_IC) */
    const po_mat *xi;     /* T x D (at least T-1 rows used) standard normals (else PO_STREAM_PROCESS_NOISE) */
    const po_mat *signal; /* T x 1 scalar input s_t */
    const double *w_in;   /* length D input direction; required with signal */
} po_sim_inputs;

/* Simulate into X (T x D, allocated by the caller). Row 0 is x0. Without a
 * replayed xi, the noise for step t is drawn row by row from the process-noise
 * stream, so passing the same numbers as xi reproduces the run exactly.
 * PO_ENONFINITE if the state overflows (names the step). */
po_status po_sim_run(const po_linop *W, const po_sim_opts *opts, const po_sim_inputs *in,
                     po_mat *X);

/* Choose the operator, allocate, simulate: the operator for W by
 * po_linop_auto, its randomised rank test drawn from the connectivity stream
 * of opts->seed (so the choice is reproducible), then a new X (opts->T x D)
 * from po_sim_run. in may be NULL. If op is non-NULL it receives the operator
 * (borrowing W; free it with po_linop_free) for the caller's record, else it
 * is freed. On failure *X (and *op) are NULL. */
po_status po_simulate(const po_mat *W, const po_sim_opts *opts, const po_sim_inputs *in,
                      po_mat **X, po_linop **op);

/* Draw a length-n initial state x0 ~ N(0, scale^2 I) from the IC stream of seed. */
void po_sim_draw_ic(uint64_t seed, double scale, double *x0, size_t n);

/* ---- partial observation --------------------------------------------------- */

typedef struct po_observe_opts {
    size_t d;              /* number of observed neurons, 1 <= d <= D */
    const size_t *index;   /* NULL: neurons 0 .. d-1 (SPEC.md §3); else d indices */
    double obs_noise;      /* s_obs, 0 */
    uint64_t seed;         /* observation-noise stream of this seed */
} po_observe_opts;

po_observe_opts po_observe_opts_defaults(void);
/* NULL if the options are valid on their own (d >= 1, obs_noise finite and
 * >= 0), else the reason. Whether d and the indices fit the activity is
 * checked by po_observe, which knows D. */
const char *po_observe_opts_check(const po_observe_opts *opts);

/* Y (T x d, allocated by the caller) = selected columns of X + s_obs * eps. */
po_status po_observe(const po_mat *X, const po_observe_opts *opts, po_mat *Y);

#if defined(__GNUC__)
#pragma GCC visibility pop
#endif
#ifdef __cplusplus
}
#endif
#endif
