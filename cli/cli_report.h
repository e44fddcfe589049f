/* partobs CLI: spectral reports shared by `analyze` and `demo` (SPEC.md §5).
 *
 * JSON keys (an object):
 *   n                     matrix size
 *   eigenvalues           all n eigenvalues as [re, im], descending real part
 *   time_constants        tau_i = 1 / |1 - Re lambda_i|, same order
 *   line_attractor_score  log2(tau_1 / tau_2)
 *   henrici               departure from normality, 0 for normal matrices
 *   singular_values       all n, descending
 *   max_real_eigenvalue   Re lambda_1
 * JSON has no Inf or NaN: such a value (tau = Inf when Re lambda = 1) is
 * written as null.
 */
#ifndef PARTOBS_CLI_REPORT_H
#define PARTOBS_CLI_REPORT_H

#include <stdio.h>

#include <cjson/cJSON.h>

#include "cli.h"

/* Allocate and compute the spectrum of the square, finite matrix W. */
po_status cli_spectrum(const po_mat *W, po_spectrum **out);

/* The JSON object described above, or NULL when memory is short. */
cJSON *cli_spectrum_json(const po_spectrum *s);

/* Human-readable table: n, the top `top` eigenvalues with tau, LAS, Henrici,
 * the top singular values, max Re lambda and a plain-words note. */
void cli_spectrum_print(FILE *out, const po_spectrum *s, size_t top);

/* A plain-words reading of max Re lambda and LAS (one sentence). */
const char *cli_spectrum_note(const po_spectrum *s);

#endif
