/* A figure as a description (issue 10 item 12): sizes from one table at full
 * and --quick sizes (EXP_KEEP leaves a default), recorded in the JSON in
 * table order; one allocation split into arrays; a figure set up, drawn from
 * panels given as data and saved by one path, and not saved after a failure.
 * Claims given as a list are evaluated by one function (exp_claims) and
 * appear in the JSON and claims.md as the figures' hand-written claims did;
 * exp_run runs a described figure in its fixed order and releases its job
 * after a failure too.
 * Fake experiments run through po_exp_run as in test_experiments.c. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "experiments/common.h"
#include "experiments/exp.h"
#include "harness.h"

typedef struct fake_job {
    size_t D, k, kept, unrecorded;
} fake_job;

static const exp_size fake_sizes[] = {
    EXP_SIZE("D", fake_job, D, 500, 50),
    EXP_SIZE("teachers", fake_job, k, 20, 3),
    EXP_SIZE("kept", fake_job, kept, EXP_KEEP, 7),
    EXP_SIZE(NULL, fake_job, unrecorded, 11, 12),
};

static fake_job seen;

static po_status fake_sizes_fn(po_exp_ctx *c)
{
    fake_job J = {0, 0, 99, 0};
    exp_sizes_set(c, fake_sizes, EXP_COUNT(fake_sizes), &J);
    seen = J;
    cJSON *p = exp_sizes_json(po_exp_json(c), "parameters", fake_sizes, EXP_COUNT(fake_sizes), &J);
    cJSON_AddStringToObject(p, "extra", "added after the table");
    double *a, *b, *m;
    double *block = exp_arrays(4, &a, &b, &m, NULL);
    if (!block) return PO_ENOMEM;
    for (size_t i = 0; i < 4; i++) {
        a[i] = (double)i;
        b[i] = 0.5 * (double)i;
        m[i] = 0.1;
    }
    /* The arrays are consecutive blocks of the one allocation. */
    po_exp_claim(c, a == block && b == block + 4 && m == block + 8, "arrays split", "-");
    po_figure *f = NULL;
    po_status st = exp_figure(&f, 1, 2, 400, 200, "fake %s, D = %zu", "figure", J.D);
    const exp_series s[] = {
        {EXP_LINE, a, b, NULL, 4, 0, {PO_COLOR_BLUE, 2, false, 0, "line"}},
        {EXP_BAND, a, b, m, 4, 0, {PO_COLOR_ORANGE, 1, false, 1, "band"}},
        {EXP_POINTS, a, a, NULL, 4, 0, {PO_COLOR_RED, 1, false, 2, "points"}},
        {EXP_HLINE, .level = 1.0, .style = {PO_COLOR_GREY, 1, true, 0, "level"}},
    };
    po_axes ax = exp_axes("panel", "x", "y");
    if (st == PO_OK) st = exp_panel(f, 0, 0, &ax, s, EXP_COUNT(s));
    if (st == PO_OK) st = exp_panel(f, 0, 1, &ax, s, 1);
    st = exp_figure_done(c, f, st);
    free(block);
    return st;
}

/* A panel that cannot be drawn (a line with no points is refused): the
 * figure must not be saved. */
static po_status fake_bad_panel(po_exp_ctx *c)
{
    po_figure *f = NULL;
    po_status st = exp_figure(&f, 1, 1, 400, 200, "bad");
    double x[1] = {0};
    const exp_series s[] = {{EXP_LINE, x, x, NULL, 0, 0, {PO_COLOR_BLUE, 2, false, 0, NULL}}};
    po_axes ax = exp_axes("panel", "x", "y");
    if (st == PO_OK) st = exp_panel(f, 0, 0, &ax, s, 1);
    st = exp_figure_done(c, f, st);
    return st == PO_OK ? po_error(PO_EINVAL, "the empty line was accepted") : st;
}

/* ---- claims as a list, a figure run by exp_run ---------------------------- */

typedef struct claim_job {
    size_t k;
    double *x;      /* k values, one per item */
    size_t setups, released;
    bool fail_item; /* item 1 fails */
} claim_job;

static const exp_size claim_sizes[] = {
    EXP_SIZE("k", claim_job, k, 6, 4),
};

/* Mean of x above arg (a threshold): holds when it is. */
static bool claim_mean_above(exp_claim_io *io)
{
    const size_t arg = io->arg;
    const claim_job *J = io->res;
    double m = 0;
    for (size_t i = 0; i < J->k; i++) m += J->x[i];
    m /= (double)J->k;
    snprintf(io->buf, io->size, "mean %.2f over %zu items (threshold %zu%%)", m, J->k, arg);
    return m > (double)arg;
}

static const exp_claim_row claim_rows[] = {
    {"the mean is above 1% (holds)", claim_mean_above, 1},
    {"the mean is above 50% (does not hold)", claim_mean_above, 50},
};

static po_status claim_setup(po_exp_ctx *c, void *job)
{
    (void)c;
    claim_job *J = job;
    J->setups++;
    J->x = malloc(J->k * sizeof *J->x);
    return J->x ? PO_OK : PO_ENOMEM;
}

static size_t claim_items(const void *job) { return ((const claim_job *)job)->k; }

static po_status claim_item(size_t i, void *user)
{
    claim_job *J = user;
    if (J->fail_item && i == 1) return po_error(PO_EINVAL, "item 1 fails");
    J->x[i] = (double)(i + 1); /* mean (k + 1) / 2 */
    return PO_OK;
}

static void claim_record(void *job, cJSON *root, cJSON *sizes)
{
    const claim_job *J = job;
    cJSON_AddStringToObject(sizes, "after", "the table");
    cJSON_AddItemToObject(root, "x", po_report_array(J->x, J->k));
}

static void claim_release(void *job)
{
    claim_job *J = job;
    J->released++;
    free(J->x);
    J->x = NULL;
}

static const exp_desc claim_desc = {claim_sizes, EXP_COUNT(claim_sizes), "parameters",
                                    claim_setup, claim_items, claim_item, claim_record,
                                    claim_rows, EXP_COUNT(claim_rows), NULL, claim_release};
static claim_job claimed;

static po_status fake_claims_fn(po_exp_ctx *c)
{
    memset(&claimed, 0, sizeof claimed);
    return exp_run(c, &claim_desc, &claimed);
}

static po_status fake_claims_fail(po_exp_ctx *c)
{
    memset(&claimed, 0, sizeof claimed);
    claimed.fail_item = true;
    return exp_run(c, &claim_desc, &claimed);
}

static const po_exp_entry table[] = {
    {"sizes", "sizes from a table", fake_sizes_fn},
    {"bad", "a panel that fails", fake_bad_panel},
    {"claims", "claims as a list", fake_claims_fn},
    {"claimsfail", "a failing item", fake_claims_fail},
};

static void run_sizes(bool quick, const char *dir)
{
    po_repro_opts o = po_repro_opts_defaults();
    o.out_dir = po_test_tmp(dir);
    o.quick = quick;
    o.threads = 1;
    size_t idx = 0;
    po_repro_result res;
    CHECK_OK(po_exp_run(table, EXP_COUNT(table), &idx, 1, &o, &res));
    CHECK(res.claims == 1 && res.held == 1);
}

static void test_sizes_full(void)
{
    run_sizes(false, "full");
    CHECK(seen.D == 500 && seen.k == 20 && seen.kept == 99 && seen.unrecorded == 11);
    char path[1024];
    snprintf(path, sizeof path, "%s/sizes.json", po_test_tmp("full"));
    char *text = po_test_slurp(path, NULL);
    CHECK(text != NULL);
    if (!text) return;
    cJSON *j = cJSON_Parse(text);
    const cJSON *p = cJSON_GetObjectItemCaseSensitive(j, "parameters");
    /* Recorded keys in table order, unrecorded ones absent, extras after. */
    const char *want[] = {"D", "teachers", "kept", "extra"};
    size_t i = 0;
    for (const cJSON *e = p ? p->child : NULL; e; e = e->next, i++)
        CHECK(i < 4 && strcmp(e->string, want[i]) == 0);
    CHECK(i == 4);
    CHECK(cJSON_GetObjectItem(p, "kept")->valuedouble == 99.0);
    cJSON_Delete(j);
    free(text);
    struct stat sb;
    snprintf(path, sizeof path, "%s/sizes.png", po_test_tmp("full"));
    CHECK(stat(path, &sb) == 0 && sb.st_size > 0);
    snprintf(path, sizeof path, "%s/sizes.svg", po_test_tmp("full"));
    CHECK(stat(path, &sb) == 0 && sb.st_size > 0);
}

static void test_sizes_quick(void)
{
    run_sizes(true, "quick");
    CHECK(seen.D == 50 && seen.k == 3 && seen.kept == 7 && seen.unrecorded == 12);
}

static void test_failed_panel_not_saved(void)
{
    po_repro_opts o = po_repro_opts_defaults();
    o.out_dir = po_test_tmp("bad");
    size_t idx = 1;
    CHECK(po_exp_run(table, EXP_COUNT(table), &idx, 1, &o, NULL) != PO_OK);
    char path[1024];
    struct stat sb;
    snprintf(path, sizeof path, "%s/bad.png", po_test_tmp("bad"));
    CHECK(stat(path, &sb) != 0);
    snprintf(path, sizeof path, "%s/bad.json", po_test_tmp("bad"));
    CHECK(stat(path, &sb) != 0);
}

/* The list's claims in order: statement, measured text, verdict, in the
 * JSON and as claims.md rows; the sizes before the record, items all run,
 * the job released once. */
static void test_claims_list(void)
{
    po_repro_opts o = po_repro_opts_defaults();
    o.out_dir = po_test_tmp("claims");
    o.quick = true;
    o.threads = 2;
    size_t idx = 2;
    po_repro_result res;
    CHECK_OK(po_exp_run(table, EXP_COUNT(table), &idx, 1, &o, &res));
    CHECK(res.claims == 2 && res.held == 1);
    CHECK(claimed.k == 4 && claimed.setups == 1 && claimed.released == 1);
    char path[1024];
    snprintf(path, sizeof path, "%s/claims.md", po_test_tmp("claims"));
    char *md = po_test_slurp(path, NULL);
    CHECK(md != NULL);
    if (md) {
        /* mean of 1..4 = 2.5 */
        CHECK(strstr(md, "| the mean is above 1% (holds) | mean 2.50 over 4 items (threshold "
                         "1%) | yes |\n") != NULL);
        CHECK(strstr(md, "| the mean is above 50% (does not hold) | mean 2.50 over 4 items "
                         "(threshold 50%) | no |\n") != NULL);
        CHECK(strstr(md, "1 of 2 claims hold") != NULL);
    }
    free(md);
    snprintf(path, sizeof path, "%s/claims.json", po_test_tmp("claims"));
    char *text = po_test_slurp(path, NULL);
    cJSON *j = text ? cJSON_Parse(text) : NULL;
    CHECK(j != NULL);
    const cJSON *p = cJSON_GetObjectItemCaseSensitive(j, "parameters");
    CHECK(p && p->child && strcmp(p->child->string, "k") == 0 && p->child->next &&
          strcmp(p->child->next->string, "after") == 0);
    CHECK(cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(j, "x")) == 4);
    const cJSON *cl = cJSON_GetObjectItemCaseSensitive(j, "claims");
    CHECK(cJSON_GetArraySize(cl) == 2);
    const cJSON *c0 = cJSON_GetArrayItem(cl, 0), *c1 = cJSON_GetArrayItem(cl, 1);
    CHECK(c0 && cJSON_IsTrue(cJSON_GetObjectItem(c0, "holds")));
    CHECK(c1 && cJSON_IsFalse(cJSON_GetObjectItem(c1, "holds")));
    CHECK(c1 && strcmp(cJSON_GetObjectItem(c1, "measured")->valuestring,
                       "mean 2.50 over 4 items (threshold 50%)") == 0);
    cJSON_Delete(j);
    free(text);
}

/* A failing item: no claims, no files, the job still released once. */
static void test_run_failure_releases(void)
{
    po_repro_opts o = po_repro_opts_defaults();
    o.out_dir = po_test_tmp("claimsfail");
    o.threads = 1;
    size_t idx = 3;
    CHECK(po_exp_run(table, EXP_COUNT(table), &idx, 1, &o, NULL) == PO_EINVAL);
    CHECK(claimed.k == 6 && claimed.setups == 1 && claimed.released == 1 && claimed.x == NULL);
    char path[1024];
    struct stat sb;
    snprintf(path, sizeof path, "%s/claimsfail.json", po_test_tmp("claimsfail"));
    CHECK(stat(path, &sb) != 0);
}

int main(void)
{
    PO_RUN(test_sizes_full);
    PO_RUN(test_sizes_quick);
    PO_RUN(test_failed_panel_not_saved);
    PO_RUN(test_claims_list);
    PO_RUN(test_run_failure_releases);
    return po_test_finish();
}
