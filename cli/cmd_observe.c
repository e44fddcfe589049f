/* partobs observe: partial observation of the activity (SPEC.md §1.3, §3). */
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "cli_args.h"
#include "cli_input.h"
#include "cli_manifest.h"
#include "cli_output.h"

void cmd_observe_help(FILE *out)
{
    po_observe_opts d = po_observe_opts_defaults();
    fprintf(out,
            "usage: partobs observe X.npy --d N [--index I,J,...] [--obs-noise S] [--seed S]\n"
            "                       -o Y.npy\n"
            "\n"
            "Record d of the D neurons of the activity X (T x D): y_t = x_t[index] + s_obs eps_t\n"
            "(SPEC.md §1.3). As in the paper, the observed neurons are the first d.\n"
            "\n"
            "  X.npy               activity, T x D, finite (required)\n"
            "  --d N               number of observed neurons, 1 <= N <= D (required unless\n"
            "                      --index is given)\n"
            "  --index I,J,...     observe these neurons (0-based, in this order) instead of\n"
            "                      the first d; with --d, the list must have d entries\n"
            "  --obs-noise S       observation noise standard deviation, >= 0 (default %g)\n"
            "  --seed S            seed of the observation-noise stream (default %llu)\n"
            "  -o, --output FILE   output .npy (T x d float64); FILE.manifest.json beside it\n",
            d.obs_noise, (unsigned long long)d.seed);
}

int cmd_observe(cli_run *run, int argc, char **argv)
{
    po_observe_opts o = po_observe_opts_defaults();
    const char *index = NULL, *output = NULL;
    cli_opt opts[] = {
        {"d", 0, CLI_SIZE, &o.d, false},
        {"index", 0, CLI_STRING, &index, false},
        {"obs-noise", 0, CLI_NONNEG, &o.obs_noise, false},
        {"seed", 0, CLI_SEED, &o.seed, false},
        {"output", 'o', CLI_STRING, &output, false},
    };
    const size_t nopts = sizeof opts / sizeof opts[0];
    const char *x_path = NULL;
    int rc = cli_parse_one_input(run, argc, argv, opts, nopts, "X.npy", true, &x_path);
    if (rc != CLI_PROCEED) return rc;
    const bool d_seen = cli_opt_get(opts, nopts, "d")->seen;
    size_t *list = NULL, n_list = 0;
    if (index) {
        if (!cli_parse_size_list(index, &list, &n_list))
            return cli_usage(run, "option '--index' expects comma-separated neuron numbers, got '%s'",
                             index);
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
    rc = cli_read_mat(run, x_path, &X);
    if (rc == CLI_EXIT_OK && o.d > X->cols) {
        /* o.d comes from --index when --d was not given: name the option the user wrote */
        if (index && !d_seen)
            rc = cli_fail(run, "--index lists %zu neurons, more than the %zu neurons in %s", o.d,
                          X->cols, x_path);
        else
            rc = cli_fail(run, "--d %zu exceeds the number of neurons in %s (D = %zu)", o.d,
                          x_path, X->cols);
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
    cJSON *mo = m ? cli_manifest_options(m) : NULL;
    if (mo) {
        cJSON_AddStringToObject(mo, "input", x_path);
        cJSON_AddNumberToObject(mo, "d", (double)o.d);
        cJSON *ix = cJSON_AddArrayToObject(mo, "index");
        for (size_t k = 0; ix && k < o.d; k++)
            cJSON_AddItemToArray(ix, cJSON_CreateNumber((double)(list ? list[k] : k)));
        cJSON_AddNumberToObject(mo, "obs_noise", o.obs_noise);
        cJSON_AddStringToObject(mo, "output", output);
    }
    free(list);
    if (m) {
        cli_manifest_set_seed(m, o.seed);
        cli_manifest_add_input(m, x_path);
    }
    rc = cli_write_mat(run, output, Y);
    po_mat_free(Y);
    if (rc != CLI_EXIT_OK) {
        cJSON_Delete(m);
        return rc;
    }
    return cli_manifest_beside(run, m, output);
}
