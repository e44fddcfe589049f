/* partobs CLI: run manifests (DESIGN.md §3).
 *
 * Every command that writes output writes "<first output>.manifest.json"
 * beside it (the demo: manifest.json in its directory; none when the only
 * output is a report on standard output, "-"), with these keys in this order:
 *   partobs_version  library version string
 *   command          the subcommand
 *   argv             the command line, verbatim
 *   options          every effective option value, defaults included
 *   seed             the seed (an integer literal, exact up to 2^64 - 1), or null
 *   blas_threads     po_blas_threads()
 *   blas             po_blas_info()
 *   inputs           paths read
 *   outputs          paths written (the manifest itself excluded)
 *   output_sha256    {path: SHA-256 of its bytes, 64 lower-case hex digits}
 *                    for every path in "outputs" (issue 10 item 4)
 * plus command-specific keys after them (e.g. "operator", "fit_info").
 * There is no timestamp or host name: the same command in the same
 * environment gives a byte-identical manifest.
 *
 * The manifest is staged with the outputs and committed with them
 * (cli_output.h): under concurrent partobs writers to the same paths, the
 * manifest left beside a file is the one of the run that wrote that file,
 * and its digest says so (`sha256sum FILE`).
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

/* List path in "outputs" and the SHA-256 of the file `bytes` (where its
 * content is now: staged or in place) in "output_sha256". 0, or -1 when the
 * file cannot be read (errno) or memory is short. */
int cli_manifest_add_output(cJSON *manifest, const char *path, const char *bytes);

/* List the run's outputs with their digests, stage the manifest as `path`,
 * commit the whole set (cli_commit) and free the manifest (a NULL manifest
 * means memory ran short). On failure nothing of the run is left. Returns 0
 * or CLI_EXIT_RUNTIME. */
int cli_manifest_write(cli_run *run, cJSON *manifest, const char *path);

/* cli_manifest_write to "<output>.manifest.json"; for output "-" beside the
 * first file written instead, or no manifest (only the commit) if none. */
int cli_manifest_beside(cli_run *run, cJSON *manifest, const char *output);

#endif
