/* partobs: JSON reports of the public result types (DESIGN.md §2, §5), one
 * writer per type, shared by the CLI (`analyze`, `compare`, `curves`,
 * `fit --method lds`) and the figures of `reproduce`, so that a key means the
 * same thing wherever it appears (docs/formats.md lists the keys).
 *
 * Every writer returns a new cJSON object (the caller owns it and frees it with
 * cJSON_Delete), or NULL when memory is short. JSON has no Inf or NaN: such a
 * value (tau = Inf when Re lambda = 1) is written as null.
 */
#ifndef PARTOBS_REPORT_H
#define PARTOBS_REPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <cjson/cJSON.h>

#include "partobs/attractors.h"
#include "partobs/diagnose.h"
#include "partobs/dyn.h"
#include "partobs/fit.h"
#include "partobs/plot.h"
#include "partobs/theory.h"

#ifdef __cplusplus
extern "C" {
#endif
/* Exported from the shared library; everything else is built hidden. */
#if defined(__GNUC__)
#pragma GCC visibility push(default)
#endif

/* A number; null when v is not finite. */
cJSON *po_report_number(double v);
/* An unsigned 64-bit integer (a seed) written exactly: a JSON number read as
 * a double would round it above 2^53. */
cJSON *po_report_u64(uint64_t v);
/* [x_0, ..., x_{n-1}] (non-finite entries null). */
cJSON *po_report_array(const double *x, size_t n);
/* A row-major rows x cols matrix with leading dimension ld, as a list of rows. */
cJSON *po_report_matrix(const double *x, size_t rows, size_t cols, size_t ld);
/* [[re_0, im_0], ...]: n eigenvalues as [re, im] pairs. */
cJSON *po_report_eigenvalues(const double *re, const double *im, size_t n);

/* Spectrum of a connectivity W (SPEC.md §5), the top `top` modes (all when
 * top is 0 or >= n):
 *   n                     matrix size
 *   eigenvalues           [re, im] pairs, descending real part
 *   time_constants        tau_i = 1 / |1 - Re lambda_i|, same order
 *   line_attractor_score  log2(tau_1 / tau_2)
 *   henrici               departure from normality, 0 for normal matrices
 *   singular_values       descending
 *   max_real_eigenvalue   Re lambda_1 */
cJSON *po_report_spectrum_json(const po_spectrum *s, size_t top);

/* Attractors of one network (po_attractor_analyse; SPEC.md §5 "Limit sets"):
 *   n, rank, eigenvalues, time_constants (top `top` of W, all when 0),
 *   line_attractor_score,
 *   fixed_points  [{kind, stable, q, hits, norm, norm_observed (|x_{1:obs}|,
 *                  only when obs > 0), max_re_jacobian, x and eigenvalues of
 *                  the Jacobian (only with vectors)}],
 *   limit_cycles  [{period, amplitude, hits, x (only with vectors)}],
 *   limit_sets    every trajectory end [{kind, hits, period, amplitude, norm,
 *                  x (only with vectors)}],
 *   n_stable_fixed_points, n_limit_cycles. */
cJSON *po_report_attractors_json(const po_attractor_report *r, size_t obs, size_t top,
                                 bool vectors);

/* The counts of a teacher-student comparison (po_attractor_compare):
 * teacher_stable, student_stable, matched_fixed_points, spurious_fixed_points,
 * missed_fixed_points, teacher_cycles, student_cycles, matched_cycles,
 * spurious_cycles, missed_cycles, teacher_re_gt1, student_re_gt1,
 * teacher_drifting, student_drifting. */
cJSON *po_report_comparison_json(const po_attractor_comparison *c);

/* Subsampling curves (po_curves_compute) of `teachers` teachers of size D,
 * arrays indexed by d: d, line_attractor_score, top_eigenvalues_re (a list per
 * d), top_singular_values, u_overlap, v_overlap, henrici (when computed);
 * with sem (not NULL) and teachers > 1 also <key>_sem; then teachers, D,
 * covariance_method. mean is the single curve when teachers is 1. */
cJSON *po_report_curves_json(const po_curves *mean, const po_curves *sem, size_t teachers,
                             size_t D);

/* An LDS fit (po_fit_lds; SPEC.md §4.7): log_likelihood (the trace of
 * info->iters + 1 values), A, A_cont, V, b, Q, C, F, d, R, mu0, Sigma0 (null
 * when absent), latents, emissions, init, iterations, converged, alpha, and the
 * eigenvalues, time_constants and line_attractor_score of A_cont (spectrum s). */
cJSON *po_report_lds_json(const po_lds *p, const po_lds_opts *o, const po_lds_info *info,
                          const double *trace, const po_mat *A_cont, const po_spectrum *s);

/* The report of `partobs diagnose` (po_diagnose_run, po_diagnose_perturbation;
 * docs/formats.md "diagnose"): verdict, passive_verdict, reason, evidence
 * [{name, value, points_to, meaning}], n_samples, n_neurons, method, alpha, dt,
 * residual_autocorr, full {eigenvalues, time_constants, time_constants_s (only
 * when dt > 0), line_attractor_score, henrici, max_real_eigenvalue},
 * subsampling {fractions, d, subsets, line_attractor_score_mean,
 * line_attractor_score_sem, tau1_median, lambda1_re_mean}, trend {slope, ci95},
 * bootstrap {replicates, block, tau1_ci95, line_attractor_score_ci95, tau1 and
 * line_attractor_score (every replicate)},
 * perturbation {pattern, pattern_kind, readout, amplitude, steps, pulse_steps,
 * wait_steps, repeats, predicted_tau, alternative_tau, predicted_late,
 * alternative_late, noise_se, and after po_diagnose_perturbation: measured_tau,
 * agreement, measured_late, measured_late_se, measured_peak}. Time constants
 * are in units of the neuron time constant tau; with dt > 0, *_s keys give
 * them in seconds (tau_i dt / alpha: one step is alpha tau). opts: those given
 * to po_diagnose_run (the late window, snr; recorded under perturbation). */
cJSON *po_report_diagnose_json(const po_diagnose *dg, const po_diagnose_opts *opts);

/* report.md of `partobs diagnose`: a page a person reads (verdict, evidence
 * table, figure, what the verdict means and does not, the proposed experiment
 * and how to feed it back). y_name names the recording in the commands shown
 * (NULL: "Y.npy"), figure the image to show (NULL: none). A new malloc'd
 * string, or NULL when memory is short. */
char *po_report_diagnose_md(const po_diagnose *dg, const po_diagnose_opts *opts,
                            const char *y_name, const char *figure);

/* The figure of `partobs diagnose` (2 x 3 panels): the model's eigenvalues
 * with the Re = 1 line; LAS and tau_1 against the fraction of neurons kept
 * (mean +- SEM bands, each refit a dot); the bootstrap distribution of LAS;
 * the model's linear flow in the top-two-PC plane of the recording Y (T x d;
 * for method lds the flow of A_cont in the plane of its latents); the
 * predicted, alternative and measured responses to the proposed pulse.
 * *out: free with po_figure_free. PO_ESHAPE (Y not T x n_neurons), PO_ENOMEM,
 * PO_ELINALG. */
po_status po_report_diagnose_figure(const po_diagnose *dg, const po_diagnose_opts *opts,
                                    const po_mat *Y, po_figure **out);

#if defined(__GNUC__)
#pragma GCC visibility pop
#endif
#ifdef __cplusplus
}
#endif
#endif
