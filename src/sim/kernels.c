/* Row-block matrix-vector kernel for the simulation (dense_par.c, and the
 * low-rank operator in linop.c).
 *
 * Strict IEEE semantics (no -ffast-math) forbid the compiler to reorder a dot
 * product, so it cannot vectorise `s += w[j] * p[j]`. The kernel therefore
 * keeps 8 independent partial sums per row (lanes j mod 8) for 4 rows at a
 * time in explicit vector registers, then adds the lanes in a fixed tree. There is no FMA (-ffp-contract=off),
 * so the AVX2 build and the portable build of the same loop give the same
 * bits on every CPU. Against BLAS the summation order differs: agreement is
 * to rounding (~1e-13 relative for the matrices of SPEC.md §2).
 */
#include "kernels.h"

/* Four-wide double vectors (GCC/clang vector extension): one 256-bit register
 * with AVX2, two SSE2 registers otherwise, with the same lane-wise IEEE
 * results either way. The unaligned variant is for loads from W rows. */
typedef double v4d __attribute__((vector_size(32)));
typedef double v4d_unaligned __attribute__((vector_size(32), aligned(8)));

#define LOAD4(ptr) (*(const v4d_unaligned *)(ptr))

/* y[r] = W[r, 0:n] . p for R <= 4 consecutive rows starting at w: lanes
 * j mod 8 are summed separately (two vectors per row, 8 independent
 * accumulators for 4 rows, enough to hide the add latency), then reduced in
 * a fixed tree. */
static inline __attribute__((always_inline)) void rows_dot(size_t R, const double *w, size_t ld,
                                                            const double *p, size_t n, double *y)
{
    v4d lo[4] = {{0}}, hi[4] = {{0}};
    size_t nb = n - n % 8;
    for (size_t j = 0; j < nb; j += 8) {
        v4d p0 = LOAD4(p + j), p1 = LOAD4(p + j + 4);
        for (size_t r = 0; r < R; r++) {
            lo[r] += LOAD4(w + r * ld + j) * p0;
            hi[r] += LOAD4(w + r * ld + j + 4) * p1;
        }
    }
    for (size_t r = 0; r < R; r++) {
        v4d v = lo[r] + hi[r];
        double s = (v[0] + v[1]) + (v[2] + v[3]);
        for (size_t j = nb; j < n; j++) s += w[r * ld + j] * p[j];
        y[r] = s;
    }
}

/* y[i - a] = (W p)_i for rows a <= i < b. */
static inline __attribute__((always_inline)) void gemv_rows_body(const po_mat *W, size_t a,
                                                                  size_t b, const double *p,
                                                                  double *y)
{
    size_t i = a;
    for (; i + 4 <= b; i += 4) rows_dot(4, &PO_MAT_AT(W, i, 0), W->ld, p, W->cols, y + (i - a));
    for (; i < b; i++) rows_dot(1, &PO_MAT_AT(W, i, 0), W->ld, p, W->cols, y + (i - a));
}

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
__attribute__((target("avx2"))) static void gemv_rows_avx2(const po_mat *W, size_t a, size_t b,
                                                           const double *p, double *y)
{
    gemv_rows_body(W, a, b, p, y);
}
#endif

static void gemv_rows_portable(const po_mat *W, size_t a, size_t b, const double *p, double *y)
{
    gemv_rows_body(W, a, b, p, y);
}

void po_gemv_rows_(const po_mat *W, size_t a, size_t b, const double *p, double *y)
{
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
    if (__builtin_cpu_supports("avx2")) {
        gemv_rows_avx2(W, a, b, p, y);
        return;
    }
#endif
    gemv_rows_portable(W, a, b, p, y);
}

