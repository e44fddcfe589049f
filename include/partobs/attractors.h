/* partobs: automatic detection of attractors of a (teacher or student)
 * network, and the teacher-vs-student mismatch report (SPEC.md §5 "Limit
 * sets", §9 item 8; issue 4). The reference code has no fixed-point finder:
 * it shows noise-free trajectories. partobs finds fixed points and limit
 * cycles numerically and classifies them.
 *
 * Continuous-time flow of the network (alpha -> 0 of SPEC.md §1.1, g = 1):
 *   leaky-current: F(x) = -x + W phi(x),   J(x) = -I + W diag(phi'(x))
 *   leaky-rate:    F(x) = -x + phi(W x),   J(x) = -I + diag(phi'(W x)) W
 */
#ifndef PARTOBS_ATTRACTORS_H
#define PARTOBS_ATTRACTORS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "partobs/error.h"
#include "partobs/mat.h"
#include "partobs/sim.h"

#ifdef __cplusplus
extern "C" {
#endif

/* A network to analyse: W is borrowed (n x n) and must outlive every call. */
typedef struct po_network {
    const po_mat *W;
    po_phi phi;
    po_leaky leaky;
    double alpha; /* Euler step used for trajectories, 0.01 */
} po_network;

/* F(x) (length n) and, when J is not NULL, the Jacobian J (n x n). */
void po_network_flow(const po_network *net, const double *x, double *f, po_mat *J);

/* ---- fixed and slow points ------------------------------------------------ */

typedef enum po_fp_kind { PO_FP_STABLE, PO_FP_SADDLE, PO_FP_UNSTABLE, PO_FP_SLOW } po_fp_kind;
const char *po_fp_kind_name(po_fp_kind k); /* "stable", "saddle", "unstable", "slow" */

typedef struct po_fp_opts {
    size_t n_random;      /* random initial states N(0, radius^2 I), 200 */
    double radius;        /* 0.5 */
    const po_mat *starts; /* optional extra initial states (rows, e.g. data points); NULL */
    size_t max_starts;    /* at most this many rows of starts are used (evenly spaced), 200 */
    size_t max_iter;      /* Levenberg-Marquardt iterations per start, 200 */
    double tol;           /* converged when q(x) = |F|^2 / 2 <= tol, 1e-20 */
    double slow_q;        /* unconverged minima with q <= slow_q are kept as slow points, 1e-6 */
    double dedup;         /* two points are the same when |x - y| <= dedup (1 + |x|), 1e-6 */
    uint64_t seed;        /* PO_STREAM_ANALYSIS */
} po_fp_opts;

po_fp_opts po_fp_opts_defaults(void);
const char *po_fp_opts_check(const po_fp_opts *opts);

typedef struct po_fixed_point {
    double *x;            /* n */
    double q;             /* |F(x)|^2 / 2 */
    po_fp_kind kind;      /* by the eigenvalues of J(x): stable if all Re < 0, unstable if all > 0 */
    double *eig_re, *eig_im; /* n eigenvalues of J(x), descending real part */
    size_t hits;          /* number of starts that converged here */
} po_fixed_point;

typedef struct po_fixed_points {
    size_t n;             /* state dimension */
    size_t count;
    po_fixed_point *fp;   /* sorted: stable first, then by |x| */
} po_fixed_points;

void po_fixed_points_free(po_fixed_points *f);

/* Minimise q(x) from every start with Levenberg-Marquardt on the analytic
 * Jacobian, de-duplicate and classify. Deterministic for a seed. */
po_status po_find_fixed_points(const po_network *net, const po_fp_opts *opts,
                               po_fixed_points **out);

/* ---- limit sets of noise-free trajectories -------------------------------- */

typedef enum po_limit_kind {
    PO_LIMIT_FIXED_POINT,
    PO_LIMIT_CYCLE,
    PO_LIMIT_DIVERGED,
    PO_LIMIT_DRIFTING /* neither settled nor periodic within the simulated time */
} po_limit_kind;
const char *po_limit_kind_name(po_limit_kind k); /* "fixed_point", "limit_cycle", "diverged", "drifting" */

typedef struct po_limit_opts {
    size_t n_traj;    /* random initial states N(0, radius^2 I), 15 (SPEC.md §5) */
    double radius;    /* 0.5 */
    size_t steps;     /* Euler steps per trajectory, 20000 */
    double settle_tol;/* a fixed point when |x_{t+1} - x_t| / alpha <= settle_tol over the last
                         tenth of the run, 1e-6 */
    double same_tol;  /* two limit sets are the same when their states/orbits are within
                         same_tol (1 + |x|), 1e-3 */
    double diverge;   /* |x| above this counts as divergence, 1e6 */
    uint64_t seed;    /* PO_STREAM_ANALYSIS, jumped once more than po_fp's */
} po_limit_opts;

po_limit_opts po_limit_opts_defaults(void);
const char *po_limit_opts_check(const po_limit_opts *opts);

typedef struct po_limit_set {
    po_limit_kind kind;
    double *x;        /* n: the fixed point, or the point of the cycle with the largest |x| */
    double period;    /* time units (steps * alpha) for cycles, else 0 */
    double amplitude; /* cycles: max over the orbit of |x - mean orbit|, else 0 */
    size_t hits;      /* trajectories that ended here */
} po_limit_set;

typedef struct po_limit_sets {
    size_t n;
    size_t count;
    po_limit_set *set;
} po_limit_sets;

void po_limit_sets_free(po_limit_sets *s);

/* Simulate n_traj noise-free trajectories and classify and merge their ends. */
po_status po_find_limit_sets(const po_network *net, const po_limit_opts *opts, po_limit_sets **out);

/* ---- teacher vs student report (`partobs compare`) ------------------------ */

typedef struct po_attractor_report {
    size_t n;
    double *eig_re, *eig_im;      /* eigenvalues of W, descending real part */
    double las;
    po_fixed_points *fixed_points;
    po_limit_sets *limit_sets;
    size_t n_stable_fp;           /* stable fixed points */
    size_t n_cycles;              /* distinct limit cycles */
} po_attractor_report;

po_status po_attractor_analyse(const po_network *net, const po_fp_opts *fp, const po_limit_opts *lim,
                               po_attractor_report **out);
void po_attractor_report_free(po_attractor_report *r);

/* A one-line verdict comparing the two reports, e.g. "student has 2 spurious
 * stable fixed points and a spurious limit cycle (period 12.3); teacher has 1
 * stable fixed point (the origin)". Written into buf (NUL-terminated,
 * truncated to size). Returns true when the attractors match. */
bool po_attractor_verdict(const po_attractor_report *teacher, const po_attractor_report *student,
                          char *buf, size_t size);

#ifdef __cplusplus
}
#endif
#endif
