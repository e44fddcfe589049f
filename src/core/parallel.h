/* Internal: the one way the library runs work on several threads.
 *
 * Bit-reproducibility (issue 10 item 8): the caller splits the work into a
 * FIXED set of blocks that depends only on the problem (never on the number
 * of threads), each block writes its own results, and any reduction over
 * blocks is done by the caller afterwards in block order. Threads then only
 * decide who computes which block, so every thread count gives the same
 * bits. The BLAS inside a block must run on one thread (the program sets
 * that once for the process: po_blas_set_threads in partobs/version.h).
 *
 * A po_parallel_for called from inside a block (nested) runs its blocks on
 * the calling thread: the outer loop already uses the cores.
 */
#ifndef PO_CORE_PARALLEL_H
#define PO_CORE_PARALLEL_H

#include <stddef.h>

#include "core/export.h"
#include "partobs/error.h"

/* Work of one block. `worker` (< the thread count resolved by
 * po_parallel_threads) identifies the thread running it, for per-thread
 * scratch space whose contents must not carry from one block to the next. */
typedef po_status (*po_par_body)(void *ctx, size_t block, size_t worker);

/* Called after each completed block with the number completed so far, one
 * call at a time (e.g. to report progress). */
typedef void (*po_par_done)(void *ctx, size_t n_done, size_t n_blocks);

/* Threads po_parallel_for will use: `threads`, or the online CPUs when 0,
 * capped by n_blocks and at least 1; 1 inside a block (nested). */
PO_CROSS_LIB size_t po_parallel_threads(size_t threads, size_t n_blocks);

/* Run body(ctx, b, worker) for b = 0 .. n_blocks-1 on po_parallel_threads(
 * threads, n_blocks) threads, the calling thread included; blocks are handed
 * out in increasing order. After a failure no further block starts. Returns
 * PO_OK or the status and po_errmsg() of the LOWEST failing block, which is
 * the same for every thread count (every lower block has started when a
 * block fails). If a thread cannot be started the loop runs on fewer. */
po_status po_parallel_for(size_t n_blocks, size_t threads, po_par_body body, void *ctx);

/* po_parallel_for with a po_par_done call after each block (done may be NULL). */
PO_CROSS_LIB po_status po_parallel_for_progress(size_t n_blocks, size_t threads,
                                                po_par_body body, po_par_done done, void *ctx);

/* Run body(ctx, k, k) for k = 0 .. n-1 all at the same time, each on its own
 * thread (the caller's is k = 0), for blocks that synchronise with each other
 * (e.g. a barrier per time step). Either every thread starts or no body
 * runs: PO_ENOMEM then. Returns as po_parallel_for. */
po_status po_parallel_team(size_t n, po_par_body body, void *ctx);

#endif
