/* The sums of a MAP fit (SPEC.md §4.1) kept so that refits on subsets of the
 * neurons and on resampled time blocks need no further pass over Y (issue 11,
 * "Speed"): a student on the neurons S reads only the rows and columns of S
 * (plus the input columns) of G = sum phi_t phi_t^T and B = sum delta_t phi_t^T,
 * and sums over blocks of transitions add. */
#include "diagnose/diagnose_internal.h"

#include <stdlib.h>
#include <string.h>

#include "fit/spd_solve.h"
#include "linalg/linalg.h"

/* Rows per accumulation block: big enough for level-3 BLAS, small enough
 * that the block stays in cache (as po_fit_ridge's blocks). */
#define PO_DG_GRAM_ROWS 512

po_dg_gram *po_dg_gram_alloc(size_t d, size_t m)
{
    po_dg_gram *g = calloc(1, sizeof *g);
    if (!g) return NULL;
    g->d = d;
    g->m = m;
    g->G = po_mat_alloc(d + m, d + m);
    g->B = po_mat_alloc(d, d + m);
    if (!g->G || !g->B) {
        po_dg_gram_free(g);
        return NULL;
    }
    return g;
}

void po_dg_gram_free(po_dg_gram *g)
{
    if (!g) return;
    po_mat_free(g->G);
    po_mat_free(g->B);
    free(g);
}

po_status po_dg_gram_compute(const po_mat *Y, const po_mat *U, po_phi phi, double alpha,
                             size_t t0, size_t t1, po_dg_gram *g)
{
    size_t d = g->d, m = g->m, p = d + m;
    if (Y->cols != d || (m > 0 && (!U || U->cols != m || U->rows != Y->rows)) || t0 > t1 ||
        t1 + 1 > Y->rows)
        return po_error(PO_ESHAPE, "diagnose: Gram sums over transitions [%zu, %zu) of Y (%zux%zu) "
                                   "do not fit the sums (d = %zu, m = %zu)",
                        t0, t1, Y->rows, Y->cols, d, m);
    po_mat_set_zero(g->G);
    po_mat_set_zero(g->B);
    size_t rows = PO_DG_GRAM_ROWS < t1 - t0 ? PO_DG_GRAM_ROWS : t1 - t0;
    double *P = malloc((rows * p + rows * d + 1) * sizeof *P);
    if (!P) return po_error(PO_ENOMEM, "diagnose: cannot allocate a %zu x %zu Gram block", rows, p);
    double *D = P + rows * p, beta = 1.0 - alpha;
    for (size_t s = t0; s < t1; s += rows) {
        size_t k = t1 - s < rows ? t1 - s : rows;
        for (size_t r = 0; r < k; r++) {
            const double *y = Y->data + (s + r) * Y->ld, *yn = y + Y->ld;
            po_phi_apply(phi, y, P + r * p, d);
            if (m) memcpy(P + r * p + d, U->data + (s + r) * U->ld, m * sizeof *P);
            for (size_t j = 0; j < d; j++) D[r * d + j] = yn[j] - beta * y[j];
        }
        po_mat Pb = po_mat_view(P, k, p, p), Db = po_mat_view(D, k, d, d);
        po_la_syrk_t(1.0, &Pb, 1.0, g->G);
        po_la_gemm(true, false, 1.0, &Db, &Pb, 1.0, g->B);
    }
    po_la_symmetrize_upper(g->G);
    free(P);
    return PO_OK;
}

po_status po_dg_gram_fit(const po_dg_gram *g, const size_t *idx, size_t n, double alpha,
                         double rho, po_mat *W, po_mat *W_in)
{
    size_t m = g->m, p = n + m;
    if (W->rows != n || W->cols != n || (W_in && (W_in->rows != n || W_in->cols != m)))
        return po_error(PO_ESHAPE, "diagnose: the subset fit's outputs do not match n = %zu, m = %zu",
                        n, m);
    po_mat *M = po_mat_alloc(p, p), *X = po_mat_alloc(n, p);
    if (!M || !X) {
        po_mat_free(M);
        po_mat_free(X);
        return po_error(PO_ENOMEM, "diagnose: cannot allocate a subset fit of %zu regressors", p);
    }
    /* Column k of the subset regression is neuron idx[k] for k < n, input k - n after. */
    for (size_t a = 0; a < p; a++) {
        size_t ga = a < n ? idx[a] : g->d + (a - n);
        for (size_t b = 0; b < p; b++) {
            size_t gb = b < n ? idx[b] : g->d + (b - n);
            PO_MAT_AT(M, a, b) = alpha * alpha * PO_MAT_AT(g->G, ga, gb) + (a == b ? rho : 0.0);
        }
        if (a < n)
            for (size_t b = 0; b < p; b++) {
                size_t gb = b < n ? idx[b] : g->d + (b - n);
                PO_MAT_AT(X, a, b) = alpha * PO_MAT_AT(g->B, idx[a], gb);
            }
    }
    double rcond;
    bool used_eig;
    po_status st = po_spd_solve_right(M, X, &rcond, &used_eig);
    if (st == PO_OK)
        for (size_t i = 0; i < n; i++) {
            for (size_t j = 0; j < n; j++) PO_MAT_AT(W, i, j) = PO_MAT_AT(X, i, j);
            for (size_t j = 0; W_in && j < m; j++) PO_MAT_AT(W_in, i, j) = PO_MAT_AT(X, i, n + j);
        }
    po_mat_free(M);
    po_mat_free(X);
    return st;
}
