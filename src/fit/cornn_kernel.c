/* CORNN's residual kernel (cornn_kernel.h, SPEC.md §4.5).
 *
 * tanh of x theta is most of an iteration's arithmetic besides the two
 * products: SLEEF's 3.5-ulp tanh (about twice as fast as the 1-ulp one) is
 * ample for an iteration that reweights its own residuals, and the
 * subtraction, weighting and outlier test are fused into the same pass.
 *
 * The two thin products (inner dimension n ~ 25) lose a good part of their
 * time in OpenBLAS to packing the long operand; with AVX2 and FMA they run
 * here as register-tiled kernels reading x in place: 4 rows x 8 columns of
 * accumulators, each element summed over the inner index in order, so the
 * result depends only on the data, never on the block or thread split.
 * Without AVX2 the BLAS does them; with AVX-512 the same kernels run 8 lanes
 * wide (below). The level comes from sim/simd.h (PARTOBS_SIMD caps it). */
#include "fit/cornn_kernel.h"

#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include <sleef.h>

#include "linalg/linalg.h"
#include "sim/simd.h"

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
        if (bits & (1u << u)) {
            size_t col = j + u;
            while (col >= d) col -= d;
            count[col]++;
        }
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

/* acc[u][0..1] += x_u[j] * b[0..7] for the 4 rows x_u, over j < n. */
__attribute__((target("avx2,fma"))) static void xtheta_avx2(const double *x, size_t ldx, size_t k,
                                                             size_t n, const double *theta,
                                                             size_t dp, double *z)
{
    size_t r = 0;
    for (; r + 4 <= k; r += 4) {
        const double *x0 = x + r * ldx, *x1 = x0 + ldx, *x2 = x1 + ldx, *x3 = x2 + ldx;
        double *z0 = z + r * dp;
        size_t c = 0;
        for (; c + 8 <= dp; c += 8) {
            __m256d a00 = _mm256_setzero_pd(), a01 = a00, a10 = a00, a11 = a00, a20 = a00,
                    a21 = a00, a30 = a00, a31 = a00;
            for (size_t j = 0; j < n; j++) {
                __m256d b0 = _mm256_loadu_pd(theta + j * dp + c),
                        b1 = _mm256_loadu_pd(theta + j * dp + c + 4);
                __m256d v = _mm256_broadcast_sd(x0 + j);
                a00 = _mm256_fmadd_pd(v, b0, a00);
                a01 = _mm256_fmadd_pd(v, b1, a01);
                v = _mm256_broadcast_sd(x1 + j);
                a10 = _mm256_fmadd_pd(v, b0, a10);
                a11 = _mm256_fmadd_pd(v, b1, a11);
                v = _mm256_broadcast_sd(x2 + j);
                a20 = _mm256_fmadd_pd(v, b0, a20);
                a21 = _mm256_fmadd_pd(v, b1, a21);
                v = _mm256_broadcast_sd(x3 + j);
                a30 = _mm256_fmadd_pd(v, b0, a30);
                a31 = _mm256_fmadd_pd(v, b1, a31);
            }
            _mm256_storeu_pd(z0 + c, a00);
            _mm256_storeu_pd(z0 + c + 4, a01);
            _mm256_storeu_pd(z0 + dp + c, a10);
            _mm256_storeu_pd(z0 + dp + c + 4, a11);
            _mm256_storeu_pd(z0 + 2 * dp + c, a20);
            _mm256_storeu_pd(z0 + 2 * dp + c + 4, a21);
            _mm256_storeu_pd(z0 + 3 * dp + c, a30);
            _mm256_storeu_pd(z0 + 3 * dp + c + 4, a31);
        }
        for (; c < dp; c += 4) {
            __m256d a0 = _mm256_setzero_pd(), a1 = a0, a2 = a0, a3 = a0;
            for (size_t j = 0; j < n; j++) {
                __m256d b = _mm256_loadu_pd(theta + j * dp + c);
                a0 = _mm256_fmadd_pd(_mm256_broadcast_sd(x0 + j), b, a0);
                a1 = _mm256_fmadd_pd(_mm256_broadcast_sd(x1 + j), b, a1);
                a2 = _mm256_fmadd_pd(_mm256_broadcast_sd(x2 + j), b, a2);
                a3 = _mm256_fmadd_pd(_mm256_broadcast_sd(x3 + j), b, a3);
            }
            _mm256_storeu_pd(z0 + c, a0);
            _mm256_storeu_pd(z0 + dp + c, a1);
            _mm256_storeu_pd(z0 + 2 * dp + c, a2);
            _mm256_storeu_pd(z0 + 3 * dp + c, a3);
        }
    }
    for (; r < k; r++) {
        const double *x0 = x + r * ldx;
        for (size_t c = 0; c < dp; c += 4) {
            __m256d a0 = _mm256_setzero_pd();
            for (size_t j = 0; j < n; j++)
                a0 = _mm256_fmadd_pd(_mm256_broadcast_sd(x0 + j),
                                     _mm256_loadu_pd(theta + j * dp + c), a0);
            _mm256_storeu_pd(z + r * dp + c, a0);
        }
    }
}

/* g[j][c..] (+)= sum over t in [t0, t1) of x[t][j] e[t][c..], 4 rows j x 8
 * columns of accumulators at a time; `first` starts from zero. */
__attribute__((target("avx2,fma"))) static void xte_chunk(const double *x, size_t ldx, size_t t0,
                                                           size_t t1, size_t n, const double *e,
                                                           size_t dp, double *g, bool first)
{
    size_t j = 0;
    for (; j + 4 <= n; j += 4) {
        double *g0 = g + j * dp;
        size_t c = 0;
        for (; c + 8 <= dp; c += 8) {
            __m256d a[8];
            for (size_t u = 0; u < 4; u++) {
                a[2 * u] = first ? _mm256_setzero_pd() : _mm256_loadu_pd(g0 + u * dp + c);
                a[2 * u + 1] = first ? _mm256_setzero_pd() : _mm256_loadu_pd(g0 + u * dp + c + 4);
            }
            for (size_t t = t0; t < t1; t++) {
                const double *xt = x + t * ldx + j;
                __m256d b0 = _mm256_loadu_pd(e + t * dp + c), b1 = _mm256_loadu_pd(e + t * dp + c + 4);
                for (size_t u = 0; u < 4; u++) {
                    __m256d v = _mm256_broadcast_sd(xt + u);
                    a[2 * u] = _mm256_fmadd_pd(v, b0, a[2 * u]);
                    a[2 * u + 1] = _mm256_fmadd_pd(v, b1, a[2 * u + 1]);
                }
            }
            for (size_t u = 0; u < 4; u++) {
                _mm256_storeu_pd(g0 + u * dp + c, a[2 * u]);
                _mm256_storeu_pd(g0 + u * dp + c + 4, a[2 * u + 1]);
            }
        }
        for (; c < dp; c += 4) {
            __m256d a[4];
            for (size_t u = 0; u < 4; u++)
                a[u] = first ? _mm256_setzero_pd() : _mm256_loadu_pd(g0 + u * dp + c);
            for (size_t t = t0; t < t1; t++) {
                const double *xt = x + t * ldx + j;
                __m256d b = _mm256_loadu_pd(e + t * dp + c);
                for (size_t u = 0; u < 4; u++)
                    a[u] = _mm256_fmadd_pd(_mm256_broadcast_sd(xt + u), b, a[u]);
            }
            for (size_t u = 0; u < 4; u++) _mm256_storeu_pd(g0 + u * dp + c, a[u]);
        }
    }
    for (; j < n; j++)
        for (size_t c = 0; c < dp; c += 4) {
            __m256d a0 = first ? _mm256_setzero_pd() : _mm256_loadu_pd(g + j * dp + c);
            for (size_t t = t0; t < t1; t++)
                a0 = _mm256_fmadd_pd(_mm256_broadcast_sd(x + t * ldx + j),
                                     _mm256_loadu_pd(e + t * dp + c), a0);
            _mm256_storeu_pd(g + j * dp + c, a0);
        }
}

/* Chunks of rows small enough for their x and e to stay in L1 across the
 * tiles; each element of g is still summed over t in order. */
#define PO_CORNN_XTE_CHUNK 32
__attribute__((target("avx2,fma"))) static void xte_avx2(const double *x, size_t ldx, size_t k,
                                                          size_t n, const double *e, size_t dp,
                                                          double *g)
{
    if (k == 0) {
        memset(g, 0, n * dp * sizeof *g);
        return;
    }
    for (size_t t0 = 0; t0 < k; t0 += PO_CORNN_XTE_CHUNK) {
        size_t t1 = k - t0 < PO_CORNN_XTE_CHUNK ? k : t0 + PO_CORNN_XTE_CHUNK;
        xte_chunk(x, ldx, t0, t1, n, e, dp, g, t0 == 0);
    }
}

/* ---- AVX-512 (sim/simd.h): the same arithmetic 8 lanes wide ------------------
 * Each element is summed over the same index in the same order with the same
 * fused multiply-adds as above, and SLEEF's AVX-512 tanh gave the AVX2 one's
 * bits on every input tried (tests/test_simd.c), so the level does not
 * change the result. Columns go 16 at a time (two registers, the second and
 * a last one masked: dp is a multiple of 4, not of 8). */
__attribute__((target("avx512f"))) __m512d Sleef_tanhd8_u35avx512f(__m512d x);

/* Lanes of the 8 columns from c that lie below dp. */
static inline __mmask8 cols_mask(size_t c, size_t dp)
{
    unsigned m = c >= dp ? 0u : dp - c >= 8 ? 0xFFu : (1u << (dp - c)) - 1u;
    return (__mmask8)m;
}

__attribute__((target("avx512f"))) static void residual_avx512(
    po_cornn_solver solver, const double *delta, const double *w, double *z, size_t k, size_t d,
    double threshold, size_t *count)
{
    size_t n = k * d, j = 0;
    const __m512d one = _mm512_set1_pd(1.0), thr = _mm512_set1_pd(threshold);
    const __m512i absmask = _mm512_set1_epi64(0x7FFFFFFFFFFFFFFF);
    for (size_t i = 0; i < n; i += 8) {
        size_t len = n - i < 8 ? n - i : 8;
        __mmask8 m = (__mmask8)((1u << len) - 1u);
        __m512d vz = _mm512_maskz_loadu_pd(m, z + i), vd = _mm512_maskz_loadu_pd(m, delta + i);
        __m512d e = _mm512_sub_pd(vd, Sleef_tanhd8_u35avx512f(vz));
        if (solver != PO_CORNN_STANDARD) {
            e = _mm512_mul_pd(e, w ? _mm512_mask_loadu_pd(one, m, w + i) : one);
            __m512d a = _mm512_castsi512_pd(
                _mm512_and_epi64(_mm512_castpd_si512(e), absmask));
            __mmask8 out = _mm512_cmp_pd_mask(a, thr, _CMP_GT_OQ) & m;
            if (solver == PO_CORNN_ROBUST) {
                /* copysign(threshold, e) = threshold | sign bits of e */
                __m512i sgn = _mm512_andnot_epi64(absmask, _mm512_castpd_si512(e));
                e = _mm512_mask_mov_pd(
                    e, out, _mm512_castsi512_pd(_mm512_or_epi64(sgn, _mm512_castpd_si512(thr))));
            } else {
                for (unsigned bits = out, u = 0; bits; u++, bits >>= 1)
                    if (bits & 1u) {
                        size_t col = j + u;
                        while (col >= d) col -= d;
                        count[col]++;
                    }
                e = _mm512_maskz_mov_pd((__mmask8)~out, e);
            }
        }
        _mm512_mask_storeu_pd(z + i, m, e);
        for (j += 8; j >= d; j -= d) {
        }
    }
}

__attribute__((target("avx512f"))) static void xtheta_avx512(const double *x, size_t ldx,
                                                              size_t k, size_t n,
                                                              const double *theta, size_t dp,
                                                              double *z)
{
    size_t r = 0;
    for (; r + 4 <= k; r += 4) {
        const double *x0 = x + r * ldx, *x1 = x0 + ldx, *x2 = x1 + ldx, *x3 = x2 + ldx;
        double *z0 = z + r * dp;
        for (size_t c = 0; c < dp; c += 16) {
            __mmask8 m0 = cols_mask(c, dp), m1 = cols_mask(c + 8, dp);
            __m512d a00 = _mm512_setzero_pd(), a01 = a00, a10 = a00, a11 = a00, a20 = a00,
                    a21 = a00, a30 = a00, a31 = a00;
            for (size_t j = 0; j < n; j++) {
                __m512d b0 = _mm512_maskz_loadu_pd(m0, theta + j * dp + c),
                        b1 = _mm512_maskz_loadu_pd(m1, theta + j * dp + c + 8);
                __m512d v = _mm512_set1_pd(x0[j]);
                a00 = _mm512_fmadd_pd(v, b0, a00);
                a01 = _mm512_fmadd_pd(v, b1, a01);
                v = _mm512_set1_pd(x1[j]);
                a10 = _mm512_fmadd_pd(v, b0, a10);
                a11 = _mm512_fmadd_pd(v, b1, a11);
                v = _mm512_set1_pd(x2[j]);
                a20 = _mm512_fmadd_pd(v, b0, a20);
                a21 = _mm512_fmadd_pd(v, b1, a21);
                v = _mm512_set1_pd(x3[j]);
                a30 = _mm512_fmadd_pd(v, b0, a30);
                a31 = _mm512_fmadd_pd(v, b1, a31);
            }
            _mm512_mask_storeu_pd(z0 + c, m0, a00);
            _mm512_mask_storeu_pd(z0 + c + 8, m1, a01);
            _mm512_mask_storeu_pd(z0 + dp + c, m0, a10);
            _mm512_mask_storeu_pd(z0 + dp + c + 8, m1, a11);
            _mm512_mask_storeu_pd(z0 + 2 * dp + c, m0, a20);
            _mm512_mask_storeu_pd(z0 + 2 * dp + c + 8, m1, a21);
            _mm512_mask_storeu_pd(z0 + 3 * dp + c, m0, a30);
            _mm512_mask_storeu_pd(z0 + 3 * dp + c + 8, m1, a31);
        }
    }
    for (; r < k; r++) {
        const double *x0 = x + r * ldx;
        for (size_t c = 0; c < dp; c += 8) {
            __mmask8 m = cols_mask(c, dp);
            __m512d a0 = _mm512_setzero_pd();
            for (size_t j = 0; j < n; j++)
                a0 = _mm512_fmadd_pd(_mm512_set1_pd(x0[j]),
                                     _mm512_maskz_loadu_pd(m, theta + j * dp + c), a0);
            _mm512_mask_storeu_pd(z + r * dp + c, m, a0);
        }
    }
}

/* g[j][c..] = sum over t < k of x[t][j] e[t][c..] (in order of t), 4 rows j
 * x 16 columns of accumulators; x and e of a block are in L2 (cornn.c). */
__attribute__((target("avx512f"))) static void xte_avx512(const double *x, size_t ldx, size_t k,
                                                           size_t n, const double *e, size_t dp,
                                                           double *g)
{
    size_t j = 0;
    for (; j + 4 <= n; j += 4)
        for (size_t c = 0; c < dp; c += 16) {
            __mmask8 m0 = cols_mask(c, dp), m1 = cols_mask(c + 8, dp);
            __m512d a[8];
            for (size_t u = 0; u < 8; u++) a[u] = _mm512_setzero_pd();
            for (size_t t = 0; t < k; t++) {
                const double *xt = x + t * ldx + j;
                __m512d b0 = _mm512_maskz_loadu_pd(m0, e + t * dp + c),
                        b1 = _mm512_maskz_loadu_pd(m1, e + t * dp + c + 8);
                for (size_t u = 0; u < 4; u++) {
                    __m512d v = _mm512_set1_pd(xt[u]);
                    a[2 * u] = _mm512_fmadd_pd(v, b0, a[2 * u]);
                    a[2 * u + 1] = _mm512_fmadd_pd(v, b1, a[2 * u + 1]);
                }
            }
            for (size_t u = 0; u < 4; u++) {
                _mm512_mask_storeu_pd(g + (j + u) * dp + c, m0, a[2 * u]);
                _mm512_mask_storeu_pd(g + (j + u) * dp + c + 8, m1, a[2 * u + 1]);
            }
        }
    for (; j < n; j++)
        for (size_t c = 0; c < dp; c += 8) {
            __mmask8 m = cols_mask(c, dp);
            __m512d a0 = _mm512_setzero_pd();
            for (size_t t = 0; t < k; t++)
                a0 = _mm512_fmadd_pd(_mm512_set1_pd(x[t * ldx + j]),
                                     _mm512_maskz_loadu_pd(m, e + t * dp + c), a0);
            _mm512_mask_storeu_pd(g + j * dp + c, m, a0);
        }
}
#define PO_CORNN_X86 1
#endif


void po_cornn_xtheta(const double *x, size_t ldx, size_t k, size_t n, const double *theta,
                     size_t dp, double *z)
{
#ifdef PO_CORNN_X86
    if (po_simd() == PO_SIMD_AVX512) {
        xtheta_avx512(x, ldx, k, n, theta, dp, z);
        return;
    }
    if (po_simd() == PO_SIMD_AVX2) {
        xtheta_avx2(x, ldx, k, n, theta, dp, z);
        return;
    }
#endif
    po_mat xm = po_mat_view((double *)(uintptr_t)x, k, n, ldx);
    po_mat tm = po_mat_view((double *)(uintptr_t)theta, n, dp, dp), zm = po_mat_view(z, k, dp, dp);
    po_la_gemm(false, false, 1.0, &xm, &tm, 0.0, &zm);
}

void po_cornn_xte(const double *x, size_t ldx, size_t k, size_t n, const double *e, size_t dp,
                  double *g)
{
#ifdef PO_CORNN_X86
    if (po_simd() == PO_SIMD_AVX512) {
        xte_avx512(x, ldx, k, n, e, dp, g);
        return;
    }
    if (po_simd() == PO_SIMD_AVX2) {
        xte_avx2(x, ldx, k, n, e, dp, g);
        return;
    }
#endif
    po_mat xm = po_mat_view((double *)(uintptr_t)x, k, n, ldx);
    po_mat em = po_mat_view((double *)(uintptr_t)e, k, dp, dp), gm = po_mat_view(g, n, dp, dp);
    po_la_gemm(true, false, 1.0, &xm, &em, 0.0, &gm);
}

void po_cornn_residual(po_cornn_solver solver, const double *delta, const double *w, double *z,
                       size_t k, size_t d, double threshold, size_t *count)
{
#ifdef PO_CORNN_X86
    if (po_simd() == PO_SIMD_AVX512) {
        residual_avx512(solver, delta, w, z, k, d, threshold, count);
        return;
    }
    if (po_simd() == PO_SIMD_AVX2) {
        residual_avx2(solver, delta, w, z, k, d, threshold, count);
        return;
    }
#endif
    residual_scalar(solver, delta, w, z, k, d, threshold, count);
}
