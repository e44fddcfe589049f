/* partobs CLI: error lines, atomic output files and progress (see cli_output.h). */
#include "cli_output.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <time.h>
#include <unistd.h>

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
    fprintf(stderr, "partobs: %s: %s\n", run->cmd->name, msg);
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

void cli_rollback(cli_run *run)
{
    while (run->n_outputs > 0) {
        char *path = run->outputs[--run->n_outputs];
        remove(path);
        free(path);
    }
}

void cli_run_release(cli_run *run)
{
    while (run->n_outputs > 0) free(run->outputs[--run->n_outputs]);
}

static int record(cli_run *run, const char *path)
{
    char *copy = run->n_outputs < CLI_MAX_FILES ? malloc(strlen(path) + 1) : NULL;
    if (!copy) {
        /* Still remove the file just written: it must not outlive the failure. */
        remove(path);
        return cli_fail(run, "%s: out of memory while recording the output", path);
    }
    strcpy(copy, path);
    run->outputs[run->n_outputs++] = copy;
    return CLI_EXIT_OK;
}

int cli_write_mat(cli_run *run, const char *path, const po_mat *m)
{
    po_status st = po_npy_write_mat(path, m);
    if (st != PO_OK) return cli_fail_status(run, st);
    return record(run, path);
}

int cli_write_vec(cli_run *run, const char *path, const double *x, size_t n)
{
    po_status st = po_npy_write_vec(path, x, n);
    if (st != PO_OK) return cli_fail_status(run, st);
    return record(run, path);
}

/* Write len bytes of text to path through a temporary file and a rename. */
static int write_atomic(cli_run *run, const char *path, const char *text, size_t len)
{
    size_t cap = strlen(path) + 32;
    char *tmp = malloc(cap);
    if (!tmp) return cli_fail(run, "%s: out of memory", path);
    snprintf(tmp, cap, "%s.tmp.%ld", path, (long)getpid());
    int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL, 0666);
    if (fd < 0) {
        int err = errno;
        free(tmp);
        return cli_fail(run, "cannot write '%s': %s", path, strerror(err));
    }
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
    if (!err && rename(tmp, path) != 0) err = errno;
    if (err) {
        unlink(tmp);
        free(tmp);
        return cli_fail(run, "cannot write '%s': %s", path, strerror(err));
    }
    free(tmp);
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

int cli_write_json(cli_run *run, const char *path, const cJSON *json)
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
    int rc = write_atomic(run, path, line, len + 1);
    free(line);
    if (rc != CLI_EXIT_OK) return rc;
    return record(run, path);
}

int cli_write_text(cli_run *run, const char *path, const char *text)
{
    int rc = write_atomic(run, path, text, strlen(text));
    if (rc != CLI_EXIT_OK) return rc;
    return record(run, path);
}

int cli_make_dir(cli_run *run, const char *dir, bool *created)
{
    *created = false;
    if (mkdir(dir, 0777) == 0) {
        *created = true;
        return CLI_EXIT_OK;
    }
    int err = errno;
    struct stat sb;
    if (err == EEXIST && stat(dir, &sb) == 0 && S_ISDIR(sb.st_mode)) return CLI_EXIT_OK;
    return cli_fail(run, "cannot create the output directory '%s': %s", dir,
                    err == EEXIST ? "a file of that name exists" : strerror(err));
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
