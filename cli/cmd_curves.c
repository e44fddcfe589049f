/* partobs curves: subsampling curves of the infinite-data student (SPEC.md
 * §5 "Subsampling curves"), for one teacher file or K generated teachers. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "cli_args.h"
#include "cli_input.h"
#include "cli_manifest.h"
#include "cli_output.h"
#include "cli_teacher.h"

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

/* Header or values of one block of columns for c (a row k, or the header when k == n). */
static void csv_block(FILE *t, const po_curves *c, size_t k, const char *suffix)
{
    bool head = k == c->n;
    if (head) {
        fprintf(t, ",line_attractor_score%s", suffix);
        for (size_t i = 0; i < c->top_n; i++) fprintf(t, ",top_re_%zu%s", i + 1, suffix);
        for (size_t i = 0; i < c->top_n; i++) fprintf(t, ",top_sv_%zu%s", i + 1, suffix);
        fprintf(t, ",u_overlap%s,v_overlap%s", suffix, suffix);
        if (c->henrici) fprintf(t, ",henrici%s", suffix);
        return;
    }
    fprintf(t, ",%.17g", c->las[k]);
    for (size_t i = 0; i < c->top_n; i++) fprintf(t, ",%.17g", c->top_re[k * c->top_n + i]);
    for (size_t i = 0; i < c->top_n; i++) fprintf(t, ",%.17g", c->top_sv[k * c->top_n + i]);
    fprintf(t, ",%.17g,%.17g", c->u_overlap[k], c->v_overlap[k]);
    if (c->henrici) fprintf(t, ",%.17g", c->henrici[k]);
}

/* The CSV text in a new malloc'd string, or NULL when memory runs out. */
static char *curves_csv(const po_curves *mean, const po_curves *sem, size_t K)
{
    char *s = NULL;
    size_t len = 0;
    FILE *t = open_memstream(&s, &len);
    if (!t) return NULL;
    for (size_t k = 0; k <= mean->n; k++) {
        size_t row = k == 0 ? mean->n : k - 1; /* the header first */
        if (k == 0)
            fprintf(t, "d");
        else
            fprintf(t, "%zu", mean->d[row]);
        csv_block(t, mean, row, "");
        if (K > 1) csv_block(t, sem, row, "_sem");
        fprintf(t, "\n");
    }
    bool failed = ferror(t) != 0;
    if (fclose(t) != 0 || failed) {
        free(s);
        return NULL;
    }
    return s;
}

typedef struct curves_args {
    cli_teacher_args teacher;
    const char *w_path, *csv, *json;
    size_t teachers;
    bool no_closed;
    po_curves_opts o;
} curves_args;

enum { N_OWN = 13, N_OPTS = CLI_TEACHER_NOPTS + N_OWN };

static void make_opts(cli_opt *opts, curves_args *a)
{
    cli_teacher_opts(opts, &a->teacher);
    const cli_opt own[N_OWN] = {
        {"W", 0, CLI_INPUT, &a->w_path, "FILE",
         "teacher, D x D, finite, every Re lambda < 1 (or --net, --D)", 0, "W", false},
        {"teachers", 0, CLI_SIZE, &a->teachers, "K", "number of generated teachers, >= 1", 0,
         "teachers", false},
        {"dmin", 0, CLI_SIZE, &a->o.dmin, "N", "smallest d, >= 1", 0, "dmin", false},
        {"dmax", 0, CLI_SIZE, &a->o.dmax, "N", "largest d, <= D (default D)", CLI_NODEFAULT, "dmax",
         false},
        {"step", 0, CLI_SIZE, &a->o.step, "N", "step between the d values, >= 1", 0, "step", false},
        {"top", 0, CLI_SIZE, &a->o.top_n, "N", "eigenvalues and singular values kept per d", 0,
         "top", false},
        {"rho", 0, CLI_NONNEG, &a->o.rho, "R", "ridge added to Sigma_dd, >= 0", 0, "rho", false},
        {"noise-corr", 0, CLI_DOUBLE, &a->o.cov.noise_corr, "C",
         "noise correlation of the covariance, in [0, 1)", 0, "noise_corr", false},
        {"no-closed-forms", 0, CLI_FLAG, &a->no_closed, NULL,
         "always the general Schur solver (as 'partobs theory')", 0, NULL, false},
        {"henrici", 0, CLI_FLAG, &a->o.henrici, NULL, "also the Henrici index of every student", 0,
         "henrici", false},
        {"threads", 0, CLI_SIZE, &a->o.threads, "N",
         "threads for the d loop, 0 = all cores; the numbers are identical for every N", 0,
         "threads", false},
        {"csv", 0, CLI_REPORT, &a->csv, "FILE",
         "one row per d, with a header row ('-': standard output); FILE.manifest.json beside it",
         CLI_MANIFEST, "csv", false},
        {"json", 0, CLI_REPORT, &a->json, "FILE",
         "arrays indexed by d: d, line_attractor_score, top_eigenvalues_re (a list per d), "
         "top_singular_values, u_overlap, v_overlap, henrici (with --henrici); teachers, D, "
         "covariance_method; with K > 1 also <key>_sem ('-': standard output; at least one of "
         "--csv and --json; the manifest goes beside the first)",
         CLI_MANIFEST, "json", false},
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

static int write_outputs(cli_run *run, const cli_spec *spec, const curves_args *a,
                         const po_teacher_opts *to, const po_curves *mean, const po_curves *sem,
                         size_t D)
{
    int rc = CLI_EXIT_OK;
    if (a->csv) {
        char *csv = curves_csv(mean, sem, a->teachers);
        rc = csv ? cli_write_text(run, a->csv, csv) : cli_fail(run, "out of memory for the CSV");
        free(csv);
    }
    if (rc == CLI_EXIT_OK && a->json) {
        cJSON *j = po_report_curves_json(mean, sem, a->teachers, D);
        rc = j ? cli_write_json(run, a->json, j) : cli_fail(run, "out of memory for the JSON");
        cJSON_Delete(j);
    }
    if (rc != CLI_EXIT_OK) return rc;
    cJSON *m = cli_manifest_new(run);
    cli_manifest_add_opts(m, spec, NULL);
    cJSON *mo = m ? cli_manifest_options(m) : NULL;
    if (mo) {
        if (!a->w_path)
            cli_teacher_manifest(mo, to);
        else /* no teacher is drawn: the seed is not used */
            cJSON_ReplaceItemInObjectCaseSensitive(m, "seed", cJSON_CreateNull());
        /* The d range used (--dmax 0 means D). */
        cJSON_ReplaceItemInObjectCaseSensitive(mo, "dmax",
                                               cJSON_CreateNumber((double)mean->d[mean->n - 1]));
        cJSON_AddBoolToObject(mo, "closed_forms", a->o.cov.closed_forms);
        cJSON_AddStringToObject(m, "covariance_method", po_cov_method_name(mean->cov_method));
    }
    /* Beside the first report that is a file; "-" when both go to standard output. */
    const char *beside = a->csv && strcmp(a->csv, "-") != 0 ? a->csv : a->json ? a->json : "-";
    return cli_manifest_beside(run, m, beside);
}

/* The generators in --help; docs/cli.md lists them once, under teacher. */
static void teacher_help(FILE *out, cli_help_format format)
{
    if (format == CLI_HELP_TEXT) cli_teacher_help(out, format);
}

int cmd_curves(cli_run *run, int argc, char **argv)
{
    curves_args a;
    memset(&a, 0, sizeof a);
    cli_opt opts[N_OPTS];
    a.o = po_curves_opts_defaults();
    a.teachers = 1;
    make_opts(opts, &a);
    const cli_spec spec = {
        .about = "For every d = dmin, dmin+step, ... <= dmax, the infinite-data student of the\n"
                 "first d neurons (SPEC.md §4.3, as 'partobs theory') and its line attractor\n"
                 "score (0 for d = 1), the real parts of its top eigenvalues and its top\n"
                 "singular values (zero-padded when d is smaller), the overlaps of its top left\n"
                 "(u) and right (v) singular vectors with the teacher's, truncated to d entries\n"
                 "(chance ~ 1/sqrt(d)), and with --henrici its departure from normality. One\n"
                 "covariance and one Cholesky factorisation serve every d. The teacher is a\n"
                 "file (--W) or generated (--net, --D and the options of 'partobs teacher').\n"
                 "With --net, K teachers are drawn one after the other from the connectivity\n"
                 "stream of the seed (the first is 'partobs teacher' with the same options)\n"
                 "and the curves are averaged: the plain keys hold means, <key>_sem the\n"
                 "standard errors of the mean.",
        .epilog = teacher_help,
        .opts = opts,
        .nopts = N_OPTS,
    };
    size_t npos = 0;
    int rc = cli_parse(run, &spec, argc, argv, NULL, &npos);
    if (rc != CLI_PROCEED) return rc;
    a.o.cov.closed_forms = !a.no_closed;
    bool generated = cli_teacher_any_seen(opts);
    if (a.w_path && generated)
        return cli_usage(run, "--W and the generator options (--net, --D, ...) exclude each other");
    if (!a.w_path && !generated)
        return cli_usage(run, "give a teacher: --W W.npy, or --net NAME --D N");
    if (!a.csv && !a.json)
        return cli_usage(run, "give at least one output: --csv FILE or --json FILE");
    if (a.w_path && cli_opt_get(&spec, "teachers")->seen)
        return cli_usage(run, "--teachers needs generated teachers (--net), not --W");
    if (a.teachers < 1) return cli_usage(run, "--teachers must be at least 1");
    /* dmax = 0 means "D" in the library; given explicitly it is a mistake (issue 10 item 7). */
    if (cli_opt_get(&spec, "dmax")->seen && a.o.dmax == 0)
        return cli_usage(run, "--dmax must be at least 1");
    const char *why = po_curves_opts_check(&a.o);
    if (why) return cli_usage(run, "%s", why);
    po_teacher_opts to;
    memset(&to, 0, sizeof to);
    if (generated) {
        static const char *const required[] = {"net", "D", NULL};
        rc = cli_require(run, &spec, required);
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
    if (rc == CLI_EXIT_OK) rc = write_outputs(run, &spec, &a, &to, mean, sem, D);
    po_curves_free(mean);
    po_curves_free(sem);
    return rc;
}
