/* tanh per element (SPEC.md §1.1, docs/methods.md "Vector kernels"): SLEEF's
 * 1-ulp AVX2 and AVX-512 kernels called directly, and po_phi_apply as
 * dispatched (sim/simd.h), on the same 2^16 values (in L2), in CPU time of
 * one thread. bench/np_phi.py times np.tanh on the same sizes.
 *   tanh_u10_avx2_ns, tanh_u10_avx512_ns, tanh_phi_apply_ns: ns per element
 *   (RESULT lines carry seconds per 10^9 elements, i.e. ns per element)
 * Also prints the ratio avx2 / avx512 and checks that both give the same bits.
 *
 * Usage: bench_phi [runs]   (default 7)
 */
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "benchutil.h"
#include "partobs/partobs.h"

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <immintrin.h>

#define N (1u << 16)
#define REPS 200
#define MAX_RUNS 64

__attribute__((target("avx2,fma"))) __m256d Sleef_tanhd4_u10avx2(__m256d x);
__attribute__((target("avx512f"))) __m512d Sleef_tanhd8_u10avx512f(__m512d x);

__attribute__((target("avx2,fma"))) static void run_avx2(const double *x, double *y)
{
    for (size_t i = 0; i < N; i += 4)
        _mm256_storeu_pd(y + i, Sleef_tanhd4_u10avx2(_mm256_loadu_pd(x + i)));
}

__attribute__((target("avx512f"))) static void run_avx512(const double *x, double *y)
{
    for (size_t i = 0; i < N; i += 8)
        _mm512_storeu_pd(y + i, Sleef_tanhd8_u10avx512f(_mm512_loadu_pd(x + i)));
}

static void run_phi(const double *x, double *y) { po_phi_apply(PO_PHI_TANH, x, y, N); }

static double ns_per_element(void (*f)(const double *, double *), const double *x, double *y)
{
    double t0 = po_bench_cpu_now();
    for (int r = 0; r < REPS; r++) f(x, y);
    return (po_bench_cpu_now() - t0) / ((double)REPS * N) * 1e9;
}

int main(int argc, char **argv)
{
    size_t runs = argc > 1 ? (size_t)atoi(argv[1]) : 7;
    if (runs < 1 || runs > MAX_RUNS) runs = 7;
    bool avx512 = __builtin_cpu_supports("avx512f");
    if (!__builtin_cpu_supports("avx2") || !__builtin_cpu_supports("fma")) {
        printf("bench_phi: the CPU has no AVX2/FMA; nothing to compare\n");
        return 0;
    }
    double *x = malloc(N * sizeof *x), *a = malloc(N * sizeof *a), *b = malloc(N * sizeof *b);
    if (!x || !a || !b) return 1;
    po_rng rng;
    po_rng_init(&rng, 3, PO_STREAM_FIT);
    po_rng_fill_normal(&rng, x, N, 1, 1.5); /* pre-activations of a simulation: |x| ~ 1 */
    double t2[MAX_RUNS], t8[MAX_RUNS], tp[MAX_RUNS];
    for (size_t r = 0; r < runs; r++) { /* interleaved, so load changes hit all alike */
        t2[r] = ns_per_element(run_avx2, x, a);
        t8[r] = avx512 ? ns_per_element(run_avx512, x, b) : 0.0;
        tp[r] = ns_per_element(run_phi, x, b);
    }
    run_avx2(x, a);
    size_t differ = 0;
    if (avx512) {
        run_avx512(x, b);
        for (size_t i = 0; i < N; i++) differ += memcmp(a + i, b + i, sizeof *a) != 0;
    }
    double m2 = po_bench_median(t2, runs), m8 = avx512 ? po_bench_median(t8, runs) : (double)NAN;
    po_bench_report("tanh_u10_avx2_ns", t2, runs);
    if (avx512) po_bench_report("tanh_u10_avx512_ns", t8, runs);
    po_bench_report("tanh_phi_apply_ns", tp, runs);
    printf("avx2 / avx512 = %.2f; %zu of %u results differ in any bit\n", m2 / m8, differ, N);
    free(x);
    free(a);
    free(b);
    return 0;
}
#else
int main(void)
{
    printf("bench_phi: x86-64 only\n");
    return 0;
}
#endif
