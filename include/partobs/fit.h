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

typedef struct po_ridge_opts {
    po_phi phi;       /* linear */
    po_leaky leaky;   /* current */
    double alpha;     /* 0.01 */
    double rho;       /* 0.001, on unnormalised sums (SPEC.md §4.1) */
    size_t burn_in;   /* leading rows of Y to drop before fitting (0, SPEC.md §1.4) */
    size_t block;     /* rows of Y per accumulation block; 0 = automatic (0). Changes
                         only rounding, never the result beyond it. */
    po_progress_fn progress; /* called after each chunk of blocks with transitions done of
                                total, from the fit's threads one call at a time; NULL = silent */
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

/* ---- gradient descent on the MAP loss (SPEC.md §4.4) ----------------------- */

typedef struct po_gd_opts {
    po_phi phi;       /* linear */
    double alpha;     /* 0.01 */
    double rho;       /* 0 (the reference default: unregularised least squares) */
    double lr;        /* learning rate, 1e-2, > 0 */
    size_t iters;     /* 10000 */
    const po_mat *init; /* initial W (d x d, finite); NULL = 0 (SPEC.md §4.4) */
    po_progress_fn progress; /* iterations done of total; NULL = silent */
    void *progress_user;
} po_gd_opts;

po_gd_opts po_gd_opts_defaults(void);
const char *po_gd_opts_check(const po_gd_opts *opts);

typedef struct po_gd_info {
    size_t iters;     /* iterations run */
    double loss;      /* final ||X+ - (1-alpha) X - alpha W Phi||_F^2 + rho ||W||_F^2 */
    double grad_norm; /* final ||G||_F */
} po_gd_info;

/* W_hat_0 = opts->init (0 when NULL), then iters steps W <- W - lr G with
 * G = alpha ((1-alpha) X + alpha W Phi - X+) Phi^T + rho W (SPEC.md §4.4).
 * PO_EDIVERGED (naming the iteration and the last finite loss) if the loss
 * becomes non-finite; PO_ESHAPE / PO_ENONFINITE for init not d x d or not
 * finite. Other errors as po_fit_ridge. info may be NULL. */
po_status po_fit_gd(const po_mat *Y, const po_gd_opts *opts, po_mat *W_hat, po_gd_info *info);

/* ---- CORNN (Dinc et al. 2023; SPEC.md §4.5) -------------------------------- */

/* X(enumerator, name) */
#define PO_CORNN_SOLVER_LIST(X)                                                                 \
    X(PO_CORNN_WEIGHTED, "weighted") /* E / (1 - delta^2), outliers |E| > threshold zeroed,     \
                                        column reweighted */                                    \
    X(PO_CORNN_STANDARD, "standard") /* E = delta - tanh(x theta) */                            \
    X(PO_CORNN_ROBUST, "robust")     /* weighted, |E| clipped at threshold instead of zeroed */
typedef enum po_cornn_solver { PO_CORNN_SOLVER_LIST(PO_ENUM_ENTRY_) } po_cornn_solver;

const char *po_cornn_solver_name(po_cornn_solver s); /* "weighted", "standard", "robust" */
po_status po_cornn_solver_from_name(const char *name, po_cornn_solver *s);

typedef struct po_cornn_opts {
    double alpha;            /* 0.01 */
    double l2;               /* 1e-5; the ridge is lambda = l2 * (number of transitions) */
    double threshold;        /* 1.0, > 0 */
    size_t iters;            /* 1000 */
    po_cornn_solver solver;  /* weighted */
    size_t subsample;        /* use every k-th transition, 1 */
    size_t threads;          /* 0 = automatic (2 when 2+ CPUs are online), 1 or 2; every
                                count gives the same bits (per-block partial sums) */
    const po_mat *init;      /* initial W (d x d, finite) in place of the fixed-point start
                                theta = H^-1 x^T artanh(delta); W_in (with inputs) still starts
                                there; NULL = that start for W too */
    po_progress_fn progress; /* iterations done of total; NULL = silent */
    void *progress_user;
} po_cornn_opts;

po_cornn_opts po_cornn_opts_defaults(void);
const char *po_cornn_opts_check(const po_cornn_opts *opts);

typedef struct po_cornn_info {
    size_t samples;   /* transitions used */
    size_t clipped;   /* targets delta clipped to +-(1 - 1e-6) */
    double loss;      /* final ||delta - tanh(x theta)||_F^2 */
} po_cornn_info;

/* Leaky-rate tanh student x <- x + alpha (tanh(W x + W_in u) - x) fitted to Y
 * (T x d) by CORNN. U (T x m, the inputs at the same rows as Y) may be NULL;
 * then W_in must be NULL too, else W_in is d x m. W_hat is d x d. info may be NULL.
 * Memory: about 3 T d doubles (targets, weights, and a copy of the regressors
 * when subsampling or with inputs). Errors: PO_EINVAL (NULL, options, U
 * without W_in), PO_ESHAPE (also init not d x d), PO_ENONFINITE (Y, U or
 * init), PO_ESINGULAR (x^T x +
 * lambda I below rcond 1e-13), PO_EDIVERGED (non-finite weights, naming the
 * iteration), PO_ENOMEM. */
po_status po_fit_cornn(const po_mat *Y, const po_mat *U, const po_cornn_opts *opts,
                       po_mat *W_hat, po_mat *W_in, po_cornn_info *info);

/* ---- FORCE / recursive least squares (SPEC.md §4.6) ------------------------ */

typedef struct po_force_opts {
    double alpha;       /* Euler step dt of the model, 0.01 (= alpha of the data; the
                           CLI's --alpha); the model step is alpha / tau */
    double tau;         /* model time constant, 1 */
    double g;           /* J_0 = g N(0,1)/sqrt(d), 1.5 (unused with init) */
    double p0;          /* P = p0 I, 0.01, > 0 */
    size_t passes;      /* training passes over the window, 1000 */
    size_t free_passes; /* untrained evaluation passes afterwards, 0 */
    size_t t0, t1;      /* observation window rows [t0, t1); t1 = 0 means T */
    uint64_t seed;      /* J_0 from the PO_STREAM_FIT stream of this seed */
    const po_mat *init; /* J_0 itself (d x d, finite), e.g. to continue a fit; NULL = drawn */
    po_progress_fn progress; /* passes done of total; NULL = silent */
    void *progress_user;
} po_force_opts;

po_force_opts po_force_opts_defaults(void);
const char *po_force_opts_check(const po_force_opts *opts);

typedef struct po_force_info {
    size_t passes;      /* passes run (training + free) */
    double chi2;        /* sum over the last pass of mean(err^2) */
    double pvar;        /* pVar of the last pass */
    double *pvar_trace; /* optional, caller-owned, passes + free_passes entries; NULL = not kept.
                           An input: set it (or zero the struct) before the call */
} po_force_info;

/* FORCE-train a tanh network J (d x d) on the window of Y (T x d). W_hat = J,
 * to be simulated as a leaky-current tanh network. PO_EDIVERGED names the pass
 * and the last finite chi^2 if training blows up (non-finite chi^2 or J after
 * a pass); W_hat is written only on success. PO_EINVAL for invalid options or
 * a window outside Y (t0 + 2 <= t1 <= T), PO_ENONFINITE for NaN/Inf inside the
 * window (rows outside it are never read) or in init, PO_ESHAPE for init not
 * d x d. info may be NULL. */
po_status po_fit_force(const po_mat *Y, const po_force_opts *opts, po_mat *W_hat,
                       po_force_info *info);

/* ---- BPTT with generalized teacher forcing (SPEC.md §4.7) ------------------ */

#define PO_OPTIMIZER_LIST(X) X(PO_OPT_SGD, "sgd") X(PO_OPT_ADAM, "adam") /* X(enumerator, name) */
typedef enum po_optimizer { PO_OPTIMIZER_LIST(PO_ENUM_ENTRY_) } po_optimizer;
const char *po_optimizer_name(po_optimizer o);                    /* "sgd", "adam" */
po_status po_optimizer_from_name(const char *name, po_optimizer *o);

typedef struct po_bptt_opts {
    double alpha;        /* 0.01 */
    size_t hidden;       /* unobserved units H, 0 */
    size_t seq_len;      /* sequence length: rows per training window, 500; windows
                            start every seq_len / 2 rows (the CLI's --seq-len) */
    size_t batch;        /* windows per mini-batch, 16 */
    size_t epochs;       /* 100 (paper) */
    po_optimizer optimizer; /* sgd */
    double lr;           /* 0.01, > 0 */
    double momentum;     /* SGD momentum 0.9, in [0, 1) */
    double beta1, beta2, eps; /* Adam 0.9, 0.999, 1e-8 */
    double beta;         /* forcing probability per step, 0.5, in [0, 1] */
    double init_scale;   /* W ~ N(0,1) init_scale / sqrt(d + H), 0.1 */
    bool reference_shift;/* reproduce the reference code's one-step misalignment, false */
    size_t t0, t1;       /* rows of Y used [t0, t1); t1 = 0 means T */
    uint64_t seed;       /* init, shuffles and forcing coins: PO_STREAM_FIT */
    const po_mat *init;  /* initial W ((d+H) x (d+H), finite, observed units first);
                            NULL = drawn as below */
    po_progress_fn progress; /* epochs done of total; NULL = silent */
    void *progress_user;
} po_bptt_opts;

po_bptt_opts po_bptt_opts_defaults(void);
const char *po_bptt_opts_check(const po_bptt_opts *opts);

typedef struct po_bptt_info {
    size_t windows;      /* windows per epoch */
    size_t epochs;       /* epochs run */
    double loss_first;   /* summed loss of the first epoch */
    double loss_last;    /* summed loss of the last epoch */
    double *loss_trace;  /* optional, caller-owned, epochs entries; NULL = not kept */
} po_bptt_info;

/* Train x <- x + alpha(-x + W tanh(x)) with d observed and H hidden units on Y
 * (T x d) by BPTT with generalized teacher forcing; loss = sum over batch,
 * observed units and time of (tanh(x_hat) - tanh(y))^2. W_hat is
 * (d+H) x (d+H), observed units first. PO_EDIVERGED (naming the epoch and the
 * last finite loss) on a non-finite loss or weights. info may be NULL.
 *
 * Details (SPEC.md §4.7; docs/methods.md "BPTT"):
 * - Windows: po_bptt_windows(t1 - t0, seq_len) windows of `seq_len` rows,
 *   starting at rows t0 + k * floor(seq_len / 2); shuffled every epoch and cut
 *   into mini-batches of `batch` (the last one may be smaller); one optimizer
 *   step per mini-batch; the gradient is summed over the mini-batch.
 * - In a window with rows y_0 .. y_{w-1}: z_0 = [y_0; 0 (hidden)], and step k
 *   maps z_k to z_{k+1} = (1 - alpha) u_k + alpha W tanh(u_k), where u_k is
 *   z_k with its observed part replaced by y_k when step k is forced (one coin
 *   u < beta per step k >= 1 for the whole mini-batch). The loss compares
 *   z_j with y_j for j = 1 .. w-1 (w - 1 steps).
 * - reference_shift: reproduces the reference script's off-by-one. It takes
 *   one more step (w steps, the last one forced with y_{w-1} like the others)
 *   and compares z_{j+1} with y_j for j = 1 .. w-1: each prediction is scored
 *   against the data one step EARLIER than the time it predicts, so the
 *   student learns F(y_t) ~ y_t rather than ~ y_{t+1} where it is forced.
 * - Random draws (PO_STREAM_FIT of seed), in order: W, (d+H)^2 normals row
 *   by row times init_scale / sqrt(d+H) (drawn and discarded when init is
 *   given, so that the shuffles and coins are the same); then per epoch a Fisher-Yates
 *   shuffle of the windows and, per mini-batch, seq_len - 1 coins
 *   (po_rng_uniform() < beta), coin k - 1 for step k (with the aligned loss
 *   the last coin is drawn but unused).
 * Errors: PO_EINVAL (NULL argument, invalid options, t1 > T, seq_len longer
 * than the rows t0:t1), PO_ESHAPE (empty Y, W_hat or init not (d+H) x (d+H)),
 * PO_ENONFINITE (NaN/Inf in the used rows of Y or in init), PO_ENOMEM,
 * PO_EDIVERGED. */
po_status po_fit_bptt(const po_mat *Y, const po_bptt_opts *opts, po_mat *W_hat,
                      po_bptt_info *info);

/* Number of training windows in `rows` rows: max(1, floor(2 rows / window) - 2),
 * as in the reference script (118 for rows = 30000, window = 500); 0 if
 * window < 2 or rows < window. */
size_t po_bptt_windows(size_t rows, size_t window);

/* Loss of one window and its exact gradient dLoss/dW (for tests against
 * finite differences): rows [start, start + seq_len) of Y (absolute
 * rows; opts->t0, t1, batch, epochs and the optimizer are ignored), forcing
 * pattern force[k - 1] for step k (seq_len - 1 entries, 0/1, as in
 * po_fit_bptt; NULL = never forced), W (d+H) x (d+H); grad the same shape.
 * opts->reference_shift selects the loss as in po_fit_bptt.
 * Errors: PO_EINVAL (NULL argument, invalid options, window outside Y),
 * PO_ESHAPE, PO_ENONFINITE (Y rows or W), PO_ENOMEM. */
po_status po_bptt_window_grad(const po_mat *Y, const po_bptt_opts *opts, const po_mat *W,
                              size_t start, const unsigned char *force, double *loss,
                              po_mat *grad);


/* ---- latent linear dynamical system by Kalman EM (SPEC.md §4.8) ----------- */

/* Model, rows t = 0 .. T-1 of Y (T x d) and of the inputs U (T x m, optional):
 *   x_0 ~ N(mu0, Sigma0),
 *   x_t = A x_{t-1} + V u_t + b + w_t,   w_t ~ N(0, diag(q))     (t >= 1)
 *   y_t = C x_t + F u_t + d + v_t,       v_t ~ N(0, diag(r))
 * with K latents. The continuous-time dynamics matrix is
 * A_cont = (A - (1 - alpha) I) / alpha (SPEC.md §4.8), read like any
 * connectivity: time constants 1/|1 - Re lambda|, LAS = log2(tau_1/tau_2). */

/* X(enumerator, name) */
#define PO_LDS_EMISSIONS_LIST(X)                                                                \
    X(PO_LDS_FREE, "free")              /* C unconstrained */                                   \
    X(PO_LDS_ORTHONORMAL, "orthonormal") /* C^T C = I_K, as ssm's "gaussian_orthog" (the paper) */
typedef enum po_lds_emissions { PO_LDS_EMISSIONS_LIST(PO_ENUM_ENTRY_) } po_lds_emissions;
const char *po_lds_emissions_name(po_lds_emissions e); /* "free", "orthonormal" */
po_status po_lds_emissions_from_name(const char *name, po_lds_emissions *e);

/* X(enumerator, name) */
#define PO_LDS_INIT_LIST(X)                                                                     \
    X(PO_LDS_INIT_PCA, "pca")       /* C = the top-K principal directions of the input-free     \
                                       residual */                                              \
    X(PO_LDS_INIT_RANDOM, "random") /* C = K Haar-random orthonormal columns (PO_STREAM_FIT of  \
                                       seed) */
typedef enum po_lds_init { PO_LDS_INIT_LIST(PO_ENUM_ENTRY_) } po_lds_init;
const char *po_lds_init_name(po_lds_init i); /* "pca", "random" */
po_status po_lds_init_from_name(const char *name, po_lds_init *i);

/* X(enumerator, name) */
#define PO_LDS_PROCEDURE_LIST(X)                                                                \
    X(PO_LDS_EXACT, "exact") /* maximum-likelihood Kalman EM (below) */                         \
    X(PO_LDS_PAPER, "paper") /* the paper's: ssm's Laplace-EM with one discrete state (below) */
typedef enum po_lds_procedure { PO_LDS_PROCEDURE_LIST(PO_ENUM_ENTRY_) } po_lds_procedure;
const char *po_lds_procedure_name(po_lds_procedure p); /* "exact", "paper" */
po_status po_lds_procedure_from_name(const char *name, po_lds_procedure *p);

typedef struct po_lds_opts {
    po_lds_procedure procedure; /* exact */
    size_t latents;             /* K, 5; 1 <= K <= d */
    po_lds_emissions emissions; /* orthonormal (the paper's model) */
    po_lds_init init;           /* pca */
    size_t iters;               /* EM iterations, 200 (SPEC.md §4.8) */
    double tol;                 /* exact only (must be 0 with paper): stop early once an
                                   iteration gains less than tol * |log-likelihood|;
                                   0 = run all iterations (0) */
    size_t stiefel_iters;       /* exact, orthonormal C: majorize-minimize steps per M-step, 100 */
    size_t emission_iters;      /* paper: L-BFGS iterations per emission update, 100 (ssm's) */
    double alpha;               /* dt / tau for A_cont, 0.01 */
    uint64_t seed;              /* PO_DEFAULT_SEED; used by init = random and by the
                                   paper's posterior samples (PO_STREAM_FIT) */
    po_progress_fn progress;    /* EM iterations done of total; NULL = silent */
    void *progress_user;
} po_lds_opts;

po_lds_opts po_lds_opts_defaults(void);
const char *po_lds_opts_check(const po_lds_opts *opts);

/* Fitted parameters. m = 0 (no inputs): V and F are NULL. */
typedef struct po_lds {
    size_t K, d, m;
    po_mat *A;      /* K x K */
    po_mat *V;      /* K x m or NULL */
    double *b;      /* K */
    double *q;      /* K: diagonal of Q */
    po_mat *C;      /* d x K */
    po_mat *F;      /* d x m or NULL */
    double *offset; /* d: the emission offset d of the model */
    double *r;      /* d: diagonal of R */
    double *mu0;    /* K */
    po_mat *Sigma0; /* K x K */
} po_lds;

/* Zero-filled parameters; NULL if memory is short. po_lds_free accepts NULL. */
po_lds *po_lds_alloc(size_t K, size_t d, size_t m);
void po_lds_free(po_lds *lds);

/* A_cont (K x K, allocated by the caller) = (A - (1 - alpha) I) / alpha.
 * PO_ESHAPE, PO_EINVAL (alpha not in (0, 1]). */
po_status po_lds_continuous(const po_lds *lds, double alpha, po_mat *A_cont);

typedef struct po_lds_info {
    size_t iters;         /* EM iterations run */
    bool converged;       /* stopped early by tol */
    double loglik;        /* log-likelihood of the returned parameters */
    double *loglik_trace; /* optional, caller-owned, iters + 1 entries: entry k is the
                             log-likelihood after k iterations (entry 0: the initial
                             parameters); NULL = not kept. Set it (or zero the struct)
                             before the call */
    double *elbo_trace;   /* paper only, optional, caller-owned, iters + 1 entries: ssm's
                             ELBO, entry 0 at the initial parameters, entry k after k
                             iterations; NULL = not kept (an input, like loglik_trace) */
} po_lds_info;

/* Fit an LDS to Y (T x d) with optional inputs U (T x m, NULL = none) by EM,
 * exact (procedure = exact, the default) or the paper's (procedure = paper).
 *
 * ---- procedure = exact: maximum-likelihood Kalman EM ----
 * Initialisation (deterministic for init = pca; docs/methods.md "LDS"):
 *  1. [F d] = least squares of Y on [U 1] (d = the column means without U);
 *     E = Y - U F^T - 1 d^T.
 *  2. C = the K leading right singular vectors of E (pca; sign: the entry of
 *     largest magnitude positive) or Haar-random orthonormal columns
 *     (random); latents Z = E C.
 *  3. r_i = mean over t of (E - Z C^T)_ti^2, floored at 1e-4 var(y_i)
 *     (variances here divide by T).
 *  4. [A V b] = least squares of z_t on [z_{t-1}; u_t; 1] (t = 1 .. T-1);
 *     q = mean squared residuals, floored at 1e-4 var(z_k).
 *  5. mu0 = z_0; Sigma0 = the sample covariance of Z (divided by T - 1).
 *     Sigma0 stays fixed;
 *     everything else is re-estimated.
 * E-step: Kalman filter in information form (Sigma_post = L (I + L^T J L)^{-1} L^T
 * with Sigma_pred = L L^T and J = C^T R^{-1} C, symmetric positive definite by
 * construction) and the Rauch-Tung-Striebel smoother; the covariance
 * recursions do not depend on the data and are reused once they stop changing.
 * Log-likelihood = sum_t log N(y_t; C x_{t|t-1} + F u_t + d, S_t).
 * M-step: closed form for [A V b], q, mu0 and, with free C, [C F d] and r;
 * with orthonormal C: [F d] by least squares given the current C, then C by
 * majorize-minimize on the Stiefel manifold starting from the current C and
 * weighted by the current r (each step the polar factor of
 * L C - R^{-1} C P + R^{-1} M with P = sum_t E[x_t x_t^T],
 * M = sum_t (y_t - F u_t - d) E[x_t]^T, L = max_i(1/r_i) lambda_max(P),
 * which cannot increase the weighted residual; stiefel_iters steps, or fewer
 * once no entry of C moves by more than 1e-14), then r. Every step of the M-step maximises the expected complete-data
 * log-likelihood over its block, so the log-likelihood never decreases.
 *
 * ---- procedure = paper: ssm's Laplace-EM with K = 1 (SPEC.md §4.8) ----
 * Initialisation (ssm's `initialize`):
 *  1. F = least squares of Y on U without intercept (F absent without U);
 *     E = Y - U F^T; d = the column means of E.
 *  2. C = the K leading right singular vectors of E - 1 d^T (pca, signs as
 *     above) or Haar-random orthonormal columns (random); Z = (E - 1 d^T) C.
 *  3. r_i = the isotropic PCA noise variance, sum_t sum_i (E - 1 d^T - Z C^T)_ti^2
 *     / ((T - 1) (min(T, d) - K)) for every i (scikit-learn's noise_variance_),
 *     floored at 1e-4 var(y_i) (and equal to that floor when K = min(T, d)).
 *  4. Dynamics: ssm runs 50 EM iterations of a one-state AR-HMM on Z; with
 *     one state its E-step weights every step by 1 and its M-step is the
 *     least squares of step 4 of the exact procedure, so all 50 give that
 *     one regression, which is what is computed. 5. as the exact procedure.
 * Each of the `iters` iterations, given the current parameters:
 *  a. the exact posterior of the latents (the Kalman filter and RTS smoother
 *     above; ssm's Laplace approximation is exact for this model);
 *  b. one draw of the latents from that posterior by forward filtering,
 *     backward sampling (PO_STREAM_FIT of seed);
 *  c. the dynamics M-step in closed form, as the exact procedure's;
 *  d. the emission update: C (orthonormal: C = Q0 Cay(B)[:, :K] with
 *     Q0 = [C_current, an orthonormal complement], Cay(B) = (I + B)^{-1}(I - B)
 *     for a skew-symmetric B zero in its lower-right (d-K) x (d-K) block, B = 0
 *     at the start; free: C itself), F, d and log r by L-BFGS
 *     (emission_iters iterations at most, scipy's stopping rules) on ssm's
 *     objective, the negative mean emission log-density of the draw
 *     -(1/T) sum_t log N(y_t; C x_t + F u_t + d, diag r);
 *  e. ELBO (ssm's `_laplace_em_elbo`) = log p(Y, x'; new parameters) + the
 *     entropy of the posterior of step a, x' a second draw from it.
 * Entry 0 of the ELBO trace uses the initial parameters and their posterior.
 * The log-likelihood trace holds the exact log p(Y) of each iterate; it is
 * not monotone. Draws per iteration: the emission draw, then the ELBO's
 * (entry 0 draws one before iteration 1); T K normals each, t = T-1 first.
 * Differences from ssm, all documented in docs/methods.md: Sigma0 as the
 * exact procedure's (ssm's AR initial covariance is not re-estimated the
 * same way); the Cayley chart is re-centred at the current C each update
 * (ssm keeps one global chart); the intercept of step 1 is the mean.
 *
 * *out is the fitted model (free with po_lds_free). info may be NULL.
 * Errors: PO_EINVAL (NULL argument, invalid options (tol > 0 with paper),
 * latents > d: "latents (K)
 * exceed the observed dimension d"), PO_ESHAPE (T < 2, U rows != T),
 * PO_ENONFINITE (NaN/Inf in Y or U), PO_ESINGULAR (a constant channel of Y,
 * inputs [U 1] that are collinear, e.g. a constant input column, or an observation noise variance that collapses to 0 during EM: the
 * innovation covariance is singular; names the channel and iteration),
 * PO_EDIVERGED (non-finite log-likelihood, naming the iteration),
 * PO_ENOMEM, PO_ELINALG. */
po_status po_fit_lds(const po_mat *Y, const po_mat *U, const po_lds_opts *opts, po_lds **out,
                     po_lds_info *info);

/* Run the Kalman filter and RTS smoother of `lds` on Y (and U, NULL if
 * lds->m = 0): Xhat (T x K, or NULL) = the smoothed means E[x_t | Y];
 * loglik (or NULL) = log p(Y). Errors as po_fit_lds. */
po_status po_lds_smooth(const po_lds *lds, const po_mat *Y, const po_mat *U, po_mat *Xhat,
                        double *loglik);

#if defined(__GNUC__)
#pragma GCC visibility pop
#endif
#ifdef __cplusplus
}
#endif
#endif
