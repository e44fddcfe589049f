/* BLAS: checked CBLAS wrappers on po_mat, and the BLAS facts (thread count,
 * build) that version.h makes public. */
#include <cblas.h>

#include "linalg.h"
#include "linalg_int.h"
#include "partobs/version.h"

/* OpenBLAS extensions, declared in its cblas.h; repeated here so that the
 * project also builds against a cblas.h that lacks them. */
int openblas_get_num_threads(void);
void openblas_set_num_threads(int num_threads);
char *openblas_get_config(void);

int po_blas_threads(void) { return openblas_get_num_threads(); }

void po_blas_set_threads(int n) { openblas_set_num_threads(n); }

const char *po_blas_info(void) { return openblas_get_config(); }

static CBLAS_TRANSPOSE tr(bool t) { return t ? CblasTrans : CblasNoTrans; }

void po_la_gemm(bool trans_a, bool trans_b, double alpha, const po_mat *a, const po_mat *b,
                double beta, po_mat *c)
{
    size_t m = trans_a ? a->cols : a->rows, k = trans_a ? a->rows : a->cols;
    size_t n = trans_b ? b->rows : b->cols;
    assert((trans_b ? b->cols : b->rows) == k && c->rows == m && c->cols == n);
    if (m == 0 || n == 0) return;
    cblas_dgemm(CblasRowMajor, tr(trans_a), tr(trans_b), po_la_int(m), po_la_int(n),
                po_la_int(k), alpha, a->data, po_la_int(a->ld), b->data, po_la_int(b->ld), beta,
                c->data, po_la_int(c->ld));
}

void po_la_gemv(bool trans_a, double alpha, const po_mat *a, const double *x, double beta,
                double *y)
{
    if (a->rows == 0 || a->cols == 0) return;
    cblas_dgemv(CblasRowMajor, tr(trans_a), po_la_int(a->rows), po_la_int(a->cols), alpha,
                a->data, po_la_int(a->ld), x, 1, beta, y, 1);
}

void po_la_syrk_t(double alpha, const po_mat *a, double beta, po_mat *c)
{
    assert(c->rows == a->cols && c->cols == a->cols);
    if (c->rows == 0) return;
    cblas_dsyrk(CblasRowMajor, CblasUpper, CblasTrans, po_la_int(a->cols), po_la_int(a->rows),
                alpha, a->data, po_la_int(a->ld), beta, c->data, po_la_int(c->ld));
}

void po_la_symmetrize_upper(po_mat *c)
{
    for (size_t i = 0; i < c->rows; i++)
        for (size_t j = 0; j < i; j++) PO_MAT_AT(c, i, j) = PO_MAT_AT(c, j, i);
}

void po_la_trmm_right_upper(bool trans, const po_mat *r, po_mat *b)
{
    assert(r->rows == r->cols && b->cols == r->rows);
    if (b->rows == 0 || b->cols == 0) return;
    cblas_dtrmm(CblasRowMajor, CblasRight, CblasUpper, tr(trans), CblasNonUnit,
                po_la_int(b->rows), po_la_int(b->cols), 1.0, r->data, po_la_int(r->ld), b->data,
                po_la_int(b->ld));
}
