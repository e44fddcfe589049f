/* LAPACKE / CBLAS wrappers for the infinite-data theory and the subsampling
 * curves (SPEC.md §4.3, §5): real Schur form and the triangular Sylvester
 * solve (Bartels-Stewart), and allocation-free Cholesky, triangular inverse,
 * triangular multiply, eigenvalue and SVD calls for the per-d loop of the
 * curves, which runs on several threads at once.
 *
 * The allocation-free forms call LAPACK's column-major interface on the
 * row-major buffer (which LAPACK then sees transposed) wherever the
 * transpose is harmless: a symmetric matrix, the eigenvalues of A^T, or the
 * SVD of A^T with the roles of U and V swapped. LAPACKE's row-major
 * interface would allocate and transpose on every call.
 */
#include "linalg.h"

#include <assert.h>
#include <cblas.h>
#include <lapacke.h>
#include <math.h>
#include <stdlib.h>

/* OpenBLAS extension (declared in its cblas.h; repeated as in linalg.c). */
void openblas_set_num_threads(int num_threads);

static lapack_int as_int(size_t n)
{
    assert(n <= 0x7fffffff);
    return (lapack_int)n;
}

void po_la_set_blas_threads(int n) { openblas_set_num_threads(n); }

po_status po_la_schur_real(po_mat *a, po_mat *z, double *wr, double *wi)
{
    assert(a->rows == a->cols && z->rows == a->rows && z->cols == a->rows);
    size_t n = a->rows;
    if (n == 0) return PO_OK;
    lapack_int sdim = 0;
    lapack_int info = LAPACKE_dgees(LAPACK_ROW_MAJOR, 'V', 'N', NULL, as_int(n), a->data,
                                    as_int(a->ld), &sdim, wr, wi, z->data, as_int(z->ld));
    if (info > 0)
        return po_error(PO_ELINALG, "real Schur QR iteration did not converge (dgees info %d, n = %zu)",
                        (int)info, n);
    if (info < 0) return po_error(PO_ELINALG, "dgees: invalid argument %d", (int)-info);
    return PO_OK;
}

po_status po_la_lyapunov_tri(const po_mat *t, po_mat *c, double *scale)
{
    assert(t->rows == t->cols && c->rows == t->rows && c->cols == t->rows);
    size_t n = t->rows;
    *scale = 1.0;
    if (n == 0) return PO_OK;
    /* The blocked, level-3 dtrsyl3 (LAPACK >= 3.11) is several times faster
     * than dtrsyl for large n (bench/bench_theory). */
    lapack_int info = LAPACKE_dtrsyl3(LAPACK_ROW_MAJOR, 'N', 'T', 1, as_int(n), as_int(n), t->data,
                                      as_int(t->ld), t->data, as_int(t->ld), c->data,
                                      as_int(c->ld), scale);
    if (info < 0) return po_error(PO_ELINALG, "dtrsyl3: invalid argument %d", (int)-info);
    /* info == 1: T and -T^T have close eigenvalues, so the solution was
     * computed with perturbed values; the caller's stability check has
     * already excluded eigenvalues on the imaginary axis. */
    return PO_OK;
}

po_status po_la_potrf_ws(po_mat *g)
{
    assert(g->rows == g->cols);
    if (g->rows == 0) return PO_OK;
    /* Column-major 'L' on the (symmetric) row-major buffer: the factor lands
     * in the row-major upper triangle as R with g = R^T R, as po_la_cholesky. */
    lapack_int info = LAPACKE_dpotrf_work(LAPACK_COL_MAJOR, 'L', as_int(g->rows), g->data,
                                          as_int(g->ld));
    if (info > 0)
        return po_error(PO_ESINGULAR,
                        "matrix is not positive definite (Cholesky failed at pivot %d of %zu)",
                        (int)info, g->rows);
    if (info < 0) return po_error(PO_ELINALG, "dpotrf: invalid argument %d", (int)-info);
    return PO_OK;
}

po_status po_la_cholesky_inverse(po_mat *g)
{
    assert(g->rows == g->cols);
    if (g->rows == 0) return PO_OK;
    lapack_int info = LAPACKE_dpotri_work(LAPACK_COL_MAJOR, 'L', as_int(g->rows), g->data,
                                          as_int(g->ld));
    if (info != 0) return po_error(PO_ESINGULAR, "Cholesky inverse failed (dpotri info %d)", (int)info);
    po_la_symmetrize_upper(g);
    return PO_OK;
}

po_status po_la_tri_inverse_upper(po_mat *r)
{
    assert(r->rows == r->cols);
    if (r->rows == 0) return PO_OK;
    /* Row-major upper is column-major lower of the same buffer. */
    lapack_int info = LAPACKE_dtrtri_work(LAPACK_COL_MAJOR, 'L', 'N', as_int(r->rows), r->data,
                                          as_int(r->ld));
    if (info != 0)
        return po_error(PO_ESINGULAR, "triangular factor is singular (dtrtri info %d)", (int)info);
    return PO_OK;
}

void po_la_trmm_right_upper(bool trans, const po_mat *r, po_mat *b)
{
    assert(r->rows == r->cols && b->cols == r->rows);
    if (b->rows == 0 || b->cols == 0) return;
    cblas_dtrmm(CblasRowMajor, CblasRight, CblasUpper, trans ? CblasTrans : CblasNoTrans,
                CblasNonUnit, as_int(b->rows), as_int(b->cols), 1.0, r->data, as_int(r->ld),
                b->data, as_int(b->ld));
}

size_t po_la_eigvals_lwork(size_t n)
{
    if (n == 0) return 1;
    double q = 0.0, dummy = 0.0;
    lapack_int info = LAPACKE_dgeev_work(LAPACK_COL_MAJOR, 'N', 'N', as_int(n), &dummy, as_int(n),
                                         &dummy, &dummy, NULL, 1, NULL, 1, &q, -1);
    size_t lw = info == 0 ? (size_t)q : 0;
    return lw > 3 * n ? lw : 3 * n;
}

po_status po_la_eigvals_ws(po_mat *a, double *re, double *im, double *work, size_t lwork)
{
    assert(a->rows == a->cols);
    size_t n = a->rows;
    if (n == 0) return PO_OK;
    /* The buffer seen column-major is a^T, which has the same eigenvalues. */
    lapack_int info = LAPACKE_dgeev_work(LAPACK_COL_MAJOR, 'N', 'N', as_int(n), a->data,
                                         as_int(a->ld), re, im, NULL, 1, NULL, 1, work,
                                         as_int(lwork));
    if (info > 0)
        return po_error(PO_ELINALG, "eigenvalue QR iteration did not converge (dgeev info %d)",
                        (int)info);
    if (info < 0) return po_error(PO_ELINALG, "dgeev: invalid argument %d", (int)-info);
    return PO_OK;
}

size_t po_la_svd_top_lwork(size_t n, size_t k)
{
    if (n == 0 || k == 0) return 1;
    if (k > n) k = n;
    double qx = 0.0, qd = 0.0, dummy = 0.0;
    lapack_int ns = 0, iw = 0;
    lapack_int ix = LAPACKE_dgesvdx_work(LAPACK_COL_MAJOR, 'V', 'V', 'I', as_int(n), as_int(n),
                                         &dummy, as_int(n), 0.0, 0.0, 1, as_int(k), &ns, &dummy,
                                         &dummy, as_int(n), &dummy, as_int(k), &qx, -1, &iw);
    lapack_int id = LAPACKE_dgesdd_work(LAPACK_COL_MAJOR, 'S', as_int(n), as_int(n), &dummy,
                                        as_int(n), &dummy, &dummy, as_int(n), &dummy, as_int(n),
                                        &qd, -1, &iw);
    size_t safe = 4 * n * n + 16 * n + 16; /* if a query fails */
    size_t lx = ix == 0 && qx >= 1.0 ? (size_t)qx : safe;
    size_t ld = id == 0 && qd >= 1.0 ? (size_t)qd : safe;
    return lx > ld ? lx : ld;
}

po_status po_la_svd_top_ws(po_mat *a, po_mat *scratch, size_t k, double *s, double *u1,
                           double *v1, double *uw, double *vtw, double *work, size_t lwork,
                           int *iwork)
{
    assert(a->rows == a->cols && scratch->rows == a->rows && scratch->cols == a->rows && k >= 1);
    size_t n = a->rows;
    if (n == 0) return PO_OK;
    if (k > n) k = n;
    /* dgesvdx: the bidiagonal reduction, then only the k largest singular
     * values and their vectors (2-3x cheaper than a full dgesdd for n ~ 500,
     * bench/bench_theory). Column-major, the buffer is a^T = U' S V'^T, so
     * a = V' S U'^T: the top left vector of a is the first row of V'^T, the
     * top right one the first column of U'. */
    po_mat_copy(scratch, a);
    lapack_int ns = 0;
    lapack_int info = LAPACKE_dgesvdx_work(LAPACK_COL_MAJOR, 'V', 'V', 'I', as_int(n), as_int(n),
                                           scratch->data, as_int(scratch->ld), 0.0, 0.0, 1,
                                           as_int(k), &ns, s, uw, as_int(n), vtw, as_int(k), work,
                                           as_int(lwork), iwork);
    if (info < 0) return po_error(PO_ELINALG, "dgesvdx: invalid argument %d", (int)-info);
    if (info == 0 && (size_t)ns == k) {
        for (size_t i = 0; i < n; i++) {
            u1[i] = vtw[i * k];
            v1[i] = uw[i];
        }
        return PO_OK;
    }
    /* The inverse iteration for a cluster of requested singular values (e.g.
     * several exact zeros of a low-rank student) can fail to converge; the
     * full divide-and-conquer SVD always serves. */
    info = LAPACKE_dgesdd_work(LAPACK_COL_MAJOR, 'S', as_int(n), as_int(n), a->data,
                               as_int(a->ld), s, uw, as_int(n), vtw, as_int(n), work,
                               as_int(lwork), iwork);
    if (info > 0) return po_error(PO_ELINALG, "SVD did not converge (dgesdd info %d)", (int)info);
    if (info < 0) return po_error(PO_ELINALG, "dgesdd: invalid argument %d", (int)-info);
    for (size_t i = 0; i < n; i++) {
        u1[i] = vtw[i * n];
        v1[i] = uw[i];
    }
    return PO_OK;
}
