/* Internal: BPTT with generalized teacher forcing (SPEC.md §4.7), the pieces
 * shared by training (bptt.c) and the single-window gradient used by tests.
 *
 * Notation (window of `window` rows y_0 .. y_{Tw-1} of the data, N = d + H
 * units, F(u) = (1 - alpha) u + alpha W tanh(u)):
 *   z_0 = [y_0; 0],  z_{k+1} = F(u_k),  u_k = z_k with its observed part
 *   replaced by y_k when step k is forced (k >= 1; step 0 is never forced:
 *   z_0 already holds y_0).
 *   Aligned loss:         sum_{j=1}^{Tw-1} |tanh(z_j,obs) - tanh(y_j)|^2, K = Tw - 1 steps.
 *   reference_shift loss: sum_{j=2}^{Tw}   |tanh(z_j,obs) - tanh(y_{j-1})|^2, K = Tw steps.
 * The coin of step k (1 <= k <= Tw - 1) is force[k - 1]; the aligned loss
 * never takes step Tw - 1, so it ignores force[Tw - 2].
 *
 * A mini-batch of nb windows is advanced together: the states of step k are
 * an nb x N block (one row per window), so each step is one product with W.
 */
#ifndef PO_FIT_BPTT_INTERNAL_H
#define PO_FIT_BPTT_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>

#include "partobs/fit.h"

typedef struct bptt_ws {
    size_t d, n;      /* observed units, all units (d + H) */
    size_t seq_len;   /* rows per window */
    size_t steps;     /* K: seq_len - 1, or seq_len with the reference shift */
    size_t bmax;      /* largest mini-batch */
    double alpha;
    bool shift;
    double *R;        /* steps blocks of nb x n: tanh(u_k), k = 0 .. K-1 */
    double *L;        /* steps blocks of nb x n: the adjoint dLoss/dz_{k+1}, k = 0 .. K-1 */
    double *E;        /* steps blocks of nb x d: dLoss_j/dz_j,obs for j = k + 1 */
    double *Z;        /* nb x n: the current state */
    double *T;        /* nb x n: scratch for lambda W */
} bptt_ws;

/* Workspace for windows of opts->seq_len rows, d observed and opts->hidden
 * hidden units, mini-batches of up to bmax windows. PO_ENOMEM on failure. */
po_status bptt_ws_init(bptt_ws *ws, size_t d, const po_bptt_opts *opts, size_t bmax);
void bptt_ws_free(bptt_ws *ws);

/* Loss and gradient G (n x n, overwritten) of the nb windows starting at rows
 * starts[b] of Y, summed over the mini-batch; TY = tanh(Y) (same shape as Y,
 * any ld); force has window - 1 entries (0/1, NULL = never forced). The
 * caller guarantees starts[b] + window <= Y->rows. Returns the loss. */
double bptt_batch_grad(bptt_ws *ws, const po_mat *Y, const po_mat *TY, const size_t *starts,
                       size_t nb, const unsigned char *force, const po_mat *W, po_mat *G);

/* ---- optimizers (bptt_optim.c), PyTorch semantics ------------------------- */

typedef struct bptt_optim {
    po_optimizer kind;
    double lr, momentum, beta1, beta2, eps;
    size_t n;         /* number of parameters */
    size_t t;         /* steps taken */
    double *m;        /* SGD: momentum buffer v; Adam: first moment */
    double *v;        /* Adam: second moment (NULL for SGD) */
} bptt_optim;

po_status bptt_optim_init(bptt_optim *o, const po_bptt_opts *opts, size_t n);
void bptt_optim_free(bptt_optim *o);
/* One update of the n parameters w with gradient g. */
void bptt_optim_step(bptt_optim *o, double *w, const double *g);

#endif
