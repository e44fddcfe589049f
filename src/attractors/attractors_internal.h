/* Internal: pieces shared by the attractor analysis (src/attractors/). */
#ifndef PO_ATTRACTORS_INTERNAL_H
#define PO_ATTRACTORS_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>

#include "partobs/attractors.h"

/* d[i] = phi'(x[i]). */
void po_att_phi_deriv(po_phi phi, const double *x, double *d, size_t n);

/* po_network_flow with workspace p and dp (n each); J may be NULL. */
void po_att_flow_ws(const po_network *net, const double *x, double *f, po_mat *J, double *p,
                    double *dp);

/* The range structure of W found once by an SVD. Every fixed point of the
 * leaky-current flow, x = W phi(x), lies in range(W); for the leaky-rate flow
 * y = W x* satisfies y = W phi(y). So with U (n x r, orthonormal columns
 * spanning range W) and B = U^T W (r x n), W = U B and every fixed point
 * comes from a solution c (length r) of
 *     G(c) = -c + B phi(U c) = 0,
 * with x* = U c (current) or x* = phi(U c) (rate). The n eigenvalues of the
 * full Jacobian at x* are -1 + eig(B diag(phi'(U c)) U) (r of them; the
 * non-zero eigenvalues of U B D equal those of B D U, and D U B likewise)
 * and -1 repeated n - r times. Noise-free trajectories advance as
 * X W^T = (X B^T) U^T, O(n r) per state instead of O(n^2). Used when
 * 1 <= r <= n / 4. */
typedef struct po_att_struct {
    size_t n, r;
    bool lowrank;
    po_mat *U; /* n x r (lowrank only) */
    po_mat *B; /* r x n (lowrank only) */
} po_att_struct;

/* Relative singular value threshold for the numerical rank. */
#define PO_ATT_RANK_RTOL 1e-10

po_status po_att_struct_init(const po_network *net, po_att_struct *s);
void po_att_struct_release(po_att_struct *s);

/* Validate a network (square, finite W, alpha in (0, 1]): PO_OK or an error. */
po_status po_att_check_network(const po_network *net, const char *who);

/* A Newton / Levenberg-Marquardt solver for G(z) = 0 in m dimensions
 * (m = n for the full flow, m = r for the reduced low-rank problem), with its
 * workspace allocated once. */
typedef struct po_att_newton po_att_newton;

po_status po_att_newton_alloc(const po_network *net, const po_att_struct *s,
                              po_att_newton **out);
void po_att_newton_free(po_att_newton *nw);

/* Dimension m of the solver's unknown. */
size_t po_att_newton_dim(const po_att_newton *nw);

/* Map a state x (length n) to a starting unknown z (length m). */
void po_att_newton_start(const po_att_newton *nw, const double *x, double *z);

/* Minimise q = |G|^2 / 2 from z (in place) for at most max_iter iterations.
 * Returns the final q; *converged when q <= tol (1 + |z|^2). */
double po_att_newton_solve(po_att_newton *nw, double *z, size_t max_iter, double tol,
                           bool *converged);

/* The state x (length n) of the unknown z. */
void po_att_newton_state(const po_att_newton *nw, const double *z, double *x);

/* Eigenvalues (n, descending real part) of the full Jacobian at the state of
 * z; q (|F(x)|^2 / 2 of the full flow) at the same time. */
po_status po_att_newton_classify(po_att_newton *nw, const double *z, double *eig_re,
                                 double *eig_im, double *q);

/* Kind from eigenvalues (stable if all Re < 0, unstable if all Re > 0). */
po_fp_kind po_att_kind(const double *re, size_t n);

double po_att_norm(const double *x, size_t n);
double po_att_dist(const double *x, const double *y, size_t n);

/* po_find_fixed_points on a prepared structure (options already checked). */
po_status po_att_find_fixed_points(const po_network *net, const po_att_struct *s,
                                   const po_fp_opts *opts, po_fixed_points **out);

/* po_find_limit_sets on a prepared structure (options already checked); when
 * snapshots is not NULL it receives states along every trajectory (after
 * 100, 400, 1600, ... steps and at the end; rows), starts for the fixed-point
 * search. */
po_status po_att_find_limit_sets(const po_network *net, const po_att_struct *s,
                                 const po_limit_opts *opts, po_limit_sets **out,
                                 po_mat **snapshots);

#endif
