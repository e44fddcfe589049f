/* The nonlinear teacher-student pipeline shared by Fig 5, F.2 and F.6
 * (SPEC.md §1.6, §4, §5): record a teacher (simulate, keep the first d_max
 * neurons, their process noise and the full initial state), fit a student by
 * one of the four methods, simulate the student with the teacher's IC and
 * noise, analyse both networks' attractors and classify the mismatch.
 */
#ifndef PO_EXPERIMENTS_NL_PIPELINE_H
#define PO_EXPERIMENTS_NL_PIPELINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <cjson/cJSON.h>

#include "partobs/attractors.h"
#include "partobs/fit.h"
#include "partobs/mat.h"
#include "partobs/plot.h"
#include "partobs/report.h"
#include "partobs/sim.h"
#include "partobs/teacher.h"

/* One simulated teacher run, reduced to what the students need. */
typedef struct po_nl_record {
    size_t D, T, dmax;
    po_phi phi;
    po_leaky leaky;
    double *x0;  /* D: the full initial state (BPTT + hidden starts from its first d + H) */
    po_mat *Y;   /* T x dmax: the first dmax neurons (SPEC.md §3) */
    po_mat *xi;  /* (T - 1) x dmax: the standard normals of their process noise */
} po_nl_record;

/* Simulate W (D x D) with tanh and the given leaky form for T steps from the
 * IC and noise streams of seed (as `partobs simulate --seed` does), keeping
 * the first dmax neurons. */
po_status po_nl_record_run(const po_mat *W, po_leaky leaky, size_t T, size_t dmax, uint64_t seed,
                           po_nl_record **out);
void po_nl_record_free(po_nl_record *r);

typedef enum po_nl_method { PO_NL_MAP, PO_NL_CORNN, PO_NL_FORCE, PO_NL_BPTT } po_nl_method;
const char *po_nl_method_name(po_nl_method m); /* "MAP", "CORNN", "FORCE", "BPTT" */

/* Sizes of the slow methods (the paper's by default; smaller in --quick). */
typedef struct po_nl_fit_cfg {
    size_t force_passes;  /* 1000 */
    size_t force_window;  /* first 5000 rows (SPEC.md §4.6, the paper's window) */
    size_t bptt_epochs;   /* 100 */
    size_t bptt_window;   /* 500 */
    size_t bptt_hidden;   /* 0 */
    size_t cornn_iters;   /* 1000 */
    uint64_t seed;        /* FORCE J_0, BPTT init/shuffle/forcing */
} po_nl_fit_cfg;

po_nl_fit_cfg po_nl_fit_cfg_defaults(void);

/* Fit a student of method m to the first d neurons of r (d <= r->dmax). MAP
 * and CORNN use the record's leaky form (CORNN needs leaky-rate), FORCE and
 * BPTT are leaky-current students. *W_hat is d x d, or (d + H) x (d + H) for
 * BPTT with hidden units. */
po_status po_nl_fit(const po_nl_record *r, po_nl_method m, size_t d, const po_nl_fit_cfg *cfg,
                    po_mat **W_hat);

/* The student's leaky form for method m fitted to a record of leaky form l. */
po_leaky po_nl_student_leaky(po_nl_method m, po_leaky l);

/* Simulate the student W_hat (n x n) for `steps` rows from the teacher's
 * first n initial values; with noise (SPEC.md §1.6: every method except
 * FORCE and BPTT) it replays the teacher's noise of its first n neurons
 * (then n <= r->dmax). *X is steps x n. */
po_status po_nl_student_run(const po_nl_record *r, const po_mat *W_hat, po_leaky leaky, bool noise,
                            size_t steps, po_mat **X);

/* Attractor-analysis sizes (SPEC.md §5 "Limit sets"). */
typedef struct po_nl_attr_cfg {
    size_t fp_starts;      /* random starts of the fixed-point search (scaled down for
                              large networks by the attractors module) */
    size_t n_traj;         /* noise-free trajectories */
    size_t steps;          /* Euler steps per trajectory */
    uint64_t seed;
} po_nl_attr_cfg;

/* The attractors module's defaults, or smaller CI sizes when quick. */
po_nl_attr_cfg po_nl_attr_cfg_for(bool quick, uint64_t seed);

po_status po_nl_analyse(const po_mat *W, po_leaky leaky, const po_nl_attr_cfg *cfg,
                        po_attractor_report **out);

/* Teacher vs student on their first obs (observed) neurons, in the terms of
 * issue 4's claims. */
typedef struct po_nl_compare {
    po_attractor_comparison counts; /* po_attractor_compare's */
    bool match;            /* no spurious and no missed attractor (po_attractor_compare) */
    char verdict[320];
    bool spurious_fp, missing_fp;       /* a student / teacher stable fixed point unmatched */
    bool spurious_cycle, missing_cycle; /* a student / teacher limit cycle unmatched */
    double max_re;         /* student's largest Re lambda */
    bool re_gt1_real;      /* a real student eigenvalue with Re > 1 */
    bool re_gt1_complex;   /* a complex pair with Re > 1 */
    size_t student_nonzero_fp, student_cycles; /* the student's own (po_nl_classify) */
} po_nl_compare;

po_status po_nl_compare_reports(const po_attractor_report *teacher,
                                const po_attractor_report *student, size_t obs, po_nl_compare *out);

/* What a network's own attractors are (issue 4: "the teacher itself is not
 * always a plain stable focus"; real eigenvalues above 1 go with non-zero
 * stable fixed points, complex pairs with limit cycles). */
typedef struct po_nl_kind {
    bool plain_focus;   /* only the origin is stable and there is no cycle */
    size_t nonzero_fp;  /* stable fixed points away from the origin */
    size_t cycles;
} po_nl_kind;

po_nl_kind po_nl_classify(const po_attractor_report *r);

/* JSON summaries (partobs/report.h's writers, with the figures' extras). */
cJSON *po_nl_report_json(const po_attractor_report *r);
cJSON *po_nl_compare_json(const po_nl_compare *c);

/* ---- panels --------------------------------------------------------------- */

/* Traces (SPEC.md §5): neurons first..first+4 of the teacher (Yt, rows = time)
 * in red (lines teacher_width wide) and of the student (Xs) in blue, scaled
 * by 0.7 and offset by 2.5, the first plot_time steps, time in units of tau
 * (step * alpha). Fig 4 draws its traces with it too. */
po_status po_nl_panel_traces(po_panel *p, const po_mat *Yt, const po_mat *Xs, size_t first,
                             size_t plot_time, double alpha, double teacher_width);

/* Limit set (SPEC.md §5): noise-free trajectories of W from 15 random ICs,
 * PCA of all of them, PC1 vs PC2 after dropping the first transient_frac of
 * each trajectory, coloured by t/T (a colour bar when colorbar). */
po_status po_nl_panel_limit_set(po_panel *p, const po_mat *W, po_leaky leaky, size_t steps,
                                double transient_frac, uint64_t seed, bool colorbar);

/* Eigenvalue plane with the teacher (red) and student (blue) spectra from
 * two reports; either may be NULL. */
po_status po_nl_panel_eigs(po_panel *p, const po_attractor_report *teacher,
                           const po_attractor_report *student);

/* One student's row of a figure: eigenvalues (teacher red, student blue),
 * traces of neurons 4-8 (0-4 for d < 9) against the teacher's and the
 * student's limit set. */
typedef struct po_nl_row {
    const char *label;                 /* "(a) MAP 10%" */
    const po_nl_record *rec;           /* the teacher recording it was fitted to */
    const po_mat *W_hat;
    po_leaky leaky;                    /* the student's */
    bool noise;                        /* replay the teacher's noise (SPEC.md §1.6) */
    const po_attractor_report *teacher, *student;
} po_nl_row;

po_status po_nl_draw_student_row(po_figure *f, size_t row, const po_nl_row *r, size_t plot_time,
                                 size_t panel_steps, uint64_t seed);

#endif
