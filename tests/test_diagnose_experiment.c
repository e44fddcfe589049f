/* The experiment part of partobs diagnose (issue 11, Part B): protocol
 * design, the model's prediction, the measured response and the verdict
 * (src/diagnose/protocol.c, perturbation.c). A po_diagnose is built by hand
 * with the fields these functions read. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diagnose/diagnose_internal.h"
#include "diagnose/experiment.h"
#include "harness.h"

static po_diagnose_opts test_opts(double alpha)
{
    po_diagnose_opts o;
    memset(&o, 0, sizeof o);
    o.method = PO_DIAG_MAP;
    o.phi = PO_PHI_LINEAR;
    o.alpha = alpha;
    o.repeats = 4;
    o.late_from = 50.0;
    o.late_to = 70.0;
    o.snr = 3.0;
    return o;
}

/* A MAP diagnosis of the d x d model W with the given slow vectors. */
static po_diagnose *make_dg(const double *W, size_t d, double alpha, const double *right,
                            const double *left)
{
    po_diagnose *dg = calloc(1, sizeof *dg);
    dg->method = PO_DIAG_MAP;
    dg->passive_verdict = PO_DIAG_INCONCLUSIVE; /* a slow mode to test */
    dg->alpha = alpha;
    dg->n_neurons = d;
    dg->model = po_mat_alloc(d, d);
    memcpy(dg->model->data, W, d * d * sizeof *W);
    dg->slow_right = malloc(d * sizeof *dg->slow_right);
    dg->slow_left = malloc(d * sizeof *dg->slow_left);
    memcpy(dg->slow_right, right, d * sizeof *right);
    memcpy(dg->slow_left, left, d * sizeof *left);
    return dg;
}

static void free_dg(po_diagnose *dg)
{
    po_dg_protocol_free(&dg->protocol);
    po_dg_measured_free(&dg->measured);
    po_mat_free(dg->model);
    po_mat_free(dg->emission);
    free(dg->slow_right);
    free(dg->slow_left);
    free(dg);
}

/* x_t . readout of po_sim_run of the n x n network W from x_0 (NULL = rest)
 * with drive v_t = noise xi_t + signal_t w_in; X (T x n) returned if wanted. */
static double *sim_readout(const double *W, size_t n, const po_diagnose_opts *o, double noise,
                           const double *x0, const double *signal, const double *w_in,
                           const double *readout, size_t T, uint64_t seed, po_mat **Xout)
{
    po_mat *Wm = po_mat_alloc(n, n), *X = po_mat_alloc(T, n), *S = po_mat_alloc(T, 1);
    double *zero = calloc(n, sizeof *zero), *out = malloc(T * sizeof *out);
    memcpy(Wm->data, W, n * n * sizeof *W);
    if (signal) memcpy(S->data, signal, T * sizeof *signal);
    po_linop *op = NULL;
    CHECK_OK(po_linop_dense(Wm, &op));
    po_sim_opts so = po_sim_opts_defaults();
    so.T = T;
    so.alpha = o->alpha;
    so.phi = o->phi;
    so.noise = noise;
    so.input_gain = 1.0;
    so.seed = seed;
    so.threads = 1;
    po_sim_inputs in = {x0 ? x0 : zero, NULL, signal ? S : NULL, signal ? w_in : NULL};
    CHECK_OK(po_sim_run(op, &so, &in, X));
    for (size_t t = 0; t < T; t++) {
        out[t] = 0.0;
        for (size_t i = 0; i < n; i++) out[t] += PO_MAT_AT(X, t, i) * readout[i];
    }
    po_linop_free(op);
    po_mat_free(Wm);
    po_mat_free(S);
    free(zero);
    if (Xout) *Xout = X;
    else po_mat_free(X);
    return out;
}

static double max_abs(const double *x, size_t n)
{
    double m = 0.0;
    for (size_t i = 0; i < n; i++) m = fmax(m, fabs(x[i]));
    return m;
}

/* Two pulses of opposite sign and unequal amplitude in T steps. */
static double *two_pulses(size_t T)
{
    double *s = calloc(T, sizeof *s);
    for (size_t t = 10; t < 60; t++) s[t] = 1.5;
    for (size_t t = 300; t < 330; t++) s[t] = -0.7;
    return s;
}

/* The prediction is a noise-free po_sim_run of the same network (map,
 * linear and tanh), and linear in the amplitude for a linear model. */
static void test_predict_equals_noise_free_sim(void)
{
    const size_t d = 6, T = 800;
    po_mat *G = po_test_gaussian(d, d, 1.2 / sqrt((double)d), 7);
    po_mat *V = po_test_gaussian(2, d, 1.0, 8);
    const double *pattern = &PO_MAT_AT(V, 0, 0), *readout = &PO_MAT_AT(V, 1, 0);
    double *s = two_pulses(T), *s3 = malloc(T * sizeof *s3), *out = malloc(T * sizeof *out);
    double *out3 = malloc(T * sizeof *out3);
    for (size_t t = 0; t < T; t++) s3[t] = 3.0 * s[t];
    for (int k = 0; k < 2; k++) {
        po_diagnose_opts o = test_opts(0.05);
        o.phi = k ? PO_PHI_TANH : PO_PHI_LINEAR;
        po_diagnose *dg = make_dg(G->data, d, 0.05, readout, pattern);
        CHECK_OK(po_dg_predict(dg, dg->model, &o, pattern, readout, s3, T, out));
        double *ref = sim_readout(G->data, d, &o, 0.0, NULL, s3, pattern, readout, T, 1, NULL);
        CHECK(max_abs(ref, T) > 0.1);
        CHECK_ALLCLOSE(out, ref, T, 1e-11, 1e-13 * max_abs(ref, T));
        free(ref);
        if (k == 0) { /* linearity in the amplitude */
            CHECK_OK(po_dg_predict(dg, dg->model, &o, pattern, readout, s, T, out3));
            for (size_t t = 0; t < T; t++) out3[t] *= 3.0;
            CHECK_ALLCLOSE(out, out3, T, 1e-11, 1e-13 * max_abs(out, T));
        }
        free_dg(dg);
    }
    po_mat_free(G);
    po_mat_free(V);
    free(s);
    free(s3);
    free(out);
    free(out3);
}

/* LDS: the latent map of po_lds_continuous, A = (1 - alpha) I + alpha A_cont,
 * z_{t+1} = A z_t + alpha C^T s_t p, read out as (C z_t) . r. */
static void test_predict_lds_latent_form(void)
{
    const size_t d = 5, K = 3, T = 500;
    const double alpha = 0.05;
    po_mat *Ac = po_test_gaussian(K, K, 0.6, 11);
    po_mat *V = po_test_gaussian(2, d, 1.0, 12);
    const double *pattern = &PO_MAT_AT(V, 0, 0), *readout = &PO_MAT_AT(V, 1, 0);
    po_diagnose *dg = calloc(1, sizeof *dg);
    dg->method = PO_DIAG_LDS;
    dg->passive_verdict = PO_DIAG_INCONCLUSIVE; /* a slow mode to test */
    dg->alpha = alpha;
    dg->n_neurons = d;
    dg->emission = po_mat_alloc(d, K); /* orthonormal: rotated coordinate axes */
    double c = cos(0.3), sn = sin(0.3);
    PO_MAT_AT(dg->emission, 0, 0) = c;
    PO_MAT_AT(dg->emission, 1, 0) = sn;
    PO_MAT_AT(dg->emission, 0, 1) = -sn;
    PO_MAT_AT(dg->emission, 1, 1) = c;
    PO_MAT_AT(dg->emission, 3, 2) = 1.0;
    double *s = two_pulses(T), *out = malloc(T * sizeof *out), *ref = calloc(T, sizeof *ref);
    po_diagnose_opts o = test_opts(alpha);
    o.method = PO_DIAG_LDS;
    o.phi = PO_PHI_TANH; /* ignored: the LDS is linear */
    CHECK_OK(po_dg_predict(dg, Ac, &o, pattern, readout, s, T, out));
    double z[3] = {0, 0, 0}, zn[3], b[3] = {0, 0, 0};
    for (size_t k = 0; k < K; k++)
        for (size_t i = 0; i < d; i++) b[k] += PO_MAT_AT(dg->emission, i, k) * pattern[i];
    for (size_t t = 0; t + 1 < T; t++) {
        for (size_t i = 0; i < K; i++) {
            zn[i] = (1.0 - alpha) * z[i] + alpha * s[t] * b[i];
            for (size_t j = 0; j < K; j++) zn[i] += alpha * PO_MAT_AT(Ac, i, j) * z[j];
        }
        memcpy(z, zn, sizeof z);
        for (size_t i = 0; i < d; i++) {
            double xi = 0.0;
            for (size_t k = 0; k < K; k++) xi += PO_MAT_AT(dg->emission, i, k) * z[k];
            ref[t + 1] += xi * readout[i];
        }
    }
    CHECK(max_abs(ref, T) > 0.05);
    CHECK_ALLCLOSE(out, ref, T, 1e-10, 1e-12 * max_abs(ref, T));
    /* a wrong emission shape is refused */
    po_mat *bad = po_mat_alloc(K + 1, K + 1);
    CHECK_STATUS(po_dg_predict(dg, bad, &o, pattern, readout, s, T, out), PO_ESHAPE);
    po_mat_free(bad);
    po_mat_free(Ac);
    po_mat_free(V);
    free(s);
    free(out);
    free(ref);
    free_dg(dg);
}

/* tau_r = alpha sum r_k / r_0 on an exact exponential, the decay of a 1-d
 * model W = [w] after a pulse (tau = 1 / (1 - w)), and on a plateau. */
static void test_time_constant_estimator(void)
{
    const double alpha = 0.01;
    const size_t n = 7000; /* 70 tau */
    double *r = malloc(n * sizeof *r);
    for (size_t k = 0; k < n; k++) r[k] = 2.0 * pow(1.0 - alpha / 10.0, (double)k);
    CHECK_CLOSE(po_dg_response_tau(r, n, alpha), 10.0, 0.02, 0.0);
    for (size_t k = 0; k < n; k++) r[k] = -0.3; /* a plateau saturates at the window */
    CHECK_CLOSE(po_dg_response_tau(r, n, alpha), (double)n * alpha, 1e-12, 0.0);
    r[0] = 0.0;
    CHECK(isnan(po_dg_response_tau(r, n, alpha)));
    free(r);

    const double ws[2] = {0.9, 0.0};
    for (int k = 0; k < 2; k++) {
        size_t P = 200, T = P + n;
        double w = ws[k], one = 1.0, *s = calloc(T, sizeof *s), *out = malloc(T * sizeof *out);
        for (size_t t = 0; t < P; t++) s[t] = 1.0;
        po_diagnose *dg = make_dg(&w, 1, alpha, &one, &one);
        po_diagnose_opts o = test_opts(alpha);
        CHECK_OK(po_dg_predict(dg, dg->model, &o, &one, &one, s, T, out));
        CHECK_CLOSE(po_dg_response_tau(out + P, n, alpha), 1.0 / (1.0 - w), 0.02, 0.0);
        free_dg(dg);
        free(s);
        free(out);
    }
}

/* Nonnormal 2 x 2 model: slow eigenvalue 0.98 (right e1, left (1, 0.625)),
 * fast 0.5; the alternative W' = W - 0.48 v u^T / (u^T v) is 0.5 I. */
static const double W2[4] = {0.98, 0.3, 0.0, 0.5};
static const double RIGHT2[2] = {1.0, 0.0};
static const double LEFT2[2] = {0.848, 0.53}; /* (1, 0.625) / norm */

static po_mat *spontaneous(const double *W, size_t d, const po_diagnose_opts *o, double noise,
                           size_t T, uint64_t seed)
{
    po_mat *X = NULL;
    double *e = calloc(d, sizeof *e);
    e[0] = 1.0;
    free(sim_readout(W, d, o, noise, NULL, NULL, NULL, e, T, seed, &X));
    free(e);
    return X;
}

static void test_design(void)
{
    const double alpha = 0.01;
    po_diagnose_opts o = test_opts(alpha);
    po_mat *Y = spontaneous(W2, 2, &o, 0.2, 20000, 3);
    po_diagnose *dg = make_dg(W2, 2, alpha, RIGHT2, LEFT2);
    CHECK_OK(po_dg_design(dg, Y, &o));
    po_diagnose_protocol *p = &dg->protocol;
    size_t P = 200, Wt = 7000, period = P + Wt;
    CHECK(p->d == 2 && p->pulse_steps == P && p->wait_steps == Wt && p->repeats == 4);
    CHECK(p->steps == 4 * period);
    CHECK_CLOSE(hypot(p->pattern[0], p->pattern[1]), 1.0, 1e-14, 0.0);
    CHECK_CLOSE(hypot(p->readout[0], p->readout[1]), 1.0, 1e-14, 0.0);
    CHECK(p->readout[0] == 1.0 && p->readout[1] == 0.0);
    /* the pattern is the named candidate (sign chosen for a positive peak) */
    bool left = strcmp(p->pattern_kind, "slow-left") == 0;
    CHECK(left || strcmp(p->pattern_kind, "slow-right") == 0);
    const double *want = left ? LEFT2 : RIGHT2;
    double norm = hypot(want[0], want[1]);
    CHECK_CLOSE(fabs(p->pattern[0]), want[0] / norm, 1e-12, 0.0);
    CHECK_CLOSE(fabs(p->pattern[1]), want[1] / norm, 1e-12, 1e-15);
    /* signal: +A, -A, +A, -A during the pulses, 0 between */
    CHECK(p->amplitude > 0.0);
    size_t bad = 0;
    for (size_t t = 0; t < p->steps; t++) {
        size_t k = t / period, j = t % period;
        double w = j < P ? (k % 2 ? -p->amplitude : p->amplitude) : 0.0;
        bad += p->signal[t] != w;
    }
    CHECK(bad == 0);
    /* the predictions are noise-free runs of W and of W' = 0.5 I */
    double *ref = sim_readout(W2, 2, &o, 0.0, NULL, p->signal, p->pattern, p->readout, p->steps,
                              1, NULL);
    CHECK_ALLCLOSE(p->predicted, ref, p->steps, 1e-10, 1e-12 * max_abs(ref, p->steps));
    free(ref);
    const double Walt[4] = {0.5, 0.0, 0.0, 0.5};
    CHECK(p->alternative != NULL);
    ref = sim_readout(Walt, 2, &o, 0.0, NULL, p->signal, p->pattern, p->readout, p->steps, 1,
                      NULL);
    if (p->alternative)
        CHECK_ALLCLOSE(p->alternative, ref, p->steps, 1e-8, 1e-10 * max_abs(ref, p->steps));
    free(ref);
    /* the summaries are what the measurement reads from a noise-free run:
     * agreement 1 */
    CHECK(p->predicted[P] > 0.0);
    po_mat *STIM = po_mat_alloc(p->steps, 2), *X = NULL;
    for (size_t t = 0; t < p->steps; t++)
        for (size_t i = 0; i < 2; i++) PO_MAT_AT(STIM, t, i) = p->signal[t] * p->pattern[i];
    free(sim_readout(W2, 2, &o, 0.0, NULL, p->signal, p->pattern, p->readout, p->steps, 1, &X));
    CHECK_OK(po_dg_measure(dg, X, STIM, &o));
    CHECK_CLOSE(dg->measured.late, p->predicted_late, 1e-9, 0.0);
    CHECK_CLOSE(dg->measured.measured_tau, p->predicted_tau, 1e-9, 0.0);
    CHECK_CLOSE(dg->measured.agreement, 1.0, 1e-9, 0.0);
    CHECK(dg->verdict == PO_DIAG_ROBUST);
    double avg_peak = dg->measured.peak; /* pulse-averaged, as the amplitude's */
    po_mat_free(STIM);
    po_mat_free(X);
    /* tau 50 and the first pulse alone: late ~exp(-60/50) = 0.3; the pulses
     * before add a slower-decaying carry-over after sign alignment */
    CHECK(p->predicted_late > 0.2 && p->predicted_late < 0.6);
    CHECK(p->alternative_late < 1e-6 && p->alternative_tau < 3.0);
    CHECK(p->predicted_tau > 30.0);
    /* amplitude: a plateau of 5% of the peak is snr standard errors, with
     * noise_se = sqrt(V(L) / repeats), L = pulse + middle of the late window */
    double V = po_dg_variogram(Y, p->readout, P + 6000);
    CHECK_CLOSE(p->noise_se, sqrt(V / 4.0), 1e-12, 0.0);
    CHECK_CLOSE(0.05 * avg_peak, o.snr * p->noise_se, 1e-9, 0.0);
    /* a complex top pair has no alternative */
    const double Wc[4] = {0.9, 0.3, -0.3, 0.9};
    po_diagnose *dc = make_dg(Wc, 2, alpha, RIGHT2, RIGHT2);
    CHECK_OK(po_dg_design(dc, Y, &o));
    CHECK(dc->protocol.alternative == NULL && isnan(dc->protocol.alternative_tau));
    CHECK(isnan(dc->protocol.alternative_late) && isfinite(dc->protocol.predicted_late));
    free_dg(dc);
    free_dg(dg);
    po_mat_free(Y);
}

/* A pattern whose predicted response keeps growing after the pulse (here
 * slow-left = mostly neuron 2, which feeds neuron 1 through a strong
 * feedforward weight) reads transient amplification, not persistence: the
 * design takes slow-right, whose response only decays. */
static void test_design_avoids_amplification(void)
{
    const double alpha = 0.01, W[4] = {0.98, 3.0, 0.0, 0.5};
    const double left[2] = {0.16, 1.0}; /* u ~ (1, 3 / 0.48) */
    po_diagnose_opts o = test_opts(alpha);
    po_mat *Y = spontaneous(W, 2, &o, 0.2, 20000, 4);
    po_diagnose *dg = make_dg(W, 2, alpha, RIGHT2, left);
    CHECK_OK(po_dg_design(dg, Y, &o));
    CHECK(strcmp(dg->protocol.pattern_kind, "slow-right") == 0);
    /* the rejected candidate does grow: its response 20 tau after a pulse
     * exceeds its value at the pulse end */
    size_t P = 200, n = P + 2001;
    double *s = calloc(n, sizeof *s), *out = malloc(n * sizeof *out), nl = hypot(0.16, 1.0);
    double pl[2] = {0.16 / nl, 1.0 / nl};
    for (size_t t = 0; t < P; t++) s[t] = 1.0;
    CHECK_OK(po_dg_predict(dg, dg->model, &o, pl, RIGHT2, s, n, out));
    CHECK(out[P + 2000] > 1.05 * out[P]);
    free(s);
    free(out);
    free_dg(dg);
    po_mat_free(Y);
}

static void test_variogram(void)
{
    double y[8] = {0, 0, 1, 1, 3, 0, 2, 2}; /* rows (0,0), (1,1), (3,0), (2,2) */
    po_mat Y = po_mat_view(y, 4, 2, 2);
    double r[2] = {1.0, 0.0};
    /* p = 0, 1, 3, 2: lag 1 -> (1 + 4 + 1) / 3, lag 2 -> (9 + 1) / 2 */
    CHECK_CLOSE(po_dg_variogram(&Y, r, 1), 2.0, 1e-15, 0.0);
    CHECK_CLOSE(po_dg_variogram(&Y, r, 2), 5.0, 1e-15, 0.0);
}

/* The protocol applied to the model itself (in silico, small noise,
 * continuing from the spontaneous run): the measured late fraction matches
 * the prediction; a slow mode that is there is called robust, a fast decay
 * suspect. */
static void run_experiment(const double *W, size_t d, const double *right, const double *left,
                           double snr, po_diagnose_verdict expect, uint64_t seed)
{
    const double alpha = 0.01;
    po_diagnose_opts o = test_opts(alpha);
    o.snr = snr;
    po_mat *Y = spontaneous(W, d, &o, 0.2, 20000, seed);
    po_diagnose *dg = make_dg(W, d, alpha, right, left);
    CHECK_OK(po_dg_design(dg, Y, &o));
    po_diagnose_protocol *p = &dg->protocol;
    size_t T = p->steps;
    po_mat *STIM = po_mat_alloc(T, d);
    for (size_t t = 0; t < T; t++)
        for (size_t i = 0; i < d; i++) PO_MAT_AT(STIM, t, i) = p->signal[t] * p->pattern[i];
    po_mat *YP = NULL;
    free(sim_readout(W, d, &o, 0.2, &PO_MAT_AT(Y, Y->rows - 1, 0), p->signal, p->pattern,
                     p->readout, T, seed + 100, &YP));
    CHECK_OK(po_dg_measure(dg, YP, STIM, &o));
    po_diagnose_measured *m = &dg->measured;
    CHECK(m->present && m->window == p->pulse_steps + p->wait_steps);
    CHECK(m->response != NULL && m->peak == m->response[p->pulse_steps]);
    CHECK_CLOSE(m->peak, p->predicted[p->pulse_steps], 0.2, 0.0);
    CHECK(m->late_se > 0.0 && m->late_se < 0.15 / snr);
    CHECK(fabs(m->late - p->predicted_late) < 3.0 * m->late_se + 0.01);
    CHECK_CLOSE(m->agreement, m->late / p->predicted_late, 1e-9, 0.0);
    CHECK(fabs(m->measured_tau - p->predicted_tau) < 0.25 * p->predicted_tau + 1.0);
    CHECK(dg->verdict == expect);
    CHECK(strstr(dg->reason, "50-70 tau") != NULL);
    po_mat_free(Y);
    po_mat_free(YP);
    po_mat_free(STIM);
    free_dg(dg);
}

static void test_measure_recovers_prediction(void)
{
    run_experiment(W2, 2, RIGHT2, LEFT2, 3.0, PO_DIAG_ROBUST, 21); /* tau 50: late ~0.3 */
    /* tau 10: late ~0.003; snr 10 makes the standard error ~0.005 so the call
     * does not rest on this seed's noise */
    const double w = 0.9, one = 1.0;
    run_experiment(&w, 1, &one, &one, 10.0, PO_DIAG_SUSPECT, 22);
}

/* A small protocol (alpha 0.1: pulse 10, wait 100, late window 50..100
 * steps) designed on a 1-d model, for the input checks. */
static po_diagnose *small_dg(po_diagnose_opts *o, po_mat **Y)
{
    *o = test_opts(0.1);
    o->pulse_steps = 10;
    o->wait_steps = 100;
    o->late_from = 5.0;
    o->late_to = 10.0;
    o->repeats = 2;
    const double w = 0.8, one = 1.0;
    *Y = spontaneous(&w, 1, o, 0.2, 2000, 5);
    po_mat *Y2 = po_mat_alloc(2000, 2); /* two neurons, the second silent */
    for (size_t t = 0; t < 2000; t++) PO_MAT_AT(Y2, t, 0) = PO_MAT_AT(*Y, t, 0);
    po_mat_free(*Y);
    *Y = Y2;
    const double W[4] = {w, 0.0, 0.0, 0.2}, left[2] = {one, 0.0};
    po_diagnose *dg = make_dg(W, 2, 0.1, left, left);
    CHECK_OK(po_dg_design(dg, *Y, o));
    return dg;
}

/* STIM = s (x) (1, 2) with pulses [10, 20) and [130, 140); YP = noise-free
 * zeros plus a ramp so the baseline is not trivial. */
static void fill_protocol(po_mat *STIM, po_mat *YP)
{
    po_mat_set_zero(STIM);
    for (size_t t = 0; t < STIM->rows; t++) {
        double s = (t >= 10 && t < 20) ? 1.0 : (t >= 130 && t < 140) ? -1.0 : 0.0;
        PO_MAT_AT(STIM, t, 0) = s;
        PO_MAT_AT(STIM, t, 1) = 2.0 * s;
    }
    for (size_t t = 0; t < YP->rows; t++) {
        PO_MAT_AT(YP, t, 0) = 0.01 * (double)t;
        PO_MAT_AT(YP, t, 1) = 0.0;
    }
}

static void test_measure_errors(void)
{
    po_diagnose_opts o;
    po_mat *Y = NULL;
    po_diagnose *dg = small_dg(&o, &Y);
    const size_t T = 240;
    po_mat *STIM = po_mat_alloc(T, 2), *YP = po_mat_alloc(T, 2);
    fill_protocol(STIM, YP);
    CHECK_OK(po_dg_measure(dg, YP, STIM, &o));
    CHECK(dg->measured.window == 110);

    po_mat *narrow = po_mat_alloc(T, 1), *shortm = po_mat_alloc(T - 1, 2);
    CHECK_STATUS(po_dg_measure(dg, narrow, STIM, &o), PO_ESHAPE);
    CHECK(strstr(po_errmsg(), "perturbation recording has 1 columns") != NULL);
    CHECK_STATUS(po_dg_measure(dg, YP, narrow, &o), PO_ESHAPE);
    CHECK(strstr(po_errmsg(), "STIM has 1 columns") != NULL);
    CHECK_STATUS(po_dg_measure(dg, shortm, STIM, &o), PO_ESHAPE);
    CHECK(strstr(po_errmsg(), "240 rows") != NULL);

    PO_MAT_AT(STIM, 133, 1) = 1.0; /* not a multiple of (1, 2) */
    CHECK_STATUS(po_dg_measure(dg, YP, STIM, &o), PO_EINVAL);
    CHECK(strstr(po_errmsg(), "not rank 1: row 133") != NULL);
    fill_protocol(STIM, YP);
    PO_MAT_AT(STIM, 15, 1) *= 1.0 + 1e-7; /* beyond the 1e-9 tolerance */
    CHECK_STATUS(po_dg_measure(dg, YP, STIM, &o), PO_EINVAL);
    CHECK(strstr(po_errmsg(), "row 15") != NULL);
    fill_protocol(STIM, YP);
    PO_MAT_AT(STIM, 15, 1) *= 1.0 + 1e-13; /* rounding is accepted */
    CHECK_OK(po_dg_measure(dg, YP, STIM, &o));

    po_mat_set_zero(STIM);
    CHECK_STATUS(po_dg_measure(dg, YP, STIM, &o), PO_EINVAL);
    CHECK(strstr(po_errmsg(), "no pulse") != NULL);

    fill_protocol(STIM, YP); /* second pulse ends at 140: 100 steps left, then 99 */
    po_mat cut = po_mat_block(YP, 0, 0, T - 1, 2), cuts = po_mat_block(STIM, 0, 0, T - 1, 2);
    CHECK_STATUS(po_dg_measure(dg, &cut, &cuts, &o), PO_ESHAPE);
    CHECK(strstr(po_errmsg(), "pulse 2 (rows 130-139) is followed by 99 steps") != NULL);
    PO_MAT_AT(STIM, 100, 0) = 0.5; /* a third pulse too close to the first */
    PO_MAT_AT(STIM, 100, 1) = 1.0;
    CHECK_STATUS(po_dg_measure(dg, YP, STIM, &o), PO_EINVAL); /* its length is 1 */
    CHECK(strstr(po_errmsg(), "pulse 2 (rows 100-100) lasts 1 steps") != NULL);

    fill_protocol(STIM, YP);
    PO_MAT_AT(YP, 50, 1) = (double)NAN;
    CHECK_STATUS(po_dg_measure(dg, YP, STIM, &o), PO_ENONFINITE);
    fill_protocol(STIM, YP);
    PO_MAT_AT(STIM, 7, 0) = (double)INFINITY;
    CHECK_STATUS(po_dg_measure(dg, YP, STIM, &o), PO_ENONFINITE);

    /* a diagnosis without a designed protocol */
    fill_protocol(STIM, YP);
    po_dg_protocol_free(&dg->protocol);
    CHECK_STATUS(po_dg_measure(dg, YP, STIM, &o), PO_EINVAL);
    CHECK(strstr(po_errmsg(), "no protocol") != NULL);

    po_mat_free(narrow);
    po_mat_free(shortm);
    po_mat_free(STIM);
    po_mat_free(YP);
    po_mat_free(Y);
    free_dg(dg);
}

/* Baseline, sign alignment, averaging and the single-pulse standard error,
 * on a response written by hand. */
static void test_measure_arithmetic(void)
{
    po_diagnose_opts o;
    po_mat *Y = NULL;
    po_diagnose *dg = small_dg(&o, &Y);
    const size_t T = 240;
    po_mat *STIM = po_mat_alloc(T, 2), *YP = po_mat_alloc(T, 2);
    fill_protocol(STIM, YP);
    /* readout e1: pulse 1 (+) from baseline 2 rises to 3 and holds 2.5;
     * pulse 2 (-) from baseline -1 falls to -2 and holds -1.3 */
    for (size_t t = 0; t < T; t++) {
        double v = t <= 10    ? 2.0
                   : t <= 20  ? 2.0 + 0.1 * (double)(t - 10)
                   : t <= 120 ? 2.5
                   : t <= 130 ? -1.0
                   : t <= 140 ? -1.0 - 0.1 * (double)(t - 130)
                              : -1.3;
        PO_MAT_AT(YP, t, 0) = v;
    }
    /* the baselines are rows 1-10 and 121-130 (min(pulse, gap + 1) rows
     * ending at the pulse's first row): pairs that cancel inside, a wild
     * value just outside */
    PO_MAT_AT(YP, 0, 0) = 100.0;
    PO_MAT_AT(YP, 1, 0) = 2.5;
    PO_MAT_AT(YP, 2, 0) = 1.5;
    PO_MAT_AT(YP, 121, 0) = -0.5;
    PO_MAT_AT(YP, 122, 0) = -1.5;
    CHECK_OK(po_dg_measure(dg, YP, STIM, &o));
    po_diagnose_measured *m = &dg->measured;
    CHECK_CLOSE(m->peak, 1.0, 1e-12, 0.0);    /* both pulses peak at +1 after alignment */
    CHECK_CLOSE(m->response[0], 0.0, 0.0, 1e-15);
    CHECK_CLOSE(m->late, 0.4, 1e-12, 0.0);    /* (0.5 + 0.3) / 2 */
    CHECK_CLOSE(m->late_se, 0.1, 1e-12, 0.0); /* sd 0.1414 / sqrt 2 */
    CHECK(dg->verdict == PO_DIAG_ROBUST); /* 0.4 - 2 x 0.1 > 0.03 */
    /* persistence against a recording that alone called the mode suspect:
     * conflicting evidence, inconclusive; the experiment's own verdict kept */
    dg->passive_verdict = PO_DIAG_SUSPECT;
    CHECK_OK(po_dg_measure(dg, YP, STIM, &o));
    CHECK(dg->verdict == PO_DIAG_INCONCLUSIVE && m->verdict == PO_DIAG_ROBUST);
    CHECK(strstr(dg->reason, "Conflicting") != NULL);
    dg->passive_verdict = PO_DIAG_INCONCLUSIVE;
    /* the agreement is against the model's prediction for this stimulation
     * (not the designed protocol's timing): the late fraction that a
     * noise-free run of the model under STIM shows */
    double got = m->agreement, pw[2] = {1.0 / sqrt(5.0), 2.0 / sqrt(5.0)};
    double *sig = malloc(T * sizeof *sig);
    for (size_t t = 0; t < T; t++) sig[t] = PO_MAT_AT(STIM, t, 0) * sqrt(5.0);
    po_mat *X = NULL;
    free(sim_readout(dg->model->data, 2, &o, 0.0, NULL, sig, pw, dg->protocol.readout, T, 1,
                     &X));
    CHECK_OK(po_dg_measure(dg, X, STIM, &o));
    CHECK_CLOSE(m->agreement, 1.0, 1e-9, 0.0);
    CHECK(m->late > 0.01 && m->late < 0.9);
    CHECK_CLOSE(got, 0.4 / m->late, 1e-9, 0.0);
    CHECK(fabs(dg->protocol.predicted_late - m->late) > 1e-3); /* the protocol's differs */
    po_mat_free(X);
    free(sig);
    CHECK_OK(po_dg_measure(dg, YP, STIM, &o));
    /* the drift: the early window is rows 0-49 after each pulse end (5-10 tau
     * moved back by twice its length, clipped at the end), so it holds the
     * peak row: a = (3 + 49 x 2.5) / 50 - 2 = 0.51 and -((-2 + 49 x -1.3) / 50
     * + 1) = 0.314, c - a = -0.01 and -0.014 on neuron 0 (neuron 1 silent):
     * drift = 0.012 / 0.412, drift_se = (0.002 sqrt 2 / sqrt 2) / 0.412 */
    CHECK_CLOSE(m->drift, 0.012 / 0.412, 1e-9, 0.0);
    CHECK_CLOSE(m->drift_se, 0.002 / 0.412, 1e-9, 0.0);
    /* now the activity moves to neuron 1 in the late window (rows 50-99 after
     * each pulse end, sign-aligned 0.5): c - a = (-0.012, 0.5) on average,
     * drift = |(-0.012, 0.5)| / 0.412 with the same spread, and a persisting
     * response that moves is suspect */
    for (size_t t = 1; t < T; t++) {
        double on = PO_MAT_AT(STIM, t - 1, 0), off = PO_MAT_AT(STIM, t, 0);
        if (on == 0.0 || off != 0.0) continue; /* t = a pulse's end row */
        for (size_t k = 50; k < 100 && t + k < T; k++) PO_MAT_AT(YP, t + k, 1) = on > 0 ? 0.5 : -0.5;
    }
    CHECK_OK(po_dg_measure(dg, YP, STIM, &o));
    CHECK_CLOSE(m->drift, hypot(0.012, 0.5) / 0.412, 1e-9, 0.0);
    CHECK_CLOSE(m->drift_se, 0.002 / 0.412, 1e-9, 0.0);
    CHECK(dg->verdict == PO_DIAG_SUSPECT && strstr(dg->reason, "moves across") != NULL);
    for (size_t t = 0; t < T; t++) PO_MAT_AT(YP, t, 1) = 0.0;

    /* one pulse: the standard error is the recording's, noise_se sqrt(repeats) / peak */
    for (size_t t = 120; t < T; t++) {
        PO_MAT_AT(STIM, t, 0) = PO_MAT_AT(STIM, t, 1) = 0.0;
        PO_MAT_AT(YP, t, 0) = 2.5;
    }
    CHECK_OK(po_dg_measure(dg, YP, STIM, &o));
    CHECK(m->window == 230);
    CHECK_CLOSE(m->late, 0.5, 1e-12, 0.0);
    CHECK_CLOSE(m->late_se, dg->protocol.noise_se * sqrt(2.0), 1e-12, 0.0);

    /* a response that does not persist: suspect when measured precisely,
     * inconclusive when the noise could hide a plateau */
    for (size_t t = 25; t < T; t++) PO_MAT_AT(YP, t, 0) = 2.0 + 0.001;
    dg->protocol.noise_se = 0.005;
    CHECK_OK(po_dg_measure(dg, YP, STIM, &o));
    CHECK_CLOSE(m->late, 0.001, 1e-9, 0.0);
    CHECK(dg->verdict == PO_DIAG_SUSPECT);
    dg->protocol.noise_se = 0.1; /* late_se 0.14 */
    CHECK_OK(po_dg_measure(dg, YP, STIM, &o));
    CHECK(dg->verdict == PO_DIAG_INCONCLUSIVE);
    for (size_t t = 25; t < T; t++) PO_MAT_AT(YP, t, 0) = 2.0 + 0.025;
    dg->protocol.noise_se = 0.015 / sqrt(2.0); /* precise enough: 0.025 + 2 x 0.015 > 0.03 */
    CHECK_OK(po_dg_measure(dg, YP, STIM, &o));
    CHECK(dg->verdict == PO_DIAG_SUSPECT);
    dg->protocol.noise_se = 0.025 / sqrt(2.0);
    CHECK_OK(po_dg_measure(dg, YP, STIM, &o));
    CHECK(dg->verdict == PO_DIAG_INCONCLUSIVE);
    /* an inverted response (negative peak): inconclusive */
    for (size_t t = 11; t < T; t++) PO_MAT_AT(YP, t, 0) = 1.0;
    CHECK_OK(po_dg_measure(dg, YP, STIM, &o));
    CHECK(m->peak < 0.0 && dg->verdict == PO_DIAG_INCONCLUSIVE);
    CHECK(strstr(dg->reason, "not of the drive's sign") != NULL);
    /* an inconclusive experiment leaves the passive verdict standing */
    dg->passive_verdict = PO_DIAG_ROBUST;
    snprintf(dg->passive_reason, sizeof dg->passive_reason, "passive sentence");
    CHECK_OK(po_dg_measure(dg, YP, STIM, &o));
    CHECK(dg->verdict == PO_DIAG_ROBUST && m->verdict == PO_DIAG_INCONCLUSIVE);
    CHECK(strstr(dg->reason, "could not tell") && strstr(dg->reason, "passive sentence"));
    /* a model without a slow mode keeps that verdict whatever the response */
    dg->passive_verdict = PO_DIAG_NO_SLOW_MODE;
    CHECK_OK(po_dg_measure(dg, YP, STIM, &o));
    CHECK(dg->verdict == PO_DIAG_NO_SLOW_MODE && m->present);
    po_mat_free(STIM);
    po_mat_free(YP);
    po_mat_free(Y);
    free_dg(dg);
}

static void test_design_errors(void)
{
    po_diagnose_opts o = test_opts(0.1);
    const double w = 0.8, one = 1.0;
    po_mat *Y = spontaneous(&w, 1, &o, 0.2, 500, 5);
    po_diagnose *dg = make_dg(&w, 1, 0.1, &one, &one);
    o.wait_steps = 600; /* late window 500..700 steps ends after the wait */
    CHECK_STATUS(po_dg_design(dg, Y, &o), PO_EINVAL);
    CHECK(strstr(po_errmsg(), "late window") != NULL);
    o = test_opts(0.1);
    o.repeats = 0;
    CHECK_STATUS(po_dg_design(dg, Y, &o), PO_EINVAL);
    o = test_opts(0.1);
    o.snr = 0.0;
    CHECK_STATUS(po_dg_design(dg, Y, &o), PO_EINVAL);
    o = test_opts(0.1);
    po_mat *Y2 = po_mat_alloc(500, 2);
    CHECK_STATUS(po_dg_design(dg, Y2, &o), PO_ESHAPE);
    dg->slow_right[0] = 0.0;
    CHECK_STATUS(po_dg_design(dg, Y, &o), PO_EINVAL);
    CHECK(dg->protocol.pattern == NULL); /* nothing half-filled */
    po_mat_free(Y2);
    po_mat_free(Y);
    free_dg(dg);
}

int main(void)
{
    PO_RUN(test_predict_equals_noise_free_sim);
    PO_RUN(test_predict_lds_latent_form);
    PO_RUN(test_time_constant_estimator);
    PO_RUN(test_variogram);
    PO_RUN(test_design);
    PO_RUN(test_design_avoids_amplification);
    PO_RUN(test_design_errors);
    PO_RUN(test_measure_recovers_prediction);
    PO_RUN(test_measure_errors);
    PO_RUN(test_measure_arithmetic);
    return po_test_finish();
}
