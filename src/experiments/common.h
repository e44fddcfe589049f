/* Pieces several experiments share: seeded teachers, simulation of a linear
 * teacher with the reference settings (SPEC.md §1), the MAP student
 * (SPEC.md §4.1), spectra, a parallel loop over independent teachers, d grids
 * and plot snippets. Private to src/experiments. */
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

/* ---- a figure as a description ------------------------------------------ */

/* A figure's sizes are one table: each row names a size_t field of the
 * figure's job, its value at the paper's (full) and at --quick sizes and the
 * key it is recorded under in the JSON ("parameters" or the like). */
typedef struct exp_size {
    const char *key; /* NULL: a size the JSON does not record */
    size_t offset;   /* of the size_t field in the job */
    size_t full, quick;
} exp_size;
#define EXP_SIZE(key, job_type, field, full, quick) {key, offsetof(job_type, field), full, quick}
/* As a table value: leave the field as the figure set it (a library default). */
#define EXP_KEEP SIZE_MAX
#define EXP_COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* Set the job's fields from the table, at this run's sizes (EXP_KEEP: leave). */
void exp_sizes_set(const po_exp_ctx *c, const exp_size *t, size_t n, void *job);

/* A new object `key` in parent with the table's recorded sizes as the job
 * holds them, in table order; the figure may add more keys to it. */
cJSON *exp_sizes_json(cJSON *parent, const char *key, const exp_size *t, size_t n,
                      const void *job);

/* One allocation for several arrays of n doubles each: the NULL-terminated
 * list of double * addresses receives block, block + n, block + 2 n, ...
 * Returns the block (the first array; free that one only), or NULL. */
double *exp_arrays(size_t n, double **first, ...);

/* A new figure of rows x cols panels and width x height pixels titled by
 * printf(title_fmt, ...). */
po_status exp_figure(po_figure **f, size_t rows, size_t cols, int width, int height,
                     const char *title_fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 6, 7)))
#endif
    ;

/* The end of drawing: when st is PO_OK, save f as the experiment's figure;
 * free f; return the first failure. */
po_status exp_figure_done(po_exp_ctx *c, po_figure *f, po_status st);

/* Default axes with a title and axis labels (panels are data: the figure
 * sets what differs from these). */
po_axes exp_axes(const char *title, const char *xlabel, const char *ylabel);

/* One thing drawn in a panel: a figure lists its panels' contents as data. */
typedef enum exp_kind {
    EXP_LINE,   /* y against x */
    EXP_BAND,   /* y against x in a translucent band y +- sem (exp_band_line) */
    EXP_POINTS, /* markers at (x, y) */
    EXP_HLINE   /* a horizontal line at level */
} exp_kind;

typedef struct exp_series {
    exp_kind kind;
    const double *x, *y, *sem;
    size_t n;
    double level;
    po_style style; /* {color, width, dashed, marker, label} */
} exp_series;

/* Panel (row, col) of f with axes ax, drawing the n series in order. */
po_status exp_panel(po_figure *f, size_t row, size_t col, const po_axes *ax,
                    const exp_series *s, size_t n);

/* A line of mean with a translucent band mean +- sem in the same colour. */
po_status exp_band_line(po_panel *p, const double *x, const double *mean, const double *sem,
                        size_t n, const po_style *s);

/* One claim of a figure (SPEC.md §6) as data: the paper's statement and the
 * function that measures it on the figure's results (io->res): it writes what
 * was measured into io->buf (io->size bytes) and returns whether the claim
 * holds. io->arg is the row's arg: it tells apart rows that share a function
 * (e.g. the teacher type). */
typedef struct exp_claim_io {
    const void *res;
    size_t arg;
    char *buf;
    size_t size;
} exp_claim_io;
typedef bool (*exp_claim_fn)(exp_claim_io *io);
typedef struct exp_claim_row {
    const char *text;
    exp_claim_fn eval;
    size_t arg;
} exp_claim_row;

/* Evaluate the n claims in order and record each (po_exp_claim). */
void exp_claims(po_exp_ctx *c, const exp_claim_row *rows, size_t n, const void *res);

/* A figure as a description, run by exp_run (the shared set-up and order):
 * the sizes from the table (exp_sizes_set); setup (seed, allocations; all the
 * work of a figure without items); items(job) items of item() in parallel
 * (exp_parallel); the sizes recorded under sizes_key (if not NULL: record
 * receives that object, else NULL); record (the rest of the JSON, and the
 * numbers the claims read); the claims; draw; release, after a failure too.
 * Every callback may be NULL (item only when items is). */
typedef struct exp_desc {
    const exp_size *sizes;
    size_t n_sizes;
    const char *sizes_key;
    po_status (*setup)(po_exp_ctx *c, void *job);
    size_t (*items)(const void *job);
    exp_item_fn item;
    void (*record)(void *job, cJSON *root, cJSON *sizes);
    const exp_claim_row *claims;
    size_t n_claims;
    po_status (*draw)(po_exp_ctx *c, const void *job);
    void (*release)(void *job);
} exp_desc;

/* Run the figure described by d on job: zeroed by the caller, or holding the
 * library defaults that EXP_KEEP rows leave (fig4). Returns the first failure. */
po_status exp_run(po_exp_ctx *c, const exp_desc *d, void *job);

/* Monotonic wall-clock seconds (for the timings figures record). */
double exp_now(void);

/* A style with colour, line width and legend label. */
po_style exp_style(po_color color, double width, const char *label);

#endif
