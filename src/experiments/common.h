/* Pieces several experiments share: seeded teachers, simulation of a linear
 * teacher with the reference settings (SPEC.md §1), the MAP student
 * (SPEC.md §4.1), spectra, a parallel loop over independent teachers, d grids
 * and JSON/plot snippets. Private to src/experiments. */
#ifndef PO_EXPERIMENTS_COMMON_H
#define PO_EXPERIMENTS_COMMON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <cjson/cJSON.h>

#include "partobs/dyn.h"
#include "partobs/fit.h"
#include "partobs/mat.h"
#include "partobs/plot.h"
#include "partobs/sim.h"
#include "partobs/teacher.h"
#include "partobs/theory.h"

typedef struct po_exp_ctx po_exp_ctx;

/* Teacher k of a family drawn from the connectivity stream of `seed` (the
 * caller passes a distinct seed per teacher, e.g. experiment seed + k). */
po_status exp_teacher(const po_teacher_opts *o, uint64_t seed, po_teacher **out);

/* po_simulate of W (the library's "choose the operator, allocate,
 * simulate", as `partobs simulate`) into a new X (T x D); in may be NULL. */
po_status exp_simulate(const po_mat *W, const po_sim_opts *so, const po_sim_inputs *in,
                       po_mat **X);

/* MAP student (SPEC.md §4.1, reference options: linear, rho 1e-3, no burn-in)
 * of the first d columns of Y: a new d x d matrix. */
po_status exp_map(const po_mat *Y, size_t d, po_mat **W_hat);

/* T -> infinity student (SPEC.md §4.3, ridgeless) of B observing its first d
 * neurons, from the stationary covariance Sigma: a new d x d matrix. */
po_status exp_limit_student(const po_mat *B, const po_mat *Sigma, size_t d, po_mat **A);

/* New spectrum of the square matrix W. */
po_status exp_spectrum(const po_mat *W, po_spectrum **out);

/* Number of eigenvalues with real part above thr. */
size_t exp_count_above(const po_spectrum *s, double thr);

/* Run fn(i, user) for i = 0 .. n-1 on po_exp_threads(c) threads (items are
 * handed out in order), reporting items done as the experiment's progress
 * (one thread at a time). Returns PO_OK, or the failure of the lowest failing
 * item with its po_errmsg() detail. fn must be safe to run concurrently. */
typedef po_status (*exp_item_fn)(size_t i, void *user);
po_status exp_parallel(po_exp_ctx *c, size_t n, exp_item_fn fn, void *user);

/* About npts integers from dmin to dmax (both included), spaced evenly in
 * log(d), duplicates removed: a new increasing array and its length. */
po_status exp_log_grid(size_t dmin, size_t dmax, size_t npts, size_t **d, size_t *n);

/* Mean and standard error of the mean of x[0], x[stride], ... (k values). */
void exp_mean_sem(const double *x, size_t k, size_t stride, double *mean, double *sem);

/* {"re": [...], "im": [...], "tau": [...], "las": ...} of the top `top`
 * eigenvalues of s (all if top = 0). */
cJSON *exp_spectrum_json(const po_spectrum *s, size_t top);

/* A line of mean with a translucent band mean +- sem in the same colour. */
po_status exp_band_line(po_panel *p, const double *x, const double *mean, const double *sem,
                        size_t n, const po_style *s);

/* Monotonic wall-clock seconds (for the timings figures record). */
double exp_now(void);

/* A style with colour, line width and legend label. */
po_style exp_style(po_color color, double width, const char *label);

#endif
