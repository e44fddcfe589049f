/* The vector level of the kernels (simd.h). */
#include "sim/simd.h"

#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

static po_simd_level detect(void)
{
    po_simd_level cpu = PO_SIMD_BASE;
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
    __builtin_cpu_init();
    if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) {
        cpu = PO_SIMD_AVX2;
        if (__builtin_cpu_supports("avx512f")) cpu = PO_SIMD_AVX512;
    }
#endif
    const char *cap = getenv("PARTOBS_SIMD");
    po_simd_level max = PO_SIMD_AVX512;
    if (cap && strcmp(cap, "sse2") == 0) max = PO_SIMD_BASE;
    else if (cap && strcmp(cap, "avx2") == 0) max = PO_SIMD_AVX2;
    return cpu < max ? cpu : max;
}

po_simd_level po_simd(void)
{
    /* -1: not yet known. Threads that race here compute the same value. */
    static atomic_int level = -1;
    int v = atomic_load_explicit(&level, memory_order_relaxed);
    if (v < 0) {
        v = (int)detect();
        atomic_store_explicit(&level, v, memory_order_relaxed);
    }
    return (po_simd_level)v;
}
