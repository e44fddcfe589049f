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
/* Exported from the shared library; everything else is built hidden. */
#if defined(__GNUC__)
#pragma GCC visibility push(default)
#endif

/* A network to analyse: W is borrowed (n x n) and must outlive every call. */
typedef struct po_network {
    const po_mat *W;
    po_phi phi;
    po_leaky leaky;
    double alpha; /* Euler step used for trajectories, 0.01 */
} po_network;

/* F(x) (length n) and, when J is not NULL, the Jacobian J (n x n). The
 * network is not validated here (see po_find_fixed_points); if the small
 * workspace cannot be allocated, f is filled with NaN. */
void po_network_flow(const po_network *net, const double *x, double *f, po_mat *J);

/* ---- fixed and slow points ------------------------------------------------ */

/* X(enumerator, name) */
#define PO_FP_KIND_LIST(X)                                                                      \
    X(PO_FP_STABLE, "stable") X(PO_FP_SADDLE, "saddle") X(PO_FP_UNSTABLE, "unstable")           \
    X(PO_FP_SLOW, "slow")
typedef enum po_fp_kind { PO_FP_KIND_LIST(PO_ENUM_ENTRY_) } po_fp_kind;
const char *po_fp_kind_name(po_fp_kind k); /* "stable", "saddle", "unstable", "slow" */

/* Cost and the low-rank reduction. The numerical rank r of W (singular
 * values above 1e-10 s_1) is found once by an SVD. When 1 <= r <= n/4 (the
 * low-rank teachers of SPEC.md §2), every fixed point lies in range(W)
 * (leaky-current: x = W phi(x); leaky-rate: y = W x* satisfies
 * y = W phi(y)), so Newton runs on the r coordinates c of that range,
 * c = U^T W phi(U c), and the n eigenvalues of the Jacobian are -1 + those of
 * an r x r matrix plus -1 repeated n - r times. Otherwise Newton runs on the
 * full n-dimensional flow (one n x n LU per iteration), and the number of
 * random starts is scaled down for large problems: n_random for a problem of
 * dimension m <= PO_FP_FULL_N, else n_random (PO_FP_FULL_N / m)^2 but at
 * least min(n_random, PO_FP_MIN_RANDOM) (po_fp_random_starts). Extra starts
 * from data or trajectories (po_attractor_analyse supplies the latter) are
 * what finds the attractors of large networks. */
#define PO_FP_FULL_N 100
#define PO_FP_MIN_RANDOM 16

typedef struct po_fp_opts {
    size_t n_random;      /* random initial states N(0, radius^2 I), 200 (see above for large n) */
    double radius;        /* 0.5 */
    const po_mat *starts; /* optional extra initial states (rows, e.g. data points); NULL */
    size_t max_starts;    /* at most this many rows of starts are used (evenly spaced), 200 */
    size_t max_iter;      /* Levenberg-Marquardt iterations per start, 200 */
    double tol;           /* converged when q = |G|^2 / 2 <= tol (1 + |z|^2), 1e-20, where G is
                             the flow (z = x) or the reduced problem (z = c) */
    double slow_q;        /* unconverged minima with q <= slow_q are kept as slow points, 1e-6 */
    double dedup;         /* two points are the same when |x - y| <= dedup (1 + |x|), 1e-6 */
    uint64_t seed;        /* PO_STREAM_ANALYSIS */
} po_fp_opts;

po_fp_opts po_fp_opts_defaults(void);
const char *po_fp_opts_check(const po_fp_opts *opts);

/* Random starts used for a search problem of dimension m (the rank r when the
 * low-rank reduction applies, else n); see above. */
size_t po_fp_random_starts(const po_fp_opts *opts, size_t m);

typedef struct po_fixed_point {
    double *x;            /* n */
    double q;             /* |F(x)|^2 / 2 */
    po_fp_kind kind;      /* by the eigenvalues of J(x): stable if all Re < 0, unstable if all > 0 */
    double *eig_re, *eig_im; /* n eigenvalues of J(x), descending real part */
    size_t hits;          /* number of starts that converged here; 0 for a point added as the
                             mirror -x of a found one (phi is odd, so fixed points come in
                             pairs +-x with the same Jacobian) */
    double norm_x;        /* |x| */
    bool converged;       /* false for slow points */
} po_fixed_point;

typedef struct po_fixed_points {
    size_t n;             /* state dimension */
    size_t count;
    po_fixed_point *fp;   /* sorted: stable first, then by |x| */
} po_fixed_points;

void po_fixed_points_free(po_fixed_points *f);

/* Minimise q(x) = |F(x)|^2 / 2 from every start (random ones first, then the
 * rows of opts->starts): each iteration tries the Newton step J dx = -F (LU)
 * and up to three halvings of it, and when none lowers q takes
 * Levenberg-Marquardt steps (J^T J + mu I) dx = -J^T F with mu raised tenfold
 * until q falls, all on the analytic Jacobian (or the reduced problem, see
 * above). A start that has not halved q in 5 iterations is abandoned; a start
 * within 1e-4 (1 + |x|) of a point already found counts as a hit for it.
 * Points are de-duplicated (dedup), mirrored (-x, see hits) and classified
 * by the eigenvalues of J. Deterministic for a seed. Errors: PO_EINVAL (NULL
 * network or output, options, alpha outside (0, 1]), PO_ESHAPE (W not square
 * or empty, starts with another number of columns), PO_ENONFINITE (W or
 * starts), PO_ENOMEM, PO_ELINALG. */
po_status po_find_fixed_points(const po_network *net, const po_fp_opts *opts,
                               po_fixed_points **out);

/* ---- limit sets of noise-free trajectories -------------------------------- */

/* X(enumerator, name) */
#define PO_LIMIT_KIND_LIST(X)                                                                   \
    X(PO_LIMIT_FIXED_POINT, "fixed_point")                                                      \
    X(PO_LIMIT_CYCLE, "limit_cycle")                                                            \
    X(PO_LIMIT_DIVERGED, "diverged")                                                            \
    X(PO_LIMIT_DRIFTING, "drifting") /* neither settled nor periodic within the simulated time */
typedef enum po_limit_kind { PO_LIMIT_KIND_LIST(PO_ENUM_ENTRY_) } po_limit_kind;
const char *po_limit_kind_name(po_limit_kind k); /* "fixed_point", "limit_cycle", "diverged", "drifting" */

typedef struct po_limit_opts {
    size_t n_traj;    /* random initial states N(0, radius^2 I), 15 (SPEC.md §5) */
    double radius;    /* 0.5 */
    size_t steps;     /* Euler steps per trajectory, 20000 */
    double settle_tol;/* settled on a fixed point when the final speed
                         |x_{t+1} - x_t| / alpha = |F(x)| <= settle_tol (1 + |x|), 1e-6 */
    double same_tol;  /* two limit sets are the same when their states/orbits are within
                         same_tol (1 + |x|), 1e-3 */
    double diverge;   /* |x| above this counts as divergence, 1e6 */
    double cycle_tol; /* a limit cycle when two returns to the Poincare section are within
                         cycle_tol times the orbit amplitude, 1e-2 */
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
    po_mat *orbit;    /* cycles: one period of states (rows, every stored sample), else NULL */
} po_limit_set;

typedef struct po_limit_sets {
    size_t n;
    size_t count;
    po_limit_set *set;
} po_limit_sets;

void po_limit_sets_free(po_limit_sets *s);

/* Simulate n_traj noise-free Euler trajectories (step net->alpha) from
 * x0 ~ N(0, radius^2 I), all together (one n_traj x n by n x n product per
 * step, or O(n r) per state through the factors of a low-rank W), keep the
 * second half of the run (at most 1000 states each) and classify each end:
 *   diverged     |x| > diverge (or not finite) at some time;
 *   fixed point  final speed <= settle_tol (1 + |x|), or a slow approach to
 *                a stable fixed point (Newton from the end converges to a
 *                stable point and the distance to it shrinks over the kept
 *                window: slow foci with eigenvalues just below Re = 1);
 *                x is the fixed point polished by Newton;
 *   limit cycle  two returns to a Poincare section (through the mean of the
 *                kept states, normal to their dominant direction of
 *                variation) within cycle_tol times the amplitude; the period
 *                is the time between them (so periods up to about a quarter
 *                of the run are detected; period-k orbits up to k = 4);
 *   drifting     none of these.
 * Fixed points within same_tol (1 + |x|) and cycles with periods within 5%
 * whose orbits pass within tolerance of each other are merged (hits counts
 * the trajectories); the mirror -x(t) of a cycle (phi is odd) is added with
 * hits 0 unless it is the same cycle; all diverged trajectories form one
 * entry, and all drifting ones another. Sets come sorted: fixed points, cycles, diverged,
 * drifting, each by hits. Deterministic for a seed. Errors as
 * po_find_fixed_points (no starts). */
po_status po_find_limit_sets(const po_network *net, const po_limit_opts *opts, po_limit_sets **out);

/* ---- teacher vs student report (`partobs compare`) ------------------------ */

typedef struct po_attractor_report {
    size_t n;
    size_t rank;                  /* numerical rank of W (singular values > 1e-10 s_1) */
    double *eig_re, *eig_im;      /* eigenvalues of W, descending real part */
    double las;
    po_fixed_points *fixed_points;
    po_limit_sets *limit_sets;
    size_t n_stable_fp;           /* stable fixed points */
    size_t n_cycles;              /* distinct limit cycles */
} po_attractor_report;

/* Eigenvalues and LAS of W (SPEC.md §5), the limit sets of po_find_limit_sets
 * and the fixed points of po_find_fixed_points, whose starts are the random
 * ones, the rows of fp->starts, and states along every limit-set trajectory
 * (after 100, 400, 1600, ... steps and at the end), so that every attractor the
 * trajectories reach is found as a fixed point too. fp or lim NULL: the
 * defaults. Errors: PO_ESHAPE / PO_ENONFINITE for W, PO_EINVAL for options,
 * PO_ENOMEM, PO_ELINALG. */
po_status po_attractor_analyse(const po_network *net, const po_fp_opts *fp, const po_limit_opts *lim,
                               po_attractor_report **out);
void po_attractor_report_free(po_attractor_report *r);

/* Teacher vs student, restricted to the first `obs` coordinates of both (the
 * observed neurons, SPEC.md §3; a student may have hidden units after them).
 * Compared are the stable fixed points (from the fixed-point search) and the
 * limit cycles (from the limit sets). A teacher attractor a and a student
 * attractor b (observed parts) match when
 *   fixed points: |a - b| <= PO_ATT_MATCH_RTOL max(|a|, |b|) + atol,
 *   cycles:       periods within PO_ATT_PERIOD_RTOL, orbit means within the
 *                 fixed-point tolerance (with the amplitudes in the scale),
 *                 amplitudes within 50% (+ atol),
 * with atol = PO_ATT_MATCH_ATOL sqrt(obs) (an RMS of 0.1 per neuron: tanh
 * saturates at |x| ~ 1, and fits are not exact). Pairs are matched greedily
 * by distance. */
#define PO_ATT_MATCH_RTOL 0.25
#define PO_ATT_MATCH_ATOL 0.1
#define PO_ATT_PERIOD_RTOL 0.25

typedef struct po_attractor_comparison {
    size_t obs;
    size_t teacher_stable, student_stable;   /* stable fixed points */
    size_t matched_fp, spurious_fp, missed_fp;
    size_t teacher_cycles, student_cycles;
    size_t matched_cycles, spurious_cycles, missed_cycles;
    size_t teacher_re_gt1, student_re_gt1;   /* eigenvalues of W with Re > 1 */
    size_t teacher_drifting, student_drifting; /* trajectories neither settled nor periodic */
    bool match;                              /* no spurious and no missed attractor */
} po_attractor_comparison;

/* Compare and write the one-line verdict (as po_attractor_verdict) into buf
 * (NUL-terminated, truncated to size; buf may be NULL when size is 0).
 * PO_EINVAL if a report is NULL or obs is 0 or larger than either n. */
po_status po_attractor_compare(const po_attractor_report *teacher,
                               const po_attractor_report *student, size_t obs,
                               po_attractor_comparison *cmp, char *buf, size_t size);

/* A one-line verdict comparing the two reports, e.g. "student has 2 spurious
 * stable fixed points and a spurious limit cycle (period 12.3); teacher has 1
 * stable fixed point (the origin)". Written into buf (NUL-terminated,
 * truncated to size). Returns true when the attractors match. Uses
 * obs = min(teacher n, student n) (po_attractor_compare for another obs). */
bool po_attractor_verdict(const po_attractor_report *teacher, const po_attractor_report *student,
                          char *buf, size_t size);

#if defined(__GNUC__)
#pragma GCC visibility pop
#endif
#ifdef __cplusplus
}
#endif
#endif
