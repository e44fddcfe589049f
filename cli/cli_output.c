/* partobs CLI: error lines, staged output files and progress (see cli_output.h). */
#define _DEFAULT_SOURCE /* flock() */
#include "cli_output.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <time.h>
#include <unistd.h>

#include "cli_signal.h"

/* Print the message of one error line, folding any newline so it stays one line. */
#if defined(__GNUC__)
__attribute__((format(printf, 2, 0)))
#endif
static void vreport(const cli_run *run, const char *fmt, va_list ap)
{
    char msg[1024];
    vsnprintf(msg, sizeof msg, fmt, ap);
    for (char *p = msg; *p; p++)
        if (*p == '\n' || *p == '\r') *p = ' ';
    /* Under the staging lock: once a signal's clean-up has begun (it holds
     * the lock for good), a write it made fail is not reported. */
    cli_stage_lock();
    fprintf(stderr, "partobs: %s: %s\n", run->cmd->name, msg);
    cli_stage_unlock();
}

int cli_usage(cli_run *run, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vreport(run, fmt, ap);
    va_end(ap);
    return CLI_EXIT_USAGE;
}

int cli_fail(cli_run *run, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vreport(run, fmt, ap);
    va_end(ap);
    cli_rollback(run);
    return CLI_EXIT_RUNTIME;
}

int cli_fail_status(cli_run *run, po_status status)
{
    const char *detail = po_errmsg();
    if (detail[0] == '\0') return cli_fail(run, "%s", po_strerror(status));
    return cli_fail(run, "%s", detail);
}

/* ---- staged outputs (issue 10 items 2-4) -----------------------------------
 *
 * Every output file is first written under its own name inside a hidden
 * staging directory: "<dir>/.partobs-tmp.<pid>/" beside the file it will
 * replace, or, for an output directory that does not exist yet (cli_out_dir),
 * "<parent>/.<name>.partobs-tmp.<pid>/", which becomes that directory. The
 * commit renames everything into place at once, holding the staging lock
 * (cli_signal.h) and an flock() on every directory involved, so that a signal
 * or another partobs process never sees part of the set. */

typedef struct stage_dir {
    char *dir;   /* where its files go */
    char *stage; /* where they wait */
    char *lock;  /* the existing directory locked at the commit: dir, or its parent */
    bool whole;  /* a new output directory: the stage itself is renamed to dir */
    bool placed; /* whole, and renamed into place */
    dev_t dev;   /* of dir (not whole): the same directory under another name */
    ino_t ino;
} stage_dir;

typedef struct staged_file {
    char *path;   /* as the command named it (listed in the manifest) */
    char *target; /* what is replaced: path, or the file a symlink at path names */
    char *staged; /* the bytes until the commit */
    size_t dir;   /* index of its stage_dir */
    bool listed;  /* false for the manifest itself */
    bool placed;  /* renamed into place; dev, ino then identify it */
    dev_t dev;
    ino_t ino;
} staged_file;

struct cli_outputs {
    staged_file *files;
    size_t n_files, cap_files;
    stage_dir *dirs;
    size_t n_dirs, cap_dirs;
    bool committed;
};

static char *dup_str(const char *s)
{
    size_t n = strlen(s) + 1;
    char *p = malloc(n);
    if (p) memcpy(p, s, n);
    return p;
}

/* The directory part of path ("." if none), without trailing slashes. */
static char *dir_of(const char *path)
{
    const char *slash = strrchr(path, '/');
    if (!slash) return dup_str(".");
    size_t n = (size_t)(slash - path);
    while (n > 1 && path[n - 1] == '/') n--;
    if (n == 0) n = 1; /* "/name" */
    char *d = malloc(n + 1);
    if (d) {
        memcpy(d, path, n);
        d[n] = '\0';
    }
    return d;
}

static const char *base_of(const char *path)
{
    const char *slash = strrchr(path, '/');
    return slash ? slash + 1 : path;
}

static const char *kind_of(mode_t m)
{
    if (S_ISDIR(m)) return "a directory";
    if (S_ISCHR(m) || S_ISBLK(m)) return "a device";
    if (S_ISFIFO(m)) return "a FIFO";
    if (S_ISSOCK(m)) return "a socket";
    return "not a regular file";
}

/* *out: the file that writing path replaces: path itself, or the file a
 * chain of symbolic links at path names (a relative link is relative to the
 * link's directory), so that the link survives. Anything that exists and is
 * not a regular file is refused. */
static int resolve_target(cli_run *run, const char *path, char **out)
{
    struct stat sb;
    if (stat(path, &sb) == 0 && !S_ISREG(sb.st_mode))
        return cli_fail(run, "will not replace '%s': it is %s", path, kind_of(sb.st_mode));
    char *cur = dup_str(path);
    for (int hops = 0; cur; hops++) {
        bool absent = lstat(cur, &sb) != 0;
        if (absent && errno != ENOENT) break;
        if (absent || S_ISREG(sb.st_mode)) {
            *out = cur;
            return CLI_EXIT_OK;
        }
        if (!S_ISLNK(sb.st_mode)) {
            free(cur);
            return cli_fail(run, "will not replace '%s': it is %s", path, kind_of(sb.st_mode));
        }
        char link[4096];
        ssize_t n = hops < 40 ? readlink(cur, link, sizeof link - 1) : -1;
        if (hops >= 40) errno = ELOOP;
        if (n < 0) break;
        link[n] = '\0';
        const char *slash = strrchr(cur, '/');
        size_t keep = link[0] == '/' || !slash ? 0 : (size_t)(slash - cur + 1);
        char *next = malloc(keep + (size_t)n + 1);
        if (next) {
            memcpy(next, cur, keep);
            memcpy(next + keep, link, (size_t)n + 1);
        }
        free(cur);
        cur = next;
        errno = ENOMEM;
    }
    int err = errno;
    free(cur);
    return cli_fail(run, "cannot write '%s': %s", path, strerror(err));
}


static int grow(void **items, size_t *cap, size_t n, size_t size)
{
    if (n < *cap) return 0;
    size_t ncap = *cap ? 2 * *cap : 8;
    void *p = realloc(*items, ncap * size);
    if (!p) return -1;
    *items = p;
    *cap = ncap;
    return 0;
}

/* Create the staging directory of d (its strings are owned from here on)
 * and add it to the run; *index: its place. */
static int add_stage(cli_run *run, stage_dir d, size_t *index)
{
    struct cli_outputs *o = run->out;
    bool ok = d.dir && d.stage && d.lock &&
              grow((void **)&o->dirs, &o->cap_dirs, o->n_dirs, sizeof *o->dirs) == 0;
    int err = ENOMEM;
    if (ok) {
        cli_stage_lock();
        ok = cli_signal_watch(d.lock) == 0;
        if (ok) {
            ok = mkdir(d.stage, 0777) == 0;
            /* A stage of this pid can only be left by a killed process of the
             * same number: it is stale. */
            if (!ok && errno == EEXIST && cli_remove_tree(d.stage) == 0)
                ok = mkdir(d.stage, 0777) == 0;
            err = errno;
        }
        if (ok) o->dirs[o->n_dirs++] = d;
        cli_stage_unlock();
    }
    if (!ok) {
        int rc = cli_fail(run, "cannot write into '%s': %s", d.dir ? d.dir : "?", strerror(err));
        free(d.dir);
        free(d.stage);
        free(d.lock);
        return rc;
    }
    *index = o->n_dirs - 1;
    return CLI_EXIT_OK;
}

static int ensure_outputs(cli_run *run)
{
    if (!run->out) run->out = calloc(1, sizeof *run->out);
    return run->out ? CLI_EXIT_OK : cli_fail(run, "out of memory");
}

/* The stage of the files going to directory dir (consumed), made on first use. */
static int stage_of(cli_run *run, const char *path, char *dir, size_t *index)
{
    struct cli_outputs *o = run->out;
    for (size_t k = 0; k < o->n_dirs; k++)
        if (o->dirs[k].whole && strcmp(o->dirs[k].dir, dir) == 0) {
            free(dir);
            *index = k;
            return CLI_EXIT_OK;
        }
    struct stat sb;
    if (stat(dir, &sb) != 0 || !S_ISDIR(sb.st_mode)) {
        int err = errno;
        free(dir);
        return cli_fail(run, "cannot write '%s': %s", path,
                        err ? strerror(err) : "its directory is not a directory");
    }
    for (size_t k = 0; k < o->n_dirs; k++)
        if (!o->dirs[k].whole && o->dirs[k].dev == sb.st_dev && o->dirs[k].ino == sb.st_ino) {
            free(dir);
            *index = k;
            return CLI_EXIT_OK;
        }
    stage_dir d = {.dir = dir, .stage = cli_path_join(dir, cli_stage_tag()), .lock = dup_str(dir),
                   .dev = sb.st_dev, .ino = sb.st_ino};
    return add_stage(run, d, index);
}

int cli_out_dir(cli_run *run, const char *dir)
{
    if (ensure_outputs(run) != CLI_EXIT_OK) return CLI_EXIT_RUNTIME;
    char *d = dup_str(dir);
    if (!d) return cli_fail(run, "out of memory");
    for (size_t n = strlen(d); n > 1 && d[n - 1] == '/';) d[--n] = '\0';
    struct stat sb;
    bool exists = lstat(d, &sb) == 0;
    if (exists && stat(d, &sb) == 0 && S_ISDIR(sb.st_mode)) {
        free(d); /* its files are staged inside it, one by one */
        return CLI_EXIT_OK;
    }
    if (exists || errno != ENOENT) {
        int err = exists ? 0 : errno;
        free(d);
        return cli_fail(run, "cannot create the output directory '%s': %s", dir,
                        err ? strerror(err) : "a file of that name exists");
    }
    char *parent = dir_of(d);
    size_t n = strlen(d) + strlen(cli_stage_tag()) + 4;
    char *name = malloc(n);
    if (name) snprintf(name, n, ".%s%s", base_of(d), cli_stage_tag());
    stage_dir s = {.dir = d, .stage = parent && name ? cli_path_join(parent, name) : NULL,
                   .lock = parent, .whole = true};
    free(name);
    size_t index;
    return add_stage(run, s, &index);
}

/* Record path as an output: resolve it, find its stage; *staged: where to
 * write its bytes. */
static int stage_file(cli_run *run, const char *path, bool listed, const char **staged)
{
    if (ensure_outputs(run) != CLI_EXIT_OK) return CLI_EXIT_RUNTIME;
    struct cli_outputs *o = run->out;
    if (o->committed) return cli_fail(run, "%s: written after the outputs were committed", path);
    char *target = NULL;
    int rc = resolve_target(run, path, &target);
    if (rc != CLI_EXIT_OK) return rc;
    for (size_t k = 0; k < o->n_files; k++)
        if (strcmp(o->files[k].target, target) == 0) {
            free(target);
            return cli_fail(run, "'%s' would be written twice", path);
        }
    char *dir = dir_of(target);
    size_t index = 0;
    rc = dir ? stage_of(run, path, dir, &index) : cli_fail(run, "out of memory");
    if (rc != CLI_EXIT_OK) {
        free(target);
        return rc;
    }
    staged_file f = {.path = dup_str(path), .target = target, .dir = index, .listed = listed};
    f.staged = cli_path_join(o->dirs[index].stage, base_of(target));
    if (!f.path || !f.staged ||
        grow((void **)&o->files, &o->cap_files, o->n_files, sizeof *o->files) != 0) {
        free(f.path);
        free(f.target);
        free(f.staged);
        return cli_fail(run, "%s: out of memory while recording the output", path);
    }
    o->files[o->n_files++] = f;
    *staged = f.staged;
    return CLI_EXIT_OK;
}

static void free_outputs(cli_run *run)
{
    struct cli_outputs *o = run->out;
    if (!o) return;
    for (size_t k = 0; k < o->n_files; k++) {
        free(o->files[k].path);
        free(o->files[k].target);
        free(o->files[k].staged);
    }
    for (size_t k = 0; k < o->n_dirs; k++) {
        free(o->dirs[k].dir);
        free(o->dirs[k].stage);
        free(o->dirs[k].lock);
    }
    free(o->files);
    free(o->dirs);
    free(o);
    run->out = NULL;
}

void cli_rollback(cli_run *run)
{
    struct cli_outputs *o = run->out;
    if (!o) return;
    cli_stage_lock();
    for (size_t k = o->n_files; k-- > 0;) {
        staged_file *f = &o->files[k];
        struct stat sb;
        if (!f->placed)
            unlink(f->staged);
        else if (lstat(f->target, &sb) == 0 && sb.st_dev == f->dev && sb.st_ino == f->ino)
            unlink(f->target); /* still ours: no other writer replaced it since */
    }
    for (size_t k = o->n_dirs; k-- > 0;) {
        if (o->dirs[k].placed)
            rmdir(o->dirs[k].dir);
        else
            cli_remove_tree(o->dirs[k].stage);
    }
    cli_stage_unlock();
    free_outputs(run);
}

void cli_run_release(cli_run *run) { free_outputs(run); }

size_t cli_output_count(const cli_run *run)
{
    size_t n = 0;
    for (size_t k = 0; run->out && k < run->out->n_files; k++) n += run->out->files[k].listed;
    return n;
}

/* The k-th listed output. */
static const staged_file *listed_file(const cli_run *run, size_t k)
{
    for (size_t i = 0; i < run->out->n_files; i++)
        if (run->out->files[i].listed && k-- == 0) return &run->out->files[i];
    return NULL;
}

const char *cli_output_path(const cli_run *run, size_t k) { return listed_file(run, k)->path; }

const char *cli_output_bytes(const cli_run *run, size_t k)
{
    const staged_file *f = listed_file(run, k);
    return f->placed ? f->target : f->staged;
}

/* Lock every directory the commit renames into against other partobs
 * commits: flock() on the directories, taken in (device, inode) order so
 * that two processes never wait for each other. A directory that cannot be
 * opened for reading is not locked (the renames are still atomic one by one). */
typedef struct dir_lock {
    dev_t dev;
    ino_t ino;
    int fd;
} dir_lock;

static size_t lock_dirs(const struct cli_outputs *o, dir_lock *locks)
{
    size_t n = 0;
    for (size_t k = 0; k < o->n_dirs; k++) {
        int fd = open(o->dirs[k].lock, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        struct stat sb;
        if (fd < 0) continue;
        bool dup = fstat(fd, &sb) != 0;
        for (size_t i = 0; !dup && i < n; i++) dup = locks[i].dev == sb.st_dev && locks[i].ino == sb.st_ino;
        if (dup) {
            close(fd);
            continue;
        }
        size_t j = n++;
        for (; j > 0 && (locks[j - 1].dev > sb.st_dev ||
                         (locks[j - 1].dev == sb.st_dev && locks[j - 1].ino > sb.st_ino));
             j--)
            locks[j] = locks[j - 1];
        locks[j] = (dir_lock){sb.st_dev, sb.st_ino, fd};
    }
    for (size_t i = 0; i < n; i++)
        while (flock(locks[i].fd, LOCK_EX) != 0 && errno == EINTR) continue;
    return n;
}

/* Rename one staged file into place and note what it became. */
static int place(staged_file *f)
{
    struct stat sb;
    if (rename(f->staged, f->target) != 0) return errno;
    f->placed = true;
    if (lstat(f->target, &sb) == 0) {
        f->dev = sb.st_dev;
        f->ino = sb.st_ino;
    }
    return 0;
}

int cli_commit(cli_run *run)
{
    struct cli_outputs *o = run->out;
    if (!o || o->committed) return CLI_EXIT_OK;
    dir_lock *locks = malloc((o->n_dirs + 1) * sizeof *locks);
    if (!locks) return cli_fail(run, "out of memory");
    cli_stage_lock();
    size_t n_locks = lock_dirs(o, locks);
    int err = 0;
    const char *what = NULL;
    /* Last line of defence (issue 10 item 2): whatever appeared at a target
     * since it was staged must still be a regular file to be replaced. */
    for (size_t k = 0; k < o->n_files && !what; k++) {
        struct stat sb;
        if (!o->dirs[o->files[k].dir].whole && lstat(o->files[k].target, &sb) == 0 &&
            !S_ISREG(sb.st_mode)) {
            what = o->files[k].path;
            err = S_ISDIR(sb.st_mode) ? EISDIR : EEXIST;
        }
    }
    for (size_t k = 0; k < o->n_files && !err; k++)
        if (!o->dirs[o->files[k].dir].whole) {
            err = place(&o->files[k]);
            what = o->files[k].path;
        }
    for (size_t k = 0; k < o->n_dirs && !err; k++) {
        stage_dir *d = &o->dirs[k];
        what = d->dir;
        if (!d->whole) {
            rmdir(d->stage);
        } else if (rename(d->stage, d->dir) == 0) {
            d->placed = true;
            for (size_t i = 0; i < o->n_files; i++)
                if (o->files[i].dir == k) {
                    struct stat sb;
                    o->files[i].placed = lstat(o->files[i].target, &sb) == 0;
                    o->files[i].dev = sb.st_dev;
                    o->files[i].ino = sb.st_ino;
                }
        } else if (errno == EEXIST || errno == ENOTEMPTY) {
            /* The directory appeared since cli_out_dir: move the files in one
             * by one (each atomically, the set not). */
            for (size_t i = 0; i < o->n_files && !err; i++)
                if (o->files[i].dir == k) err = place(&o->files[i]);
            if (!err) rmdir(d->stage);
        } else {
            err = errno;
        }
    }
    o->committed = true;
    for (size_t i = 0; i < n_locks; i++) close(locks[i].fd); /* releases the flock */
    cli_stage_unlock();
    free(locks);
    if (err) return cli_fail(run, "cannot move '%s' into place: %s", what, strerror(err));
    return CLI_EXIT_OK;
}

int cli_write_mat(cli_run *run, const char *path, const po_mat *m)
{
    const char *staged;
    int rc = stage_file(run, path, true, &staged);
    if (rc != CLI_EXIT_OK) return rc;
    po_status st = po_npy_write_mat(staged, m);
    return st == PO_OK ? CLI_EXIT_OK : cli_fail_status(run, st);
}

int cli_write_vec(cli_run *run, const char *path, const double *x, size_t n)
{
    const char *staged;
    int rc = stage_file(run, path, true, &staged);
    if (rc != CLI_EXIT_OK) return rc;
    po_status st = po_npy_write_vec(staged, x, n);
    return st == PO_OK ? CLI_EXIT_OK : cli_fail_status(run, st);
}

int cli_write_figure(cli_run *run, const char *path, po_figure *f)
{
    const char *staged;
    int rc = stage_file(run, path, true, &staged);
    if (rc != CLI_EXIT_OK) return rc;
    po_status st = po_figure_save(f, staged);
    return st == PO_OK ? CLI_EXIT_OK : cli_fail_status(run, st);
}

/* Write len bytes of text as the output path (listed or not), or to
 * standard output when path is "-". */
static int write_text(cli_run *run, const char *path, bool listed, const char *text, size_t len)
{
    if (strcmp(path, "-") == 0) {
        /* Errors surface when main() flushes standard output. */
        fwrite(text, 1, len, stdout);
        return CLI_EXIT_OK;
    }
    const char *staged;
    int rc = stage_file(run, path, listed, &staged);
    if (rc != CLI_EXIT_OK) return rc;
    int fd = open(staged, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
    if (fd < 0) return cli_fail(run, "cannot write '%s': %s", path, strerror(errno));
    size_t done = 0;
    int err = 0;
    while (done < len) {
        ssize_t n = write(fd, text + done, len - done);
        if (n < 0) {
            if (errno == EINTR) continue;
            err = errno;
            break;
        }
        done += (size_t)n;
    }
    if (close(fd) != 0 && !err) err = errno;
    if (err) return cli_fail(run, "cannot write '%s': %s", path, strerror(err));
    return CLI_EXIT_OK;
}

/* Set by the cJSON allocation hook; the one piece of global state in the tool. */
static bool json_alloc_failed;

static void *json_malloc(size_t n)
{
    void *p = malloc(n);
    if (!p) json_alloc_failed = true;
    return p;
}

void cli_json_init(void)
{
    cJSON_Hooks hooks = {json_malloc, free};
    cJSON_InitHooks(&hooks);
}

static int write_json(cli_run *run, const char *path, bool listed, const cJSON *json)
{
    char *text = json_alloc_failed ? NULL : cJSON_Print(json);
    if (!text || json_alloc_failed) {
        cJSON_free(text);
        return cli_fail(run, "%s: out of memory while building the JSON document", path);
    }
    size_t len = strlen(text);
    /* cJSON_Print gives no final newline; add one so the file is a proper text file. */
    char *line = malloc(len + 2);
    if (!line) {
        cJSON_free(text);
        return cli_fail(run, "%s: out of memory", path);
    }
    memcpy(line, text, len);
    line[len] = '\n';
    line[len + 1] = '\0';
    cJSON_free(text);
    int rc = write_text(run, path, listed, line, len + 1);
    free(line);
    return rc;
}

int cli_write_json(cli_run *run, const char *path, const cJSON *json)
{
    return write_json(run, path, true, json);
}

int cli_write_json_unlisted(cli_run *run, const char *path, const cJSON *json)
{
    return write_json(run, path, false, json);
}

int cli_write_text(cli_run *run, const char *path, const char *text)
{
    return write_text(run, path, true, text, strlen(text));
}

char *cli_path_join(const char *dir, const char *name)
{
    size_t n = strlen(dir) + strlen(name) + 2;
    char *p = malloc(n);
    if (p) snprintf(p, n, "%s/%s", dir, name);
    return p;
}

cJSON *cli_json_number(double v)
{
    return po_report_number(v);
}

/* ---- progress ------------------------------------------------------------ */

static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

#define BAR_WIDTH 30
#define LINE_WIDTH 79

void cli_progress_init(cli_progress *p, const char *label)
{
    p->label = label;
    p->active = isatty(STDERR_FILENO) == 1;
    p->drawn = false;
    p->t0 = p->active ? now_seconds() : 0.0;
    p->last = p->t0;
}

void cli_progress_update(void *user, size_t done, size_t total)
{
    cli_progress *p = user;
    if (!p->active || total == 0) return;
    double t = now_seconds();
    /* Redraw at most ten times a second; the first draw waits 0.2 s so that
     * short runs print nothing at all. */
    if (t - p->last < 0.1 || t - p->t0 < 0.2) return;
    p->last = t;
    double frac = (double)done / (double)total;
    if (frac > 1.0) frac = 1.0;
    char bar[BAR_WIDTH + 1];
    size_t filled = (size_t)(frac * BAR_WIDTH);
    for (size_t k = 0; k < BAR_WIDTH; k++) bar[k] = k < filled ? '#' : '.';
    bar[BAR_WIDTH] = '\0';
    double elapsed = t - p->t0;
    double eta = done > 0 ? elapsed * (1.0 - frac) / frac : 0.0;
    char line[LINE_WIDTH + 1];
    snprintf(line, sizeof line, "%s [%s] %3d%%  ETA %.0fs", p->label, bar, (int)(100.0 * frac),
             eta);
    fprintf(stderr, "\r%-*s", LINE_WIDTH, line);
    fflush(stderr);
    p->drawn = true;
}

void cli_progress_status(cli_progress *p, const char *what)
{
    if (!p->active) return;
    fprintf(stderr, "\r%s: %.*s", p->label, LINE_WIDTH - 12, what);
    fflush(stderr);
    p->drawn = true;
}

void cli_progress_end(cli_progress *p)
{
    if (!p->drawn) return;
    fprintf(stderr, "\r%*s\r", LINE_WIDTH, "");
    fflush(stderr);
    p->drawn = false;
}
