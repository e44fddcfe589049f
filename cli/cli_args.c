/* partobs CLI: strict option and number parsing (see cli_args.h). */
#include "cli_args.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli_manifest.h"
#include "cli_output.h"
#include "cli_paths.h"

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
    default: break;
    }
    return "a value";
}

/* Store `value` for option `o` (spelled `spelling` on the command line). */
static int store(cli_run *run, cli_opt *o, const char *spelling, const char *value)
{
    bool ok = true;
    switch (o->kind) {
    case CLI_FLAG: *(bool *)o->dest = true; break;
    case CLI_SIZE: ok = cli_parse_size(value, (size_t *)o->dest); break;
    case CLI_SEED: ok = cli_parse_u64(value, (uint64_t *)o->dest); break;
    case CLI_DOUBLE: ok = cli_parse_double(value, (double *)o->dest); break;
    case CLI_NONNEG: {
        double v = 0.0;
        ok = cli_parse_double(value, &v) && v >= 0.0;
        if (ok) *(double *)o->dest = v;
        break;
    }
    default: /* strings and paths */
        if (*value == '\0') return cli_usage(run, "option '%s' needs a non-empty value", spelling);
        *(const char **)o->dest = value;
        break;
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

static cli_opt *find_long(const cli_spec *spec, const char *name, size_t len)
{
    for (size_t k = 0; k < spec->nopts; k++)
        if (strlen(spec->opts[k].name) == len && strncmp(spec->opts[k].name, name, len) == 0)
            return &spec->opts[k];
    return NULL;
}

/* The option `arg` names ("--name", "--name=value" or "-c"), or NULL; *inline_value
 * is the part after '=' if any. */
static cli_opt *find_opt(const cli_spec *spec, const char *arg, const char **inline_value)
{
    *inline_value = NULL;
    if (arg[1] == '-') {
        const char *name = arg + 2;
        const char *eq = strchr(name, '=');
        if (eq) *inline_value = eq + 1;
        return find_long(spec, name, eq ? (size_t)(eq - name) : strlen(name));
    }
    for (size_t k = 0; arg[2] == '\0' && k < spec->nopts; k++)
        if (spec->opts[k].short_name == arg[1]) return &spec->opts[k];
    return NULL;
}

/* Usage error unless option o was given. */
static int require(cli_run *run, const cli_opt *o)
{
    if (o->seen) return CLI_PROCEED;
    char spelling[64];
    spell(o, spelling, sizeof spelling);
    return cli_usage(run, "missing required option '%s' (see 'partobs %s --help')", spelling,
                     run->cmd->name);
}

static bool is_option(const char *arg) { return arg[0] == '-' && arg[1] != '\0'; }

static void print_help(const cli_run *run, const cli_spec *spec, FILE *out);

/* Is --help / -h among the options? Skips option values, so that "--json -h"
 * names a file; stops at "--". */
static bool wants_help(const cli_spec *spec, int argc, char **argv)
{
    for (int i = 0; i < argc && strcmp(argv[i], "--") != 0; i++) {
        if (!is_option(argv[i])) continue;
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) return true;
        const char *inline_value;
        const cli_opt *o = find_opt(spec, argv[i], &inline_value);
        if (o && o->kind != CLI_FLAG && !inline_value) i++;
    }
    return false;
}

int cli_parse(cli_run *run, const cli_spec *spec, int argc, char **argv, const char **pos,
              size_t *npos)
{
    *npos = 0;
    if (wants_help(spec, argc, argv)) {
        print_help(run, spec, stdout);
        run->helped = true;
        return CLI_EXIT_OK;
    }
    bool options_done = false;
    for (int i = 0; i < argc; i++) {
        const char *arg = argv[i];
        if (options_done || !is_option(arg)) {
            if (*npos == spec->max_pos)
                return cli_usage(run, "unexpected argument '%s' (see 'partobs %s --help')", arg,
                                 run->cmd->name);
            pos[(*npos)++] = arg;
            continue;
        }
        if (strcmp(arg, "--") == 0) {
            options_done = true;
            continue;
        }
        const char *value;
        cli_opt *o = find_opt(spec, arg, &value);
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
        if (o->kind == CLI_FLAG) {
            if (value) return cli_usage(run, "option '%s' takes no value", spelling);
        } else if (!value) {
            if (i + 1 >= argc) return cli_usage(run, "option '%s' needs a value", spelling);
            value = argv[++i];
        }
        int rc = store(run, o, spelling, value);
        if (rc != CLI_PROCEED) return rc;
    }
    if (spec->pos_inputs && *npos == 0)
        return cli_usage(run, "missing the input %.*s (see 'partobs %s --help')",
                         (int)strcspn(spec->usage, " "), spec->usage, run->cmd->name);
    for (size_t k = 0; k < spec->nopts; k++) {
        int rc = spec->opts[k].flags & CLI_REQUIRED ? require(run, &spec->opts[k]) : CLI_PROCEED;
        if (rc != CLI_PROCEED) return rc;
    }
    return cli_check_paths(run, spec, pos, *npos, NULL, 0);
}

cli_opt *cli_opt_get(const cli_spec *spec, const char *name)
{
    return find_long(spec, name, strlen(name));
}

int cli_require(cli_run *run, const cli_spec *spec, const char *const *names)
{
    for (; *names; names++) {
        int rc = require(run, cli_opt_get(spec, *names));
        if (rc != CLI_PROCEED) return rc;
    }
    return CLI_PROCEED;
}

void cli_manifest_add_opts(cJSON *manifest, const cli_spec *spec, const char *input)
{
    cJSON *mo = manifest ? cli_manifest_options(manifest) : NULL;
    if (!mo) return;
    if (input) {
        cJSON_AddStringToObject(mo, "input", input);
        cli_manifest_add_input(manifest, input);
    }
    for (size_t k = 0; k < spec->nopts; k++) {
        const cli_opt *o = &spec->opts[k];
        const char *s =
            o->kind >= CLI_INPUT || o->kind == CLI_STRING ? *(const char *const *)o->dest : NULL;
        if (o->kind == CLI_INPUT && s) cli_manifest_add_input(manifest, s);
        if (!o->key) continue;
        switch (o->kind) {
        case CLI_FLAG: cJSON_AddBoolToObject(mo, o->key, *(const bool *)o->dest); break;
        case CLI_SIZE: cJSON_AddNumberToObject(mo, o->key, (double)*(const size_t *)o->dest); break;
        case CLI_SEED: cli_manifest_set_seed(manifest, *(const uint64_t *)o->dest); break;
        case CLI_DOUBLE:
        case CLI_NONNEG: cJSON_AddNumberToObject(mo, o->key, *(const double *)o->dest); break;
        default:
            if (s) cJSON_AddStringToObject(mo, o->key, s);
            break;
        }
    }
}

/* ---- help ------------------------------------------------------------------ */

enum { HELP_WIDTH = 79, HELP_COL = 22 };

/* "(default X)" from the destination's current value, "(required)", or ""
 * (with a '\x1f' for the space, so that it is never broken). */
static void default_text(const cli_opt *o, char *buf, size_t cap)
{
    buf[0] = '\0';
    if (o->flags & CLI_REQUIRED) {
        snprintf(buf, cap, "(required)");
        return;
    }
    if (o->flags & CLI_NODEFAULT) return;
    switch (o->kind) {
    case CLI_FLAG:
        if (*(const bool *)o->dest) snprintf(buf, cap, "(default\x1fon)");
        break;
    case CLI_SIZE: snprintf(buf, cap, "(default\x1f%zu)", *(const size_t *)o->dest); break;
    case CLI_SEED:
        snprintf(buf, cap, "(default\x1f%llu)", (unsigned long long)*(const uint64_t *)o->dest);
        break;
    case CLI_DOUBLE:
    case CLI_NONNEG: snprintf(buf, cap, "(default\x1f%g)", *(const double *)o->dest); break;
    default: {
        const char *s = *(const char *const *)o->dest;
        if (s) snprintf(buf, cap, "(default\x1f%s)", s);
        break;
    }
    }
}

/* "-o, --output FILE" or "--T NT" (the option list's left column). */
static void term_text(const cli_opt *o, char *buf, size_t cap)
{
    char name[64];
    if (o->short_name)
        snprintf(name, sizeof name, "-%c, --%s", o->short_name, o->name);
    else
        snprintf(name, sizeof name, "--%s", o->name);
    if (o->metavar)
        snprintf(buf, cap, "%s %s", name, o->metavar);
    else
        snprintf(buf, cap, "%s", name);
}

/* Print the words of `text` (a '\x1f' inside a word is printed as a space)
 * from column *col, breaking lines at HELP_WIDTH and indenting continuation
 * lines by `indent`; `joined`: a space goes before the first word. */
static void wrap(FILE *out, const char *text, size_t *col, size_t indent, bool joined)
{
    for (; *text; joined = true) {
        size_t len = strcspn(text, " ");
        if (joined && *col + 1 + len > HELP_WIDTH) {
            fprintf(out, "\n%*s", (int)indent, "");
            *col = indent;
        } else if (joined) {
            fputc(' ', out);
            (*col)++;
        }
        for (size_t i = 0; i < len; i++) fputc(text[i] == '\x1f' ? ' ' : text[i], out);
        *col += len;
        text += len;
        while (*text == ' ') text++;
    }
}

/* One entry of the option list: term, then help and default wrapped. */
static void help_line(FILE *out, const char *term, const char *help, const char *dflt)
{
    size_t col = 2 + strlen(term);
    int pad = col < HELP_COL ? (int)(HELP_COL - col) : 2;
    fprintf(out, "  %s%*s", term, pad, "");
    col += (size_t)pad;
    wrap(out, help, &col, HELP_COL, false);
    if (dflt[0]) wrap(out, dflt, &col, HELP_COL, true);
    fputc('\n', out);
}

/* Markdown cell text: '|' escaped. */
static void md_text(FILE *out, const char *s)
{
    for (; *s; s++) {
        if (*s == '|') fputc('\\', out);
        fputc(*s == '\x1f' ? ' ' : *s, out);
    }
}

static void md_row(FILE *out, const char *term, const char *help, const char *dflt)
{
    fprintf(out, "| `%s` | ", term);
    md_text(out, help);
    if (dflt[0]) fputc(' ', out);
    md_text(out, dflt);
    fprintf(out, " |\n");
}

/* The help of `spec` in run->help_format (text or a Markdown table). */
static void print_help(const cli_run *run, const cli_spec *spec, FILE *out)
{
    char term[96], dflt[96];
    if (run->help_format == CLI_HELP_MARKDOWN) {
        fprintf(out, "| option | meaning |\n|---|---|\n");
        if (spec->pos_help)
            md_row(out, spec->usage, spec->pos_help, spec->pos_inputs ? "(required)" : "");
        for (size_t k = 0; k < spec->nopts; k++) {
            const cli_opt *o = &spec->opts[k];
            if (o->flags & CLI_HIDDEN) continue;
            term_text(o, term, sizeof term);
            default_text(o, dflt, sizeof dflt);
            md_row(out, term, o->help, dflt);
        }
        if (spec->epilog) spec->epilog(out, run->help_format); /* starts with its blank line */
        return;
    }
    char head[64];
    snprintf(head, sizeof head, "usage: partobs %s", run->cmd->name);
    fprintf(out, "%s", head);
    size_t col = strlen(head), indent = col + 1;
    if (spec->usage) wrap(out, spec->usage, &col, indent, true);
    for (size_t k = 0; k < spec->nopts; k++) {
        const cli_opt *o = &spec->opts[k];
        if (o->flags & CLI_HIDDEN) continue;
        char name[48], tok[112];
        if (o->short_name)
            snprintf(name, sizeof name, "-%c", o->short_name);
        else
            snprintf(name, sizeof name, "--%s", o->name);
        bool req = o->flags & CLI_REQUIRED;
        snprintf(tok, sizeof tok, "%s%s%s%s%s", req ? "" : "[", name, o->metavar ? "\x1f" : "",
                 o->metavar ? o->metavar : "", req ? "" : "]");
        wrap(out, tok, &col, indent, true);
    }
    fprintf(out, "\n\n%s\n\n", spec->about);
    if (spec->pos_help)
        help_line(out, spec->usage, spec->pos_help, spec->pos_inputs ? "(required)" : "");
    for (size_t k = 0; k < spec->nopts; k++) {
        const cli_opt *o = &spec->opts[k];
        if (o->flags & CLI_HIDDEN) continue;
        term_text(o, term, sizeof term);
        default_text(o, dflt, sizeof dflt);
        help_line(out, term, o->help, dflt);
    }
    if (spec->epilog) {
        fputc('\n', out);
        spec->epilog(out, run->help_format);
    }
}
