/* Internal: allocation of large arrays of doubles.
 *
 * Arrays of 4 MiB and more (teachers with D in the thousands, long
 * recordings) are aligned to 2 MiB and offered to transparent huge pages:
 * otherwise first-touch page faults dominate filling them (a 200 MB teacher
 * takes 50,000 faults at 4 KiB). Memory from here is released with free().
 */
#ifndef PO_CORE_ALLOC_H
#define PO_CORE_ALLOC_H

#include <stdbool.h>
#include <stddef.h>

#include "core/export.h"
#include "partobs/error.h"

/* n doubles (at least one, so empty arrays have a valid pointer), zero-filled
 * if `zero`; NULL if n * sizeof(double) overflows or memory is short, with
 * the reason in po_errmsg(): arrays of 4 MiB and more are checked with
 * po_mem_reserve_check() first ("needs N GiB, M GiB available"). */
double *po_alloc_doubles(size_t n, bool zero);

/* Address space OpenBLAS maps per thread for its level-3 work buffer
 * (Debian 12's libopenblas0-pthread 0.3.21 on x86_64: VmSize grows by
 * exactly 128 MiB at a thread's first GEMM; measured with ulimit -v). */
#define PO_BLAS_BUFFER_BYTES ((size_t)128 << 20)

/* PO_OK if `bytes` more can be allocated: not more than MemAvailable and,
 * under an address-space limit (ulimit -v), not more than the limit minus
 * the current VmSize, less one BLAS buffer per BLAS thread. Else PO_ENOMEM
 * with "needs N GiB, M GiB available (what)". Called with the planned size by
 * the entry points that allocate big arrays, before they allocate or call
 * the BLAS, so that a run too big fails at once instead of zero-filling
 * gigabytes or hanging in OpenBLAS's allocator (issue 10 item 6). */
PO_CROSS_LIB po_status po_mem_reserve_check(size_t bytes, const char *what);

/* Bytes of n doubles, SIZE_MAX if that does not fit: planned sizes are sums
 * of products (T * D + 3 * D * D) computed in double so they cannot wrap. */
size_t po_mem_doubles(double n);

#endif
