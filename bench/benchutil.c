/* Benchmark helpers (see benchutil.h). */
#include "benchutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

double po_bench_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

double po_bench_cpu_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

double po_bench_median(double *times, size_t n)
{
    qsort(times, n, sizeof *times, cmp_double);
    return n % 2 ? times[n / 2] : 0.5 * (times[n / 2 - 1] + times[n / 2]);
}

double po_bench_min(const double *times, size_t n)
{
    double m = times[0];
    for (size_t i = 1; i < n; i++)
        if (times[i] < m) m = times[i];
    return m;
}

void po_bench_report(const char *name, double *times, size_t n)
{
    double mn = po_bench_min(times, n), med = po_bench_median(times, n);
    printf("%-40s min %10.6f s  median %10.6f s  (%zu runs)\n", name, mn, med, n);
    printf("RESULT %s median=%.9g min=%.9g\n", name, med, mn);
}
