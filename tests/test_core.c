/* Core: status list, matrices and views, random streams. */
#include <math.h>
#include <string.h>

#include "harness.h"

static void test_status_messages(void)
{
    CHECK(strcmp(po_strerror(PO_OK), "success") == 0);
    CHECK(strcmp(po_status_name(PO_ESHAPE), "PO_ESHAPE") == 0);
    CHECK(strcmp(po_strerror((po_status)999), "unknown status") == 0);
    for (int a = 0; a < PO_STATUS_COUNT_; a++)
        for (int b = a + 1; b < PO_STATUS_COUNT_; b++)
            CHECK(strcmp(po_strerror((po_status)a), po_strerror((po_status)b)) != 0);
    CHECK(po_error(PO_EINVAL, "bad %s %d", "thing", 3) == PO_EINVAL);
    CHECK(strcmp(po_errmsg(), "bad thing 3") == 0);
    po_error_clear();
    CHECK(po_errmsg()[0] == '\0');
}

static void test_mat_views(void)
{
    po_mat *m = po_mat_alloc(4, 5);
    CHECK(m && m->owns && m->ld == 5);
    for (size_t i = 0; i < 4; i++)
        for (size_t j = 0; j < 5; j++) PO_MAT_AT(m, i, j) = 10.0 * (double)i + (double)j;
    po_mat b = po_mat_block(m, 1, 2, 2, 3);
    CHECK(!b.owns && b.ld == 5);
    CHECK(PO_MAT_AT(&b, 0, 0) == 12.0 && PO_MAT_AT(&b, 1, 2) == 24.0);
    po_mat *c = po_mat_dup(&b);
    CHECK(c && c->ld == 3 && PO_MAT_AT(c, 1, 1) == 23.0);
    po_mat *wrong = po_mat_alloc(3, 3);
    CHECK_STATUS(po_mat_copy(wrong, &b), PO_ESHAPE);
    po_mat_set_identity(wrong);
    CHECK(PO_MAT_AT(wrong, 2, 2) == 1.0 && PO_MAT_AT(wrong, 0, 1) == 0.0);
    CHECK_CLOSE(po_mat_norm_fro(wrong), sqrt(3.0), 1e-15, 0);
    /* No overflow or underflow in the sum of squares (a 3-4-5 triangle at
     * both ends of the exponent range). */
    double far[2] = {3e200, 4e200};
    po_mat fv = po_mat_view(far, 1, 2, 2);
    CHECK_CLOSE(po_mat_norm_fro(&fv), 5e200, 1e-15, 0);
    far[0] = 3e-200;
    far[1] = 4e-200;
    CHECK_CLOSE(po_mat_norm_fro(&fv), 5e-200, 1e-15, 0);
    PO_MAT_AT(wrong, 1, 2) = (double)NAN;
    CHECK_STATUS(po_mat_check_finite(wrong, "W"), PO_ENONFINITE);
    CHECK(strstr(po_errmsg(), "row 1, column 2") != NULL);
    CHECK(po_mat_alloc((size_t)1 << 62, (size_t)1 << 62) == NULL);
    po_mat_free(wrong);
    po_mat_free(c);
    po_mat_free(m);
    po_mat_free(NULL);
}

static void test_rng_determinism_and_streams(void)
{
    po_rng a, b, c;
    po_rng_init(&a, 42, PO_STREAM_CONNECTIVITY);
    po_rng_init(&b, 42, PO_STREAM_CONNECTIVITY);
    po_rng_init(&c, 42, PO_STREAM_IC);
    int same = 1, differ = 0;
    for (int i = 0; i < 1000; i++) {
        uint64_t x = po_rng_next(&a), y = po_rng_next(&b), z = po_rng_next(&c);
        same &= x == y;
        differ += x != z;
    }
    CHECK(same);
    CHECK(differ == 1000);
    /* A stream is the base generator jumped stream-many times. */
    po_rng base, ic;
    po_rng_init(&base, 7, PO_STREAM_CONNECTIVITY);
    po_rng_jump(&base);
    po_rng_init(&ic, 7, PO_STREAM_IC);
    CHECK(memcmp(base.s, ic.s, sizeof base.s) == 0);
}

/* Moments and tail mass of the ziggurat sampler against N(0,1) closed forms,
 * with tolerances of about five standard errors. */
static void test_rng_normal_moments(void)
{
    po_rng r;
    po_rng_init(&r, 2024, PO_STREAM_PROCESS_NOISE);
    const size_t n = 2000000;
    double s1 = 0, s2 = 0, s3 = 0, s4 = 0;
    size_t tail3 = 0, tail_r = 0;
    for (size_t i = 0; i < n; i++) {
        double x = po_rng_normal(&r);
        s1 += x;
        s2 += x * x;
        s3 += x * x * x;
        s4 += x * x * x * x;
        tail3 += fabs(x) > 3.0;
        tail_r += fabs(x) > 3.442619855899;
    }
    double dn = (double)n;
    CHECK_CLOSE(s1 / dn, 0.0, 0, 5.0 / sqrt(dn));
    CHECK_CLOSE(s2 / dn, 1.0, 0, 5.0 * sqrt(2.0 / dn));
    CHECK_CLOSE(s3 / dn, 0.0, 0, 5.0 * sqrt(15.0 / dn));
    CHECK_CLOSE(s4 / dn, 3.0, 0, 5.0 * sqrt(96.0 / dn));
    double p3 = erfc(3.0 / sqrt(2.0)), pr = erfc(3.442619855899 / sqrt(2.0));
    CHECK_CLOSE((double)tail3 / dn, p3, 0, 5.0 * sqrt(p3 / dn));
    CHECK_CLOSE((double)tail_r / dn, pr, 0, 5.0 * sqrt(pr / dn));
}

/* The CDF at several points, a Kolmogorov-type check of the wedge regions. */
static void test_rng_normal_cdf(void)
{
    po_rng r;
    po_rng_init(&r, 99, PO_STREAM_OBS_NOISE);
    const double pts[] = {-2.5, -1.7, -1.0, -0.3, 0.0, 0.45, 1.2, 2.1, 3.6};
    const size_t np = sizeof pts / sizeof pts[0], n = 1000000;
    size_t below[sizeof pts / sizeof pts[0]] = {0};
    for (size_t i = 0; i < n; i++) {
        double x = po_rng_normal(&r);
        for (size_t k = 0; k < np; k++) below[k] += x < pts[k];
    }
    for (size_t k = 0; k < np; k++) {
        double p = 0.5 * erfc(-pts[k] / sqrt(2.0));
        CHECK_CLOSE((double)below[k] / (double)n, p, 0, 5.0 * sqrt(p * (1 - p) / (double)n) + 1e-6);
    }
}

static void test_rng_below_uniform(void)
{
    po_rng r;
    po_rng_init(&r, 5, PO_STREAM_FIT);
    size_t counts[7] = {0};
    const size_t n = 700000;
    for (size_t i = 0; i < n; i++) counts[po_rng_below(&r, 7)]++;
    double chi2 = 0;
    for (int k = 0; k < 7; k++) {
        double e = (double)n / 7.0;
        chi2 += ((double)counts[k] - e) * ((double)counts[k] - e) / e;
    }
    CHECK(chi2 < 22.5); /* chi-square with 6 dof: P(> 22.5) ~ 1e-3 */
    double u = po_rng_uniform(&r);
    CHECK(u >= 0.0 && u < 1.0);
}

/* The streams against an independent Python implementation of splitmix64 +
 * xoshiro256** + jump (tools/fixtures_rng.py); each output is stored as its
 * high and low 32-bit halves. */
static void test_rng_matches_reference(void)
{
    const struct {
        uint64_t seed;
        po_stream stream;
        const char *file;
    } cases[] = {{0, PO_STREAM_CONNECTIVITY, "rng_seed0_stream0.npy"},
                 {42, PO_STREAM_CONNECTIVITY, "rng_seed42_stream0.npy"},
                 {42, PO_STREAM_PROCESS_NOISE, "rng_seed42_stream2.npy"},
                 {20241210, PO_STREAM_OBS_NOISE, "rng_seed20241210_stream3.npy"}};
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        po_mat *ref = po_test_load(cases[c].file);
        if (!ref) continue;
        po_rng r;
        po_rng_init(&r, cases[c].seed, cases[c].stream);
        int all = 1;
        for (size_t i = 0; i < ref->rows; i++) {
            uint64_t x = po_rng_next(&r);
            all &= (double)(x >> 32) == PO_MAT_AT(ref, i, 0) &&
                   (double)(x & 0xffffffffu) == PO_MAT_AT(ref, i, 1);
        }
        CHECK(all);
        po_mat_free(ref);
    }
}

/* Normals from two streams of one seed are uncorrelated (5 standard errors). */
static void test_rng_streams_uncorrelated(void)
{
    po_rng a, b;
    po_rng_init(&a, 11, PO_STREAM_IC);
    po_rng_init(&b, 11, PO_STREAM_PROCESS_NOISE);
    const size_t n = 500000;
    double sab = 0;
    for (size_t i = 0; i < n; i++) sab += po_rng_normal(&a) * po_rng_normal(&b);
    CHECK_CLOSE(sab / (double)n, 0.0, 0, 5.0 / sqrt((double)n));
}

int main(void)
{
    PO_RUN(test_status_messages);
    PO_RUN(test_mat_views);
    PO_RUN(test_rng_determinism_and_streams);
    PO_RUN(test_rng_normal_moments);
    PO_RUN(test_rng_normal_cdf);
    PO_RUN(test_rng_below_uniform);
    PO_RUN(test_rng_matches_reference);
    PO_RUN(test_rng_streams_uncorrelated);
    return po_test_finish();
}
