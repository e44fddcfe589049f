/* The proposed experiment of partobs diagnose (issue 11, Part B): a pulse
 * protocol on the recorded neurons, the fitted model's noise-free prediction
 * of the response, and the prediction of the alternative explanation (the
 * same model with its slow mode shortened to tau_2).
 *
 * Dynamics under the drive (SPEC.md §1.1 with v_t = stim_t = s_t p):
 *   map:  x_{t+1} = x_t + alpha ((W phi(x_t) - x_t) + s_t p),  out_t = x_t . r
 *   lds:  po_lds_continuous defines A_cont = (A - (1 - alpha) I) / alpha, so
 *         the discrete latent map A = (1 - alpha) I + alpha A_cont is
 *         z_{t+1} = z_t + alpha ((A_cont z_t - z_t) + C^T s_t p),
 *         the leaky-current form with A_cont in the place of W (not
 *         z_t + alpha (A_cont z_t + ...): the leak is inside A_cont's
 *         definition relative to 1, as in the spectrum's tau = 1/|1 - Re|);
 *         the neuron-space response is out_t = (C z_t) . r = z_t . (C^T r).
 * Both are evaluated in po_sim_run's order, x + alpha ((y - x) + v), so a
 * noise-free simulation of the same network agrees to rounding.
 *
 * The alternative explanation: for a real slow eigenvalue lambda_1 with right
 * eigenvector v and left eigenvector u, W' = W + (Re lambda_2 - lambda_1)
 * v u^T / (u^T v) has the same eigenvectors and eigenvalues except lambda_1,
 * which moves to Re lambda_2: the recording's fast structure without the slow
 * mode. A complex top pair has no such real rank-1 change: no alternative.
 *
 * Predictions are read exactly as the measurement will be (pulse-averaged,
 * sign-aligned, baseline-subtracted: po_dg_pulse_average), so predicted_late
 * and predicted_tau are what the model says po_dg_measure will report.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diagnose/experiment.h"
#include "linalg/linalg.h"

/* A candidate pattern whose predicted response grows after the pulse end by
 * more than this factor reads transient (non-normal) amplification, not
 * persistence: it is used only if every candidate does. In silico (MAP
 * students of 25 of 500 neurons), the slow-left pattern of chain teachers'
 * students gave late fractions of 1.2-1.3 of the pulse-end response on the
 * teacher (the hidden chain amplifies it as the student does), slow-right
 * -0.15 to -0.2; on line attractors both gave the same 0.10-0.22. */
#define DESIGN_MAX_RISE 1.05

po_status po_dg_timing_get(const po_diagnose_opts *opts, double alpha, po_dg_timing *t)
{
    if (!(alpha > 0.0 && alpha <= 1.0))
        return po_error(PO_EINVAL, "diagnose: alpha = %g must be in (0, 1]", alpha);
    if (opts->repeats < 1) return po_error(PO_EINVAL, "diagnose: repeats must be at least 1");
    if (!(opts->late_from >= 0.0 && opts->late_to > opts->late_from && isfinite(opts->late_to)))
        return po_error(PO_EINVAL,
                        "diagnose: the late window [%g, %g] tau must have 0 <= from < to",
                        opts->late_from, opts->late_to);
    t->pulse = opts->pulse_steps ? opts->pulse_steps : (size_t)lround(2.0 / alpha);
    t->wait = opts->wait_steps ? opts->wait_steps : (size_t)lround(70.0 / alpha);
    t->repeats = opts->repeats;
    t->late0 = (size_t)lround(opts->late_from / alpha);
    t->late1 = (size_t)lround(opts->late_to / alpha);
    if (t->late1 <= t->late0)
        return po_error(PO_EINVAL, "diagnose: the late window [%g, %g] tau is shorter than a step",
                        opts->late_from, opts->late_to);
    if (t->late1 > t->wait)
        return po_error(PO_EINVAL,
                        "diagnose: the late window ends %g tau after the pulse, after the wait "
                        "of %zu steps (%g tau)",
                        opts->late_to, t->wait, (double)t->wait * alpha);
    return PO_OK;
}

double po_dg_response_tau(const double *r, size_t n, double alpha)
{
    if (!(isfinite(r[0]) && r[0] != 0.0)) return (double)NAN;
    double area = 0.0;
    for (size_t k = 0; k < n; k++) area += r[k];
    return alpha * area / r[0];
}

double po_dg_window_mean(const double *r, size_t from, size_t to)
{
    double s = 0.0;
    for (size_t k = from; k < to; k++) s += r[k];
    return s / (double)(to - from);
}

double po_dg_variogram(const po_mat *Y, const double *readout, size_t lag)
{
    size_t T = Y->rows, n = T - lag;
    double s = 0.0;
    for (size_t t = 0; t < n; t++) {
        double diff = po_dg_dot(&PO_MAT_AT(Y, t + lag, 0), readout, Y->cols) -
                      po_dg_dot(&PO_MAT_AT(Y, t, 0), readout, Y->cols);
        s += diff * diff;
    }
    return s / (double)n;
}

/* ---- prediction ------------------------------------------------------------ */

/* n = the state's dimension (d for map, K for lds). */
static po_status check_model(const po_diagnose *dg, const po_mat *model, size_t *n)
{
    size_t d = dg->n_neurons;
    if (!model || !model->data || model->rows != model->cols)
        return po_error(PO_EINVAL, "diagnose: the model must be a square matrix");
    if (dg->method == PO_DIAG_MAP) {
        if (model->rows != d)
            return po_error(PO_ESHAPE, "diagnose: the model is %zux%zu for %zu neurons",
                            model->rows, model->cols, d);
    } else if (!dg->emission || dg->emission->rows != d || dg->emission->cols != model->rows) {
        return po_error(PO_ESHAPE, "diagnose: the LDS emission must be %zu x %zu", d,
                        model->rows);
    }
    *n = model->rows;
    return PO_OK;
}

po_status po_dg_predict(const po_diagnose *dg, const po_mat *model, const po_diagnose_opts *opts,
                        const double *pattern, const double *readout, const double *signal,
                        size_t steps, double *out)
{
    if (!dg || !opts || !pattern || !readout || !signal || !out)
        return po_error(PO_EINVAL, "diagnose: predict: NULL argument");
    size_t n, d = dg->n_neurons;
    po_status st = check_model(dg, model, &n);
    if (st) return st;
    if (steps == 0) return PO_OK;
    bool lds = dg->method == PO_DIAG_LDS;
    po_phi phi = lds ? PO_PHI_LINEAR : opts->phi;
    /* x, x_next, phi(x), W phi(x), drive direction b, readout c (state space) */
    double *work = calloc(6 * n, sizeof *work);
    if (!work) return po_error(PO_ENOMEM, "diagnose: no memory to predict the response");
    double *x = work, *xn = x + n, *p = xn + n, *y = p + n, *b = y + n, *c = b + n;
    for (size_t k = 0; k < n; k++) {
        if (lds) {
            double sb = 0.0, sc = 0.0;
            for (size_t i = 0; i < d; i++) {
                sb += PO_MAT_AT(dg->emission, i, k) * pattern[i];
                sc += PO_MAT_AT(dg->emission, i, k) * readout[i];
            }
            b[k] = sb;
            c[k] = sc;
        } else {
            b[k] = pattern[k];
            c[k] = readout[k];
        }
    }
    double a = dg->alpha;
    out[0] = 0.0;
    for (size_t t = 0; t + 1 < steps; t++) {
        po_phi_apply(phi, x, p, n);
        po_la_gemv(false, 1.0, model, p, 0.0, y); /* as po_sim_run's dense operator */
        double s = signal[t];
        for (size_t i = 0; i < n; i++) xn[i] = x[i] + a * ((y[i] - x[i]) + s * b[i]);
        memcpy(x, xn, n * sizeof *x);
        out[t + 1] = po_dg_dot(x, c, n);
        if (!isfinite(out[t + 1])) {
            free(work);
            return po_error(PO_ENONFINITE,
                            "diagnose: the predicted response became non-finite at step %zu "
                            "(unstable model)",
                            t + 1);
        }
    }
    free(work);
    return PO_OK;
}

/* ---- the alternative explanation ------------------------------------------- */

/* *alt = W + (Re lambda_2 - lambda_1) v u^T / (u^T v), or NULL (and PO_OK)
 * when there is none: n < 2, a complex top pair, or a top eigenvalue whose
 * left and right vectors cannot be paired (W^T's top eigenvalue differs by
 * more than rounding, or u^T v ~ 0: defective). u is the top right
 * eigenvector of W^T. */
static po_status build_alternative(const po_mat *W, po_mat **alt)
{
    *alt = NULL;
    size_t n = W->rows;
    if (n < 2) return PO_OK;
    po_status st = PO_ENOMEM;
    double *re = malloc(4 * n * sizeof *re), *im = re ? re + n : NULL;
    double *ret = re ? im + n : NULL, *imt = re ? ret + n : NULL;
    po_mat *vre = po_mat_alloc(n, n), *vim = po_mat_alloc(n, n);
    po_mat *ure = po_mat_alloc(n, n), *uim = po_mat_alloc(n, n), *Wt = po_mat_alloc(n, n);
    if (!re || !vre || !vim || !ure || !uim || !Wt) {
        st = po_error(PO_ENOMEM, "diagnose: no memory for the alternative model");
        goto done;
    }
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < n; j++) PO_MAT_AT(Wt, i, j) = PO_MAT_AT(W, j, i);
    st = po_eig_vectors(W, re, im, vre, vim);
    if (!st) st = po_eig_vectors(Wt, ret, imt, ure, uim);
    if (st || im[0] != 0.0 || imt[0] != 0.0 ||
        fabs(ret[0] - re[0]) > 1e-8 * (1.0 + fabs(re[0])))
        goto done;
    double utv = 0.0, nu = 0.0, nv = 0.0;
    for (size_t i = 0; i < n; i++) {
        utv += PO_MAT_AT(ure, i, 0) * PO_MAT_AT(vre, i, 0);
        nu += PO_MAT_AT(ure, i, 0) * PO_MAT_AT(ure, i, 0);
        nv += PO_MAT_AT(vre, i, 0) * PO_MAT_AT(vre, i, 0);
    }
    if (!(fabs(utv) > 1e-8 * sqrt(nu * nv))) goto done;
    *alt = po_mat_dup(W);
    if (!*alt) {
        st = po_error(PO_ENOMEM, "diagnose: no memory for the alternative model");
        goto done;
    }
    double shift = (re[1] - re[0]) / utv;
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < n; j++)
            PO_MAT_AT(*alt, i, j) += shift * PO_MAT_AT(vre, i, 0) * PO_MAT_AT(ure, j, 0);
done:
    free(re);
    po_mat_free(vre);
    po_mat_free(vim);
    po_mat_free(ure);
    po_mat_free(uim);
    po_mat_free(Wt);
    return st;
}

/* ---- design ------------------------------------------------------------------ */

void po_dg_protocol_free(po_diagnose_protocol *p)
{
    if (!p) return;
    free(p->pattern);
    free(p->readout);
    free(p->signal);
    free(p->predicted);
    free(p->alternative);
    memset(p, 0, sizeof *p);
}

/* What the design needs to predict and read a protocol: its timing, the
 * pulses of its signal, scratch for the pulse-averaged response. */
typedef struct design_ctx {
    const po_diagnose *dg;
    const po_diagnose_opts *opts;
    const po_mat *alt; /* NULL: no alternative */
    po_dg_timing tm;
    po_dg_pulses ps;
    const double *readout;
    size_t steps;
    double *resp; /* pulse + wait */
} design_ctx;

/* Predict the response of `model` to signal (x) pattern into out (steps) and
 * read it as the measurement will be read. */
static po_status predict_read(const design_ctx *c, const po_mat *model, const double *pattern,
                              const double *signal, double *out, po_dg_reading *sm)
{
    po_status st = po_dg_predict(c->dg, model, c->opts, pattern, c->readout, signal, c->steps, out);
    if (!st) *sm = po_dg_pulse_average(out, &c->ps, &c->tm, c->dg->alpha, c->resp, NULL);
    return st;
}

/* A candidate pattern at unit amplitude: the model's and the alternative's
 * response as the measurement reads them; the pattern's sign is chosen so
 * that the model's peak is positive (late and tau are ratios: unchanged). */
typedef struct candidate {
    const char *kind;
    double *pattern;
    po_dg_reading model, alt;
} candidate;

static po_status evaluate(const design_ctx *c, const double *unit, double *r, candidate *cd)
{
    po_status st = predict_read(c, c->dg->model, cd->pattern, unit, r, &cd->model);
    if (st) return st;
    if (cd->model.peak < 0.0) {
        for (size_t i = 0; i < c->dg->n_neurons; i++) cd->pattern[i] = -cd->pattern[i];
        cd->model.peak = -cd->model.peak;
    }
    cd->alt = (po_dg_reading){(double)NAN, (double)NAN, (double)NAN, (double)NAN};
    return c->alt ? predict_read(c, c->alt, cd->pattern, unit, r, &cd->alt) : PO_OK;
}

/* The noise a late-window mean must stand out of: the variogram of the
 * recording along the readout at the lag from the baseline (just before the
 * pulse) to the middle of the late window, V(L) = E (p_{t+L} - p_t)^2, is the
 * variance of one baseline-subtracted sample at that delay, slow drift of the
 * slow mode included. Averaging a window of correlated samples removes little
 * of a slow drift, so the window is counted as one sample (conservative), and
 * `repeats` pulses average: noise_se = sqrt(V(L) / repeats). L is capped at
 * T / 2 so that at least half the recording enters the mean. */
static double late_noise_se(const po_mat *Y, const double *readout, const po_dg_timing *tm)
{
    size_t L = tm->pulse + (tm->late0 + tm->late1) / 2, cap = Y->rows / 2;
    if (L > cap) L = cap;
    if (L < 1) L = 1;
    return sqrt(po_dg_variogram(Y, readout, L) / (double)tm->repeats);
}

po_status po_dg_design(po_diagnose *dg, const po_mat *Y, const po_diagnose_opts *opts)
{
    if (!dg || !Y || !Y->data || !opts || !dg->slow_right || !dg->slow_left)
        return po_error(PO_EINVAL, "diagnose: design: NULL argument or no slow mode");
    size_t n, d = dg->n_neurons;
    po_status st = check_model(dg, dg->model, &n);
    if (st) return st;
    if (Y->cols != d || Y->rows < 2)
        return po_error(PO_ESHAPE, "diagnose: the recording is %zux%zu, need T >= 2 rows and "
                        "%zu columns", Y->rows, Y->cols, d);
    if (!(opts->snr > 0.0 && isfinite(opts->snr)))
        return po_error(PO_EINVAL, "diagnose: snr = %g must be a finite number > 0", opts->snr);
    design_ctx c = {dg, opts, NULL, {0, 0, 0, 0, 0}, {0, 0, 0, NULL}, NULL, 0, NULL};
    st = po_dg_timing_get(opts, dg->alpha, &c.tm);
    if (st) return st;
    size_t period = c.tm.pulse + c.tm.wait;
    if (period > ((size_t)-1 / sizeof(double)) / c.tm.repeats)
        return po_error(PO_EINVAL, "diagnose: the protocol is too long");

    po_diagnose_protocol *p = &dg->protocol;
    po_dg_protocol_free(p);
    p->d = d;
    p->pulse_steps = c.tm.pulse;
    p->wait_steps = c.tm.wait;
    p->repeats = c.tm.repeats;
    p->steps = c.steps = c.tm.repeats * period;
    po_mat *alt = NULL;
    st = build_alternative(dg->model, &alt);
    if (st) return st;
    c.alt = alt;
    p->pattern = calloc(d, sizeof *p->pattern);
    p->readout = calloc(d, sizeof *p->readout);
    p->signal = calloc(p->steps, sizeof *p->signal);
    p->predicted = calloc(p->steps, sizeof *p->predicted);
    p->alternative = alt ? calloc(p->steps, sizeof *p->alternative) : NULL;
    double *cand = calloc(2 * d, sizeof *cand);
    double *unit = calloc(p->steps, sizeof *unit), *r = calloc(p->steps, sizeof *r);
    c.resp = calloc(period, sizeof *c.resp);
    if (!p->pattern || !p->readout || !p->signal || !p->predicted || (alt && !p->alternative) ||
        !cand || !unit || !r || !c.resp) {
        st = po_error(PO_ENOMEM, "diagnose: no memory for a protocol of %zu steps", p->steps);
        goto done;
    }
    if (!po_dg_unit(dg->slow_right, p->readout, d) || !po_dg_unit(dg->slow_left, cand, d) ||
        !po_dg_unit(dg->slow_right, cand + d, d)) {
        st = po_error(PO_EINVAL, "diagnose: the slow mode vectors must be finite and non-zero");
        goto done;
    }
    c.readout = p->readout;
    /* pulses of alternating sign: a slow response carried over from one
     * pulse is then subtracted, not accumulated, by the next */
    for (size_t k = 0; k < c.tm.repeats; k++)
        for (size_t t = 0; t < c.tm.pulse; t++) unit[k * period + t] = k % 2 ? -1.0 : 1.0;
    st = po_dg_pulses_find(unit, p->steps, &c.tm, dg->alpha, &c.ps);
    if (st) goto done;

    /* slow-left excites the slow mode most per unit drive; slow-right puts
     * the state on the slow direction itself. Candidates whose response does
     * not grow after the pulse (rise <= DESIGN_MAX_RISE) come first; among
     * them, with an alternative, the winner is the pattern whose late
     * fraction of the peak (what the verdict reads) differs most between the
     * model and the alternative: at the amplitude below, that difference is
     * snr / 0.05 times its size in standard errors. If all grow, the one that
     * grows least. */
    candidate cs[2] = {{"slow-left", cand, {0, 0, 0, 0}, {0, 0, 0, 0}},
                       {"slow-right", cand + d, {0, 0, 0, 0}, {0, 0, 0, 0}}};
    int best = -1;
    bool best_clean = false;
    double best_sep = -1.0;
    for (int k = 0; k < 2; k++) {
        st = evaluate(&c, unit, r, &cs[k]);
        if (st) goto done;
        if (!(cs[k].model.peak > 1e-12)) continue; /* the readout does not see this pattern */
        bool clean = cs[k].model.rise <= DESIGN_MAX_RISE;
        double sep = alt ? fabs(cs[k].model.late - cs[k].alt.late) : 0.0;
        bool better = best < 0 || (clean && !best_clean) ||
                      (clean == best_clean &&
                       (clean ? sep > best_sep : cs[k].model.rise < cs[best].model.rise));
        if (better) {
            best = k;
            best_clean = clean;
            best_sep = sep;
        }
    }
    if (best < 0) {
        st = po_error(PO_EINVAL, "diagnose: neither slow-mode pattern drives a response along "
                      "the slow mode (peak 0)");
        goto done;
    }
    memcpy(p->pattern, cs[best].pattern, d * sizeof *p->pattern);
    snprintf(p->pattern_kind, sizeof p->pattern_kind, "%s", cs[best].kind);

    /* A plateau of 5% of the peak should stand snr standard errors out. A
     * noise-free recording gives no scale: then a unit peak response. For a
     * tanh model the peak is taken at amplitude 1 (the prediction below is
     * the model's at the chosen amplitude, saturation included). */
    p->noise_se = late_noise_se(Y, p->readout, &c.tm);
    p->amplitude = opts->snr * p->noise_se / (0.05 * cs[best].model.peak);
    if (!(p->amplitude > 0.0 && isfinite(p->amplitude))) p->amplitude = 1.0 / cs[best].model.peak;
    for (size_t t = 0; t < p->steps; t++) p->signal[t] = p->amplitude * unit[t];
    po_dg_reading sm;
    st = predict_read(&c, dg->model, p->pattern, p->signal, p->predicted, &sm);
    if (st) goto done;
    p->predicted_late = sm.late;
    p->predicted_tau = sm.tau;
    p->alternative_late = p->alternative_tau = (double)NAN;
    if (alt) {
        st = predict_read(&c, alt, p->pattern, p->signal, p->alternative, &sm);
        if (!st) {
            p->alternative_late = sm.late;
            p->alternative_tau = sm.tau;
        }
    }
done:
    free(cand);
    free(unit);
    free(r);
    free(c.resp);
    po_dg_pulses_free(&c.ps);
    po_mat_free(alt);
    if (st) po_dg_protocol_free(p);
    return st;
}
