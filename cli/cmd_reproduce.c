/* partobs reproduce: the paper's figures, their numbers and a claims table
 * (SPEC.md §6; issue 5 item 6). A thin client of po_reproduce. */
#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "cli.h"
#include "cli_args.h"
#include "cli_manifest.h"
#include "cli_output.h"
#include "cli_signal.h"

#define REPRO_OUT "partobs-figures"

/* Progress: one bar per figure, relabelled when the runner moves on. */
typedef struct repro_progress {
    cli_progress bar;
    char label[64];
    const char *stage; /* the runner's stage string of the current bar */
    size_t index, count;
} repro_progress;

static void on_progress(void *user, const char *stage, size_t done, size_t total)
{
    repro_progress *p = user;
    if (!p->stage || strcmp(p->stage, stage) != 0) {
        cli_progress_end(&p->bar);
        p->index++;
        snprintf(p->label, sizeof p->label, "reproduce %s (%zu/%zu)", stage, p->index, p->count);
        cli_progress_init(&p->bar, p->label);
        p->stage = stage;
    }
    cli_progress_update(&p->bar, done, total);
}

static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* Is `file` one of figure `name`'s outputs: name.json, name.png, name.svg or
 * name_<part>.png / .svg? */
static bool is_output_of(const char *file, const char *name)
{
    size_t n = strlen(name);
    if (strncmp(file, name, n) != 0 || (file[n] != '.' && file[n] != '_')) return false;
    const char *ext = strrchr(file, '.');
    if (!ext) return false;
    return strcmp(ext, ".png") == 0 || strcmp(ext, ".svg") == 0 ||
           (strcmp(ext, ".json") == 0 && file[n] == '.');
}

/* List the run's outputs with their digests in the manifest (the directory
 * may hold more). */
static void add_outputs(cJSON *manifest, const char *dir, const size_t *idx, size_t n)
{
    DIR *dp = opendir(dir);
    if (!dp) {
        if (dp) closedir(dp);
        return;
    }
    /* Sorted for a reproducible manifest: collect, then sort. */
    char **names = NULL;
    size_t count = 0, cap = 0;
    for (struct dirent *e = readdir(dp); e; e = readdir(dp)) {
        bool keep = strcmp(e->d_name, "claims.md") == 0;
        for (size_t i = 0; !keep && i < n; i++)
            keep = is_output_of(e->d_name, po_repro_name(idx[i]));
        if (!keep) continue;
        if (count == cap) {
            size_t ncap = cap ? 2 * cap : 32;
            char **p = realloc(names, ncap * sizeof *p);
            if (!p) break;
            names = p;
            cap = ncap;
        }
        names[count] = cli_path_join(dir, e->d_name);
        if (names[count]) count++;
    }
    closedir(dp);
    for (size_t i = 1; i < count; i++)
        for (size_t j = i; j > 0 && strcmp(names[j - 1], names[j]) > 0; j--) {
            char *t = names[j];
            names[j] = names[j - 1];
            names[j - 1] = t;
        }
    for (size_t i = 0; i < count; i++) {
        cli_manifest_add_output(manifest, names[i], names[i]);
        free(names[i]);
    }
    free(names);
}

/* The help's list of figures. */
static void figure_list(FILE *out, cli_help_format format)
{
    if (format == CLI_HELP_MARKDOWN) return; /* docs/cli.md has a fuller table */
    fprintf(out, "FIGURE is one or more of (default: all, in this order):\n");
    for (size_t i = 0; i < po_repro_count(); i++)
        fprintf(out, "  %-7s %s\n", po_repro_name(i), po_repro_summary(i));
}

enum { MAX_POS = 64 };

int cmd_reproduce(cli_run *run, int argc, char **argv)
{
    po_repro_opts o = po_repro_opts_defaults();
    o.out_dir = REPRO_OUT;
    cli_opt opts[] = {
        {"out", 0, CLI_OUTDIR, &o.out_dir, "DIR", "output directory, created if needed", 0, "out",
         false},
        {"quick", 0, CLI_FLAG, &o.quick, NULL,
         "reduced sizes (3-4 teachers per family, D 200 for F.3/F.4 and fig2, fewer "
         "trajectories): seconds instead of minutes; the claims are checked all the same",
         0, "quick", false},
        {"seed", 0, CLI_SEED, &o.seed, "S",
         "run seed; figure F uses S + a fixed offset (64-bit FNV-1a of its name), so figures "
         "never share teachers",
         0, "seed", false},
        {"threads", 0, CLI_SIZE, &o.threads, "N",
         "worker threads, 0 = all online CPUs (teachers run in parallel; the subsampling "
         "curves parallelise over d)",
         0, "threads", false},
    };
    static const char *const files[] = {"claims.md", "manifest.json", NULL};
    const cli_spec spec = {
        .usage = "[FIGURE...|all]",
        .max_pos = MAX_POS,
        .about = "Recompute the paper's figures (SPEC.md §6) from seeded teachers and check its\n"
                 "claims with numbers. Writes into DIR, for each FIGURE: FIGURE.png and\n"
                 "FIGURE.svg (some figures have several, FIGURE_<part>.png), FIGURE.json (the\n"
                 "numbers behind every panel and the claims), and for the whole run claims.md (a\n"
                 "table per figure: claim | measured | holds) and manifest.json. A figure that\n"
                 "fails leaves none of its files behind (exit 1); claims that do not hold are\n"
                 "results, not errors (exit 0). Prints one summary line.",
        .epilog = figure_list,
        .dir_files = files,
        .opts = opts,
        .nopts = sizeof opts / sizeof opts[0],
    };
    const char *pos[MAX_POS];
    size_t npos = 0;
    int rc = cli_parse(run, &spec, argc, argv, pos, &npos);
    if (rc != CLI_PROCEED) return rc;
    const char *why = po_repro_opts_check(&o);
    if (why) return cli_usage(run, "%s", why);

    size_t count = po_repro_count();
    size_t *idx = malloc((count + npos) * sizeof *idx);
    if (!idx) return cli_fail(run, "out of memory");
    size_t n = 0;
    if (npos == 0 || (npos == 1 && strcmp(pos[0], "all") == 0)) {
        for (size_t i = 0; i < count; i++) idx[n++] = i;
    } else {
        for (size_t k = 0; k < npos; k++) {
            size_t i;
            if (po_repro_find(pos[k], &i) != PO_OK) {
                free(idx);
                return cli_usage(run, "%s (see 'partobs reproduce --help')", po_errmsg());
            }
            bool dup = false;
            for (size_t j = 0; j < n; j++) dup = dup || idx[j] == i;
            if (!dup) idx[n++] = i;
        }
    }

    repro_progress prog;
    memset(&prog, 0, sizeof prog);
    prog.count = n;
    o.progress = on_progress;
    o.progress_user = &prog;
    /* The runner stages each figure in a hidden directory inside the output
     * directory: on a signal, remove it, and the output directory too if this
     * run created it and it is still empty (cli_signal.h). */
    struct stat sb;
    bool existed = stat(o.out_dir, &sb) == 0;
    cli_stage_lock();
    bool noted = cli_signal_watch(o.out_dir) == 0 && (existed || cli_signal_rmdir(o.out_dir) == 0);
    cli_stage_unlock();
    if (!noted) {
        free(idx);
        return cli_fail(run, "out of memory");
    }
    double t0 = now_seconds();
    po_repro_result res;
    po_status st = po_reproduce(idx, n, &o, &res);
    cli_progress_end(&prog.bar);
    if (st != PO_OK) {
        free(idx);
        return cli_fail_status(run, st);
    }
    double secs = now_seconds() - t0;

    cJSON *manifest = cli_manifest_new(run);
    cJSON *mo = manifest ? cli_manifest_options(manifest) : NULL;
    cJSON *figs = mo ? cJSON_AddArrayToObject(mo, "figures") : NULL;
    for (size_t i = 0; figs && i < n; i++)
        cJSON_AddItemToArray(figs, cJSON_CreateString(po_repro_name(idx[i])));
    cli_manifest_add_opts(manifest, &spec, NULL);
    if (manifest) add_outputs(manifest, o.out_dir, idx, n);
    free(idx);
    char *path = cli_path_join(o.out_dir, "manifest.json");
    rc = path ? cli_manifest_write(run, manifest, path) : cli_fail(run, "out of memory");
    if (!path) cJSON_Delete(manifest);
    free(path);
    if (rc != CLI_EXIT_OK) return rc;
    printf("partobs reproduce: %zu figure%s, %zu of %zu claims hold, %.1f s%s; see %s/claims.md\n",
           n, n == 1 ? "" : "s", res.held, res.claims, secs, o.quick ? " (quick)" : "", o.out_dir);
    return CLI_EXIT_OK;
}
