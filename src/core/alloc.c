/* Large-array allocation with transparent huge pages and the memory check
 * before big allocations (see alloc.h). */
#define _DEFAULT_SOURCE /* madvise and MADV_HUGEPAGE on Linux */
#include "core/alloc.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#if defined(__linux__)
#include <sys/mman.h>
#endif

#include "linalg/linalg.h"
#include "partobs/error.h"
#include "partobs/version.h"

#define HUGE_THRESHOLD ((size_t)4 << 20)
#define HUGE_ALIGN ((size_t)2 << 20)

/* The "<key>: N kB" line of a /proc file, in bytes; SIZE_MAX if absent. */
static size_t proc_kb(const char *path, const char *key)
{
    FILE *f = fopen(path, "r");
    if (!f) return SIZE_MAX;
    char line[256];
    size_t len = strlen(key), v = SIZE_MAX;
    unsigned long long kb;
    while (fgets(line, sizeof line, f))
        if (strncmp(line, key, len) == 0 && sscanf(line + len, " %llu", &kb) == 1) {
            v = kb > SIZE_MAX / 1024 ? SIZE_MAX : (size_t)kb * 1024;
            break;
        }
    fclose(f);
    return v;
}

/* "3.2 GiB", "120 MiB", "512 KiB": three significant figures at most. */
static void human_bytes(char *buf, size_t cap, double bytes)
{
    static const char *const units[] = {"bytes", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
    size_t u = 0;
    while (bytes >= 1024.0 && u + 1 < sizeof units / sizeof units[0]) {
        bytes /= 1024.0;
        u++;
    }
    snprintf(buf, cap, u == 0 || bytes >= 100.0 ? "%.0f %s" : "%.3g %s", bytes, units[u]);
}

static po_status too_big(size_t need, size_t avail, const char *what)
{
    char n[32], a[32];
    human_bytes(n, sizeof n, (double)need);
    human_bytes(a, sizeof a, (double)avail);
    return po_error(PO_ENOMEM, "needs %s, %s available (%s)", n, a, what);
}

/* NULL with the reason a request for `bytes` failed. */
static void *refused(double bytes)
{
    char b[32];
    human_bytes(b, sizeof b, bytes);
    po_error(PO_ENOMEM, "cannot allocate %s", b);
    return NULL;
}

double *po_alloc_doubles(size_t n, bool zero)
{
    if (n == 0) n = 1;
    if (n > SIZE_MAX / sizeof(double) - HUGE_ALIGN) return refused((double)n * sizeof(double));
    size_t bytes = n * sizeof(double);
    void *p = NULL;
    if (bytes < HUGE_THRESHOLD) {
        p = zero ? calloc(n, sizeof(double)) : malloc(bytes);
        return p ? p : refused((double)bytes);
    }
    /* Overcommit would grant more than the machine has, and zero-filling it
     * would then take minutes before failing (issue 10 item 6). */
    if (po_mem_reserve_check(bytes, "an array") != PO_OK) return NULL;
    size_t rounded = (bytes + HUGE_ALIGN - 1) / HUGE_ALIGN * HUGE_ALIGN;
    if (posix_memalign(&p, HUGE_ALIGN, rounded) != 0) return refused((double)bytes);
#if defined(__linux__) && defined(MADV_HUGEPAGE)
    madvise(p, rounded, MADV_HUGEPAGE); /* advisory: failure only means small pages */
#endif
    if (zero) memset(p, 0, bytes);
    return p;
}

po_status po_mem_reserve_check(size_t bytes, const char *what)
{
    /* Physical memory: what the arrays will touch. A tenth of MemAvailable
     * stays free: filling all of it invites the OOM killer, which would stop
     * the run without a message. */
    size_t mem = proc_kb("/proc/meminfo", "MemAvailable:");
    if (mem != SIZE_MAX) mem -= mem / 10;
    if (mem != SIZE_MAX && bytes > mem) return too_big(bytes, mem, what);
    /* Address space (ulimit -v): the arrays plus one BLAS buffer per BLAS
     * thread, which OpenBLAS maps at its first call in each thread and, when
     * that mapping fails, retries forever instead of failing. */
    struct rlimit rl;
    if (getrlimit(RLIMIT_AS, &rl) != 0 || rl.rlim_cur == RLIM_INFINITY) return PO_OK;
    size_t used = proc_kb("/proc/self/status", "VmSize:");
    size_t limit = rl.rlim_cur > SIZE_MAX ? SIZE_MAX : (size_t)rl.rlim_cur;
    size_t room = used == SIZE_MAX ? limit : (used < limit ? limit - used : 0);
    /* The first check in a thread that passes maps the thread's buffer at
     * once, so that later checks see it in VmSize and the arrays allocated
     * in between cannot take its room. */
    static _Thread_local bool blas_mapped = false;
    int threads = po_blas_threads();
    size_t blas = blas_mapped ? 0 : (size_t)(threads > 0 ? threads : 1) * PO_BLAS_BUFFER_BYTES;
    size_t need = bytes > SIZE_MAX - blas ? SIZE_MAX : bytes + blas;
    if (need > room) return too_big(need, room, what);
    if (!blas_mapped) po_la_blas_map_buffer();
    blas_mapped = true;
    return PO_OK;
}

size_t po_mem_doubles(double n)
{
    double bytes = n * (double)sizeof(double);
    return bytes >= (double)SIZE_MAX ? SIZE_MAX : (size_t)bytes;
}
