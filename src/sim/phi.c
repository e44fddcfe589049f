/* Activation functions and the names of the model variants (SPEC.md §1.1).
 *
 * tanh dominates the cost of a nonlinear simulation after the matrix-vector
 * product (glibc's scalar tanh is ~16 ns per element), so it goes through
 * SLEEF's vectorised tanh with a maximum error of 1.0 ulp (the _u10
 * variants). On x86-64 the AVX-512 or AVX2 variant is chosen at run time
 * from the CPU's features (sim/simd.h; PARTOBS_SIMD caps it), else SLEEF's
 * SSE2 variant; on other architectures the scalar SLEEF function. The
 * AVX-512 and AVX2 variants gave the same bits on every input tried
 * (tests/test_simd.c; docs/methods.md). Every element, including the
 * remainder of a length that is not a multiple of the vector width, goes
 * through the same routine, so phi(x[i]) does not depend on i or n.
 */
#include <string.h>

#include <sleef.h>

#include "partobs/sim.h"

#include "core/names.h"
#include "sim/simd.h"

/* po_phi_name, po_phi_from_name, po_leaky_name, po_leaky_from_name */
PO_DEFINE_NAMES(po_phi, PO_PHI_LIST, phi_names, "activation")
PO_DEFINE_NAMES(po_leaky, PO_LEAKY_LIST, leaky_names, "leaky form")

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define PO_PHI_X86 1

/* sleef.h declares its AVX entry points only when the whole file is compiled
 * with -mavx; libsleef exports them unconditionally, and these are called
 * only after the CPU check (sim/simd.h). (The SSE2 ones it always declares.) */
__attribute__((target("avx2,fma"))) __m256d Sleef_tanhd4_u10avx2(__m256d x);
__attribute__((target("avx512f"))) __m512d Sleef_tanhd8_u10avx512f(__m512d x);

/* Eight at a time; the remainder through a masked load (the lanes left out
 * are zero) and store, so it takes the same vector routine. */
__attribute__((target("avx512f"))) static void tanh_avx512(const double *x, double *y, size_t n)
{
    size_t i = 0;
    for (; i + 8 <= n; i += 8)
        _mm512_storeu_pd(y + i, Sleef_tanhd8_u10avx512f(_mm512_loadu_pd(x + i)));
    if (i < n) {
        __mmask8 m = (__mmask8)((1u << (n - i)) - 1u);
        _mm512_mask_storeu_pd(y + i, m, Sleef_tanhd8_u10avx512f(_mm512_maskz_loadu_pd(m, x + i)));
    }
}

__attribute__((target("avx2,fma"))) static void tanh_avx2(const double *x, double *y, size_t n)
{
    size_t i = 0;
    for (; i + 4 <= n; i += 4)
        _mm256_storeu_pd(y + i, Sleef_tanhd4_u10avx2(_mm256_loadu_pd(x + i)));
    if (i < n) {
        double buf[4] = {0.0, 0.0, 0.0, 0.0};
        memcpy(buf, x + i, (n - i) * sizeof *buf);
        _mm256_storeu_pd(buf, Sleef_tanhd4_u10avx2(_mm256_loadu_pd(buf)));
        memcpy(y + i, buf, (n - i) * sizeof *buf);
    }
}

/* The x86-64 baseline: SLEEF's SSE2 variant by name (its dispatcher would
 * pick an FMA variant on newer CPUs), so PARTOBS_SIMD=sse2 gives the same
 * bits on every x86-64 machine. */
static void tanh_sse2(const double *x, double *y, size_t n)
{
    size_t i = 0;
    for (; i + 2 <= n; i += 2) _mm_storeu_pd(y + i, Sleef_tanhd2_u10sse2(_mm_loadu_pd(x + i)));
    if (i < n) y[i] = _mm_cvtsd_f64(Sleef_tanhd2_u10sse2(_mm_set_sd(x[i])));
}
#endif

static void tanh_vec(const double *x, double *y, size_t n)
{
#ifdef PO_PHI_X86
    switch (po_simd()) {
    case PO_SIMD_AVX512: tanh_avx512(x, y, n); break;
    case PO_SIMD_AVX2: tanh_avx2(x, y, n); break;
    default: tanh_sse2(x, y, n); break;
    }
#else
    for (size_t i = 0; i < n; i++) y[i] = Sleef_tanh_u10(x[i]);
#endif
}

void po_phi_apply(po_phi phi, const double *x, double *y, size_t n)
{
    if (phi == PO_PHI_TANH) tanh_vec(x, y, n);
    else if (x != y) memmove(y, x, n * sizeof *y);
}
