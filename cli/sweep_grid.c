/* partobs sweep: reading and checking GRID.json; the cells (sweep_grid.h). */
#include "sweep_grid.h"

#include <errno.h>
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli_args.h"
#include "cli_output.h"
#include "cli_teacher.h"

const char *const sweep_measure_names[SWEEP_MEASURE_COUNT_] = {"max_re", "tau1", "tau2", "las",
                                                                "henrici"};

/* 2^53: JSON numbers are doubles, whole numbers are exact up to here. */
#define JSON_EXACT 9007199254740992.0

char *sweep_read_file(const char *path, int *err)
{
    *err = 0;
    FILE *f = fopen(path, "rb");
    if (!f) {
        if (errno != ENOENT) *err = errno;
        return NULL;
    }
    char *buf = malloc(SWEEP_FILE_MAX + 1);
    size_t n = buf ? fread(buf, 1, SWEEP_FILE_MAX + 1, f) : 0;
    *err = !buf ? ENOMEM : ferror(f) ? EIO : n > SWEEP_FILE_MAX ? EFBIG : 0;
    fclose(f);
    if (*err) {
        free(buf);
        return NULL;
    }
    buf[n] = '\0';
    return buf;
}

/* A whole number in [lo, hi]. */
static bool whole(const cJSON *v, double lo, double hi, size_t *out)
{
    if (!cJSON_IsNumber(v)) return false;
    double x = v->valuedouble;
    if (!(x >= lo && x <= hi) || x != floor(x)) return false;
    *out = (size_t)x;
    return true;
}

/* The items of a list key: an array (non-empty) or one scalar. */
static int list_items(cli_run *run, const cJSON *v, const char *key, const cJSON ***items,
                      size_t *n)
{
    size_t count = cJSON_IsArray(v) ? (size_t)cJSON_GetArraySize(v) : 1;
    if (count == 0) return cli_usage(run, "grid key '%s': the list is empty", key);
    const cJSON **it = calloc(count, sizeof *it);
    if (!it) return cli_fail(run, "out of memory");
    if (cJSON_IsArray(v)) {
        size_t k = 0;
        for (const cJSON *e = v->child; e; e = e->next) it[k++] = e;
    } else {
        it[0] = v;
    }
    *items = it;
    *n = count;
    return CLI_PROCEED;
}

static int size_axis(cli_run *run, const cJSON *v, const char *key, size_t lo, sweep_axis *a)
{
    const cJSON **it = NULL;
    int rc = list_items(run, v, key, &it, &a->n);
    if (rc != CLI_PROCEED) return rc;
    a->z = calloc(a->n, sizeof *a->z);
    if (!a->z) rc = cli_fail(run, "out of memory");
    for (size_t k = 0; rc == CLI_PROCEED && k < a->n; k++)
        if (!whole(it[k], (double)lo, JSON_EXACT, &a->z[k]))
            rc = cli_usage(run, "grid key '%s': expected whole numbers >= %zu", key, lo);
    free(it);
    return rc;
}

static int fraction_axis(cli_run *run, const cJSON *v, sweep_axis *a)
{
    const cJSON **it = NULL;
    int rc = list_items(run, v, "fractions", &it, &a->n);
    if (rc != CLI_PROCEED) return rc;
    a->x = calloc(a->n, sizeof *a->x);
    if (!a->x) rc = cli_fail(run, "out of memory");
    for (size_t k = 0; rc == CLI_PROCEED && k < a->n; k++) {
        if (!cJSON_IsNumber(it[k]) || !(it[k]->valuedouble > 0 && it[k]->valuedouble <= 1))
            rc = cli_usage(run, "grid key 'fractions': expected numbers in (0, 1]");
        else
            a->x[k] = it[k]->valuedouble;
    }
    free(it);
    return rc;
}

static int real_key(cli_run *run, const cJSON *v, const char *key, bool nonneg, double *out)
{
    if (!cJSON_IsNumber(v) || !isfinite(v->valuedouble) || (nonneg && v->valuedouble < 0))
        return cli_usage(run, "grid key '%s': expected a %snumber", key,
                         nonneg ? "non-negative " : "");
    *out = v->valuedouble;
    return CLI_PROCEED;
}

static int label_of(cli_run *run, const cJSON *entry, const char *key, const char *dflt,
                    char *label)
{
    const cJSON *l = cJSON_GetObjectItemCaseSensitive(entry, "label");
    const char *s = l ? cJSON_GetStringValue(l) : dflt;
    if (!s || !s[0] || strlen(s) >= SWEEP_LABEL || strpbrk(s, ",\"\n\r"))
        return cli_usage(run,
                         "grid key '%s': 'label' must be a string of 1 to %d characters without "
                         "commas, quotes or line breaks",
                         key, SWEEP_LABEL - 1);
    strcpy(label, s);
    return CLI_PROCEED;
}

/* One teacher entry: "NAME" or {"net": NAME, "label": L, <teacher options>},
 * the options spelled as `partobs teacher`'s (without the dashes) and checked
 * by the same code (cli_teacher_build) for every D. */
static int teacher_entry(cli_run *run, const cJSON *e, const sweep_axis *D, sweep_teacher *t)
{
    cli_teacher_args a;
    cli_opt opts[CLI_TEACHER_NOPTS];
    cli_teacher_opts(opts, &a);
    const cJSON *net = cJSON_IsObject(e) ? cJSON_GetObjectItemCaseSensitive(e, "net") : e;
    a.net = cJSON_GetStringValue(net);
    if (!a.net)
        return cli_usage(run, "grid key 'teacher': each entry is a generator name or an object "
                              "with a string 'net'");
    po_net family;
    if (po_net_from_name(a.net, &family) != PO_OK)
        return cli_usage(run, "grid key 'teacher': %s", po_errmsg());
    int rc = label_of(run, cJSON_IsObject(e) ? e : NULL, "teacher", a.net, t->label);
    for (const cJSON *o = cJSON_IsObject(e) ? e->child : NULL; rc == CLI_PROCEED && o;
         o = o->next) {
        if (strcmp(o->string, "net") == 0 || strcmp(o->string, "label") == 0) continue;
        /* rows 0 and 1 (--net, --D) and the last (--seed) come from the grid */
        int k = 2;
        while (k < CLI_TEACHER_NOPTS - 1 && strcmp(opts[k].name, o->string) != 0) k++;
        if (k == CLI_TEACHER_NOPTS - 1)
            return cli_usage(run, "grid key 'teacher': unknown option '%s' (see 'partobs teacher "
                                  "--help'; D and the seed come from the grid)",
                             o->string);
        opts[k].seen = true;
        bool ok = true;
        switch (opts[k].kind) {
        case CLI_FLAG:
            ok = cJSON_IsBool(o);
            if (ok) *(bool *)opts[k].dest = cJSON_IsTrue(o);
            break;
        case CLI_SIZE: ok = whole(o, 0, JSON_EXACT, opts[k].dest); break;
        default:
            ok = cJSON_IsNumber(o) && isfinite(o->valuedouble);
            if (ok) *(double *)opts[k].dest = o->valuedouble;
        }
        if (!ok)
            return cli_usage(run, "grid key 'teacher': option '%s' expects %s", o->string,
                             opts[k].kind == CLI_FLAG   ? "true or false"
                             : opts[k].kind == CLI_SIZE ? "a whole number >= 0"
                                                        : "a number");
        /* a flag given as false is the flag not given */
        if (opts[k].kind == CLI_FLAG && !cJSON_IsTrue(o)) opts[k].seen = false;
    }
    if (rc != CLI_PROCEED) return rc;
    t->opts = calloc(D->n, sizeof *t->opts);
    if (!t->opts) return cli_fail(run, "out of memory");
    for (size_t j = 0; j < D->n; j++) {
        a.D = D->z[j];
        rc = cli_teacher_build(run, opts, &a, &t->opts[j]);
        if (rc != CLI_PROCEED) return rc;
    }
    return CLI_PROCEED;
}

/* A method option: its name in the grid (as `partobs fit`'s flag, without the
 * dashes), its kind and where it goes in sweep_method. */
typedef enum { OPT_REAL, OPT_NONNEG, OPT_COUNT, OPT_SOLVER } method_opt_kind;
typedef struct method_opt {
    const char *name;
    method_opt_kind kind;
    size_t at; /* offsetof(sweep_method, ...) */
} method_opt;
#define MOPT(name, kind, field) {(name), (kind), offsetof(sweep_method, field)}

static const method_opt map_opts[] = {MOPT("rho", OPT_NONNEG, ridge.rho),
                                      MOPT("burn-in", OPT_COUNT, ridge.burn_in), {NULL, 0, 0}};
static const method_opt gd_opts[] = {MOPT("rho", OPT_NONNEG, gd.rho), MOPT("lr", OPT_REAL, gd.lr),
                                     MOPT("iters", OPT_COUNT, gd.iters), {NULL, 0, 0}};
static const method_opt cornn_opts[] = {MOPT("iters", OPT_COUNT, cornn.iters),
                                        MOPT("l2", OPT_NONNEG, cornn.l2),
                                        MOPT("threshold", OPT_REAL, cornn.threshold),
                                        MOPT("solver", OPT_SOLVER, cornn.solver),
                                        MOPT("subsample", OPT_COUNT, cornn.subsample),
                                        {NULL, 0, 0}};
static const method_opt force_opts[] = {MOPT("tau", OPT_REAL, force.tau),
                                        MOPT("g", OPT_NONNEG, force.g),
                                        MOPT("p0", OPT_REAL, force.p0),
                                        MOPT("passes", OPT_COUNT, force.passes),
                                        MOPT("free-passes", OPT_COUNT, force.free_passes),
                                        {NULL, 0, 0}};
#undef MOPT

static const struct {
    const char *name;
    sweep_fit fit;
    const method_opt *opts;
    const char *opt_names;
} sweep_fits[] = {
    {"map", SWEEP_FIT_MAP, map_opts, "rho, burn-in"},
    {"gd", SWEEP_FIT_GD, gd_opts, "rho, lr, iters"},
    {"cornn", SWEEP_FIT_CORNN, cornn_opts, "iters, l2, threshold, solver, subsample"},
    {"force", SWEEP_FIT_FORCE, force_opts, "tau, g, p0, passes, free-passes"},
};
#define SWEEP_FIT_NAMES "map, gd, cornn, force"

static int method_option(cli_run *run, const cJSON *o, const char *method, const method_opt *op,
                         sweep_method *m)
{
    char *at = (char *)m + op->at;
    double x = cJSON_IsNumber(o) ? o->valuedouble : (double)NAN;
    switch (op->kind) {
    case OPT_REAL:
    case OPT_NONNEG:
        if (!isfinite(x) || (op->kind == OPT_NONNEG && x < 0))
            return cli_usage(run, "grid key 'method': option '%s' of %s expects a %snumber",
                             op->name, method, op->kind == OPT_NONNEG ? "non-negative " : "");
        memcpy(at, &x, sizeof x);
        return CLI_PROCEED;
    case OPT_COUNT: {
        size_t z;
        if (!whole(o, 0, JSON_EXACT, &z))
            return cli_usage(run, "grid key 'method': option '%s' of %s expects a whole number "
                                  ">= 0",
                             op->name, method);
        memcpy(at, &z, sizeof z);
        return CLI_PROCEED;
    }
    case OPT_SOLVER: {
        po_cornn_solver sv;
        const char *s = cJSON_GetStringValue(o);
        if (!s || po_cornn_solver_from_name(s, &sv) != PO_OK)
            return cli_usage(run, "grid key 'method': option 'solver' of %s expects weighted, "
                                  "standard or robust",
                             method);
        memcpy(at, &sv, sizeof sv);
        return CLI_PROCEED;
    }
    }
    return CLI_PROCEED;
}

/* The library's own check of the method's options, as `partobs fit` runs it
 * (phi, alpha and the seed are the cell's; alpha is checked with the grid). */
static const char *method_check(sweep_method *m, double alpha)
{
    switch (m->fit) {
    case SWEEP_FIT_MAP:
        m->ridge.alpha = alpha;
        return po_ridge_opts_check(&m->ridge);
    case SWEEP_FIT_GD:
        m->gd.alpha = alpha;
        return po_gd_opts_check(&m->gd);
    case SWEEP_FIT_CORNN:
        m->cornn.alpha = alpha;
        return po_cornn_opts_check(&m->cornn);
    case SWEEP_FIT_FORCE:
        m->force.alpha = alpha;
        return po_force_opts_check(&m->force);
    }
    return NULL;
}

/* One method entry: "map" or {"name": "cornn", "label": L, <options of that
 * method, spelled as `partobs fit`'s flags without the dashes>}. */
static int method_entry(cli_run *run, const cJSON *e, sweep_method *m)
{
    const cJSON *name = cJSON_IsObject(e) ? cJSON_GetObjectItemCaseSensitive(e, "name") : e;
    const char *s = cJSON_GetStringValue(name);
    if (!s)
        return cli_usage(run, "grid key 'method': each entry is a method name or an object with "
                              "a string 'name'");
    size_t k = 0, nfits = sizeof sweep_fits / sizeof sweep_fits[0];
    while (k < nfits && strcmp(s, sweep_fits[k].name) != 0) k++;
    if (k == nfits)
        return cli_usage(run, "grid key 'method': method '%s' is not available in sweep (available: "
                              SWEEP_FIT_NAMES ")",
                         s);
    m->fit = sweep_fits[k].fit;
    m->ridge = po_ridge_opts_defaults();
    m->gd = po_gd_opts_defaults();
    m->cornn = po_cornn_opts_defaults();
    m->force = po_force_opts_defaults();
    int rc = label_of(run, cJSON_IsObject(e) ? e : NULL, "method", s, m->label);
    for (const cJSON *o = cJSON_IsObject(e) ? e->child : NULL; rc == CLI_PROCEED && o;
         o = o->next) {
        if (strcmp(o->string, "name") == 0 || strcmp(o->string, "label") == 0) continue;
        const method_opt *op = sweep_fits[k].opts;
        while (op->name && strcmp(op->name, o->string) != 0) op++;
        rc = op->name ? method_option(run, o, s, op, m)
                      : cli_usage(run, "grid key 'method': unknown option '%s' of %s (%s)",
                                  o->string, s, sweep_fits[k].opt_names);
    }
    return rc;
}

/* The methods' options checked by the library, and tanh-only methods never
 * crossed with a linear phi: both before any cell runs. */
static int methods_check(cli_run *run, sweep_grid *g)
{
    for (size_t k = 0; k < g->n_methods; k++) {
        sweep_method *m = &g->methods[k];
        const char *why = method_check(m, g->alpha);
        if (why) return cli_usage(run, "grid key 'method': %s: %s", m->label, why);
        if (m->fit != SWEEP_FIT_CORNN && m->fit != SWEEP_FIT_FORCE) continue;
        for (size_t i = 0; i < g->n_phi; i++)
            if (g->phi[i] != PO_PHI_TANH)
                return cli_usage(run, "grid key 'phi': method '%s' fits tanh students only "
                                      "(give \"phi\": \"tanh\")",
                                 m->label);
    }
    return CLI_PROCEED;
}

static int record_key(cli_run *run, const cJSON *v, sweep_grid *g)
{
    const cJSON **it = NULL;
    size_t n = 0;
    int rc = list_items(run, v, "record", &it, &n);
    for (size_t k = 0; rc == CLI_PROCEED && k < n; k++) {
        const char *s = cJSON_GetStringValue(it[k]);
        if (s && strcmp(s, "spectrum") == 0)
            continue;
        if (s && strcmp(s, "compare") == 0)
            g->rec_compare = true;
        else if (s && strcmp(s, "diagnose") == 0)
            g->rec_diagnose = true;
        else
            rc = cli_usage(run, "grid key 'record': expected spectrum, compare or diagnose");
    }
    free(it);
    return rc;
}

static int diagnose_key(cli_run *run, const cJSON *v, sweep_grid *g)
{
    if (!cJSON_IsObject(v))
        return cli_usage(run, "grid key 'diagnose': expected an object {\"subsets\": R, "
                              "\"bootstrap\": B}");
    for (const cJSON *o = v->child; o; o = o->next) {
        size_t *dest = strcmp(o->string, "subsets") == 0     ? &g->dg_subsets
                       : strcmp(o->string, "bootstrap") == 0 ? &g->dg_bootstrap
                                                             : NULL;
        if (!dest)
            return cli_usage(run, "grid key 'diagnose': unknown option '%s' (subsets, bootstrap)",
                             o->string);
        if (!whole(o, 0, 1e9, dest))
            return cli_usage(run, "grid key 'diagnose': '%s' expects a whole number", o->string);
    }
    return CLI_PROCEED;
}

static int phi_key(cli_run *run, const cJSON *v, sweep_grid *g)
{
    const cJSON **it = NULL;
    int rc = list_items(run, v, "phi", &it, &g->n_phi);
    if (rc != CLI_PROCEED) return rc;
    g->phi = calloc(g->n_phi, sizeof *g->phi);
    if (!g->phi) rc = cli_fail(run, "out of memory");
    for (size_t k = 0; rc == CLI_PROCEED && k < g->n_phi; k++) {
        const char *s = cJSON_GetStringValue(it[k]);
        if (!s || po_phi_from_name(s, &g->phi[k]) != PO_OK)
            rc = cli_usage(run, "grid key 'phi': expected linear or tanh");
    }
    free(it);
    return rc;
}

/* Every key of the grid, in the order they are read. */
static const char *const known_keys[] = {
    "seed",   "teacher", "D",         "d",      "fractions", "T",      "phi",  "method",
    "seeds",  "alpha",   "noise",     "obs-noise", "record",  "diagnose", "plot", NULL};

/* The i-th observed count for D neurons: d[i], or round(fractions[i] D), at least 1. */
static size_t observed(const sweep_grid *g, size_t i, size_t D)
{
    return g->d.n ? g->d.z[i] : (size_t)fmax(1.0, round(g->fractions.x[i] * (double)D));
}

static int parse(cli_run *run, const cJSON *root, sweep_grid *g)
{
    if (!cJSON_IsObject(root)) return cli_usage(run, "the grid must be a JSON object");
    for (const cJSON *o = root->child; o; o = o->next) {
        size_t k = 0;
        while (known_keys[k] && strcmp(known_keys[k], o->string) != 0) k++;
        if (!known_keys[k])
            return cli_usage(run, "grid key '%s': unknown key (see docs/formats.md)", o->string);
    }
#define GET(key) cJSON_GetObjectItemCaseSensitive(root, key)
    static const char *const required[] = {"teacher", "D", "T", "method", NULL};
    for (size_t k = 0; required[k]; k++)
        if (!GET(required[k])) return cli_usage(run, "grid key '%s' is missing", required[k]);
    if (!GET("d") == !GET("fractions"))
        return cli_usage(run, "grid key 'd' or 'fractions': give exactly one of them");
    int rc = CLI_PROCEED;
    const cJSON *v;
    g->seed = PO_DEFAULT_SEED;
    if ((v = GET("seed"))) {
        size_t s = 0;
        if (!whole(v, 0, JSON_EXACT, &s))
            return cli_usage(run, "grid key 'seed': expected a whole number in [0, 2^53]");
        g->seed = s;
    }
    if ((rc = size_axis(run, GET("D"), "D", 1, &g->D)) != CLI_PROCEED) return rc;
    if ((v = GET("d")) && (rc = size_axis(run, v, "d", 1, &g->d)) != CLI_PROCEED) return rc;
    if ((v = GET("fractions")) && (rc = fraction_axis(run, v, &g->fractions)) != CLI_PROCEED)
        return rc;
    if ((rc = size_axis(run, GET("T"), "T", 3, &g->T)) != CLI_PROCEED) return rc;
    g->phi = NULL;
    if ((v = GET("phi"))) {
        if ((rc = phi_key(run, v, g)) != CLI_PROCEED) return rc;
    } else {
        g->phi = calloc(1, sizeof *g->phi);
        if (!g->phi) return cli_fail(run, "out of memory");
        g->phi[0] = po_sim_opts_defaults().phi;
        g->n_phi = 1;
    }
    const cJSON **it = NULL;
    if ((rc = list_items(run, GET("teacher"), "teacher", &it, &g->n_teachers)) != CLI_PROCEED)
        return rc;
    g->teachers = calloc(g->n_teachers, sizeof *g->teachers);
    if (!g->teachers) rc = cli_fail(run, "out of memory");
    for (size_t k = 0; rc == CLI_PROCEED && k < g->n_teachers; k++)
        rc = teacher_entry(run, it[k], &g->D, &g->teachers[k]);
    free(it);
    if (rc != CLI_PROCEED) return rc;
    if ((rc = list_items(run, GET("method"), "method", &it, &g->n_methods)) != CLI_PROCEED)
        return rc;
    g->methods = calloc(g->n_methods, sizeof *g->methods);
    if (!g->methods) rc = cli_fail(run, "out of memory");
    for (size_t k = 0; rc == CLI_PROCEED && k < g->n_methods; k++)
        rc = method_entry(run, it[k], &g->methods[k]);
    free(it);
    if (rc != CLI_PROCEED) return rc;
    g->seeds = 1;
    if ((v = GET("seeds")) && !whole(v, 1, 1e6, &g->seeds))
        return cli_usage(run, "grid key 'seeds': expected the number of replicates, >= 1");
    po_sim_opts so = po_sim_opts_defaults();
    po_observe_opts oo = po_observe_opts_defaults();
    g->alpha = so.alpha;
    g->noise = so.noise;
    g->obs_noise = oo.obs_noise;
    if ((v = GET("alpha")) && (rc = real_key(run, v, "alpha", true, &g->alpha)) != CLI_PROCEED)
        return rc;
    if (!(g->alpha > 0 && g->alpha <= 1))
        return cli_usage(run, "grid key 'alpha': must be in (0, 1]");
    if ((v = GET("noise")) && (rc = real_key(run, v, "noise", true, &g->noise)) != CLI_PROCEED)
        return rc;
    if ((v = GET("obs-noise")) &&
        (rc = real_key(run, v, "obs-noise", true, &g->obs_noise)) != CLI_PROCEED)
        return rc;
    if ((v = GET("record")) && (rc = record_key(run, v, g)) != CLI_PROCEED) return rc;
    po_diagnose_opts dg = po_diagnose_opts_defaults();
    g->dg_subsets = dg.subsets;
    g->dg_bootstrap = dg.bootstrap;
    if ((v = GET("diagnose")) && (rc = diagnose_key(run, v, g)) != CLI_PROCEED) return rc;
    g->plot = SWEEP_LAS;
    if ((v = GET("plot"))) {
        const char *s = cJSON_GetStringValue(v);
        size_t k = 0;
        while (s && k < SWEEP_MEASURE_COUNT_ && strcmp(s, sweep_measure_names[k]) != 0) k++;
        if (!s || k == SWEEP_MEASURE_COUNT_)
            return cli_usage(run, "grid key 'plot': expected max_re, tau1, tau2, las or henrici");
        g->plot = (sweep_measure)k;
    }
#undef GET
    if ((rc = methods_check(run, g)) != CLI_PROCEED) return rc;
    /* d > D is refused for every pair, before any cell runs */
    for (size_t i = 0; i < g->d.n; i++)
        for (size_t j = 0; j < g->D.n; j++)
            if (g->d.z[i] > g->D.z[j])
                return cli_usage(run, "grid key 'd': d = %zu exceeds D = %zu", g->d.z[i],
                                 g->D.z[j]);
    /* diagnose refits subsets of the recorded neurons: it needs d >= 2 */
    size_t nd = g->d.n ? g->d.n : g->fractions.n;
    for (size_t j = 0; g->rec_diagnose && j < g->D.n; j++)
        for (size_t i = 0; i < nd; i++) {
            size_t d = observed(g, i, g->D.z[j]);
            if (d < 2)
                return cli_usage(run, "grid key 'record': diagnose needs d >= 2 observed "
                                      "neurons (D = %zu gives d = %zu)",
                                 g->D.z[j], d);
        }
    double cells = (double)g->n_teachers * (double)g->D.n * (double)nd * (double)g->T.n * (double)g->n_phi *
                   (double)g->n_methods * (double)g->seeds;
    if (cells > 1e7) return cli_usage(run, "the grid has %.0f cells, more than 10^7", cells);
    g->n_cells = (size_t)cells;
    return CLI_PROCEED;
}

int sweep_grid_load(cli_run *run, const char *path, sweep_grid *g)
{
    memset(g, 0, sizeof *g);
    int err = 0;
    char *text = sweep_read_file(path, &err);
    if (!text)
        return cli_fail(run, "cannot read '%s': %s", path,
                        err == EFBIG ? "larger than 1 MiB" : strerror(err ? err : ENOENT));
    const char *end = NULL;
    cJSON *root = cJSON_ParseWithOpts(text, &end, true);
    if (!root) {
        size_t at = end ? (size_t)(end - text) : 0;
        size_t line = 1;
        for (size_t k = 0; k < at; k++) line += text[k] == '\n';
        free(text);
        return cli_usage(run, "%s: not valid JSON (near line %zu)", path, line);
    }
    free(text);
    int rc = parse(run, root, g);
    if (rc == CLI_PROCEED) {
        g->canonical = cJSON_PrintUnformatted(root);
        if (!g->canonical) rc = cli_fail(run, "out of memory");
    }
    cJSON_Delete(root);
    return rc;
}

void sweep_grid_free(sweep_grid *g)
{
    for (size_t k = 0; g->teachers && k < g->n_teachers; k++) free(g->teachers[k].opts);
    free(g->teachers);
    free(g->methods);
    free(g->phi);
    free(g->D.z);
    free(g->d.z);
    free(g->T.z);
    free(g->fractions.x);
    free(g->canonical);
    memset(g, 0, sizeof *g);
}

uint64_t sweep_cell_seed(uint64_t grid_seed, size_t k)
{
    po_rng r;
    po_rng_init(&r, grid_seed ^ ((uint64_t)k + 1) * UINT64_C(0x9E3779B97F4A7C15),
                PO_STREAM_CONNECTIVITY);
    return po_rng_next(&r);
}

void sweep_grid_cell(const sweep_grid *g, size_t k, sweep_cell *c)
{
    memset(c, 0, sizeof *c);
    c->index = k;
    c->seed = sweep_cell_seed(g->seed, k);
    size_t r = k;
    c->replicate = r % g->seeds;
    r /= g->seeds;
    c->method = r % g->n_methods;
    r /= g->n_methods;
    c->phi_at = r % g->n_phi;
    r /= g->n_phi;
    c->T_at = r % g->T.n;
    r /= g->T.n;
    size_t nd = g->d.n ? g->d.n : g->fractions.n;
    c->d_at = r % nd;
    r /= nd;
    c->D_at = r % g->D.n;
    c->teacher = r / g->D.n;
    c->phi = g->phi[c->phi_at];
    c->T = g->T.z[c->T_at];
    c->D = g->D.z[c->D_at];
    c->d = observed(g, c->d_at, c->D);
    c->fraction = (double)c->d / (double)c->D;
}
