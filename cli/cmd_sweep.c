/* partobs sweep: every cell of a grid of experiments, on one machine or
 * across the ranks of an Open MPI job (issue 13 item 1; docs/formats.md
 * § Sweeps). The grid is sweep_grid.c, a cell
 * sweep_cell.c, the directory sweep_out.c, the ranks sweep_mpi.c. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "cli_args.h"
#include "cli_output.h"
#include "sweep_cell.h"
#include "sweep_grid.h"
#include "sweep_mpi.h"
#include "sweep_out.h"

/* Rank 0's (or the lone process's) state while rows come in. */
typedef struct sweep_state {
    cli_run *run;
    const char *dir;
    char **rows;
    size_t done, total;
    cli_progress bar;
    char label[64];
} sweep_state;

static int store(void *ctx, size_t k, char *row)
{
    sweep_state *s = ctx;
    int rc = sweep_cell_store(s->run, s->dir, k, row);
    s->rows[k] = row;
    s->done++;
    snprintf(s->label, sizeof s->label, "sweep %zu/%zu cells", s->done, s->total);
    cli_progress_update(&s->bar, s->done, s->total);
    return rc;
}

/* The finished cells are taken from DIR/cells (--resume); the others are
 * listed in *todo. */
static int load_finished(sweep_state *s, const sweep_grid *g, bool resume, size_t **todo,
                         size_t *n_todo)
{
    *todo = malloc(g->n_cells * sizeof **todo);
    if (!*todo) return cli_fail(s->run, "out of memory");
    *n_todo = 0;
    int rc = CLI_EXIT_OK;
    for (size_t k = 0; k < g->n_cells && rc == CLI_EXIT_OK; k++) {
        s->rows[k] = resume ? sweep_cell_load(s->run, s->dir, g, k, &rc) : NULL;
        if (s->rows[k])
            s->done++;
        else
            (*todo)[(*n_todo)++] = k;
    }
    return rc;
}

static int run_local(sweep_state *s, const sweep_grid *g, const size_t *todo, size_t n_todo,
                     size_t threads)
{
    int rc = CLI_EXIT_OK;
    for (size_t i = 0; i < n_todo && rc == CLI_EXIT_OK; i++) {
        sweep_cell c;
        sweep_grid_cell(g, todo[i], &c);
        char *row = sweep_cell_run(g, &c, threads);
        rc = row ? store(s, todo[i], row) : cli_fail(s->run, "out of memory");
    }
    return rc;
}

int cmd_sweep(cli_run *run, int argc, char **argv)
{
    const char *dir = NULL;
    bool resume = false;
    size_t threads = 0;
    cli_opt opts[] = {
        {"out", 0, CLI_OUTDIR, &dir, "DIR", "output directory, created if needed", CLI_REQUIRED,
         "out", false},
        {"resume", 0, CLI_FLAG, &resume, NULL,
         "keep the cells already finished in DIR/cells (of the same grid) and run the rest", 0,
         "resume", false},
        {"threads", 0, CLI_SIZE, &threads, "N",
         "library threads per cell (per rank under mpirun), 0 = automatic; the results are the "
         "same, bit for bit, for every N",
         0, "threads", false},
    };
    static const char *const files[] = {"results.csv", "results.jsonl", "summary.png",
                                        "summary.svg", "manifest.json", NULL};
    const cli_spec spec = {
        .usage = "GRID.json",
        .pos_help = "the grid of experiments (docs/formats.md § Sweeps)",
        .max_pos = 1,
        .pos_inputs = true,
        .about =
            "Run every cell of a grid of experiments: each cell is the pipeline teacher ->\n"
            "simulate -> observe -> fit -> analyze (and compare, diagnose when recorded) with\n"
            "its own seed, drawn from the grid seed and the cell's index only, so a cell's\n"
            "numbers do not depend on where or in what order it runs. Each finished cell is\n"
            "written at once, atomically, to DIR/cells/; when all are done, DIR gets\n"
            "results.csv and results.jsonl (one row per cell, in cell order), summary.png and\n"
            "summary.svg (the recorded measure against d/D, mean +- SEM over the seeds) and\n"
            "manifest.json, together. An interrupted sweep leaves only DIR/cells/; --resume\n"
            "then runs the missing cells and ends with the same results, byte for byte.\n"
            "Under mpirun (Open MPI) rank 0 hands out the cells to the other ranks and\n"
            "writes everything: `mpirun -n K partobs sweep GRID.json --out DIR`.",
        .dir_files = files,
        .opts = opts,
        .nopts = sizeof opts / sizeof opts[0],
    };
    const char *grid_path = NULL;
    size_t npos = 0;
    int rc = cli_parse(run, &spec, argc, argv, &grid_path, &npos);
    if (rc != CLI_PROCEED) return rc;
    sweep_grid g;
    rc = sweep_grid_load(run, grid_path, &g);
    if (rc != CLI_PROCEED) {
        sweep_grid_free(&g);
        return rc;
    }
    int ranks = sweep_mpi_size(), rank = 0;
    bool mpi = ranks > 1;
    if (mpi && !sweep_mpi_start(run->argv, &rank)) {
        sweep_grid_free(&g);
        if (sweep_mpi_built()) return cli_fail(run, "MPI_Init failed");
        return cli_fail(run, "cannot share the sweep among %d mpirun ranks: partobs-mpi (cmake "
                             "-DPO_MPI=ON) is not beside this partobs",
                        ranks);
    }
    if (rank > 0) {
        rc = sweep_mpi_work(&g, threads);
        sweep_grid_free(&g);
        sweep_mpi_stop();
        return rc ? CLI_EXIT_RUNTIME : CLI_EXIT_OK;
    }

    sweep_state s = {.run = run, .dir = dir, .total = g.n_cells};
    s.rows = calloc(g.n_cells, sizeof *s.rows);
    size_t *todo = NULL, n_todo = 0;
    rc = s.rows ? sweep_dir_prepare(run, dir, &g, resume) : cli_fail(run, "out of memory");
    if (rc == CLI_EXIT_OK) rc = load_finished(&s, &g, resume, &todo, &n_todo);
    size_t resumed = s.done;
    snprintf(s.label, sizeof s.label, "sweep %zu/%zu cells", s.done, s.total);
    cli_progress_init(&s.bar, s.label);
    if (mpi) {
        /* called even after a failure: it releases the workers */
        int mrc = sweep_mpi_dispatch(todo, rc == CLI_EXIT_OK ? n_todo : 0, store, &s);
        if (rc == CLI_EXIT_OK) rc = mrc;
    } else if (rc == CLI_EXIT_OK) {
        rc = run_local(&s, &g, todo, n_todo, threads);
    }
    cli_progress_end(&s.bar);
    if (rc == CLI_EXIT_OK) rc = sweep_results_write(run, &spec, grid_path, dir, &g, s.rows);
    if (rc == CLI_EXIT_OK)
        printf("partobs sweep: %zu cells (%zu computed, %zu resumed): %s/results.csv\n", g.n_cells,
               g.n_cells - resumed, resumed, dir);
    for (size_t k = 0; s.rows && k < g.n_cells; k++) free(s.rows[k]);
    free(s.rows);
    free(todo);
    sweep_grid_free(&g);
    if (mpi) sweep_mpi_stop();
    return rc;
}
