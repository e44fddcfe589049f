/* Overlaps between (singular) vectors of teacher and student (SPEC.md §5). */
#include <math.h>
#include <stdlib.h>

#include "linalg/linalg.h"
#include "partobs/dyn.h"

static double norm_strided(const double *x, size_t n, size_t inc)
{
    double s = 0.0;
    for (size_t i = 0; i < n; i++) s += x[i * inc] * x[i * inc];
    return sqrt(s);
}

double po_overlap(const double *x, size_t nx, size_t incx, const double *y, size_t ny,
                  size_t incy)
{
    size_t n = nx < ny ? nx : ny;
    double nrm_x = norm_strided(x, n, incx), nrm_y = norm_strided(y, n, incy);
    if (nrm_x == 0.0 || nrm_y == 0.0) return 0.0;
    /* Normalise each factor before the product, as the reference does. */
    double dot = 0.0;
    for (size_t i = 0; i < n; i++) dot += (x[i * incx] / nrm_x) * (y[i * incy] / nrm_y);
    return fabs(dot);
}

po_status po_top_singular_vectors(const po_mat *A, double *u, double *v)
{
    size_t m = A->rows, n = A->cols, k = m < n ? m : n;
    if (k == 0)
        return po_error(PO_ESHAPE, "singular vectors: matrix is %zux%zu, need a non-empty one", m,
                        n);
    po_status st = po_mat_check_finite(A, "singular vectors: matrix");
    if (st != PO_OK) return st;
    po_mat *U = po_mat_alloc(m, k), *Vt = po_mat_alloc(k, n);
    double *s = U && Vt ? malloc(k * sizeof *s) : NULL;
    if (!s) {
        st = po_error(PO_ENOMEM, "singular vectors: cannot allocate the SVD of a %zux%zu matrix",
                      m, n);
    } else if ((st = po_la_svd(A, s, U, Vt)) == PO_OK) {
        for (size_t i = 0; i < m; i++) u[i] = PO_MAT_AT(U, i, 0);
        for (size_t j = 0; j < n; j++) v[j] = PO_MAT_AT(Vt, 0, j);
    }
    free(s);
    po_mat_free(Vt);
    po_mat_free(U);
    return st;
}

po_status po_singular_overlaps(const po_mat *teacher, const po_mat *student, double *u_overlap,
                               double *v_overlap)
{
    size_t D = teacher->rows, d = student->rows;
    if (teacher->cols != D || student->cols != d)
        return po_error(PO_ESHAPE,
                        "singular overlaps: teacher (%zux%zu) and student (%zux%zu) must be square",
                        teacher->rows, teacher->cols, student->rows, student->cols);
    if (d == 0 || d > D)
        return po_error(PO_ESHAPE,
                        "singular overlaps: need 1 <= d <= D, got a %zux%zu student for a "
                        "%zux%zu teacher",
                        d, d, D, D);
    double *buf = malloc(2 * (D + d) * sizeof *buf);
    if (!buf) return po_error(PO_ENOMEM, "singular overlaps: cannot allocate vectors");
    double *tu = buf, *tv = buf + D, *su = buf + 2 * D, *sv = su + d;
    po_status st = po_top_singular_vectors(teacher, tu, tv);
    if (st == PO_OK) st = po_top_singular_vectors(student, su, sv);
    if (st == PO_OK) {
        *u_overlap = po_overlap(tu, D, 1, su, d, 1);
        *v_overlap = po_overlap(tv, D, 1, sv, d, 1);
    }
    free(buf);
    return st;
}
