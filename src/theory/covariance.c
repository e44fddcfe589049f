/* Stationary covariance of a linear teacher (SPEC.md §4.3 item 1) and its
 * closed forms: symmetric B and the pure feedforward chain. */
#include <math.h>
#include <stdlib.h>

#include "linalg/linalg.h"
#include "theory_internal.h"
#include "core/alloc.h"
#include "core/names.h"

PO_DEFINE_NAME_OF(po_cov_method, PO_COV_METHOD_LIST, method_names) /* po_cov_method_name */

po_cov_opts po_cov_opts_defaults(void) { return (po_cov_opts){.noise_corr = 0.0, .closed_forms = true}; }

const char *po_cov_opts_check(const po_cov_opts *opts)
{
    if (!(opts->noise_corr >= 0.0 && opts->noise_corr < 1.0))
        return "noise correlation c must be in [0, 1) (N_c = (1 - c) I + c 11^T must be positive definite)";
    return NULL;
}

bool po_theory_is_chain(const po_mat *B)
{
    if (B->rows != B->cols) return false;
    for (size_t i = 0; i < B->rows; i++)
        for (size_t j = 0; j < B->cols; j++)
            if (PO_MAT_AT(B, i, j) != (j == i + 1 ? 1.0 : 0.0)) return false;
    return true;
}

bool po_theory_is_symmetric(const po_mat *B)
{
    if (B->rows != B->cols) return false;
    for (size_t i = 0; i < B->rows; i++)
        for (size_t j = 0; j < i; j++)
            if (PO_MAT_AT(B, i, j) != PO_MAT_AT(B, j, i)) return false;
    return true;
}

po_status po_chain_cov_block(size_t D, size_t rows, size_t cols, po_mat *S)
{
    if (rows > D || cols > D || S->rows != rows || S->cols != cols)
        return po_error(PO_ESHAPE,
                        "chain covariance: a %zux%zu leading block of the %zux%zu covariance "
                        "into a %zux%zu matrix",
                        rows, cols, D, D, S->rows, S->cols);
    if (rows == 0 || cols == 0) return PO_OK;
    /* Rows i+1 (prev) and i (cur) of Sigma, with a zero at index D (the
     * entries beyond the chain). The Lyapunov equation for the chain reads
     * entrywise 2 Sigma_ij = Sigma_{i+1,j} + Sigma_{i,j+1} + delta_ij, so
     * sweeping rows and columns downwards from D-1 gives every entry from
     * ones already known: an average of non-negative terms, accurate to a few
     * ulps times D. */
    double *buf = calloc(2 * (D + 1), sizeof *buf);
    if (!buf) return po_error(PO_ENOMEM, "chain covariance: cannot allocate two rows of %zu", D);
    double *prev = buf, *cur = buf + D + 1;
    for (size_t i = D; i-- > 0;) {
        cur[D] = 0.0;
        for (size_t j = D; j-- > 0;) cur[j] = 0.5 * (prev[j] + cur[j + 1] + (i == j ? 1.0 : 0.0));
        if (i < rows)
            for (size_t j = 0; j < cols; j++) PO_MAT_AT(S, i, j) = cur[j];
        double *t = prev;
        prev = cur;
        cur = t;
    }
    free(buf);
    return PO_OK;
}

po_status po_chain_cov(size_t D, po_mat *Sigma)
{
    if (Sigma->rows != D || Sigma->cols != D)
        return po_error(PO_ESHAPE, "chain covariance: Sigma is %zux%zu, expected %zux%zu",
                        Sigma->rows, Sigma->cols, D, D);
    return po_chain_cov_block(D, D, D, Sigma);
}

/* Symmetric B: Sigma = (I - B)^{-1} / 2 by a Cholesky factorisation of I - B,
 * which exists exactly when every eigenvalue of B is below 1. */
static po_status symmetric_cov(const po_mat *B, po_mat *Sigma)
{
    size_t D = B->rows;
    for (size_t i = 0; i < D; i++)
        for (size_t j = 0; j < D; j++)
            PO_MAT_AT(Sigma, i, j) = (i == j ? 1.0 : 0.0) - PO_MAT_AT(B, i, j);
    po_status st = po_la_cholesky(Sigma);
    if (st == PO_ESINGULAR) {
        /* Name the offending eigenvalue (the error path can afford dsyevd). */
        po_mat *E = po_mat_dup(B);
        double *w = E ? malloc(D * sizeof *w) : NULL;
        if (w && po_la_eigh(E, w) == PO_OK)
            st = po_error(PO_EUNSTABLE,
                          "teacher B (symmetric) has the eigenvalue %.6g >= 1: B - I is not "
                          "stable, so no stationary covariance exists",
                          w[D - 1]);
        else
            st = po_error(PO_EUNSTABLE,
                          "teacher B (symmetric) has an eigenvalue >= 1: B - I is not stable, so "
                          "no stationary covariance exists");
        free(w);
        po_mat_free(E);
        return st;
    }
    if (st == PO_OK) st = po_la_cholesky_inverse(Sigma);
    if (st != PO_OK) return st;
    for (size_t i = 0; i < D; i++)
        for (size_t j = 0; j < D; j++) PO_MAT_AT(Sigma, i, j) *= 0.5;
    return PO_OK;
}

po_status po_stationary_cov(const po_mat *B, const po_cov_opts *opts, po_mat *Sigma,
                            po_cov_method *used)
{
    const char *why = po_cov_opts_check(opts);
    if (why) return po_error(PO_EINVAL, "stationary covariance: %s", why);
    size_t D = B->rows;
    if (B->cols != D)
        return po_error(PO_ESHAPE, "stationary covariance: teacher W must be square, got %zux%zu",
                        B->rows, B->cols);
    if (Sigma->rows != D || Sigma->cols != D)
        return po_error(PO_ESHAPE, "stationary covariance: Sigma is %zux%zu, expected %zux%zu",
                        Sigma->rows, Sigma->cols, D, D);
    po_status st = po_mat_check_finite(B, "teacher W");
    if (st == PO_OK)
        st = po_mem_reserve_check(po_mem_doubles(6.0 * (double)D * (double)D),
                                  "Lyapunov workspace");
    if (st != PO_OK) return st;
    po_cov_method m = PO_COV_SCHUR;
    if (opts->closed_forms && opts->noise_corr == 0.0) {
        if (po_theory_is_chain(B))
            m = PO_COV_CHAIN;
        else if (po_theory_is_symmetric(B))
            m = PO_COV_SYMMETRIC;
    }
    if (m == PO_COV_CHAIN) {
        st = po_chain_cov(D, Sigma);
    } else if (m == PO_COV_SYMMETRIC) {
        st = symmetric_cov(B, Sigma);
    } else {
        po_mat *A = po_mat_dup(B), *N = po_mat_alloc(D, D);
        if (!A || !N) {
            st = po_error(PO_ENOMEM, "stationary covariance: cannot allocate %zux%zu matrices", D, D);
        } else {
            double c = opts->noise_corr;
            for (size_t i = 0; i < D; i++) {
                PO_MAT_AT(A, i, i) -= 1.0;
                for (size_t j = 0; j < D; j++) PO_MAT_AT(N, i, j) = c + (i == j ? 1.0 - c : 0.0);
            }
            st = po_lyapunov_solve_named(A, N, Sigma, 1.0, "teacher W");
        }
        po_mat_free(N);
        po_mat_free(A);
    }
    if (st == PO_OK && used) *used = m;
    return st;
}
