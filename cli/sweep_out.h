/* partobs sweep: the output directory (issue 13 item 1; docs/formats.md
 * § Sweeps).
 *
 * DIR/cells/ holds the finished cells, one file cell-NNNNNN.txt each (its
 * row: the CSV line and the JSON line), each written atomically (staged and
 * renamed, cli_output.h) the moment the cell is done, and grid.json, the
 * grid they belong to. They are the sweep's checkpoint, not its results: a
 * killed sweep leaves them (and nothing else), `--resume` reuses them. The
 * results, DIR/results.csv, results.jsonl, summary.png, summary.svg and
 * manifest.json, are assembled from the cell files in cell order only when
 * every cell is done, and appear together (one commit). */
#ifndef PARTOBS_CLI_SWEEP_OUT_H
#define PARTOBS_CLI_SWEEP_OUT_H

#include <stdbool.h>

#include "cli_args.h"
#include "sweep_grid.h"

/* Create DIR and DIR/cells if needed and record the grid in
 * DIR/cells/grid.json; with `resume`, a grid.json already there must be this
 * grid (else a usage error: the cells are another grid's). 0 or the exit
 * status (error printed). */
int sweep_dir_prepare(cli_run *run, const char *dir, const sweep_grid *g, bool resume);

/* The row of cell k from DIR/cells, a new string, or NULL when the cell has
 * no file. A file that is not cell k's row of this grid is an error:
 * *rc is set to the exit status (error printed). */
char *sweep_cell_load(cli_run *run, const char *dir, const sweep_grid *g, size_t k, int *rc);

/* Write cell k's row to DIR/cells atomically. 0 or the exit status. */
int sweep_cell_store(cli_run *run, const char *dir, size_t k, const char *row);

/* Assemble and stage the results from rows[0 .. n_cells-1] and commit them
 * with the manifest (options of `spec`, the grid file as input, the grid). */
int sweep_results_write(cli_run *run, const cli_spec *spec, const char *grid_path,
                        const char *dir, const sweep_grid *g, char *const *rows);

#endif
