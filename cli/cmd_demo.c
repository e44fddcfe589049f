/* partobs demo: the paper's two linear headline cases in miniature (issue 2, item 9).
 *
 * A feedforward chain (pure delay line, SPEC.md §6 Fig 3) and a rank-2
 * null-overlap low-rank teacher with scale 0.2 (Fig 4), each simulated with
 * the library's default linear dynamics, observed on its first d neurons and
 * fitted with the MAP student. Every stage is the same library call the
 * teacher / simulate / observe / fit commands make with the same seed, so
 * the demo's arrays can be reproduced step by step with those commands.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "cli_args.h"
#include "cli_manifest.h"
#include "cli_output.h"
#include "cli_report.h"

/* The demo's own defaults (the paper's sizes, SPEC.md §6). */
#define DEMO_OUT "partobs-demo"
enum { DEMO_T = 30000, DEMO_D = 500, DEMO_DOBS = 25, DEMO_TOP = 3 };
/* Fig 4: rank 2, scale 0.2. */
enum { DEMO_LOWRANK_RANK = 2 };
#define DEMO_LOWRANK_SCALE 0.2

typedef struct demo_case {
    const char *name;
    po_teacher_opts teacher_opts;
    po_teacher *teacher;
    po_linop *op;
    po_mat *Y, *W_hat;
    po_spectrum *teacher_spec, *student_spec;
    po_ridge_info info;
} demo_case;

enum { N_CASES = 2 };

static void demo_case_free(demo_case *c)
{
    po_linop_free(c->op);
    po_teacher_free(c->teacher);
    po_mat_free(c->Y);
    po_mat_free(c->W_hat);
    po_spectrum_free(c->teacher_spec);
    po_spectrum_free(c->student_spec);
}

/* Teacher -> simulate -> observe -> fit -> analyse for one case. */
static po_status run_case(demo_case *c, const po_sim_opts *so, const po_ridge_opts *ro, size_t d)
{
    po_rng rng;
    po_rng_init(&rng, so->seed, PO_STREAM_CONNECTIVITY);
    po_status st = po_teacher_generate(&c->teacher_opts, &rng, &c->teacher);
    if (st != PO_OK) return st;
    const po_mat *W = c->teacher->W;
    char label[64];
    snprintf(label, sizeof label, "demo %s", c->name);
    cli_progress bar;
    cli_progress_init(&bar, label);
    po_sim_opts o = *so;
    o.progress = cli_progress_update;
    o.progress_user = &bar;
    po_mat *X = NULL;
    st = po_simulate(W, &o, NULL, &X, &c->op); /* as `partobs simulate` */
    cli_progress_end(&bar);
    if (st != PO_OK) return st;

    po_observe_opts oo = po_observe_opts_defaults();
    oo.d = d;
    oo.seed = so->seed;
    if (st == PO_OK) {
        c->Y = po_mat_alloc(so->T, d);
        st = c->Y ? po_observe(X, &oo, c->Y) : PO_ENOMEM;
    }
    po_mat_free(X);
    if (st != PO_OK) return st;

    c->W_hat = po_mat_alloc(d, d);
    if (!c->W_hat) return PO_ENOMEM;
    st = po_fit_ridge(c->Y, ro, c->W_hat, &c->info);
    if (st == PO_OK) st = po_spectrum_new(W, &c->teacher_spec);
    if (st == PO_OK) st = po_spectrum_new(c->W_hat, &c->student_spec);
    return st;
}

static void print_row(const char *name, const char *model, const po_spectrum *s)
{
    printf("%-8s %-8s", name, model);
    for (size_t i = 0; i < DEMO_TOP; i++) {
        if (i < s->n)
            printf(" %9.3f", s->tau[i]);
        else
            printf(" %9s", "-");
    }
    printf(" %8.3f %10.4f\n", s->las, s->max_re);
}

/* Write one array into the directory under "<stem>_<case>.npy". */
static int write_array(cli_run *run, const char *dir, const char *stem, const char *name,
                       const po_mat *m, cJSON *files)
{
    char file[128];
    snprintf(file, sizeof file, "%s_%s.npy", stem, name);
    char *path = cli_path_join(dir, file);
    if (!path) return cli_fail(run, "out of memory");
    int rc = cli_write_mat(run, path, m);
    if (rc == CLI_EXIT_OK && files) cJSON_AddStringToObject(files, stem, path);
    free(path);
    return rc;
}

static cJSON *teacher_options_json(const po_teacher_opts *t)
{
    cJSON *o = cJSON_CreateObject();
    if (!o) return NULL;
    cJSON_AddStringToObject(o, "net", po_net_name(t->net));
    cJSON_AddNumberToObject(o, "D", (double)t->D);
    cJSON_AddNumberToObject(o, "scale", t->scale);
    if (t->net == PO_NET_LOWRANK) cJSON_AddNumberToObject(o, "rank", (double)t->rank);
    if (t->net == PO_NET_CHAIN) {
        cJSON_AddNumberToObject(o, "diagonal_comp", t->diagonal_comp);
        cJSON_AddNumberToObject(o, "skip_interval", (double)t->skip_interval);
        cJSON_AddNumberToObject(o, "skip_scale", t->skip_scale);
    }
    return o;
}

/* Write every array, the report and (last) the manifest, which this consumes. */
static int write_outputs(cli_run *run, const char *dir, demo_case *cases, cJSON *report,
                         cJSON *manifest)
{
    cJSON *rcases = cJSON_AddObjectToObject(report, "cases");
    for (size_t k = 0; k < N_CASES; k++) {
        demo_case *c = &cases[k];
        cJSON *rc_obj = rcases ? cJSON_AddObjectToObject(rcases, c->name) : NULL;
        if (rc_obj) {
            cJSON_AddItemToObject(rc_obj, "teacher_options",
                                  teacher_options_json(&c->teacher_opts));
            cJSON_AddItemToObject(rc_obj, "teacher", po_report_spectrum_json(c->teacher_spec, 0));
            cJSON_AddItemToObject(rc_obj, "student", po_report_spectrum_json(c->student_spec, 0));
        }
        cJSON *files = rc_obj ? cJSON_AddObjectToObject(rc_obj, "files") : NULL;
        int rc = write_array(run, dir, "W", c->name, c->teacher->W, files);
        if (rc == CLI_EXIT_OK) rc = write_array(run, dir, "Y", c->name, c->Y, files);
        if (rc == CLI_EXIT_OK) rc = write_array(run, dir, "W_hat", c->name, c->W_hat, files);
        if (rc != CLI_EXIT_OK) {
            cJSON_Delete(manifest);
            return rc;
        }
    }
    char *path = cli_path_join(dir, "report.json");
    int rc = path ? cli_write_json(run, path, report) : cli_fail(run, "out of memory");
    free(path);
    if (rc != CLI_EXIT_OK) {
        cJSON_Delete(manifest);
        return rc;
    }
    path = cli_path_join(dir, "manifest.json");
    rc = cli_manifest_write(run, manifest, path);
    free(path);
    return rc;
}

/* The point of the demo in one sentence: compare the slowest time constants.
 * A factor of 2 either way is well outside the finite-T scatter of tau_1 for
 * these teachers (SPEC.md §4.3, §6) and reads as a mechanistic mismatch. */
static void print_verdict(const char *name, const po_spectrum *t, const po_spectrum *s, size_t d,
                          size_t D)
{
    double ratio = s->tau[0] / t->tau[0];
    if (ratio > 2.0)
        printf("%s: SPURIOUS slow mode: the student's slowest time constant (%.1f) is %.0fx the "
               "teacher's (%.1f), from observing %zu of %zu neurons.\n",
               name, s->tau[0], ratio, t->tau[0], d, D);
    else if (ratio < 0.5)
        printf("%s: MISSED slow mode: the student's slowest time constant (%.1f) is %.2fx the "
               "teacher's (%.1f).\n",
               name, s->tau[0], ratio, t->tau[0]);
    else
        printf("%s: slowest time constants agree within 2x (teacher %.1f, student %.1f).\n", name,
               t->tau[0], s->tau[0]);
}

int cmd_demo(cli_run *run, int argc, char **argv)
{
    const char *dir = DEMO_OUT;
    po_sim_opts so = po_sim_opts_defaults();
    so.T = DEMO_T;
    size_t D = DEMO_D, d = DEMO_DOBS;
    po_ridge_opts ro = po_ridge_opts_defaults();
    cli_opt opts[] = {
        {"out", 0, CLI_OUTDIR, &dir, "DIR", "output directory, created if needed", 0, "out", false},
        {"seed", 0, CLI_SEED, &so.seed, "S", "seed of every random stream", 0, "seed", false},
        {"T", 0, CLI_SIZE, &so.T, "NT", "time steps", 0, "T", false},
        {"D", 0, CLI_SIZE, &D, "N", "teacher neurons", 0, "D", false},
        {"d", 0, CLI_SIZE, &d, "N", "observed neurons, 1 <= d <= D", 0, "d", false},
    };
    char about[1200];
    snprintf(about, sizeof about,
             "The paper's two linear headline cases in miniature (SPEC.md §6, Figs 3 and 4):\n"
             "  chain    a feedforward chain (pure delay line): every eigenvalue is 0\n"
             "  lowrank  a rank-%d null-overlap low-rank teacher, scale %g: every eigenvalue is 0\n"
             "Each is simulated (phi %s, leaky %s, alpha %g, noise %g), observed on its\n"
             "first d neurons and fitted with the MAP student (rho %g). Prints teacher vs\n"
             "student (top %d time constants, line attractor score, max Re lambda); the\n"
             "students show slow modes (lowrank: near Re lambda = 1, a spurious line\n"
             "attractor) that the teachers do not have. Writes into DIR: W_<case>.npy\n"
             "(teacher, D x D), Y_<case>.npy (observed activity, T x d), W_hat_<case>.npy\n"
             "(student, d x d) for case = chain, lowrank; report.json (per case: the teacher\n"
             "and student analyses with the keys of 'partobs analyze --json') and\n"
             "manifest.json.",
             DEMO_LOWRANK_RANK, DEMO_LOWRANK_SCALE, po_phi_name(so.phi), po_leaky_name(so.leaky),
             so.alpha, so.noise, ro.rho, DEMO_TOP);
    static const char *const files[] = {"W_chain.npy",   "Y_chain.npy",   "W_hat_chain.npy",
                                        "W_lowrank.npy", "Y_lowrank.npy", "W_hat_lowrank.npy",
                                        "report.json",   "manifest.json", NULL};
    const cli_spec spec = {
        .about = about, .dir_files = files, .opts = opts, .nopts = sizeof opts / sizeof opts[0]};
    size_t npos = 0;
    int rc = cli_parse(run, &spec, argc, argv, NULL, &npos);
    if (rc != CLI_PROCEED) return rc;
    if (d < 1 || d > D) return cli_usage(run, "--d must be between 1 and --D = %zu, got %zu", D, d);
    const char *why = po_sim_opts_check(&so);
    if (why) return cli_usage(run, "%s", why);

    demo_case cases[N_CASES];
    memset(cases, 0, sizeof cases);
    cases[0].name = "chain";
    cases[0].teacher_opts = po_teacher_opts_defaults(PO_NET_CHAIN, D);
    cases[1].name = "lowrank";
    cases[1].teacher_opts = po_teacher_opts_defaults(PO_NET_LOWRANK, D);
    cases[1].teacher_opts.rank = DEMO_LOWRANK_RANK;
    cases[1].teacher_opts.scale = DEMO_LOWRANK_SCALE;
    for (size_t k = 0; k < N_CASES; k++) {
        why = po_teacher_opts_check(&cases[k].teacher_opts);
        if (why) return cli_usage(run, "%s teacher: %s", cases[k].name, why);
    }

    rc = CLI_EXIT_OK;
    for (size_t k = 0; rc == CLI_EXIT_OK && k < N_CASES; k++) {
        po_status st = run_case(&cases[k], &so, &ro, d);
        if (st != PO_OK) rc = cli_fail_status(run, st);
    }
    cJSON *report = NULL, *manifest = NULL;
    if (rc == CLI_EXIT_OK) rc = cli_out_dir(run, dir);
    if (rc == CLI_EXIT_OK) {
        report = cJSON_CreateObject();
        manifest = cli_manifest_new(run);
        if (report) {
            cJSON_AddStringToObject(report, "partobs_version", po_version());
            cJSON_AddNumberToObject(report, "D", (double)D);
            cJSON_AddNumberToObject(report, "d", (double)d);
            cJSON_AddNumberToObject(report, "T", (double)so.T);
            cJSON_AddItemToObject(report, "seed", cli_json_u64(so.seed));
        }
        cli_manifest_add_opts(manifest, &spec, NULL);
        cJSON *mo = manifest ? cli_manifest_options(manifest) : NULL;
        if (mo) {
            cJSON *sim = cJSON_AddObjectToObject(mo, "simulate");
            if (sim) {
                cJSON_AddStringToObject(sim, "phi", po_phi_name(so.phi));
                cJSON_AddStringToObject(sim, "leaky", po_leaky_name(so.leaky));
                cJSON_AddNumberToObject(sim, "alpha", so.alpha);
                cJSON_AddNumberToObject(sim, "noise", so.noise);
                cJSON_AddNumberToObject(sim, "g", so.g);
                cJSON_AddNumberToObject(sim, "ic_scale", so.ic_scale);
            }
            cJSON *fit = cJSON_AddObjectToObject(mo, "fit");
            if (fit) {
                cJSON_AddStringToObject(fit, "method", "map");
                cJSON_AddStringToObject(fit, "phi", po_phi_name(ro.phi));
                cJSON_AddStringToObject(fit, "leaky", po_leaky_name(ro.leaky));
                cJSON_AddNumberToObject(fit, "alpha", ro.alpha);
                cJSON_AddNumberToObject(fit, "rho", ro.rho);
                cJSON_AddNumberToObject(fit, "burn_in", (double)ro.burn_in);
            }
            cJSON *teachers = cJSON_AddObjectToObject(mo, "teachers");
            for (size_t k = 0; teachers && k < N_CASES; k++)
                cJSON_AddItemToObject(teachers, cases[k].name,
                                      teacher_options_json(&cases[k].teacher_opts));
        }
        if (manifest) {
            cJSON *ops = cJSON_AddObjectToObject(manifest, "operators");
            for (size_t k = 0; ops && k < N_CASES; k++)
                cJSON_AddStringToObject(ops, cases[k].name, po_linop_kind(cases[k].op));
        }
        rc = report ? write_outputs(run, dir, cases, report, manifest)
                    : cli_fail(run, "out of memory");
        if (!report) cJSON_Delete(manifest);
    }
    cJSON_Delete(report);

    if (rc == CLI_EXIT_OK) {
        printf("partobs demo: D = %zu neurons, d = %zu observed, T = %zu steps, seed %llu\n"
               "(phi %s, alpha %g, noise %g; MAP student with rho %g)\n\n",
               D, d, so.T, (unsigned long long)so.seed, po_phi_name(so.phi), so.alpha, so.noise,
               ro.rho);
        printf("%-8s %-8s %9s %9s %9s %8s %10s\n", "case", "model", "tau1", "tau2", "tau3", "LAS",
               "max Re");
        for (size_t k = 0; k < N_CASES; k++) {
            print_row(cases[k].name, "teacher", cases[k].teacher_spec);
            print_row(cases[k].name, "student", cases[k].student_spec);
        }
        printf("\n");
        for (size_t k = 0; k < N_CASES; k++) {
            print_verdict(cases[k].name, cases[k].teacher_spec, cases[k].student_spec, d, D);
            printf("%s student: %s\n", cases[k].name, cli_spectrum_note(cases[k].student_spec));
        }
        printf("\nwrote %s/: W_<case>.npy, Y_<case>.npy, W_hat_<case>.npy, report.json, "
               "manifest.json\n",
               dir);
    }
    for (size_t k = 0; k < N_CASES; k++) demo_case_free(&cases[k]);
    return rc;
}
