/* partobs CLI: path identity and target types (see cli_paths.h). */
#define _DEFAULT_SOURCE /* realpath */
#include "cli_paths.h"

#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli_hdf5.h"
#include "cli_output.h"

enum { MAX_PATHS = 40 };

typedef struct entry {
    char path[PATH_MAX + 1];
    char what[96]; /* "" for a positional argument or -o: the example messages of the issue */
    bool output, exists;
    struct stat st;
    char resolved[2 * PATH_MAX + 2];
} entry;

typedef struct entries {
    entry e[MAX_PATHS];
    size_t n;
} entries;

/* The name a missing file would get: realpath(parent) + "/" + last component. */
static void resolve(entry *e)
{
    char dir[PATH_MAX + 1];
    const char *slash = strrchr(e->path, '/');
    const char *base = slash ? slash + 1 : e->path;
    size_t dlen = slash ? (size_t)(slash - e->path) : 0;
    if (!slash) {
        snprintf(dir, sizeof dir, ".");
    } else if (dlen == 0) {
        snprintf(dir, sizeof dir, "/");
    } else if (dlen < sizeof dir) {
        memcpy(dir, e->path, dlen);
        dir[dlen] = '\0';
    } else {
        snprintf(e->resolved, sizeof e->resolved, "%s", e->path);
        return;
    }
    char real[PATH_MAX + 1];
    if (realpath(dir, real))
        snprintf(e->resolved, sizeof e->resolved, "%s/%s", real, base);
    else
        snprintf(e->resolved, sizeof e->resolved, "%s", e->path);
}

/* Add the path printf(fmt, ...) unless it is "-" (standard output). */
#if defined(__GNUC__)
__attribute__((format(printf, 4, 5)))
#endif
static void
add(entries *es, const char *what, bool output, const char *fmt, ...)
{
    if (es->n == MAX_PATHS) return;
    entry *e = &es->e[es->n];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(e->path, sizeof e->path, fmt, ap);
    va_end(ap);
    if (output && strcmp(e->path, "-") == 0) return;
    es->n++;
    snprintf(e->what, sizeof e->what, "%s", what);
    e->output = output;
    e->exists = stat(e->path, &e->st) == 0;
    if (!e->exists) resolve(e);
}

/* An input: the file itself, also when it is named FILE:/DATASET (cli_hdf5.h). */
static void add_input(entries *es, const char *what, const char *path)
{
    const char *colon = cli_h5_dataset_colon(path);
    add(es, what, false, "%.*s", colon ? (int)(colon - path) : (int)strlen(path), path);
}

static bool same_file(const entry *a, const entry *b)
{
    if (a->exists != b->exists) return false;
    if (a->exists) return a->st.st_dev == b->st.st_dev && a->st.st_ino == b->st.st_ino;
    return strcmp(a->resolved, b->resolved) == 0;
}

/* " (--what)" or "". */
static void label(const entry *e, char *buf, size_t cap)
{
    if (e->what[0])
        snprintf(buf, cap, " (%s)", e->what);
    else
        buf[0] = '\0';
}

static const char *not_regular(const struct stat *st)
{
    if (S_ISDIR(st->st_mode)) return "a directory";
    if (S_ISCHR(st->st_mode) || S_ISBLK(st->st_mode)) return "a device";
    if (S_ISFIFO(st->st_mode)) return "a FIFO";
    if (S_ISSOCK(st->st_mode)) return "a socket";
    return S_ISREG(st->st_mode) ? NULL : "not a regular file";
}

int cli_check_paths(cli_run *run, const cli_spec *spec, const char *const *pos, size_t npos,
                    const cli_path *extra, size_t n_extra)
{
    entries *es = calloc(1, sizeof *es);
    if (!es) return cli_fail(run, "out of memory");
    for (size_t k = 0; spec->pos_inputs && k < npos; k++) add_input(es, "", pos[k]);
    bool manifest = false;
    int rc = CLI_PROCEED;
    for (size_t k = 0; rc == CLI_PROCEED && k < spec->nopts; k++) {
        const cli_opt *o = &spec->opts[k];
        const char *path = o->kind >= CLI_INPUT ? *(const char *const *)o->dest : NULL;
        if (!path) continue;
        char what[64];
        if (o->short_name)
            snprintf(what, sizeof what, "-%c", o->short_name);
        else
            snprintf(what, sizeof what, "--%s", o->name);
        if (o->kind == CLI_OUTPUT && strcmp(path, "-") == 0)
            rc = cli_usage(run, "%s -: a .npy output cannot go to standard output", what);
        struct stat st;
        if (o->kind == CLI_OUTDIR && stat(path, &st) == 0 && !S_ISDIR(st.st_mode))
            rc = cli_usage(run, "%s %s is not a directory", what, path);
        for (const char *const *f = o->kind == CLI_OUTDIR ? spec->dir_files : NULL; f && *f; f++)
            add(es, what, true, "%s/%s", path, *f);
        if (o->kind == CLI_INPUT)
            add_input(es, what, path);
        else if (o->kind == CLI_OUTPUT || o->kind == CLI_REPORT)
            add(es, o->short_name == 'o' ? "" : what, true, "%s", path);
        if ((o->flags & CLI_MANIFEST) && !manifest && strcmp(path, "-") != 0) {
            char mwhat[80];
            snprintf(mwhat, sizeof mwhat, "the manifest of %s", what);
            add(es, mwhat, true, "%s.manifest.json", path);
            manifest = true;
        }
    }
    for (size_t k = 0; k < n_extra; k++) add(es, extra[k].what, true, "%s", extra[k].path);

    for (size_t i = 0; rc == CLI_PROCEED && i < es->n; i++) {
        const entry *a = &es->e[i];
        char la[104], lb[104];
        label(a, la, sizeof la);
        const char *kind = a->output && a->exists ? not_regular(&a->st) : NULL;
        if (kind) {
            rc = cli_usage(run, "output %s%s is %s", a->path, la, kind);
            break;
        }
        for (size_t j = 0; j < i; j++) {
            const entry *b = &es->e[j];
            if (!(a->output || b->output) || !same_file(a, b)) continue;
            label(b, lb, sizeof lb);
            if (a->output && b->output)
                rc = cli_usage(run, "outputs %s%s and %s%s are the same file", b->path, lb, a->path,
                               la);
            else if (a->output)
                rc = cli_usage(run, "output %s%s is the input %s%s", a->path, la, b->path, lb);
            else
                rc = cli_usage(run, "output %s%s is the input %s%s", b->path, lb, a->path, la);
            break;
        }
    }
    free(es);
    return rc;
}
