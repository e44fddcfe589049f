/* Internal: recursive least squares (RLS) for FORCE (SPEC.md §4.6).
 *
 * The readout J (m outputs x n regressors) is stored transposed, JT[j*m + i]
 * = J[i][j], so that both the product J r and the rank-one update
 * J -= c err k^T run along contiguous rows (axpy form, vectorised without
 * reductions). The inverse correlation matrix P (n x n) is symmetric: only
 * its upper triangle (row i, columns i..n-1, row stride n) is stored and
 * updated, which halves the update and keeps P exactly symmetric.
 *
 * One RLS step with regressor r and a-priori error err (m entries) is
 *   k = P r,  c = 1 / (1 + r^T k),  P <- P - c k k^T,  J <- J - c err k^T.
 * po_rls_update() also returns P_new r' and J_new r' for the next regressor
 * r', in the same sweep over P and J, so each step reads P and J once.
 * On fixed regressors and targets z_t, with err = J r_t - z_t, J_0 = 0 and
 * P_0 = p0 I, the steps give the batch ridge solution
 *   J = (sum_t z_t r_t^T) (sum_t r_t r_t^T + I / p0)^-1.
 */
#ifndef PARTOBS_FIT_RLS_H
#define PARTOBS_FIT_RLS_H

#include <stdbool.h>
#include <stddef.h>

/* P = p0 I (upper triangle; the strict lower triangle is left untouched). */
void po_rls_init(size_t n, double p0, double *P);

/* k = P r (n entries) and y = J r (m entries); k may be NULL. */
void po_rls_apply(size_t n, size_t m, const double *P, const double *JT, const double *r,
                  double *k, double *y);

/* One update with gain k = P r and c = 1 / (1 + r^T k) (computed by the
 * caller, who has r and k); if rn is not NULL, kn = P_new rn and
 * yn = J_new rn (kn, yn must not alias k, err or rn). */
void po_rls_update(size_t n, size_t m, double *P, double *JT, const double *k, const double *err,
                   double c, const double *rn, double *kn, double *yn);

#endif
