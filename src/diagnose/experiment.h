/* Private helpers shared by the experiment part of diagnose (protocol.c
 * designs and predicts, perturbation.c measures): one definition of the
 * protocol's time base, the late window, the response time constant and the
 * noise along the readout, so the prediction and the measurement are read
 * with the same ruler. */
#ifndef PO_DIAGNOSE_EXPERIMENT_H
#define PO_DIAGNOSE_EXPERIMENT_H

#include "diagnose/diagnose_internal.h"

/* The protocol's lengths in steps, from opts and the model's alpha:
 * pulse = pulse_steps or round(2 / alpha), wait = wait_steps or
 * round(70 / alpha), and the late window [late0, late1) in steps after the
 * pulse ends (round(late_from / alpha), round(late_to / alpha)). PO_EINVAL
 * naming the option if the window is empty, negative or longer than wait. */
typedef struct po_dg_timing {
    size_t pulse, wait, repeats, late0, late1;
} po_dg_timing;
po_status po_dg_timing_get(const po_diagnose_opts *opts, double alpha, po_dg_timing *t);

/* Response time constant, in units of tau, of a response r[0..n-1] that
 * starts at the end of the pulse (r[0] = the peak):
 *   tau_r = alpha * sum_{k<n} r[k] / r[0],
 * the area under the normalised response. For r[k] = r0 m^k with
 * m = 1 - alpha / tau it is tau (1 - m^n): the time constant once the window
 * is several tau long; a plateau saturates it at the window, n alpha. NaN if
 * r[0] is 0 or not finite. */
double po_dg_response_tau(const double *r, size_t n, double alpha);

/* Mean of r[from..to-1] (to > from). */
double po_dg_window_mean(const double *r, size_t from, size_t to);

/* The pulses of a drive signal s_0..s_{T-1}: the maximal runs of non-zero
 * s_t, each with the sign of its sum. They must have one length `len`, and
 * each must be followed by at least late1 steps without drive (PO_EINVAL,
 * PO_ESHAPE naming the pulse); window = len + the shortest gap after a pulse
 * (the last pulse's gap runs to T). PO_EINVAL if there is no pulse. */
typedef struct po_dg_pulse {
    size_t start, end; /* rows [start, end) */
    double sign;
} po_dg_pulse;
typedef struct po_dg_pulses {
    size_t n, len, window;
    po_dg_pulse *p; /* n; free with po_dg_pulses_free */
} po_dg_pulses;
po_status po_dg_pulses_find(const double *s, size_t T, const po_dg_timing *tm, double alpha,
                            po_dg_pulses *out);
void po_dg_pulses_free(po_dg_pulses *ps);

/* The response to the pulses read from a trace proj_t (y_t . readout, T
 * entries): resp[k] (k < window) = the mean over pulses of
 * sign (proj_{start+k} - baseline); late_each[j] (may be NULL) = pulse j's
 * sign (late-window mean - baseline). The baseline of a pulse is the mean of
 * the min(len, gap + 1) rows ending at its first row, gap = rows since the
 * previous pulse ended (since row 0 for the first). The same reading serves
 * the measurement and the prediction, so their ratio (the agreement) is 1
 * for the right model even where a slow response carries over from one pulse
 * into the next. Summary: peak = resp[len], late = late-window mean of resp
 * after the pulse / peak, tau = po_dg_response_tau(resp + len, window - len),
 * rise = max over k >= len of resp[k] / peak (1 if the response only decays
 * after the pulse; above 1 when it keeps growing: transient amplification). */
typedef struct po_dg_reading {
    double peak, late, tau, rise;
} po_dg_reading;
po_dg_reading po_dg_pulse_average(const double *proj, const po_dg_pulses *ps,
                                  const po_dg_timing *tm, double alpha, double *resp,
                                  double *late_each);

/* Variogram of the recording along the readout at lag L (1 <= L < T):
 * mean over t < T - L of (p_{t+L} - p_t)^2 with p_t = y_t . readout. */
double po_dg_variogram(const po_mat *Y, const double *readout, size_t lag);

#endif
