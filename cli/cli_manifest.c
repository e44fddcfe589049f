/* partobs CLI: run manifests (see cli_manifest.h). */
#include "cli_manifest.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli_output.h"
#include "cli_sha256.h"

cJSON *cli_manifest_new(const cli_run *run)
{
    cJSON *m = cJSON_CreateObject();
    if (!m) return NULL;
    cJSON_AddStringToObject(m, "partobs_version", po_version());
    cJSON_AddStringToObject(m, "command", run->cmd->name);
    cJSON *argv = cJSON_AddArrayToObject(m, "argv");
    for (int i = 0; argv && i < run->argc; i++)
        cJSON_AddItemToArray(argv, cJSON_CreateString(run->argv[i]));
    cJSON_AddObjectToObject(m, "options");
    cJSON_AddNullToObject(m, "seed");
    cJSON_AddNumberToObject(m, "blas_threads", po_blas_threads());
    cJSON_AddStringToObject(m, "blas", po_blas_info());
    cJSON_AddArrayToObject(m, "inputs");
    cJSON_AddArrayToObject(m, "outputs");
    cJSON_AddObjectToObject(m, "output_sha256");
    return m;
}

cJSON *cli_manifest_options(cJSON *manifest)
{
    return cJSON_GetObjectItemCaseSensitive(manifest, "options");
}

cJSON *cli_json_u64(uint64_t v)
{
    /* A double cannot hold every 64-bit seed; a raw literal keeps it exact. */
    char digits[24];
    snprintf(digits, sizeof digits, "%" PRIu64, v);
    return cJSON_CreateRaw(digits);
}

void cli_manifest_set_seed(cJSON *manifest, uint64_t seed)
{
    cJSON *item = cli_json_u64(seed);
    if (item) cJSON_ReplaceItemInObjectCaseSensitive(manifest, "seed", item);
}

void cli_manifest_add_input(cJSON *manifest, const char *path)
{
    cJSON *inputs = cJSON_GetObjectItemCaseSensitive(manifest, "inputs");
    if (inputs) cJSON_AddItemToArray(inputs, cJSON_CreateString(path));
}

int cli_manifest_add_output(cJSON *manifest, const char *path, const char *bytes)
{
    cJSON *outputs = cJSON_GetObjectItemCaseSensitive(manifest, "outputs");
    cJSON *sums = cJSON_GetObjectItemCaseSensitive(manifest, "output_sha256");
    char hex[65];
    if (!outputs || !sums || cli_sha256_file(bytes, hex) != 0) return -1;
    if (!cJSON_AddItemToArray(outputs, cJSON_CreateString(path))) return -1;
    /* A path listed twice (reproduce into an existing directory) keeps one digest. */
    cJSON_DeleteItemFromObjectCaseSensitive(sums, path);
    return cJSON_AddStringToObject(sums, path, hex) ? 0 : -1;
}

int cli_manifest_write(cli_run *run, cJSON *manifest, const char *path)
{
    if (!manifest || !path) {
        cJSON_Delete(manifest);
        return cli_fail(run, "out of memory while writing the manifest");
    }
    errno = 0;
    for (size_t k = 0; k < cli_output_count(run); k++)
        if (cli_manifest_add_output(manifest, cli_output_path(run, k), cli_output_bytes(run, k)) !=
            0) {
            cJSON_Delete(manifest);
            return cli_fail(run, "%s: cannot record it in the manifest: %s",
                            cli_output_path(run, k), strerror(errno ? errno : ENOMEM));
        }
    /* Staged with the outputs but not listed among them, then committed with
     * them: the manifest and the files it describes appear together. */
    int rc = cli_write_json_unlisted(run, path, manifest);
    cJSON_Delete(manifest);
    return rc == CLI_EXIT_OK ? cli_commit(run) : rc;
}

int cli_manifest_beside(cli_run *run, cJSON *manifest, const char *output)
{
    static const char suffix[] = ".manifest.json";
    /* A report on standard output has no manifest; the manifest goes beside
     * the first file written instead, if there is one. */
    if (strcmp(output, "-") == 0) {
        if (cli_output_count(run) == 0) {
            cJSON_Delete(manifest);
            return cli_commit(run);
        }
        output = cli_output_path(run, 0);
    }
    size_t n = strlen(output) + sizeof suffix;
    char *path = malloc(n);
    if (path) snprintf(path, n, "%s%s", output, suffix);
    int rc = cli_manifest_write(run, manifest, path);
    free(path);
    return rc;
}
