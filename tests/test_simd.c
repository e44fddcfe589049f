/* The vector kernels' level (sim/simd.h) and the tanh of po_phi_apply on it
 * (docs/methods.md, "Vector kernels and reproducibility across machines"):
 * within SLEEF's 1-ulp bound of long-double tanh on whatever path this CPU
 * (or PARTOBS_SIMD) selects, for every length (the masked or padded tail
 * goes through the same routine), and independent of the position and the
 * length of the call. */
#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "sim/simd.h"

/* |got - tanhl(x)| in units of the ulp of got. */
static double ulp_error(double x, double got)
{
    long double want = tanhl((long double)x);
    double ulp = nextafter(fabs(got), (double)INFINITY) - fabs(got);
    return (double)(fabsl((long double)got - want) / (long double)ulp);
}

static void test_level(void)
{
    po_simd_level l = po_simd();
    CHECK(l == PO_SIMD_BASE || l == PO_SIMD_AVX2 || l == PO_SIMD_AVX512);
    CHECK(po_simd() == l); /* read once */
    const char *cap = getenv("PARTOBS_SIMD");
    if (cap && strcmp(cap, "sse2") == 0) CHECK(l == PO_SIMD_BASE);
    if (cap && strcmp(cap, "avx2") == 0) CHECK(l <= PO_SIMD_AVX2);
}

/* Long double arithmetic carries more bits than double (x87); under valgrind,
 * which computes x87 operations in double, it does not, and tanhl is then no
 * reference for a 1-ulp bound. */
static bool long_double_is_wider(void)
{
    volatile long double one = 1.0L, tiny = LDBL_EPSILON;
    return LDBL_MANT_DIG > DBL_MANT_DIG && one + tiny != one;
}

static void test_tanh_accuracy(void)
{
    enum { N = 20000 };
    if (!long_double_is_wider()) {
        printf("skip test_tanh_accuracy: long double is no wider than double here (valgrind?)\n");
        return;
    }
    double *x = malloc(N * sizeof *x), *y = malloc(N * sizeof *y);
    CHECK(x && y);
    if (!x || !y) goto out;
    po_rng rng;
    po_rng_init(&rng, 5, PO_STREAM_CONNECTIVITY);
    po_rng_fill_normal(&rng, x, N, 1, 2.0);
    /* Scales: tiny (tanh x ~ x), around the polynomial/exp switch, saturation. */
    for (size_t i = 0; i < N; i++) x[i] *= i % 4 == 0 ? 1e-6 : i % 4 == 1 ? 0.3 : i % 4 == 2 ? 1.0 : 12.0;
    x[0] = 0.0;
    x[1] = -0.0;
    x[2] = 25.0;
    x[3] = -40.0;
    po_phi_apply(PO_PHI_TANH, x, y, N);
    double worst = 0.0;
    for (size_t i = 0; i < N; i++) {
        double e = ulp_error(x[i], y[i]);
        if (e > worst) worst = e;
    }
    CHECK(worst <= 1.0);
    CHECK(y[0] == 0.0 && !signbit(y[0]) && signbit(y[1]));
    CHECK(y[2] == 1.0 && y[3] == -1.0);
out:
    free(x);
    free(y);
}

/* Every length 1..19 at every offset 0..8 gives the full call's values. */
static void test_tanh_tails(void)
{
    double x[40], full[40], part[40];
    for (size_t i = 0; i < 40; i++) x[i] = 0.37 * (double)i - 6.0;
    po_phi_apply(PO_PHI_TANH, x, full, 40);
    bool same = true;
    for (size_t off = 0; off <= 8; off++)
        for (size_t n = 1; n <= 19; n++) {
            for (size_t i = 0; i < 40; i++) part[i] = -7.0;
            po_phi_apply(PO_PHI_TANH, x + off, part + off, n);
            for (size_t i = 0; i < 40; i++) {
                bool inside = i >= off && i < off + n;
                if (inside ? memcmp(&part[i], &full[i], sizeof part[i]) != 0 : part[i] != -7.0)
                    same = false;
            }
        }
    CHECK(same);
    /* In place. */
    memcpy(part, x, sizeof part);
    po_phi_apply(PO_PHI_TANH, part, part, 37);
    CHECK(memcmp(part, full, 37 * sizeof *part) == 0);
}

int main(void)
{
    PO_RUN(test_level);
    PO_RUN(test_tanh_accuracy);
    PO_RUN(test_tanh_tails);
    return po_test_finish();
}
