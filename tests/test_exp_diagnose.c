/* Tests of `partobs reproduce diagnose` (src/experiments/diagnose.c): the
 * validation set at a tiny size through the experiment runner (po_exp_run):
 * its JSON keys, per-family counts that add up and agree with the
 * recordings, seeds and sizes that depend on (family, index) alone, and the
 * same results for one and two threads. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "experiments/exp.h"
#include "harness.h"
#include "partobs/diagnose.h"

enum { FAMILIES = 10 };

static const po_exp_diagnose_sizes tiny = {30, 40, 6, 8, 3000, 1, 2};

static po_status tiny_run(po_exp_ctx *c) { return po_exp_diagnose_sized(c, &tiny); }

static po_status bad_sizes(po_exp_ctx *c)
{
    po_exp_diagnose_sizes s = tiny;
    s.d_min = 50; /* more observed than D_min neurons */
    return po_exp_diagnose_sized(c, &s);
}

static const po_exp_entry table[] = {
    {"diagnose", "the validation set, tiny", tiny_run},
    {"diagnose", "bad sizes", bad_sizes},
};

static const char *const outputs[] = {"diagnose.json", "diagnose.png", "diagnose.svg",
                                      "claims.md"};

/* Run the tiny set into dir with this many threads; the parsed JSON or NULL
 * (and, if text is not NULL, the file's text: seeds are exact only there). */
static cJSON *run_tiny(const char *dir, size_t threads, char **text_out)
{
    po_repro_opts o = po_repro_opts_defaults();
    o.out_dir = dir;
    o.quick = true;
    o.seed = 11;
    o.threads = threads;
    size_t idx = 0;
    po_repro_result res;
    po_status st = po_exp_run(table, 2, &idx, 1, &o, &res);
    CHECK_OK(st);
    if (st != PO_OK) return NULL;
    CHECK(res.claims == 4);
    char path[1024];
    for (size_t k = 1; k < sizeof outputs / sizeof outputs[0]; k++) {
        snprintf(path, sizeof path, "%s/%s", dir, outputs[k]);
        CHECK(access(path, R_OK) == 0);
    }
    snprintf(path, sizeof path, "%s/diagnose.json", dir);
    char *text = po_test_slurp(path, NULL);
    CHECK(text != NULL);
    cJSON *j = text ? cJSON_Parse(text) : NULL;
    if (text_out)
        *text_out = text;
    else
        free(text);
    CHECK(j != NULL);
    for (size_t k = 0; k < sizeof outputs / sizeof outputs[0]; k++) {
        snprintf(path, sizeof path, "%s/%s", dir, outputs[k]);
        remove(path);
    }
    rmdir(dir);
    return j;
}

static bool has(const cJSON *o, const char *key)
{
    bool ok = cJSON_GetObjectItemCaseSensitive(o, key) != NULL;
    if (!ok) po_test_fail(__FILE__, __LINE__, "missing key '%s'", key);
    return ok;
}

static double num(const cJSON *o, const char *key)
{
    const cJSON *x = cJSON_GetObjectItemCaseSensitive(o, key);
    return cJSON_IsNumber(x) ? x->valuedouble : (double)NAN;
}

static const char *str(const cJSON *o, const char *key)
{
    const cJSON *x = cJSON_GetObjectItemCaseSensitive(o, key);
    return cJSON_IsString(x) ? x->valuestring : "";
}

static bool is_verdict(const char *s)
{
    po_diagnose_verdict v;
    return po_diagnose_verdict_from_name(s, &v) == PO_OK;
}

/* Every recording has the keys the lead calibrates from; seeds and sizes
 * follow (family, index). */
static void check_recordings(const cJSON *j, const char *text)
{
    const cJSON *recs = cJSON_GetObjectItemCaseSensitive(j, "recordings");
    CHECK(cJSON_IsArray(recs) && cJSON_GetArraySize(recs) >= FAMILIES);
    uint64_t seed0 = 11 + po_exp_seed_offset("diagnose");
    const cJSON *fams = cJSON_GetObjectItemCaseSensitive(j, "families");
    CHECK(cJSON_GetArraySize(fams) == FAMILIES);
    const cJSON *r;
    cJSON_ArrayForEach(r, recs)
    {
        static const char *const keys[] = {
            "family", "label", "index", "seed", "D", "d", "T", "kept", "line_attractor_score",
            "naive_verdict", "passive_verdict", "final_verdict", "reason", "evidence",
            "evidence_values", "trend_slope", "residual_autocorr", "protocol", "measured"};
        for (size_t k = 0; k < sizeof keys / sizeof keys[0]; k++) has(r, keys[k]);
        const cJSON *m = cJSON_GetObjectItemCaseSensitive(r, "measured");
        static const char *const mkeys[] = {"peak", "late", "late_se", "measured_tau",
                                            "agreement"};
        for (size_t k = 0; k < sizeof mkeys / sizeof mkeys[0]; k++) has(m, mkeys[k]);
        const cJSON *p = cJSON_GetObjectItemCaseSensitive(r, "protocol");
        static const char *const pkeys[] = {"pattern_kind", "amplitude", "steps",
                                            "predicted_tau", "predicted_late"};
        for (size_t k = 0; k < sizeof pkeys / sizeof pkeys[0]; k++) has(p, pkeys[k]);
        CHECK(is_verdict(str(r, "passive_verdict")) && is_verdict(str(r, "final_verdict")));
        double las = num(r, "line_attractor_score");
        CHECK(strcmp(str(r, "naive_verdict"), las > 1 ? "line-attractor" : "no-line-attractor") ==
              0);
        /* which family: its position in the families list */
        size_t f = FAMILIES;
        for (size_t i = 0; i < FAMILIES; i++)
            if (strcmp(str(cJSON_GetArrayItem(fams, (int)i), "family"), str(r, "family")) == 0)
                f = i;
        CHECK(f < FAMILIES);
        size_t index = (size_t)num(r, "index");
        char want[64];
        snprintf(want, sizeof want, "\"seed\":\t%llu,",
                 (unsigned long long)(seed0 + 1000 * f + index));
        CHECK(strstr(text, want) != NULL);
        double D = num(r, "D"), d = num(r, "d");
        CHECK(D >= 30 && D <= 40 && d >= 6 && d <= 8 && num(r, "T") == 3000);
        /* kept: "none" always, the others only with a slow mode (po_diagnose_slow_mode) */
        bool kept = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(r, "kept"));
        CHECK(kept == (strcmp(str(r, "label"), "none") == 0 || las > 1 || num(r, "tau1") >= 10));
    }
}

/* The tables count the kept recordings: per family, per rule. */
static void check_counts(const cJSON *j)
{
    const cJSON *recs = cJSON_GetObjectItemCaseSensitive(j, "recordings");
    const cJSON *fams = cJSON_GetObjectItemCaseSensitive(j, "families");
    const cJSON *conf = cJSON_GetObjectItemCaseSensitive(j, "confusion");
    static const char *const rules[3] = {"naive", "passive", "experiment"};
    static const char *const rkey[3] = {NULL, "passive_verdict", "final_verdict"};
    static const char *const verdicts[4] = {"slow-mode-robust", "slow-mode-suspect",
                                            "inconclusive", "no-slow-mode"};
    const cJSON *fam;
    cJSON_ArrayForEach(fam, fams)
    {
        const char *name = str(fam, "family");
        size_t drawn = 0, kept = 0, want[3][4] = {{0}};
        const cJSON *r;
        cJSON_ArrayForEach(r, recs)
        {
            if (strcmp(str(r, "family"), name) != 0) continue;
            drawn++;
            if (!cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(r, "kept"))) continue;
            kept++;
            bool naive = num(r, "line_attractor_score") > 1; /* robust, else no slow mode */
            want[0][naive ? 0 : 3]++;
            for (size_t v = 0; v < 4; v++) {
                for (size_t rule = 1; rule < 3; rule++)
                    want[rule][v] += strcmp(str(r, rkey[rule]), verdicts[v]) == 0;
            }
        }
        CHECK(num(fam, "drawn") == (double)drawn && num(fam, "kept") == (double)kept);
        CHECK(num(fam, "dropped") + num(fam, "failed") == (double)(drawn - kept));
        CHECK(drawn >= 1 && drawn <= 2);
        for (size_t rule = 0; rule < 3; rule++) {
            const cJSON *t = cJSON_GetObjectItemCaseSensitive(
                cJSON_GetObjectItemCaseSensitive(conf, rules[rule]), name);
            double sum = 0;
            for (size_t v = 0; v < 4; v++) {
                CHECK(num(t, verdicts[v]) == (double)want[rule][v]);
                sum += num(t, verdicts[v]);
            }
            CHECK(sum == num(t, "n") && sum == (double)kept);
            bool real = strcmp(str(fam, "label"), "real") == 0;
            double robust = num(t, "slow-mode-robust");
            CHECK(num(t, "right") == (real ? robust : sum - robust));
        }
    }
    CHECK(strstr(str(j, "confusion_markdown"), "| **all** |") != NULL);
}

/* Everything but the timings, as text. */
static char *results_text(cJSON *j)
{
    cJSON *r;
    cJSON_ArrayForEach(r, cJSON_GetObjectItemCaseSensitive(j, "recordings"))
        cJSON_DeleteItemFromObjectCaseSensitive(r, "seconds");
    cJSON *keep = cJSON_CreateObject();
    static const char *const keys[] = {"recordings", "confusion", "families", "claims"};
    for (size_t k = 0; k < sizeof keys / sizeof keys[0]; k++)
        cJSON_AddItemReferenceToObject(keep, keys[k],
                                       cJSON_GetObjectItemCaseSensitive(j, keys[k]));
    char *s = cJSON_PrintUnformatted(keep);
    cJSON_Delete(keep);
    return s;
}

static void test_tiny_set(void)
{
    char dir1[1024], dir2[1024];
    snprintf(dir1, sizeof dir1, "%s", po_test_tmp("dg1"));
    snprintf(dir2, sizeof dir2, "%s", po_test_tmp("dg2"));
    char *text = NULL;
    cJSON *a = run_tiny(dir1, 1, &text);
    cJSON *b = run_tiny(dir2, 2, NULL);
    if (!a || !b) {
        cJSON_Delete(a);
        cJSON_Delete(b);
        free(text);
        return;
    }
    static const char *const top[] = {"sizes", "families", "confusion", "confusion_markdown",
                                      "recordings", "claims"};
    for (size_t k = 0; k < sizeof top / sizeof top[0]; k++) has(a, top[k]);
    check_recordings(a, text);
    free(text);
    check_counts(a);
    char *ta = results_text(a), *tb = results_text(b);
    CHECK(ta && tb && strcmp(ta, tb) == 0);
    free(ta);
    free(tb);
    cJSON_Delete(a);
    cJSON_Delete(b);
}

static void test_bad_sizes(void)
{
    po_repro_opts o = po_repro_opts_defaults();
    o.out_dir = po_test_tmp("dgbad");
    size_t idx = 1;
    CHECK_STATUS(po_exp_run(table, 2, &idx, 1, &o, NULL), PO_EINVAL);
    CHECK(strstr(po_errmsg(), "diagnose: sizes") != NULL);
    CHECK(access(o.out_dir, F_OK) != 0); /* nothing left behind */
}

int main(void)
{
    PO_RUN(test_tiny_set);
    PO_RUN(test_bad_sizes);
    return po_test_finish();
}
