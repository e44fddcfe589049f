/* partobs sweep: running one cell through the library and its result row
 * (issue 13 item 1; docs/formats.md § Sweeps).
 *
 * A cell is the CLI pipeline teacher -> simulate -> observe -> fit -> analyze
 * (and compare, diagnose when recorded) with the cell's seed as every stage's
 * --seed and the commands' defaults otherwise, so its numbers are those of
 * the same commands run by hand. Its row is two lines of text: the CSV row
 * and the JSON row (results.jsonl), both built here and only here. */
#ifndef PARTOBS_CLI_SWEEP_CELL_H
#define PARTOBS_CLI_SWEEP_CELL_H

#include <stddef.h>

#include "sweep_grid.h"

/* The fixed CSV header (no newline). */
extern const char sweep_csv_header[];

/* Run cell c of g with `threads` library threads (0 = automatic) and return
 * its row, "<csv>\n<json>\n" in a new malloc'd string (NULL when memory is
 * short). A failing stage does not fail the sweep: the row's status is the
 * library's message and the measures are empty. */
char *sweep_cell_run(const sweep_grid *g, const sweep_cell *c, size_t threads);

#endif
