/* Internal: pieces of po_sim_run (sim.c) shared with the threaded dense
 * kernel (dense_par.c), so both loops draw the drive and report the same way. */
#ifndef PO_SIM_INTERNAL_H
#define PO_SIM_INTERNAL_H

#include "linop.h"

/* The drive v_t = noise xi_t + input_gain s_t w_in (SPEC.md §1.2). */
typedef struct po_sim_drive {
    const po_sim_opts *opts;
    const po_sim_inputs *in;
    size_t D;
    po_rng rng; /* PO_STREAM_PROCESS_NOISE of opts->seed, advanced one row per step */
} po_sim_drive;

void po_sim_drive_init_(po_sim_drive *dr, const po_sim_opts *opts, const po_sim_inputs *in,
                        size_t D);

/* v = drive of step t; steps must be requested in order t = 0, 1, ... */
void po_sim_drive_fill_(po_sim_drive *dr, size_t t, double *v);

/* The PO_ENONFINITE report for the state at step `step`. */
po_status po_sim_nonfinite_(size_t step, size_t steps);

/* Progress report after `done` steps (every ~1% and at the end). */
po_status po_sim_progress_(const po_sim_opts *opts, size_t done, size_t steps);

/* The threaded dense loop (dense_par.c): same contract as the loop of
 * po_sim_run after the checks and x0, with `nthreads` >= 2. */
po_status po_sim_run_dense_par_(const po_linop *W, const po_sim_opts *opts,
                                const po_sim_inputs *in, po_mat *X, size_t nthreads);

#endif
