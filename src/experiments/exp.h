/* Private interface between the experiment runner (runner.c, registry.c) and
 * the experiments (one fig_<name>.c each). An experiment computes its numbers,
 * records them in the JSON document, draws its figure, and states each of the
 * paper's claims (SPEC.md §6) with the number measured and whether it holds.
 */
#ifndef PO_EXPERIMENTS_EXP_H
#define PO_EXPERIMENTS_EXP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <cjson/cJSON.h>

#include "partobs/experiments.h"
#include "partobs/plot.h"
#include "partobs/report.h"

typedef struct po_exp_ctx po_exp_ctx;

/* Options of this run (quick, seed, threads). */
const po_repro_opts *po_exp_opts(const po_exp_ctx *c);
/* The seed of this experiment: opts->seed plus a per-experiment offset, so
 * experiments do not share teachers. */
uint64_t po_exp_seed(const po_exp_ctx *c);
/* Threads to use (opts->threads resolved: >= 1). */
size_t po_exp_threads(const po_exp_ctx *c);

/* The experiment's JSON object (owned by the context; add panels to it). */
cJSON *po_exp_json(po_exp_ctx *c);

/* Record one claim: the paper's statement, what we measured (printf format),
 * and whether it holds. */
void po_exp_claim(po_exp_ctx *c, bool holds, const char *claim, const char *measured_fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 4, 5)))
#endif
    ;

/* Save the figure as <out_dir>/<name><suffix>.png and .svg (suffix may be ""
 * or e.g. "_b" for an experiment with several figures). */
po_status po_exp_save_figure(po_exp_ctx *c, po_figure *f, const char *suffix);

/* Progress within the experiment: done of total units. */
void po_exp_progress(po_exp_ctx *c, size_t done, size_t total);

/* The old names of po_report_array and po_report_matrix, still used by
 * fig1.c, figF5.c and lds_common.c (another helper's files this round). */
#define po_exp_json_array po_report_array
#define po_exp_json_matrix po_report_matrix

/* An experiment: fills the context; returns non-OK on failure. */
typedef po_status (*po_exp_fn)(po_exp_ctx *c);

/* ---- the registry and the runner behind po_reproduce ----------------------- */

/* One experiment: its name (the file stem of its outputs and the CLI's
 * FIGURE argument), a one-line summary, and the function that runs it. */
typedef struct po_exp_entry {
    const char *name;
    const char *summary;
    po_exp_fn fn;
} po_exp_entry;

/* The registered experiments (registry.c), in the order `all` runs them. */
const po_exp_entry *po_exp_registry(size_t *n);

/* The seed offset of an experiment: a fixed function of its name (64-bit
 * FNV-1a), so that adding or reordering experiments never changes another
 * experiment's teachers. */
uint64_t po_exp_seed_offset(const char *name);

/* po_reproduce on an explicit table (tests run fake experiments through it):
 * runs table[indices[k]] for k < n, writing <name>.json (and whatever figures
 * the experiment saves) into opts->out_dir, then claims.md. */
po_status po_exp_run(const po_exp_entry *table, size_t n_table, const size_t *indices, size_t n,
                     const po_repro_opts *opts, po_repro_result *res);

/* Experiments (one file each; registered in registry.c). */
po_status po_exp_fig2(po_exp_ctx *c);
po_status po_exp_fig3(po_exp_ctx *c);
po_status po_exp_fig4(po_exp_ctx *c);
po_status po_exp_figF1(po_exp_ctx *c);
po_status po_exp_figF3(po_exp_ctx *c);
po_status po_exp_figF4(po_exp_ctx *c);
/* Nonlinear students (issue 4): fig5.c, fig_F2.c, fig_F6.c. */
po_status po_exp_fig5(po_exp_ctx *c);
po_status po_exp_figF2(po_exp_ctx *c);
po_status po_exp_figF6(po_exp_ctx *c);
/* Sensory-integration task and latent LDS (issue 3): fig1.c, figF5.c, figF7.c, figF8.c. */
po_status po_exp_fig1(po_exp_ctx *c);
po_status po_exp_fig1s(po_exp_ctx *c);
po_status po_exp_figF5(po_exp_ctx *c);
po_status po_exp_figF7(po_exp_ctx *c);
po_status po_exp_figF8(po_exp_ctx *c);
/* The validation set of `partobs diagnose` (issue 11): diagnose.c. The
 * registered entry runs the full or --quick sizes; tests run it tiny. */
typedef struct po_exp_diagnose_sizes {
    size_t D_min, D_max, d_min, d_max; /* D and d cycle over 3 and 4 levels in these ranges */
    size_t T;                          /* steps of the spontaneous recording */
    size_t per_family;                 /* kept recordings wanted per family */
    size_t max_draws;                  /* recordings drawn per family at most */
} po_exp_diagnose_sizes;
po_status po_exp_diagnose(po_exp_ctx *c);
po_status po_exp_diagnose_sized(po_exp_ctx *c, const po_exp_diagnose_sizes *s);

#endif
