/* partobs CLI: spectral reports shared by `analyze` and `demo` (SPEC.md §5).
 * The JSON report is po_report_spectrum_json (partobs/report.h).
 */
#ifndef PARTOBS_CLI_REPORT_H
#define PARTOBS_CLI_REPORT_H

#include <stdio.h>

#include "cli.h"

/* Human-readable table: n, the top `top` eigenvalues with tau, LAS, Henrici,
 * the top singular values, max Re lambda and a plain-words note. */
void cli_spectrum_print(FILE *out, const po_spectrum *s, size_t top);

/* A plain-words reading of max Re lambda and LAS (one sentence). */
const char *cli_spectrum_note(const po_spectrum *s);

#endif
