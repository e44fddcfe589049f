/* Internal: one noise-free Euler step of many states at once (SPEC.md §1.1
 * with v = 0), shared by the figure trajectories (src/dyn/trajectories.c)
 * and the limit-set search (src/attractors/limit_sets.c). */
#ifndef PARTOBS_SIM_EULER_BATCH_H
#define PARTOBS_SIM_EULER_BATCH_H

#include "partobs/mat.h"
#include "partobs/sim.h"

/* The states are the m rows of S (m x n, contiguous: ld == n, as are F and
 * P). S += alpha F(S), with F(S) left in F:
 *   leaky-current  F = W phi(S) - S     (P receives phi(S))
 *   leaky-rate     F = phi(W S) - S     (P unused)
 * W is the dense n x n W, or, when U is not NULL, the low-rank product U B
 * (U n x r, B r x n) applied in O(n r) per state with Tm (m x r) as scratch.
 * Every product is one gemm over the whole batch. */
void po_euler_batch_step(po_phi phi, po_leaky leaky, double alpha, const po_mat *W,
                         const po_mat *U, const po_mat *B, po_mat *S, po_mat *F, po_mat *P,
                         po_mat *Tm);

#endif
