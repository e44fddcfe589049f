/* Tests of the experiment runner behind `partobs reproduce` (runner.c,
 * registry.c): claims.md format, JSON documents, failure clean-up, registry
 * lookups. Fake experiments run through po_exp_run so that the tests take
 * milliseconds; the real figures are exercised by tests/cli/test_reproduce.sh. */
#include <dirent.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "experiments/exp.h"
#include "harness.h"

static bool exists(const char *path)
{
    struct stat sb;
    return stat(path, &sb) == 0;
}

/* Remove a directory of plain files (the harness removes only its top level). */
static void remove_dir(const char *dir)
{
    DIR *d = opendir(dir);
    if (!d) return;
    char path[1024];
    for (struct dirent *e = readdir(d); e; e = readdir(d)) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0) continue;
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        remove(path);
    }
    closedir(d);
    rmdir(dir);
}

static size_t count_entries(const char *dir)
{
    DIR *d = opendir(dir);
    if (!d) return 0;
    size_t n = 0;
    for (struct dirent *e = readdir(d); e; e = readdir(d))
        if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0) n++;
    closedir(d);
    return n;
}

/* ---- fake experiments -------------------------------------------------------- */

static uint64_t seen_seed;
static size_t seen_threads;

static po_status fake_ok(po_exp_ctx *c)
{
    seen_seed = po_exp_seed(c);
    seen_threads = po_exp_threads(c);
    double x[3] = {1.5, (double)NAN, -2.0};
    cJSON_AddItemToObject(po_exp_json(c), "panel_a", po_exp_json_array(x, 3));
    double m[4] = {1, 2, 3, 4};
    cJSON_AddItemToObject(po_exp_json(c), "panel_b", po_exp_json_matrix(m, 2, 2, 2));
    po_exp_progress(c, 1, 2);
    po_exp_claim(c, true, "a | b holds", "measured %d", 42);
    po_exp_claim(c, false, "second claim", "%.3f", 0.5);
    return PO_OK;
}

static po_status fake_other(po_exp_ctx *c)
{
    po_exp_claim(c, true, "third claim", "ok");
    return PO_OK;
}

static po_status fake_fail(po_exp_ctx *c)
{
    po_exp_claim(c, true, "never reported", "-");
    return po_error(PO_ELINALG, "the solver broke");
}

/* Saves a figure, then fails: the figure must be removed again. */
static po_status fake_fail_after_figure(po_exp_ctx *c)
{
    po_figure *f = NULL;
    po_status st = po_figure_alloc(1, 1, 200, 150, "t", &f);
    if (st != PO_OK) return st;
    po_axes ax = po_axes_defaults();
    ax.title = "p";
    po_panel *p = po_figure_panel(f, 0, 0, &ax);
    double x[2] = {0, 1}, y[2] = {0, 1};
    po_style s = po_style_defaults();
    st = p ? po_panel_line(p, x, y, 2, &s) : PO_EINVAL;
    if (st == PO_OK) st = po_exp_save_figure(c, f, "_a");
    po_figure_free(f);
    if (st != PO_OK) return st;
    return po_error(PO_EDIVERGED, "late failure");
}

static const po_exp_entry table[] = {
    {"ok", "a fake experiment", fake_ok},
    {"other", "another", fake_other},
    {"fail", "fails", fake_fail},
    {"figfail", "saves a figure, then fails", fake_fail_after_figure},
};
enum { N_TABLE = sizeof table / sizeof table[0] };

static size_t progress_calls;
static void count_progress(void *user, const char *stage, size_t done, size_t total)
{
    (void)user;
    (void)done;
    (void)total;
    if (strcmp(stage, "ok") == 0) progress_calls++;
}

/* ---- tests ------------------------------------------------------------------- */

static void test_registry(void)
{
    CHECK(po_repro_count() >= 10);
    const char *want[] = {"fig1",  "fig2",  "fig3",  "fig4",  "figF1",
                          "figF3", "figF4", "figF5", "figF7", "figF8"};
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
        size_t k = 99;
        CHECK_OK(po_repro_find(want[i], &k));
        CHECK(k < po_repro_count() && strcmp(po_repro_name(k), want[i]) == 0);
        CHECK(po_repro_summary(k) && strlen(po_repro_summary(k)) > 10);
        /* one line of --help */
        CHECK(strlen(po_repro_summary(k)) <= 70);
    }
    /* `all` starts with Fig 1, as the paper does. */
    CHECK(strcmp(po_repro_name(0), "fig1") == 0);
    size_t k;
    CHECK_STATUS(po_repro_find("fig99", &k), PO_EINVAL);
    CHECK(strstr(po_errmsg(), "fig99") && strstr(po_errmsg(), "figF4"));
    CHECK_STATUS(po_repro_find(NULL, &k), PO_EINVAL);
    CHECK(po_repro_name(po_repro_count()) == NULL);
    CHECK(po_repro_summary(po_repro_count()) == NULL);
}

static void test_opts(void)
{
    po_repro_opts o = po_repro_opts_defaults();
    CHECK(po_repro_opts_check(&o) == NULL);
    CHECK(!o.quick && o.seed == PO_DEFAULT_SEED && o.threads == 0);
    o.out_dir = "";
    CHECK(po_repro_opts_check(&o) != NULL);
    o.out_dir = NULL;
    CHECK(po_repro_opts_check(&o) != NULL);
    CHECK(po_repro_opts_check(NULL) != NULL);
    size_t idx = 0;
    CHECK_STATUS(po_reproduce(&idx, 1, &o, NULL), PO_EINVAL);
}

static void test_seed_offset(void)
{
    /* FNV-1a: the empty string gives the offset basis. */
    CHECK(po_exp_seed_offset("") == UINT64_C(14695981039346656037));
    CHECK(po_exp_seed_offset("fig2") != po_exp_seed_offset("fig3"));
    CHECK(po_exp_seed_offset("fig2") == po_exp_seed_offset("fig2"));
}

static void test_run_writes_json_and_claims(void)
{
    char dir[512];
    snprintf(dir, sizeof dir, "%s/nested/out", po_test_tmp("run1"));
    po_repro_opts o = po_repro_opts_defaults();
    o.out_dir = dir;
    o.seed = 7;
    o.threads = 3;
    o.progress = count_progress;
    progress_calls = 0;
    size_t idx[2] = {0, 1};
    po_repro_result res;
    CHECK_OK(po_exp_run(table, N_TABLE, idx, 2, &o, &res));
    CHECK(res.claims == 3 && res.held == 2);
    CHECK(seen_seed == 7 + po_exp_seed_offset("ok"));
    CHECK(seen_threads == 3);
    CHECK(progress_calls >= 2); /* the runner's start and the experiment's own */

    char path[600];
    snprintf(path, sizeof path, "%s/ok.json", dir);
    char *text = po_test_slurp(path, NULL);
    CHECK(text != NULL);
    cJSON *j = text ? cJSON_Parse(text) : NULL;
    CHECK(j != NULL);
    if (j) {
        CHECK(cJSON_IsString(cJSON_GetObjectItem(j, "figure")));
        cJSON *a = cJSON_GetObjectItem(j, "panel_a");
        CHECK(cJSON_GetArraySize(a) == 3);
        CHECK(cJSON_IsNull(cJSON_GetArrayItem(a, 1)));
        CHECK_CLOSE(cJSON_GetArrayItem(a, 2)->valuedouble, -2.0, 0, 0);
        cJSON *b = cJSON_GetObjectItem(j, "panel_b");
        CHECK(cJSON_GetArraySize(b) == 2 && cJSON_GetArraySize(cJSON_GetArrayItem(b, 1)) == 2);
        CHECK_CLOSE(cJSON_GetArrayItem(cJSON_GetArrayItem(b, 1), 0)->valuedouble, 3.0, 0, 0);
        cJSON *cl = cJSON_GetObjectItem(j, "claims");
        CHECK(cJSON_GetArraySize(cl) == 2);
        cJSON *c0 = cJSON_GetArrayItem(cl, 0);
        CHECK(cJSON_IsTrue(cJSON_GetObjectItem(c0, "holds")));
        CHECK(strcmp(cJSON_GetObjectItem(c0, "measured")->valuestring, "measured 42") == 0);
        /* the seed is exact, as a raw integer literal */
        CHECK(strstr(text, "\"run_seed\":\t7") != NULL);
        cJSON_Delete(j);
    }
    free(text);

    snprintf(path, sizeof path, "%s/claims.md", dir);
    text = po_test_slurp(path, NULL);
    CHECK(text != NULL);
    if (text) {
        CHECK(strstr(text, "**2 of 3 claims hold.**") != NULL);
        CHECK(strstr(text, "## ok: a fake experiment") != NULL);
        CHECK(strstr(text, "1 of 2 claims hold.") != NULL);
        CHECK(strstr(text, "| claim | measured | holds |\n|---|---|---|\n") != NULL);
        CHECK(strstr(text, "| a \\| b holds | measured 42 | yes |\n") != NULL);
        CHECK(strstr(text, "| second claim | 0.500 | no |\n") != NULL);
        CHECK(strstr(text, "## other: another") != NULL);
        CHECK(strstr(text, "| third claim | ok | yes |\n") != NULL);
        free(text);
    }
    CHECK(count_entries(dir) == 3); /* ok.json, other.json, claims.md: no temporaries */
    remove_dir(dir);
    snprintf(path, sizeof path, "%s/nested", po_test_tmp("run1"));
    rmdir(path);
    rmdir(po_test_tmp("run1"));
}

static void test_failure_leaves_nothing(void)
{
    char dir[512];
    snprintf(dir, sizeof dir, "%s", po_test_tmp("run2"));
    po_repro_opts o = po_repro_opts_defaults();
    o.out_dir = dir;
    size_t idx[2] = {0, 2};
    po_repro_result res = {9, 9};
    CHECK_STATUS(po_exp_run(table, N_TABLE, idx, 2, &o, &res), PO_ELINALG);
    CHECK(res.claims == 0 && res.held == 0);
    CHECK(strncmp(po_errmsg(), "fail: ", 6) == 0 && strstr(po_errmsg(), "the solver broke"));
    char path[600];
    snprintf(path, sizeof path, "%s/ok.json", dir);
    CHECK(exists(path)); /* completed before the failure: stays */
    snprintf(path, sizeof path, "%s/fail.json", dir);
    CHECK(!exists(path));
    snprintf(path, sizeof path, "%s/claims.md", dir);
    CHECK(!exists(path));
    CHECK(count_entries(dir) == 1);
    remove_dir(dir);

    /* Failing alone into a directory it created: the directory goes too. */
    size_t one = 2;
    CHECK_STATUS(po_exp_run(table, N_TABLE, &one, 1, &o, NULL), PO_ELINALG);
    CHECK(!exists(dir));

    /* A figure saved before the failure is removed (PNG and SVG). */
    one = 3;
    CHECK_STATUS(po_exp_run(table, N_TABLE, &one, 1, &o, NULL), PO_EDIVERGED);
    CHECK(!exists(dir));
}

static void test_bad_arguments(void)
{
    po_repro_opts o = po_repro_opts_defaults();
    o.out_dir = po_test_tmp("run3");
    size_t idx = N_TABLE;
    CHECK_STATUS(po_exp_run(table, N_TABLE, &idx, 1, &o, NULL), PO_EINVAL);
    CHECK(strstr(po_errmsg(), "out of range") != NULL);
    idx = 0;
    CHECK_STATUS(po_exp_run(table, N_TABLE, &idx, 0, &o, NULL), PO_EINVAL);
    CHECK_STATUS(po_exp_run(table, N_TABLE, NULL, 1, &o, NULL), PO_EINVAL);
    CHECK(!exists(o.out_dir));
    /* The output "directory" is a regular file. */
    FILE *f = fopen(po_test_tmp("plainfile"), "w");
    CHECK(f != NULL);
    if (f) fclose(f);
    o.out_dir = po_test_tmp("plainfile");
    CHECK_STATUS(po_exp_run(table, N_TABLE, &idx, 1, &o, NULL), PO_EIO);
    CHECK(strstr(po_errmsg(), "a file of that name exists") != NULL);
}

int main(void)
{
    PO_RUN(test_registry);
    PO_RUN(test_opts);
    PO_RUN(test_seed_offset);
    PO_RUN(test_run_writes_json_and_claims);
    PO_RUN(test_failure_leaves_nothing);
    PO_RUN(test_bad_arguments);
    return po_test_finish();
}
