/* partobs fit --method lds (SPEC.md §4.8): latent LDS by Kalman EM, exact or
 * the paper's procedure. Writes A_cont (K x K, read by `partobs analyze`),
 * every fitted parameter and the log-likelihood (and, paper, ELBO) trace in
 * a JSON beside it, optionally the smoothed latents. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cli_args.h"
#include "cli_input.h"
#include "cli_manifest.h"
#include "cli_output.h"
#include "cli_report.h"
#include "fit_methods.h"

void fit_lds_help(FILE *out)
{
    po_lds_opts d = po_lds_opts_defaults();
    fprintf(out,
            "Method lds (SPEC.md §4.8): latent linear dynamical system fitted by Kalman EM,\n"
            "  x_t = A x_{t-1} + V u_t + b + N(0, diag q),  y_t = C x_t + F u_t + d + N(0, diag r).\n"
            "  partobs fit Y.npy --method lds --latents K [--procedure exact|paper] [--input U.npy]\n"
            "              [--emissions free|orthonormal] [--init pca|random] [--iters N] [--tol X]\n"
            "              [--alpha A] [--seed S] [--smoothed XHAT.npy] [--verbose] -o A_cont.npy\n"
            "  --latents K         latent dimension, 1 <= K <= d (required)\n"
            "  --procedure NAME    exact (maximum-likelihood EM) | paper (ssm's Laplace-EM: the\n"
            "                      emissions fitted by L-BFGS to one posterior draw per\n"
            "                      iteration, drawn from --seed; ELBO in the JSON) (default %s)\n"
            "  --input U.npy       inputs, T x m (one row per row of Y)\n"
            "  --emissions NAME    free | orthonormal (C^T C = I, the paper's) (default %s)\n"
            "  --init NAME         pca | random (Haar C from --seed) (default %s)\n"
            "  --iters N           EM iterations (default %zu)\n"
            "  --tol X             exact: stop once an iteration gains < X |log-likelihood|;\n"
            "                      0 = never\n"
            "                      (default %g)\n"
            "  --alpha A           dt / tau in A_cont = (A - (1 - alpha) I) / alpha, in (0, 1]\n"
            "                      (default %g)\n"
            "  --seed S            seed of the random init and the paper's draws (default %llu)\n"
            "  --smoothed FILE     write the smoothed latent means E[x_t | Y] (T x K)\n"
            "  -o FILE             A_cont (K x K); all parameters, the log-likelihood trace and\n"
            "                      the spectrum of A_cont go to FILE with .npy replaced by .json\n",
            po_lds_procedure_name(d.procedure), po_lds_emissions_name(d.emissions),
            po_lds_init_name(d.init), d.iters, d.tol, d.alpha,
            (unsigned long long)d.seed);
}

/* FILE.npy -> FILE.json; any other name gets ".json" appended. */
static char *json_path_for(const char *output)
{
    size_t n = strlen(output);
    bool npy = n >= 4 && strcmp(output + n - 4, ".npy") == 0;
    size_t stem = npy ? n - 4 : n;
    char *p = malloc(stem + 6);
    if (!p) return NULL;
    memcpy(p, output, stem);
    memcpy(p + stem, ".json", 6);
    return p;
}

static cJSON *json_vec(const double *v, size_t n)
{
    cJSON *a = cJSON_CreateArray();
    for (size_t i = 0; a && i < n; i++) cJSON_AddItemToArray(a, cli_json_number(v[i]));
    return a;
}

/* A matrix as a list of rows; NULL -> JSON null. */
static cJSON *json_mat(const po_mat *m)
{
    if (!m) return cJSON_CreateNull();
    cJSON *a = cJSON_CreateArray();
    for (size_t i = 0; a && i < m->rows; i++)
        cJSON_AddItemToArray(a, json_vec(m->data + i * m->ld, m->cols));
    return a;
}

static cJSON *lds_report(const po_lds *p, const po_lds_opts *o, const po_lds_info *info,
                         const double *trace, const po_mat *Ac, const po_spectrum *s)
{
    cJSON *j = cJSON_CreateObject();
    if (!j) return NULL;
    cJSON_AddStringToObject(j, "procedure", po_lds_procedure_name(o->procedure));
    cJSON_AddItemToObject(j, "log_likelihood", json_vec(trace, info->iters + 1));
    if (info->elbo_trace)
        cJSON_AddItemToObject(j, "elbo", json_vec(info->elbo_trace, info->iters + 1));
    cJSON_AddItemToObject(j, "A", json_mat(p->A));
    cJSON_AddItemToObject(j, "A_cont", json_mat(Ac));
    cJSON_AddItemToObject(j, "V", json_mat(p->V));
    cJSON_AddItemToObject(j, "b", json_vec(p->b, p->K));
    cJSON_AddItemToObject(j, "Q", json_vec(p->q, p->K));
    cJSON_AddItemToObject(j, "C", json_mat(p->C));
    cJSON_AddItemToObject(j, "F", json_mat(p->F));
    cJSON_AddItemToObject(j, "d", json_vec(p->offset, p->d));
    cJSON_AddItemToObject(j, "R", json_vec(p->r, p->d));
    cJSON_AddItemToObject(j, "mu0", json_vec(p->mu0, p->K));
    cJSON_AddItemToObject(j, "Sigma0", json_mat(p->Sigma0));
    cJSON_AddNumberToObject(j, "latents", (double)p->K);
    cJSON_AddStringToObject(j, "emissions", po_lds_emissions_name(o->emissions));
    cJSON_AddStringToObject(j, "init", po_lds_init_name(o->init));
    cJSON_AddNumberToObject(j, "iterations", (double)info->iters);
    cJSON_AddBoolToObject(j, "converged", info->converged);
    cJSON_AddNumberToObject(j, "alpha", o->alpha);
    cJSON *eig = cJSON_AddArrayToObject(j, "eigenvalues");
    for (size_t i = 0; eig && i < s->n; i++) {
        cJSON *pair = cJSON_CreateArray();
        cJSON_AddItemToArray(pair, cli_json_number(s->re[i]));
        cJSON_AddItemToArray(pair, cli_json_number(s->im[i]));
        cJSON_AddItemToArray(eig, pair);
    }
    cJSON_AddItemToObject(j, "time_constants", json_vec(s->tau, s->n));
    cJSON_AddItemToObject(j, "line_attractor_score", cli_json_number(s->las));
    return j;
}

int fit_lds(cli_run *run, int argc, char **argv)
{
    po_lds_opts o = po_lds_opts_defaults();
    const char *method = NULL, *u_path = NULL, *procedure = NULL, *emissions = NULL,
               *init = NULL, *smoothed = NULL, *output = NULL;
    bool verbose = false;
    cli_opt opts[] = {
        {"method", 0, CLI_STRING, &method, false},
        {"latents", 0, CLI_SIZE, &o.latents, false},
        {"procedure", 0, CLI_STRING, &procedure, false},
        {"input", 0, CLI_STRING, &u_path, false},
        {"emissions", 0, CLI_STRING, &emissions, false},
        {"init", 0, CLI_STRING, &init, false},
        {"iters", 0, CLI_SIZE, &o.iters, false},
        {"tol", 0, CLI_NONNEG, &o.tol, false},
        {"alpha", 0, CLI_DOUBLE, &o.alpha, false},
        {"seed", 0, CLI_SEED, &o.seed, false},
        {"smoothed", 0, CLI_STRING, &smoothed, false},
        {"verbose", 0, CLI_FLAG, &verbose, false},
        {"output", 'o', CLI_STRING, &output, false},
    };
    const size_t nopts = sizeof opts / sizeof *opts;
    const char *y_path = NULL;
    int rc = cli_parse_one_input(run, argc, argv, opts, nopts, "Y.npy", true, &y_path);
    if (rc != CLI_PROCEED) return rc;
    static const char *const required[] = {"latents", NULL};
    if ((rc = cli_require(run, opts, nopts, required)) != CLI_PROCEED) return rc;
    if (procedure && po_lds_procedure_from_name(procedure, &o.procedure) != PO_OK)
        return cli_usage(run, "%s", po_errmsg());
    if (emissions && po_lds_emissions_from_name(emissions, &o.emissions) != PO_OK)
        return cli_usage(run, "%s", po_errmsg());
    if (init && po_lds_init_from_name(init, &o.init) != PO_OK)
        return cli_usage(run, "%s", po_errmsg());
    const char *why = po_lds_opts_check(&o);
    if (why) return cli_usage(run, "%s", why);
    /* The traces hold 2 (iters + 1) doubles: a larger count would wrap the size. */
    if (o.iters >= SIZE_MAX / (2 * sizeof(double)))
        return cli_usage(run, "--iters %zu is too large", o.iters);
    char *json_path = json_path_for(output);
    if (!json_path) return cli_fail(run, "out of memory");
    /* Each output is written in turn: a shared name would leave only the last. */
    if (smoothed && (strcmp(smoothed, output) == 0 || strcmp(smoothed, json_path) == 0)) {
        rc = cli_usage(run, "--smoothed '%s' is also the path of %s", smoothed,
                       strcmp(smoothed, output) == 0 ? "A_cont (-o)" : "the JSON report");
        free(json_path);
        return rc;
    }

    po_mat *Y = NULL, *U = NULL, *Ac = NULL, *X = NULL;
    po_lds *fit = NULL;
    po_spectrum *spec = NULL;
    po_lds_info info = {0};
    bool paper = o.procedure == PO_LDS_PAPER;
    double *trace = malloc((paper ? 2 : 1) * (o.iters + 1) * sizeof *trace);
    rc = trace ? fit_read_y(run, y_path, &Y) : cli_fail(run, "out of memory");
    if (rc == CLI_EXIT_OK && u_path) rc = cli_read_mat(run, u_path, &U);
    if (rc == CLI_EXIT_OK && U && U->rows != Y->rows)
        rc = cli_fail(run, "%s: has %zu rows, %s has %zu: inputs need one row per time step",
                      u_path, U->rows, y_path, Y->rows);
    if (rc == CLI_EXIT_OK) {
        cli_progress bar;
        cli_progress_init(&bar, "fit lds");
        o.progress = cli_progress_update;
        o.progress_user = &bar;
        info.loglik_trace = trace;
        info.elbo_trace = paper ? trace + o.iters + 1 : NULL;
        po_status st = po_fit_lds(Y, U, &o, &fit, &info);
        cli_progress_end(&bar);
        if (st == PO_OK) {
            Ac = po_mat_alloc(o.latents, o.latents);
            st = Ac ? po_lds_continuous(fit, o.alpha, Ac) : PO_ENOMEM;
        }
        if (st == PO_OK) st = cli_spectrum(Ac, &spec);
        if (st == PO_OK && smoothed) {
            X = po_mat_alloc(Y->rows, o.latents);
            st = X ? po_lds_smooth(fit, Y, U, X, NULL) : PO_ENOMEM;
        }
        if (st != PO_OK) rc = cli_fail_status(run, st);
    }
    po_mat_free(U);
    po_mat_free(Y);
    if (rc == CLI_EXIT_OK && verbose)
        fprintf(stderr,
                "partobs: fit: lds: %zu latents, %zu iterations%s (%s procedure), "
                "log-likelihood %.10g -> %.10g, LAS %.4g\n",
                o.latents, info.iters, info.converged ? " (converged)" : "",
                po_lds_procedure_name(o.procedure), trace[0],
                info.loglik, spec->las);
    cJSON *report = rc == CLI_EXIT_OK ? lds_report(fit, &o, &info, trace, Ac, spec) : NULL;
    if (rc == CLI_EXIT_OK && !report) rc = cli_fail(run, "out of memory while building the report");
    cJSON *mo = NULL, *m = rc == CLI_EXIT_OK ? fit_manifest(run, y_path, "lds", &mo) : NULL;
    if (mo) {
        cJSON_AddStringToObject(mo, "procedure", po_lds_procedure_name(o.procedure));
        cJSON_AddNumberToObject(mo, "latents", (double)o.latents);
        cJSON_AddStringToObject(mo, "emissions", po_lds_emissions_name(o.emissions));
        cJSON_AddStringToObject(mo, "init", po_lds_init_name(o.init));
        cJSON_AddNumberToObject(mo, "iters", (double)o.iters);
        cJSON_AddNumberToObject(mo, "tol", o.tol);
        cJSON_AddNumberToObject(mo, paper ? "emission_iters" : "stiefel_iters",
                                (double)(paper ? o.emission_iters : o.stiefel_iters));
        cJSON_AddNumberToObject(mo, "alpha", o.alpha);
        if (u_path) cJSON_AddStringToObject(mo, "input_signal", u_path);
        if (smoothed) cJSON_AddStringToObject(mo, "smoothed", smoothed);
        cJSON_AddStringToObject(mo, "output", output);
        cJSON_AddStringToObject(mo, "json", json_path);
    }
    if (m) {
        cli_manifest_set_seed(m, o.seed);
        if (u_path) cli_manifest_add_input(m, u_path);
        cJSON *fi = cJSON_AddObjectToObject(m, "fit_info");
        if (fi) {
            cJSON_AddNumberToObject(fi, "iterations", (double)info.iters);
            cJSON_AddBoolToObject(fi, "converged", info.converged);
            cJSON_AddItemToObject(fi, "log_likelihood", cli_json_number(info.loglik));
            cJSON_AddItemToObject(fi, "line_attractor_score", cli_json_number(spec->las));
        }
    }
    if (rc == CLI_EXIT_OK) rc = cli_write_mat(run, output, Ac);
    if (rc == CLI_EXIT_OK) rc = cli_write_json(run, json_path, report);
    if (rc == CLI_EXIT_OK && smoothed) rc = cli_write_mat(run, smoothed, X);
    if (rc == CLI_EXIT_OK) rc = cli_manifest_beside(run, m, output);
    else cJSON_Delete(m);
    cJSON_Delete(report);
    po_spectrum_free(spec);
    po_mat_free(X);
    po_mat_free(Ac);
    po_lds_free(fit);
    free(trace);
    free(json_path);
    return rc;
}
