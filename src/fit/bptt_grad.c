/* BPTT: loss and exact gradient of a mini-batch of windows (SPEC.md §4.7;
 * notation in bptt_internal.h).
 *
 * Forward: per step, R_k = tanh(u_k) for the whole nb x N block (vectorised
 * tanh) and z_{k+1} = (1 - alpha) u_k + alpha R_k W^T as one in-place gemm.
 * R_k and the loss derivative e_j are stored for the backward pass, nothing
 * else: tanh of a forced observed coordinate is tanh(y), taken from TY, and
 * tanh of an unforced one is already in R_k.
 *
 * Backward (reverse mode), with lambda_j = dLoss/dz_j (row vectors):
 *   mu_k     = (1 - alpha) lambda_{k+1} + alpha (lambda_{k+1} W) .* (1 - R_k^2)
 *   lambda_k = mu_k, observed part zeroed when step k is forced (the forced
 *              coordinates were replaced by data, so nothing flows back
 *              through them), plus e_k on the observed part.
 *   dLoss/dW = alpha sum_k lambda_{k+1}^T R_k,
 * the last as one gemm over all K nb rows once the adjoints are stored.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "fit/bptt_internal.h"
#include "linalg/linalg.h"

po_status bptt_ws_init(bptt_ws *ws, size_t d, const po_bptt_opts *opts, size_t bmax)
{
    memset(ws, 0, sizeof *ws);
    ws->d = d;
    ws->n = d + opts->hidden;
    ws->seq_len = opts->seq_len;
    ws->shift = opts->reference_shift;
    ws->steps = opts->seq_len - (ws->shift ? 0 : 1);
    ws->bmax = bmax;
    ws->alpha = opts->alpha;
    size_t block = bmax * ws->n;
    if ((ws->n && bmax > SIZE_MAX / ws->n) ||
        (block && ws->steps > SIZE_MAX / 2 / block))
        return po_error(PO_ENOMEM, "BPTT workspace: %zu steps x %zu windows x %zu units overflow",
                        ws->steps, bmax, ws->n);
    ws->R = po_alloc_doubles(ws->steps * block, false);
    ws->L = po_alloc_doubles(ws->steps * block, false);
    ws->E = po_alloc_doubles(ws->steps * bmax * d, true);
    ws->Z = po_alloc_doubles(block, false);
    ws->T = po_alloc_doubles(block, false);
    if (!ws->R || !ws->L || !ws->E || !ws->Z || !ws->T) {
        bptt_ws_free(ws);
        return po_error(PO_ENOMEM, "BPTT workspace: %zu steps x %zu windows x %zu units",
                        ws->steps, bmax, ws->n);
    }
    return PO_OK;
}

void bptt_ws_free(bptt_ws *ws)
{
    free(ws->R);
    free(ws->L);
    free(ws->E);
    free(ws->Z);
    free(ws->T);
    memset(ws, 0, sizeof *ws);
}

/* Does state j enter the loss, and with which data row (window-relative)? */
static bool has_loss(const bptt_ws *ws, size_t j) { return j >= (ws->shift ? 2u : 1u); }
static size_t target_row(const bptt_ws *ws, size_t j) { return ws->shift ? j - 1 : j; }

static bool forced(const unsigned char *force, size_t k) { return k >= 1 && force && force[k - 1]; }

/* The loss term of state j from tz = tanh(z_j,obs) for each window; its
 * derivative 2 (tz - ty)(1 - tz^2) goes to e (nb x d). */
static double loss_term(const bptt_ws *ws, const po_mat *TY, const size_t *starts, size_t nb,
                        size_t j, const double *tz, size_t tz_ld, double *e)
{
    size_t d = ws->d, row = target_row(ws, j);
    double loss = 0.0;
    for (size_t b = 0; b < nb; b++) {
        const double *ty = TY->data + (starts[b] + row) * TY->ld, *t = tz + b * tz_ld;
        double *eb = e + b * d;
        for (size_t i = 0; i < d; i++) {
            double r = t[i] - ty[i];
            loss += r * r;
            eb[i] = 2.0 * r * (1.0 - t[i] * t[i]);
        }
    }
    return loss;
}

double bptt_batch_grad(bptt_ws *ws, const po_mat *Y, const po_mat *TY, const size_t *starts,
                       size_t nb, const unsigned char *force, const po_mat *W, po_mat *G)
{
    const size_t d = ws->d, n = ws->n, K = ws->steps, blk = nb * n;
    const double a = ws->alpha;
    po_mat Z = po_mat_view(ws->Z, nb, n, n);
    double loss = 0.0;

    for (size_t b = 0; b < nb; b++) {
        memcpy(ws->Z + b * n, Y->data + starts[b] * Y->ld, d * sizeof(double));
        memset(ws->Z + b * n + d, 0, (n - d) * sizeof(double));
    }
    for (size_t k = 0; k < K; k++) {
        double *Rk = ws->R + k * blk;
        po_phi_apply(PO_PHI_TANH, ws->Z, Rk, blk);
        if (has_loss(ws, k))
            loss += loss_term(ws, TY, starts, nb, k, Rk, n, ws->E + (k - 1) * nb * d);
        if (forced(force, k))
            for (size_t b = 0; b < nb; b++) {
                size_t row = starts[b] + k;
                memcpy(ws->Z + b * n, Y->data + row * Y->ld, d * sizeof(double));
                memcpy(Rk + b * n, TY->data + row * TY->ld, d * sizeof(double));
            }
        po_mat R = po_mat_view(Rk, nb, n, n);
        po_la_gemm(false, true, a, &R, W, 1.0 - a, &Z);
    }
    /* The final state z_K: its tanh goes to T (scratch until the backward pass). */
    po_phi_apply(PO_PHI_TANH, ws->Z, ws->T, blk);
    loss += loss_term(ws, TY, starts, nb, K, ws->T, n, ws->E + (K - 1) * nb * d);

    /* lambda_K: the loss derivative on the observed part, 0 on the hidden. */
    double *LK = ws->L + (K - 1) * blk;
    memset(LK, 0, blk * sizeof(double));
    for (size_t b = 0; b < nb; b++)
        memcpy(LK + b * n, ws->E + (K - 1) * nb * d + b * d, d * sizeof(double));
    po_mat Tm = po_mat_view(ws->T, nb, n, n);
    for (size_t k = K - 1; k >= 1; k--) {
        double *Lnext = ws->L + k * blk, *Lk = ws->L + (k - 1) * blk;
        const double *Rk = ws->R + k * blk;
        po_mat Ln = po_mat_view(Lnext, nb, n, n);
        po_la_gemm(false, false, 1.0, &Ln, W, 0.0, &Tm);
        for (size_t i = 0; i < blk; i++)
            Lk[i] = (1.0 - a) * Lnext[i] + a * ws->T[i] * (1.0 - Rk[i] * Rk[i]);
        bool f = forced(force, k), l = has_loss(ws, k);
        if (f || l)
            for (size_t b = 0; b < nb; b++) {
                double *lo = Lk + b * n;
                const double *e = ws->E + (k - 1) * nb * d + b * d;
                for (size_t i = 0; i < d; i++) lo[i] = (f ? 0.0 : lo[i]) + (l ? e[i] : 0.0);
            }
    }
    po_mat Lall = po_mat_view(ws->L, K * nb, n, n), Rall = po_mat_view(ws->R, K * nb, n, n);
    po_la_gemm(true, false, a, &Lall, &Rall, 0.0, G);
    return loss;
}
