/* Internal: thin, checked wrappers over CBLAS and LAPACKE, one file per
 * operation (blas.c, cholesky.c, lu.c, qr.c, eig.c, schur.c, svd.c).
 *
 * This is the only header that the rest of the library includes for linear
 * algebra; only src/linalg includes <cblas.h> or <lapacke.h> (DESIGN.md §2).
 * Every wrapper takes po_mat (row-major, with ld) and maps LAPACK `info`
 * codes to po_status with a readable po_errmsg(). Shapes are the caller's
 * responsibility and are asserted. The wrappers never change the BLAS
 * thread count (a process-wide setting, po_blas_set_threads in
 * partobs/version.h). Forms marked "no allocation" use caller workspace so
 * that loops which call them many times, on several threads, never allocate.
 */
#ifndef PARTOBS_LINALG_H
#define PARTOBS_LINALG_H

#include <stdbool.h>

#include "core/export.h"
#include "partobs/mat.h"

/* ---- BLAS products (blas.c) ---- */

/* C = alpha * op(A) op(B) + beta * C, op(X) = X or X^T. */
void po_la_gemm(bool trans_a, bool trans_b, double alpha, const po_mat *a, const po_mat *b,
                double beta, po_mat *c);

/* po_la_gemm(false, trans_b, ...) computed over fixed blocks of 128 rows of
 * A and C on several threads (core/parallel.h) when C is large enough to
 * gain from them: the same bits for every thread count, with the BLAS on
 * one thread. */
void po_la_gemm_rows(bool trans_b, double alpha, const po_mat *a, const po_mat *b, double beta,
                     po_mat *c);

/* y = alpha * op(A) x + beta * y (contiguous x and y). */
void po_la_gemv(bool trans_a, double alpha, const po_mat *a, const double *x, double beta,
                double *y);

/* C = alpha * A^T A + beta * C, computing the upper triangle only (C is n x n,
 * A is k x n). Call po_la_symmetrize_upper() when the full matrix is needed. */
void po_la_syrk_t(double alpha, const po_mat *a, double beta, po_mat *c);

/* Make the BLAS map the calling thread's work buffer now (a 1 x 1 GEMM), so
 * that it counts in VmSize (core/alloc.c: po_mem_reserve_check). */
void po_la_blas_map_buffer(void);

/* Copy the upper triangle of the square matrix c into its lower triangle. */
void po_la_symmetrize_upper(po_mat *c);

/* b <- b op(r) for the upper triangular r (dtrmm), op(r) = r or r^T. */
void po_la_trmm_right_upper(bool trans, const po_mat *r, po_mat *b);

/* ---- Cholesky, SPD and triangular matrices (cholesky.c) ---- */

/* Cholesky factorisation of the SPD matrix g in place, no allocation: its
 * upper triangle (the only one read) becomes R with g = R^T R; the strict
 * lower triangle is left as it was. PO_ESINGULAR if g is not numerically
 * positive definite. */
PO_CROSS_LIB po_status po_la_cholesky(po_mat *g);

/* Given the factor from po_la_cholesky, overwrite b (m x n) with b g^{-1},
 * i.e. solve x g = b (for a vector b, a 1 x n view: g^{-1} b); no allocation. */
PO_CROSS_LIB void po_la_cholesky_solve_right(const po_mat *factor, po_mat *b);

/* Given the factor from po_la_cholesky, overwrite g with the full symmetric
 * inverse of the original matrix (dpotri); no allocation. */
po_status po_la_cholesky_inverse(po_mat *g);

/* Reciprocal condition number estimate in the 1-norm (dpocon) of an SPD
 * matrix, from its factor by po_la_cholesky and the 1-norm anorm of the
 * matrix before factorisation. */
po_status po_la_cholesky_rcond(const po_mat *factor, double anorm, double *rcond);

/* 1-norm (= infinity norm) of the symmetric matrix whose upper triangle is
 * stored in a (dlansy). */
double po_la_sym_norm1(const po_mat *a);

/* Invert the upper triangular r (upper triangle read and overwritten;
 * dtrtri); no allocation. */
po_status po_la_tri_inverse_upper(po_mat *r);

/* ---- LU: general square systems (lu.c) ---- */

/* LU factorisation with partial pivoting of the square matrix a, in place
 * (dgetrf); ipiv has length n. PO_ESINGULAR if a pivot is exactly zero. */
po_status po_la_lu_factor(po_mat *a, int *ipiv);

/* Overwrite b (n x k) with A^{-1} b (trans false) or A^{-T} b (trans true),
 * given the factor and pivots from po_la_lu_factor. */
void po_la_lu_solve(const po_mat *lu, const int *ipiv, bool trans, po_mat *b);

/* LU factorisation of the square matrix a in place, no allocation; the
 * result is only for po_la_lu_solve_nocopy. PO_ESINGULAR if a pivot is
 * exactly zero. */
po_status po_la_lu_factor_nocopy(po_mat *a, int *ipiv);

/* Overwrite the vector b (length n) with A^{-1} b, A the matrix factored by
 * po_la_lu_factor_nocopy; no allocation. */
void po_la_lu_solve_nocopy(const po_mat *lu, const int *ipiv, double *b);

/* ---- QR (qr.c) ---- */

/* Thin QR: overwrite the m x n matrix a (m >= n) with Q (orthonormal columns);
 * rdiag (length n, may be NULL) receives the diagonal of R. */
po_status po_la_qr(po_mat *a, double *rdiag);

/* ---- eigenvalues (eig.c) ---- */

/* Eigenvalues of the square matrix a (not modified): re[i] + i im[i], in
 * LAPACK's order. If v is non-NULL it receives the right eigenvectors in
 * dgeev's real packed format (complex pairs in consecutive columns). */
po_status po_la_eig(const po_mat *a, double *re, double *im, po_mat *v);

/* Workspace (doubles) po_la_eigvals_ws needs for any n' <= n. */
size_t po_la_eigvals_lwork(size_t n);

/* Eigenvalues of the square a (destroyed; dgeev without eigenvectors), in
 * LAPACK's order; no allocation. */
po_status po_la_eigvals_ws(po_mat *a, double *re, double *im, double *work, size_t lwork);

/* Eigendecomposition of the symmetric matrix a (upper triangle read; dsyevd):
 * w (length n) receives the eigenvalues in ascending order and a is
 * overwritten by the orthonormal eigenvectors, as COLUMNS (a[i][k] = v_k[i]). */
po_status po_la_eigh(po_mat *a, double *w);

/* ---- Schur forms and the Sylvester equation (schur.c) ---- */

/* Real Schur form a = Z T Z^T of the square matrix a (dgees, no reordering):
 * a is overwritten by the quasi-upper-triangular T, z (n x n) receives Z,
 * wr/wi (length n) the eigenvalues. */
po_status po_la_schur_real(po_mat *a, po_mat *z, double *wr, double *wi);

/* Overwrite c (n x n) with Y solving T Y + Y T^T = scale * C for the
 * quasi-upper-triangular t (blocked dtrsyl3); *scale <= 1 is set to avoid
 * overflow. */
po_status po_la_lyapunov_tri(const po_mat *t, po_mat *c, double *scale);

/* Complex Schur form a = Z T Z^* of the real square matrix a (not modified;
 * zgees, no reordering). z_re/z_im (n x n) receive the real and imaginary
 * parts of the unitary Z; t_re/t_im (length n) the diagonal of T (the
 * eigenvalues, in Schur order). */
po_status po_la_schur_complex(const po_mat *a, po_mat *z_re, po_mat *z_im, double *t_re,
                              double *t_im);

/* ---- singular value decompositions (svd.c) ---- */

/* Singular values (descending) of the m x n matrix a (not modified); u (m x k)
 * and vt (k x n), k = min(m, n), are filled when non-NULL (both or neither). */
PO_CROSS_LIB po_status po_la_svd(const po_mat *a, double *s, po_mat *u, po_mat *vt);

/* Singular values s (descending, k = min(m, n) of them) and right singular
 * vectors, as the first k rows of vt (row-major, n columns), of the m x n
 * matrix stored COLUMN-major in a (a[i + j m]), which is destroyed. The left
 * singular vectors are not formed. */
po_status po_la_svd_right_cm(double *a, size_t m, size_t n, double *s, po_mat *vt);

/* Workspace (doubles) po_la_svd_top_ws needs for any n' <= n and the same k;
 * it also needs iwork of 12n ints and uw, vtw of n*n doubles each. */
size_t po_la_svd_top_lwork(size_t n, size_t k);

/* The k largest singular values s (descending; k is capped at n; s has room
 * for n) of the square a and its top left (u1) and right (v1) singular
 * vectors (length n); no allocation. dgesvdx on a copy in scratch (n x n);
 * if that fails to converge, a full dgesdd on a, which is then destroyed. */
po_status po_la_svd_top_ws(po_mat *a, po_mat *scratch, size_t k, double *s, double *u1,
                           double *v1, double *uw, double *vtw, double *work, size_t lwork,
                           int *iwork);

/* Workspace (doubles) po_la_polar_ws needs for an m x n matrix. */
size_t po_la_polar_lwork(size_t m, size_t n);

/* Singular values s (length n, descending) and the polar factor q = U V^T
 * (m x n, orthonormal columns) of the m x n matrix z = U S V^T, m >= n (z not
 * modified; dgesvd); no allocation. */
po_status po_la_polar_ws(const po_mat *z, double *s, po_mat *q, double *work, size_t lwork);

#endif
