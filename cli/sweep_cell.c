/* partobs sweep: one cell through the library, and its row (sweep_cell.h). */
#include "sweep_cell.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "cli_manifest.h"
#include "cli_output.h"

const char sweep_csv_header[] = "cell,seed,replicate,teacher,D,d,fraction,T,phi,method,status,"
                                "max_re,tau1,tau2,las,henrici,compare_match,compare_verdict,"
                                "diagnose_verdict";

/* What a cell measured; NaN / NULL = not recorded. */
typedef struct cell_result {
    char status[512];
    double m[SWEEP_MEASURE_COUNT_];
    int match; /* -1 not recorded, else 0 / 1 */
    char verdict[1024];
    const char *diagnose; /* verdict name or NULL */
} cell_result;

/* The library's message for a failed stage, on one line. */
static void failed(cell_result *r, const char *stage, po_status st)
{
    const char *msg = po_errmsg();
    snprintf(r->status, sizeof r->status, "%s: %s", stage, msg && msg[0] ? msg : po_strerror(st));
    for (char *p = r->status; *p; p++)
        if (*p == '\n' || *p == '\r') *p = ' ';
}

/* compare: the teacher's and the student's attractors, as `partobs compare
 * --teacher W --student W_hat --phi P --alpha A --seed S` (its defaults). */
static po_status compare(const sweep_grid *g, const sweep_cell *c, const po_mat *W,
                         const po_mat *W_hat, cell_result *r)
{
    po_fp_opts fpo = po_fp_opts_defaults();
    po_limit_opts limo = po_limit_opts_defaults();
    fpo.seed = limo.seed = c->seed;
    po_network tn = {.W = W, .phi = c->phi, .leaky = PO_LEAKY_CURRENT, .alpha = g->alpha};
    po_network sn = tn;
    sn.W = W_hat;
    po_attractor_report *rt = NULL, *rs = NULL;
    po_status st = po_attractor_analyse(&tn, &fpo, &limo, &rt);
    if (st == PO_OK) st = po_attractor_analyse(&sn, &fpo, &limo, &rs);
    po_attractor_comparison cmp;
    if (st == PO_OK) st = po_attractor_compare(rt, rs, c->d, &cmp, r->verdict, sizeof r->verdict);
    if (st == PO_OK) r->match = cmp.match;
    po_attractor_report_free(rt);
    po_attractor_report_free(rs);
    return st;
}

/* diagnose: `partobs diagnose Y --alpha A --phi P --rho R --seed S --subsets N
 * --bootstrap B`, its verdict from the recording alone. diagnose fits MAP
 * students whatever the cell's method: R is map's rho, or MAP's default. */
static po_status diagnose(const sweep_grid *g, const sweep_cell *c, const po_mat *Y, double rho,
                          size_t threads, cell_result *r)
{
    po_diagnose_opts o = po_diagnose_opts_defaults();
    o.phi = c->phi;
    o.alpha = g->alpha;
    o.rho = rho;
    o.seed = c->seed;
    o.subsets = g->dg_subsets;
    o.bootstrap = g->dg_bootstrap;
    o.threads = threads;
    po_diagnose *dg = NULL;
    po_status st = po_diagnose_run(Y, NULL, &o, &dg);
    if (st == PO_OK) r->diagnose = po_diagnose_verdict_name(dg->passive_verdict);
    po_diagnose_free(dg);
    return st;
}

/* fit: `partobs fit Y --method M <its options> --phi P --alpha A` (and
 * force's --seed S, cornn's --threads N), as the grid gives them. */
static po_status fit(const sweep_grid *g, const sweep_cell *c, const sweep_method *m,
                     const po_mat *Y, size_t threads, po_mat *W_hat)
{
    switch (m->fit) {
    case SWEEP_FIT_MAP: {
        po_ridge_opts o = m->ridge;
        o.phi = c->phi;
        o.alpha = g->alpha;
        return po_fit_ridge(Y, &o, W_hat, NULL);
    }
    case SWEEP_FIT_GD: {
        po_gd_opts o = m->gd;
        o.phi = c->phi;
        o.alpha = g->alpha;
        return po_fit_gd(Y, &o, W_hat, NULL);
    }
    case SWEEP_FIT_CORNN: {
        po_cornn_opts o = m->cornn;
        o.alpha = g->alpha;
        o.threads = threads;
        return po_fit_cornn(Y, NULL, &o, W_hat, NULL, NULL);
    }
    case SWEEP_FIT_FORCE: {
        po_force_opts o = m->force;
        o.alpha = g->alpha;
        o.seed = c->seed;
        return po_fit_force(Y, &o, W_hat, NULL);
    }
    }
    return PO_EINVAL;
}

static void run_pipeline(const sweep_grid *g, const sweep_cell *c, size_t threads, cell_result *r)
{
    const sweep_method *m = &g->methods[c->method];
    po_teacher *t = NULL;
    po_mat *X = NULL, *Y = NULL, *W_hat = NULL;
    po_spectrum *s = NULL;
    const char *stage = "teacher";
    po_rng rng;
    po_rng_init(&rng, c->seed, PO_STREAM_CONNECTIVITY);
    po_status st = po_teacher_generate(&g->teachers[c->teacher].opts[c->D_at], &rng, &t);
    if (st == PO_OK) {
        stage = "simulate";
        po_sim_opts so = po_sim_opts_defaults();
        so.T = c->T;
        so.phi = c->phi;
        so.alpha = g->alpha;
        so.noise = g->noise;
        so.seed = c->seed;
        so.threads = threads;
        st = po_simulate(t->W, &so, NULL, &X, NULL);
    }
    if (st == PO_OK) {
        stage = "observe";
        po_observe_opts oo = po_observe_opts_defaults();
        oo.d = c->d;
        oo.obs_noise = g->obs_noise;
        oo.seed = c->seed;
        Y = po_mat_alloc(c->T, c->d);
        st = Y ? po_observe(X, &oo, Y) : PO_ENOMEM;
    }
    po_mat_free(X);
    if (st == PO_OK) {
        stage = "fit";
        W_hat = po_mat_alloc(c->d, c->d);
        st = W_hat ? fit(g, c, m, Y, threads, W_hat) : PO_ENOMEM;
    }
    if (st == PO_OK) {
        stage = "analyze";
        st = po_spectrum_new(W_hat, &s);
        if (st == PO_OK) {
            r->m[SWEEP_MAX_RE] = s->max_re;
            r->m[SWEEP_TAU1] = s->n > 0 ? s->tau[0] : (double)NAN;
            r->m[SWEEP_TAU2] = s->n > 1 ? s->tau[1] : (double)NAN;
            r->m[SWEEP_LAS] = s->las;
            r->m[SWEEP_HENRICI] = s->henrici;
        }
        po_spectrum_free(s);
    }
    /* compare's verdict is about attractors: only nonlinear students have them */
    if (st == PO_OK && g->rec_compare && c->phi == PO_PHI_TANH) {
        stage = "compare";
        st = compare(g, c, t->W, W_hat, r);
    }
    if (st == PO_OK && g->rec_diagnose) {
        stage = "diagnose";
        double rho = m->fit == SWEEP_FIT_MAP ? m->ridge.rho : po_ridge_opts_defaults().rho;
        st = diagnose(g, c, Y, rho, threads, r);
    }
    if (st != PO_OK) {
        failed(r, stage, st);
        for (size_t k = 0; k < SWEEP_MEASURE_COUNT_; k++) r->m[k] = (double)NAN;
        r->match = -1;
        r->verdict[0] = '\0';
        r->diagnose = NULL;
    }
    po_teacher_free(t);
    po_mat_free(Y);
    po_mat_free(W_hat);
}

/* A CSV field: quoted (quotes doubled) when it holds a comma or a quote. */
static void csv_text(FILE *f, const char *s)
{
    fputc(',', f);
    if (!strpbrk(s, ",\"")) {
        fputs(s, f);
        return;
    }
    fputc('"', f);
    for (; *s; s++) {
        if (*s == '"') fputc('"', f);
        fputc(*s, f);
    }
    fputc('"', f);
}

/* %.17g round-trips every double; NaN (not recorded) is an empty field. */
static void csv_number(FILE *f, double v)
{
    if (isnan(v))
        fputc(',', f);
    else
        fprintf(f, ",%.17g", v);
}

static char *csv_row(const sweep_grid *g, const sweep_cell *c, const cell_result *r)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    if (!f) return NULL;
    fprintf(f, "%zu,%llu,%zu", c->index, (unsigned long long)c->seed, c->replicate);
    csv_text(f, g->teachers[c->teacher].label);
    fprintf(f, ",%zu,%zu,%.17g,%zu", c->D, c->d, c->fraction, c->T);
    csv_text(f, po_phi_name(c->phi));
    csv_text(f, g->methods[c->method].label);
    csv_text(f, r->status);
    for (size_t k = 0; k < SWEEP_MEASURE_COUNT_; k++) csv_number(f, r->m[k]);
    csv_text(f, r->match < 0 ? "" : r->match ? "true" : "false");
    csv_text(f, r->verdict);
    csv_text(f, r->diagnose ? r->diagnose : "");
    if (fclose(f) != 0) {
        free(buf);
        return NULL;
    }
    return buf;
}

static char *json_row(const sweep_grid *g, const sweep_cell *c, const cell_result *r)
{
    cJSON *o = cJSON_CreateObject();
    if (!o) return NULL;
    cJSON_AddNumberToObject(o, "cell", (double)c->index);
    cJSON_AddItemToObject(o, "seed", cli_json_u64(c->seed));
    cJSON_AddNumberToObject(o, "replicate", (double)c->replicate);
    cJSON_AddStringToObject(o, "teacher", g->teachers[c->teacher].label);
    cJSON_AddNumberToObject(o, "D", (double)c->D);
    cJSON_AddNumberToObject(o, "d", (double)c->d);
    cJSON_AddNumberToObject(o, "fraction", c->fraction);
    cJSON_AddNumberToObject(o, "T", (double)c->T);
    cJSON_AddStringToObject(o, "phi", po_phi_name(c->phi));
    cJSON_AddStringToObject(o, "method", g->methods[c->method].label);
    cJSON_AddStringToObject(o, "status", r->status);
    for (size_t k = 0; k < SWEEP_MEASURE_COUNT_; k++)
        cJSON_AddItemToObject(o, sweep_measure_names[k], cli_json_number(r->m[k]));
    if (r->match < 0)
        cJSON_AddNullToObject(o, "compare_match");
    else
        cJSON_AddBoolToObject(o, "compare_match", r->match);
    if (r->verdict[0])
        cJSON_AddStringToObject(o, "compare_verdict", r->verdict);
    else
        cJSON_AddNullToObject(o, "compare_verdict");
    if (r->diagnose)
        cJSON_AddStringToObject(o, "diagnose_verdict", r->diagnose);
    else
        cJSON_AddNullToObject(o, "diagnose_verdict");
    char *s = cJSON_PrintUnformatted(o);
    cJSON_Delete(o);
    return s;
}

char *sweep_cell_run(const sweep_grid *g, const sweep_cell *c, size_t threads)
{
    cell_result r;
    memset(&r, 0, sizeof r);
    strcpy(r.status, "ok");
    for (size_t k = 0; k < SWEEP_MEASURE_COUNT_; k++) r.m[k] = (double)NAN;
    r.match = -1;
    run_pipeline(g, c, threads, &r);
    char *csv = csv_row(g, c, &r), *json = json_row(g, c, &r), *row = NULL;
    if (csv && json) {
        size_t n = strlen(csv) + strlen(json) + 3;
        row = malloc(n);
        if (row) snprintf(row, n, "%s\n%s\n", csv, json);
    }
    free(csv);
    cJSON_free(json);
    return row;
}
