/* partobs diagnose: is the slow mode of a model fitted to a partial
 * recording real, and which experiment would prove it? (issue 11;
 * docs/methods.md "Diagnose"). A thin client of partobs/diagnose.h: read the
 * arrays, run the library, write its report, figure and protocol. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "cli_args.h"
#include "cli_input.h"
#include "cli_manifest.h"
#include "cli_output.h"
#include "cli_recording.h"

/* --quick: what it lowers (unless given explicitly). */
enum { QUICK_SUBSETS = 4, QUICK_BOOTSTRAP = 20, QUICK_LDS_ITERS = 50, QUICK_LDS_REFIT_ITERS = 20 };

typedef struct dg_files {
    po_mat *Y, *U, *YP, *STIM, *stim;
    po_diagnose *dg;
    po_figure *fig;
    char *md;
} dg_files;

static void dg_files_free(dg_files *f)
{
    po_mat_free(f->Y);
    po_mat_free(f->U);
    po_mat_free(f->YP);
    po_mat_free(f->STIM);
    po_mat_free(f->stim);
    po_diagnose_free(f->dg);
    po_figure_free(f->fig);
    free(f->md);
}

/* "0.3,0.5,1" into o->fractions; a usage error (one line) otherwise. */
static int parse_fractions(cli_run *run, const char *s, po_diagnose_opts *o)
{
    char buf[1024];
    if (strlen(s) >= sizeof buf) return cli_usage(run, "--fractions: the list is too long");
    strcpy(buf, s);
    size_t n = 0;
    for (char *item = buf, *next; item; item = next) {
        next = strchr(item, ',');
        if (next) *next++ = '\0';
        double v;
        if (!cli_parse_double(item, &v))
            return cli_usage(run, "--fractions: '%s' is not a number (expected e.g. 0.3,0.5,1)",
                             item);
        if (n == PO_DIAGNOSE_MAX_FRACTIONS)
            return cli_usage(run, "--fractions: at most %d fractions", PO_DIAGNOSE_MAX_FRACTIONS);
        if (!(v > 0 && v <= 1))
            return cli_usage(run, "--fractions: %g is outside (0, 1]", v);
        if (n > 0 && !(v > o->fractions[n - 1]))
            return cli_usage(run, "--fractions must increase: %g follows %g", v,
                             o->fractions[n - 1]);
        o->fractions[n++] = v;
    }
    o->n_fractions = n;
    return CLI_PROCEED;
}

/* The arrays and their shapes; each error names the file. */
static int read_inputs(cli_run *run, const char *y_path, const cli_recording *rec, double *dt,
                       const char *u_path, const char *yp_path, const char *stim_path,
                       dg_files *f)
{
    int rc = cli_read_recording(run, y_path, rec, &f->Y, dt);
    if (rc != CLI_EXIT_OK) return rc;
    size_t T = f->Y->rows, d = f->Y->cols;
    if (d < 2)
        return cli_fail(run, "%s: %zu x %zu: diagnose needs at least 2 neurons (columns; time "
                             "goes down the rows)",
                        y_path, T, d);
    if (u_path) {
        rc = cli_read_mat(run, u_path, &f->U);
        if (rc != CLI_EXIT_OK) return rc;
        if (f->U->rows != T)
            return cli_fail(run, "%s: %zu rows, but the recording %s has %zu", u_path,
                            f->U->rows, y_path, T);
    }
    if (!yp_path) return CLI_EXIT_OK;
    rc = cli_read_mat(run, yp_path, &f->YP);
    if (rc == CLI_EXIT_OK) rc = cli_read_mat(run, stim_path, &f->STIM);
    if (rc != CLI_EXIT_OK) return rc;
    if (f->YP->cols != d)
        return cli_fail(run, "%s: %zu neurons (columns), but the recording %s has %zu", yp_path,
                        f->YP->cols, y_path, d);
    if (f->STIM->rows != f->YP->rows || f->STIM->cols != d)
        return cli_fail(run, "%s: %zu x %zu, but the stimulation must be %zu x %zu (the rows of "
                             "%s, the neurons of %s)",
                        stim_path, f->STIM->rows, f->STIM->cols, f->YP->rows, d, yp_path,
                        y_path);
    return CLI_EXIT_OK;
}

/* Every effective library option, the automatic ones resolved. */
static void options_json(cJSON *mo, const po_diagnose_opts *o, const po_diagnose *dg)
{
    cJSON *j = cJSON_AddObjectToObject(mo, "diagnose");
    if (!j) return;
    cJSON_AddStringToObject(j, "method", po_diagnose_method_name(o->method));
    cJSON_AddStringToObject(j, "phi", po_phi_name(o->phi));
    cJSON_AddNumberToObject(j, "alpha", o->alpha);
    cJSON_AddNumberToObject(j, "rho", o->rho);
    cJSON_AddNumberToObject(j, "latents", (double)o->latents);
    cJSON_AddNumberToObject(j, "lds_iters", (double)o->lds_iters);
    cJSON_AddNumberToObject(j, "lds_refit_iters", (double)o->lds_refit_iters);
    cJSON_AddNumberToObject(j, "dt", o->dt);
    cJSON_AddItemToObject(j, "fractions", po_report_array(dg->fractions, dg->n_fractions));
    cJSON_AddNumberToObject(j, "subsets", (double)dg->subsets);
    cJSON_AddNumberToObject(j, "bootstrap", (double)dg->bootstrap);
    cJSON_AddNumberToObject(j, "block", (double)dg->block);
    cJSON_AddNumberToObject(j, "pulse_steps", (double)dg->protocol.pulse_steps);
    cJSON_AddNumberToObject(j, "wait_steps", (double)dg->protocol.wait_steps);
    cJSON_AddNumberToObject(j, "repeats", (double)dg->protocol.repeats);
    cJSON_AddNumberToObject(j, "late_from", o->late_from);
    cJSON_AddNumberToObject(j, "late_to", o->late_to);
    cJSON_AddNumberToObject(j, "snr", o->snr);
    cJSON_AddItemToObject(j, "seed", cli_json_u64(o->seed));
}

/* DIR/name for each output; then (last) the manifest, which this consumes. */
static int write_outputs(cli_run *run, const char *dir, const dg_files *f, cJSON *report,
                         cJSON *manifest)
{
    const po_diagnose_protocol *p = &f->dg->protocol;
    static const char *const names[] = {"report.json",      "report.md",       "diagnose.png",
                                        "diagnose.svg",     "stim_pattern.npy", "stim_signal.npy",
                                        "stim.npy",         "manifest.json"};
    enum { N = sizeof names / sizeof *names };
    char *path[N];
    int rc = CLI_EXIT_OK;
    for (size_t k = 0; k < N; k++) {
        path[k] = cli_path_join(dir, names[k]);
        if (!path[k]) rc = CLI_EXIT_RUNTIME;
    }
    if (rc != CLI_EXIT_OK) rc = cli_fail(run, "out of memory");
    if (rc == CLI_EXIT_OK) rc = cli_write_json(run, path[0], report);
    if (rc == CLI_EXIT_OK) rc = cli_write_text(run, path[1], f->md);
    if (rc == CLI_EXIT_OK) rc = cli_write_figure(run, path[2], f->fig);
    if (rc == CLI_EXIT_OK) rc = cli_write_figure(run, path[3], f->fig);
    if (rc == CLI_EXIT_OK) rc = cli_write_vec(run, path[4], p->pattern, p->d);
    if (rc == CLI_EXIT_OK) rc = cli_write_vec(run, path[5], p->signal, p->steps);
    if (rc == CLI_EXIT_OK) rc = cli_write_mat(run, path[6], f->stim);
    if (rc == CLI_EXIT_OK)
        rc = cli_manifest_write(run, manifest, path[7]);
    else
        cJSON_Delete(manifest);
    for (size_t k = 0; k < N; k++) free(path[k]);
    return rc;
}

int cmd_diagnose(cli_run *run, int argc, char **argv)
{
    po_diagnose_opts o = po_diagnose_opts_defaults();
    cli_recording rec = cli_recording_defaults();
    const char *method = po_diagnose_method_name(o.method), *phi = po_phi_name(o.phi),
               *fractions = NULL, *u_path = NULL, *yp_path = NULL, *stim_path = NULL,
               *dir = NULL;
    bool quick = false;
    double wait_tau = 70.0;
    char quick_help[200];
    snprintf(quick_help, sizeof quick_help,
             "a quicker, rougher run: --subsets %d and --bootstrap %d unless given, LDS fits "
             "of %d / %d EM iterations (full / refits)",
             QUICK_SUBSETS, QUICK_BOOTSTRAP, QUICK_LDS_ITERS, QUICK_LDS_REFIT_ITERS);
    cli_opt opts[] = {
        {"input", 0, CLI_INPUT, &u_path, "U.npy",
         "inputs the recording was driven by, T x m (regressed with the activity)", 0, "input",
         false},
        {"dt", 0, CLI_NONNEG, &o.dt, "SECONDS",
         "sampling interval; time constants are then also given in seconds, tau dt / alpha "
         "(default: that of an NWB input, else none)",
         CLI_NODEFAULT, "dt", false},
        {"alpha", 0, CLI_DOUBLE, &o.alpha, "A",
         "one sample in units of the neuron time constant tau (dt / tau), in (0, 1]", 0, "alpha",
         false},
        {"method", 0, CLI_STRING, &method, "NAME",
         "map (a student with one unit per recorded neuron) | lds (K latents)", 0, "method",
         false},
        {"phi", 0, CLI_STRING, &phi, "NAME", "map: linear | tanh", 0, "phi", false},
        {"latents", 0, CLI_SIZE, &o.latents, "K", "lds: latent dimension, >= 1", 0, "latents",
         false},
        {"fractions", 0, CLI_STRING, &fractions, "F,F,...",
         "fractions of the neurons refitted, increasing, in (0, 1] (default: 0.3,0.4,...,1)",
         CLI_NODEFAULT, "fractions", false},
        {"subsets", 0, CLI_SIZE, &o.subsets, "R", "random neuron subsets per fraction below 1",
         0, "subsets", false},
        {"bootstrap", 0, CLI_SIZE, &o.bootstrap, "B",
         "moving-block bootstrap replicates over time, 0 = none", 0, "bootstrap", false},
        {"perturbation", 0, CLI_INPUT, &yp_path, "YP.npy",
         "the recording made during the proposed stimulation, T' x d (with --stim)", 0,
         "perturbation", false},
        {"stim", 0, CLI_INPUT, &stim_path, "STIM.npy",
         "the drive added to each recorded neuron at each step of YP, T' x d, rank 1 (the "
         "stim.npy of an earlier run; with --perturbation)",
         0, "stim", false},
        {"repeats", 0, CLI_SIZE, &o.repeats, "N",
         "pulses of the proposed experiment, alternating in sign", 0, "repeats", false},
        {"wait", 0, CLI_NONNEG, &wait_tau, "TAU",
         "time after each pulse, in units of tau; longer is the stronger test against a "
         "feedforward chain of unobserved neurons",
         0, "wait", false},
        {"late-from", 0, CLI_NONNEG, &o.late_from, "TAU",
         "start of the late window the persistence is read in, tau after the pulse ends", 0,
         "late_from", false},
        {"late-to", 0, CLI_NONNEG, &o.late_to, "TAU", "end of the late window (<= --wait)", 0,
         "late_to", false},
        {"seed", 0, CLI_SEED, &o.seed, "S", "seed of the subsets, the bootstrap and the LDS fits",
         0, "seed", false},
        {"threads", 0, CLI_SIZE, &o.threads, "N",
         "0 = automatic; the output is the same, bit for bit, for every N", 0, "threads", false},
        {"quick", 0, CLI_FLAG, &quick, NULL, quick_help, 0, "quick", false},
        CLI_RECORDING_OPTS(&rec),
        {"out", 0, CLI_OUTDIR, &dir, "DIR", "output directory, created if needed", CLI_REQUIRED,
         "out", false},
    };
    static const char *const files[] = {"report.json",      "report.md",       "diagnose.png",
                                        "diagnose.svg",     "stim_pattern.npy", "stim_signal.npy",
                                        "stim.npy",         "manifest.json",   NULL};
    const cli_spec spec = {
        .usage = "Y.npy",
        .pos_help =
            "the recording, T x d (time down the rows), finite, d >= 2: " CLI_RECORDING_FORMS,
        .max_pos = 1,
        .pos_inputs = true,
        .about =
            "Is the slow mode (or line attractor) of a model fitted to this partial recording\n"
            "real, or made by observing only part of the circuit? And which experiment would\n"
            "settle it? (docs/methods.md \"Diagnose\".) Fits the model, refits it on random\n"
            "subsets of the neurons and on block-bootstrap resamples over time, checks the\n"
            "residual along the slow mode, and gives a verdict: no-slow-mode, slow-mode-robust,\n"
            "slow-mode-suspect or inconclusive. It designs a stimulation of the recorded\n"
            "neurons (a pattern, pulses, an amplitude) with the responses the model and a\n"
            "non-attractor alternative predict; run it and give the recording back with\n"
            "--perturbation YP.npy --stim DIR/stim.npy for the verdict from the experiment.\n"
            "Writes into DIR: report.json, report.md (the page to read), diagnose.png and\n"
            "diagnose.svg, the protocol stim_pattern.npy (d), stim_signal.npy (T') and\n"
            "stim.npy (T' x d = signal (x) pattern), and manifest.json. On failure nothing is\n"
            "written.",
        .dir_files = files,
        .opts = opts,
        .nopts = sizeof opts / sizeof opts[0],
    };
    const char *y_path = NULL;
    size_t npos = 0;
    int rc = cli_parse(run, &spec, argc, argv, &y_path, &npos);
    if (rc != CLI_PROCEED) return rc;
    if (po_diagnose_method_from_name(method, &o.method) != PO_OK)
        return cli_usage(run, "%s", po_errmsg());
    if (po_phi_from_name(phi, &o.phi) != PO_OK) return cli_usage(run, "%s", po_errmsg());
    if (!yp_path != !stim_path) return cli_usage(run, "--perturbation and --stim go together");
    if (o.method != PO_DIAG_LDS && cli_opt_get(&spec, "latents")->seen)
        return cli_usage(run, "--latents applies to --method lds");
    if (o.method != PO_DIAG_MAP && cli_opt_get(&spec, "phi")->seen)
        return cli_usage(run, "--phi applies to --method map");
    if (fractions && (rc = parse_fractions(run, fractions, &o)) != CLI_PROCEED) return rc;
    if (cli_opt_get(&spec, "wait")->seen) {
        if (!(wait_tau >= o.alpha))
            return cli_usage(run, "--wait must be at least one sample (alpha tau)");
        o.wait_steps = (size_t)llround(wait_tau / o.alpha);
    }
    if (quick) {
        if (!cli_opt_get(&spec, "subsets")->seen) o.subsets = QUICK_SUBSETS;
        if (!cli_opt_get(&spec, "bootstrap")->seen) o.bootstrap = QUICK_BOOTSTRAP;
        o.lds_iters = QUICK_LDS_ITERS;
        o.lds_refit_iters = QUICK_LDS_REFIT_ITERS;
    }
    const char *why = po_diagnose_opts_check(&o);
    if (why) return cli_usage(run, "%s", why);

    dg_files f;
    memset(&f, 0, sizeof f);
    double rec_dt = 0.0;
    rc = read_inputs(run, y_path, &rec, &rec_dt, u_path, yp_path, stim_path, &f);
    /* An NWB recording's sampling interval unless --dt says otherwise (cli_recording.h). */
    if (!cli_opt_get(&spec, "dt")->seen) o.dt = rec_dt;
    po_status st = PO_OK;
    if (rc == CLI_EXIT_OK) {
        cli_progress bar;
        cli_progress_init(&bar, "diagnose");
        o.progress = cli_progress_update;
        o.progress_user = &bar;
        st = po_diagnose_run(f.Y, f.U, &o, &f.dg);
        cli_progress_end(&bar);
        o.progress = NULL;
        o.progress_user = NULL;
        if (st == PO_OK && f.YP) st = po_diagnose_perturbation(f.dg, f.YP, f.STIM, &o);
        if (st == PO_OK) {
            f.stim = po_mat_alloc(f.dg->protocol.steps, f.dg->protocol.d);
            st = f.stim ? po_diagnose_protocol_stim(f.dg, f.stim) : PO_ENOMEM;
        }
        if (st == PO_OK) st = po_report_diagnose_figure(f.dg, &o, f.Y, &f.fig);
        if (st == PO_OK) {
            f.md = po_report_diagnose_md(f.dg, &o, y_path, "diagnose.png");
            if (!f.md) st = PO_ENOMEM;
        }
        if (st != PO_OK) rc = cli_fail_status(run, st);
    }
    if (rc == CLI_EXIT_OK) rc = cli_out_dir(run, dir);
    if (rc == CLI_EXIT_OK) {
        cJSON *report = po_report_diagnose_json(f.dg, &o);
        cJSON *m = cli_manifest_new(run);
        cli_manifest_add_opts(m, &spec, y_path);
        if (m) {
            options_json(cli_manifest_options(m), &o, f.dg);
            cJSON_AddStringToObject(m, "verdict", po_diagnose_verdict_name(f.dg->verdict));
        }
        if (report) {
            rc = write_outputs(run, dir, &f, report, m);
        } else {
            cJSON_Delete(m);
            rc = cli_fail(run, "out of memory");
        }
        cJSON_Delete(report);
    }
    if (rc == CLI_EXIT_OK)
        printf("partobs diagnose: %s: %s\nsee %s/report.md\n",
               po_diagnose_verdict_name(f.dg->verdict), f.dg->reason, dir);
    dg_files_free(&f);
    return rc;
}
