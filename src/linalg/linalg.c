/* CBLAS / LAPACKE wrappers (the only translation unit family that includes them). */
#include "linalg.h"

#include <assert.h>
#include <cblas.h>
#include <lapacke.h>
#include <stdlib.h>
#include <string.h>

/* OpenBLAS extensions, declared in its cblas.h; repeated here so that the
 * project also builds against a cblas.h that lacks them. */
int openblas_get_num_threads(void);
char *openblas_get_config(void);

static CBLAS_TRANSPOSE tr(bool t) { return t ? CblasTrans : CblasNoTrans; }

static int as_int(size_t n)
{
    assert(n <= 0x7fffffff);
    return (int)n;
}

void po_la_gemm(bool trans_a, bool trans_b, double alpha, const po_mat *a, const po_mat *b,
                double beta, po_mat *c)
{
    size_t m = trans_a ? a->cols : a->rows, k = trans_a ? a->rows : a->cols;
    size_t n = trans_b ? b->rows : b->cols;
    assert((trans_b ? b->cols : b->rows) == k && c->rows == m && c->cols == n);
    if (m == 0 || n == 0) return;
    cblas_dgemm(CblasRowMajor, tr(trans_a), tr(trans_b), as_int(m), as_int(n), as_int(k), alpha,
                a->data, as_int(a->ld), b->data, as_int(b->ld), beta, c->data, as_int(c->ld));
}

void po_la_gemv(bool trans_a, double alpha, const po_mat *a, const double *x, double beta,
                double *y)
{
    if (a->rows == 0 || a->cols == 0) return;
    cblas_dgemv(CblasRowMajor, tr(trans_a), as_int(a->rows), as_int(a->cols), alpha, a->data,
                as_int(a->ld), x, 1, beta, y, 1);
}

void po_la_syrk_t(double alpha, const po_mat *a, double beta, po_mat *c)
{
    assert(c->rows == a->cols && c->cols == a->cols);
    if (c->rows == 0) return;
    cblas_dsyrk(CblasRowMajor, CblasUpper, CblasTrans, as_int(a->cols), as_int(a->rows), alpha,
                a->data, as_int(a->ld), beta, c->data, as_int(c->ld));
}

void po_la_symmetrize_upper(po_mat *c)
{
    for (size_t i = 0; i < c->rows; i++)
        for (size_t j = 0; j < i; j++) PO_MAT_AT(c, i, j) = PO_MAT_AT(c, j, i);
}

po_status po_la_cholesky(po_mat *g)
{
    assert(g->rows == g->cols);
    if (g->rows == 0) return PO_OK;
    lapack_int info =
        LAPACKE_dpotrf(LAPACK_ROW_MAJOR, 'U', as_int(g->rows), g->data, as_int(g->ld));
    if (info > 0)
        return po_error(PO_ESINGULAR,
                        "matrix is not positive definite (Cholesky failed at pivot %d of %zu)",
                        (int)info, g->rows);
    if (info < 0) return po_error(PO_ELINALG, "dpotrf: invalid argument %d", (int)-info);
    return PO_OK;
}

void po_la_cholesky_solve_right(const po_mat *factor, po_mat *b)
{
    /* x g = b  <=>  g x^T = b^T. A row-major m x n b is the column-major n x m
     * matrix b^T, so LAPACK's column-major solve works in place. g = R^T R
     * with R upper row-major, which is R^T lower in column-major terms. */
    assert(factor->rows == b->cols);
    if (b->rows == 0 || b->cols == 0) return;
    LAPACKE_dpotrs(LAPACK_COL_MAJOR, 'L', as_int(factor->rows), as_int(b->rows), factor->data,
                   as_int(factor->ld), b->data, as_int(b->ld));
}

po_status po_la_eig(const po_mat *a, double *re, double *im, po_mat *v)
{
    assert(a->rows == a->cols);
    size_t n = a->rows;
    if (n == 0) return PO_OK;
    po_mat *work = po_mat_dup(a);
    if (!work) return PO_ENOMEM;
    lapack_int info = LAPACKE_dgeev(LAPACK_ROW_MAJOR, 'N', v ? 'V' : 'N', as_int(n), work->data,
                                    as_int(work->ld), re, im, NULL, 1, v ? v->data : NULL,
                                    v ? as_int(v->ld) : 1);
    po_mat_free(work);
    if (info > 0)
        return po_error(PO_ELINALG, "eigenvalue QR iteration did not converge (dgeev info %d)",
                        (int)info);
    if (info < 0) return po_error(PO_ELINALG, "dgeev: invalid argument %d", (int)-info);
    return PO_OK;
}

po_status po_la_svd(const po_mat *a, double *s, po_mat *u, po_mat *vt)
{
    assert((u == NULL) == (vt == NULL));
    size_t m = a->rows, n = a->cols;
    if (m == 0 || n == 0) return PO_OK;
    po_mat *work = po_mat_dup(a);
    if (!work) return PO_ENOMEM;
    /* LAPACKE's row-major dgesdd checks ldvt >= n even when jobz = 'N' (it
     * returns -11 for ldvt = 1), so pass sizes that satisfy its checks. */
    lapack_int info = LAPACKE_dgesdd(LAPACK_ROW_MAJOR, u ? 'S' : 'N', as_int(m), as_int(n),
                                     work->data, as_int(work->ld), s, u ? u->data : NULL,
                                     u ? as_int(u->ld) : as_int(m), vt ? vt->data : NULL,
                                     vt ? as_int(vt->ld) : as_int(n));
    po_mat_free(work);
    if (info > 0)
        return po_error(PO_ELINALG, "SVD did not converge (dgesdd info %d)", (int)info);
    if (info < 0) return po_error(PO_ELINALG, "dgesdd: invalid argument %d", (int)-info);
    return PO_OK;
}

po_status po_la_qr(po_mat *a, double *rdiag)
{
    size_t m = a->rows, n = a->cols;
    assert(m >= n);
    if (n == 0) return PO_OK;
    double *tau = malloc(n * sizeof *tau);
    if (!tau) return po_error(PO_ENOMEM, "cannot allocate QR workspace");
    lapack_int info =
        LAPACKE_dgeqrf(LAPACK_ROW_MAJOR, as_int(m), as_int(n), a->data, as_int(a->ld), tau);
    if (info == 0 && rdiag)
        for (size_t i = 0; i < n; i++) rdiag[i] = PO_MAT_AT(a, i, i);
    if (info == 0)
        info = LAPACKE_dorgqr(LAPACK_ROW_MAJOR, as_int(m), as_int(n), as_int(n), a->data,
                              as_int(a->ld), tau);
    free(tau);
    if (info != 0) return po_error(PO_ELINALG, "QR factorisation failed (info %d)", (int)info);
    return PO_OK;
}

int po_la_blas_threads(void) { return openblas_get_num_threads(); }

void po_la_blas_map_buffer(void)
{
    /* OpenBLAS maps a thread's level-3 buffer at its first GEMM, whatever the size. */
    double a = 0.0, c = 0.0;
    cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, 1, 1, 1, 1.0, &a, 1, &a, 1, 0.0, &c, 1);
}

const char *po_la_blas_name(void) { return openblas_get_config(); }
