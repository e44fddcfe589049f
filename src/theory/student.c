/* The infinite-data (T -> infinity) student (SPEC.md §4.3 items 2-3):
 * A_inf = (B Sigma)_dd (Sigma_dd + rho I)^{-1}. */
#include <math.h>

#include "linalg/linalg.h"
#include "theory_internal.h"

po_theory_opts po_theory_opts_defaults(void)
{
    return (po_theory_opts){.rho = 0.0, .chain_last_row = false};
}

const char *po_theory_opts_check(const po_theory_opts *opts)
{
    if (!(opts->rho >= 0.0 && isfinite(opts->rho))) return "rho must be finite and >= 0";
    if (opts->chain_last_row && opts->rho != 0.0)
        return "the chain last-row shortcut is exact only for the ridgeless student (rho = 0)";
    return NULL;
}

po_status po_theory_student(const po_mat *B, const po_mat *Sigma, size_t d,
                            const po_theory_opts *opts, po_mat *A_inf)
{
    const char *why = po_theory_opts_check(opts);
    if (why) return po_error(PO_EINVAL, "%s", why);
    size_t D = B->rows;
    if (B->cols != D || Sigma->rows != D || Sigma->cols != D)
        return po_error(PO_ESHAPE, "W (%zux%zu) and Sigma (%zux%zu) must be square, one size",
                        B->rows, B->cols, Sigma->rows, Sigma->cols);
    if (d < 1 || d > D)
        return po_error(PO_ESHAPE, "need 1 <= d <= D, got d = %zu for D = %zu", d, D);
    if (A_inf->rows != d || A_inf->cols != d)
        return po_error(PO_ESHAPE, "the student is %zux%zu, expected %zux%zu", A_inf->rows,
                        A_inf->cols, d, d);
    po_status st = po_mat_check_finite(B, "W");
    if (st == PO_OK) st = po_mat_check_finite(Sigma, "Sigma");
    if (st != PO_OK) return st;
    if (opts->chain_last_row && !po_theory_is_chain(B))
        return po_error(PO_EINVAL, "the chain last-row shortcut needs the untransformed "
                                   "pure chain (superdiagonal ones, zeros elsewhere)");

    po_mat *S = po_mat_alloc(d, d);
    if (!S) return po_error(PO_ENOMEM, "cannot allocate a %zux%zu matrix", d, d);
    po_mat Sdd = po_mat_block(Sigma, 0, 0, d, d);
    po_mat_copy(S, &Sdd);
    for (size_t i = 0; i < d; i++) PO_MAT_AT(S, i, i) += opts->rho;
    st = po_la_cholesky(S);
    if (st != PO_OK) {
        po_mat_free(S);
        return po_error(PO_ELINALG,
                        "Sigma[0:%zu, 0:%zu] + rho I is not positive definite (Cholesky "
                        "failed); the covariance is singular or not a covariance",
                        d, d);
    }
    if (opts->chain_last_row) {
        /* For the chain (B Sigma)_ij = Sigma_{i+1,j}: rows 0..d-2 of
         * (B Sigma)_dd are rows 1..d-1 of Sigma_dd, so the student is the
         * shift exactly, and only the last row, Sigma_{d,0:d} Sigma_dd^{-1},
         * needs a solve (zero when d = D). */
        po_mat_set_zero(A_inf);
        for (size_t i = 0; i + 1 < d; i++) PO_MAT_AT(A_inf, i, i + 1) = 1.0;
        po_mat last = po_mat_block(A_inf, d - 1, 0, 1, d);
        if (d < D) {
            for (size_t j = 0; j < d; j++) PO_MAT_AT(&last, 0, j) = PO_MAT_AT(Sigma, d, j);
            po_la_cholesky_solve_right(S, &last);
        }
    } else {
        po_mat Bd = po_mat_block(B, 0, 0, d, D), Sd = po_mat_block(Sigma, 0, 0, D, d);
        po_la_gemm(false, false, 1.0, &Bd, &Sd, 0.0, A_inf);
        po_la_cholesky_solve_right(S, A_inf);
    }
    po_mat_free(S);
    return PO_OK;
}
