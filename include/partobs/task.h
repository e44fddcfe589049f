/* partobs: the sensory-integration task of Fig 1 (SPEC.md §7, §6 "Fig 1").
 *
 * Two linear circuits integrate a noisy pulse train s_t fed along an input
 * mode m:  x_{t+1} = x_t + alpha (W x_t - x_t + v1 xi_t + v0 s_t m).
 *   line-attractor: W = S diag(0.999, 0.2, ..., 0.2) S^{-1} (lowrank-normal,
 *       rank D, diagonal, similarity transform S); m = D S[:, 0];
 *       w_out = m / D^2 = S[:, 0] / D.
 *   feedforward: W = O T O^T with T the chain with skips (skip interval 1,
 *       beta = 0.5) and O Haar orthogonal; m = sum_i O[:, i];
 *       w_out = 0.7 m / D.
 * The initial state is N(0, I) with its component along m removed, the
 * readout is r_t = x_t . w_out, and the ideal output is
 * o_t = v0 alpha sum_{k <= t} s_k.
 */
#ifndef PARTOBS_TASK_H
#define PARTOBS_TASK_H

#include <stddef.h>
#include <stdint.h>

#include "partobs/error.h"
#include "partobs/mat.h"
#include "partobs/rng.h"
#include "partobs/sim.h"

#ifdef __cplusplus
extern "C" {
#endif
/* Exported from the shared library; everything else is built hidden. */
#if defined(__GNUC__)
#pragma GCC visibility push(default)
#endif

/* X(enumerator, name) */
#define PO_TASK_NET_LIST(X)                                                    \
    X(PO_TASK_LINE_ATTRACTOR, "line-attractor")                                \
    X(PO_TASK_FEEDFORWARD, "feedforward")
typedef enum po_task_net { PO_TASK_NET_LIST(PO_ENUM_ENTRY_) } po_task_net;

const char *po_task_net_name(po_task_net net);
po_status po_task_net_from_name(const char *name, po_task_net *net);

/* The pulse schedule of SPEC.md §7 for T steps, without noise: zero except
 * on the half-open ranges [800, 950) = -2, [1000, 1200) = +1,
 * [1250, 1450) = -1, [1600, 1800) = +3, [2200, 2400) = +0.5,
 * [2600, 3000) = -linspace(0, 3, 400), [3500, 4500) = +0.1 (ranges past T
 * are cut; steps past 5000 stay 0). */
void po_task_schedule(size_t T, double *s);

typedef struct po_task_opts {
    po_task_net net;      /* line-attractor */
    size_t D;             /* 500, >= 2 */
    size_t T;             /* 5000, >= 2 */
    double alpha;         /* 0.01 */
    double noise;         /* v1 = 0.2 */
    double input_gain;    /* v0 = 0.1 */
    double signal_noise;  /* sd of the white noise added to s_t, 0.05 (= N(0,1)/20) */
    double max_eval;      /* line-attractor: 0.999 */
    double min_eval;      /* line-attractor: 0.2 */
    double skip_scale;    /* feedforward: beta = 0.5 */
    double readout_gain;  /* feedforward: 0.7 (w_out = readout_gain m / D) */
    uint64_t seed;        /* PO_DEFAULT_SEED */
    size_t threads;       /* simulation threads, as po_sim_opts (0 = automatic) */
    po_progress_fn progress; /* simulation steps; NULL = silent */
    void *progress_user;
} po_task_opts;

po_task_opts po_task_opts_defaults(void);
const char *po_task_opts_check(const po_task_opts *opts);

/* One task instance. Arrays are owned; free with po_task_free. */
typedef struct po_task {
    size_t D, T;
    po_mat *W;        /* D x D connectivity */
    po_mat *S;        /* the transform: the similarity S (line-attractor) or O (feedforward) */
    double *m;        /* D: input mode (w_in, unnormalised) */
    double *w_out;    /* D: readout weights */
    double *x0;       /* D: initial state, m-component removed */
    po_mat *s;        /* T x 1: the signal s_t (schedule + noise) */
    po_mat *input;    /* T x 1: v0 s_t, the coefficient of m in the drive (U.npy) */
    po_mat *ideal;    /* T x 1: o_t = v0 alpha cumsum(s)_t (ideal.npy) */
    po_mat *X;        /* T x D activity (X.npy); NULL until po_task_simulate */
    po_mat *readout;  /* T x 1: X w_out (readout.npy); NULL until po_task_simulate */
} po_task;

/* Build the circuit, the signal and the initial state (no simulation).
 * Random draws: the teacher from PO_STREAM_CONNECTIVITY of seed (as
 * po_teacher_generate: lowrank-normal rank D diagonal + similarity, or chain
 * + ortho); x0 from PO_STREAM_IC (D normals, then the m-component removed);
 * the signal noise from PO_STREAM_INPUT (T normals times signal_noise).
 * PO_EINVAL (options), PO_ENOMEM, PO_ELINALG, PO_ENONFINITE (v0 s_t or the
 * ideal output overflows). */
po_status po_task_make(const po_task_opts *opts, po_task **out);

/* Simulate the circuit with its input (po_sim_run with x0, the process noise
 * of seed, signal s and w_in = m, input_gain v0) and fill X and readout.
 * PO_ENONFINITE if the state or the readout overflows. */
po_status po_task_simulate(po_task *task, const po_task_opts *opts);

void po_task_free(po_task *task);

#if defined(__GNUC__)
#pragma GCC visibility pop
#endif
#ifdef __cplusplus
}
#endif
#endif
