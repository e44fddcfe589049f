/* partobs command-line tool: subcommand table and dispatch (DESIGN.md §5).
 * Each subcommand lives in cmd_<name>.c and uses only the public header. */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "cli_output.h"

static const cli_cmd commands[] = {
    {"teacher", "draw a teacher connectivity matrix W (SPEC.md §2)", cmd_teacher, cmd_teacher_help},
    {"simulate", "simulate the teacher network from W (SPEC.md §1)", cmd_simulate,
     cmd_simulate_help},
    {"observe", "keep the first d neurons (or a list) of the activity (SPEC.md §3)", cmd_observe,
     cmd_observe_help},
    {"fit", "fit a student network to observed activity (SPEC.md §4)", cmd_fit, cmd_fit_help},
    {"analyze", "spectrum, time constants, LAS and non-normality of W (SPEC.md §5)", cmd_analyze,
     cmd_analyze_help},
    {"compare", "teacher vs student attractors: fixed points, limit cycles, verdict",
     cmd_compare, cmd_compare_help},

    {"theory", "infinite-data student of a linear teacher (SPEC.md §4.3)", cmd_theory,
     cmd_theory_help},
    {"curves", "subsampling curves: the infinite-data student for every d (SPEC.md §5)",
     cmd_curves, cmd_curves_help},
    {"task", "the sensory-integration task: integrator activity, readout, ideal (SPEC.md §7)",
     cmd_task, cmd_task_help},
    {"demo", "the paper's two linear headline cases in miniature", cmd_demo, cmd_demo_help},
    {"reproduce", "the paper's figures with their numbers and a claims table (SPEC.md §6)",
     cmd_reproduce, cmd_reproduce_help},
};
#define N_COMMANDS (sizeof commands / sizeof commands[0])

static void usage(FILE *out)
{
    fprintf(out,
            "usage: partobs COMMAND [options]\n"
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
            "Every command that writes output also writes <output>.manifest.json.\n");
}

static const cli_cmd *find_command(const char *name)
{
    for (size_t k = 0; k < N_COMMANDS; k++)
        if (strcmp(commands[k].name, name) == 0) return &commands[k];
    return NULL;
}

int main(int argc, char **argv)
{
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
        if (argc == 2) {
            usage(stdout);
            return CLI_EXIT_OK;
        }
        if (argc > 3) {
            fprintf(stderr, "partobs: help: expected one command name (see 'partobs --help')\n");
            return CLI_EXIT_USAGE;
        }
        const cli_cmd *c = find_command(argv[2]);
        if (!c) {
            fprintf(stderr, "partobs: help: unknown command '%s' (see 'partobs --help')\n",
                    argv[2]);
            return CLI_EXIT_USAGE;
        }
        c->help(stdout);
        return CLI_EXIT_OK;
    }
    const cli_cmd *c = find_command(name);
    if (!c) {
        fprintf(stderr, "partobs: unknown command '%s' (see 'partobs --help')\n", name);
        return CLI_EXIT_USAGE;
    }
    cli_run run = {.cmd = c, .argc = argc, .argv = argv, .n_outputs = 0};
    int rc = c->run(&run, argc - 2, argv + 2);
    /* A table that never reached stdout (a full disk, a closed pipe) is a failure too. */
    if (rc == CLI_EXIT_OK && (fflush(stdout) != 0 || ferror(stdout)))
        rc = cli_fail(&run, "cannot write to standard output");
    cli_run_release(&run);
    return rc;
}
