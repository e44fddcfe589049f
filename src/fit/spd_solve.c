/* b <- b pinv(m) for symmetric positive semi-definite m (SPEC.md §4.1: the
 * reference uses numpy's pinv; SPEC §9.2 allows the SPD solve instead, and
 * the pseudo-inverse stays as the fallback for singular or ill-conditioned m). */
#include "spd_solve.h"

#include <math.h>
#include <stdlib.h>

#include "linalg/linalg.h"

/* The eigen pseudo-inverse: b <- (b V) diag(1/l, masked) V^T. */
static po_status solve_pinv(const po_mat *m, po_mat *b, double *rcond)
{
    size_t n = m->rows;
    po_mat *v = po_mat_dup(m), *bv = po_mat_alloc(b->rows, n);
    double *l = malloc((n ? n : 1) * sizeof *l);
    po_status st = PO_ENOMEM;
    if (!v || !bv || !l) {
        po_error(PO_ENOMEM, "cannot allocate the %zux%zu pseudo-inverse workspace", n, n);
        goto done;
    }
    st = po_la_eigh(v, l);
    if (st != PO_OK) goto done;
    double lmax = 0.0, lmin = HUGE_VAL;
    for (size_t i = 0; i < n; i++) {
        lmax = fmax(lmax, fabs(l[i]));
        lmin = fmin(lmin, fabs(l[i]));
    }
    *rcond = lmax > 0.0 ? lmin / lmax : 0.0;
    double cutoff = PO_PINV_RCOND * lmax;
    po_la_gemm(false, false, 1.0, b, v, 0.0, bv);
    for (size_t j = 0; j < n; j++) {
        double s = fabs(l[j]) > cutoff ? 1.0 / l[j] : 0.0;
        for (size_t i = 0; i < bv->rows; i++) PO_MAT_AT(bv, i, j) *= s;
    }
    po_la_gemm(false, true, 1.0, bv, v, 0.0, b);
done:
    free(l);
    po_mat_free(bv);
    po_mat_free(v);
    return st;
}

po_status po_spd_solve_right(const po_mat *m, po_mat *b, double *rcond, bool *used_eig)
{
    *used_eig = false;
    *rcond = 0.0;
    po_mat *f = po_mat_dup(m);
    if (!f) return PO_ENOMEM;
    po_status st = po_la_cholesky(f);
    if (st == PO_OK) {
        st = po_la_cholesky_rcond(f, po_la_sym_norm1(m), rcond);
        if (st == PO_OK && *rcond >= PO_SPD_RCOND_MIN) {
            po_la_cholesky_solve_right(f, b);
            po_mat_free(f);
            return PO_OK;
        }
    }
    po_mat_free(f);
    if (st != PO_OK && st != PO_ESINGULAR) return st;
    /* Not positive definite, or too ill-conditioned to trust the factor. */
    po_error_clear();
    *used_eig = true;
    return solve_pinv(m, b, rcond);
}
