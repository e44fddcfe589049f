/* partobs diagnose, the passive part's orchestration (issue 11; diagnose.h):
 * options, the full fit and its slow mode, the residual whiteness, then the
 * subsampling (subsample.c), the block bootstrap (bootstrap.c), the passive
 * verdict (verdict.c) and the proposed experiment (po_dg_design). */
#include "diagnose/experiment.h"
#include "diagnose/passive.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/names.h"
#include "linalg/linalg.h"

PO_DEFINE_NAMES(po_diagnose_verdict, PO_DIAGNOSE_VERDICT_LIST, verdict_names, "verdict")
PO_DEFINE_NAMES(po_diagnose_method, PO_DIAGNOSE_METHOD_LIST, method_names, "diagnose method")

/* The fractions of neurons: 0.3, 0.4, ..., 1. */
static const double default_fractions[] = {0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0};
#define N_DEFAULT_FRACTIONS (sizeof default_fractions / sizeof default_fractions[0])

bool po_diagnose_slow_mode(const po_spectrum *s)
{
    return s && s->n > 0 && (s->las > 1.0 || s->tau[0] >= PO_DIAGNOSE_TAU_SLOW);
}

po_diagnose_opts po_diagnose_opts_defaults(void)
{
    return (po_diagnose_opts){.method = PO_DIAG_MAP,
                              .phi = PO_PHI_LINEAR,
                              .alpha = 0.01,
                              .rho = 0.001,
                              .latents = 5,
                              .lds_iters = 200,
                              .lds_refit_iters = 50,
                              .dt = 0.0,
                              .n_fractions = 0,
                              .subsets = 10,
                              .bootstrap = 100,
                              .block = 0,
                              .pulse_steps = 0,
                              .wait_steps = 0,
                              .repeats = 4,
                              .late_from = 50.0,
                              .late_to = 70.0,
                              .snr = 3.0,
                              .seed = PO_DEFAULT_SEED,
                              .threads = 0,
                              .progress = NULL,
                              .progress_user = NULL};
}

/* The fractions in effect: opts' own, or the defaults. */
static const double *fractions_of(const po_diagnose_opts *o, size_t *n)
{
    *n = o->n_fractions ? o->n_fractions : N_DEFAULT_FRACTIONS;
    return o->n_fractions ? o->fractions : default_fractions;
}

const char *po_diagnose_opts_check(const po_diagnose_opts *o)
{
    if (!o) return "options are NULL";
    if (o->method != PO_DIAG_MAP && o->method != PO_DIAG_LDS) return "method must be map or lds";
    if (o->phi != PO_PHI_LINEAR && o->phi != PO_PHI_TANH) return "phi must be linear or tanh";
    if (!(o->alpha > 0.0 && o->alpha <= 1.0)) return "alpha must be in (0, 1]";
    if (!(o->rho >= 0.0 && isfinite(o->rho))) return "rho must be finite and >= 0";
    if (o->latents < 1) return "latents must be at least 1";
    if (o->lds_iters < 1 || o->lds_refit_iters < 1)
        return "lds_iters and lds_refit_iters must be at least 1";
    if (!(o->dt >= 0.0 && isfinite(o->dt))) return "dt must be finite and >= 0 (0 = unknown)";
    if (o->n_fractions == 1 || o->n_fractions > PO_DIAGNOSE_MAX_FRACTIONS)
        return "give between 2 and 64 fractions (0 = the default 0.3, 0.4, ..., 1)";
    for (size_t k = 0; k < o->n_fractions; k++) {
        if (!(o->fractions[k] > 0.0 && o->fractions[k] <= 1.0))
            return "fractions must be in (0, 1]";
        if (k > 0 && !(o->fractions[k] > o->fractions[k - 1]))
            return "fractions must be strictly increasing";
    }
    if (o->subsets < 1) return "subsets must be at least 1";
    size_t nf;
    const double *f = fractions_of(o, &nf);
    if (po_dg_subsample_refits(o, f, nf) + (f[nf - 1] >= 1.0) < 3)
        return "the LAS trend needs at least 3 refits: more subsets or fractions";
    if (o->repeats < 1) return "repeats must be at least 1";
    if (!(o->late_from >= 0.0 && o->late_to > o->late_from && isfinite(o->late_to)))
        return "the late window must satisfy 0 <= late_from < late_to (finite)";
    po_dg_timing tm;
    if (po_dg_timing_get(o, o->alpha, &tm) != PO_OK)
        return "the late window must end within the wait after each pulse (wait_steps, "
               "default 70 tau)";
    if (!(o->snr > 0.0 && isfinite(o->snr))) return "snr must be finite and > 0";
    return NULL;
}

/* ---- helpers shared by the refits (passive.h) ------------------------------ */

po_status po_dg_summarise(const po_mat *model, po_dg_summary *s)
{
    size_t n = model->rows;
    double *re = malloc(2 * n * sizeof *re);
    if (!re) return po_error(PO_ENOMEM, "diagnose: cannot allocate %zu eigenvalues", n);
    double *im = re + n;
    po_status st = po_la_eig(model, re, im, NULL);
    if (st == PO_OK) {
        po_eig_sort(re, im, n);
        s->las = po_line_attractor_score(re, n);
        s->tau1 = po_time_constant(re[0]);
        s->lambda1 = re[0];
    }
    free(re);
    return st;
}

po_lds_opts po_dg_lds_opts(const po_diagnose_opts *opts, size_t K, size_t iters)
{
    po_lds_opts o = po_lds_opts_defaults();
    o.procedure = PO_LDS_EXACT;
    o.emissions = PO_LDS_ORTHONORMAL;
    o.init = PO_LDS_INIT_PCA;
    o.latents = K;
    o.iters = iters;
    o.alpha = opts->alpha;
    o.seed = opts->seed;
    return o;
}

po_status po_dg_lds_refit(const po_mat *Y, const po_mat *U, const po_diagnose_opts *opts,
                          size_t K, po_dg_summary *s)
{
    po_lds_opts o = po_dg_lds_opts(opts, K, opts->lds_refit_iters);
    po_lds *lds = NULL;
    po_status st = po_fit_lds(Y, U, &o, &lds, NULL);
    po_mat *A = st == PO_OK ? po_mat_alloc(K, K) : NULL;
    if (st == PO_OK && !A) st = po_error(PO_ENOMEM, "diagnose: cannot allocate A_cont");
    if (st == PO_OK) st = po_lds_continuous(lds, opts->alpha, A);
    if (st == PO_OK) st = po_dg_summarise(A, s);
    po_mat_free(A);
    po_lds_free(lds);
    return st;
}

/* ---- the full fit's slow mode -------------------------------------------- */

double po_dg_dot(const double *a, const double *b, size_t n)
{
    double s = 0.0;
    for (size_t i = 0; i < n; i++) s += a[i] * b[i];
    return s;
}

bool po_dg_unit(const double *src, double *dst, size_t n)
{
    double nrm = sqrt(po_dg_dot(src, src, n));
    if (!(nrm > 0.0 && isfinite(nrm))) return false;
    for (size_t i = 0; i < n; i++) dst[i] = src[i] / nrm;
    return true;
}

/* The slow mode of the model (n x n): right (v) and left (u) eigenvectors of
 * its top eigenvalue (real parts for a complex pair), unit norm, in the
 * model's space. Signs are fixed later, in neuron space. */
static po_status slow_vectors(const po_mat *model, double *v, double *u)
{
    size_t n = model->rows;
    po_mat *vre = po_mat_alloc(n, n), *vim = po_mat_alloc(n, n), *MT = po_mat_alloc(n, n);
    double *ev = malloc(4 * n * sizeof *ev);
    po_status st = vre && vim && MT && ev ? PO_OK : PO_ENOMEM;
    if (st != PO_OK) {
        st = po_error(PO_ENOMEM, "diagnose: cannot allocate the eigenvectors (n = %zu)", n);
        goto done;
    }
    st = po_eig_vectors(model, ev, ev + n, vre, vim);
    if (st != PO_OK) goto done;
    double re0 = ev[0], im0 = ev[n];
    for (size_t i = 0; i < n; i++) v[i] = PO_MAT_AT(vre, i, 0);
    /* The left eigenvector of lambda_1: the right one of model^T for the
     * eigenvalue nearest lambda_1 (the same up to rounding). */
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < n; j++) PO_MAT_AT(MT, i, j) = PO_MAT_AT(model, j, i);
    st = po_eig_vectors(MT, ev + 2 * n, ev + 3 * n, vre, vim);
    if (st != PO_OK) goto done;
    size_t best = 0;
    for (size_t k = 1; k < n; k++)
        if (hypot(ev[2 * n + k] - re0, ev[3 * n + k] - im0) <
            hypot(ev[2 * n + best] - re0, ev[3 * n + best] - im0))
            best = k;
    for (size_t i = 0; i < n; i++) u[i] = PO_MAT_AT(vre, i, best);
    po_dg_unit(v, v, n);
    po_dg_unit(u, u, n);
done:
    po_mat_free(vre);
    po_mat_free(vim);
    po_mat_free(MT);
    free(ev);
    return st;
}

/* dg->slow_right / slow_left in neuron space (through C for lds), signs:
 * the right vector's largest entry positive, left . right > 0. The latent
 * left vector ul gets the same sign. */
static void neuron_space(po_diagnose *dg, const double *v, double *ul)
{
    size_t d = dg->n_neurons, n = dg->model->rows;
    for (size_t i = 0; i < d; i++) {
        if (dg->emission) {
            dg->slow_right[i] = dg->slow_left[i] = 0.0;
            for (size_t k = 0; k < n; k++) {
                dg->slow_right[i] += PO_MAT_AT(dg->emission, i, k) * v[k];
                dg->slow_left[i] += PO_MAT_AT(dg->emission, i, k) * ul[k];
            }
        } else {
            dg->slow_right[i] = v[i];
            dg->slow_left[i] = ul[i];
        }
    }
    po_dg_unit(dg->slow_right, dg->slow_right, d);
    po_dg_unit(dg->slow_left, dg->slow_left, d);
    size_t big = 0;
    for (size_t i = 1; i < d; i++)
        if (fabs(dg->slow_right[i]) > fabs(dg->slow_right[big])) big = i;
    if (dg->slow_right[big] < 0.0)
        for (size_t i = 0; i < d; i++) dg->slow_right[i] = -dg->slow_right[i];
    if (po_dg_dot(dg->slow_left, dg->slow_right, d) < 0.0) {
        for (size_t i = 0; i < d; i++) dg->slow_left[i] = -dg->slow_left[i];
        for (size_t k = 0; k < n; k++) ul[k] = -ul[k];
    }
}

/* Pearson correlation of e[0 .. n-2] with e[1 .. n-1] (each mean removed);
 * 0 for a constant residual. */
static double lag1_autocorr(const double *e, size_t n)
{
    double ma = 0.0, mb = 0.0;
    for (size_t t = 0; t + 1 < n; t++) {
        ma += e[t];
        mb += e[t + 1];
    }
    ma /= (double)(n - 1);
    mb /= (double)(n - 1);
    double sab = 0.0, saa = 0.0, sbb = 0.0;
    for (size_t t = 0; t + 1 < n; t++) {
        double a = e[t] - ma, b = e[t + 1] - mb;
        sab += a * b;
        saa += a * a;
        sbb += b * b;
    }
    return saa > 0.0 && sbb > 0.0 ? sab / sqrt(saa * sbb) : 0.0;
}

/* MAP residual along the slow mode: e_t = l . (delta_t - alpha W phi(y_t) -
 * alpha W_in u_t) = l . delta_t - alpha (W^T l) . phi(y_t) - alpha (W_in^T l) . u_t. */
static po_status map_residual(const po_diagnose *dg, const po_mat *Y, const po_mat *U,
                              const po_mat *W_in, const po_diagnose_opts *opts, double *e)
{
    size_t d = Y->cols, m = U ? U->cols : 0;
    const double *l = dg->slow_left;
    double *w = malloc((2 * d + m + 1) * sizeof *w), a = opts->alpha;
    if (!w) return po_error(PO_ENOMEM, "diagnose: cannot allocate the residual workspace");
    double *win = w + d, *ph = win + m;
    po_la_gemv(true, 1.0, dg->model, l, 0.0, w);
    if (m) po_la_gemv(true, 1.0, W_in, l, 0.0, win);
    for (size_t t = 0; t + 1 < Y->rows; t++) {
        const double *y = Y->data + t * Y->ld, *yn = y + Y->ld;
        po_phi_apply(opts->phi, y, ph, d);
        double s = 0.0;
        for (size_t j = 0; j < d; j++) s += l[j] * (yn[j] - (1.0 - a) * y[j]) - a * w[j] * ph[j];
        for (size_t j = 0; j < m; j++) s -= a * win[j] * PO_MAT_AT(U, t, j);
        e[t] = s;
    }
    free(w);
    return PO_OK;
}

/* LDS residual along the latent slow mode ul: e_t = ul . (xhat_{t+1} - A
 * xhat_t - V u_{t+1} - b), xhat the smoothed means. */
static po_status lds_residual(const po_lds *lds, const po_mat *Y, const po_mat *U,
                              const double *ul, double *e)
{
    size_t K = lds->K, m = lds->m, T = Y->rows;
    po_mat *X = po_mat_alloc(T, K);
    double *w = malloc((K + m + 1) * sizeof *w);
    po_status st = X && w ? PO_OK
                          : po_error(PO_ENOMEM, "diagnose: cannot allocate the smoothed latents");
    if (st == PO_OK) st = po_lds_smooth(lds, Y, U, X, NULL);
    if (st == PO_OK) {
        double *wv = w + K;
        po_la_gemv(true, 1.0, lds->A, ul, 0.0, w);
        if (m) po_la_gemv(true, 1.0, lds->V, ul, 0.0, wv);
        double c = po_dg_dot(ul, lds->b, K);
        for (size_t t = 0; t + 1 < T; t++) {
            double s = po_dg_dot(ul, X->data + (t + 1) * X->ld, K) -
                       po_dg_dot(w, X->data + t * X->ld, K) - c;
            for (size_t j = 0; j < m; j++) s -= wv[j] * PO_MAT_AT(U, t + 1, j);
            e[t] = s;
        }
    }
    po_mat_free(X);
    free(w);
    return st;
}

/* ---- po_diagnose_run --------------------------------------------------------- */

static po_status check_inputs(const po_mat *Y, const po_mat *U, const po_diagnose_opts *opts)
{
    if (!Y || !opts) return po_error(PO_EINVAL, "diagnose: NULL argument");
    const char *why = po_diagnose_opts_check(opts);
    if (why) return po_error(PO_EINVAL, "diagnose: invalid options: %s", why);
    size_t T = Y->rows, d = Y->cols, m = U ? U->cols : 0;
    if (d < 2)
        return po_error(PO_ESHAPE, "diagnose: Y has %zu column(s): need at least 2 recorded "
                                   "neurons (Y is T x d, time first)", d);
    if (U && U->rows != T)
        return po_error(PO_ESHAPE, "diagnose: the inputs U have %zu rows, Y has %zu: one row "
                                   "per time step", U->rows, T);
    if (U && m == 0) return po_error(PO_ESHAPE, "diagnose: the inputs U have no columns");
    if (T < d + m + 2)
        return po_error(PO_ESHAPE, "diagnose: Y has %zu rows: need more transitions (T - 1) "
                                   "than regressors (d + m = %zu)", T, d + m);
    if (opts->method == PO_DIAG_LDS && opts->latents > d)
        return po_error(PO_EINVAL, "diagnose: latents (%zu) exceed the observed dimension d = %zu",
                        opts->latents, d);
    size_t L = po_dg_block_length(opts, T);
    if (opts->bootstrap > 0 && (T - 1) / L < 2)
        return po_error(PO_ESHAPE, "diagnose: Y has %zu rows: the block bootstrap needs at least "
                                   "2 blocks of %zu transitions (%zu rows); use a shorter block "
                                   "or no bootstrap", T, L, 2 * L + 1);
    po_status st = po_mat_check_finite(Y, "diagnose: Y");
    if (st == PO_OK && U) st = po_mat_check_finite(U, "diagnose: U");
    return st;
}

/* The full fit: dg->model (and emission), its spectrum, slow mode and
 * residual autocorrelation; map keeps its sums in *g for the subset refits. */
static po_status full_fit(po_diagnose *dg, const po_mat *Y, const po_mat *U,
                          const po_diagnose_opts *opts, po_dg_gram **g)
{
    size_t T = Y->rows, d = Y->cols, m = U ? U->cols : 0;
    po_lds *lds = NULL;
    po_mat *W_in = NULL;
    size_t *all = malloc(d * sizeof *all);
    double *e = malloc(T * sizeof *e), *v = malloc(2 * d * sizeof *v);
    po_status st = all && e && v ? PO_OK : po_error(PO_ENOMEM, "diagnose: out of memory");
    if (st != PO_OK) goto done;
    double *ul = v + d;
    if (opts->method == PO_DIAG_MAP) {
        for (size_t i = 0; i < d; i++) all[i] = i;
        *g = po_dg_gram_alloc(d, m);
        dg->model = po_mat_alloc(d, d);
        W_in = m ? po_mat_alloc(d, m) : NULL;
        if (!*g || !dg->model || (m && !W_in)) {
            st = po_error(PO_ENOMEM, "diagnose: cannot allocate the full fit (d = %zu)", d);
            goto done;
        }
        st = po_dg_gram_compute(Y, U, opts->phi, opts->alpha, 0, T - 1, *g);
        if (st == PO_OK) st = po_dg_gram_fit(*g, all, d, opts->alpha, opts->rho, dg->model, W_in);
    } else {
        po_lds_opts lo = po_dg_lds_opts(opts, opts->latents, opts->lds_iters);
        st = po_fit_lds(Y, U, &lo, &lds, NULL);
        if (st == PO_OK) {
            dg->model = po_mat_alloc(lds->K, lds->K);
            dg->emission = po_mat_dup(lds->C);
            if (!dg->model || !dg->emission)
                st = po_error(PO_ENOMEM, "diagnose: cannot allocate the LDS model");
        }
        if (st == PO_OK) st = po_lds_continuous(lds, opts->alpha, dg->model);
    }
    if (st == PO_OK) st = po_spectrum_new(dg->model, &dg->full);
    if (st == PO_OK) st = slow_vectors(dg->model, v, ul);
    if (st != PO_OK) goto done;
    neuron_space(dg, v, ul);
    st = lds ? lds_residual(lds, Y, U, ul, e) : map_residual(dg, Y, U, W_in, opts, e);
    if (st == PO_OK) dg->residual_autocorr = lag1_autocorr(e, T - 1);
done:
    po_lds_free(lds);
    po_mat_free(W_in);
    free(all);
    free(e);
    free(v);
    return st;
}

po_status po_diagnose_run(const po_mat *Y, const po_mat *U, const po_diagnose_opts *opts,
                          po_diagnose **out)
{
    if (!out) return po_error(PO_EINVAL, "diagnose: NULL argument");
    *out = NULL;
    po_status st = check_inputs(Y, U, opts);
    if (st != PO_OK) return st;
    size_t T = Y->rows, d = Y->cols, nf;
    const double *f = fractions_of(opts, &nf);
    po_diagnose *dg = calloc(1, sizeof *dg);
    if (!dg) return po_error(PO_ENOMEM, "diagnose: out of memory");
    dg->n_samples = T;
    dg->n_neurons = d;
    dg->method = opts->method;
    dg->alpha = opts->alpha;
    dg->dt = opts->dt;
    dg->n_fractions = nf;
    memcpy(dg->fractions, f, nf * sizeof *f);
    dg->block = po_dg_block_length(opts, T);
    size_t nb = (T - 1) / dg->block;
    dg->slow_right = calloc(d, sizeof *dg->slow_right);
    dg->slow_left = calloc(d, sizeof *dg->slow_left);
    if (!dg->slow_right || !dg->slow_left) {
        po_diagnose_free(dg);
        return po_error(PO_ENOMEM, "diagnose: out of memory");
    }

    /* Every random number, in one fixed order, before any parallel work. */
    po_rng rng;
    po_rng_init(&rng, opts->seed, PO_STREAM_ANALYSIS);
    size_t *subsets = NULL, *draws = NULL;
    po_dg_gram *g = NULL;
    st = po_dg_subsample_draw(dg, opts, &rng, &subsets);
    if (st == PO_OK) st = po_dg_bootstrap_draw(opts, nb, &rng, &draws);
    if (st == PO_OK) st = full_fit(dg, Y, U, opts, &g);
    if (st == PO_OK) {
        po_dg_summary full = {.las = dg->full->las, .tau1 = dg->full->tau[0],
                              .lambda1 = dg->full->re[0]};
        /* LDS: the fraction-1 point of the trend is refitted with the subsets'
         * EM iterations, so that the trend compares fits of equal length (an
         * LDS's slow mode moves with the iteration count). */
        if (dg->method == PO_DIAG_LDS && opts->lds_refit_iters != opts->lds_iters)
            st = po_dg_lds_refit(Y, U, opts, dg->model->rows, &full);
        po_dg_progress pr = {.fn = opts->progress, .user = opts->progress_user, .offset = 0,
                             .total = po_dg_subsample_refits(opts, f, nf) + opts->bootstrap};
        if (st == PO_OK) st = po_dg_subsample_run(dg, Y, U, g, subsets, &full, opts, &pr);
        if (st == PO_OK) st = po_dg_bootstrap_run(dg, Y, U, draws, nb, opts, &pr);
    }
    po_dg_gram_free(g);
    free(subsets);
    free(draws);
    if (st == PO_OK) {
        po_dg_passive_verdict(dg);
        st = po_dg_design(dg, Y, opts);
    }
    if (st != PO_OK) {
        po_diagnose_free(dg);
        return st;
    }
    *out = dg;
    return PO_OK;
}

po_status po_diagnose_perturbation(po_diagnose *dg, const po_mat *YP, const po_mat *STIM,
                                   const po_diagnose_opts *opts)
{
    if (!dg || !YP || !STIM || !opts) return po_error(PO_EINVAL, "diagnose: NULL argument");
    const char *why = po_diagnose_opts_check(opts);
    if (why) return po_error(PO_EINVAL, "diagnose: invalid options: %s", why);
    return po_dg_measure(dg, YP, STIM, opts);
}

po_status po_diagnose_protocol_stim(const po_diagnose *dg, po_mat *STIM)
{
    if (!dg || !STIM) return po_error(PO_EINVAL, "diagnose: NULL argument");
    const po_diagnose_protocol *p = &dg->protocol;
    if (!p->signal || !p->pattern)
        return po_error(PO_EINVAL, "diagnose: no stimulation protocol was designed");
    if (STIM->rows != p->steps || STIM->cols != p->d)
        return po_error(PO_ESHAPE, "diagnose: STIM is %zux%zu, the protocol needs %zux%zu",
                        STIM->rows, STIM->cols, p->steps, p->d);
    for (size_t t = 0; t < p->steps; t++)
        for (size_t j = 0; j < p->d; j++) PO_MAT_AT(STIM, t, j) = p->signal[t] * p->pattern[j];
    return PO_OK;
}

void po_diagnose_free(po_diagnose *dg)
{
    if (!dg) return;
    po_mat_free(dg->model);
    po_mat_free(dg->emission);
    po_spectrum_free(dg->full);
    free(dg->slow_right);
    free(dg->slow_left);
    free(dg->las_sub);
    free(dg->tau1_sub);
    free(dg->lambda1_sub);
    free(dg->boot_las);
    free(dg->boot_tau1);
    po_dg_protocol_free(&dg->protocol);
    po_dg_measured_free(&dg->measured);
    free(dg);
}
