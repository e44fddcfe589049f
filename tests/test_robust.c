/* Library robustness (issue 10 items 5-7): finite options that overflow are
 * refused naming the option, data too large or too small for the sums is
 * named as such, memory is checked before big arrays, and the messages that
 * reach a user carry no internal function names. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "core/alloc.h"
#include "harness.h"

/* The detail of the last failure contains `text`. */
static bool said(const char *text) { return strstr(po_errmsg(), text) != NULL; }

/* po_teacher_generate(o) with the default seed (the CLI cases of issue 10:
 * whether a draw overflows depends on it) fails with PO_ENONFINITE, *out
 * NULL, and the message names `option` (and "overflow"). */
static void check_overflow(po_teacher_opts o, const char *option)
{
    po_rng rng;
    po_rng_init(&rng, PO_DEFAULT_SEED, PO_STREAM_CONNECTIVITY);
    po_teacher *t = (po_teacher *)&rng; /* must be reset to NULL */
    CHECK_STATUS(po_teacher_generate(&o, &rng, &t), PO_ENONFINITE);
    CHECK(t == NULL);
    CHECK(said(option) && said("overflow"));
    CHECK(!said("po_"));
}

static void test_teacher_overflow(void)
{
    po_teacher_opts o = po_teacher_opts_defaults(PO_NET_LOWRANK, 8);
    o.scale = 1.7e308;
    check_overflow(o, "scale");
    o = po_teacher_opts_defaults(PO_NET_SYMMETRIC, 8);
    o.scale = 1.7e308;
    check_overflow(o, "scale");
    o = po_teacher_opts_defaults(PO_NET_GAUSSIAN, 8);
    o.scale = 1.7e308;
    o.transforms = PO_TRANSFORM_SIMILARITY;
    check_overflow(o, "similarity");
    o = po_teacher_opts_defaults(PO_NET_LOWRANK_OSC, 8);
    o.shift_scale = 1.7e308;
    check_overflow(o, "shift_scale");
    o = po_teacher_opts_defaults(PO_NET_TRIANGULAR, 8);
    o.scale = 1.7e308;
    o.use_schur = true;
    check_overflow(o, "scale");
    o = po_teacher_opts_defaults(PO_NET_LOWRANK_NORMAL, 8);
    o.max_eval = 1.7e308;
    o.transforms = PO_TRANSFORM_SIMILARITY;
    check_overflow(o, "max_eval");
    o = po_teacher_opts_defaults(PO_NET_CHAIN, 8);
    o.skip_interval = 2;
    o.skip_scale = 1.7e308;
    o.transforms = PO_TRANSFORM_SIMILARITY;
    check_overflow(o, "skip_scale");

    /* Large but representable weights are still drawn: W = scale * e_i e_{i+1}^T. */
    o = po_teacher_opts_defaults(PO_NET_CHAIN, 8);
    o.scale = 1e300;
    po_rng rng;
    po_rng_init(&rng, 5, PO_STREAM_CONNECTIVITY);
    po_teacher *t = NULL;
    CHECK_OK(po_teacher_generate(&o, &rng, &t));
    CHECK(t && PO_MAT_AT(t->W, 0, 1) == 1e300);
    po_teacher_free(t);
}

static void test_observe_and_simulate_overflow(void)
{
    size_t T = 20, D = 50;
    po_mat *X = po_test_gaussian(T, D, 1.0, 3), *Y = po_mat_alloc(T, 3);
    po_observe_opts o = po_observe_opts_defaults();
    o.d = 3;
    o.obs_noise = 1e308;
    CHECK_STATUS(po_observe(X, &o, Y), PO_ENONFINITE);
    CHECK(said("obs_noise") && said("overflow") && !said("po_"));
    o.obs_noise = 1e300; /* |x + 1e300 eps| stays finite */
    CHECK_OK(po_observe(X, &o, Y));

    po_mat *W = po_mat_alloc(D, D);
    po_linop *op = NULL;
    CHECK_OK(po_linop_dense(W, &op));
    po_sim_opts so = po_sim_opts_defaults();
    so.T = T;
    so.ic_scale = 1e308; /* some of 50 standard normals exceed 1.8 in size */
    CHECK_STATUS(po_sim_run(op, &so, NULL, X), PO_ENONFINITE);
    CHECK(said("ic_scale") && !said("po_"));
    so.noise = 1e308;
    so.ic_scale = 1.0;
    CHECK_STATUS(po_sim_run(op, &so, NULL, X), PO_ENONFINITE);
    CHECK(said("non-finite") && !said("po_"));
    po_linop_free(op);
    po_mat_free(W);
    po_mat_free(Y);
    po_mat_free(X);
}

/* A T x d matrix of +-2^e (1 + u), u uniform in [0, 1): varying, and its
 * squares overflow (e = 664) or underflow (e = -664). */
static po_mat *scaled(size_t T, size_t d, int e, uint64_t seed)
{
    po_mat *Y = po_mat_alloc(T, d);
    po_rng rng;
    po_rng_init(&rng, seed, PO_STREAM_CONNECTIVITY);
    for (size_t i = 0; i < T * d; i++) {
        double u = po_rng_uniform(&rng);
        Y->data[i] = ldexp(1.0 + u, e) * (po_rng_below(&rng, 2) ? 1.0 : -1.0);
    }
    return Y;
}

static void test_values_too_large_or_small(void)
{
    size_t T = 60, d = 3;
    po_mat *big = scaled(T, d, 664, 1), *small = scaled(T, d, -664, 2), *W = po_mat_alloc(d, d);
    po_cornn_opts co = po_cornn_opts_defaults();
    CHECK_STATUS(po_fit_cornn(big, NULL, &co, W, NULL, NULL), PO_ENONFINITE);
    CHECK(said("values too large") && !said("dpotrf") && !said("invalid argument"));
    po_lds_opts lo = po_lds_opts_defaults();
    lo.latents = 2;
    po_lds *lds = NULL;
    CHECK_STATUS(po_fit_lds(small, NULL, &lo, &lds, NULL), PO_ENONFINITE);
    CHECK(said("values too small") && !said("constant") && lds == NULL);
    CHECK_STATUS(po_fit_lds(big, NULL, &lo, &lds, NULL), PO_ENONFINITE);
    CHECK(said("values too large") && lds == NULL);
    /* A channel that really is constant is still called constant. */
    for (size_t t = 0; t < T; t++) PO_MAT_AT(small, t, 1) = 0.1;
    for (size_t t = 0; t < T; t++) PO_MAT_AT(small, t, 0) = (double)(t % 7);
    CHECK_STATUS(po_fit_lds(small, NULL, &lo, &lds, NULL), PO_ESINGULAR);
    CHECK(said("channel 1") && said("constant"));
    po_mat_free(W);
    po_mat_free(small);
    po_mat_free(big);
}

static void test_cornn_subsample(void)
{
    size_t T = 400, d = 4;
    po_mat *Y = po_test_gaussian(T, d, 0.3, 4), *W = po_mat_alloc(d, d);
    po_cornn_opts o = po_cornn_opts_defaults();
    o.subsample = 100; /* transitions 0, 100, 200, 300: 4 < 2 d */
    CHECK_STATUS(po_fit_cornn(Y, NULL, &o, W, NULL, NULL), PO_ESHAPE);
    CHECK(said("subsample 100") && said("need at least 8"));
    o.subsample = 50; /* 8 transitions */
    o.iters = 2;
    CHECK_OK(po_fit_cornn(Y, NULL, &o, W, NULL, NULL));
    po_mat_free(W);
    po_mat_free(Y);
}

/* "needs <number> <unit>, <number> <unit> available (what)". */
static bool needs_format(const char *what)
{
    double n, a;
    char u1[8], u2[8];
    const char *m = po_errmsg();
    return sscanf(m, "needs %lf %7[A-Za-z], %lf %7[A-Za-z] available", &n, u1, &a, u2) == 4 &&
           n > 0.0 && a >= 0.0 && strstr(m, what) != NULL;
}

static void test_memory_check(void)
{
    CHECK_OK(po_mem_reserve_check(1024, "a little"));
    CHECK_STATUS(po_mem_reserve_check(SIZE_MAX / 2, "everything"), PO_ENOMEM);
    CHECK(needs_format("(everything)") && said("EiB"));
    CHECK(po_mem_doubles(1e30) == SIZE_MAX && po_mem_doubles(3.0) == 24);
    /* An array larger than the machine is refused before it is zero-filled. */
    po_mat *m = po_mat_alloc((size_t)1 << 40, 1024);
    CHECK(m == NULL && needs_format("array"));
    /* The task refuses its 1e9 x 500 activity at once. */
    po_task_opts to = po_task_opts_defaults();
    to.net = PO_TASK_LINE_ATTRACTOR;
    to.D = 500;
    to.T = 1000000000;
    po_task *task = NULL;
    CHECK_STATUS(po_task_make(&to, &task), PO_ENOMEM);
    CHECK(task == NULL && needs_format("task"));
}

int main(void)
{
    PO_RUN(test_teacher_overflow);
    PO_RUN(test_observe_and_simulate_overflow);
    PO_RUN(test_values_too_large_or_small);
    PO_RUN(test_cornn_subsample);
    PO_RUN(test_memory_check);
    return po_test_finish();
}
