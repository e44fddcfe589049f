/* FORCE / recursive least squares (SPEC.md §4.6; the CURBD training loop).
 *
 * Per pass over the window rows data[0 .. n-1]: H = data[0]; for tt = 1 .. n-1
 *   r = tanh(H);  H <- H + dt (-H + J r) / tau;
 *   err = r - tanh(data[tt-1]);  chi2 += mean(err^2);
 *   training passes: k = P r, c = 1 / (1 + r^T k), P -= c k k^T, J -= c err k^T.
 * The index alignment is the reference's: the model state after tt-1 updates
 * is compared with data sample tt-1, and the error uses the r that drove this
 * step's update of H (with J before this step's learning update).
 * The RLS sweeps (rls.h) also return P r' and J r' for the next r' = tanh(H),
 * so each step reads J and the upper triangle of P once.
 */
#include "core/progress.h"
#include "partobs/fit.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "fit/learn_util.h"
#include "fit/rls.h"

po_force_opts po_force_opts_defaults(void)
{
    return (po_force_opts){.alpha = 0.01,
                           .tau = 1.0,
                           .g = 1.5,
                           .p0 = 0.01,
                           .passes = 1000,
                           .free_passes = 0,
                           .t0 = 0,
                           .t1 = 0,
                           .seed = PO_DEFAULT_SEED,
                           .progress = NULL,
                           .progress_user = NULL};
}

const char *po_force_opts_check(const po_force_opts *o)
{
    if (!o) return "options are NULL";
    if (!(o->alpha > 0.0 && isfinite(o->alpha))) return "alpha must be finite and > 0";
    if (!(o->tau > 0.0 && isfinite(o->tau))) return "tau must be finite and > 0";
    if (!(o->g >= 0.0 && isfinite(o->g))) return "g must be finite and >= 0";
    if (!(o->p0 > 0.0 && isfinite(o->p0))) return "p0 must be finite and > 0";
    if (o->passes == 0 && o->free_passes == 0) return "passes + free passes must be at least 1";
    if (o->t1 != 0 && o->t1 < o->t0 + 2)
        return "the window [t0, t1) must hold at least 2 rows (t1 >= t0 + 2, or t1 = 0 for all rows)";
    return NULL;
}

typedef struct force_state {
    size_t d, n;          /* units, window rows */
    const double *phi;    /* n x d: tanh of the window */
    const double *data;   /* window row 0 of Y (its stride is ld) */
    double *P, *JT;       /* d x d each (rls.h layout) */
    double *H, *r, *rn, *k, *kn, *y, *yn, *err;
} force_state;

/* One pass; returns chi2 and the squared model error for pVar. */
static double run_pass(force_state *s, const po_force_opts *o, bool train, double *resid)
{
    size_t d = s->d;
    double a = o->alpha / o->tau, chi2 = 0.0, res = 0.0;
    memcpy(s->H, s->data, d * sizeof *s->H);
    po_phi_apply(PO_PHI_TANH, s->H, s->r, d);
    po_rls_apply(d, d, s->P, s->JT, s->r, train ? s->k : NULL, s->y);
    /* Column 0 of the model record is tanh(H0) = tanh(data[0]): it adds 0. */
    for (size_t tt = 1; tt < s->n; tt++) {
        const double *prev = s->phi + (tt - 1) * d, *cur = prev + d;
        double e2 = 0.0, m2 = 0.0;
        for (size_t i = 0; i < d; i++) {
            s->H[i] += a * (s->y[i] - s->H[i]);
            double e = s->r[i] - prev[i], m = cur[i] - s->r[i];
            s->err[i] = e;
            e2 += e * e;
            m2 += m * m;
        }
        chi2 += e2 / (double)d;
        res += m2;
        po_phi_apply(PO_PHI_TANH, s->H, s->rn, d);
        if (train) {
            double c = 1.0 / (1.0 + po_learn_dot(s->r, s->k, d));
            po_rls_update(d, d, s->P, s->JT, s->k, s->err, c, s->rn, s->kn, s->yn);
            double *t = s->k;
            s->k = s->kn;
            s->kn = t;
        } else {
            po_rls_apply(d, d, s->P, s->JT, s->rn, NULL, s->yn);
        }
        double *t = s->y;
        s->y = s->yn;
        s->yn = t;
        t = s->r;
        s->r = s->rn;
        s->rn = t;
    }
    *resid = res;
    return chi2;
}

static po_status check_args(const po_mat *Y, const po_force_opts *o, const po_mat *W_hat,
                            size_t *t1)
{
    if (!Y || !o || !W_hat) return po_error(PO_EINVAL, "force: NULL argument");
    const char *why = po_force_opts_check(o);
    if (why) return po_error(PO_EINVAL, "force: invalid options: %s", why);
    if (Y->cols == 0) return po_error(PO_ESHAPE, "force: Y has no columns (T x 0)");
    if (Y->rows < 2)
        return po_error(PO_ESHAPE, "force: Y has %zu rows, need at least 2 time steps",
                        Y->rows);
    *t1 = o->t1 ? o->t1 : Y->rows;
    if (*t1 > Y->rows || *t1 < o->t0 + 2)
        return po_error(PO_EINVAL,
                        "force: window %zu:%zu does not fit in the %zu rows of Y (need "
                        "t0 + 2 <= t1 <= T)",
                        o->t0, *t1, Y->rows);
    if (W_hat->rows != Y->cols || W_hat->cols != Y->cols)
        return po_error(PO_ESHAPE, "force: W_hat is %zux%zu, expected %zux%zu", W_hat->rows,
                        W_hat->cols, Y->cols, Y->cols);
    po_status st = po_learn_check_init(o->init, Y->cols, "d x d", "force");
    if (st != PO_OK) return st;
    po_mat win = po_mat_block(Y, o->t0, 0, *t1 - o->t0, Y->cols);
    return po_mat_check_finite(&win, "force: Y (window)");
}

/* Population standard deviation of the window (numpy's std, ddof 0). */
static double window_std(const po_mat *Y, size_t t0, size_t n)
{
    size_t d = Y->cols;
    double mean = 0.0, ss = 0.0;
    for (size_t t = 0; t < n; t++)
        for (size_t j = 0; j < d; j++) mean += PO_MAT_AT(Y, t0 + t, j);
    mean /= (double)(n * d);
    for (size_t t = 0; t < n; t++)
        for (size_t j = 0; j < d; j++) {
            double v = PO_MAT_AT(Y, t0 + t, j) - mean;
            ss += v * v;
        }
    return sqrt(ss / (double)(n * d));
}

po_status po_fit_force(const po_mat *Y, const po_force_opts *opts, po_mat *W_hat,
                       po_force_info *info)
{
    size_t t1 = 0;
    po_status st = check_args(Y, opts, W_hat, &t1);
    if (st == PO_OK) {
        double d = (double)Y->cols;
        st = po_mem_reserve_check(po_mem_doubles((double)(t1 - opts->t0) * d + 2.0 * d * d + 8.0 * d),
                                  "FORCE workspace");
    }
    if (st != PO_OK) return st;
    const po_force_opts *o = opts;
    size_t d = Y->cols, n = t1 - o->t0, total = o->passes + o->free_passes;
    double *phi = po_alloc_doubles(n * d, false);
    double *mats = po_alloc_doubles(2 * d * d, false);
    double *vecs = po_alloc_doubles(8 * d, true);
    if (!phi || !mats || !vecs) {
        st = po_error(PO_ENOMEM, "force: cannot allocate the workspace for a %zu x %zu window",
                      n, d);
        goto done;
    }
    force_state s = {.d = d, .n = n, .phi = phi, .data = Y->data + o->t0 * Y->ld, .P = mats,
                     .JT = mats + d * d, .H = vecs, .r = vecs + d, .rn = vecs + 2 * d,
                     .k = vecs + 3 * d, .kn = vecs + 4 * d, .y = vecs + 5 * d,
                     .yn = vecs + 6 * d, .err = vecs + 7 * d};
    for (size_t t = 0; t < n; t++)
        po_phi_apply(PO_PHI_TANH, Y->data + (o->t0 + t) * Y->ld, phi + t * d, d);

    /* J_0 = init or g N(0,1) / sqrt(d), drawn row by row (J[i][j] = JT[j][i]). */
    if (o->init) {
        for (size_t i = 0; i < d; i++)
            for (size_t j = 0; j < d; j++) s.JT[j * d + i] = PO_MAT_AT(o->init, i, j);
    } else {
        po_rng rng;
        po_rng_init(&rng, o->seed, PO_STREAM_FIT);
        for (size_t i = 0; i < d; i++)
            po_rng_fill_normal(&rng, s.JT + i, d, d, o->g / sqrt((double)d));
    }
    memset(s.P, 0, d * d * sizeof *s.P);
    po_rls_init(d, o->p0, s.P);

    double sd = window_std(Y, o->t0, n), scale = sqrt((double)(d * n)) * sd;
    double chi2 = 0.0, pvar = 0.0, last_finite = (double)NAN;
    size_t last_pass = 0;
    for (size_t p = 0; p < total; p++) {
        double resid;
        chi2 = run_pass(&s, o, p < o->passes, &resid);
        if (!isfinite(chi2) || !po_learn_all_finite(s.JT, d * d)) {
            if (isnan(last_finite))
                st = po_error(PO_EDIVERGED,
                              "force: training diverged in pass 1 of %zu (chi2 = %g, or "
                              "non-finite weights); no pass finished with a finite chi2 "
                              "(lower g or p0)",
                              total, chi2);
            else
                st = po_error(PO_EDIVERGED,
                              "force: training diverged in pass %zu of %zu (chi2 = %g, or "
                              "non-finite weights); last finite chi2 %.6g in pass %zu "
                              "(lower g or p0)",
                              p + 1, total, chi2, last_finite, last_pass);
            goto done;
        }
        last_finite = chi2;
        last_pass = p + 1;
        double ratio = scale > 0.0 ? sqrt(resid) / scale : (double)NAN;
        pvar = 1.0 - ratio * ratio;
        if (info && info->pvar_trace) info->pvar_trace[p] = pvar;
        st = po_progress_call_(o->progress, o->progress_user, p + 1, total, "force");
        if (st != PO_OK) goto done;
    }
    for (size_t i = 0; i < d; i++)
        for (size_t j = 0; j < d; j++) PO_MAT_AT(W_hat, i, j) = s.JT[j * d + i];
    if (info) {
        info->passes = total;
        info->chi2 = chi2;
        info->pvar = pvar;
    }
done:
    free(vecs);
    free(mats);
    free(phi);
    return st;
}
