/* PCA of activity (SPEC.md §5 "PCA flow fields", "Limit sets"): a thin SVD of
 * the centred data rather than an eigendecomposition of its covariance, which
 * would square the condition number and lose the small variances. */
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "linalg/linalg.h"
#include "partobs/dyn.h"

void po_pca_free(po_pca *p)
{
    if (!p) return;
    free(p->mean);
    free(p->comps.data);
    free(p->var);
    free(p);
}

/* Column means of X, summed in row order. */
static void column_means(const po_mat *X, double *mean)
{
    size_t T = X->rows, n = X->cols;
    memset(mean, 0, n * sizeof *mean);
    for (size_t t = 0; t < T; t++) {
        const double *row = X->data + t * X->ld;
        for (size_t j = 0; j < n; j++) mean[j] += row[j];
    }
    for (size_t j = 0; j < n; j++) mean[j] /= (double)T;
}

/* Deterministic signs (dyn.h): the entry of largest magnitude is positive
 * (the first such entry on ties). */
static void fix_sign(double *v, size_t n)
{
    size_t arg = 0;
    for (size_t j = 1; j < n; j++)
        if (fabs(v[j]) > fabs(v[arg])) arg = j;
    if (v[arg] < 0.0)
        for (size_t j = 0; j < n; j++) v[j] = -v[j];
}

po_status po_pca_fit(const po_mat *X, size_t k, po_pca **out)
{
    *out = NULL;
    size_t T = X->rows, n = X->cols, kmax = T < n ? T : n;
    if (T < 2 || n == 0)
        return po_error(PO_ESHAPE, "PCA: activity is %zux%zu, need at least 2 rows and 1 column",
                        T, n);
    if (k < 1 || k > kmax)
        return po_error(PO_ESHAPE, "PCA: %zu components asked of a %zux%zu array, need 1 to %zu",
                        k, T, n, kmax);
    if (T > INT_MAX || n > INT_MAX)
        return po_error(PO_ESHAPE, "PCA: activity %zux%zu is too large for LAPACK", T, n);
    po_status st = po_mat_check_finite(X, "PCA: activity");
    if (st != PO_OK) return st;

    po_pca *p = calloc(1, sizeof *p);
    double *Xc = po_alloc_doubles(T * n, false); /* centred, column-major */
    double *s = malloc(kmax * sizeof *s);
    double *vt = p ? po_alloc_doubles(kmax * n, false) : NULL;
    if (p) {
        p->n = n;
        p->k = k;
        p->mean = malloc(n * sizeof *p->mean);
        p->var = malloc(k * sizeof *p->var);
        p->comps = po_mat_view(po_alloc_doubles(k * n, false), k, n, n);
        p->comps.owns = true;
    }
    if (!p || !Xc || !s || !vt || !p->mean || !p->var || !p->comps.data) {
        st = po_error(PO_ENOMEM, "PCA: cannot allocate for a %zux%zu array", T, n);
        goto done;
    }
    column_means(X, p->mean);
    for (size_t t = 0; t < T; t++)
        for (size_t j = 0; j < n; j++) Xc[j * T + t] = PO_MAT_AT(X, t, j) - p->mean[j];
    po_mat V = po_mat_view(vt, kmax, n, n);
    st = po_la_svd_right_cm(Xc, T, n, s, &V);
    if (st != PO_OK) goto done;
    for (size_t i = 0; i < k; i++) {
        double *c = p->comps.data + i * n;
        memcpy(c, vt + i * n, n * sizeof *c);
        fix_sign(c, n);
        p->var[i] = s[i] * s[i] / (double)(T - 1);
    }
    *out = p;
    p = NULL;
done:
    po_pca_free(p);
    free(Xc);
    free(s);
    free(vt);
    return st;
}

po_status po_pca_project(const po_pca *p, const po_mat *X, po_mat *Z)
{
    size_t T = X->rows, n = p->n, k = p->k;
    if (X->cols != n || Z->rows != T || Z->cols != k)
        return po_error(PO_ESHAPE,
                        "PCA project: activity %zux%zu and scores %zux%zu for a PCA of %zu "
                        "neurons with %zu components (need T x %zu and T x %zu)",
                        X->rows, X->cols, Z->rows, Z->cols, n, k, n, k);
    /* Centre a block of rows at a time, then one gemm per block: exact
     * centring (no cancellation against a large mean) without a T x n copy. */
    enum { BLOCK = 256 };
    size_t rows = T < BLOCK ? T : BLOCK;
    po_mat *buf = po_mat_alloc(rows ? rows : 1, n);
    if (!buf) return po_error(PO_ENOMEM, "PCA project: cannot allocate a %zux%zu block", rows, n);
    for (size_t t0 = 0; t0 < T; t0 += BLOCK) {
        size_t m = T - t0 < BLOCK ? T - t0 : BLOCK;
        for (size_t t = 0; t < m; t++)
            for (size_t j = 0; j < n; j++)
                PO_MAT_AT(buf, t, j) = PO_MAT_AT(X, t0 + t, j) - p->mean[j];
        po_mat B = po_mat_block(buf, 0, 0, m, n), Zb = po_mat_block(Z, t0, 0, m, k);
        po_la_gemm(false, true, 1.0, &B, &p->comps, 0.0, &Zb);
    }
    po_mat_free(buf);
    return PO_OK;
}
