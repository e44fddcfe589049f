/* Large-array allocation with transparent huge pages (see alloc.h). */
#define _DEFAULT_SOURCE /* madvise and MADV_HUGEPAGE on Linux */
#include "core/alloc.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#if defined(__linux__)
#include <sys/mman.h>
#endif

#define HUGE_THRESHOLD ((size_t)4 << 20)
#define HUGE_ALIGN ((size_t)2 << 20)

double *po_alloc_doubles(size_t n, bool zero)
{
    if (n == 0) n = 1;
    if (n > SIZE_MAX / sizeof(double) - HUGE_ALIGN) return NULL;
    size_t bytes = n * sizeof(double);
    if (bytes < HUGE_THRESHOLD) return zero ? calloc(n, sizeof(double)) : malloc(bytes);
    void *p = NULL;
    size_t rounded = (bytes + HUGE_ALIGN - 1) / HUGE_ALIGN * HUGE_ALIGN;
    if (posix_memalign(&p, HUGE_ALIGN, rounded) != 0) return NULL;
#if defined(__linux__) && defined(MADV_HUGEPAGE)
    madvise(p, rounded, MADV_HUGEPAGE); /* advisory: failure only means small pages */
#endif
    if (zero) memset(p, 0, bytes);
    return p;
}
