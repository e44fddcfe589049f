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

/* n doubles (at least one, so empty arrays have a valid pointer), zero-filled
 * if `zero`; NULL if n * sizeof(double) overflows or memory is short. */
double *po_alloc_doubles(size_t n, bool zero);

#endif
