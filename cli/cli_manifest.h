/* partobs CLI: run manifests (DESIGN.md §3).
 *
 * Every command that writes output writes "<first output>.manifest.json"
 * beside it (the demo: manifest.json in its directory), with these keys in
 * this order:
 *   partobs_version  library version string
 *   command          the subcommand
 *   argv             the command line, verbatim
 *   options          every effective option value, defaults included
 *   seed             the seed (an integer literal, exact up to 2^64 - 1), or null
 *   blas_threads     po_blas_threads()
 *   blas             po_blas_info()
 *   inputs           paths read
 *   outputs          paths written (the manifest itself excluded)
 * plus command-specific keys after them (e.g. "operator", "fit_info").
 * There is no timestamp or host name: the same command in the same
 * environment gives a byte-identical manifest.
 */
#ifndef PARTOBS_CLI_MANIFEST_H
#define PARTOBS_CLI_MANIFEST_H

#include <stdint.h>

#include <cjson/cJSON.h>

#include "cli.h"

/* A new manifest for `run` with every key above present (options, inputs
 * and outputs empty, seed null), or NULL when memory is short. */
cJSON *cli_manifest_new(const cli_run *run);

/* The "options" object to fill. */
cJSON *cli_manifest_options(cJSON *manifest);

/* An exact unsigned 64-bit integer (a raw JSON number literal). */
cJSON *cli_json_u64(uint64_t v);

void cli_manifest_set_seed(cJSON *manifest, uint64_t seed);
void cli_manifest_add_input(cJSON *manifest, const char *path);

/* Fill "outputs" from the files recorded in `run`, write the manifest to
 * `path` (atomically) and free it (a NULL manifest means memory ran short).
 * On failure every recorded output is removed. Returns 0 or CLI_EXIT_RUNTIME. */
int cli_manifest_write(cli_run *run, cJSON *manifest, const char *path);

/* cli_manifest_write to "<output>.manifest.json". */
int cli_manifest_beside(cli_run *run, cJSON *manifest, const char *output);

#endif
