/* The experiment runner behind `partobs reproduce` (SPEC.md §6): one context
 * per experiment (its seed, its JSON document, its claims, the files it has
 * written), atomic outputs, and claims.md for the whole run.
 *
 * Failure discipline (DESIGN.md §5, issue 10 item 3): an experiment writes
 * its files (figures, then its JSON) into a hidden staging directory
 * "<out>/.<name>.partobs-tmp.<pid>" (PO_TEMP_TAG, partobs/npy.h); only when
 * all of them are written are they renamed into <out>, one after the other,
 * and the staging directory removed. If the experiment fails, the staging
 * directory goes with everything in it, so nothing of a failed (or, with the
 * CLI's clean-up, interrupted) experiment is left behind. Files of
 * experiments that completed earlier in the same run stay. claims.md is
 * written only when every experiment of the run has completed.
 */
#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#include "core/parallel.h"
#include "experiments/exp.h"
#include "io/atomic.h"
#include "partobs/report.h"
#include "partobs/npy.h"
#include "partobs/rng.h"
#include "partobs/version.h"
#include "core/alloc.h"

po_repro_opts po_repro_opts_defaults(void)
{
    po_repro_opts o;
    o.out_dir = ".";
    o.quick = false;
    o.seed = PO_DEFAULT_SEED;
    o.threads = 0;
    o.progress = NULL;
    o.progress_user = NULL;
    return o;
}

const char *po_repro_opts_check(const po_repro_opts *opts)
{
    if (!opts) return "options are NULL";
    if (!opts->out_dir || opts->out_dir[0] == '\0') return "the output directory must be named";
    return NULL;
}

/* ---- registry lookups (the table itself is in registry.c) ----------------- */

size_t po_repro_count(void)
{
    size_t n;
    po_exp_registry(&n);
    return n;
}

const char *po_repro_name(size_t i)
{
    size_t n;
    const po_exp_entry *t = po_exp_registry(&n);
    return i < n ? t[i].name : NULL;
}

const char *po_repro_summary(size_t i)
{
    size_t n;
    const po_exp_entry *t = po_exp_registry(&n);
    return i < n ? t[i].summary : NULL;
}

po_status po_repro_find(const char *name, size_t *index)
{
    size_t n;
    const po_exp_entry *t = po_exp_registry(&n);
    if (!name || !index) return po_error(PO_EINVAL, "po_repro_find: NULL argument");
    for (size_t i = 0; i < n; i++)
        if (strcmp(t[i].name, name) == 0) {
            *index = i;
            return PO_OK;
        }
    char list[512];
    size_t len = 0;
    list[0] = '\0';
    for (size_t i = 0; i < n && len + 1 < sizeof list; i++) {
        int w = snprintf(list + len, sizeof list - len, "%s%s", i ? ", " : "", t[i].name);
        if (w < 0) break;
        len += (size_t)w;
    }
    return po_error(PO_EINVAL, "unknown figure '%s' (one of: %s, all)", name, list);
}

uint64_t po_exp_seed_offset(const char *name)
{
    uint64_t h = UINT64_C(14695981039346656037);
    for (const unsigned char *p = (const unsigned char *)name; *p; p++) {
        h ^= *p;
        h *= UINT64_C(1099511628211);
    }
    return h;
}

/* ---- the context ----------------------------------------------------------- */

typedef struct exp_claim {
    char *claim, *measured;
    bool holds;
} exp_claim;

/* What the run keeps of one experiment after its context is gone. */
typedef struct exp_record {
    const po_exp_entry *entry;
    exp_claim *claims;
    size_t n_claims, cap_claims;
} exp_record;

struct po_exp_ctx {
    const po_repro_opts *opts;
    const po_exp_entry *entry;
    uint64_t seed;
    size_t threads;
    cJSON *json;
    exp_record *rec;
    char *stage;  /* the staging directory its files are written to */
    char **files; /* the paths written there so far */
    size_t n_files, cap_files;
    bool oom;     /* a claim or a file record could not be stored */
};

const po_repro_opts *po_exp_opts(const po_exp_ctx *c) { return c->opts; }
uint64_t po_exp_seed(const po_exp_ctx *c) { return c->seed; }
size_t po_exp_threads(const po_exp_ctx *c) { return c->threads; }
cJSON *po_exp_json(po_exp_ctx *c) { return c->json; }

static char *dup_string(const char *s)
{
    size_t n = strlen(s) + 1;
    char *p = malloc(n);
    if (p) memcpy(p, s, n);
    return p;
}

void po_exp_claim(po_exp_ctx *c, bool holds, const char *claim, const char *measured_fmt, ...)
{
    exp_record *r = c->rec;
    if (r->n_claims == r->cap_claims) {
        size_t cap = r->cap_claims ? 2 * r->cap_claims : 8;
        exp_claim *p = realloc(r->claims, cap * sizeof *p);
        if (!p) {
            c->oom = true;
            return;
        }
        r->claims = p;
        r->cap_claims = cap;
    }
    char measured[1024];
    va_list ap;
    va_start(ap, measured_fmt);
    vsnprintf(measured, sizeof measured, measured_fmt, ap);
    va_end(ap);
    exp_claim *k = &r->claims[r->n_claims];
    k->claim = dup_string(claim);
    k->measured = dup_string(measured);
    k->holds = holds;
    if (!k->claim || !k->measured) {
        free(k->claim);
        free(k->measured);
        c->oom = true;
        return;
    }
    r->n_claims++;
}

void po_exp_progress(po_exp_ctx *c, size_t done, size_t total)
{
    if (c->opts->progress) c->opts->progress(c->opts->progress_user, c->entry->name, done, total);
}

static void record_file(po_exp_ctx *c, const char *path)
{
    char *copy = dup_string(path);
    if (copy && c->n_files == c->cap_files) {
        size_t cap = c->cap_files ? 2 * c->cap_files : 8;
        char **p = realloc(c->files, cap * sizeof *p);
        if (p) {
            c->files = p;
            c->cap_files = cap;
        }
    }
    if (!copy || c->n_files == c->cap_files) {
        /* It cannot be rolled back later: remove it now and fail the experiment. */
        remove(path);
        free(copy);
        c->oom = true;
        return;
    }
    c->files[c->n_files++] = copy;
}

/* "<dir>/<name>" in a new string, or NULL. */
static char *join_path(const char *dir, const char *name)
{
    size_t n = strlen(dir) + strlen(name) + 2;
    char *p = malloc(n);
    if (p) snprintf(p, n, "%s/%s", dir, name);
    return p;
}

/* "<stage>/<name><suffix><ext>" in a new string, or NULL. */
static char *out_path(const po_exp_ctx *c, const char *suffix, const char *ext)
{
    const char *dir = c->stage;
    size_t n = strlen(dir) + strlen(c->entry->name) + strlen(suffix) + strlen(ext) + 2;
    char *p = malloc(n);
    if (p) snprintf(p, n, "%s/%s%s%s", dir, c->entry->name, suffix, ext);
    return p;
}

po_status po_exp_save_figure(po_exp_ctx *c, po_figure *f, const char *suffix)
{
    static const char *const exts[] = {".png", ".svg"};
    if (!suffix) suffix = "";
    for (size_t k = 0; k < sizeof exts / sizeof exts[0]; k++) {
        char *path = out_path(c, suffix, exts[k]);
        if (!path) return po_error(PO_ENOMEM, "%s: figure path", c->entry->name);
        po_status st = po_figure_save(f, path);
        if (st == PO_OK) record_file(c, path);
        free(path);
        if (st != PO_OK) return st;
        if (c->oom) return po_error(PO_ENOMEM, "%s: recording the figure", c->entry->name);
    }
    return PO_OK;
}

/* ---- writing ---------------------------------------------------------------- */

static po_status fill_text(FILE *f, const char *path, void *ctx)
{
    const char *text = ctx;
    size_t len = strlen(text);
    if (fwrite(text, 1, len, f) != len) return po_error(PO_EIO, "%s: write failed", path);
    return PO_OK;
}

/* Create dir and its missing parents (mkdir -p). *created: whether the last
 * component was made by this call. */
static po_status make_dirs(const char *dir, bool *created)
{
    *created = false;
    char *p = dup_string(dir);
    if (!p) return po_error(PO_ENOMEM, "%s: output directory name", dir);
    size_t n = strlen(p);
    for (size_t i = 1; i <= n; i++) {
        if (p[i] != '/' && p[i] != '\0') continue;
        char save = p[i];
        p[i] = '\0';
        if (mkdir(p, 0777) == 0) {
            *created = save == '\0';
        } else {
            int err = errno;
            struct stat sb;
            if (err != EEXIST || stat(p, &sb) != 0 || !S_ISDIR(sb.st_mode)) {
                po_status st = po_error(PO_EIO, "cannot create the output directory '%s': %s", p,
                                        err == EEXIST ? "a file of that name exists"
                                                      : strerror(err));
                free(p);
                return st;
            }
        }
        p[i] = save;
    }
    free(p);
    return PO_OK;
}

/* The document's header keys, before the experiment adds its panels. */
static cJSON *new_document(const po_exp_ctx *c)
{
    cJSON *j = cJSON_CreateObject();
    if (!j) return NULL;
    cJSON_AddStringToObject(j, "figure", c->entry->name);
    cJSON_AddStringToObject(j, "summary", c->entry->summary);
    cJSON_AddStringToObject(j, "partobs_version", po_version());
    cJSON_AddItemToObject(j, "seed", po_report_u64(c->seed));
    cJSON_AddItemToObject(j, "run_seed", po_report_u64(c->opts->seed));
    cJSON_AddBoolToObject(j, "quick", c->opts->quick);
    return j;
}

static po_status add_claims_json(po_exp_ctx *c)
{
    cJSON *arr = cJSON_AddArrayToObject(c->json, "claims");
    if (!arr) return po_error(PO_ENOMEM, "%s: JSON claims", c->entry->name);
    for (size_t k = 0; k < c->rec->n_claims; k++) {
        const exp_claim *cl = &c->rec->claims[k];
        cJSON *o = cJSON_CreateObject();
        if (!o || !cJSON_AddItemToArray(arr, o)) {
            cJSON_Delete(o);
            return po_error(PO_ENOMEM, "%s: JSON claims", c->entry->name);
        }
        if (!cJSON_AddStringToObject(o, "claim", cl->claim) ||
            !cJSON_AddStringToObject(o, "measured", cl->measured) ||
            !cJSON_AddBoolToObject(o, "holds", cl->holds))
            return po_error(PO_ENOMEM, "%s: JSON claims", c->entry->name);
    }
    return PO_OK;
}

static po_status write_document(po_exp_ctx *c)
{
    po_status st = add_claims_json(c);
    if (st != PO_OK) return st;
    char *text = cJSON_Print(c->json);
    if (!text) return po_error(PO_ENOMEM, "%s: printing the JSON document", c->entry->name);
    size_t len = strlen(text);
    char *line = malloc(len + 2);
    if (!line) {
        cJSON_free(text);
        return po_error(PO_ENOMEM, "%s: JSON document", c->entry->name);
    }
    memcpy(line, text, len);
    line[len] = '\n';
    line[len + 1] = '\0';
    cJSON_free(text);
    char *path = out_path(c, "", ".json");
    st = path ? po_atomic_write(path, fill_text, line)
              : po_error(PO_ENOMEM, "%s: JSON path", c->entry->name);
    if (st == PO_OK) record_file(c, path);
    free(path);
    free(line);
    if (st == PO_OK && c->oom) st = po_error(PO_ENOMEM, "%s: recording the JSON", c->entry->name);
    return st;
}

static void free_record(exp_record *r)
{
    for (size_t k = 0; k < r->n_claims; k++) {
        free(r->claims[k].claim);
        free(r->claims[k].measured);
    }
    free(r->claims);
    r->claims = NULL;
    r->n_claims = r->cap_claims = 0;
}

/* Remove the staging directory and everything in it (files only: the
 * figures, the JSON and atomic.c's temporaries). */
static void remove_stage(const char *stage)
{
    DIR *d = opendir(stage);
    if (d) {
        for (struct dirent *e = readdir(d); e; e = readdir(d)) {
            if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0) continue;
            char *p = join_path(stage, e->d_name);
            if (p) unlink(p);
            free(p);
        }
        closedir(d);
    }
    rmdir(stage);
}

/* Create the experiment's staging directory (a stale one of the same name
 * can only be left by a killed process that had this pid). */
static po_status make_stage(po_exp_ctx *c)
{
    const char *dir = c->opts->out_dir;
    size_t n = strlen(dir) + strlen(c->entry->name) + sizeof PO_TEMP_TAG + 32;
    c->stage = malloc(n);
    if (!c->stage) return po_error(PO_ENOMEM, "staging directory name");
    snprintf(c->stage, n, "%s/.%s" PO_TEMP_TAG "%ld", dir, c->entry->name, (long)getpid());
    if (mkdir(c->stage, 0777) == 0) return PO_OK;
    if (errno == EEXIST) {
        remove_stage(c->stage);
        if (mkdir(c->stage, 0777) == 0) return PO_OK;
    }
    return po_error(PO_EIO, "cannot create the staging directory '%s': %s", c->stage,
                    strerror(errno));
}

/* Move every staged file into the output directory, then remove the stage.
 * On failure the files already moved are removed again. */
static po_status publish(po_exp_ctx *c)
{
    size_t k = 0;
    po_status st = PO_OK;
    char **dest = calloc(c->n_files + 1, sizeof *dest);
    if (!dest) return po_error(PO_ENOMEM, "output paths");
    for (; k < c->n_files && st == PO_OK; k++) {
        const char *slash = strrchr(c->files[k], '/');
        dest[k] = join_path(c->opts->out_dir, slash ? slash + 1 : c->files[k]);
        if (!dest[k])
            st = po_error(PO_ENOMEM, "output path");
        else if (rename(c->files[k], dest[k]) != 0)
            st = po_error(PO_EIO, "cannot move '%s' into place: %s", dest[k], strerror(errno));
    }
    if (st != PO_OK)
        for (size_t i = 0; i + 1 < k; i++) unlink(dest[i]);
    for (size_t i = 0; i < k; i++) free(dest[i]);
    free(dest);
    if (st == PO_OK) rmdir(c->stage);
    return st;
}

/* Run one experiment into rec; on failure remove everything it wrote and
 * prefix the error detail with its name. */
static po_status run_one(const po_exp_entry *e, const po_repro_opts *opts, exp_record *rec)
{
    po_exp_ctx c;
    memset(&c, 0, sizeof c);
    c.opts = opts;
    c.entry = e;
    c.seed = opts->seed + po_exp_seed_offset(e->name);
    c.threads = po_parallel_threads(opts->threads, SIZE_MAX); /* 0: the online CPUs */
    c.rec = rec;
    rec->entry = e;
    c.json = new_document(&c);
    po_error_clear();
    po_status st = c.json ? PO_OK : po_error(PO_ENOMEM, "JSON document");
    if (st == PO_OK) st = make_stage(&c);
    po_exp_progress(&c, 0, 1);
    if (st == PO_OK) st = e->fn(&c);
    if (st == PO_OK && c.oom) st = po_error(PO_ENOMEM, "recording the claims");
    if (st == PO_OK) st = write_document(&c);
    if (st == PO_OK) st = publish(&c);
    if (st != PO_OK) {
        if (c.stage) remove_stage(c.stage);
        char detail[768];
        snprintf(detail, sizeof detail, "%s", po_errmsg()[0] ? po_errmsg() : po_strerror(st));
        po_error(st, "%s: %s", e->name, detail);
        free_record(rec);
    }
    for (size_t k = 0; k < c.n_files; k++) free(c.files[k]);
    free(c.files);
    free(c.stage);
    cJSON_Delete(c.json);
    return st;
}

/* Markdown table cells: '|' would end the cell and a newline the row. */
static void put_cell(FILE *f, const char *s)
{
    for (; *s; s++) {
        if (*s == '|')
            fputs("\\|", f);
        else if (*s == '\n' || *s == '\r')
            fputc(' ', f);
        else
            fputc(*s, f);
    }
}

typedef struct claims_doc {
    const exp_record *recs;
    size_t n;
    const po_repro_opts *opts;
} claims_doc;

static po_status fill_claims(FILE *f, const char *path, void *ctx)
{
    (void)path;
    const claims_doc *d = ctx;
    size_t total = 0, held = 0;
    for (size_t i = 0; i < d->n; i++)
        for (size_t k = 0; k < d->recs[i].n_claims; k++) {
            total++;
            held += d->recs[i].claims[k].holds;
        }
    fprintf(f, "# partobs reproduce: the paper's claims (SPEC.md §6)\n\n");
    fprintf(f, "partobs %s, seed %llu, %s sizes. **%zu of %zu claims hold.**\n", po_version(),
            (unsigned long long)d->opts->seed, d->opts->quick ? "quick (reduced)" : "full (paper)",
            held, total);
    for (size_t i = 0; i < d->n; i++) {
        const exp_record *r = &d->recs[i];
        size_t h = 0;
        for (size_t k = 0; k < r->n_claims; k++) h += r->claims[k].holds;
        fprintf(f, "\n## %s: ", r->entry->name);
        put_cell(f, r->entry->summary);
        fprintf(f, "\n\n%zu of %zu claims hold. Numbers: %s.json\n\n", h, r->n_claims,
                r->entry->name);
        fprintf(f, "| claim | measured | holds |\n|---|---|---|\n");
        for (size_t k = 0; k < r->n_claims; k++) {
            fputs("| ", f);
            put_cell(f, r->claims[k].claim);
            fputs(" | ", f);
            put_cell(f, r->claims[k].measured);
            fprintf(f, " | %s |\n", r->claims[k].holds ? "yes" : "no");
        }
    }
    return PO_OK;
}

po_status po_exp_run(const po_exp_entry *table, size_t n_table, const size_t *indices, size_t n,
                     const po_repro_opts *opts, po_repro_result *res)
{
    if (res) res->claims = res->held = 0;
    if (!table || !indices || n == 0) return po_error(PO_EINVAL, "reproduce: no experiment given");
    const char *why = po_repro_opts_check(opts);
    if (why) return po_error(PO_EINVAL, "%s", why);
    for (size_t i = 0; i < n; i++)
        if (indices[i] >= n_table)
            return po_error(PO_EINVAL, "experiment index %zu out of range (%zu known)",
                            indices[i], n_table);
    bool created = false;
    po_status st = make_dirs(opts->out_dir, &created);
    if (st != PO_OK) return st;
    exp_record *recs = calloc(n, sizeof *recs);
    if (!recs) return po_error(PO_ENOMEM, "no memory for the experiment records");
    size_t done = 0;
    for (; done < n; done++) {
        /* at least the BLAS buffers; each figure's arrays are small at --quick */
        st = po_mem_reserve_check(0, table[indices[done]].name);
        if (st == PO_OK) st = run_one(&table[indices[done]], opts, &recs[done]);
        if (st != PO_OK) break;
    }
    if (st == PO_OK) {
        char *path = join_path(opts->out_dir, "claims.md");
        claims_doc doc = {recs, n, opts};
        st = path ? po_atomic_write(path, fill_claims, &doc)
                  : po_error(PO_ENOMEM, "no memory for the claims.md path");
        free(path);
    }
    if (st == PO_OK && res)
        for (size_t i = 0; i < n; i++)
            for (size_t k = 0; k < recs[i].n_claims; k++) {
                res->claims++;
                res->held += recs[i].claims[k].holds;
            }
    /* An output directory this run made and left empty goes again (rmdir
     * refuses a non-empty one). */
    if (st != PO_OK && created) rmdir(opts->out_dir);
    for (size_t i = 0; i < n; i++) free_record(&recs[i]);
    free(recs);
    return st;
}

po_status po_reproduce(const size_t *indices, size_t n, const po_repro_opts *opts,
                       po_repro_result *res)
{
    size_t n_table;
    const po_exp_entry *table = po_exp_registry(&n_table);
    return po_exp_run(table, n_table, indices, n, opts, res);
}
