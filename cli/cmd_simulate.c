/* partobs simulate: run the teacher network from W (SPEC.md §1). */
#include <string.h>

#include "cli.h"
#include "cli_args.h"
#include "cli_input.h"
#include "cli_manifest.h"
#include "cli_output.h"

typedef struct sim_files {
    po_mat *W, *x0, *xi, *signal, *w_in, *X;
    po_linop *op;
} sim_files;

static void sim_files_free(sim_files *f)
{
    po_linop_free(f->op);
    po_mat_free(f->W);
    po_mat_free(f->x0);
    po_mat_free(f->xi);
    po_mat_free(f->signal);
    po_mat_free(f->w_in);
    po_mat_free(f->X);
}

int cmd_simulate(cli_run *run, int argc, char **argv)
{
    po_sim_opts o = po_sim_opts_defaults();
    const char *w_path = NULL, *phi = NULL, *leaky = NULL, *ic = NULL, *noise_file = NULL,
               *input = NULL, *w_in = NULL, *output = NULL;
    phi = po_phi_name(o.phi);
    leaky = po_leaky_name(o.leaky);
    cli_opt opts[] = {
        {"W", 0, CLI_INPUT, &w_path, "FILE", "D x D connectivity, square and finite", CLI_REQUIRED,
         "W", false},
        {"T", 0, CLI_SIZE, &o.T, "NT", "number of stored time steps, at least 2", 0, "T", false},
        {"phi", 0, CLI_STRING, &phi, "NAME", "linear | tanh", 0, "phi", false},
        {"leaky", 0, CLI_STRING, &leaky, "NAME", "current | rate", 0, "leaky", false},
        {"alpha", 0, CLI_DOUBLE, &o.alpha, "A", "dt / tau", 0, "alpha", false},
        {"noise", 0, CLI_NONNEG, &o.noise, "V1", "process noise scale v1, >= 0", 0, "noise", false},
        {"g", 0, CLI_DOUBLE, &o.g, "G", "gain on W", 0, "g", false},
        {"ic", 0, CLI_INPUT, &ic, "FILE",
         "initial state x0, a vector of D entries (default: x0 ~ N(0, ic_scale^2 I) from the "
         "seed's IC stream)",
         0, "ic", false},
        {"ic-scale", 0, CLI_NONNEG, &o.ic_scale, "S",
         "standard deviation of the drawn x0, >= 0; not with --ic", 0, "ic_scale", false},
        {"noise-file", 0, CLI_INPUT, &noise_file, "FILE",
         "replay the standard normals xi: at least T-1 rows (row t drives step t -> t+1; further "
         "rows are ignored) and exactly D columns (default: the seed's noise stream)",
         0, "noise_file", false},
        {"input", 0, CLI_INPUT, &input, "FILE",
         "scalar input signal s_t: a vector of at least T-1 entries (needs --w-in)", 0, "input",
         false},
        {"w-in", 0, CLI_INPUT, &w_in, "FILE",
         "input direction, a vector of D entries (with --input)", 0, "w_in", false},
        {"input-gain", 0, CLI_DOUBLE, &o.input_gain, "V0", "input scale v0, used with --input", 0,
         "input_gain", false},
        {"threads", 0, CLI_SIZE, &o.threads, "N",
         "dense W only: 0 = automatic (several threads when D >= 256 and several CPUs are online), "
         "N = N threads; the output is the same, bit for bit, for every N (each row of W x is "
         "summed in one fixed order)",
         0, "threads", false},
        {"seed", 0, CLI_SEED, &o.seed, "S", "seed of the IC and noise streams", 0, "seed", false},
        {"output", 'o', CLI_OUTPUT, &output, "FILE",
         "output .npy (T x D float64); FILE.manifest.json beside it", CLI_REQUIRED | CLI_MANIFEST,
         "output", false},
    };
    const cli_spec spec = {
        .about = "Euler-simulate the teacher (SPEC.md §1) and write its activity X (T x D, time\n"
                 "down the rows, row 0 = x0):\n"
                 "  leaky current: x_{t+1} = x_t + alpha (g W phi(x_t) - x_t + v_t)\n"
                 "  leaky rate:    x_{t+1} = x_t + alpha (phi(g W x_t) - x_t + v_t)\n"
                 "  drive:         v_t = noise xi_t + input_gain s_t w_in\n"
                 "The per-step noise standard deviation is alpha * noise. W is analysed once and\n"
                 "applied in its cheapest exact form (sparse, low rank or dense; the manifest\n"
                 "records which under \"operator\").",
        .opts = opts,
        .nopts = sizeof opts / sizeof opts[0],
    };
    size_t npos = 0;
    int rc = cli_parse(run, &spec, argc, argv, NULL, &npos);
    if (rc != CLI_PROCEED) return rc;
    if (po_phi_from_name(phi, &o.phi) != PO_OK) return cli_usage(run, "%s", po_errmsg());
    if (po_leaky_from_name(leaky, &o.leaky) != PO_OK) return cli_usage(run, "%s", po_errmsg());
    if (!input != !w_in) return cli_usage(run, "--input and --w-in must be given together");
    if (!input && cli_opt_get(&spec, "input-gain")->seen)
        return cli_usage(run, "--input-gain needs --input and --w-in");
    if (ic && cli_opt_get(&spec, "ic-scale")->seen)
        return cli_usage(run, "--ic-scale applies only when x0 is drawn, not with --ic");
    const char *why = po_sim_opts_check(&o);
    if (why) return cli_usage(run, "%s", why);

    sim_files f;
    memset(&f, 0, sizeof f);
    rc = cli_read_square(run, w_path, "W", &f.W);
    const size_t D = f.W ? f.W->rows : 0;
    if (rc == CLI_EXIT_OK && ic)
        rc = cli_read_vector(run, ic, D, "the initial state (--ic)", &f.x0);
    if (rc == CLI_EXIT_OK && noise_file) {
        rc = cli_read_mat(run, noise_file, &f.xi);
        if (rc == CLI_EXIT_OK && (f.xi->rows < o.T - 1 || f.xi->cols != D))
            rc = cli_fail(run,
                          "%s: the noise (--noise-file) must have at least T-1 = %zu rows and "
                          "D = %zu columns, got shape %zu x %zu",
                          noise_file, o.T - 1, D, f.xi->rows, f.xi->cols);
    }
    if (rc == CLI_EXIT_OK && input) {
        rc = cli_read_mat(run, input, &f.signal);
        if (rc == CLI_EXIT_OK && f.signal->rows == 1) {
            /* A 1 x n row is the same contiguous vector as an n x 1 column. */
            f.signal->rows = f.signal->cols;
            f.signal->cols = 1;
            f.signal->ld = 1;
        }
        if (rc == CLI_EXIT_OK && (f.signal->cols != 1 || f.signal->rows < o.T - 1))
            rc = cli_fail(run,
                          "%s: the input signal (--input) must be a vector of at least T-1 = %zu "
                          "entries, got shape %zu x %zu",
                          input, o.T - 1, f.signal->rows, f.signal->cols);
        if (rc == CLI_EXIT_OK)
            rc = cli_read_vector(run, w_in, D, "the input direction (--w-in)", &f.w_in);
    }
    po_status st = PO_OK;
    if (rc == CLI_EXIT_OK) {
        po_sim_inputs in = {f.x0 ? f.x0->data : NULL, f.xi, f.signal, f.w_in ? f.w_in->data : NULL};
        cli_progress bar;
        cli_progress_init(&bar, "simulate");
        o.progress = cli_progress_update;
        o.progress_user = &bar;
        st = po_simulate(f.W, &o, &in, &f.X, &f.op);
        cli_progress_end(&bar);
    }
    if (rc == CLI_EXIT_OK && st != PO_OK) rc = cli_fail_status(run, st);
    if (rc != CLI_EXIT_OK) {
        sim_files_free(&f);
        return rc;
    }

    cJSON *m = cli_manifest_new(run);
    cli_manifest_add_opts(m, &spec, NULL);
    if (m) {
        cJSON_AddNumberToObject(cli_manifest_options(m), "threads_used",
                                (double)po_sim_threads(f.op, &o));
        cJSON *op = cJSON_AddObjectToObject(m, "operator");
        if (op) {
            cJSON_AddStringToObject(op, "kind", po_linop_kind(f.op));
            cJSON_AddNumberToObject(op, "D", (double)D);
            cJSON_AddNumberToObject(op, "size_param", (double)po_linop_size_param(f.op));
        }
    }
    rc = cli_write_mat(run, output, f.X);
    sim_files_free(&f);
    if (rc != CLI_EXIT_OK) {
        cJSON_Delete(m);
        return rc;
    }
    return cli_manifest_beside(run, m, output);
}
