/* The sensory-integration task (SPEC.md §7, §6 "Fig 1"): two linear
 * integrators, their input mode and readout, the noisy pulse signal, the
 * ideal integral, and the simulation.
 *
 * Draw order for a seed (each stream is independent of the others):
 *   PO_STREAM_CONNECTIVITY  the teacher, as po_teacher_generate
 *   PO_STREAM_IC            x0 (D normals), before the m-component is removed
 *   PO_STREAM_INPUT         the signal noise (T normals, step 0 first)
 *   PO_STREAM_PROCESS_NOISE xi_t inside po_sim_run
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "partobs/task.h"
#include "partobs/teacher.h"
#include "core/alloc.h"

po_task_opts po_task_opts_defaults(void)
{
    return (po_task_opts){
        .net = PO_TASK_LINE_ATTRACTOR,
        .D = 500,
        .T = 5000,
        .alpha = 0.01,
        .noise = 0.2,
        .input_gain = 0.1,
        .signal_noise = 0.05,
        .max_eval = 0.999,
        .min_eval = 0.2,
        .skip_scale = 0.5,
        .readout_gain = 0.7,
        .seed = PO_DEFAULT_SEED,
        .threads = 0,
        .progress = NULL,
        .progress_user = NULL,
    };
}

const char *po_task_opts_check(const po_task_opts *o)
{
    if (!o) return "options are NULL";
    if (o->net != PO_TASK_LINE_ATTRACTOR && o->net != PO_TASK_FEEDFORWARD)
        return "net must be line-attractor or feedforward";
    if (o->D < 2) return "D must be at least 2";
    if (o->T < 2) return "T must be at least 2 (x0 and one step)";
    if (!isfinite(o->alpha) || o->alpha <= 0.0) return "alpha must be a finite number > 0";
    if (!isfinite(o->noise) || o->noise < 0.0) return "noise must be a finite number >= 0";
    if (!isfinite(o->input_gain)) return "input_gain must be finite";
    if (!isfinite(o->signal_noise) || o->signal_noise < 0.0)
        return "signal_noise must be a finite number >= 0";
    if (!isfinite(o->max_eval) || !isfinite(o->min_eval))
        return "max_eval and min_eval must be finite";
    if (!isfinite(o->skip_scale)) return "skip_scale must be finite";
    if (!isfinite(o->readout_gain)) return "readout_gain must be finite";
    return NULL;
}

/* The teacher options of SPEC.md §6 "Fig 1". */
static po_teacher_opts teacher_opts(const po_task_opts *o)
{
    po_teacher_opts t;
    if (o->net == PO_TASK_LINE_ATTRACTOR) {
        /* W = S diag(max, min, ..., min) S^{-1}: full rank, diagonal U = I. */
        t = po_teacher_opts_defaults(PO_NET_LOWRANK_NORMAL, o->D);
        t.rank = o->D;
        t.diagonal = true;
        t.max_eval = o->max_eval;
        t.min_eval = o->min_eval;
        t.transforms = PO_TRANSFORM_SIMILARITY;
    } else {
        /* W = O T O^T, T the chain with skip interval 1. For D = 2 there is
         * no skip column (columns 2.. do not exist), and the teacher
         * generator only accepts skip_interval 0 there: the same matrix. */
        t = po_teacher_opts_defaults(PO_NET_CHAIN, o->D);
        t.skip_interval = o->D >= 3 ? 1 : 0;
        t.skip_scale = o->skip_scale;
        t.transforms = PO_TRANSFORM_ORTHO;
    }
    return t;
}

void po_task_free(po_task *task)
{
    if (!task) return;
    po_mat_free(task->W);
    po_mat_free(task->S);
    free(task->m);
    free(task->w_out);
    free(task->x0);
    po_mat_free(task->s);
    po_mat_free(task->input);
    po_mat_free(task->ideal);
    po_mat_free(task->X);
    po_mat_free(task->readout);
    free(task);
}

/* Input mode m and readout w_out from the transform S (SPEC.md §7). */
static void modes(const po_task_opts *o, const po_mat *S, double *m, double *w_out)
{
    size_t D = o->D;
    double Dd = (double)D;
    if (o->net == PO_TASK_LINE_ATTRACTOR) {
        /* S[:, 0] is the unit-norm 0.999 eigenvector: m = D S[:, 0],
         * w_out = m / D^2 = S[:, 0] / D, so w_out . m = 1. */
        for (size_t i = 0; i < D; i++) {
            m[i] = Dd * PO_MAT_AT(S, i, 0);
            w_out[i] = PO_MAT_AT(S, i, 0) / Dd;
        }
    } else {
        /* m = O 1, the sum of the Schur modes; w_out = readout_gain m / D. */
        for (size_t i = 0; i < D; i++) {
            double sum = 0.0;
            for (size_t j = 0; j < D; j++) sum += PO_MAT_AT(S, i, j);
            m[i] = sum;
            w_out[i] = o->readout_gain * sum / Dd;
        }
    }
}

/* x0 ~ N(0, I) from the IC stream, then x0 <- x0 - (x0 . m) m / |m|^2
 * (SPEC.md §1.4) so that the initial readout is ~0. m is never 0: a unit
 * column of S times D, or the row sums of an orthogonal O (|O 1| = sqrt(D)). */
static void initial_state(const po_task_opts *o, const double *m, double *x0)
{
    size_t D = o->D;
    po_sim_draw_ic(o->seed, 1.0, x0, D);
    double xm = 0.0, mm = 0.0;
    for (size_t i = 0; i < D; i++) {
        xm += x0[i] * m[i];
        mm += m[i] * m[i];
    }
    double c = xm / mm;
    for (size_t i = 0; i < D; i++) x0[i] -= c * m[i];
}

/* s = schedule + signal_noise * N(0, 1) (PO_STREAM_INPUT), input = v0 s and
 * ideal_t = v0 (alpha sum_{k <= t} s_k), summed in time order. */
static void signals(const po_task_opts *o, po_task *task)
{
    size_t T = o->T;
    double *s = task->s->data;
    po_task_schedule(T, s);
    po_rng rng;
    po_rng_init(&rng, o->seed, PO_STREAM_INPUT);
    for (size_t t = 0; t < T; t++) s[t] += o->signal_noise * po_rng_normal(&rng);
    double sum = 0.0;
    for (size_t t = 0; t < T; t++) {
        sum += s[t];
        task->input->data[t] = o->input_gain * s[t];
        task->ideal->data[t] = o->input_gain * (o->alpha * sum);
    }
}

po_status po_task_make(const po_task_opts *opts, po_task **out)
{
    if (!out) return po_error(PO_EINVAL, "po_task_make: output pointer is NULL");
    *out = NULL;
    const char *why = po_task_opts_check(opts);
    if (why) return po_error(PO_EINVAL, "%s", why);
    size_t D = opts->D, T = opts->T;
    /* The signals here and the T x D activity of po_task_simulate: a task too
     * big is refused before anything is drawn (issue 10 item 6). */
    po_status st = po_mem_reserve_check(
        po_mem_doubles((double)T * (4.0 + (double)D) + 5.0 * (double)D * (double)D), "the task");
    if (st != PO_OK) return st;

    po_teacher_opts to = teacher_opts(opts);
    po_rng rng;
    po_rng_init(&rng, opts->seed, PO_STREAM_CONNECTIVITY);
    po_teacher *teacher = NULL;
    st = po_teacher_generate(&to, &rng, &teacher);
    if (st != PO_OK) return st;

    po_task *task = calloc(1, sizeof *task);
    if (!task) {
        po_teacher_free(teacher);
        return po_error(PO_ENOMEM, "no memory for the task");
    }
    task->D = D;
    task->T = T;
    /* Take W and the transform from the teacher; its M and N are not needed. */
    task->W = teacher->W;
    task->S = teacher->U;
    teacher->W = teacher->U = NULL;
    po_teacher_free(teacher);

    task->m = malloc(D * sizeof *task->m);
    task->w_out = malloc(D * sizeof *task->w_out);
    task->x0 = malloc(D * sizeof *task->x0);
    task->s = po_mat_alloc(T, 1);
    task->input = po_mat_alloc(T, 1);
    task->ideal = po_mat_alloc(T, 1);
    if (!task->m || !task->w_out || !task->x0 || !task->s || !task->input || !task->ideal) {
        po_task_free(task);
        return po_error(PO_ENOMEM, "no memory for D = %zu, T = %zu", D, T);
    }
    modes(opts, task->S, task->m, task->w_out);
    initial_state(opts, task->m, task->x0);
    signals(opts, task);
    /* A huge input_gain overflows v0 s_t (U.npy) at a step whose effect on
     * the state comes after the last row, so the simulation does not see it. */
    po_status fin = po_mat_check_finite(task->input, "the input v0 s_t");
    if (fin == PO_OK) fin = po_mat_check_finite(task->ideal, "the ideal output");
    if (fin != PO_OK) {
        po_task_free(task);
        return fin;
    }
    *out = task;
    return PO_OK;
}

po_status po_task_simulate(po_task *task, const po_task_opts *opts)
{
    if (!task || !opts) return po_error(PO_EINVAL, "po_task_simulate: task and options are required");
    const char *why = po_task_opts_check(opts);
    if (why) return po_error(PO_EINVAL, "%s", why);
    if (opts->D != task->D || opts->T != task->T)
        return po_error(PO_EINVAL,
                        "the options are for D = %zu, T = %zu but the task has "
                        "D = %zu, T = %zu",
                        opts->D, opts->T, task->D, task->T);
    size_t D = task->D, T = task->T;

    /* Drive v_t = v1 xi_t + v0 s_t m: po_sim_run adds input_gain * s_t * w_in. */
    po_sim_opts so = po_sim_opts_defaults();
    so.T = T;
    so.phi = PO_PHI_LINEAR;
    so.leaky = PO_LEAKY_CURRENT;
    so.alpha = opts->alpha;
    so.g = 1.0;
    so.noise = opts->noise;
    so.input_gain = opts->input_gain;
    so.seed = opts->seed;
    so.threads = opts->threads;
    so.progress = opts->progress;
    so.progress_user = opts->progress_user;

    /* W = S diag(e) S^{-1} and O T O^T are dense and of (nearly) full rank. */
    po_status st = po_mem_reserve_check(po_mem_doubles((double)T * (1.0 + (double)D)),
                                        "the T x D activity");
    if (st != PO_OK) return st;
    po_linop *op = NULL;
    st = po_linop_dense(task->W, &op);
    if (st != PO_OK) return st;
    po_mat *X = po_mat_alloc(T, D);
    po_mat *r = po_mat_alloc(T, 1);
    if (!X || !r) st = po_error(PO_ENOMEM, "no memory for T x D = %zu x %zu", T, D);
    if (st == PO_OK) {
        po_sim_inputs in = {task->x0, NULL, task->s, task->m};
        st = po_sim_run(op, &so, &in, X);
    }
    po_linop_free(op);
    if (st != PO_OK) {
        po_mat_free(X);
        po_mat_free(r);
        return st;
    }
    /* readout_t = x_t . w_out, summed over neurons in order. */
    for (size_t t = 0; t < T; t++) {
        const double *x = &PO_MAT_AT(X, t, 0);
        double acc = 0.0;
        for (size_t i = 0; i < D; i++) acc += x[i] * task->w_out[i];
        r->data[t] = acc;
    }
    st = po_mat_check_finite(r, "the readout X w_out");
    if (st != PO_OK) {
        po_mat_free(X);
        po_mat_free(r);
        return st;
    }
    po_mat_free(task->X);
    po_mat_free(task->readout);
    task->X = X;
    task->readout = r;
    return PO_OK;
}
