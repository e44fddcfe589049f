/* partobs compare: teacher vs student attractors, side by side, with a
 * one-line verdict (SPEC.md §5 "Limit sets", §6 Fig 5, §9 item 8; issue 4
 * item 7). */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "cli_args.h"
#include "cli_input.h"
#include "cli_manifest.h"
#include "cli_output.h"

/* Eigenvalues and attractors shown per side in the table. */
enum { TOP_EIG = 5, TOP_ROWS = 6, CELL = 128, WIDTH = 40 };


static double norm_head(const double *x, size_t k)
{
    double s = 0.0;
    for (size_t i = 0; i < k; i++) s += x[i] * x[i];
    return sqrt(s);
}

/* ---- table ------------------------------------------------------------------ */

typedef struct column {
    char cell[TOP_ROWS + TOP_EIG + 8][CELL];
    size_t rows;
} column;

#if defined(__GNUC__)
__attribute__((format(printf, 2, 3)))
#endif
static void
cell(column *c, const char *fmt, ...)
{
    if (c->rows >= sizeof c->cell / sizeof c->cell[0]) return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(c->cell[c->rows++], CELL, fmt, ap);
    va_end(ap);
}

static void print_rows(const char *label, column *t, column *s)
{
    size_t rows = t->rows > s->rows ? t->rows : s->rows;
    for (size_t i = 0; i < rows; i++)
        printf("%-22s %-*s %s\n", i == 0 ? label : "", WIDTH, i < t->rows ? t->cell[i] : "",
               i < s->rows ? s->cell[i] : "");
    t->rows = s->rows = 0;
}

static void eig_cells(column *c, const po_attractor_report *r)
{
    for (size_t i = 0; i < r->n && i < TOP_EIG; i++) {
        double re = r->eig_re[i], im = r->eig_im[i];
        if (im != 0.0)
            cell(c, "%.4g %c %.4gi  tau %.3g", re, im < 0 ? '-' : '+', fabs(im),
                 po_time_constant(re));
        else
            cell(c, "%.4g  tau %.3g", re, po_time_constant(re));
    }
}

static void fp_cells(column *c, const po_attractor_report *r, size_t obs)
{
    const po_fixed_points *f = r->fixed_points;
    size_t shown = 0, other = 0;
    cell(c, "%zu", r->n_stable_fp);
    for (size_t i = 0; i < f->count; i++) {
        const po_fixed_point *fp = &f->fp[i];
        if (fp->kind != PO_FP_STABLE) {
            other++;
            continue;
        }
        if (shown++ >= TOP_ROWS) continue;
        /* Newton stops within its tolerance of the origin (|x| 1e-23 .. 1e-10) */
        if (fp->norm_x <= 1e-6)
            cell(c, "the origin, lead %.3g", fp->eig_re[0]);
        else
            cell(c, "|x| %.3g (obs %.3g) lead %.3g", fp->norm_x, norm_head(fp->x, obs),
                 fp->eig_re[0]);
    }
    if (shown > TOP_ROWS) cell(c, "... %zu more", shown - TOP_ROWS);
    size_t sad = 0, uns = 0, slow = 0;
    for (size_t i = 0; i < f->count; i++) {
        sad += f->fp[i].kind == PO_FP_SADDLE;
        uns += f->fp[i].kind == PO_FP_UNSTABLE;
        slow += f->fp[i].kind == PO_FP_SLOW;
    }
    if (other) cell(c, "+ %zu saddle, %zu unstable, %zu slow", sad, uns, slow);
}

static void cycle_cells(column *c, const po_attractor_report *r)
{
    const po_limit_sets *l = r->limit_sets;
    cell(c, "%zu", r->n_cycles);
    size_t shown = 0;
    for (size_t i = 0; i < l->count && shown < TOP_ROWS; i++) {
        const po_limit_set *ls = &l->set[i];
        if (ls->kind != PO_LIMIT_CYCLE) continue;
        cell(c, "period %.3g, amplitude %.3g (%zu traj)", ls->period, ls->amplitude, ls->hits);
        shown++;
    }
}

static void ends_cells(column *c, const po_attractor_report *r)
{
    size_t k[4] = {0, 0, 0, 0};
    for (size_t i = 0; i < r->limit_sets->count; i++)
        k[r->limit_sets->set[i].kind] += r->limit_sets->set[i].hits;
    cell(c, "%zu fixed pt, %zu cycle, %zu diverged,", k[PO_LIMIT_FIXED_POINT], k[PO_LIMIT_CYCLE],
         k[PO_LIMIT_DIVERGED]);
    cell(c, "%zu drifting", k[PO_LIMIT_DRIFTING]);
}

static void print_table(const po_attractor_report *t, const po_attractor_report *s, size_t obs,
                        const char *verdict)
{
    column ct = {0}, cs = {0};
    cell(&ct, "teacher");
    cell(&cs, "student");
    print_rows("", &ct, &cs);
    cell(&ct, "n = %zu (rank %zu)", t->n, t->rank);
    cell(&cs, "n = %zu (rank %zu)", s->n, s->rank);
    print_rows("size", &ct, &cs);
    eig_cells(&ct, t);
    eig_cells(&cs, s);
    print_rows("top eigenvalues of W", &ct, &cs);
    cell(&ct, "%.4g", t->las);
    cell(&cs, "%.4g", s->las);
    print_rows("LAS", &ct, &cs);
    fp_cells(&ct, t, obs);
    fp_cells(&cs, s, obs);
    print_rows("stable fixed points", &ct, &cs);
    cycle_cells(&ct, t);
    cycle_cells(&cs, s);
    print_rows("limit cycles", &ct, &cs);
    ends_cells(&ct, t);
    ends_cells(&cs, s);
    print_rows("trajectory ends", &ct, &cs);
    printf("compared on the first %zu neurons\nverdict: %s\n", obs, verdict);
}

/* ---- command ----------------------------------------------------------------- */

int cmd_compare(cli_run *run, int argc, char **argv)
{
    const char *t_path = NULL, *s_path = NULL, *json_path = NULL, *phi_name = "tanh",
               *leaky_name = "current";
    size_t obs = 0;
    double alpha = 0.01;
    po_fp_opts fpo = po_fp_opts_defaults();
    po_limit_opts limo = po_limit_opts_defaults();
    uint64_t seed = PO_DEFAULT_SEED;
    char n_random_help[160];
    snprintf(n_random_help, sizeof n_random_help,
             "random starts of the fixed-point search, scaled down by (%d / n)^2 above n = %d, "
             "at least %d",
             PO_FP_FULL_N, PO_FP_FULL_N, PO_FP_MIN_RANDOM);
    cli_opt opts[] = {
        {"teacher", 0, CLI_INPUT, &t_path, "FILE", "teacher connectivity, D x D, finite",
         CLI_REQUIRED, "teacher", false},
        {"student", 0, CLI_INPUT, &s_path, "FILE", "student connectivity, n x n, finite",
         CLI_REQUIRED, "student", false},
        {"obs", 0, CLI_SIZE, &obs, "d",
         "observed neurons compared, 1 <= d <= min(D, n) (default min(D, n))", CLI_NODEFAULT, NULL,
         false},
        {"phi", 0, CLI_STRING, &phi_name, "NAME", "linear | tanh", 0, "phi", false},
        {"leaky", 0, CLI_STRING, &leaky_name, "NAME", "current | rate", 0, "leaky", false},
        {"alpha", 0, CLI_DOUBLE, &alpha, "A", "Euler step of the trajectories, in (0, 1]", 0,
         "alpha", false},
        {"steps", 0, CLI_SIZE, &limo.steps, "N", "Euler steps per trajectory, >= 20", 0, "steps",
         false},
        {"n-traj", 0, CLI_SIZE, &limo.n_traj, "K", "trajectories per network, >= 1", 0, "n_traj",
         false},
        {"n-random", 0, CLI_SIZE, &fpo.n_random, "K", n_random_help, 0, "n_random", false},
        {"seed", 0, CLI_SEED, &seed, "S", "seed of the random states", 0, "seed", false},
        {"json", 0, CLI_REPORT, &json_path, "FILE",
         "also write a JSON report ('-': standard output) and FILE.manifest.json beside it",
         CLI_MANIFEST, "json", false},
    };
    const cli_spec spec = {
        .about = "Find the attractors of a teacher and a student network automatically and\n"
                 "compare them in the observed coordinates (the first d neurons of both; a\n"
                 "student may have hidden units after them). For each network: eigenvalues\n"
                 "of W with tau = 1 / |1 - Re lambda| and the LAS (SPEC.md §5); fixed points\n"
                 "of dx/dt = -x + W phi(x) (or -x + phi(W x) with --leaky rate) by Newton /\n"
                 "Levenberg-Marquardt from random states and from states along the\n"
                 "trajectories, classified stable / saddle / unstable by the Jacobian's\n"
                 "eigenvalues; the limit sets of noise-free Euler trajectories from random\n"
                 "states N(0, 0.5^2 I): fixed point, limit cycle (period, amplitude),\n"
                 "diverged or still drifting. Prints a side-by-side table and a verdict line\n"
                 "naming spurious and missed stable fixed points and limit cycles, and the\n"
                 "eigenvalues with Re > 1. Exit status 0 whether or not they match.\n"
                 "The JSON report has teacher and student objects with n, rank, eigenvalues\n"
                 "([re, im], descending real part), time_constants, line_attractor_score,\n"
                 "fixed_points (x, kind, stable, q, hits, norm, norm_observed, eigenvalues),\n"
                 "limit_cycles (period, amplitude, x, hits), limit_sets (every trajectory end:\n"
                 "kind, hits, period, amplitude, x), n_stable_fixed_points, n_limit_cycles; and\n"
                 "obs, match, comparison (the counts) and verdict.",
        .opts = opts,
        .nopts = sizeof opts / sizeof opts[0],
    };
    size_t npos = 0;
    int rc = cli_parse(run, &spec, argc, argv, NULL, &npos);
    if (rc != CLI_PROCEED) return rc;
    po_network tn = {.alpha = alpha}, sn = {.alpha = alpha};
    if (po_phi_from_name(phi_name, &tn.phi) != PO_OK)
        return cli_usage(run, "--phi must be linear or tanh, got '%s'", phi_name);
    if (po_leaky_from_name(leaky_name, &tn.leaky) != PO_OK)
        return cli_usage(run, "--leaky must be current or rate, got '%s'", leaky_name);
    sn.phi = tn.phi;
    sn.leaky = tn.leaky;
    if (!(alpha > 0.0 && alpha <= 1.0)) return cli_usage(run, "--alpha must be in (0, 1]");
    if (cli_opt_get(&spec, "obs")->seen && obs == 0)
        return cli_usage(run, "--obs must be at least 1");
    fpo.seed = limo.seed = seed;
    const char *why = po_limit_opts_check(&limo);
    if (!why) why = po_fp_opts_check(&fpo);
    if (why) return cli_usage(run, "invalid option: %s", why);

    po_mat *T = NULL, *S = NULL;
    po_attractor_report *rt = NULL, *rs = NULL;
    rc = cli_read_square(run, t_path, "the teacher", &T);
    if (rc == CLI_EXIT_OK) rc = cli_read_square(run, s_path, "the student", &S);
    if (rc == CLI_EXIT_OK) {
        size_t lim = T->rows < S->rows ? T->rows : S->rows;
        if (obs == 0) obs = lim;
        if (obs > lim)
            rc = cli_fail(
                run, "--obs %zu exceeds the smaller network (teacher %s: %zu, student %s: %zu)",
                obs, t_path, T->rows, s_path, S->rows);
    }
    if (rc == CLI_EXIT_OK) {
        tn.W = T;
        sn.W = S;
        cli_progress status;
        cli_progress_init(&status, "compare");
        cli_progress_status(&status, "attractors of the teacher...");
        po_status st = po_attractor_analyse(&tn, &fpo, &limo, &rt);
        if (st == PO_OK) {
            cli_progress_status(&status, "attractors of the student...");
            st = po_attractor_analyse(&sn, &fpo, &limo, &rs);
        }
        cli_progress_end(&status);
        if (st != PO_OK) rc = cli_fail_status(run, st);
    }
    po_mat_free(T);
    po_mat_free(S);
    char verdict[1024];
    po_attractor_comparison cmp;
    if (rc == CLI_EXIT_OK) {
        po_status st = po_attractor_compare(rt, rs, obs, &cmp, verdict, sizeof verdict);
        if (st != PO_OK) rc = cli_fail_status(run, st);
    }
    if (rc == CLI_EXIT_OK && json_path) {
        cJSON *o = cJSON_CreateObject();
        if (o) {
            cJSON_AddItemToObject(o, "teacher", po_report_attractors_json(rt, obs, 0, true));
            cJSON_AddItemToObject(o, "student", po_report_attractors_json(rs, obs, 0, true));
            cJSON_AddNumberToObject(o, "obs", (double)obs);
            cJSON_AddBoolToObject(o, "match", cmp.match);
            cJSON_AddItemToObject(o, "comparison", po_report_comparison_json(&cmp));
            cJSON_AddStringToObject(o, "verdict", verdict);
        }
        rc = o ? cli_write_json(run, json_path, o)
               : cli_fail(run, "out of memory while building the report");
        cJSON_Delete(o);
        if (rc == CLI_EXIT_OK) {
            cJSON *m = cli_manifest_new(run);
            cli_manifest_add_opts(m, &spec, NULL);
            if (m) cJSON_AddNumberToObject(cli_manifest_options(m), "obs", (double)obs);
            rc = cli_manifest_beside(run, m, json_path);
        }
    }
    if (rc == CLI_EXIT_OK) print_table(rt, rs, obs, verdict);
    po_attractor_report_free(rt);
    po_attractor_report_free(rs);
    return rc;
}
