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

#include "partobs/error.h"
#include "partobs/mat.h"

#ifdef __cplusplus
extern "C" {
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

#ifdef __cplusplus
}
#endif
#endif
