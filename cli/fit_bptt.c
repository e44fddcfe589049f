/* partobs fit --method bptt: BPTT with generalized teacher forcing (SPEC.md §4.7). */
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "cli_args.h"
#include "cli_input.h"
#include "cli_manifest.h"
#include "cli_output.h"
#include "fit_methods.h"

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

int fit_bptt(cli_run *run, int argc, char **argv)
{
    po_bptt_opts o = po_bptt_opts_defaults();
    cli_recording rec = cli_recording_defaults();
    const char *method = "bptt", *window = NULL, *optimizer = po_optimizer_name(o.optimizer),
               *output = NULL, *loss_out = NULL;
    const char *init = NULL;
    bool verbose = false;
    cli_opt opts[] = {
        FIT_METHOD_OPT(&method),
        {"hidden", 0, CLI_SIZE, &o.hidden, "H",
         "hidden (never observed) units; W_hat is (d+H) x (d+H), observed units first", 0, "hidden",
         false},
        {"epochs", 0, CLI_SIZE, &o.epochs, "N", "passes over the windows, >= 1", 0, "epochs",
         false},
        {"window", 0, CLI_STRING, &window, "T0:T1",
         "use rows T0 .. T1-1 of Y (T1 empty: to the end; default all)", 0, NULL, false},
        {"seq-len", 0, CLI_SIZE, &o.seq_len, "L",
         "window length in steps, 2 .. rows used; windows start every floor(L/2) rows", 0,
         "seq_len", false},
        {"batch", 0, CLI_SIZE, &o.batch, "B", "windows per mini-batch, >= 1", 0, "batch", false},
        {"optimizer", 0, CLI_STRING, &optimizer, "NAME",
         "sgd (with momentum) | adam, PyTorch semantics", 0, "optimizer", false},
        {"lr", 0, CLI_DOUBLE, &o.lr, "R", "learning rate, > 0", 0, "lr", false},
        {"momentum", 0, CLI_DOUBLE, &o.momentum, "M", "SGD momentum, in [0, 1)", 0, "momentum",
         false},
        {"beta", 0, CLI_DOUBLE, &o.beta, "P", "forcing probability per step, in [0, 1]", 0, "beta",
         false},
        {"reference-shift", 0, CLI_FLAG, &o.reference_shift, NULL,
         "reproduce the reference script's off-by-one: score the prediction of time t+1 against "
         "y_t",
         0, "reference_shift", false},
        {"alpha", 0, CLI_DOUBLE, &o.alpha, "A", "dt / tau, in (0, 1]", 0, "alpha", false},
        {"init-scale", 0, CLI_NONNEG, &o.init_scale, "S",
         "initial W ~ N(0, 1) S / sqrt(d + H), >= 0", 0, "init_scale", false},
        {"seed", 0, CLI_SEED, &o.seed, "S", "initial W, shuffles and coins", 0, "seed", false},
        {"loss-out", 0, CLI_OUTPUT, &loss_out, "FILE",
         "also write the summed loss of every epoch (epochs x 1 .npy)", 0, "loss_out", false},
        FIT_INIT_OPT(&init, "initial W ((d+H) x (d+H), observed units first, finite)"),
        {"verbose", 0, CLI_FLAG, &verbose, NULL,
         "print windows, epochs and the first and last epoch loss on stderr", 0, NULL, false},
        CLI_RECORDING_OPTS(&rec),
        FIT_OUTPUT_OPT(&output, "output .npy; FILE.manifest.json beside it"),
    };
    const cli_spec spec = FIT_SPEC(
        "Y.npy --method bptt",
        "Train a tanh RNN x <- x + alpha (-x + W tanh(x)) with the d observed units of Y\n"
        "(T x d) and H hidden units by backpropagation through time with generalized\n"
        "teacher forcing (SPEC.md §4.7). Windows of L rows start every L/2 rows\n"
        "(floor(2 n / L) - 2 of them for n rows: 118 for 30000 rows and L = 500) and are\n"
        "shuffled every epoch into mini-batches of B. In a window the observed units start\n"
        "at the data and the hidden ones at 0; before each step, with probability P (one\n"
        "coin per step for the mini-batch), the observed units are reset to the data.\n"
        "Loss: the sum over windows, observed units and steps of\n"
        "(tanh(x_hat_t) - tanh(y_t))^2; gradients are exact (reverse mode). Adam's beta1,\n"
        "beta2 and eps are PyTorch's defaults (recorded in the manifest).",
        opts);
    const char *y_path = NULL;
    int rc = fit_parse(run, &spec, argc, argv, &y_path);
    if (rc != CLI_PROCEED) return rc;
    if (window && (rc = fit_parse_window(run, window, &o.t0, &o.t1)) != CLI_PROCEED) return rc;
    if (po_optimizer_from_name(optimizer, &o.optimizer) != PO_OK)
        return cli_usage(run, "%s", po_errmsg());
    const char *why = po_bptt_opts_check(&o);
    if (why) return cli_usage(run, "%s", why);

    po_mat *Y = NULL, *W_hat = NULL, *trace = NULL;
    po_bptt_info info;
    memset(&info, 0, sizeof info);
    po_mat *W0 = NULL;
    rc = fit_read_y(run, y_path, &rec, &Y);
    if (rc == CLI_EXIT_OK) rc = fit_read_init(run, init, &W0);
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
    po_mat_free(W0);
    po_mat_free(Y);
    if (rc == CLI_EXIT_OK && verbose)
        fprintf(stderr, "partobs: fit: bptt: %zu windows, %zu epochs, loss %.9g -> %.9g\n",
                info.windows, info.epochs, info.loss_first, info.loss_last);

    if (rc != CLI_EXIT_OK) {
        po_mat_free(W_hat);
        po_mat_free(trace);
        return rc;
    }
    cJSON *fi = NULL, *m = fit_manifest(run, &spec, y_path, &fi);
    if (fi) {
        cJSON *mo = cli_manifest_options(m);
        cJSON_AddNumberToObject(mo, "t0", (double)o.t0);
        cJSON_AddNumberToObject(mo, "t1", (double)o.t1);
        cJSON_AddNumberToObject(mo, "beta1", o.beta1);
        cJSON_AddNumberToObject(mo, "beta2", o.beta2);
        cJSON_AddNumberToObject(mo, "eps", o.eps);
        cJSON_AddNumberToObject(fi, "windows", (double)info.windows);
        cJSON_AddNumberToObject(fi, "epochs", (double)info.epochs);
        cJSON_AddItemToObject(fi, "loss_first", cli_json_number(info.loss_first));
        cJSON_AddItemToObject(fi, "loss_last", cli_json_number(info.loss_last));
    }
    rc = fit_finish(run, output, W_hat, loss_out, trace, m);
    po_mat_free(W_hat);
    po_mat_free(trace);
    return rc;
}
