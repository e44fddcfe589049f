/* partobs command-line tool: subcommand table and dispatch (DESIGN.md §5).
 * Each subcommand lives in cmd_<name>.c and uses only the public header. */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "cli.h"
#include "cli_output.h"
#include "cli_signal.h"

/* Under an address-space limit (ulimit -v) OpenBLAS's start-up threads can
 * fail to get their stacks and buffers, and it then aborts before main() with
 * its own two-line message. .preinit_array runs before any shared library's
 * constructor, but before libc's too, so setenv() would not last: re-execute
 * with OPENBLAS_NUM_THREADS=1 added (unless the user chose a count). The
 * library then checks the room for the BLAS buffer (issue 10 item 6). */
static void one_blas_thread_under_ulimit(int argc, char **argv, char **envp)
{
    (void)argc;
    static const char var[] = "OPENBLAS_NUM_THREADS=";
    static char one[] = "OPENBLAS_NUM_THREADS=1";
    static char *env[1024];
    struct rlimit rl;
    if (getrlimit(RLIMIT_AS, &rl) != 0 || rl.rlim_cur == RLIM_INFINITY) return;
    size_t n = 0;
    for (; envp[n]; n++) {
        if (strncmp(envp[n], var, sizeof var - 1) == 0 || n + 2 >= sizeof env / sizeof *env)
            return;
        env[n] = envp[n];
    }
    env[n] = one;
    env[n + 1] = NULL;
    execve("/proc/self/exe", argv, env); /* if it fails, run as we are */
}
__attribute__((section(".preinit_array"), used)) static void (*const preinit)(int, char **,
                                                                           char **) =
    one_blas_thread_under_ulimit;

static const cli_cmd commands[] = {
    {"teacher", "draw a teacher connectivity matrix W (SPEC.md §2)", cmd_teacher},
    {"simulate", "simulate the teacher network from W (SPEC.md §1)", cmd_simulate},
    {"observe", "keep the first d neurons (or a list) of the activity (SPEC.md §3)", cmd_observe},
    {"fit", "fit a student network to observed activity (SPEC.md §4)", cmd_fit},
    {"analyze", "spectrum, time constants, LAS and non-normality of W (SPEC.md §5)", cmd_analyze},
    {"compare", "teacher vs student attractors: fixed points, limit cycles, verdict", cmd_compare},

    {"theory", "infinite-data student of a linear teacher (SPEC.md §4.3)", cmd_theory},
    {"curves", "subsampling curves: the infinite-data student for every d (SPEC.md §5)",
     cmd_curves},
    {"task", "the sensory-integration task: integrator activity, readout, ideal (SPEC.md §7)",
     cmd_task},
    {"demo", "the paper's two linear headline cases in miniature", cmd_demo},
    {"diagnose", "is the slow mode of a partial recording real? evidence and the experiment",
     cmd_diagnose},
    {"sweep", "a grid of experiments, one machine or many (Open MPI): results.csv, summary",
     cmd_sweep},
    {"reproduce", "the paper's figures with their numbers and a claims table (SPEC.md §6)",
     cmd_reproduce},
};
#define N_COMMANDS (sizeof commands / sizeof commands[0])

static void usage(FILE *out)
{
    fprintf(out, "usage: partobs COMMAND [options]\n"
                 "       partobs help COMMAND | partobs COMMAND --help\n"
                 "       partobs --version\n"
                 "\n"
                 "Data-constrained models of neural dynamics under partial observation\n"
                 "(Qian et al., NeurIPS 2024). Every stage reads and writes .npy files.\n"
                 "\n"
                 "commands:\n");
    for (size_t k = 0; k < N_COMMANDS; k++)
        fprintf(out, "  %-10s %s\n", commands[k].name, commands[k].summary);
    fprintf(out,
            "\n"
            "exit status: 0 success, 1 runtime error (files, data, computation),\n"
            "2 usage error (command line). Errors are one line on stderr:\n"
            "  partobs: <command>: <message>\n"
            "Every command that writes output also writes <output>.manifest.json.\n"
            "A report (--json, --csv) may be '-', standard output (no manifest then); a\n"
            ".npy output may not. An output that is an input, another output or not a\n"
            "regular file (a device, FIFO or directory) is refused before any work (exit 2).\n");
}

static const cli_cmd *find_command(const char *name)
{
    for (size_t k = 0; k < N_COMMANDS; k++)
        if (strcmp(commands[k].name, name) == 0) return &commands[k];
    return NULL;
}

/* OpenBLAS on a CPU it does not know runs SSE3 kernels (po_blas_coretype_hint):
 * restart once with OPENBLAS_CORETYPE set. A value the user set is kept;
 * if the restart fails, the run goes on with the slow kernels. */
static void blas_kernels(char **argv)
{
    const char *core = getenv("OPENBLAS_CORETYPE") ? NULL : po_blas_coretype_hint();
    if (!core || setenv("OPENBLAS_CORETYPE", core, 1) != 0) return;
    execv("/proc/self/exe", argv);
    unsetenv("OPENBLAS_CORETYPE");
}

int main(int argc, char **argv)
{
    blas_kernels(argv);
    /* Before anything else, so that every thread started later (the
     * library's workers, BLAS's) inherits the blocked signals (cli_signal.h). */
    cli_signals_start();

    /* The process owner's setting (partobs/version.h): the library threads
     * over fixed blocks itself, so one BLAS thread makes every output
     * bit-identical for any --threads and OPENBLAS_NUM_THREADS. */
    po_blas_set_threads(1);
    cli_json_init();
    if (argc < 2) {
        usage(stderr);
        return CLI_EXIT_USAGE;
    }
    const char *name = argv[1];
    if (strcmp(name, "--version") == 0 || strcmp(name, "version") == 0) {
        printf("partobs %s\n", po_version());
        return CLI_EXIT_OK;
    }
    if (strcmp(name, "--help") == 0 || strcmp(name, "-h") == 0) {
        usage(stdout);
        return CLI_EXIT_OK;
    }
    if (strcmp(name, "help") == 0) {
        /* `help COMMAND` is `COMMAND --help`; the hidden `help --markdown COMMAND
         * [--method NAME]` prints the option tables of docs/cli.md instead. */
        bool markdown = argc > 2 && strcmp(argv[2], "--markdown") == 0;
        int first = markdown ? 3 : 2;
        if (argc == first) {
            usage(stdout);
            return CLI_EXIT_OK;
        }
        bool method = markdown && argc == first + 3 && strcmp(argv[first + 1], "--method") == 0;
        if (argc > first + 1 && !method) {
            fprintf(stderr, "partobs: help: expected one command name (see 'partobs --help')\n");
            return CLI_EXIT_USAGE;
        }
        const cli_cmd *c = find_command(argv[first]);
        if (!c) {
            fprintf(stderr, "partobs: help: unknown command '%s' (see 'partobs --help')\n",
                    argv[first]);
            return CLI_EXIT_USAGE;
        }
        static char help_arg[] = "--help";
        char *args[] = {method ? argv[first + 1] : NULL, method ? argv[first + 2] : NULL, help_arg};
        cli_run run = {.cmd = c,
                       .argc = argc,
                       .argv = argv,
                       .help_format = markdown ? CLI_HELP_MARKDOWN : CLI_HELP_TEXT};
        return method ? c->run(&run, 3, args) : c->run(&run, 1, args + 2);
    }
    const cli_cmd *c = find_command(name);
    if (!c) {
        fprintf(stderr, "partobs: unknown command '%s' (see 'partobs --help')\n", name);
        return CLI_EXIT_USAGE;
    }
    cli_signals_command(c->name);
    cli_run run = {.cmd = c, .argc = argc, .argv = argv, .out = NULL};
    int rc = c->run(&run, argc - 2, argv + 2);
    /* Outputs staged without a manifest are put in place now. */
    if (rc == CLI_EXIT_OK) rc = cli_commit(&run);
    /* A table that never reached stdout (a full disk, a closed pipe) is a failure too. */
    if (rc == CLI_EXIT_OK && (fflush(stdout) != 0 || ferror(stdout)))
        rc = cli_fail(&run, "cannot write to standard output");
    /* A command that returned an error without cli_fail leaves nothing either. */
    if (rc != CLI_EXIT_OK) cli_rollback(&run);
    cli_run_release(&run);
    /* Kept until the process ends: a signal whose clean-up has begun ends it
     * with 128 + the signal; one that comes now waits and rc stands. */
    cli_stage_lock();
    return rc;
}
