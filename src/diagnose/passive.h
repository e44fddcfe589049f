/* Private helpers shared by the passive part of diagnose (diagnose.c,
 * subsample.c, bootstrap.c, verdict.c) beyond diagnose_internal.h. */
#ifndef PO_DIAGNOSE_PASSIVE_H
#define PO_DIAGNOSE_PASSIVE_H

#include "diagnose/diagnose_internal.h"
#include "partobs/fit.h"
#include "partobs/rng.h"

/* The three numbers every refit reports: LAS, tau_1 and Re lambda_1 of its
 * model (W, or A_cont for lds). */
typedef struct po_dg_summary {
    double las, tau1, lambda1;
} po_dg_summary;

/* Eigenvalues of the square model (sorted as po_eig_sort) -> summary. */
po_status po_dg_summarise(const po_mat *model, po_dg_summary *s);

/* Options of an LDS fit with K latents and `iters` EM iterations, as the
 * full fit uses them (exact procedure, orthonormal emissions, pca start). */
po_lds_opts po_dg_lds_opts(const po_diagnose_opts *opts, size_t K, size_t iters);

/* Fit an LDS to Y (U may be NULL) and summarise A_cont. */
po_status po_dg_lds_refit(const po_mat *Y, const po_mat *U, const po_diagnose_opts *opts,
                          size_t K, po_dg_summary *s);

/* Progress over all refits (subsets, then bootstrap replicates): calls
 * fn(user, offset + done, total). */
typedef struct po_dg_progress {
    po_progress_fn fn;
    void *user;
    size_t offset, total;
} po_dg_progress;

/* ---- subsampling (subsample.c) ---- */

/* Refits that the subsampling runs: `subsets` per fraction below 1 (the
 * full fit at fraction 1 is reused, not refitted). */
size_t po_dg_subsample_refits(const po_diagnose_opts *opts, const double *fractions, size_t n);

/* Draw the subsets (from rng, in fraction order) into a new array of
 * n_fractions x subsets x d_max indices; *out freed by the caller. Sets
 * dg->n_fractions, fractions, subsets, d_sub and allocates the *_sub arrays. */
po_status po_dg_subsample_draw(po_diagnose *dg, const po_diagnose_opts *opts, po_rng *rng,
                               size_t **out);

/* Refit every subset (map: from the full Gram g; lds: on Y's columns, with
 * min(latents, subset size) latents and lds_refit_iters iterations), fill
 * las_sub, tau1_sub, lambda1_sub and the per-fraction statistics and trend.
 * full: the full fit's summary. */
po_status po_dg_subsample_run(po_diagnose *dg, const po_mat *Y, const po_mat *U,
                              const po_dg_gram *g, const size_t *subsets,
                              const po_dg_summary *full, const po_diagnose_opts *opts,
                              po_dg_progress *pr);

/* The least-squares slope of y on x (n >= 3 points, x not all equal) and its
 * 95% interval slope -/+ t_{0.975, n-2} SE. */
void po_dg_ols_slope(const double *x, const double *y, size_t n, double *slope, double ci[2]);

/* The p-quantile (0 < p < 1) of Student's t with nu > 0 degrees of freedom. */
double po_dg_student_t_quantile(double p, double nu);

/* numpy.percentile(x, q) with the default linear method (q in [0, 100]);
 * sorts x in place. NaN for n = 0. */
double po_dg_percentile(double *x, size_t n, double q);

/* ---- block bootstrap (bootstrap.c) ---- */

/* The block length: opts->block, or max(round(10 / alpha), round((T - 1) / 50)). */
size_t po_dg_block_length(const po_diagnose_opts *opts, size_t T);

/* Draw bootstrap block indices (bootstrap x nb, from rng) into a new array. */
po_status po_dg_bootstrap_draw(const po_diagnose_opts *opts, size_t nb, po_rng *rng,
                               size_t **out);

/* Run the replicates (nb blocks of dg->block transitions), fill boot_las,
 * boot_tau1 and the intervals. */
po_status po_dg_bootstrap_run(po_diagnose *dg, const po_mat *Y, const po_mat *U,
                              const size_t *draws, size_t nb, const po_diagnose_opts *opts,
                              po_dg_progress *pr);

#endif
