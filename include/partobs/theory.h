/* partobs: the infinite-data (T -> infinity) student of a linear teacher and
 * the subsampling curves built on it (SPEC.md §4.3, §5 "Subsampling curves").
 *
 * The teacher dx = (B - I) x dt + noise has the stationary covariance Sigma
 * solving the continuous Lyapunov equation
 *
 *     (B - I) Sigma + Sigma (B - I)^T = -N_c,   N_c = (1 - c) I + c 11^T
 *
 * (c = 0 by default, so N_c = I; the overall scale of Sigma does not matter
 * to the student). The ridgeless student observing neurons 0..d-1 is
 *
 *     A_inf = (B Sigma)[0:d, 0:d] (Sigma[0:d, 0:d])^{-1},
 *
 * and with a ridge rho (paper form) A_inf = (B Sigma)_dd (Sigma_dd + rho I)^{-1}.
 */
#ifndef PARTOBS_THEORY_H
#define PARTOBS_THEORY_H

#include <stdbool.h>
#include <stddef.h>

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

/* Which solver produced a covariance. */
/* X(enumerator, name) */
#define PO_COV_METHOD_LIST(X)                                                                   \
    X(PO_COV_SCHUR, "schur")         /* general: real Schur form of B - I, triangular Sylvester \
                                        solve */                                                \
    X(PO_COV_SYMMETRIC, "symmetric") /* symmetric B, c = 0: Sigma = (I - B)^{-1} / 2 */         \
    X(PO_COV_CHAIN, "chain")         /* pure superdiagonal chain, c = 0: binomial closed form   \
                                        (by its recurrence) */
typedef enum po_cov_method { PO_COV_METHOD_LIST(PO_ENUM_ENTRY_) } po_cov_method;

const char *po_cov_method_name(po_cov_method m); /* "schur", "symmetric", "chain" */

typedef struct po_cov_opts {
    double noise_corr;  /* c in N_c, 0; must be in [0, 1) */
    bool closed_forms;  /* true: use the symmetric / chain closed forms when B has that
                           exact structure (c = 0 only); false: always the Schur solver */
} po_cov_opts;

po_cov_opts po_cov_opts_defaults(void);
const char *po_cov_opts_check(const po_cov_opts *opts);

/* General continuous Lyapunov solve A X + X A^T = -Q for a square A whose
 * eigenvalues all have negative real part and a symmetric Q (both n x n, not
 * modified); X (n x n, caller-allocated) is returned exactly symmetrised.
 * Bartels-Stewart: real Schur form of A (dgees), then the quasi-triangular
 * Sylvester solve (dtrsyl). PO_EUNSTABLE with the offending eigenvalue if A is
 * not stable (Re >= 0: no stationary covariance exists); PO_ESHAPE,
 * PO_ENONFINITE, PO_ENOMEM, PO_ELINALG. */
po_status po_lyapunov_solve(const po_mat *A, const po_mat *Q, po_mat *X);

/* Stationary covariance of the linear teacher W = B (D x D): the Lyapunov
 * equation above, by the fastest exact method allowed by opts. *used may be
 * NULL. PO_EUNSTABLE (with the eigenvalue) when some eigenvalue of B has
 * Re >= 1, so that B - I is not stable. */
po_status po_stationary_cov(const po_mat *B, const po_cov_opts *opts, po_mat *Sigma,
                            po_cov_method *used);

/* Stationary covariance of the pure chain B = superdiagonal ones, unit noise
 * (SPEC.md §4.3): the closed form
 *   Sigma_ij = sum_{k=max(i,j)}^{D} 2^{-(2k-i-j+1)} C(2k-i-j, k-i)   (1-based),
 * computed exactly in O(D^2) by the recurrence the Lyapunov equation gives
 * entrywise, 2 Sigma_ij = Sigma_{i+1,j} + Sigma_{i,j+1} + delta_ij (entries
 * beyond D are 0). Sigma is D x D. */
po_status po_chain_cov(size_t D, po_mat *Sigma);

/* The leading rows x cols block of the D x D chain covariance (rows, cols <=
 * D) without forming the rest: O(D (rows + cols)) memory, O(D rows cols)
 * time at most. Lets Fig 3b use D = 5000 with d = 25 cheaply. */
po_status po_chain_cov_block(size_t D, size_t rows, size_t cols, po_mat *S);

typedef struct po_theory_opts {
    double rho;         /* ridge added to Sigma_dd, 0 (the code's ridgeless student) */
    bool chain_last_row;/* pure-chain shortcut (SPEC.md §4.3 item 3): the d x d shift with
                           only the last row solved; false */
} po_theory_opts;

po_theory_opts po_theory_opts_defaults(void);
const char *po_theory_opts_check(const po_theory_opts *opts);

/* Infinite-data student A_inf (d x d, caller-allocated) from the teacher B
 * and its stationary covariance Sigma (both D x D), 1 <= d <= D.
 * PO_ESHAPE, PO_ENONFINITE, PO_ELINALG (Sigma_dd + rho I not positive definite). */
po_status po_theory_student(const po_mat *B, const po_mat *Sigma, size_t d,
                            const po_theory_opts *opts, po_mat *A_inf);

/* ---- subsampling curves (SPEC.md §5) -------------------------------------- */

typedef struct po_curves_opts {
    size_t dmin, dmax, step; /* d = dmin, dmin+step, ... <= dmax; 1, 0 (= D), 1 */
    const size_t *d_list;    /* if not NULL: exactly these n_list values of d (increasing,
                                1..D) instead of the range; NULL */
    size_t n_list;
    size_t top_n;            /* eigenvalue real parts and singular values kept per d, 5 */
    bool henrici;            /* also the Henrici index (needs every eigenvalue), false */
    double rho;              /* ridge of the student, 0 */
    po_cov_opts cov;         /* how Sigma is obtained */
    size_t threads;          /* d loop threads: 0 = all online CPUs, 1 = sequential */
    po_progress_fn progress; /* called with d values done of total; NULL = silent */
    void *progress_user;
} po_curves_opts;

po_curves_opts po_curves_opts_defaults(void);
const char *po_curves_opts_check(const po_curves_opts *opts);

/* One teacher's curve: arrays indexed by k = 0 .. n-1 for d[k]. Matrices
 * n x top_n row-major, zero-padded when d < top_n (as the reference does). */
typedef struct po_curves {
    size_t n, top_n;
    size_t *d;
    double *las;         /* line attractor score of A_inf(d); 0 for d = 1 */
    double *top_re;      /* n x top_n: largest real parts of the eigenvalues, descending */
    double *top_sv;      /* n x top_n: largest singular values, descending */
    double *u_overlap;   /* O([u_1(B)]_{1:d}, u_1(A_inf)) */
    double *v_overlap;   /* O([v_1(B)]_{1:d}, v_1(A_inf)) */
    double *henrici;     /* NULL unless opts->henrici */
    po_cov_method cov_method;
} po_curves;

po_curves *po_curves_alloc(size_t n, size_t top_n, bool henrici);
void po_curves_free(po_curves *c);
/* Number of d values the options select for a D x D teacher (0 if none). */
size_t po_curves_count(const po_curves_opts *opts, size_t D);

/* Compute the curve of teacher B. One covariance and one O(D^3) Cholesky
 * factorisation Sigma = L L^T (with L^{-1}) serve every d: the leading block of
 * L is the Cholesky factor of Sigma_dd. (With rho > 0, Sigma_dd + rho I is no
 * leading block of one matrix: each d then gets its own Cholesky.) out must
 * come from po_curves_alloc with n = po_curves_count(opts, D), the same top_n
 * and henrici. The d loop runs on opts->threads threads (inside another
 * partobs parallel loop: on the calling thread); with the BLAS on one thread
 * (po_blas_set_threads, partobs/version.h: the program's setting, never
 * changed here) the result is bit-identical for every thread count. Safe to
 * call from several threads at once. progress is called from the worker
 * threads, one call at a time.
 * PO_EINVAL (options), PO_ESHAPE (B not square, a d > D, out mismatched),
 * PO_ENONFINITE, PO_EUNSTABLE (no stationary covariance), PO_ENOMEM, PO_ELINALG. */
po_status po_curves_compute(const po_mat *B, const po_curves_opts *opts, po_curves *out);

/* Mean and standard error of the mean over k curves with identical d grids:
 * every array of mean and sem (allocated like the inputs) gets the per-entry
 * mean and sample-std / sqrt(k) (sem 0 when k = 1). */
po_status po_curves_mean_sem(const po_curves *const *curves, size_t k, po_curves *mean,
                             po_curves *sem);

#if defined(__GNUC__)
#pragma GCC visibility pop
#endif
#ifdef __cplusplus
}
#endif
#endif
