/* Forward-filter backward-sampling draws of the LDS latents (Carter & Kohn
 * 1994; Fruhwirth-Schnatter 1994), for the paper's procedure (SPEC.md §4.8:
 * ssm fits the emissions to one posterior sample per iteration, and its
 * ELBO is a one-sample estimate plus the posterior entropy).
 *
 * The joint posterior factorises backwards:
 *   p(x | Y) = p(x_{T-1} | Y) prod_{t < T-1} p(x_t | x_{t+1}, y_0 .. y_t),
 * and, with the filter's x_t | y_0..y_t ~ N(xf_t, Sf_t) and the transition
 * x_{t+1} = A x_t + (V u_{t+1} + b) + N(0, Q), Bayes' rule gives
 *   x_t | x_{t+1}, y_0..y_t ~ N(xf_t + Sc_t A^T Q^{-1} (x_{t+1} - xp_{t+1}), Sc_t),
 *   Sc_t = (Sf_t^{-1} + A^T Q^{-1} A)^{-1},
 * xp_{t+1} = A xf_t + V u_{t+1} + b the filter's prediction. Sc_t comes from
 * the information-form update of the filter (lds_update_cov with
 * J = A^T Q^{-1} A), with a square root G (Sc_t = G G^T) for the draw, so
 * it is symmetric positive semi-definite by construction. The filter
 * covariances are reused past their steady state (lds_kalman.c), and so are
 * Sc_t, G and the gain. The entropy of p(x | Y) is the sum of the
 * conditionals' entropies, (K log(2 pi e) + log det Sc_t) / 2.
 */
#include <math.h>
#include <string.h>

#include "fit/lds_internal.h"

#define LDS_LOG_2PIE 2.8378770664093454836 /* log(2 pi e) */

size_t lds_ffbs_scratch(size_t K) { return 8 * K * K + 3 * K; }

/* log det of the SPD K x K s (copied into l); false if not positive definite. */
static bool logdet_spd(const double *s, double *l, size_t K, double *logdet)
{
    memcpy(l, s, K * K * sizeof *l);
    if (!lds_chol(l, K, K)) return false;
    double acc = 0.0;
    for (size_t k = 0; k < K; k++) acc += log(l[k * K + k]);
    *logdet = 2.0 * acc;
    return true;
}

po_status lds_ffbs(const po_lds *p, const lds_work *w, po_rng *rng, double *x, double *entropy,
                   double *scratch)
{
    size_t T = w->T, K = w->K, K2 = K * K, ss = w->steady_filter;
    double *jb = scratch, *upd = jb + K2, *sc = upd + 3 * K2, *g = sc + K2, *gain = g + K2,
           *l = gain + K2, *eps = l + K2, *dx = eps + K, *tmp = dx + K;
    for (size_t k = 0; k < K; k++) /* A^T Q^{-1} A */
        for (size_t m = k; m < K; m++) {
            double acc = 0.0;
            for (size_t j = 0; j < K; j++)
                acc += PO_MAT_AT(p->A, j, k) * PO_MAT_AT(p->A, j, m) / p->q[j];
            jb[k * K + m] = jb[m * K + k] = acc;
        }
    /* t = T - 1: the filter's marginal, drawn with its Cholesky factor. */
    const double *sf = w->sf + (T - 1 < ss ? T - 1 : ss - 1) * K2;
    double logdet = 0.0;
    if (!logdet_spd(sf, l, K, &logdet))
        return po_error(PO_ESINGULAR, "the filtered covariance at time step %zu is not positive "
                                      "definite",
                        T - 1);
    po_rng_fill_normal(rng, eps, K, 1, 1.0);
    for (size_t k = 0; k < K; k++) {
        double acc = w->xf[(T - 1) * K + k];
        for (size_t j = 0; j <= k; j++) acc += l[k * K + j] * eps[j];
        x[(T - 1) * K + k] = acc;
    }
    double h = 0.5 * ((double)K * LDS_LOG_2PIE + logdet);
    size_t last = (size_t)-1;
    for (size_t t = T - 1; t-- > 0;) {
        size_t idx = t < ss ? t : ss - 1;
        if (idx != last) {
            sf = w->sf + idx * K2;
            double ldm = 0.0;
            if (!lds_update_cov(sf, jb, sc, &ldm, upd, K) ||
                (entropy && !logdet_spd(sf, l, K, &logdet)))
                return po_error(PO_ESINGULAR,
                                "the backward-sampling covariance at time step %zu is not "
                                "positive definite",
                                t);
            memcpy(g, upd, K2 * sizeof *g);
            logdet -= ldm;
            for (size_t k = 0; k < K; k++) /* gain = Sc A^T Q^{-1} */
                for (size_t m = 0; m < K; m++) {
                    double acc = 0.0;
                    for (size_t j = 0; j < K; j++) acc += sc[k * K + j] * PO_MAT_AT(p->A, m, j);
                    gain[k * K + m] = acc / p->q[m];
                }
            last = idx;
        }
        const double *xn = x + (t + 1) * K, *xpn = w->xp + (t + 1) * K;
        for (size_t k = 0; k < K; k++) dx[k] = xn[k] - xpn[k];
        lds_matvec(gain, dx, tmp, K);
        po_rng_fill_normal(rng, eps, K, 1, 1.0);
        for (size_t k = 0; k < K; k++) {
            double acc = w->xf[t * K + k] + tmp[k];
            for (size_t j = 0; j < K; j++) acc += g[k * K + j] * eps[j];
            x[t * K + k] = acc;
        }
        h += 0.5 * ((double)K * LDS_LOG_2PIE + logdet);
    }
    if (entropy) *entropy = h;
    return PO_OK;
}
