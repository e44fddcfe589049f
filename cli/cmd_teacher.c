/* partobs teacher: draw a teacher connectivity matrix (SPEC.md §2). */
#include "cli.h"
#include "cli_args.h"
#include "cli_manifest.h"
#include "cli_output.h"
#include "cli_teacher.h"

enum { N_OPTS = CLI_TEACHER_NOPTS + 1 };

int cmd_teacher(cli_run *run, int argc, char **argv)
{
    cli_teacher_args a;
    const char *output = NULL;
    cli_opt opts[N_OPTS];
    cli_teacher_opts(opts, &a);
    opts[0].flags |= CLI_REQUIRED; /* --net */
    opts[1].flags |= CLI_REQUIRED; /* --D */
    opts[CLI_TEACHER_NOPTS] = (cli_opt){"output",
                                        'o',
                                        CLI_OUTPUT,
                                        &output,
                                        "FILE",
                                        "output .npy (D x D float64); FILE.manifest.json beside it",
                                        CLI_REQUIRED | CLI_MANIFEST,
                                        "output",
                                        false};
    const cli_spec spec = {
        .about = "Draw a D x D teacher connectivity W (W[i][j] is the weight from neuron j to\n"
                 "neuron i) with generator NAME (SPEC.md §2), then apply the enabled\n"
                 "post-transforms in the order ortho, perm, similarity. The randomness is the\n"
                 "connectivity stream of the seed: the same seed gives the same W.",
        .epilog = cli_teacher_help,
        .opts = opts,
        .nopts = N_OPTS,
    };
    size_t npos = 0;
    int rc = cli_parse(run, &spec, argc, argv, NULL, &npos);
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
    cli_manifest_add_opts(m, &spec, NULL);
    if (m) cli_teacher_manifest(cli_manifest_options(m), &o);
    rc = cli_write_mat(run, output, t->W);
    po_teacher_free(t);
    if (rc != CLI_EXIT_OK) {
        cJSON_Delete(m);
        return rc;
    }
    return cli_manifest_beside(run, m, output);
}
