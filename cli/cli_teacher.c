/* partobs CLI: teacher generator options (SPEC.md §2), shared by teacher and curves. */
#include "cli_teacher.h"

#include <stdlib.h>
#include <string.h>

#include "cli_output.h"

/* The rows of the option table: --net, --D, the generator parameters
 * [GP_FIRST, GP_END), the post-transforms and --seed. */
enum {
    OPT_NET,
    OPT_D,
    GP_SCALE,
    GP_FIRST = GP_SCALE,
    GP_NO_SELF_LOOPS,
    GP_DIAGONAL_COMP,
    GP_USE_SCHUR,
    GP_SKIP_INTERVAL,
    GP_SKIP_SCALE,
    GP_RANK,
    GP_SHIFT_SCALE,
    GP_MAX_EVAL,
    GP_MIN_EVAL,
    GP_DIAGONAL,
    GP_END,
    OPT_ORTHO = GP_END,
    OPT_PERM,
    OPT_SIMILARITY,
    OPT_SEED,
    OPT_COUNT
};
_Static_assert((int)OPT_COUNT == (int)CLI_TEACHER_NOPTS, "CLI_TEACHER_NOPTS must count the rows");
#define GP(k) (1u << (k))

/* Which parameters each generator reads (SPEC.md §2); any other one given on
 * the command line is a usage error rather than silently ignored. */
static const unsigned relevant[PO_NET_COUNT_] = {
    [PO_NET_GAUSSIAN] = GP(GP_SCALE) | GP(GP_NO_SELF_LOOPS),
    [PO_NET_SYMMETRIC] = GP(GP_SCALE) | GP(GP_NO_SELF_LOOPS),
    [PO_NET_LINE_ATTRACTOR] = GP(GP_SCALE) | GP(GP_NO_SELF_LOOPS),
    [PO_NET_TRIANGULAR] = GP(GP_SCALE) | GP(GP_DIAGONAL_COMP) | GP(GP_USE_SCHUR),
    [PO_NET_CHAIN] = GP(GP_SCALE) | GP(GP_DIAGONAL_COMP) | GP(GP_SKIP_INTERVAL) | GP(GP_SKIP_SCALE),
    [PO_NET_LOWRANK] = GP(GP_RANK) | GP(GP_SCALE),
    [PO_NET_LOWRANK_OSC] = GP(GP_SHIFT_SCALE),
    [PO_NET_LOWRANK_NORMAL] = GP(GP_RANK) | GP(GP_MAX_EVAL) | GP(GP_MIN_EVAL) | GP(GP_DIAGONAL),
    [PO_NET_LOWRANK_RANDOM] = GP(GP_RANK) | GP(GP_SCALE),
};

/* Manifest key of each parameter (the po_teacher_opts field). */
static const char *const gp_key[GP_END] = {[GP_SCALE] = "scale",
                                           [GP_NO_SELF_LOOPS] = "self_loops",
                                           [GP_DIAGONAL_COMP] = "diagonal_comp",
                                           [GP_USE_SCHUR] = "use_schur",
                                           [GP_SKIP_INTERVAL] = "skip_interval",
                                           [GP_SKIP_SCALE] = "skip_scale",
                                           [GP_RANK] = "rank",
                                           [GP_SHIFT_SCALE] = "shift_scale",
                                           [GP_MAX_EVAL] = "max_eval",
                                           [GP_MIN_EVAL] = "min_eval",
                                           [GP_DIAGONAL] = "diagonal"};

void cli_teacher_opts(cli_opt *opts, cli_teacher_args *a)
{
    memset(a, 0, sizeof *a);
    a->seed = PO_DEFAULT_SEED;
    /* The parameters' defaults depend on the generator: cli_teacher_help lists them. */
    enum { P = CLI_NODEFAULT };
    const cli_opt table[CLI_TEACHER_NOPTS] = {
        [OPT_NET] = {"net", 0, CLI_STRING, &a->net, "NAME", "generator, one of the names below", 0,
                     NULL, false},
        [OPT_D] = {"D", 0, CLI_SIZE, &a->D, "N", "number of neurons (at least 1)", 0, NULL, false},
        [GP_SCALE] = {"scale", 0, CLI_DOUBLE, &a->given.scale, "X",
                      "weight scale (its meaning depends on the generator)", P, NULL, false},
        [GP_NO_SELF_LOOPS] = {"no-self-loops", 0, CLI_FLAG, &a->given.self_loops, NULL,
                              "zero the diagonal", P, NULL, false},
        [GP_DIAGONAL_COMP] = {"diagonal-comp", 0, CLI_DOUBLE, &a->given.diagonal_comp, "X",
                              "added to the diagonal", P, NULL, false},
        [GP_USE_SCHUR] = {"use-schur", 0, CLI_FLAG, &a->given.use_schur, NULL,
                          "triangular: the complex-Schur variant", P, NULL, false},
        [GP_SKIP_INTERVAL] = {"skip-interval", 0, CLI_SIZE, &a->given.skip_interval, "K",
                              "chain: neuron 0 also receives every K-th neuron (0: none)", P, NULL,
                              false},
        [GP_SKIP_SCALE] = {"skip-scale", 0, CLI_DOUBLE, &a->given.skip_scale, "B",
                           "chain: weight of those skip connections", P, NULL, false},
        [GP_RANK] = {"rank", 0, CLI_SIZE, &a->given.rank, "R", "rank of the low-rank generators", P,
                     NULL, false},
        [GP_SHIFT_SCALE] = {"shift-scale", 0, CLI_DOUBLE, &a->given.shift_scale, "S",
                            "lowrank-osc: sigma_V * sqrt(D)", P, NULL, false},
        [GP_MAX_EVAL] = {"max-eval", 0, CLI_DOUBLE, &a->given.max_eval, "X",
                         "lowrank-normal: the top eigenvalue", P, NULL, false},
        [GP_MIN_EVAL] = {"min-eval", 0, CLI_DOUBLE, &a->given.min_eval, "X",
                         "lowrank-normal: the other non-zero eigenvalues", P, NULL, false},
        [GP_DIAGONAL] = {"diagonal", 0, CLI_FLAG, &a->given.diagonal, NULL,
                         "lowrank-normal: eigenvectors = the identity, not Haar", P, NULL, false},
        [OPT_ORTHO] = {"ortho", 0, CLI_FLAG, &a->ortho, NULL,
                       "post-transform W <- U W U^T, U Haar orthogonal", 0, NULL, false},
        [OPT_PERM] = {"perm", 0, CLI_FLAG, &a->perm, NULL,
                      "post-transform W <- P W P^T, P a random permutation", 0, NULL, false},
        [OPT_SIMILARITY] = {"similarity", 0, CLI_FLAG, &a->similarity, NULL,
                            "post-transform W <- S W S^-1, S Gaussian with unit columns", 0, NULL,
                            false},
        [OPT_SEED] = {"seed", 0, CLI_SEED, &a->seed, "S", "seed of the connectivity stream", 0,
                      "seed", false},
    };
    memcpy(opts, table, sizeof table);
}

bool cli_teacher_any_seen(const cli_opt *opts)
{
    for (int k = 0; k < CLI_TEACHER_NOPTS; k++)
        if (opts[k].seen) return true;
    return false;
}

/* The parameter rows write into a->given (a po_teacher_opts): row k's field
 * is at this offset there and in any other po_teacher_opts. */
static size_t field_offset(const cli_opt *opts, int k, const cli_teacher_args *a)
{
    return (size_t)((const char *)opts[k].dest - (const char *)&a->given);
}

static size_t field_size(cli_kind kind)
{
    return kind == CLI_FLAG ? sizeof(bool) : kind == CLI_SIZE ? sizeof(size_t) : sizeof(double);
}

/* Parameter row k of o as JSON, by the row's kind. */
static cJSON *param_json(const cli_opt *opts, int k, const cli_teacher_args *a,
                         const po_teacher_opts *o)
{
    const char *field = (const char *)o + field_offset(opts, k, a);
    switch (opts[k].kind) {
    case CLI_FLAG: return cJSON_CreateBool(*(const bool *)field);
    case CLI_SIZE: return cJSON_CreateNumber((double)*(const size_t *)field);
    default: return cJSON_CreateNumber(*(const double *)field);
    }
}

int cli_teacher_build(cli_run *run, const cli_opt *opts, const cli_teacher_args *a,
                      po_teacher_opts *out)
{
    po_net net;
    if (po_net_from_name(a->net, &net) != PO_OK) return cli_usage(run, "%s", po_errmsg());
    char unused[256] = "";
    for (int k = GP_FIRST; k < GP_END; k++) {
        if (!opts[k].seen || (relevant[net] & GP(k))) continue;
        strncat(unused, unused[0] ? ", --" : "--", sizeof unused - strlen(unused) - 1);
        strncat(unused, opts[k].name, sizeof unused - strlen(unused) - 1);
    }
    if (unused[0])
        return cli_usage(run, "%s: not an option of generator '%s' (see 'partobs teacher --help')",
                         unused, a->net);

    po_teacher_opts o = po_teacher_opts_defaults(net, a->D);
    for (int k = GP_FIRST; k < GP_END; k++)
        if (opts[k].seen)
            memcpy((char *)&o + field_offset(opts, k, a), opts[k].dest, field_size(opts[k].kind));
    if (opts[GP_NO_SELF_LOOPS].seen) o.self_loops = false; /* the flag is the negation */
    o.transforms = (a->ortho ? PO_TRANSFORM_ORTHO : 0u) | (a->perm ? PO_TRANSFORM_PERM : 0u) |
                   (a->similarity ? PO_TRANSFORM_SIMILARITY : 0u);
    const char *why = po_teacher_opts_check(&o);
    if (why) return cli_usage(run, "%s", why);
    *out = o;
    return CLI_PROCEED;
}

void cli_teacher_manifest(cJSON *mo, const po_teacher_opts *o)
{
    cli_teacher_args a;
    cli_opt opts[CLI_TEACHER_NOPTS];
    cli_teacher_opts(opts, &a);
    cJSON_AddStringToObject(mo, "net", po_net_name(o->net));
    cJSON_AddNumberToObject(mo, "D", (double)o->D);
    for (int k = GP_FIRST; k < GP_END; k++)
        if (relevant[o->net] & GP(k))
            cJSON_AddItemToObject(mo, gp_key[k], param_json(opts, k, &a, o));
    cJSON_AddBoolToObject(mo, "ortho", (o->transforms & PO_TRANSFORM_ORTHO) != 0);
    cJSON_AddBoolToObject(mo, "perm", (o->transforms & PO_TRANSFORM_PERM) != 0);
    cJSON_AddBoolToObject(mo, "similarity", (o->transforms & PO_TRANSFORM_SIMILARITY) != 0);
}

void cli_teacher_help(FILE *out, cli_help_format format)
{
    cli_teacher_args a;
    cli_opt opts[CLI_TEACHER_NOPTS];
    cli_teacher_opts(opts, &a);
    bool md = format == CLI_HELP_MARKDOWN;
    fprintf(out, md ? "\n| NAME | options (defaults) |\n|---|---|\n"
                    : "generators and their options, with the defaults (an option the chosen\n"
                      "generator does not use is an error):\n");
    for (int n = 0; n < (int)PO_NET_COUNT_; n++) {
        po_teacher_opts d = po_teacher_opts_defaults((po_net)n, 500);
        fprintf(out, md ? "| `%s` |" : "  %-16s", po_net_name((po_net)n));
        for (int k = GP_FIRST; k < GP_END; k++) {
            if (!(relevant[n] & GP(k))) continue;
            cJSON *v = param_json(opts, k, &a, &d);
            if (opts[k].kind == CLI_FLAG)
                fprintf(out, md ? " `[--%s]`" : " [--%s]", opts[k].name);
            else
                fprintf(out, md ? " `--%s %g`" : " --%s %g", opts[k].name, cJSON_GetNumberValue(v));
            cJSON_Delete(v);
        }
        fprintf(out, md ? " |\n" : "\n");
    }
}
