/* BPTT training with generalized teacher forcing (SPEC.md §4.7): options,
 * the epoch loop and the single-window gradient. The gradient itself is in
 * bptt_grad.c, the optimizers in bptt_optim.c.
 *
 * Random draws (PO_STREAM_FIT of opts->seed), in this order, which is part
 * of what a seed reproduces:
 *   1. W: (d+H)^2 normals, row by row, times init_scale / sqrt(d+H);
 *   2. every epoch: a Fisher-Yates shuffle of the windows (i = nw-1 .. 1 swaps
 *      window i with window po_rng_below(i + 1)); then, for each mini-batch in
 *      the shuffled order, window - 1 coins u < beta (po_rng_uniform), coin
 *      k - 1 forcing step k (bptt_internal.h) for the whole mini-batch.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/progress.h"
#include "core/alloc.h"
#include "fit/bptt_internal.h"
#include "fit/learn_util.h"

po_bptt_opts po_bptt_opts_defaults(void)
{
    return (po_bptt_opts){.alpha = 0.01,
                          .hidden = 0,
                          .seq_len = 500,
                          .batch = 16,
                          .epochs = 100,
                          .optimizer = PO_OPT_SGD,
                          .lr = 0.01,
                          .momentum = 0.9,
                          .beta1 = 0.9,
                          .beta2 = 0.999,
                          .eps = 1e-8,
                          .beta = 0.5,
                          .init_scale = 0.1,
                          .reference_shift = false,
                          .t0 = 0,
                          .t1 = 0,
                          .seed = PO_DEFAULT_SEED,
                          .progress = NULL,
                          .progress_user = NULL};
}

const char *po_bptt_opts_check(const po_bptt_opts *o)
{
    if (!o) return "options are NULL";
    if (!(o->alpha > 0.0 && o->alpha <= 1.0)) return "alpha must be in (0, 1]";
    if (o->seq_len < 2) return "seq_len (the sequence length of a training window) must be at least 2";
    if (o->batch == 0) return "batch must be at least 1";
    if (o->epochs == 0) return "epochs must be at least 1";
    if (o->optimizer != PO_OPT_SGD && o->optimizer != PO_OPT_ADAM)
        return "optimizer must be sgd or adam";
    if (!(o->lr > 0.0 && isfinite(o->lr))) return "learning rate must be finite and > 0";
    if (!(o->momentum >= 0.0 && o->momentum < 1.0)) return "momentum must be in [0, 1)";
    if (!(o->beta1 >= 0.0 && o->beta1 < 1.0)) return "Adam beta1 must be in [0, 1)";
    if (!(o->beta2 >= 0.0 && o->beta2 < 1.0)) return "Adam beta2 must be in [0, 1)";
    if (!(o->eps > 0.0 && isfinite(o->eps))) return "Adam eps must be finite and > 0";
    if (!(o->beta >= 0.0 && o->beta <= 1.0)) return "forcing probability beta must be in [0, 1]";
    if (!(o->init_scale >= 0.0 && isfinite(o->init_scale)))
        return "init_scale must be finite and >= 0";
    if (o->t1 != 0 && o->t1 <= o->t0) return "window of rows t0:t1 must have t1 > t0";
    return NULL;
}

size_t po_bptt_windows(size_t rows, size_t window)
{
    if (window < 2 || rows < window) return 0;
    size_t k = 2 * (rows / window) + 2 * (rows % window) / window; /* floor(2 rows / window) */
    return k >= 3 ? k - 2 : 1;
}

/* Rows [t0, t1) of Y after the checks shared by training and window_grad. */
static po_status check_common(const po_mat *Y, const po_bptt_opts *opts, const po_mat *W,
                              const char *wname)
{
    if (!Y || !opts || !W) return po_error(PO_EINVAL, "BPTT: NULL argument");
    const char *why = po_bptt_opts_check(opts);
    if (why) return po_error(PO_EINVAL, "BPTT options: %s", why);
    if (Y->cols == 0 || Y->rows == 0)
        return po_error(PO_ESHAPE, "BPTT: Y is %zux%zu; need at least one row and one column",
                        Y->rows, Y->cols);
    size_t n = Y->cols + opts->hidden;
    if (opts->hidden > SIZE_MAX / 2 - Y->cols)
        return po_error(PO_EINVAL, "BPTT: %zu hidden units is too many", opts->hidden);
    if (W->rows != n || W->cols != n)
        return po_error(PO_ESHAPE,
                        "BPTT: %s must be %zux%zu (d = %zu observed + H = %zu hidden), got %zux%zu",
                        wname, n, n, Y->cols, opts->hidden, W->rows, W->cols);
    return PO_OK;
}

/* tanh of rows [t0, t0 + rows) of Y into a new contiguous matrix. */
static po_mat *tanh_rows(const po_mat *Y, size_t t0, size_t rows)
{
    po_mat *TY = po_mat_alloc(rows, Y->cols);
    if (!TY) return NULL;
    for (size_t t = 0; t < rows; t++)
        po_phi_apply(PO_PHI_TANH, Y->data + (t0 + t) * Y->ld, TY->data + t * Y->cols, Y->cols);
    return TY;
}

static po_status check_rows_finite(const po_mat *Y, size_t t0, size_t t1)
{
    for (size_t t = t0; t < t1; t++)
        for (size_t j = 0; j < Y->cols; j++)
            if (!isfinite(PO_MAT_AT(Y, t, j)))
                return po_error(PO_ENONFINITE, "Y: non-finite value (%g) at row %zu, column %zu",
                                PO_MAT_AT(Y, t, j), t, j);
    return PO_OK;
}

po_status po_bptt_window_grad(const po_mat *Y, const po_bptt_opts *opts, const po_mat *W,
                              size_t start, const unsigned char *force, double *loss,
                              po_mat *grad)
{
    po_status st = check_common(Y, opts, W, "W");
    if (st != PO_OK) return st;
    if (!loss || !grad) return po_error(PO_EINVAL, "BPTT window gradient: NULL argument");
    if (grad->rows != W->rows || grad->cols != W->cols)
        return po_error(PO_ESHAPE, "BPTT window gradient: grad must be %zux%zu, got %zux%zu",
                        W->rows, W->cols, grad->rows, grad->cols);
    if (start > Y->rows || Y->rows - start < opts->seq_len)
        return po_error(PO_EINVAL, "BPTT window gradient: rows %zu..%zu are outside Y (%zu rows)",
                        start, start + opts->seq_len - 1, Y->rows);
    if ((st = check_rows_finite(Y, start, start + opts->seq_len)) != PO_OK) return st;
    st = po_mat_check_finite(W, "BPTT window gradient: W");
    if (st != PO_OK) return st;

    po_mat Yw = po_mat_block(Y, start, 0, opts->seq_len, Y->cols);
    po_mat *TY = tanh_rows(Y, start, opts->seq_len);
    bptt_ws ws;
    memset(&ws, 0, sizeof ws);
    st = TY ? bptt_ws_init(&ws, Y->cols, opts, 1)
            : po_error(PO_ENOMEM, "BPTT window gradient: %zu x %zu window", opts->seq_len, Y->cols);
    if (st == PO_OK) {
        size_t s0 = 0;
        *loss = bptt_batch_grad(&ws, &Yw, TY, &s0, 1, force, W, grad);
    }
    bptt_ws_free(&ws);
    po_mat_free(TY);
    return st;
}

/* ---- training -------------------------------------------------------------- */

typedef struct trainer {
    bptt_ws ws;
    bptt_optim opt;
    po_mat *W, *G, *TY;
    size_t *order, *starts;
    unsigned char *coins;
} trainer;

static void trainer_free(trainer *tr)
{
    bptt_ws_free(&tr->ws);
    bptt_optim_free(&tr->opt);
    po_mat_free(tr->W);
    po_mat_free(tr->G);
    po_mat_free(tr->TY);
    free(tr->order);
    free(tr->starts);
    free(tr->coins);
}

/* The PO_EDIVERGED detail: where, what, and the last finite loss (of the
 * previous epoch, else of the previous mini-batch of the first epoch). */
static po_status diverged(const po_bptt_opts *o, size_t epoch, size_t batch, size_t nbatch,
                          const char *what, double last_epoch, double last_batch)
{
    char last[96];
    if (epoch > 1) snprintf(last, sizeof last, "%.9g (epoch %zu)", last_epoch, epoch - 1);
    else if (batch > 1) snprintf(last, sizeof last, "%.9g (mini-batch %zu)", last_batch, batch - 1);
    else snprintf(last, sizeof last, "none");
    return po_error(PO_EDIVERGED,
                    "BPTT diverged in epoch %zu of %zu, mini-batch %zu of %zu: %s; last finite "
                    "loss %s (learning rate %g, init_scale %g)",
                    epoch, o->epochs, batch, nbatch, what, last, o->lr, o->init_scale);
}

static bool all_finite(const double *x, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!isfinite(x[i])) return false;
    return true;
}

po_status po_fit_bptt(const po_mat *Y, const po_bptt_opts *opts, po_mat *W_hat,
                      po_bptt_info *info)
{
    po_status st = check_common(Y, opts, W_hat, "W_hat");
    if (st == PO_OK) {
        double n = (double)(Y->cols + opts->hidden);
        st = po_mem_reserve_check(po_mem_doubles((double)Y->rows * n * 4.0 + 8.0 * n * n),
                                  "BPTT workspace");
    }
    if (st != PO_OK) return st;
    size_t t1 = opts->t1 ? opts->t1 : Y->rows;
    if (t1 > Y->rows)
        return po_error(PO_EINVAL, "BPTT: rows %zu:%zu are outside Y (%zu rows)", opts->t0, t1,
                        Y->rows);
    size_t rows = t1 - opts->t0, d = Y->cols, n = d + opts->hidden, nn = n * n;
    st = po_learn_check_init(opts->init, n, "d + H units, observed first", "BPTT");
    if (st != PO_OK) return st;
    if (rows < opts->seq_len)
        return po_error(PO_EINVAL,
                        "BPTT: window of %zu steps is longer than the %zu rows %zu:%zu of Y",
                        opts->seq_len, rows, opts->t0, t1);
    if ((st = check_rows_finite(Y, opts->t0, t1)) != PO_OK) return st;

    const size_t nw = po_bptt_windows(rows, opts->seq_len), hop = opts->seq_len / 2;
    const size_t bmax = opts->batch < nw ? opts->batch : nw, steps = opts->seq_len - 1;
    trainer tr;
    memset(&tr, 0, sizeof tr);
    tr.W = po_mat_alloc(n, n);
    tr.G = po_mat_alloc(n, n);
    tr.TY = tanh_rows(Y, opts->t0, rows);
    tr.order = malloc(nw * sizeof *tr.order);
    tr.starts = malloc(bmax * sizeof *tr.starts);
    tr.coins = malloc(steps);
    if (!tr.W || !tr.G || !tr.TY || !tr.order || !tr.starts || !tr.coins) {
        trainer_free(&tr);
        return po_error(PO_ENOMEM, "BPTT: %zu x %zu weights, %zu rows of data", n, n, rows);
    }
    if ((st = bptt_ws_init(&tr.ws, d, opts, bmax)) != PO_OK ||
        (st = bptt_optim_init(&tr.opt, opts, nn)) != PO_OK) {
        trainer_free(&tr);
        return st;
    }

    po_rng rng;
    po_rng_init(&rng, opts->seed, PO_STREAM_FIT);
    po_rng_fill_normal(&rng, tr.W->data, nn, 1, opts->init_scale / sqrt((double)n));
    if (opts->init) st = po_mat_copy(tr.W, opts->init); /* the draws stay made: same stream */
    for (size_t i = 0; i < nw; i++) tr.order[i] = i;
    po_mat Yv = po_mat_block(Y, opts->t0, 0, rows, d);
    const size_t nbatch = (nw + bmax - 1) / bmax;
    double first = 0.0, last = 0.0, last_batch = 0.0;
    for (size_t e = 1; e <= opts->epochs && st == PO_OK; e++) {
        for (size_t i = nw - 1; i >= 1; i--) {
            size_t j = (size_t)po_rng_below(&rng, i + 1), tmp = tr.order[i];
            tr.order[i] = tr.order[j];
            tr.order[j] = tmp;
        }
        double epoch_loss = 0.0;
        for (size_t b0 = 0, batch = 1; b0 < nw; b0 += bmax, batch++) {
            size_t nb = nw - b0 < bmax ? nw - b0 : bmax;
            for (size_t b = 0; b < nb; b++) tr.starts[b] = tr.order[b0 + b] * hop;
            for (size_t k = 0; k < steps; k++)
                tr.coins[k] = po_rng_uniform(&rng) < opts->beta ? 1 : 0;
            double loss = bptt_batch_grad(&tr.ws, &Yv, tr.TY, tr.starts, nb, tr.coins, tr.W, tr.G);
            if (!isfinite(loss) || !all_finite(tr.G->data, nn)) {
                st = diverged(opts, e, batch, nbatch,
                              isfinite(loss) ? "non-finite gradient" : "non-finite loss", last,
                              last_batch);
                break;
            }
            bptt_optim_step(&tr.opt, tr.W->data, tr.G->data);
            if (!all_finite(tr.W->data, nn)) {
                st = diverged(opts, e, batch, nbatch, "non-finite weights after the update",
                              last, last_batch);
                break;
            }
            last_batch = loss;
            epoch_loss += loss;
        }
        if (st != PO_OK) break;
        if (e == 1) first = epoch_loss;
        last = epoch_loss;
        if (info && info->loss_trace) info->loss_trace[e - 1] = epoch_loss;
        st = po_progress_call_(opts->progress, opts->progress_user, e, opts->epochs, "bptt");
        if (st != PO_OK) break;
    }
    if (st == PO_OK) st = po_mat_copy(W_hat, tr.W);
    if (st == PO_OK && info) {
        info->windows = nw;
        info->epochs = opts->epochs;
        info->loss_first = first;
        info->loss_last = last;
    }
    trainer_free(&tr);
    return st;
}
