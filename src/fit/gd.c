/* Gradient descent on the MAP loss (SPEC.md §4.4).
 *
 * With S = Phi Phi^T and C = (X+ - (1-alpha) X) Phi^T (sums over time, the
 * same sums as the closed-form fit), the gradient is
 *   G = alpha ((1-alpha) X + alpha W Phi - X+) Phi^T + rho W = alpha (alpha W S - C) + rho W
 * and the loss ||X+ - (1-alpha) X - alpha W Phi||^2 + rho ||W||^2 is
 *   ssq - 2 alpha <W, C> + alpha^2 <W S, W> + rho ||W||^2.
 * The data are read once for S and C; each iteration then costs one d x d
 * product, whatever T is.
 */
#include "core/progress.h"
#include "partobs/fit.h"

#include <math.h>
#include <stdlib.h>

#include "core/alloc.h"
#include "fit/learn_util.h"
#include "linalg/linalg.h"

po_gd_opts po_gd_opts_defaults(void)
{
    return (po_gd_opts){.phi = PO_PHI_LINEAR,
                        .alpha = 0.01,
                        .rho = 0.0,
                        .lr = 1e-2,
                        .iters = 10000,
                        .progress = NULL,
                        .progress_user = NULL};
}

const char *po_gd_opts_check(const po_gd_opts *o)
{
    if (!o) return "options are NULL";
    if (o->phi != PO_PHI_LINEAR && o->phi != PO_PHI_TANH) return "phi must be linear or tanh";
    if (!(o->alpha > 0.0 && o->alpha <= 1.0)) return "alpha must be in (0, 1]";
    if (!(o->rho >= 0.0 && isfinite(o->rho))) return "rho must be finite and >= 0";
    if (!(o->lr > 0.0 && isfinite(o->lr))) return "learning rate must be finite and > 0";
    return NULL;
}

static po_status check_args(const po_mat *Y, const po_gd_opts *o, const po_mat *W_hat)
{
    if (!Y || !o || !W_hat) return po_error(PO_EINVAL, "gd: NULL argument");
    const char *why = po_gd_opts_check(o);
    if (why) return po_error(PO_EINVAL, "gd: invalid options: %s", why);
    if (Y->cols == 0) return po_error(PO_ESHAPE, "gd: Y has no columns (T x 0)");
    if (Y->rows < 2)
        return po_error(PO_ESHAPE, "gd: Y has %zu rows, need at least 2 time steps", Y->rows);
    if (W_hat->rows != Y->cols || W_hat->cols != Y->cols)
        return po_error(PO_ESHAPE, "gd: W_hat is %zux%zu, expected %zux%zu", W_hat->rows,
                        W_hat->cols, Y->cols, Y->cols);
    po_status st = po_learn_check_init(o->init, Y->cols, "d x d", "gd");
    return st == PO_OK ? po_mat_check_finite(Y, "gd: Y") : st;
}

/* S (full), C and ssq = ||X+ - (1-alpha) X||^2 from Y. */
static po_status data_sums(const po_mat *Y, const po_gd_opts *o, po_mat *S, po_mat *C,
                           double *ssq)
{
    size_t d = Y->cols, T = Y->rows - 1;
    double *del = po_alloc_doubles(T * d, false), *phi = po_alloc_doubles(T * d, false);
    if (!del || !phi) {
        free(del);
        free(phi);
        return po_error(PO_ENOMEM, "gd: cannot allocate the %zu x %zu workspace", T, d);
    }
    double s = 0.0;
    for (size_t t = 0; t < T; t++) {
        const double *x = Y->data + t * Y->ld, *xp = x + Y->ld;
        for (size_t j = 0; j < d; j++) {
            double v = xp[j] - (1.0 - o->alpha) * x[j];
            del[t * d + j] = v;
            s += v * v;
        }
        po_phi_apply(o->phi, x, phi + t * d, d);
    }
    po_mat D = po_mat_view(del, T, d, d), P = po_mat_view(phi, T, d, d);
    po_la_syrk_t(1.0, &P, 0.0, S);
    po_la_symmetrize_upper(S);
    po_la_gemm(true, false, 1.0, &D, &P, 0.0, C);
    free(del);
    free(phi);
    *ssq = s;
    if (!isfinite(s) || !po_learn_all_finite(S->data, d * d) ||
        !po_learn_all_finite(C->data, d * d))
        return po_error(PO_ENONFINITE, "gd: Y: values too large: the sums overflow (rescale the data)");
    return PO_OK;
}

/* G = alpha (alpha W S - C) + rho W, with WS = W S; returns the loss. */
static double gradient(const po_mat *W, const po_mat *S, const po_mat *C, double ssq,
                       const po_gd_opts *o, po_mat *WS, po_mat *G)
{
    size_t nn = W->rows * W->cols;
    po_la_gemm_rows(false, 1.0, W, S, 0.0, WS);
    const double *w = W->data, *ws = WS->data, *c = C->data;
    double a = o->alpha, wc = po_learn_dot(w, c, nn), wsw = po_learn_dot(ws, w, nn),
           ww = po_learn_dot(w, w, nn);
    for (size_t i = 0; i < nn; i++) G->data[i] = a * (a * ws[i] - c[i]) + o->rho * w[i];
    return ssq - 2.0 * a * wc + a * a * wsw + o->rho * ww;
}

po_status po_fit_gd(const po_mat *Y, const po_gd_opts *opts, po_mat *W_hat, po_gd_info *info)
{
    po_status st = check_args(Y, opts, W_hat);
    if (st == PO_OK)
        st = po_mem_reserve_check(po_mem_doubles(5.0 * (double)Y->cols * (double)Y->cols),
                                  "gradient-descent workspace");
    if (st != PO_OK) return st;
    size_t d = Y->cols, nn = d * d;
    po_mat *S = po_mat_alloc(d, d), *C = po_mat_alloc(d, d), *W = po_mat_alloc(d, d),
           *WS = po_mat_alloc(d, d), *G = po_mat_alloc(d, d);
    double ssq = 0.0;
    if (!S || !C || !W || !WS || !G) {
        st = PO_ENOMEM;
        goto done;
    }
    st = data_sums(Y, opts, S, C, &ssq);
    if (st == PO_OK && opts->init) st = po_mat_copy(W, opts->init);
    if (st != PO_OK) goto done;
    double loss = 0.0, last = (double)NAN;
    for (size_t it = 0; it < opts->iters; it++) {
        loss = gradient(W, S, C, ssq, opts, WS, G);
        if (!isfinite(loss)) {
            st = po_error(PO_EDIVERGED,
                          "gd: the loss became non-finite at iteration %zu of %zu; last finite "
                          "loss %.6g (lower the learning rate)",
                          it + 1, opts->iters, last);
            goto done;
        }
        last = loss;
        for (size_t i = 0; i < nn; i++) W->data[i] -= opts->lr * G->data[i];
        if ((it + 1) % 64 == 0 || it + 1 == opts->iters) {
            st = po_progress_call_(opts->progress, opts->progress_user, it + 1, opts->iters,
                                   "gd");
            if (st != PO_OK) goto done;
        }
    }
    loss = gradient(W, S, C, ssq, opts, WS, G);
    if (!isfinite(loss) || !po_learn_all_finite(W->data, nn)) {
        st = po_error(PO_EDIVERGED,
                      "gd: the loss became non-finite after the last iteration (%zu); last "
                      "finite loss %.6g (lower the learning rate)",
                      opts->iters, last);
        goto done;
    }
    st = po_mat_copy(W_hat, W);
    if (st == PO_OK && info)
        *info = (po_gd_info){.iters = opts->iters,
                             .loss = loss,
                             .grad_norm = sqrt(po_learn_dot(G->data, G->data, nn))};
done:
    po_mat_free(G);
    po_mat_free(WS);
    po_mat_free(W);
    po_mat_free(C);
    po_mat_free(S);
    return st;
}
