/* Internal helpers shared by the theory sources (SPEC.md §4.3). */
#ifndef PARTOBS_THEORY_INTERNAL_H
#define PARTOBS_THEORY_INTERNAL_H

#include <stdbool.h>

#include "partobs/theory.h"

/* B is exactly the pure chain: ones on the superdiagonal, zeros elsewhere. */
bool po_theory_is_chain(const po_mat *B);

/* B is exactly symmetric. */
bool po_theory_is_symmetric(const po_mat *B);

/* po_lyapunov_solve, reporting an unstable eigenvalue lambda of A as
 * lambda + shift of `what` (the teacher B = A + I: shift 1, "teacher B"). */
po_status po_lyapunov_solve_named(const po_mat *A, const po_mat *Q, po_mat *X, double shift,
                                  const char *what);

/* The curves' shared set-up (curves_compute.c): G (dmax x dmax) = the
 * leading block of B Sigma and, when rho == 0, *Rinv = the inverse of the
 * upper Cholesky factor of Sigma[0:dmax, 0:dmax] (else *Rinv = NULL). */
po_status po_curves_prepare_(const po_mat *B, const po_mat *Sigma, size_t dmax, double rho,
                             po_mat *G, po_mat **Rinv);

/* The student of one d from that set-up: A (d x d, contiguous) =
 * G_dd R^{-1}_dd (R^{-1}_dd)^T, or with Rinv NULL, G_dd (Sigma_dd + rho I)^{-1}
 * using s (d*d doubles) as scratch. */
po_status po_curves_student_(const po_mat *G, const po_mat *Rinv, const po_mat *Sigma, double rho,
                             size_t d, po_mat *A, double *s);

#endif
