/* partobs task: the sensory-integration task of Fig 1 (SPEC.md §7, §6
 * "Fig 1"): build a line-attractor or feedforward integrator, drive it with
 * the noisy pulse train along its input mode, and write the activity, the
 * input, the readout and the ideal integral. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "cli_args.h"
#include "cli_manifest.h"
#include "cli_output.h"

/* The task's constants, which depend on the network (not options). */
static void constants_json(cJSON *mo, const po_task_opts *o)
{
    cJSON_AddNumberToObject(mo, "signal_noise", o->signal_noise);
    if (o->net == PO_TASK_LINE_ATTRACTOR) {
        cJSON_AddNumberToObject(mo, "max_eval", o->max_eval);
        cJSON_AddNumberToObject(mo, "min_eval", o->min_eval);
    } else {
        cJSON_AddNumberToObject(mo, "skip_scale", o->skip_scale);
        cJSON_AddNumberToObject(mo, "readout_gain", o->readout_gain);
    }
}

/* Write one array as DIR/name. */
static int write_mat(cli_run *run, const char *dir, const char *name, const po_mat *m)
{
    char *path = cli_path_join(dir, name);
    int rc = path ? cli_write_mat(run, path, m) : cli_fail(run, "out of memory");
    free(path);
    return rc;
}

static int write_vec(cli_run *run, const char *dir, const char *name, const double *x, size_t n)
{
    char *path = cli_path_join(dir, name);
    int rc = path ? cli_write_vec(run, path, x, n) : cli_fail(run, "out of memory");
    free(path);
    return rc;
}

/* Every array, then (last) the manifest, which this consumes. */
static int write_outputs(cli_run *run, const char *dir, const po_task *t, cJSON *manifest)
{
    int rc = write_mat(run, dir, "X.npy", t->X);
    if (rc == CLI_EXIT_OK) rc = write_mat(run, dir, "U.npy", t->input);
    if (rc == CLI_EXIT_OK) rc = write_mat(run, dir, "readout.npy", t->readout);
    if (rc == CLI_EXIT_OK) rc = write_mat(run, dir, "ideal.npy", t->ideal);
    if (rc == CLI_EXIT_OK) rc = write_mat(run, dir, "W.npy", t->W);
    if (rc == CLI_EXIT_OK) rc = write_vec(run, dir, "w_in.npy", t->m, t->D);
    if (rc == CLI_EXIT_OK) rc = write_vec(run, dir, "w_out.npy", t->w_out, t->D);
    if (rc != CLI_EXIT_OK) {
        cJSON_Delete(manifest);
        return rc;
    }
    char *path = cli_path_join(dir, "manifest.json");
    rc = cli_manifest_write(run, manifest, path);
    free(path);
    return rc;
}

int cmd_task(cli_run *run, int argc, char **argv)
{
    po_task_opts o = po_task_opts_defaults();
    const char *net = NULL, *dir = NULL;
    cli_opt opts[] = {
        {"net", 0, CLI_STRING, &net, "NAME", "line-attractor | feedforward", CLI_REQUIRED, "net",
         false},
        {"D", 0, CLI_SIZE, &o.D, "N", "neurons, >= 2", 0, "D", false},
        {"T", 0, CLI_SIZE, &o.T, "NT", "time steps, >= 2", 0, "T", false},
        {"seed", 0, CLI_SEED, &o.seed, "S",
         "seed of the connectivity, IC, input-noise and process-noise streams", 0, "seed", false},
        {"alpha", 0, CLI_DOUBLE, &o.alpha, "A", "dt / tau, > 0", 0, "alpha", false},
        {"noise", 0, CLI_NONNEG, &o.noise, "V1", "process noise scale v1, >= 0", 0, "noise", false},
        {"input-gain", 0, CLI_DOUBLE, &o.input_gain, "V0", "input scale v0", 0, "input_gain",
         false},
        {"threads", 0, CLI_SIZE, &o.threads, "N",
         "simulation threads, 0 = automatic; the output is the same, bit for bit, for every N", 0,
         "threads", false},
        {"out", 0, CLI_OUTDIR, &dir, "DIR", "output directory, created if needed", CLI_REQUIRED,
         "out", false},
    };
    char about[1400];
    snprintf(about, sizeof about,
             "The sensory-integration task (SPEC.md §7): a pulse train s_t (zero except on\n"
             "[800,950) = -2, [1000,1200) = 1, [1250,1450) = -1, [1600,1800) = 3,\n"
             "[2200,2400) = 0.5, a ramp from 0 to -3 on [2600,3000), [3500,4500) = 0.1, plus\n"
             "white noise of sd %g) drives a linear network along its input mode m:\n"
             "  x_{t+1} = x_t + alpha (W x_t - x_t + v1 xi_t + v0 s_t m)\n"
             "  line-attractor  W = S diag(%g, %g, ...) S^-1 (S a random similarity with\n"
             "                  unit columns), m = D S[:,0], w_out = S[:,0] / D\n"
             "  feedforward     W = O T O^T (T the chain with skips of weight %g, O Haar\n"
             "                  orthogonal), m = O 1, w_out = %g m / D\n"
             "x0 ~ N(0, I) with its component along m removed. The readout x_t . w_out\n"
             "tracks the ideal output v0 alpha sum_{k<=t} s_k. Writes into DIR: X.npy (T x D\n"
             "activity), U.npy (T x 1, the input v0 s_t), readout.npy (T x 1, X w_out),\n"
             "ideal.npy (T x 1), W.npy (D x D), w_in.npy (D, the input mode m), w_out.npy (D)\n"
             "and manifest.json. On failure nothing is written.",
             o.signal_noise, o.max_eval, o.min_eval, o.skip_scale, o.readout_gain);
    static const char *const files[] = {"X.npy",     "U.npy",         "readout.npy",
                                        "ideal.npy", "W.npy",         "w_in.npy",
                                        "w_out.npy", "manifest.json", NULL};
    const cli_spec spec = {
        .about = about, .dir_files = files, .opts = opts, .nopts = sizeof opts / sizeof opts[0]};
    size_t npos = 0;
    int rc = cli_parse(run, &spec, argc, argv, NULL, &npos);
    if (rc != CLI_PROCEED) return rc;
    if (po_task_net_from_name(net, &o.net) != PO_OK) return cli_usage(run, "%s", po_errmsg());
    const char *why = po_task_opts_check(&o);
    if (why) return cli_usage(run, "%s", why);

    po_task *t = NULL;
    po_status st = po_task_make(&o, &t);
    if (st == PO_OK) {
        cli_progress bar;
        cli_progress_init(&bar, "task");
        o.progress = cli_progress_update;
        o.progress_user = &bar;
        st = po_task_simulate(t, &o);
        cli_progress_end(&bar);
    }
    if (st != PO_OK) {
        po_task_free(t);
        return cli_fail_status(run, st);
    }

    rc = cli_out_dir(run, dir);
    if (rc == CLI_EXIT_OK) {
        cJSON *m = cli_manifest_new(run);
        cli_manifest_add_opts(m, &spec, NULL);
        if (m) constants_json(cli_manifest_options(m), &o);
        rc = write_outputs(run, dir, t, m);
    }
    po_task_free(t);
    return rc;
}
