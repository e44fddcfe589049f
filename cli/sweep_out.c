/* partobs sweep: cell files, resume, the assembled results and the summary
 * figure (sweep_out.h). */
#include "sweep_out.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli_manifest.h"
#include "cli_output.h"
#include "sweep_cell.h"

enum { CELL_NAME = 32 };

static char *cells_path(const char *dir, const char *name)
{
    char *cells = cli_path_join(dir, "cells");
    char *p = cells ? cli_path_join(cells, name) : NULL;
    free(cells);
    return p;
}

static char *cell_path(const char *dir, size_t k)
{
    char name[CELL_NAME];
    snprintf(name, sizeof name, "cell-%06zu.txt", k);
    return cells_path(dir, name);
}

static int make_dir(cli_run *run, const char *path)
{
    if (mkdir(path, 0777) == 0 || errno == EEXIST) {
        struct stat sb;
        if (stat(path, &sb) == 0 && S_ISDIR(sb.st_mode)) return CLI_EXIT_OK;
        return cli_fail(run, "cannot create the directory '%s': a file of that name exists", path);
    }
    return cli_fail(run, "cannot create the directory '%s': %s", path, strerror(errno));
}

/* Stage `text` as path in a run of its own and commit it at once: the file
 * appears complete or not at all, and a signal meanwhile removes the
 * staged copy (cli_signal.h). */
static int write_now(cli_run *run, const char *path, const char *text)
{
    cli_run one = {.cmd = run->cmd, .argc = run->argc, .argv = run->argv};
    int rc = cli_write_text(&one, path, text);
    if (rc == CLI_EXIT_OK) rc = cli_commit(&one);
    if (rc != CLI_EXIT_OK) cli_rollback(&one);
    cli_run_release(&one);
    return rc;
}

int sweep_dir_prepare(cli_run *run, const char *dir, const sweep_grid *g, bool resume)
{
    char *cells = cli_path_join(dir, "cells"), *grid = cells_path(dir, "grid.json");
    int rc = cells && grid ? make_dir(run, dir) : cli_fail(run, "out of memory");
    if (rc == CLI_EXIT_OK) rc = make_dir(run, cells);
    int err = 0;
    char *old = rc == CLI_EXIT_OK && resume ? sweep_read_file(grid, &err) : NULL;
    if (rc == CLI_EXIT_OK && err) rc = cli_fail(run, "cannot read '%s': %s", grid, strerror(err));
    size_t n = strlen(g->canonical);
    if (rc == CLI_EXIT_OK && old &&
        !(strncmp(old, g->canonical, n) == 0 && strcmp(old + n, "\n") == 0))
        rc = cli_usage(run, "--resume: %s holds the cells of another grid (see %s)", dir, grid);
    if (rc == CLI_EXIT_OK && !old) {
        char *text = malloc(n + 2);
        if (text) snprintf(text, n + 2, "%s\n", g->canonical);
        rc = text ? write_now(run, grid, text) : cli_fail(run, "out of memory");
        free(text);
    }
    free(old);
    free(cells);
    free(grid);
    return rc;
}

char *sweep_cell_load(cli_run *run, const char *dir, const sweep_grid *g, size_t k, int *rc)
{
    char *path = cell_path(dir, k);
    int err = 0;
    char *row = path ? sweep_read_file(path, &err) : NULL;
    if (!path) err = ENOMEM;
    if (err) *rc = cli_fail(run, "cannot read '%s': %s", path ? path : "cell", strerror(err));
    /* The row starts "<k>,<seed>," and has two lines. */
    char head[64];
    snprintf(head, sizeof head, "%zu,%llu,", k, (unsigned long long)sweep_cell_seed(g->seed, k));
    const char *nl = row ? strchr(row, '\n') : NULL;
    if (row && (strncmp(row, head, strlen(head)) != 0 || !nl || !strchr(nl + 1, '\n'))) {
        *rc = cli_fail(run, "%s is not cell %zu of this grid; remove %s/cells to start afresh",
                       path, k, dir);
        free(row);
        row = NULL;
    }
    free(path);
    return row;
}

int sweep_cell_store(cli_run *run, const char *dir, size_t k, const char *row)
{
    char *path = cell_path(dir, k);
    int rc = path ? write_now(run, path, row) : cli_fail(run, "out of memory");
    free(path);
    return rc;
}

/* ---- summary figure --------------------------------------------------------- */

static const char *const measure_label[SWEEP_MEASURE_COUNT_] = {
    "max Re lambda of W_hat", "tau_1 (units of tau)", "tau_2 (units of tau)",
    "LAS = log2(tau_1 / tau_2)", "Henrici departure from normality"};

/* The measure of a row (its JSON line), NaN when null. */
static double row_measure(const char *row, sweep_measure m)
{
    const char *json = strchr(row, '\n') + 1;
    cJSON *o = cJSON_Parse(json);
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, sweep_measure_names[m]);
    double x = cJSON_IsNumber(v) ? v->valuedouble : (double)NAN;
    cJSON_Delete(o);
    return x;
}

/* One curve per combination of teacher, D, T, phi and method: the measure's
 * mean over the replicates (finite values) at each d/D, with mean +- SEM. */
static po_status summary_figure(const sweep_grid *g, char *const *rows, po_figure **out)
{
    size_t nd = g->d.n ? g->d.n : g->fractions.n;
    size_t n_groups = g->n_cells / (nd * g->seeds);
    double *buf = malloc(4 * nd * sizeof *buf);
    po_figure *f = NULL;
    char title[128];
    snprintf(title, sizeof title, "sweep of %zu cells: %s against d/D, mean +- SEM over %zu seed%s",
             g->n_cells, sweep_measure_names[g->plot], g->seeds, g->seeds == 1 ? "" : "s");
    po_status st = buf ? po_figure_alloc(1, 1, 1000, 640, title, &f) : PO_ENOMEM;
    po_axes ax = po_axes_defaults();
    ax.xlabel = "observed fraction d/D";
    ax.ylabel = measure_label[g->plot];
    ax.legend = true;
    po_panel *p = st == PO_OK ? po_figure_panel(f, 0, 0, &ax) : NULL;
    double y_lo = (double)INFINITY, y_hi = -(double)INFINITY; /* of the bands */
    for (size_t gi = 0; st == PO_OK && gi < n_groups; gi++) {
        double *x = buf, *mean = buf + nd, *lo = buf + 2 * nd, *hi = buf + 3 * nd;
        size_t n = 0;
        sweep_cell c;
        for (size_t i = 0; i < nd; i++) {
            double s = 0, s2 = 0;
            size_t m = 0;
            for (size_t r = 0; r < g->seeds; r++) {
                /* cell index of (group gi, d position i, replicate r), sweep_grid.h order */
                size_t rest = gi / (g->T.n * g->n_phi * g->n_methods),
                       inner = gi % (g->T.n * g->n_phi * g->n_methods);
                size_t k = ((rest * nd + i) * (g->T.n * g->n_phi * g->n_methods) + inner) *
                               g->seeds + r;
                sweep_grid_cell(g, k, &c);
                double v = row_measure(rows[k], g->plot);
                if (!isfinite(v)) continue;
                s += v;
                s2 += v * v;
                m++;
            }
            if (m == 0) continue;
            double mu = s / (double)m;
            double var = m > 1 ? fmax(0.0, (s2 - (double)m * mu * mu) / (double)(m - 1)) : 0.0;
            double sem = sqrt(var / (double)m);
            /* insertion by d/D (a d list need not be sorted) */
            size_t j = n++;
            for (; j > 0 && x[j - 1] > c.fraction; j--) {
                x[j] = x[j - 1];
                mean[j] = mean[j - 1];
                lo[j] = lo[j - 1];
                hi[j] = hi[j - 1];
            }
            x[j] = c.fraction;
            mean[j] = mu;
            lo[j] = mu - sem;
            hi[j] = mu + sem;
            y_lo = fmin(y_lo, lo[j]);
            y_hi = fmax(y_hi, hi[j]);
        }
        if (n == 0) continue;
        char label[4 * SWEEP_LABEL];
        int len = snprintf(label, sizeof label, "%s, %s", g->teachers[c.teacher].label,
                           g->methods[c.method].label);
        if (g->D.n > 1) len += snprintf(label + len, sizeof label - (size_t)len, ", D %zu", c.D);
        if (g->T.n > 1) len += snprintf(label + len, sizeof label - (size_t)len, ", T %zu", c.T);
        if (g->n_phi > 1) snprintf(label + len, sizeof label - (size_t)len, ", %s", po_phi_name(c.phi));
        po_style s = po_style_defaults();
        s.color = po_color_cycle(gi);
        st = po_panel_band(p, x, lo, hi, n, &s);
        s.marker = 1;
        s.label = label;
        if (st == PO_OK) st = po_panel_line(p, x, mean, n, &s);
    }
    /* Room above the data for the legend (about 6% of the panel per entry),
     * so that it hides no curve; past 8 entries the legend takes its corner. */
    double share = 0.04 + 0.06 * (double)n_groups;
    if (st == PO_OK && n_groups <= 8 && y_hi > y_lo) {
        double r = 1.05 * (y_hi - y_lo);
        ax.ymin = y_lo - 0.05 * (y_hi - y_lo);
        ax.ymax = y_hi + share * r / (1.0 - share);
        po_figure_panel(f, 0, 0, &ax);
    }
    free(buf);
    if (st != PO_OK) {
        po_figure_free(f);
        f = NULL;
    }
    *out = f;
    return st;
}

/* ---- results ------------------------------------------------------------------ */

/* The CSV (header + first lines) or the JSON Lines (second lines) of the rows. */
static char *assemble(const sweep_grid *g, char *const *rows, bool json)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    if (!f) return NULL;
    if (!json) fprintf(f, "%s\n", sweep_csv_header);
    for (size_t k = 0; k < g->n_cells; k++) {
        const char *nl = strchr(rows[k], '\n');
        if (json)
            fputs(nl + 1, f);
        else
            fwrite(rows[k], 1, (size_t)(nl - rows[k]) + 1, f);
    }
    if (fclose(f) != 0) {
        free(buf);
        return NULL;
    }
    return buf;
}

int sweep_results_write(cli_run *run, const cli_spec *spec, const char *grid_path,
                        const char *dir, const sweep_grid *g, char *const *rows)
{
    static const char *const names[] = {"results.csv", "results.jsonl", "summary.png",
                                        "summary.svg", "manifest.json"};
    enum { N = sizeof names / sizeof *names };
    char *path[N];
    int rc = CLI_EXIT_OK;
    for (size_t k = 0; k < N; k++)
        if (!(path[k] = cli_path_join(dir, names[k]))) rc = CLI_EXIT_RUNTIME;
    char *csv = assemble(g, rows, false), *jsonl = assemble(g, rows, true);
    po_figure *fig = NULL;
    if (rc != CLI_EXIT_OK || !csv || !jsonl) rc = cli_fail(run, "out of memory");
    if (rc == CLI_EXIT_OK) {
        po_status st = summary_figure(g, rows, &fig);
        if (st != PO_OK) rc = cli_fail_status(run, st);
    }
    if (rc == CLI_EXIT_OK) rc = cli_out_dir(run, dir);
    if (rc == CLI_EXIT_OK) rc = cli_write_text(run, path[0], csv);
    if (rc == CLI_EXIT_OK) rc = cli_write_text(run, path[1], jsonl);
    if (rc == CLI_EXIT_OK) rc = cli_write_figure(run, path[2], fig);
    if (rc == CLI_EXIT_OK) rc = cli_write_figure(run, path[3], fig);
    if (rc == CLI_EXIT_OK) {
        cJSON *m = cli_manifest_new(run);
        cli_manifest_add_opts(m, spec, grid_path);
        if (m) {
            cli_manifest_set_seed(m, g->seed);
            cJSON_AddItemToObject(m, "grid", cJSON_Parse(g->canonical));
            cJSON_AddNumberToObject(m, "cells", (double)g->n_cells);
        }
        rc = cli_manifest_write(run, m, path[4]);
    }
    po_figure_free(fig);
    free(csv);
    free(jsonl);
    for (size_t k = 0; k < N; k++) free(path[k]);
    return rc;
}
