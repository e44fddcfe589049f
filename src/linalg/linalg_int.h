/* Private to src/linalg: LAPACK/CBLAS integer arguments. */
#ifndef PO_LINALG_INT_H
#define PO_LINALG_INT_H

#include <assert.h>
#include <lapacke.h>
#include <stddef.h>

/* A dimension as LAPACK's (LP64) int; sizes beyond it are the caller's bug. */
static inline lapack_int po_la_int(size_t n)
{
    assert(n <= 0x7fffffff);
    return (lapack_int)n;
}

#endif
