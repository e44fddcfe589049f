/* partobs CLI: clean-up after SIGINT, SIGTERM and SIGHUP (see cli_signal.h). */
#include "cli_signal.h"

#include <dirent.h>
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli_output.h"
#include "partobs/npy.h"

/* A growable list of owned strings. */
typedef struct str_list {
    char **items;
    size_t n, cap;
} str_list;

static pthread_mutex_t stage_mutex = PTHREAD_MUTEX_INITIALIZER;
static str_list watched, created_dirs;
static pthread_t watcher;
static const char *command_name = "partobs";
static char tag[sizeof PO_TEMP_TAG + 24];

static const int signals[] = {SIGINT, SIGTERM, SIGHUP};
#define N_SIGNALS (sizeof signals / sizeof signals[0])

void cli_stage_lock(void) { pthread_mutex_lock(&stage_mutex); }
void cli_stage_unlock(void) { pthread_mutex_unlock(&stage_mutex); }

const char *cli_stage_tag(void)
{
    if (tag[0] == '\0') snprintf(tag, sizeof tag, PO_TEMP_TAG "%ld", (long)getpid());
    return tag;
}

/* Is `name` (a directory entry) one this process staged: hidden, and
 * holding cli_stage_tag() followed by '.' or the end of the name? */
static bool is_ours(const char *name)
{
    if (name[0] != '.') return false;
    const char *t = cli_stage_tag();
    size_t n = strlen(t);
    for (const char *p = strstr(name, t); p; p = strstr(p + 1, t))
        if (p[n] == '\0' || p[n] == '.') return true;
    return false;
}

int cli_remove_tree(const char *path)
{
    struct stat sb;
    if (lstat(path, &sb) != 0) return -1;
    if (!S_ISDIR(sb.st_mode)) return unlink(path);
    /* Other threads of this process may still be writing into the directory
     * (a staged file, the library's temporary) while the signal thread
     * clears it: empty it again until rmdir succeeds. Once it is gone no
     * file can be created in it any more. */
    for (int attempt = 0; attempt < 1000; attempt++) {
        DIR *d = opendir(path);
        if (d) {
            for (struct dirent *e = readdir(d); e; e = readdir(d)) {
                if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0) continue;
                char *child = cli_path_join(path, e->d_name);
                if (child) cli_remove_tree(child);
                free(child);
            }
            closedir(d);
        }
        if (rmdir(path) == 0 || errno != ENOTEMPTY) break;
    }
    return lstat(path, &sb) == 0 ? -1 : 0;
}

static int list_add(str_list *l, const char *s)
{
    for (size_t k = 0; k < l->n; k++)
        if (strcmp(l->items[k], s) == 0) return 0;
    if (l->n == l->cap) {
        size_t cap = l->cap ? 2 * l->cap : 8;
        char **p = realloc(l->items, cap * sizeof *p);
        if (!p) return -1;
        l->items = p;
        l->cap = cap;
    }
    size_t len = strlen(s) + 1;
    char *copy = malloc(len);
    if (!copy) return -1;
    memcpy(copy, s, len);
    l->items[l->n++] = copy;
    return 0;
}

int cli_signal_watch(const char *dir) { return list_add(&watched, dir); }

int cli_signal_rmdir(const char *dir) { return list_add(&created_dirs, dir); }

void cli_signals_command(const char *cmd) { command_name = cmd; }

/* Remove this process's staged entries from dir. */
static void sweep(const char *dir)
{
    DIR *d = opendir(dir);
    if (!d) return;
    for (struct dirent *e = readdir(d); e; e = readdir(d)) {
        if (!is_ours(e->d_name)) continue;
        char *path = cli_path_join(dir, e->d_name);
        if (path) cli_remove_tree(path);
        free(path);
    }
    closedir(d);
}

static void *watch(void *arg)
{
    const sigset_t *set = arg;
    int sig = 0;
    while (sigwait(set, &sig) != 0) continue;
    /* Never released: the process ends below, with no commit half done. */
    cli_stage_lock();
    for (size_t k = 0; k < watched.n; k++) sweep(watched.items[k]);
    for (size_t k = created_dirs.n; k-- > 0;) rmdir(created_dirs.items[k]);
    char line[160];
    /* On a terminal a progress bar may be drawn: start a fresh line. */
    int n = snprintf(line, sizeof line,
                     "%spartobs: %s: interrupted by %s; temporary files removed\n",
                     isatty(STDERR_FILENO) == 1 ? "\n" : "", command_name,
                     sig == SIGINT ? "SIGINT" : sig == SIGTERM ? "SIGTERM" : "SIGHUP");
    if (n > 0 && write(STDERR_FILENO, line, (size_t)n) < 0) n = 0;
    _exit(128 + sig);
}

/* For threads that existed before main() and so never blocked the signals. */
static void forward(int sig)
{
    int saved = errno;
    pthread_kill(watcher, sig);
    errno = saved;
}

void cli_signals_start(void)
{
    static sigset_t set;
    sigemptyset(&set);
    for (size_t k = 0; k < N_SIGNALS; k++) {
        struct sigaction old;
        if (sigaction(signals[k], NULL, &old) == 0 && old.sa_handler != SIG_IGN)
            sigaddset(&set, signals[k]);
    }
    cli_stage_tag();
    sigset_t before;
    if (pthread_sigmask(SIG_BLOCK, &set, &before) != 0) return;
    pthread_attr_t attr;
    bool ok = false;
    if (pthread_attr_init(&attr) == 0) {
        /* A small stack: the thread only walks a few directories. */
        pthread_attr_setstacksize(&attr, (size_t)1 << 18);
        ok = pthread_create(&watcher, &attr, watch, &set) == 0;
        pthread_attr_destroy(&attr);
    }
    if (!ok) {
        pthread_sigmask(SIG_SETMASK, &before, NULL);
        return;
    }
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = forward;
    sa.sa_flags = SA_RESTART;
    sigfillset(&sa.sa_mask);
    for (size_t k = 0; k < N_SIGNALS; k++)
        if (sigismember(&set, signals[k]) == 1) sigaction(signals[k], &sa, NULL);
}
