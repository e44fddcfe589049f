/* Benchmark helpers: wall-clock timing and robust summaries (min, median). */
#ifndef PO_BENCHUTIL_H
#define PO_BENCHUTIL_H

#include <stddef.h>

/* Monotonic wall clock in seconds. */
double po_bench_now(void);

/* CPU time of the whole process (all its threads) in seconds: on the shared
 * machine a one-thread measurement in CPU time moves much less with the
 * load than wall time does. */
double po_bench_cpu_now(void);

/* Sort times[0..n) in place and return the median. */
double po_bench_median(double *times, size_t n);

/* Smallest of times[0..n). */
double po_bench_min(const double *times, size_t n);

/* Print one result line "name: min X s, median Y s (n runs)" and, on a second
 * machine-readable line, "RESULT name median=Y min=X". */
void po_bench_report(const char *name, double *times, size_t n);

#endif
