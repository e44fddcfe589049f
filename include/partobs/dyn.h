/* partobs: spectral analysis of connectivity (SPEC.md §5).
 *
 * For the continuous-time Jacobian -I + W: eigenvalues sorted by descending
 * real part (ties: positive imaginary part first), time constants
 * tau_i = 1 / |1 - Re lambda_i|, the line attractor score
 * LAS = log2(tau_1 / tau_2) (0 for n < 2; a complex top pair gives 0),
 * Henrici's departure from normality
 * h = sqrt(| ||W||_F^2 - sum |lambda_i|^2 |) / ||W||_F, and singular values.
 *
 * Cost: po_spectrum_compute runs a dense nonsymmetric eigensolver (dgeev) and
 * an SVD, O(n^3): about 0.2 s for n = 500 and 6-7 s for n = 2000 on two
 * cores (bench/bench_dyn), so roughly 2 minutes for n = 5000 (extrapolated).
 */
#ifndef PARTOBS_DYN_H
#define PARTOBS_DYN_H

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

typedef struct po_spectrum {
    size_t n;
    double *re, *im; /* eigenvalues, descending real part */
    double *tau;     /* 1 / |1 - re[i]| (Inf where re[i] == 1) */
    double *sv;      /* singular values, descending */
    double las;      /* line attractor score */
    double henrici;  /* 0 for normal matrices, -> 1 for nilpotent ones */
    double max_re;   /* re[0] (-Inf for n == 0) */
} po_spectrum;

po_spectrum *po_spectrum_alloc(size_t n);
void po_spectrum_free(po_spectrum *s);

/* Analyse the square matrix W (not modified). PO_ESHAPE if W is not n x n
 * with n == s->n; PO_ENONFINITE if W has NaN/Inf. */
po_status po_spectrum_compute(const po_mat *W, po_spectrum *s);

/* Allocate a spectrum of W's size and compute it: *out is the new spectrum
 * (free with po_spectrum_free), or NULL on failure with the status of
 * po_spectrum_alloc / po_spectrum_compute (W is not square, has NaN/Inf, ...). */
po_status po_spectrum_new(const po_mat *W, po_spectrum **out);

/* Sort eigenvalue pairs by descending real part, ties by descending imaginary
 * part (so a conjugate pair from LAPACK, whose real parts are bit-identical,
 * comes as +im then -im, like np.lexsort((-im, -re))). Exact comparisons, no
 * tolerance; NaNs sort last. In place, no allocation. */
void po_eig_sort(double *re, double *im, size_t n);

/* Eigenvalues of the square n x n matrix W, sorted as po_eig_sort, and the
 * matching right eigenvectors: column k of vre + i vim (both n x n, supplied
 * by the caller) is the unit-norm eigenvector of re[k] + i im[k] as dgeev
 * normalises it. (The reference returns eigenvectors in unsorted LAPACK
 * order; SPEC.md §5.) PO_ESHAPE, PO_ENONFINITE, PO_ENOMEM, PO_ELINALG. */
po_status po_eig_vectors(const po_mat *W, double *re, double *im, po_mat *vre, po_mat *vim);

/* Henrici's departure from normality (SPEC.md §5) of the n x n matrix W
 * given its n eigenvalues re + i im (any order): sqrt(|1 - sum |lambda_i|^2 /
 * ||W||_F^2|), 0 for W = 0. Lets a caller that already has the eigenvalues
 * (the subsampling curves) avoid a second eigensolve. */
double po_henrici(const po_mat *W, const double *re, const double *im, size_t n);

/* tau = 1 / |1 - re| */
double po_time_constant(double re);

/* log2(tau(re[0]) / tau(re[1])) for sorted eigenvalues; 0 if n < 2 or if the
 * two time constants are equal (a complex top pair; also Inf/Inf, where the
 * reference would give NaN). Negative or -Inf when Re lambda_1 > 1 (SPEC.md §5). */
double po_line_attractor_score(const double *re, size_t n);

/* Overlap O(x, y) (SPEC.md §5): truncate both to L = min(nx, ny) entries,
 * normalise each, return |<x, y>|. 0 if either truncated vector is zero.
 * x and y are read with strides incx and incy (>= 1). */
double po_overlap(const double *x, size_t nx, size_t incx, const double *y, size_t ny,
                  size_t incy);

/* Top left (u, length rows) and right (v, length cols) singular vectors of
 * the non-empty matrix A, by a full SVD (sign as LAPACK returns it; arbitrary
 * within the subspace if the top singular value is repeated). Lets a caller
 * compute a teacher's vectors once and reuse them with po_overlap for many d. */
po_status po_top_singular_vectors(const po_mat *A, double *u, double *v);

/* Overlaps of the top left and right singular vectors of the teacher
 * (truncated to the student's d entries) with the student's:
 * u = O([u_1]_{1:d}, u_hat_1), v = O([v_1]_{1:d}, v_hat_1). Teacher D x D,
 * student d x d with 1 <= d <= D, else PO_ESHAPE; PO_ENONFINITE for NaN/Inf. */
po_status po_singular_overlaps(const po_mat *teacher, const po_mat *student, double *u_overlap,
                               double *v_overlap);

/* ---- helpers for the figures (SPEC.md §5) ---------------------------------- */

/* PCA of activity X (T x n, rows = time): mean (n), the k leading principal
 * directions as rows of comps (k x n, unit norm, sign fixed so the entry of
 * largest magnitude is positive) and the variance along each (k, descending,
 * divided by T - 1), via an SVD of the centred data. */
typedef struct po_pca {
    size_t n, k;
    double *mean;
    po_mat comps;
    double *var;
} po_pca;

/* 1 <= k <= min(T, n), T >= 2; PO_ESHAPE, PO_ENONFINITE, PO_ENOMEM, PO_ELINALG.
 * Cost: one centred T x n copy and a dgesvd without left vectors, about
 * 2 T n^2 flops. Free with po_pca_free (NULL is fine). */
po_status po_pca_fit(const po_mat *X, size_t k, po_pca **out);
void po_pca_free(po_pca *p);
/* Z (T x k) = (X - mean) comps^T. */
po_status po_pca_project(const po_pca *p, const po_mat *X, po_mat *Z);

/* Linear flow field F(x) = (W - I) x (SPEC.md §5 "PCA flow fields") on an
 * nx x ny grid of the PC1-PC2 plane: grid point (i, j) has PC coordinates
 * (xs[i], ys[j]) and the other PCs at z_rest[2..k-1] (z_rest has k entries;
 * the first two are ignored); it is mapped to neuron space by the inverse
 * PCA, and the flow is projected on PC1 and PC2 as comps F (a direction, so
 * the mean is not subtracted: the reference's transform quirk is not
 * reproduced). u, v are ny x nx row-major (row j = ys[j]). W is n x n.
 * z_rest may be NULL: the other PCs at 0 (the data mean). Needs k >= 2
 * (PO_ESHAPE); PO_ENONFINITE for NaN/Inf in W or z_rest; PO_EINVAL for NULL
 * arrays. Cost O(n^2) once, then O(1) per grid point (the projected flow is
 * affine in the PC coordinates). */
po_status po_flow_field_linear(const po_mat *W, const po_pca *p, const double *z_rest,
                               const double *xs, size_t nx, const double *ys, size_t ny,
                               double *u, double *v);

typedef struct po_traj_opts {
    size_t n_traj;      /* 15 */
    size_t steps;       /* Euler steps per trajectory, 5000 */
    size_t keep_every;  /* keep every k-th state, 4 */
    double radius;      /* x0 ~ N(0, radius^2 I), 0.5 */
    po_phi phi;         /* linear */
    po_leaky leaky;     /* current */
    double alpha;       /* 0.01 */
    uint64_t seed;      /* PO_DEFAULT_SEED; ICs from its PO_STREAM_ANALYSIS stream */
} po_traj_opts;

po_traj_opts po_traj_opts_defaults(void);
const char *po_traj_opts_check(const po_traj_opts *opts);
/* Rows per trajectory stored: ceil(steps / keep_every) (state 0, k, 2k, ...). */
size_t po_traj_rows(const po_traj_opts *opts);

/* Noise-free trajectories of the network W (n x n) from n_traj random initial
 * states (SPEC.md §5 "Limit sets"): X is (n_traj * po_traj_rows) x n,
 * trajectory after trajectory. Euler steps of SPEC.md §1.1 with v = 0 and
 * g = 1: x + alpha (W phi(x) - x) (current) or x + alpha (phi(W x) - x)
 * (rate). Initial states x0 ~ N(0, radius^2 I) are drawn from the
 * PO_STREAM_ANALYSIS stream of seed, trajectory after trajectory, neuron by
 * neuron. All trajectories advance together (one matrix product per step);
 * linear networks jump from stored state to stored state with the
 * keep_every-th power of the Euler map (the same states up to rounding).
 * PO_EINVAL for invalid options, PO_ESHAPE, PO_ENONFINITE for NaN/Inf in W
 * or if a trajectory overflows (names it and the step). */
po_status po_noise_free_trajectories(const po_mat *W, const po_traj_opts *opts, po_mat *X);


/* Delay embedding of activity Y (T x d) for SPEC.md §6 "Fig F.7": row t of
 * E is [y_t, y_{t+k}, ..., y_{t+(n-1)k}] (n = delays copies, k = interval
 * steps), so E has po_delay_embed_rows(T, n, k) rows and n d columns.
 * PO_EINVAL (NULL, delays or interval 0), PO_ESHAPE (E the wrong shape or
 * T too short for one row). */
size_t po_delay_embed_rows(size_t T, size_t delays, size_t interval); /* 0 if too short */
po_status po_delay_embed(const po_mat *Y, size_t delays, size_t interval, po_mat *E);

#if defined(__GNUC__)
#pragma GCC visibility pop
#endif
#ifdef __cplusplus
}
#endif
#endif
