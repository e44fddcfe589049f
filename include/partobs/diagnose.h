/* partobs: is the slow mode of a model fitted to a partial recording real?
 * (issue "partobs diagnose"; docs/methods.md "Diagnose").
 *
 * Given a recording Y (T x d, time first) of d neurons out of an unknown
 * circuit, po_diagnose_run fits a student (MAP, SPEC.md §4.1, or a latent
 * LDS, SPEC.md §4.8), measures passive evidence on whether its slowest mode
 * would survive observing more of the circuit, and designs the perturbation
 * experiment that settles the question. po_diagnose_perturbation then reads
 * a second recording made during that stimulation and gives the verdict from
 * it. Both stages are deterministic for a given seed, for any thread count.
 *
 * Passive evidence (all from Y alone):
 *  - the full fit's spectrum: eigenvalues, time constants, LAS, Henrici;
 *  - nested subsampling of neurons: for each fraction f, `subsets` random
 *    subsets of round(f d) neurons (at least 2), refitted; MAP refits reuse
 *    the rows and columns of the full recording's sums Phi Phi^T and
 *    Delta Phi^T (no pass over Y per subset); the LAS trend is the
 *    least-squares slope of LAS against log(f) over all refits, with a 95%
 *    interval;
 *  - a moving-block bootstrap over time of the full fit (blocks of `block`
 *    transitions, resampled with replacement): intervals for tau_1 and LAS;
 *  - the lag-1 autocorrelation of the one-step residual projected on the
 *    slow mode's left eigenvector.
 *
 * The model's drive: a stimulation STIM (T' x d, in the units of the model's
 * drive) enters the student as x_{t+1} = x_t + alpha (W phi(x_t) - x_t + stim_t)
 * (SPEC.md §1.1 with v_t = stim_t). For method lds the drive enters the latents
 * as C^T stim_t (C orthonormal), the neuron-space slow mode is C v_1.
 */
#ifndef PARTOBS_DIAGNOSE_H
#define PARTOBS_DIAGNOSE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "partobs/dyn.h"
#include "partobs/error.h"
#include "partobs/mat.h"
#include "partobs/sim.h"

#ifdef __cplusplus
extern "C" {
#endif
/* Exported from the shared library; everything else is built hidden. */
#if defined(__GNUC__)
#pragma GCC visibility push(default)
#endif

/* X(enumerator, name) */
#define PO_DIAGNOSE_VERDICT_LIST(X)                                                             \
    X(PO_DIAG_NO_SLOW_MODE, "no-slow-mode")  /* no slow mode (po_diagnose_slow_mode) */        \
    X(PO_DIAG_ROBUST, "slow-mode-robust")    /* the evidence says the slow mode is real */     \
    X(PO_DIAG_SUSPECT, "slow-mode-suspect")  /* the evidence says partial observation made it */\
    X(PO_DIAG_INCONCLUSIVE, "inconclusive")  /* the evidence cannot tell */
typedef enum po_diagnose_verdict { PO_DIAGNOSE_VERDICT_LIST(PO_ENUM_ENTRY_) } po_diagnose_verdict;
const char *po_diagnose_verdict_name(po_diagnose_verdict v);
po_status po_diagnose_verdict_from_name(const char *name, po_diagnose_verdict *v);

/* X(enumerator, name) */
#define PO_DIAGNOSE_METHOD_LIST(X) X(PO_DIAG_MAP, "map") X(PO_DIAG_LDS, "lds")
typedef enum po_diagnose_method { PO_DIAGNOSE_METHOD_LIST(PO_ENUM_ENTRY_) } po_diagnose_method;
const char *po_diagnose_method_name(po_diagnose_method m);
po_status po_diagnose_method_from_name(const char *name, po_diagnose_method *m);

#define PO_DIAGNOSE_MAX_FRACTIONS 64
#define PO_DIAGNOSE_MAX_EVIDENCE 16

typedef struct po_diagnose_opts {
    po_diagnose_method method; /* map */
    po_phi phi;               /* map: linear (leaky-current student) */
    double alpha;             /* dt / tau of the model, 0.01 */
    double rho;               /* map ridge on unnormalised sums, 0.001 (SPEC.md §4.1) */
    size_t latents;           /* lds: K, 5 */
    size_t lds_iters;         /* lds: EM iterations of the full fit, 200 */
    size_t lds_refit_iters;   /* lds: EM iterations of each subset / bootstrap refit, 50 */
    double dt;                /* seconds per step; 0 = unknown (no *_s outputs) */
    size_t n_fractions;       /* 0 = the default 0.3, 0.4, ..., 1.0 (8 fractions) */
    double fractions[PO_DIAGNOSE_MAX_FRACTIONS]; /* in (0, 1], increasing */
    size_t subsets;           /* R random subsets per fraction below 1, 10 */
    size_t bootstrap;         /* B block-bootstrap replicates, 100 (0 = none) */
    size_t block;             /* bootstrap block length in transitions; 0 = automatic:
                                 max(10 / alpha, T / 50) rounded */
    /* the proposed experiment (issue Part B) */
    size_t pulse_steps;       /* 0 = round(2 / alpha): a 2-tau pulse */
    size_t wait_steps;        /* steps after each pulse, 0 = round(70 / alpha) */
    size_t repeats;           /* pulses, alternating sign, 4 */
    double late_from, late_to;/* the late window, in tau after the pulse ends: 50, 70 */
    double snr;               /* the amplitude makes a plateau of 5% of the peak stand
                                 `snr` standard errors out of the noise, 3 */
    uint64_t seed;            /* subsets, bootstrap, LDS draws: PO_STREAM_ANALYSIS */
    size_t threads;           /* 0 = automatic; any count gives the same bits */
    po_progress_fn progress;  /* refits done of total; NULL = silent */
    void *progress_user;
} po_diagnose_opts;

/* A fitted model has a slow mode worth diagnosing when its line attractor
 * score exceeds 1 (the naive rule, SPEC.md §5) or its slowest time constant is
 * at least PO_DIAGNOSE_TAU_SLOW model time constants (a slow pair or plane:
 * LAS ~ 0 but the model still shows slow dynamics, as chain students do). */
#define PO_DIAGNOSE_TAU_SLOW 10.0
bool po_diagnose_slow_mode(const po_spectrum *s);

po_diagnose_opts po_diagnose_opts_defaults(void);
/* NULL if valid, else a sentence naming the problem. */
const char *po_diagnose_opts_check(const po_diagnose_opts *opts);

/* One measure and what it points to. */
typedef struct po_diagnose_evidence {
    char name[40];       /* e.g. "las_trend_slope" */
    double value;
    po_diagnose_verdict points_to; /* ROBUST, SUSPECT, NO_SLOW_MODE, or INCONCLUSIVE
                                      (= neutral) */
    char meaning[200];   /* one sentence */
} po_diagnose_evidence;

/* The proposed experiment and the model's predictions (length `steps`). */
typedef struct po_diagnose_protocol {
    size_t d;
    double *pattern;       /* d, unit norm: the stimulated pattern */
    double *readout;       /* d, unit norm: the response is y_t . readout */
    char pattern_kind[24]; /* "slow-left", "slow-right", ... : which candidate won */
    double amplitude;      /* peak drive (units of the model's drive) */
    size_t pulse_steps, wait_steps, repeats;
    size_t steps;          /* T' = repeats (pulse_steps + wait_steps) */
    double *signal;        /* steps: amplitude x (+1, -1, ...) during pulses, else 0;
                              STIM = signal (x) pattern */
    double *predicted;     /* steps: noise-free model response . readout from rest */
    double *alternative;   /* steps or NULL: the same for the non-attractor explanation
                              (the model with its slow mode shortened to tau_2) */
    double predicted_tau;  /* response time constant (in tau) after the pulse, model */
    double alternative_tau;/* the same for the alternative (NaN without one) */
    double predicted_late; /* mean response in the late window / peak, model */
    double alternative_late;
    double noise_se;       /* standard error of the late-window mean from the recording's
                              variogram along the readout, averaged over repeats */
} po_diagnose_protocol;

/* What the perturbation recording showed (po_diagnose_perturbation). */
typedef struct po_diagnose_measured {
    bool present;
    po_diagnose_verdict verdict; /* from the experiment alone (ROBUST: persists and holds
                                    its pattern; SUSPECT: decays or travels;
                                    INCONCLUSIVE: too noisy or of the wrong sign) */
    size_t window;         /* steps of the averaged response (pulse + wait) */
    double *response;      /* window: averaged, sign-aligned, baseline-subtracted response */
    double peak;           /* response at the end of the pulse */
    double late, late_se;  /* late-window mean / peak and its standard error */
    double measured_tau;   /* as predicted_tau, on the measured response */
    double agreement;      /* measured late / predicted late */
    double drift, drift_se;/* |c - a| / |a|: a, c = the mean response VECTORS over the d
                              neurons in an early window (the late window moved earlier
                              by twice its length: 10-30 tau by default) and in the late
                              window; near 0 for a plateau on an attractor, large when
                              the activity travels (a hidden feedforward chain). NaN
                              with one pulse (drift_se: across pulses) */
} po_diagnose_measured;

typedef struct po_diagnose {
    po_diagnose_verdict verdict;         /* the final verdict */
    po_diagnose_verdict passive_verdict; /* from the recording alone */
    char reason[640];                    /* one sentence */
    char passive_reason[320];            /* the passive verdict's sentence */
    size_t n_samples, n_neurons;
    po_diagnose_method method;
    double alpha, dt;

    /* full fit */
    po_mat *model;          /* map: W (d x d); lds: A_cont (K x K) */
    po_mat *emission;       /* lds: C (d x K); map: NULL */
    po_spectrum *full;      /* spectrum of model */
    double *slow_right;     /* d: neuron-space slow mode (unit norm) */
    double *slow_left;      /* d: the pattern exciting it most per unit norm (unit norm) */
    double residual_autocorr; /* lag-1, residual along the slow mode */

    /* subsampling: n_fractions x subsets values, row k = fraction k (fraction 1 has
       one refit, repeated: the full fit; for lds a refit of all neurons with
       lds_refit_iters, so that the trend compares fits of equal length) */
    size_t n_fractions, subsets;
    double fractions[PO_DIAGNOSE_MAX_FRACTIONS];
    size_t d_sub[PO_DIAGNOSE_MAX_FRACTIONS];
    double *las_sub, *tau1_sub, *lambda1_sub;
    double las_mean[PO_DIAGNOSE_MAX_FRACTIONS], las_sem[PO_DIAGNOSE_MAX_FRACTIONS];
    double tau1_median[PO_DIAGNOSE_MAX_FRACTIONS], lambda1_re_mean[PO_DIAGNOSE_MAX_FRACTIONS];
    double trend_slope, trend_ci95[2];

    /* bootstrap */
    size_t bootstrap, block;
    double *boot_las, *boot_tau1; /* bootstrap values */
    double tau1_ci95[2], las_ci95[2];

    size_t n_evidence;
    po_diagnose_evidence evidence[PO_DIAGNOSE_MAX_EVIDENCE];

    po_diagnose_protocol protocol;
    po_diagnose_measured measured;
} po_diagnose;

/* Fit, passive evidence, passive verdict, proposed experiment. Y is T x d
 * (T >= 2 / alpha... see the error list), U optional T x m inputs (NULL =
 * none; MAP regresses them as extra columns, LDS as its inputs).
 * *out: free with po_diagnose_free.
 * Errors: PO_EINVAL (NULL, options), PO_ESHAPE (d < 2, T too short for one
 * bootstrap block or the fit, U rows != T), PO_ENONFINITE, PO_ENOMEM,
 * PO_ELINALG, and the fit's errors. */
po_status po_diagnose_run(const po_mat *Y, const po_mat *U, const po_diagnose_opts *opts,
                          po_diagnose **out);

/* Read the perturbation recording YP (T' x d) made during STIM (T' x d, the
 * drive added to each recorded neuron at each step): STIM must be rank 1
 * (rows = s_t p for one pattern p, else PO_EINVAL naming the first row that
 * is not), its pulses are the maximal runs of non-zero s_t; each pulse's
 * response is y_t . readout, sign-aligned with s, minus the mean over the
 * `baseline` steps before the pulse, averaged over pulses. Sets dg->measured
 * and the final verdict. Errors: PO_ESHAPE (widths != d, lengths differ, too
 * short after a pulse for the late window), PO_EINVAL (no pulse, not rank 1),
 * PO_ENONFINITE. */
po_status po_diagnose_perturbation(po_diagnose *dg, const po_mat *YP, const po_mat *STIM,
                                   const po_diagnose_opts *opts);

/* STIM (steps x d, caller-allocated) = signal (x) pattern of the protocol. */
po_status po_diagnose_protocol_stim(const po_diagnose *dg, po_mat *STIM);

void po_diagnose_free(po_diagnose *dg);

#if defined(__GNUC__)
#pragma GCC visibility pop
#endif
#ifdef __cplusplus
}
#endif
#endif
