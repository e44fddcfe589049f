/* Private interface of src/diagnose: the passive part (diagnose.c, gram.c,
 * subsample.c, bootstrap.c, verdict.c) and the experiment part
 * (protocol.c, perturbation.c). */
#ifndef PO_DIAGNOSE_INTERNAL_H
#define PO_DIAGNOSE_INTERNAL_H

#include <stdbool.h>

#include "partobs/diagnose.h"

/* ---- vector helpers shared by both parts (diagnose.c) -------------------- */

/* sum_i a[i] b[i], in index order. */
double po_dg_dot(const double *a, const double *b, size_t n);
/* dst = src / |src| (dst may be src); false, dst untouched, if |src| is 0 or
 * not finite. */
bool po_dg_unit(const double *src, double *dst, size_t n);

/* ---- experiment part (protocol.c, perturbation.c) ----------------------- */

/* Design dg->protocol from the fitted model (dg->model, dg->emission,
 * dg->slow_right, dg->slow_left, dg->full) and the recording Y (for the noise
 * along the readout): candidate patterns, the alternative explanation,
 * amplitude, signal, predictions. Allocates the protocol's arrays (freed by
 * po_dg_protocol_free). */
po_status po_dg_design(po_diagnose *dg, const po_mat *Y, const po_diagnose_opts *opts);
void po_dg_protocol_free(po_diagnose_protocol *p);

/* Noise-free response of the model (map: W with opts->phi, leaky-current;
 * lds: A_cont with emission C) from rest to the drive signal[t] * pattern,
 * t < steps, projected on readout: out[t] = x_t . readout (neuron space). */
po_status po_dg_predict(const po_diagnose *dg, const po_mat *model, const po_diagnose_opts *opts,
                        const double *pattern, const double *readout, const double *signal,
                        size_t steps, double *out);

/* po_diagnose_perturbation's body: fills dg->measured, sets dg->verdict and
 * dg->reason. */
po_status po_dg_measure(po_diagnose *dg, const po_mat *YP, const po_mat *STIM,
                        const po_diagnose_opts *opts);
void po_dg_measured_free(po_diagnose_measured *m);

/* ---- passive part -------------------------------------------------------- */

/* Sums of a MAP fit over transitions t = t0 .. t1-1 of Y (T x d), with
 * phi_t = [phi(y_t); u_t] (p = d + m columns) and delta_t = y_{t+1} - (1 - alpha) y_t:
 * G = sum phi_t phi_t^T (p x p), B = sum delta_t phi_t^T (d x p). */
typedef struct po_dg_gram {
    size_t d, m;
    po_mat *G, *B;
} po_dg_gram;

po_dg_gram *po_dg_gram_alloc(size_t d, size_t m);
void po_dg_gram_free(po_dg_gram *g);
/* g = the sums over transitions [t0, t1) (t1 <= T - 1); zeroes g first. */
po_status po_dg_gram_compute(const po_mat *Y, const po_mat *U, po_phi phi, double alpha,
                             size_t t0, size_t t1, po_dg_gram *g);
/* W (n x n) [and W_in (n x m), may be NULL] of the MAP student on the neuron
 * subset idx[0..n-1] (inputs always kept): W = alpha B[S, S'] (rho I + alpha^2 G[S', S'])^-1
 * with S' = S plus the input columns. Equals po_fit_ridge on the subset's
 * columns of Y up to rounding. */
po_status po_dg_gram_fit(const po_dg_gram *g, const size_t *idx, size_t n, double alpha,
                         double rho, po_mat *W, po_mat *W_in);

/* The passive verdict and its evidence from the filled passive fields. */
void po_dg_passive_verdict(po_diagnose *dg);

#endif
