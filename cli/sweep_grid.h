/* partobs sweep: the grid (GRID.json, docs/formats.md § Sweeps) and its
 * cells (issue 13 item 1).
 *
 * A grid crosses lists: teacher (generator + options), D, d or fractions, T,
 * phi, method (+ options) and `seeds` replicates. Cell k is one combination;
 * the order is fixed (teacher outermost, then D, d, T, phi, method, replicate
 * innermost) so a cell's index, and with it its seed, does not depend on
 * where or when it runs. */
#ifndef PARTOBS_CLI_SWEEP_GRID_H
#define PARTOBS_CLI_SWEEP_GRID_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <cjson/cJSON.h>

#include "cli.h"

enum { SWEEP_LABEL = 64 };

/* The measure the summary figure plots against d/D. */
typedef enum sweep_measure {
    SWEEP_MAX_RE,
    SWEEP_TAU1,
    SWEEP_TAU2,
    SWEEP_LAS,
    SWEEP_HENRICI,
    SWEEP_MEASURE_COUNT_
} sweep_measure;
/* "max_re", "tau1", ...: the results' column names. */
extern const char *const sweep_measure_names[SWEEP_MEASURE_COUNT_];

typedef struct sweep_teacher {
    char label[SWEEP_LABEL];
    po_teacher_opts *opts; /* one per entry of the D list */
} sweep_teacher;

/* The fitting methods a grid may cross: the students of `partobs fit` that are
 * d x d networks of the recorded neurons (bptt and lds are not: bptt needs a
 * long training per cell and lds fits a latent model, whose spectrum is of K
 * latents, not of the d neurons). */
typedef enum sweep_fit { SWEEP_FIT_MAP, SWEEP_FIT_GD, SWEEP_FIT_CORNN, SWEEP_FIT_FORCE } sweep_fit;

typedef struct sweep_method {
    char label[SWEEP_LABEL];
    sweep_fit fit;
    /* the options of `fit` (only the one of fit is used); phi, alpha, the seed
     * and the threads come from the cell */
    po_ridge_opts ridge; /* map, SPEC.md §4.1 */
    po_gd_opts gd;       /* gd, §4.4 */
    po_cornn_opts cornn; /* cornn, §4.5 (tanh only) */
    po_force_opts force; /* force, §4.6 (tanh only) */
} sweep_method;

/* A list axis: sizes or reals. */
typedef struct sweep_axis {
    size_t n;
    size_t *z;
    double *x;
} sweep_axis;

typedef struct sweep_grid {
    uint64_t seed; /* the grid seed */
    sweep_teacher *teachers;
    size_t n_teachers;
    sweep_axis D, d, T; /* d.n == 0 when fractions are given */
    sweep_axis fractions;
    po_phi *phi;
    size_t n_phi;
    sweep_method *methods;
    size_t n_methods;
    size_t seeds;                /* replicates per combination */
    double alpha, noise, obs_noise; /* simulate --alpha --noise, observe --obs-noise */
    bool rec_compare, rec_diagnose; /* the spectrum is always recorded */
    size_t dg_subsets, dg_bootstrap; /* diagnose --subsets --bootstrap */
    sweep_measure plot;
    size_t n_cells;
    char *canonical; /* the grid as parsed, printed unformatted (resume check) */
} sweep_grid;

/* One cell: its index, seed and coordinates. */
typedef struct sweep_cell {
    size_t index;
    uint64_t seed;
    size_t teacher, D_at, d_at, T_at, phi_at, method, replicate; /* list positions */
    size_t D, d, T;
    double fraction; /* d / D */
    po_phi phi;
} sweep_cell;

/* The files of a sweep (the grid, the cell rows) are small: anything larger
 * than this is not one of them. */
enum { SWEEP_FILE_MAX = 1 << 20 };

/* A whole file of at most SWEEP_FILE_MAX bytes, NUL-terminated; NULL with
 * *err = 0 when it does not exist, else with *err the errno (EFBIG when too
 * large). */
char *sweep_read_file(const char *path, int *err);

/* Read and check GRID.json; every problem is one usage line naming the key
 * (exit status returned, CLI_PROCEED on success). */
int sweep_grid_load(cli_run *run, const char *path, sweep_grid *g);
void sweep_grid_free(sweep_grid *g);

/* Cell k (< g->n_cells) of the grid. */
void sweep_grid_cell(const sweep_grid *g, size_t k, sweep_cell *c);

/* The seed of cell k: the first output of the xoshiro256** stream 0 seeded
 * with grid_seed XOR (k + 1) * 0x9E3779B97F4A7C15 (splitmix64 inside
 * po_rng_init scrambles it), so it depends on nothing else. */
uint64_t sweep_cell_seed(uint64_t grid_seed, size_t k);

#endif
