/* CORNN's residual kernel (cornn_kernel.h, SPEC.md §4.5).
 *
 * tanh of x theta is most of an iteration's arithmetic besides the two
 * products: SLEEF's 3.5-ulp tanh (about twice as fast as the 1-ulp one) is
 * ample for an iteration that reweights its own residuals, and the
 * subtraction, weighting and outlier test are fused into the same pass. */
#include "fit/cornn_kernel.h"

#include <math.h>
#include <string.h>

#include <sleef.h>

static double residual_one(po_cornn_solver solver, double delta, double w, double t,
                           double threshold, size_t *count)
{
    double e = delta - t;
    if (solver == PO_CORNN_STANDARD) return e;
    e *= w;
    if (!(fabs(e) > threshold)) return e;
    if (solver == PO_CORNN_ROBUST) return copysign(threshold, e);
    (*count)++;
    return 0.0;
}

static void residual_scalar(po_cornn_solver solver, const double *delta, const double *w,
                            double *z, size_t k, size_t d, double threshold, size_t *count)
{
    for (size_t r = 0; r < k; r++)
        for (size_t j = 0; j < d; j++) {
            size_t i = r * d + j;
            z[i] = residual_one(solver, delta[i], w ? w[i] : 1.0, Sleef_tanh_u35(z[i]), threshold,
                                &count[j]);
        }
}

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <immintrin.h>

/* sleef.h declares its AVX2 entry points only when compiled with -mavx2. */
__attribute__((target("avx2,fma"))) __m256d Sleef_tanhd4_u35avx2(__m256d x);

/* Four elements from z[i..i+3]; j is the column of z[i]. */
__attribute__((target("avx2,fma"))) static inline __m256d residual4(
    po_cornn_solver solver, __m256d vz, __m256d vd, __m256d vw, double threshold, size_t j,
    size_t d, size_t len, size_t *count)
{
    const __m256d sign = _mm256_set1_pd(-0.0), thr = _mm256_set1_pd(threshold);
    __m256d e = _mm256_sub_pd(vd, Sleef_tanhd4_u35avx2(vz));
    if (solver == PO_CORNN_STANDARD) return e;
    e = _mm256_mul_pd(e, vw);
    __m256d out = _mm256_cmp_pd(_mm256_andnot_pd(sign, e), thr, _CMP_GT_OQ);
    if (solver == PO_CORNN_ROBUST)
        return _mm256_blendv_pd(e, _mm256_or_pd(_mm256_and_pd(sign, e), thr), out);
    unsigned bits = (unsigned)_mm256_movemask_pd(out);
    for (size_t u = 0; bits && u < len; u++)
        if (bits & (1u << u)) count[(j + u) % d]++;
    return _mm256_andnot_pd(out, e);
}

/* The block as one flat array, in vectors of 4 (rows run on into each other:
 * the column of each element is tracked for the outlier counts); the last
 * partial vector goes through a padded buffer, so every element takes the
 * vector tanh. */
__attribute__((target("avx2,fma"))) static void residual_avx2(
    po_cornn_solver solver, const double *delta, const double *w, double *z, size_t k, size_t d,
    double threshold, size_t *count)
{
    size_t n = k * d, i = 0, j = 0;
    const __m256d one = _mm256_set1_pd(1.0);
    for (; i + 4 <= n; i += 4) {
        __m256d vw = w ? _mm256_loadu_pd(w + i) : one;
        __m256d e = residual4(solver, _mm256_loadu_pd(z + i), _mm256_loadu_pd(delta + i), vw,
                              threshold, j, d, 4, count);
        _mm256_storeu_pd(z + i, e);
        for (j += 4; j >= d; j -= d) {
        }
    }
    if (i < n) {
        size_t len = n - i;
        double bz[4] = {0.0, 0.0, 0.0, 0.0}, bd[4] = {0.0, 0.0, 0.0, 0.0},
               bw[4] = {1.0, 1.0, 1.0, 1.0};
        memcpy(bz, z + i, len * sizeof *bz);
        memcpy(bd, delta + i, len * sizeof *bd);
        if (w) memcpy(bw, w + i, len * sizeof *bw);
        __m256d e = residual4(solver, _mm256_loadu_pd(bz), _mm256_loadu_pd(bd),
                              _mm256_loadu_pd(bw), threshold, j, d, len, count);
        _mm256_storeu_pd(bz, e);
        memcpy(z + i, bz, len * sizeof *bz);
    }
}
#define PO_CORNN_X86 1
#endif

void po_cornn_residual(po_cornn_solver solver, const double *delta, const double *w, double *z,
                       size_t k, size_t d, double threshold, size_t *count)
{
#ifdef PO_CORNN_X86
    if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) {
        residual_avx2(solver, delta, w, z, k, d, threshold, count);
        return;
    }
#endif
    residual_scalar(solver, delta, w, z, k, d, threshold, count);
}
