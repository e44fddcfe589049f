/* Internal: right solves with a symmetric positive (semi-)definite matrix. */
#ifndef PARTOBS_FIT_SPD_SOLVE_H
#define PARTOBS_FIT_SPD_SOLVE_H

#include <stdbool.h>

#include "partobs/mat.h"

/* Below this reciprocal condition estimate a Cholesky solve is not trusted. */
#define PO_SPD_RCOND_MIN 1e-13
/* numpy.linalg.pinv's default cutoff, relative to the largest singular value. */
#define PO_PINV_RCOND 1e-15

/* Overwrite b (k x n) with b pinv(m) for the symmetric n x n matrix m (upper
 * triangle used, not modified). Cholesky (dpotrf/dpotrs) when m is
 * numerically positive definite with rcond >= PO_SPD_RCOND_MIN (then
 * pinv(m) = m^{-1}); otherwise the eigendecomposition m = V diag(l) V^T with
 * eigenvalues |l_i| <= PO_PINV_RCOND max|l| treated as zero, which is
 * numpy.linalg.pinv's rule for a symmetric matrix (its singular values are
 * the |l_i|). *rcond receives the dpocon 1-norm estimate on the Cholesky path
 * and min|l| / max|l| on the eigen path; *used_eig tells which path ran.
 * Allocates O(n^2 + k n) workspace; PO_ENOMEM or PO_ELINALG on failure. */
po_status po_spd_solve_right(const po_mat *m, po_mat *b, double *rcond, bool *used_eig);

#endif
