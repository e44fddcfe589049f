/* partobs CLI: run manifests (see cli_manifest.h). */
#include "cli_manifest.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli_output.h"

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

int cli_manifest_write(cli_run *run, cJSON *manifest, const char *path)
{
    if (!manifest || !path) {
        cJSON_Delete(manifest);
        return cli_fail(run, "out of memory while writing the manifest");
    }
    cJSON *outputs = cJSON_GetObjectItemCaseSensitive(manifest, "outputs");
    for (size_t k = 0; outputs && k < run->n_outputs; k++)
        cJSON_AddItemToArray(outputs, cJSON_CreateString(run->outputs[k]));
    /* Recorded after "outputs" was filled: listed nowhere, yet removed with the
     * rest if the run still fails afterwards. */
    int rc = cli_write_json(run, path, manifest);
    cJSON_Delete(manifest);
    return rc;
}

int cli_manifest_beside(cli_run *run, cJSON *manifest, const char *output)
{
    static const char suffix[] = ".manifest.json";
    size_t n = strlen(output) + sizeof suffix;
    char *path = malloc(n);
    if (path) snprintf(path, n, "%s%s", output, suffix);
    int rc = cli_manifest_write(run, manifest, path);
    free(path);
    return rc;
}
