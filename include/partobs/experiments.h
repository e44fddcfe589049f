/* partobs: the paper's figures as reproducible experiments (`partobs
 * reproduce`; SPEC.md §6). Each experiment generates its teachers from a
 * seed, runs the pipeline, and writes into the output directory:
 *   <name>.png and <name>.svg   the figure,
 *   <name>.json                 the numbers behind every panel,
 * and po_reproduce writes claims.md: for every experiment run, a table of the
 * paper's claims (SPEC.md §6), the number measured here, and whether it holds.
 */
#ifndef PARTOBS_EXPERIMENTS_H
#define PARTOBS_EXPERIMENTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "partobs/error.h"

#ifdef __cplusplus
extern "C" {
#endif
/* Exported from the shared library; everything else is built hidden. */
#if defined(__GNUC__)
#pragma GCC visibility push(default)
#endif

/* Progress: stage names the experiment (and its part), done of total units. */
typedef void (*po_repro_progress_fn)(void *user, const char *stage, size_t done, size_t total);

typedef struct po_repro_opts {
    const char *out_dir;  /* ".", created if missing */
    bool quick;           /* smaller sizes (CI): every experiment in seconds */
    uint64_t seed;        /* PO_DEFAULT_SEED; experiment k uses seed + its own offset */
    size_t threads;       /* 0 = all online CPUs */
    po_repro_progress_fn progress; /* NULL = silent */
    void *progress_user;
} po_repro_opts;

po_repro_opts po_repro_opts_defaults(void);
const char *po_repro_opts_check(const po_repro_opts *opts);

/* The registered experiments, in the order `all` runs them. */
size_t po_repro_count(void);
const char *po_repro_name(size_t i);    /* "fig2", "fig3", ... */
const char *po_repro_summary(size_t i); /* one line */
/* Index of a name, or PO_EINVAL listing the valid names. */
po_status po_repro_find(const char *name, size_t *index);

typedef struct po_repro_result {
    size_t claims; /* claims checked */
    size_t held;   /* of which held */
} po_repro_result;

/* Run the experiments with the given indices (n >= 1) and write claims.md
 * covering them. On error nothing of the failing experiment is left behind
 * (files of experiments that completed stay). res may be NULL. */
po_status po_reproduce(const size_t *indices, size_t n, const po_repro_opts *opts,
                       po_repro_result *res);

#if defined(__GNUC__)
#pragma GCC visibility pop
#endif
#ifdef __cplusplus
}
#endif
#endif
