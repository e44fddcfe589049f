/* partobs teacher: draw a teacher connectivity matrix (SPEC.md §2). */
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "cli_args.h"
#include "cli_manifest.h"
#include "cli_output.h"
#include "cli_teacher.h"

enum { N_OPTS = CLI_TEACHER_NOPTS + 1 };

void cmd_teacher_help(FILE *out)
{
    fprintf(out,
            "usage: partobs teacher --net NAME --D N [generator options]\n"
            "                       [--ortho] [--perm] [--similarity] [--seed S] -o W.npy\n"
            "\n"
            "Draw a D x D teacher connectivity W (W[i][j] is the weight from neuron j to\n"
            "neuron i) with generator NAME (SPEC.md §2), then apply the enabled\n"
            "post-transforms in the order ortho, perm, similarity. The randomness is the\n"
            "connectivity stream of the seed: the same seed gives the same W.\n"
            "\n"
            "required:\n"
            "  --net NAME          generator, one of the names below\n"
            "  --D N               number of neurons (at least 1)\n"
            "  -o, --output FILE   output .npy (D x D float64); FILE.manifest.json is\n"
            "                      written beside it\n"
            "\n");
    cli_teacher_help(out);
}

int cmd_teacher(cli_run *run, int argc, char **argv)
{
    cli_teacher_args a;
    const char *output = NULL;
    cli_opt opts[N_OPTS];
    cli_teacher_opts(opts, &a);
    opts[CLI_TEACHER_NOPTS] = (cli_opt){"output", 'o', CLI_STRING, &output, false};
    const char *pos[1];
    size_t npos = 0;
    int rc = cli_parse(run, argc, argv, opts, N_OPTS, pos, 0, &npos);
    if (rc != CLI_PROCEED) return rc;
    static const char *const required[] = {"net", "D", "output", NULL};
    rc = cli_require(run, opts, N_OPTS, required);
    if (rc != CLI_PROCEED) return rc;
    po_teacher_opts o;
    rc = cli_teacher_build(run, opts, &a, &o);
    if (rc != CLI_PROCEED) return rc;

    po_rng rng;
    po_rng_init(&rng, a.seed, PO_STREAM_CONNECTIVITY);
    po_teacher *t = NULL;
    po_status st = po_teacher_generate(&o, &rng, &t);
    if (st != PO_OK) return cli_fail_status(run, st);

    cJSON *m = cli_manifest_new(run);
    cJSON *mo = m ? cli_manifest_options(m) : NULL;
    if (mo) {
        cli_teacher_manifest(mo, &o);
        cJSON_AddStringToObject(mo, "output", output);
    }
    if (m) cli_manifest_set_seed(m, a.seed);

    rc = cli_write_mat(run, output, t->W);
    po_teacher_free(t);
    if (rc != CLI_EXIT_OK) {
        cJSON_Delete(m);
        return rc;
    }
    return cli_manifest_beside(run, m, output);
}
