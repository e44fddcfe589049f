/* Euler simulation of the teacher RNN (SPEC.md §1.1, §1.2, §1.4).
 *
 *   leaky-current  x_{t+1} = x_t + alpha (g W phi(x_t) - x_t + v_t)
 *   leaky-rate     x_{t+1} = x_t + alpha (phi(g W x_t) - x_t + v_t)
 *   drive          v_t = noise xi_t + input_gain s_t w_in,   t = 0 .. T-2
 *
 * The update is evaluated in the order of the reference code,
 * x + alpha * ((g W phi(x) - x) + v), so a NumPy loop written like it agrees
 * to the last few bits. xi_t is drawn row by row, t = 0 .. T-2, from the
 * process-noise stream (the reference's last noise row is never used, so it
 * is never drawn); replaying those numbers through `xi` gives the same run
 * bit for bit. All buffers are allocated before the time loop.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/progress.h"
#include "sim_internal.h"
#include "core/alloc.h"

po_sim_opts po_sim_opts_defaults(void)
{
    return (po_sim_opts){
        .T = 30000,
        .phi = PO_PHI_LINEAR,
        .leaky = PO_LEAKY_CURRENT,
        .alpha = 0.01,
        .g = 1.0,
        .noise = 0.2,
        .input_gain = 0.1,
        .ic_scale = 1.0,
        .seed = PO_DEFAULT_SEED,
        .threads = 0,
        .progress = NULL,
        .progress_user = NULL,
    };
}

const char *po_sim_opts_check(const po_sim_opts *o)
{
    if (o->T < 2) return "T must be at least 2 (x0 and one step)";
    if (o->phi != PO_PHI_LINEAR && o->phi != PO_PHI_TANH) return "phi must be linear or tanh";
    if (o->leaky != PO_LEAKY_CURRENT && o->leaky != PO_LEAKY_RATE)
        return "leaky must be current or rate";
    if (!isfinite(o->alpha) || o->alpha <= 0.0) return "alpha must be a finite number > 0";
    if (!isfinite(o->g)) return "g must be finite";
    if (!isfinite(o->noise) || o->noise < 0.0) return "noise must be a finite number >= 0";
    if (!isfinite(o->input_gain)) return "input_gain must be finite";
    if (!isfinite(o->ic_scale) || o->ic_scale < 0.0) return "ic_scale must be a finite number >= 0";
    return NULL;
}

void po_sim_draw_ic(uint64_t seed, double scale, double *x0, size_t n)
{
    po_rng rng;
    po_rng_init(&rng, seed, PO_STREAM_IC);
    po_rng_fill_normal(&rng, x0, n, 1, scale);
}

static po_status check_vec_finite(const double *x, size_t n, const char *what)
{
    for (size_t i = 0; i < n; i++)
        if (!isfinite(x[i]))
            return po_error(PO_ENONFINITE, "%s[%zu] is not finite", what, i);
    return PO_OK;
}

static po_status check_inputs(const po_linop *W, const po_sim_opts *o, const po_sim_inputs *in,
                              const po_mat *X)
{
    if (!W || !o || !X || !X->data)
        return po_error(PO_EINVAL, "po_sim_run: operator, options and output are required");
    const char *why = po_sim_opts_check(o);
    if (why) return po_error(PO_EINVAL, "%s", why);
    size_t D = W->D, T = o->T;
    if (X->rows != T || X->cols != D)
        return po_error(PO_ESHAPE, "output X is %zux%zu, expected T x D = %zux%zu",
                        X->rows, X->cols, T, D);
    if (!in) return PO_OK;
    if (in->x0) {
        po_status st = check_vec_finite(in->x0, D, "x0");
        if (st) return st;
    }
    if (in->xi) {
        if (in->xi->rows < T - 1 || in->xi->cols != D)
            return po_error(PO_ESHAPE,
                            "noise xi is %zux%zu, expected at least %zu rows and %zu columns",
                            in->xi->rows, in->xi->cols, T - 1, D);
        po_mat used = po_mat_block(in->xi, 0, 0, T - 1, D);
        po_status st = po_mat_check_finite(&used, "noise xi");
        if (st) return st;
    }
    if (in->signal) {
        if (!in->w_in)
            return po_error(PO_EINVAL, "an input signal needs input weights w_in");
        if (in->signal->rows < T - 1 || in->signal->cols != 1)
            return po_error(PO_ESHAPE,
                            "input signal is %zux%zu, expected at least %zu rows and 1 column",
                            in->signal->rows, in->signal->cols, T - 1);
        po_mat used = po_mat_block(in->signal, 0, 0, T - 1, 1);
        po_status st = po_mat_check_finite(&used, "input signal");
        if (!st) st = check_vec_finite(in->w_in, D, "w_in");
        if (st) return st;
    }
    return PO_OK;
}

/* One Euler step from x to xn; p and y are D-long scratch, v the drive.
 * Returns NaN if some entry of xn is not finite (x * 0 is NaN exactly for
 * NaN and Inf, and the sum of those terms propagates it), else 0. */
static double euler_step(const po_linop *W, const po_sim_opts *o, const double *x, double *xn,
                         double *p, double *y, const double *v)
{
    size_t D = W->D;
    double a = o->alpha, g = o->g, bad = 0.0;
    if (o->leaky == PO_LEAKY_CURRENT) {
        po_phi_apply(o->phi, x, p, D);
        po_linop_apply(W, p, y);
        for (size_t i = 0; i < D; i++) y[i] = g * y[i];
    } else {
        po_linop_apply(W, x, p);
        for (size_t i = 0; i < D; i++) p[i] = g * p[i];
        po_phi_apply(o->phi, p, y, D);
    }
    for (size_t i = 0; i < D; i++) {
        xn[i] = x[i] + a * ((y[i] - x[i]) + v[i]);
        bad += xn[i] * 0.0;
    }
    return bad;
}

void po_sim_drive_init_(po_sim_drive *dr, const po_sim_opts *opts, const po_sim_inputs *in,
                        size_t D)
{
    dr->opts = opts;
    dr->in = in;
    dr->D = D;
    po_rng_init(&dr->rng, opts->seed, PO_STREAM_PROCESS_NOISE);
}

void po_sim_drive_fill_(po_sim_drive *dr, size_t t, double *v)
{
    size_t D = dr->D;
    double noise = dr->opts->noise;
    const double *xi = dr->in->xi ? &PO_MAT_AT(dr->in->xi, t, 0) : v;
    /* noiseless runs skip the draws (v holds finite numbers, 0 * v = 0) */
    if (!dr->in->xi && noise != 0.0) po_rng_fill_normal(&dr->rng, v, D, 1, 1.0);
    for (size_t i = 0; i < D; i++) v[i] = noise * xi[i];
    if (dr->in->signal) {
        double s = dr->opts->input_gain * PO_MAT_AT(dr->in->signal, t, 0);
        for (size_t i = 0; i < D; i++) v[i] += s * dr->in->w_in[i];
    }
}

po_status po_sim_nonfinite_(size_t step, size_t steps)
{
    return po_error(PO_ENONFINITE,
                    "the state became non-finite at step %zu of %zu "
                    "(unstable dynamics or too large alpha/g/noise)",
                    step, steps);
}

po_status po_sim_progress_(const po_sim_opts *opts, size_t done, size_t steps)
{
    size_t every = steps / 100 ? steps / 100 : 1;
    if (done % every != 0 && done != steps) return PO_OK;
    return po_progress_call_(opts->progress, opts->progress_user, done, steps, "simulate");
}

po_status po_sim_run(const po_linop *W, const po_sim_opts *opts, const po_sim_inputs *in,
                     po_mat *X)
{
    po_status st = check_inputs(W, opts, in, X);
    if (!st) st = po_mem_reserve_check(po_mem_doubles(3.0 * (double)W->D), "the simulation");
    if (st) return st;
    static const po_sim_inputs none = {NULL, NULL, NULL, NULL};
    if (!in) in = &none;
    size_t D = W->D, steps = opts->T - 1;
    if (in->x0) memcpy(X->data, in->x0, D * sizeof *X->data);
    else po_sim_draw_ic(opts->seed, opts->ic_scale, X->data, D);
    /* A finite but huge ic_scale can overflow x0 (issue 10 item 5). */
    if (!in->x0 && check_vec_finite(X->data, D, "x0") != PO_OK)
        return po_error(PO_ENONFINITE,
                        "ic_scale = %g makes the initial state overflow; use a smaller ic_scale",
                        opts->ic_scale);

    size_t nthreads = po_sim_threads(W, opts);
    if (nthreads >= 2) return po_sim_run_dense_par_(W, opts, in, X, nthreads);

    /* calloc: v must hold finite numbers before the first noiseless step */
    double *work = calloc(3 * D, sizeof *work);
    if (!work) return po_error(PO_ENOMEM, "no memory for %zu-neuron workspace", D);
    double *p = work, *y = work + D, *v = work + 2 * D;
    po_sim_drive dr;
    po_sim_drive_init_(&dr, opts, in, D);
    for (size_t t = 0; t < steps; t++) {
        po_sim_drive_fill_(&dr, t, v);
        double bad = euler_step(W, opts, &PO_MAT_AT(X, t, 0), &PO_MAT_AT(X, t + 1, 0), p, y, v);
        if (isnan(bad)) {
            free(work);
            return po_sim_nonfinite_(t + 1, steps);
        }
        st = po_sim_progress_(opts, t + 1, steps);
        if (st != PO_OK) {
            free(work);
            return st;
        }
    }
    free(work);
    return PO_OK;
}

po_status po_simulate(const po_mat *W, const po_sim_opts *opts, const po_sim_inputs *in,
                      po_mat **X, po_linop **op)
{
    *X = NULL;
    if (op) *op = NULL;
    if (!W) return po_error(PO_EINVAL, "simulate: NULL teacher");
    const char *why = po_sim_opts_check(opts);
    if (why) return po_error(PO_EINVAL, "simulate: %s", why);
    /* The rank test of po_linop_auto is randomised; drawing it from the
     * seed's connectivity stream keeps the chosen operator reproducible. */
    po_rng rng;
    po_rng_init(&rng, opts->seed, PO_STREAM_CONNECTIVITY);
    po_linop *lop = NULL;
    po_status st = po_linop_auto(W, &rng, &lop);
    if (st != PO_OK) return st;
    po_mat *x = po_mat_alloc(opts->T, W->rows);
    st = x ? po_sim_run(lop, opts, in, x)
           : po_error(PO_ENOMEM, "simulate: cannot allocate %zu x %zu activity", opts->T, W->rows);
    if (st != PO_OK) {
        po_mat_free(x);
        po_linop_free(lop);
        return st;
    }
    *X = x;
    if (op) *op = lop;
    else po_linop_free(lop);
    return PO_OK;
}
