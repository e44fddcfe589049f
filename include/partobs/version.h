/* partobs: version and build information (for manifests). */
#ifndef PARTOBS_VERSION_H
#define PARTOBS_VERSION_H

#ifdef __cplusplus
extern "C" {
#endif
/* Exported from the shared library; everything else is built hidden. */
#if defined(__GNUC__)
#pragma GCC visibility push(default)
#endif

#define PO_VERSION_MAJOR 0
#define PO_VERSION_MINOR 1
#define PO_VERSION_PATCH 0
#define PO_VERSION_STRING "0.1.0"

/* "0.1.0" */
const char *po_version(void);

/* Number of threads the BLAS library uses (a process-wide setting). */
int po_blas_threads(void);

/* Set the number of threads the BLAS library uses, for the whole process
 * (openblas_set_num_threads). For PROGRAMS, once at start-up: never call it
 * while other threads may be inside the BLAS, and the library itself never
 * calls it. partobs parallelises with its own threads over a fixed partition
 * of the work, so its results are bit-identical for any thread count only
 * when the BLAS runs on ONE thread; the partobs programs (the CLI, the
 * examples, bench_lds) call po_blas_set_threads(1) first. With a multi-threaded BLAS
 * the results are still correct but their last bits may depend on the BLAS
 * thread count (and partobs's threads may oversubscribe the cores). */
void po_blas_set_threads(int n);

/* Identification of the BLAS library build (e.g. OpenBLAS's config string). */
const char *po_blas_info(void);

/* When OpenBLAS did not recognise the CPU and runs its generic SSE3 kernels
 * although the CPU has AVX2/FMA or AVX-512: the OPENBLAS_CORETYPE value
 * ("Haswell", "SkylakeX") whose kernels this CPU runs; otherwise NULL.
 * OpenBLAS reads OPENBLAS_CORETYPE only when it is loaded, so a program acts
 * on the hint by restarting itself with the variable set (the CLI does). */
const char *po_blas_coretype_hint(void);

#if defined(__GNUC__)
#pragma GCC visibility pop
#endif
#ifdef __cplusplus
}
#endif
#endif
