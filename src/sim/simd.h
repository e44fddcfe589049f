/* Internal: which x86-64 vector kernels the library may run (docs/methods.md,
 * "Vector kernels and reproducibility across machines").
 *
 * SLEEF's tanh (sim/phi.c), CORNN's kernels (fit/cornn_kernel.c) and FORCE's (fit/rls.c) pick
 * their variant at run time from the CPU's features; variants whose bits
 * may differ (SSE2 without FMA against AVX2 with it) are the reason for the
 * environment variable PARTOBS_SIMD, which caps the choice:
 *   PARTOBS_SIMD=sse2    the x86-64 baseline (SSE2, no FMA) everywhere
 *   PARTOBS_SIMD=avx2    at most AVX2 + FMA
 *   PARTOBS_SIMD=avx512  at most AVX-512 (the default: whatever the CPU has)
 * so that a run on an AVX-512 machine can be repeated bit for bit on an
 * older one. It is read once per process; other values mean the default.
 * (The dense simulation's kernel and FORCE's are built with
 * -ffp-contract=off and give the same bits on every level.) */
#ifndef PARTOBS_SIM_SIMD_H
#define PARTOBS_SIM_SIMD_H

typedef enum { PO_SIMD_BASE = 0, PO_SIMD_AVX2 = 1, PO_SIMD_AVX512 = 2 } po_simd_level;

/* The level the kernels use: the CPU's (AVX2 counts only with FMA; AVX-512
 * needs AVX-512F) capped by PARTOBS_SIMD; PO_SIMD_BASE off x86-64. */
po_simd_level po_simd(void);

#endif
