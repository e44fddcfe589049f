/* partobs fit --method bptt: BPTT with generalized teacher forcing (SPEC.md §4.7). */
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "cli_args.h"
#include "cli_input.h"
#include "cli_manifest.h"
#include "cli_output.h"
#include "fit_methods.h"

void cmd_fit_bptt_help(FILE *out)
{
    po_bptt_opts d = po_bptt_opts_defaults();
    fprintf(out,
            "usage: partobs fit Y.npy --method bptt [--hidden H] [--epochs N] [--window T0:T1]\n"
            "                   [--seq-len L] [--batch B] [--optimizer sgd|adam] [--lr R]\n"
            "                   [--momentum M] [--beta P] [--reference-shift] [--alpha A]\n"
            "                   [--init-scale S] [--seed S] [--init W0.npy] [--loss-out loss.npy]\n"
            "                   [--verbose]\n"
            "                   -o W_hat.npy\n"
            "\n"
            "Train a tanh RNN x <- x + alpha (-x + W tanh(x)) with the d observed units of Y\n"
            "(T x d) and H hidden units by backpropagation through time with generalized\n"
            "teacher forcing (SPEC.md §4.7). Windows of L rows start every L/2 rows\n"
            "(floor(2 n / L) - 2 of them for n rows: 118 for 30000 rows and L = 500) and are\n"
            "shuffled every epoch into mini-batches of B. In a window the observed units start\n"
            "at the data and the hidden ones at 0; before each step, with probability P (one\n"
            "coin per step for the mini-batch), the observed units are reset to the data.\n"
            "Loss: the sum over windows, observed units and steps of\n"
            "(tanh(x_hat_t) - tanh(y_t))^2; gradients are exact (reverse mode).\n"
            "\n"
            "  Y.npy               observed activity, T x d, finite (required)\n"
            "  --hidden H          hidden units; W_hat is (d+H) x (d+H), observed units\n"
            "                      first (default %zu)\n"
            "  --epochs N          passes over the windows, >= 1 (default %zu)\n"
            "  --window T0:T1      use rows T0 .. T1-1 of Y (T1 empty: to the end; default all)\n"
            "  --seq-len L         window length in steps, 2 .. rows used (default %zu)\n"
            "  --batch B           windows per mini-batch, >= 1 (default %zu)\n"
            "  --optimizer NAME    sgd (with momentum) | adam, PyTorch semantics (default %s)\n"
            "  --lr R              learning rate, > 0 (default %g)\n"
            "  --momentum M        SGD momentum, in [0, 1) (default %g)\n"
            "                      (Adam: beta1 %g, beta2 %g, eps %g)\n"
            "  --beta P            forcing probability per step, in [0, 1] (default %g)\n"
            "  --reference-shift   reproduce the reference script's off-by-one: score the\n"
            "                      prediction of time t+1 against y_t (default off)\n"
            "  --alpha A           dt / tau, in (0, 1] (default %g)\n"
            "  --init-scale S      initial W ~ N(0, 1) S / sqrt(d + H), >= 0 (default %g)\n"
            "  --seed S            initial W, shuffles and coins (default %llu)\n"
            "  --init W0.npy       initial W ((d+H) x (d+H), observed units first, finite);\n"
            "                      the shuffles and coins stay those of --seed\n"
            "  --loss-out FILE     also write the loss of every epoch (epochs x 1 .npy)\n"
            "  --verbose           print the first and last epoch loss on stderr\n"
            "  -o, --output FILE   output .npy; FILE.manifest.json beside it\n",
            d.hidden, d.epochs, d.seq_len, d.batch, po_optimizer_name(d.optimizer), d.lr,
            d.momentum, d.beta1, d.beta2, d.eps, d.beta, d.alpha, d.init_scale,
            (unsigned long long)d.seed);
}

/* "T0:T1" or "T0:" (to the end) into t0, t1 (t1 = 0 means the end). */
static bool parse_rows(const char *s, size_t *t0, size_t *t1)
{
    const char *colon = strchr(s, ':');
    if (!colon || colon == s || (size_t)(colon - s) >= 32) return false;
    char head[32];
    memcpy(head, s, (size_t)(colon - s));
    head[colon - s] = '\0';
    if (!cli_parse_size(head, t0)) return false;
    if (colon[1] == '\0') {
        *t1 = 0;
        return true;
    }
    return cli_parse_size(colon + 1, t1) && *t1 > *t0;
}

/* The progress bar shows the loss of the epoch just finished. */
typedef struct bptt_bar {
    cli_progress bar;
    const double *trace;
    char label[48];
} bptt_bar;

static void bar_update(void *user, size_t done, size_t total)
{
    bptt_bar *b = user;
    if (done > 0) snprintf(b->label, sizeof b->label, "bptt loss %.4g", b->trace[done - 1]);
    b->bar.label = b->label;
    cli_progress_update(&b->bar, done, total);
}

static void add_options(cJSON *mo, const po_bptt_opts *o, const char *y_path, const char *output,
                        const char *loss_out, const char *init)
{
    cJSON_AddStringToObject(mo, "input", y_path);
    cJSON_AddStringToObject(mo, "method", "bptt");
    cJSON_AddNumberToObject(mo, "hidden", (double)o->hidden);
    cJSON_AddNumberToObject(mo, "epochs", (double)o->epochs);
    cJSON_AddNumberToObject(mo, "t0", (double)o->t0);
    cJSON_AddNumberToObject(mo, "t1", (double)o->t1);
    cJSON_AddNumberToObject(mo, "seq_len", (double)o->seq_len);
    cJSON_AddNumberToObject(mo, "batch", (double)o->batch);
    cJSON_AddStringToObject(mo, "optimizer", po_optimizer_name(o->optimizer));
    cJSON_AddNumberToObject(mo, "lr", o->lr);
    cJSON_AddNumberToObject(mo, "momentum", o->momentum);
    cJSON_AddNumberToObject(mo, "beta1", o->beta1);
    cJSON_AddNumberToObject(mo, "beta2", o->beta2);
    cJSON_AddNumberToObject(mo, "eps", o->eps);
    cJSON_AddNumberToObject(mo, "beta", o->beta);
    cJSON_AddBoolToObject(mo, "reference_shift", o->reference_shift);
    cJSON_AddNumberToObject(mo, "alpha", o->alpha);
    cJSON_AddNumberToObject(mo, "init_scale", o->init_scale);
    cJSON_AddStringToObject(mo, "output", output);
    if (loss_out) cJSON_AddStringToObject(mo, "loss_out", loss_out);
    if (init) cJSON_AddStringToObject(mo, "init", init);
}

static int run_bptt(cli_run *run, int argc, char **argv)
{
    po_bptt_opts o = po_bptt_opts_defaults();
    const char *method = NULL, *window = NULL, *optimizer = NULL, *output = NULL,
               *loss_out = NULL, *init = NULL;
    bool verbose = false;
    cli_opt opts[] = {
        {"method", 0, CLI_STRING, &method, false},
        {"hidden", 0, CLI_SIZE, &o.hidden, false},
        {"epochs", 0, CLI_SIZE, &o.epochs, false},
        {"window", 0, CLI_STRING, &window, false},
        {"seq-len", 0, CLI_SIZE, &o.seq_len, false},
        {"batch", 0, CLI_SIZE, &o.batch, false},
        {"optimizer", 0, CLI_STRING, &optimizer, false},
        {"lr", 0, CLI_DOUBLE, &o.lr, false},
        {"momentum", 0, CLI_DOUBLE, &o.momentum, false},
        {"beta", 0, CLI_DOUBLE, &o.beta, false},
        {"reference-shift", 0, CLI_FLAG, &o.reference_shift, false},
        {"alpha", 0, CLI_DOUBLE, &o.alpha, false},
        {"init-scale", 0, CLI_NONNEG, &o.init_scale, false},
        {"seed", 0, CLI_SEED, &o.seed, false},
        {"init", 0, CLI_STRING, &init, false},
        {"loss-out", 0, CLI_STRING, &loss_out, false},
        {"verbose", 0, CLI_FLAG, &verbose, false},
        {"output", 'o', CLI_STRING, &output, false},
    };
    const size_t nopts = sizeof opts / sizeof opts[0];
    const char *y_path = NULL;
    int rc = cli_parse_one_input(run, argc, argv, opts, nopts, "Y.npy", true, &y_path);
    if (rc != CLI_PROCEED) return rc;
    if (window && !parse_rows(window, &o.t0, &o.t1))
        return cli_usage(run, "--window '%s': expected T0:T1 with T1 > T0, or T0:", window);
    if (optimizer && po_optimizer_from_name(optimizer, &o.optimizer) != PO_OK)
        return cli_usage(run, "%s", po_errmsg());
    const char *why = po_bptt_opts_check(&o);
    if (why) return cli_usage(run, "%s", why);
    if (loss_out && strcmp(loss_out, output) == 0)
        return cli_usage(run, "--loss-out and --output are the same file '%s'", output);

    po_mat *Y = NULL, *W_hat = NULL, *trace = NULL, *W0 = NULL;
    po_bptt_info info;
    memset(&info, 0, sizeof info);
    rc = cli_read_mat(run, y_path, &Y);
    if (rc == CLI_EXIT_OK && init) rc = cli_read_mat(run, init, &W0);
    o.init = W0;
    if (rc == CLI_EXIT_OK) {
        size_t t1 = o.t1 ? o.t1 : Y->rows;
        if (t1 > Y->rows)
            rc = cli_fail(run, "%s: --window %zu:%zu goes past its T = %zu rows", y_path, o.t0, t1,
                          Y->rows);
        else if (t1 <= o.t0 || t1 - o.t0 < o.seq_len)
            rc = cli_fail(run, "%s: the %zu rows used (%zu:%zu) are fewer than --seq-len %zu",
                          y_path, t1 > o.t0 ? t1 - o.t0 : 0, o.t0, t1, o.seq_len);
    }
    if (rc == CLI_EXIT_OK) {
        size_t n = Y->cols + o.hidden;
        W_hat = po_mat_alloc(n, n);
        trace = po_mat_alloc(o.epochs, 1);
        info.loss_trace = trace ? trace->data : NULL;
        bptt_bar bar = {.trace = info.loss_trace};
        cli_progress_init(&bar.bar, "bptt");
        o.progress = bar_update;
        o.progress_user = &bar;
        po_status st = W_hat && trace ? po_fit_bptt(Y, &o, W_hat, &info) : PO_ENOMEM;
        cli_progress_end(&bar.bar);
        o.progress = NULL;
        o.progress_user = NULL;
        if (st != PO_OK) rc = cli_fail_status(run, st);
    }
    po_mat_free(Y);
    po_mat_free(W0);
    if (rc == CLI_EXIT_OK && verbose)
        fprintf(stderr, "partobs: fit: bptt: %zu windows, %zu epochs, loss %.9g -> %.9g\n",
                info.windows, info.epochs, info.loss_first, info.loss_last);

    cJSON *m = NULL;
    if (rc == CLI_EXIT_OK) {
        m = cli_manifest_new(run);
        cJSON *mo = m ? cli_manifest_options(m) : NULL;
        if (mo) add_options(mo, &o, y_path, output, loss_out, init);
        if (m) {
            cli_manifest_set_seed(m, o.seed);
            cli_manifest_add_input(m, y_path);
            if (init) cli_manifest_add_input(m, init);
            cJSON *fi = cJSON_AddObjectToObject(m, "fit_info");
            if (fi) {
                cJSON_AddNumberToObject(fi, "windows", (double)info.windows);
                cJSON_AddNumberToObject(fi, "epochs", (double)info.epochs);
                cJSON_AddItemToObject(fi, "loss_first", cli_json_number(info.loss_first));
                cJSON_AddItemToObject(fi, "loss_last", cli_json_number(info.loss_last));
            }
        }
        rc = cli_write_mat(run, output, W_hat);
    }
    if (rc == CLI_EXIT_OK && loss_out) rc = cli_write_mat(run, loss_out, trace);
    po_mat_free(W_hat);
    po_mat_free(trace);
    if (rc != CLI_EXIT_OK) {
        cJSON_Delete(m);
        return rc;
    }
    return cli_manifest_beside(run, m, output);
}

int cmd_fit_bptt(cli_run *run, int argc, char **argv)
{
    /* Same command name in messages and the manifest; this method's --help. */
    static const cli_cmd bptt_cmd = {"fit", "fit --method bptt", cmd_fit_bptt, cmd_fit_bptt_help};
    const cli_cmd *saved = run->cmd;
    run->cmd = &bptt_cmd;
    int rc = run_bptt(run, argc, argv);
    run->cmd = saved;
    return rc;
}
