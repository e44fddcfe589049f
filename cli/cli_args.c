/* partobs CLI: strict option and number parsing (see cli_args.h). */
#include "cli_args.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli_output.h"

static bool all_digits(const char *s)
{
    if (*s == '\0') return false;
    for (; *s; s++)
        if (!isdigit((unsigned char)*s)) return false;
    return true;
}

bool cli_parse_u64(const char *s, uint64_t *out)
{
    /* strtoull alone would accept "-1", " 7" and "+7". */
    if (!all_digits(s)) return false;
    errno = 0;
    char *end = NULL;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno == ERANGE || *end != '\0' || v > UINT64_MAX) return false;
    *out = (uint64_t)v;
    return true;
}

bool cli_parse_size(const char *s, size_t *out)
{
    uint64_t v;
    if (!cli_parse_u64(s, &v) || v > SIZE_MAX) return false;
    *out = (size_t)v;
    return true;
}

bool cli_parse_double(const char *s, double *out)
{
    if (*s == '\0' || isspace((unsigned char)*s)) return false;
    char *end = NULL;
    double v = strtod(s, &end);
    /* Overflow gives Inf. ERANGE alone is underflow: the subnormal (or 0)
     * value is accepted, as NumPy's float() does (issue 10 item 7). */
    if (*end != '\0' || !isfinite(v)) return false;
    *out = v;
    return true;
}

bool cli_parse_size_list(const char *s, size_t **out, size_t *n)
{
    *out = NULL;
    *n = 0;
    size_t count = 1;
    for (const char *p = s; *p; p++) count += *p == ',';
    size_t *list = malloc(count * sizeof *list);
    char *copy = malloc(strlen(s) + 1);
    if (!list || !copy) {
        free(list);
        free(copy);
        return false;
    }
    strcpy(copy, s);
    bool ok = true;
    char *item = copy;
    for (size_t k = 0; k < count; k++) {
        char *comma = strchr(item, ',');
        if (comma) *comma = '\0';
        if (!cli_parse_size(item, &list[k])) ok = false;
        item = comma ? comma + 1 : item;
    }
    free(copy);
    if (!ok) {
        free(list);
        return false;
    }
    *out = list;
    *n = count;
    return true;
}

static const char *kind_expectation(cli_kind kind)
{
    switch (kind) {
    case CLI_SIZE: return "a non-negative integer";
    case CLI_SEED: return "a non-negative integer below 2^64";
    case CLI_DOUBLE: return "a finite number";
    case CLI_NONNEG: return "a finite non-negative number";
    case CLI_FLAG:
    case CLI_STRING: break;
    }
    return "a value";
}

/* Store `value` for option `o` (spelled `spelling` on the command line). */
static int store(cli_run *run, cli_opt *o, const char *spelling, const char *value)
{
    bool ok = true;
    switch (o->kind) {
    case CLI_FLAG: *(bool *)o->dest = true; break;
    case CLI_STRING:
        if (*value == '\0')
            return cli_usage(run, "option '%s' needs a non-empty value", spelling);
        *(const char **)o->dest = value;
        break;
    case CLI_SIZE: ok = cli_parse_size(value, (size_t *)o->dest); break;
    case CLI_SEED: ok = cli_parse_u64(value, (uint64_t *)o->dest); break;
    case CLI_DOUBLE: ok = cli_parse_double(value, (double *)o->dest); break;
    case CLI_NONNEG: {
        double v = 0.0;
        ok = cli_parse_double(value, &v) && v >= 0.0;
        if (ok) *(double *)o->dest = v;
        break;
    }
    }
    if (!ok)
        return cli_usage(run, "option '%s' expects %s, got '%s'", spelling,
                         kind_expectation(o->kind), value);
    return CLI_PROCEED;
}

/* How the option is spelled in messages: "-o" for options with a short form. */
static void spell(const cli_opt *o, char *buf, size_t cap)
{
    if (o->short_name)
        snprintf(buf, cap, "-%c", o->short_name);
    else
        snprintf(buf, cap, "--%s", o->name);
}

static cli_opt *find_long(cli_opt *opts, size_t nopts, const char *name, size_t len)
{
    for (size_t k = 0; k < nopts; k++)
        if (strlen(opts[k].name) == len && strncmp(opts[k].name, name, len) == 0) return &opts[k];
    return NULL;
}

static cli_opt *find_short(cli_opt *opts, size_t nopts, char c)
{
    for (size_t k = 0; k < nopts; k++)
        if (opts[k].short_name == c) return &opts[k];
    return NULL;
}

int cli_parse(cli_run *run, int argc, char **argv, cli_opt *opts, size_t nopts, const char **pos,
              size_t max_pos, size_t *npos)
{
    *npos = 0;
    bool options_done = false;
    for (int i = 0; i < argc; i++) {
        const char *arg = argv[i];
        if (options_done || arg[0] != '-' || arg[1] == '\0') {
            if (*npos == max_pos)
                return cli_usage(run, "unexpected argument '%s' (see 'partobs %s --help')", arg,
                                 run->cmd->name);
            pos[(*npos)++] = arg;
            continue;
        }
        if (strcmp(arg, "--") == 0) {
            options_done = true;
            continue;
        }
        if (strcmp(arg, "--help") == 0 || strcmp(arg, "-h") == 0) {
            run->cmd->help(stdout);
            return CLI_EXIT_OK;
        }
        cli_opt *o = NULL;
        const char *inline_value = NULL;
        if (arg[1] == '-') {
            const char *name = arg + 2;
            const char *eq = strchr(name, '=');
            size_t len = eq ? (size_t)(eq - name) : strlen(name);
            o = find_long(opts, nopts, name, len);
            if (eq) inline_value = eq + 1;
        } else if (arg[2] == '\0') {
            o = find_short(opts, nopts, arg[1]);
        }
        if (!o) {
            /* Name the option without any "=value" part. */
            size_t len = strcspn(arg, "=");
            return cli_usage(run, "unknown option '%.*s' (see 'partobs %s --help')", (int)len, arg,
                             run->cmd->name);
        }
        char spelling[64];
        spell(o, spelling, sizeof spelling);
        if (o->seen) return cli_usage(run, "option '%s' given twice", spelling);
        o->seen = true;
        const char *value = inline_value;
        if (o->kind == CLI_FLAG) {
            if (inline_value) return cli_usage(run, "option '%s' takes no value", spelling);
        } else if (!value) {
            if (i + 1 >= argc) return cli_usage(run, "option '%s' needs a value", spelling);
            value = argv[++i];
        }
        int rc = store(run, o, spelling, value);
        if (rc != CLI_PROCEED) return rc;
    }
    return CLI_PROCEED;
}

cli_opt *cli_opt_get(cli_opt *opts, size_t nopts, const char *name)
{
    return find_long(opts, nopts, name, strlen(name));
}

int cli_require(cli_run *run, cli_opt *opts, size_t nopts, const char *const *names)
{
    for (; *names; names++) {
        const cli_opt *o = cli_opt_get(opts, nopts, *names);
        if (o && !o->seen) {
            char spelling[64];
            spell(o, spelling, sizeof spelling);
            return cli_usage(run, "missing required option '%s' (see 'partobs %s --help')",
                             spelling, run->cmd->name);
        }
    }
    return CLI_PROCEED;
}

int cli_parse_one_input(cli_run *run, int argc, char **argv, cli_opt *opts, size_t nopts,
                        const char *what, bool need_output, const char **input)
{
    const char *pos[1] = {NULL};
    size_t npos = 0;
    int rc = cli_parse(run, argc, argv, opts, nopts, pos, 1, &npos);
    if (rc != CLI_PROCEED) return rc;
    if (npos == 0)
        return cli_usage(run, "missing the input %s (see 'partobs %s --help')", what,
                         run->cmd->name);
    *input = pos[0];
    static const char *const required[] = {"output", NULL};
    return need_output ? cli_require(run, opts, nopts, required) : CLI_PROCEED;
}
