/* partobs observe: partial observation of the activity (SPEC.md §1.3, §3). */
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "cli_args.h"
#include "cli_manifest.h"
#include "cli_output.h"
#include "cli_recording.h"

int cmd_observe(cli_run *run, int argc, char **argv)
{
    po_observe_opts o = po_observe_opts_defaults();
    cli_recording rec = cli_recording_defaults();
    const char *index = NULL, *output = NULL;
    cli_opt opts[] = {
        {"d", 0, CLI_SIZE, &o.d, "N",
         "number of observed neurons, 1 <= N <= D (required unless --index is given)",
         CLI_NODEFAULT, "d", false},
        {"index", 0, CLI_STRING, &index, "I,J,...",
         "observe these neurons (0-based, in this order) instead of the first d; with --d, the "
         "list must have d entries",
         0, NULL, false},
        {"obs-noise", 0, CLI_NONNEG, &o.obs_noise, "S",
         "observation noise standard deviation, >= 0", 0, "obs_noise", false},
        {"seed", 0, CLI_SEED, &o.seed, "S", "seed of the observation-noise stream", 0, "seed",
         false},
        CLI_RECORDING_OPTS(&rec),
        {"output", 'o', CLI_OUTPUT, &output, "FILE",
         "output .npy (T x d float64); FILE.manifest.json beside it", CLI_REQUIRED | CLI_MANIFEST,
         "output", false},
    };
    const cli_spec spec = {
        .usage = "X.npy",
        .pos_help = "activity, T x D, finite: " CLI_RECORDING_FORMS,
        .max_pos = 1,
        .pos_inputs = true,
        .about =
            "Record d of the D neurons of the activity X (T x D): y_t = x_t[index] + s_obs eps_t\n"
            "(SPEC.md §1.3). As in the paper, the observed neurons are the first d.",
        .opts = opts,
        .nopts = sizeof opts / sizeof opts[0],
    };
    const char *x_path = NULL;
    size_t npos = 0;
    int rc = cli_parse(run, &spec, argc, argv, &x_path, &npos);
    if (rc != CLI_PROCEED) return rc;
    const bool d_seen = cli_opt_get(&spec, "d")->seen;
    size_t *list = NULL, n_list = 0;
    if (index) {
        if (!cli_parse_size_list(index, &list, &n_list))
            return cli_usage(
                run, "option '--index' expects comma-separated neuron numbers, got '%s'", index);
        if (d_seen && n_list != o.d) {
            free(list);
            return cli_usage(run, "--d %zu but --index lists %zu neurons", o.d, n_list);
        }
        o.d = n_list;
        o.index = list;
    } else if (!d_seen) {
        return cli_usage(run, "missing required option '--d' (see 'partobs observe --help')");
    }
    if (o.d == 0) {
        free(list);
        return cli_usage(run, "--d must be at least 1");
    }

    po_mat *X = NULL, *Y = NULL;
    rc = cli_read_recording(run, x_path, &rec, &X, NULL);
    if (rc == CLI_EXIT_OK && o.d > X->cols) {
        /* o.d comes from --index when --d was not given: name the option the user wrote */
        if (index && !d_seen)
            rc = cli_fail(run, "--index lists %zu neurons, more than the %zu neurons in %s", o.d,
                          X->cols, x_path);
        else
            rc = cli_fail(run, "--d %zu exceeds the number of neurons in %s (D = %zu)", o.d, x_path,
                          X->cols);
    }
    for (size_t k = 0; rc == CLI_EXIT_OK && k < n_list; k++)
        if (list[k] >= X->cols)
            rc = cli_fail(run, "--index: neuron %zu does not exist in %s (D = %zu, 0-based)",
                          list[k], x_path, X->cols);
    if (rc == CLI_EXIT_OK) {
        Y = po_mat_alloc(X->rows, o.d);
        po_status st = Y ? po_observe(X, &o, Y) : PO_ENOMEM;
        if (st != PO_OK) rc = cli_fail_status(run, st);
    }
    po_mat_free(X);
    if (rc != CLI_EXIT_OK) {
        po_mat_free(Y);
        free(list);
        return rc;
    }

    cJSON *m = cli_manifest_new(run);
    cli_manifest_add_opts(m, &spec, x_path);
    cJSON *ix = m ? cJSON_AddArrayToObject(cli_manifest_options(m), "index") : NULL;
    for (size_t k = 0; ix && k < o.d; k++)
        cJSON_AddItemToArray(ix, cJSON_CreateNumber((double)(list ? list[k] : k)));
    free(list);
    rc = cli_write_mat(run, output, Y);
    po_mat_free(Y);
    if (rc != CLI_EXIT_OK) {
        cJSON_Delete(m);
        return rc;
    }
    return cli_manifest_beside(run, m, output);
}
