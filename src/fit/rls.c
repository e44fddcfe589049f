/* Recursive least squares with a symmetric, upper-stored P (rls.h, SPEC.md §4.6).
 *
 * The kernels are written once (the *_body functions, always inlined) and
 * compiled three times: for the baseline ISA and, on x86-64, for AVX2 and
 * AVX-512 (sim/simd.h), chosen at run time. The loops are axpy-shaped or use explicit partial sums, and the
 * build has -ffp-contract=off, so both versions give the same bits. */
#include "fit/rls.h"

#include <string.h>

#include "sim/simd.h"

#if defined(__GNUC__) || defined(__clang__)
#define PO_INLINE static inline __attribute__((always_inline))
#else
#define PO_INLINE static inline
#endif

void po_rls_init(size_t n, double p0, double *P)
{
    for (size_t i = 0; i < n; i++) {
        double *row = P + i * n;
        for (size_t j = i; j < n; j++) row[j] = 0.0;
        row[i] = p0;
    }
}

/* sum_i a[i] b[i] with eight interleaved partial sums: vectorisable without
 * reassociation, and two independent vector chains hide the add latency. */
PO_INLINE double dot8(const double *restrict a, const double *restrict b, size_t n)
{
    double s[8] = {0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0};
    size_t i = 0;
    for (; i + 8 <= n; i += 8)
        for (size_t u = 0; u < 8; u++) s[u] += a[i + u] * b[i + u];
    for (; i < n; i++) s[0] += a[i] * b[i];
    return ((s[0] + s[4]) + (s[1] + s[5])) + ((s[2] + s[6]) + (s[3] + s[7]));
}

/* k += P r for the upper-stored symmetric P: row i contributes its dot with
 * r[i..] to k[i] and, by symmetry, P_ij r_i to k[j] for j > i. */
PO_INLINE void sym_row(size_t n, const double *restrict row, size_t i, const double *restrict r,
                       double *restrict k)
{
    size_t len = n - i - 1;
    const double *restrict pr = row + i + 1;
    double ri = r[i], *restrict kk = k + i + 1;
    k[i] += row[i] * ri + dot8(pr, r + i + 1, len);
    for (size_t j = 0; j < len; j++) kk[j] += pr[j] * ri;
}

PO_INLINE void apply_body(size_t n, size_t m, const double *restrict P,
                          const double *restrict JT, const double *restrict r,
                          double *restrict k, double *restrict y)
{
    if (k) {
        memset(k, 0, n * sizeof *k);
        for (size_t i = 0; i < n; i++) sym_row(n, P + i * n, i, r, k);
    }
    memset(y, 0, m * sizeof *y);
    for (size_t j = 0; j < n; j++) {
        const double *col = JT + j * m;
        double rj = r[j];
        for (size_t i = 0; i < m; i++) y[i] += col[i] * rj;
    }
}

PO_INLINE void update_body(size_t n, size_t m, double *restrict P, double *restrict JT,
                           const double *restrict k, const double *restrict err, double c,
                           const double *restrict rn, double *restrict kn, double *restrict yn)
{
    if (rn) {
        memset(kn, 0, n * sizeof *kn);
        memset(yn, 0, m * sizeof *yn);
    }
    for (size_t i = 0; i < n; i++) {
        double *restrict row = P + i * n, a = c * k[i];
        for (size_t j = i; j < n; j++) row[j] -= a * k[j];
        if (rn) sym_row(n, row, i, rn, kn);
    }
    if (!rn) {
        for (size_t j = 0; j < n; j++) {
            double *col = JT + j * m, a = c * k[j];
            for (size_t i = 0; i < m; i++) col[i] -= a * err[i];
        }
        return;
    }
    /* Four columns of J^T per sweep, so yn is loaded and stored once per
     * four; the sum into yn keeps the column order j = 0, 1, 2, ... */
    size_t j = 0;
    for (; j + 4 <= n; j += 4) {
        double *restrict c0 = JT + j * m, *restrict c1 = c0 + m, *restrict c2 = c1 + m,
                         *restrict c3 = c2 + m;
        double a0 = c * k[j], a1 = c * k[j + 1], a2 = c * k[j + 2], a3 = c * k[j + 3];
        double r0 = rn[j], r1 = rn[j + 1], r2 = rn[j + 2], r3 = rn[j + 3];
        for (size_t i = 0; i < m; i++) {
            double e = err[i];
            double v0 = c0[i] - a0 * e, v1 = c1[i] - a1 * e, v2 = c2[i] - a2 * e,
                   v3 = c3[i] - a3 * e;
            c0[i] = v0;
            c1[i] = v1;
            c2[i] = v2;
            c3[i] = v3;
            yn[i] = (((yn[i] + v0 * r0) + v1 * r1) + v2 * r2) + v3 * r3;
        }
    }
    for (; j < n; j++) {
        double *restrict col = JT + j * m, a = c * k[j], rj = rn[j];
        for (size_t i = 0; i < m; i++) {
            double v = col[i] - a * err[i];
            col[i] = v;
            yn[i] += v * rj;
        }
    }
}

static void apply_base(size_t n, size_t m, const double *P, const double *JT, const double *r,
                       double *k, double *y)
{
    apply_body(n, m, P, JT, r, k, y);
}

static void update_base(size_t n, size_t m, double *P, double *JT, const double *k,
                        const double *err, double c, const double *rn, double *kn, double *yn)
{
    update_body(n, m, P, JT, k, err, c, rn, kn, yn);
}

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define PO_RLS_X86 1
__attribute__((target("avx2"))) static void apply_avx2(size_t n, size_t m, const double *P,
                                                       const double *JT, const double *r,
                                                       double *k, double *y)
{
    apply_body(n, m, P, JT, r, k, y);
}

__attribute__((target("avx2"))) static void update_avx2(size_t n, size_t m, double *P,
                                                        double *JT, const double *k,
                                                        const double *err, double c,
                                                        const double *rn, double *kn, double *yn)
{
    update_body(n, m, P, JT, k, err, c, rn, kn, yn);
}

/* The same bodies for AVX-512 (8 lanes: one register per dot8 chain). */
__attribute__((target("avx512f"))) static void apply_avx512(size_t n, size_t m, const double *P,
                                                            const double *JT, const double *r,
                                                            double *k, double *y)
{
    apply_body(n, m, P, JT, r, k, y);
}

__attribute__((target("avx512f"))) static void update_avx512(size_t n, size_t m, double *P,
                                                             double *JT, const double *k,
                                                             const double *err, double c,
                                                             const double *rn, double *kn,
                                                             double *yn)
{
    update_body(n, m, P, JT, k, err, c, rn, kn, yn);
}

static bool have_avx2(void)
{
    return po_simd() >= PO_SIMD_AVX2;
}
#endif

void po_rls_apply(size_t n, size_t m, const double *P, const double *JT, const double *r,
                  double *k, double *y)
{
#ifdef PO_RLS_X86
    if (po_simd() == PO_SIMD_AVX512) {
        apply_avx512(n, m, P, JT, r, k, y);
        return;
    }
    if (have_avx2()) {
        apply_avx2(n, m, P, JT, r, k, y);
        return;
    }
#endif
    apply_base(n, m, P, JT, r, k, y);
}

void po_rls_update(size_t n, size_t m, double *P, double *JT, const double *k, const double *err,
                   double c, const double *rn, double *kn, double *yn)
{
#ifdef PO_RLS_X86
    if (po_simd() == PO_SIMD_AVX512) {
        update_avx512(n, m, P, JT, k, err, c, rn, kn, yn);
        return;
    }
    if (have_avx2()) {
        update_avx2(n, m, P, JT, k, err, c, rn, kn, yn);
        return;
    }
#endif
    update_base(n, m, P, JT, k, err, c, rn, kn, yn);
}
