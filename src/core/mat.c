/* Dense row-major matrices and views (DESIGN.md §3). */
#include "partobs/mat.h"

#include "core/alloc.h"

#include <assert.h>
#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

po_mat *po_mat_alloc(size_t rows, size_t cols)
{
    if (cols != 0 && rows > SIZE_MAX / sizeof(double) / cols) {
        po_error(PO_ENOMEM, "matrix of %zu x %zu doubles does not fit in memory", rows, cols);
        return NULL;
    }
    po_mat *m = malloc(sizeof *m);
    size_t n = rows * cols;
    double *data = po_alloc_doubles(n, true);
    if (!m || !data) {
        /* po_alloc_doubles said why ("needs N GiB, M GiB available") */
        if (data) po_error(PO_ENOMEM, "cannot allocate a %zu x %zu matrix", rows, cols);
        free(m);
        free(data);
        return NULL;
    }
    *m = (po_mat){.data = data, .rows = rows, .cols = cols, .ld = cols ? cols : 1, .owns = true};
    return m;
}

void po_mat_free(po_mat *m)
{
    if (!m) return;
    if (m->owns) free(m->data);
    free(m);
}

po_mat *po_mat_dup(const po_mat *src)
{
    po_mat *m = po_mat_alloc(src->rows, src->cols);
    if (m) po_mat_copy(m, src);
    return m;
}

po_mat po_mat_view(double *data, size_t rows, size_t cols, size_t ld)
{
    assert(ld >= cols);
    return (po_mat){.data = data, .rows = rows, .cols = cols, .ld = ld, .owns = false};
}

po_mat po_mat_block(const po_mat *m, size_t r0, size_t c0, size_t nr, size_t nc)
{
    assert(r0 + nr <= m->rows && c0 + nc <= m->cols);
    return (po_mat){.data = m->data + r0 * m->ld + c0, .rows = nr, .cols = nc, .ld = m->ld,
                    .owns = false};
}

po_status po_mat_copy(po_mat *dst, const po_mat *src)
{
    if (dst->rows != src->rows || dst->cols != src->cols)
        return po_error(PO_ESHAPE, "cannot copy a %zux%zu matrix into a %zux%zu one", src->rows,
                        src->cols, dst->rows, dst->cols);
    for (size_t i = 0; i < src->rows; i++)
        memmove(dst->data + i * dst->ld, src->data + i * src->ld, src->cols * sizeof(double));
    return PO_OK;
}

void po_mat_set_zero(po_mat *m)
{
    for (size_t i = 0; i < m->rows; i++) memset(m->data + i * m->ld, 0, m->cols * sizeof(double));
}

void po_mat_set_identity(po_mat *m)
{
    po_mat_set_zero(m);
    size_t n = m->rows < m->cols ? m->rows : m->cols;
    for (size_t i = 0; i < n; i++) PO_MAT_AT(m, i, i) = 1.0;
}

po_status po_mat_check_finite(const po_mat *m, const char *what)
{
    for (size_t i = 0; i < m->rows; i++) {
        const double *row = m->data + i * m->ld;
        for (size_t j = 0; j < m->cols; j++)
            if (!isfinite(row[j]))
                return po_error(PO_ENONFINITE, "%s: non-finite value (%g) at row %zu, column %zu",
                                what, row[j], i, j);
    }
    return PO_OK;
}

double po_mat_norm_fro(const po_mat *m)
{
    double s = 0.0;
    for (size_t i = 0; i < m->rows; i++)
        for (size_t j = 0; j < m->cols; j++) s += PO_MAT_AT(m, i, j) * PO_MAT_AT(m, i, j);
    /* The plain sum is exact to rounding unless it overflowed (entries above
     * ~1e154) or squares fell below the normal range (entries below ~1e-154);
     * only then pay a second pass that scales by the largest magnitude. */
    if (isfinite(s) && s >= DBL_MIN / DBL_EPSILON) return sqrt(s);
    double big = 0.0;
    for (size_t i = 0; i < m->rows; i++)
        for (size_t j = 0; j < m->cols; j++) {
            double a = fabs(PO_MAT_AT(m, i, j));
            if (a > big || isnan(a)) big = a;
        }
    if (big == 0.0 || !isfinite(big)) return big; /* zero matrix, Inf or NaN */
    double t = 0.0;
    for (size_t i = 0; i < m->rows; i++)
        for (size_t j = 0; j < m->cols; j++) {
            double r = PO_MAT_AT(m, i, j) / big;
            t += r * r;
        }
    return big * sqrt(t);
}

double po_mat_max_abs_diff(const po_mat *a, const po_mat *b)
{
    assert(a->rows == b->rows && a->cols == b->cols);
    double worst = 0.0;
    for (size_t i = 0; i < a->rows; i++)
        for (size_t j = 0; j < a->cols; j++) {
            double e = fabs(PO_MAT_AT(a, i, j) - PO_MAT_AT(b, i, j));
            if (e > worst || isnan(e)) worst = e;
        }
    return worst;
}
