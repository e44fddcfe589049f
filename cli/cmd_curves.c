/* partobs curves: subsampling curves of the infinite-data student (SPEC.md
 * §5 "Subsampling curves"), for one teacher file or K generated teachers. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "cli_args.h"
#include "cli_input.h"
#include "cli_manifest.h"
#include "cli_output.h"
#include "cli_teacher.h"

void cmd_curves_help(FILE *out)
{
    po_curves_opts d = po_curves_opts_defaults();
    fprintf(out,
            "usage: partobs curves --W W.npy [--dmin 1] [--dmax D] [--step 1]\n"
            "                      [--csv out.csv] [--json out.json] [--henrici] [--threads N]\n"
            "       partobs curves --net NAME --D N [generator options] [--teachers K]\n"
            "                      [--seed S] [--csv out.csv] [--json out.json] ...\n"
            "\n"
            "For every d = dmin, dmin+step, ... <= dmax, the infinite-data student of the\n"
            "first d neurons (SPEC.md §4.3, as 'partobs theory') and its line attractor\n"
            "score (0 for d = 1), the real parts of its top eigenvalues and its top\n"
            "singular values (zero-padded when d is smaller), the overlaps of its top left\n"
            "(u) and right (v) singular vectors with the teacher's, truncated to d entries\n"
            "(chance ~ 1/sqrt(d)), and with --henrici its departure from normality. One\n"
            "covariance and one Cholesky factorisation serve every d.\n"
            "With --net, K teachers are drawn one after the other from the connectivity\n"
            "stream of the seed (the first is 'partobs teacher' with the same options)\n"
            "and the curves are averaged: the plain keys hold means, <key>_sem the\n"
            "standard errors of the mean.\n"
            "\n"
            "  --W FILE            teacher, D x D, finite, every Re lambda < 1\n"
            "  --net NAME --D N    or generate the teachers (options as 'partobs teacher')\n"
            "  --teachers K        number of generated teachers, >= 1 (default 1)\n"
            "  --dmin N            smallest d, >= 1 (default %zu)\n"
            "  --dmax N            largest d, <= D (default D)\n"
            "  --step N            step between the d values, >= 1 (default %zu)\n"
            "  --top N             eigenvalues and singular values kept per d (default %zu)\n"
            "  --rho R             ridge added to Sigma_dd, >= 0 (default %g)\n"
            "  --noise-corr C      noise correlation of the covariance, in [0, 1) (default %g)\n"
            "  --henrici           also the Henrici index of every student\n"
            "  --threads N         threads for the d loop, 0 = all cores (default %zu); the\n"
            "                      numbers are identical for every N\n"
            "  --csv FILE          one row per d, with a header row\n"
            "  --json FILE         arrays indexed by d: d, line_attractor_score,\n"
            "                      top_eigenvalues_re (a list per d), top_singular_values,\n"
            "                      u_overlap, v_overlap, henrici (with --henrici); teachers,\n"
            "                      D, covariance_method; with K > 1 also <key>_sem\n"
            "  (at least one of --csv and --json; FILE.manifest.json beside the first)\n"
            "\n",
            d.dmin, d.step, d.top_n, d.rho, d.cov.noise_corr, d.threads);
    cli_teacher_help(out);
}

/* Progress over K teachers: teacher k's d values count after the first k. */
typedef struct multi_progress {
    cli_progress bar;
    size_t k, n, K;
} multi_progress;

static void multi_update(void *user, size_t done, size_t total)
{
    multi_progress *p = user;
    (void)total;
    cli_progress_update(&p->bar, p->k * p->n + done, p->K * p->n);
}

static cJSON *json_array(const double *x, size_t n, size_t stride, size_t off)
{
    cJSON *a = cJSON_CreateArray();
    for (size_t k = 0; a && k < n; k++) cJSON_AddItemToArray(a, cli_json_number(x[k * stride + off]));
    return a;
}

static cJSON *json_rows(const double *x, size_t n, size_t top)
{
    cJSON *a = cJSON_CreateArray();
    for (size_t k = 0; a && k < n; k++) cJSON_AddItemToArray(a, json_array(x + k * top, top, 1, 0));
    return a;
}

/* The keyed arrays of c, with suffix "" or "_sem". */
static void json_curves(cJSON *o, const po_curves *c, const char *suffix)
{
    char key[64];
#define KEY(name) (snprintf(key, sizeof key, "%s%s", name, suffix), key)
    cJSON_AddItemToObject(o, KEY("line_attractor_score"), json_array(c->las, c->n, 1, 0));
    cJSON_AddItemToObject(o, KEY("top_eigenvalues_re"), json_rows(c->top_re, c->n, c->top_n));
    cJSON_AddItemToObject(o, KEY("top_singular_values"), json_rows(c->top_sv, c->n, c->top_n));
    cJSON_AddItemToObject(o, KEY("u_overlap"), json_array(c->u_overlap, c->n, 1, 0));
    cJSON_AddItemToObject(o, KEY("v_overlap"), json_array(c->v_overlap, c->n, 1, 0));
    if (c->henrici) cJSON_AddItemToObject(o, KEY("henrici"), json_array(c->henrici, c->n, 1, 0));
#undef KEY
}

static cJSON *curves_json(const po_curves *mean, const po_curves *sem, size_t K, size_t D)
{
    cJSON *o = cJSON_CreateObject();
    if (!o) return NULL;
    cJSON *d = cJSON_CreateArray();
    for (size_t k = 0; d && k < mean->n; k++) cJSON_AddItemToArray(d, cJSON_CreateNumber((double)mean->d[k]));
    cJSON_AddItemToObject(o, "d", d);
    json_curves(o, mean, "");
    if (K > 1) json_curves(o, sem, "_sem");
    cJSON_AddNumberToObject(o, "teachers", (double)K);
    cJSON_AddNumberToObject(o, "D", (double)D);
    cJSON_AddStringToObject(o, "covariance_method", po_cov_method_name(mean->cov_method));
    return o;
}

/* Append printf output to a growing buffer; false when memory runs out. */
typedef struct text {
    char *s;
    size_t len, cap;
    bool failed;
} text;

static void put(text *t, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

static void put(text *t, const char *fmt, ...)
{
    if (t->failed) return;
    for (;;) {
        va_list ap;
        va_start(ap, fmt);
        int n = vsnprintf(t->s ? t->s + t->len : NULL, t->s ? t->cap - t->len : 0, fmt, ap);
        va_end(ap);
        if (n < 0) {
            t->failed = true;
            return;
        }
        if (t->s && t->len + (size_t)n < t->cap) {
            t->len += (size_t)n;
            return;
        }
        size_t cap = (t->cap ? 2 * t->cap : 4096) + (size_t)n + 1;
        char *s = realloc(t->s, cap);
        if (!s) {
            t->failed = true;
            return;
        }
        t->s = s;
        t->cap = cap;
    }
}

/* Header or values of one block of columns for c (a row k, or the header when k == n). */
static void csv_block(text *t, const po_curves *c, size_t k, const char *suffix)
{
    bool head = k == c->n;
    if (head) {
        put(t, ",line_attractor_score%s", suffix);
        for (size_t i = 0; i < c->top_n; i++) put(t, ",top_re_%zu%s", i + 1, suffix);
        for (size_t i = 0; i < c->top_n; i++) put(t, ",top_sv_%zu%s", i + 1, suffix);
        put(t, ",u_overlap%s,v_overlap%s", suffix, suffix);
        if (c->henrici) put(t, ",henrici%s", suffix);
        return;
    }
    put(t, ",%.17g", c->las[k]);
    for (size_t i = 0; i < c->top_n; i++) put(t, ",%.17g", c->top_re[k * c->top_n + i]);
    for (size_t i = 0; i < c->top_n; i++) put(t, ",%.17g", c->top_sv[k * c->top_n + i]);
    put(t, ",%.17g,%.17g", c->u_overlap[k], c->v_overlap[k]);
    if (c->henrici) put(t, ",%.17g", c->henrici[k]);
}

static char *curves_csv(const po_curves *mean, const po_curves *sem, size_t K)
{
    text t = {NULL, 0, 0, false};
    for (size_t k = 0; k <= mean->n; k++) {
        size_t row = k == 0 ? mean->n : k - 1; /* the header first */
        if (k == 0)
            put(&t, "d");
        else
            put(&t, "%zu", mean->d[row]);
        csv_block(&t, mean, row, "");
        if (K > 1) csv_block(&t, sem, row, "_sem");
        put(&t, "\n");
    }
    if (t.failed) {
        free(t.s);
        return NULL;
    }
    return t.s;
}

typedef struct curves_args {
    cli_teacher_args teacher;
    const char *w_path, *csv, *json;
    size_t teachers;
    bool henrici;
    po_curves_opts o;
} curves_args;

enum { N_OWN = 13, N_OPTS = CLI_TEACHER_NOPTS + N_OWN };

static void make_opts(cli_opt *opts, curves_args *a)
{
    cli_teacher_opts(opts, &a->teacher);
    const cli_opt own[N_OWN] = {
        {"W", 0, CLI_STRING, &a->w_path, false},
        {"dmin", 0, CLI_SIZE, &a->o.dmin, false},
        {"dmax", 0, CLI_SIZE, &a->o.dmax, false},
        {"step", 0, CLI_SIZE, &a->o.step, false},
        {"top", 0, CLI_SIZE, &a->o.top_n, false},
        {"rho", 0, CLI_NONNEG, &a->o.rho, false},
        {"noise-corr", 0, CLI_DOUBLE, &a->o.cov.noise_corr, false},
        {"henrici", 0, CLI_FLAG, &a->o.henrici, false},
        {"threads", 0, CLI_SIZE, &a->o.threads, false},
        {"teachers", 0, CLI_SIZE, &a->teachers, false},
        {"csv", 0, CLI_STRING, &a->csv, false},
        {"json", 0, CLI_STRING, &a->json, false},
        {"no-closed-forms", 0, CLI_FLAG, NULL, false},
    };
    memcpy(opts + CLI_TEACHER_NOPTS, own, sizeof own);
}

/* Compute the K curves (K = 1 for --W) and their mean and SEM. */
static int compute(cli_run *run, curves_args *a, const po_teacher_opts *to, po_mat *W,
                   po_curves **mean_out, po_curves **sem_out)
{
    size_t K = a->teachers, D = W ? W->rows : to->D;
    size_t n = po_curves_count(&a->o, D);
    po_curves **c = calloc(K, sizeof *c);
    po_curves *mean = po_curves_alloc(n, a->o.top_n, a->o.henrici);
    po_curves *sem = po_curves_alloc(n, a->o.top_n, a->o.henrici);
    int rc = c && mean && sem ? CLI_EXIT_OK : cli_fail(run, "out of memory");
    po_rng rng;
    po_rng_init(&rng, a->teacher.seed, PO_STREAM_CONNECTIVITY);
    multi_progress p = {.k = 0, .n = n, .K = K};
    cli_progress_init(&p.bar, "curves");
    a->o.progress = multi_update;
    a->o.progress_user = &p;
    for (size_t k = 0; rc == CLI_EXIT_OK && k < K; k++) {
        p.k = k;
        po_teacher *t = NULL;
        po_status st = W ? PO_OK : po_teacher_generate(to, &rng, &t);
        if (st == PO_OK && !(c[k] = po_curves_alloc(n, a->o.top_n, a->o.henrici))) st = PO_ENOMEM;
        if (st == PO_OK) st = po_curves_compute(W ? W : t->W, &a->o, c[k]);
        po_teacher_free(t);
        if (st != PO_OK) {
            cli_progress_end(&p.bar);
            rc = K > 1 ? cli_fail(run, "teacher %zu of %zu: %s", k + 1, K, po_errmsg())
                       : cli_fail_status(run, st);
        }
    }
    cli_progress_end(&p.bar);
    if (rc == CLI_EXIT_OK) {
        po_status st = po_curves_mean_sem((const po_curves *const *)c, K, mean, sem);
        if (st != PO_OK) rc = cli_fail_status(run, st);
    }
    for (size_t k = 0; c && k < K; k++) po_curves_free(c[k]);
    free(c);
    if (rc != CLI_EXIT_OK) {
        po_curves_free(mean);
        po_curves_free(sem);
        return rc;
    }
    *mean_out = mean;
    *sem_out = sem;
    return CLI_EXIT_OK;
}

static int write_outputs(cli_run *run, const curves_args *a, const po_teacher_opts *to,
                         const po_curves *mean, const po_curves *sem, size_t D)
{
    int rc = CLI_EXIT_OK;
    if (a->csv) {
        char *csv = curves_csv(mean, sem, a->teachers);
        rc = csv ? cli_write_text(run, a->csv, csv) : cli_fail(run, "out of memory for the CSV");
        free(csv);
    }
    if (rc == CLI_EXIT_OK && a->json) {
        cJSON *j = curves_json(mean, sem, a->teachers, D);
        rc = j ? cli_write_json(run, a->json, j) : cli_fail(run, "out of memory for the JSON");
        cJSON_Delete(j);
    }
    if (rc != CLI_EXIT_OK) return rc;
    cJSON *m = cli_manifest_new(run);
    cJSON *mo = m ? cli_manifest_options(m) : NULL;
    if (mo) {
        if (a->w_path)
            cJSON_AddStringToObject(mo, "W", a->w_path);
        else
            cli_teacher_manifest(mo, to);
        cJSON_AddNumberToObject(mo, "teachers", (double)a->teachers);
        cJSON_AddNumberToObject(mo, "dmin", (double)mean->d[0]);
        cJSON_AddNumberToObject(mo, "dmax", (double)mean->d[mean->n - 1]);
        cJSON_AddNumberToObject(mo, "step", (double)a->o.step);
        cJSON_AddNumberToObject(mo, "top", (double)a->o.top_n);
        cJSON_AddNumberToObject(mo, "rho", a->o.rho);
        cJSON_AddNumberToObject(mo, "noise_corr", a->o.cov.noise_corr);
        cJSON_AddBoolToObject(mo, "closed_forms", a->o.cov.closed_forms);
        cJSON_AddBoolToObject(mo, "henrici", a->o.henrici);
        cJSON_AddNumberToObject(mo, "threads", (double)a->o.threads);
        if (a->csv) cJSON_AddStringToObject(mo, "csv", a->csv);
        if (a->json) cJSON_AddStringToObject(mo, "json", a->json);
    }
    if (m) {
        if (a->w_path)
            cli_manifest_add_input(m, a->w_path);
        else
            cli_manifest_set_seed(m, a->teacher.seed);
        cJSON_AddStringToObject(m, "covariance_method", po_cov_method_name(mean->cov_method));
    }
    return cli_manifest_beside(run, m, a->csv ? a->csv : a->json);
}

int cmd_curves(cli_run *run, int argc, char **argv)
{
    curves_args a;
    memset(&a, 0, sizeof a);
    cli_opt opts[N_OPTS];
    make_opts(opts, &a);
    a.o = po_curves_opts_defaults();
    a.teachers = 1;
    bool no_closed = false;
    opts[N_OPTS - 1].dest = &no_closed;
    const char *pos[1];
    size_t npos = 0;
    int rc = cli_parse(run, argc, argv, opts, N_OPTS, pos, 0, &npos);
    if (rc != CLI_PROCEED) return rc;
    a.o.cov.closed_forms = !no_closed;
    bool generated = cli_teacher_any_seen(opts);
    if (a.w_path && generated)
        return cli_usage(run, "--W and the generator options (--net, --D, ...) exclude each other");
    if (!a.w_path && !generated)
        return cli_usage(run, "give a teacher: --W W.npy, or --net NAME --D N");
    if (!a.csv && !a.json) return cli_usage(run, "give at least one output: --csv FILE or --json FILE");
    if (a.w_path && cli_opt_get(opts, N_OPTS, "teachers")->seen)
        return cli_usage(run, "--teachers needs generated teachers (--net), not --W");
    if (a.teachers < 1) return cli_usage(run, "--teachers must be at least 1");
    /* dmax = 0 means "D" in the library; given explicitly it is a mistake (issue 10 item 7). */
    if (cli_opt_get(opts, N_OPTS, "dmax")->seen && a.o.dmax == 0)
        return cli_usage(run, "--dmax must be at least 1");
    const char *why = po_curves_opts_check(&a.o);
    if (why) return cli_usage(run, "%s", why);
    po_teacher_opts to;
    memset(&to, 0, sizeof to);
    if (generated) {
        static const char *const required[] = {"net", "D", NULL};
        rc = cli_require(run, opts, N_OPTS, required);
        if (rc == CLI_PROCEED) rc = cli_teacher_build(run, opts, &a.teacher, &to);
        if (rc != CLI_PROCEED) return rc;
        if (po_curves_count(&a.o, to.D) == 0)
            return cli_usage(run, "%s %zu exceeds --D %zu", a.o.dmax ? "--dmax" : "--dmin",
                             a.o.dmax ? a.o.dmax : a.o.dmin, to.D);
    }

    po_mat *W = NULL;
    if (a.w_path) {
        rc = cli_read_square(run, a.w_path, "W", &W);
        if (rc != CLI_EXIT_OK) return rc;
        if (po_curves_count(&a.o, W->rows) == 0) {
            size_t Dw = W->rows;
            po_mat_free(W);
            return cli_fail(run, "%s %zu exceeds the teacher's D = %zu (%s)",
                            a.o.dmax ? "--dmax" : "--dmin", a.o.dmax ? a.o.dmax : a.o.dmin, Dw,
                            a.w_path);
        }
    }
    size_t D = W ? W->rows : to.D;
    po_curves *mean = NULL, *sem = NULL;
    rc = compute(run, &a, &to, W, &mean, &sem);
    po_mat_free(W);
    if (rc == CLI_EXIT_OK) rc = write_outputs(run, &a, &to, mean, sem, D);
    po_curves_free(mean);
    po_curves_free(sem);
    return rc;
}
