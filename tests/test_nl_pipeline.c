/* Tests of the nonlinear teacher-student pipeline (src/experiments/
 * nl_record.c): the student replays the teacher's IC and the noise of its
 * first d neurons (SPEC.md §1.6), checked on teachers whose first d neurons
 * form a closed sub-network, so the student with the teacher's own block must
 * reproduce the recording exactly. */
#include <math.h>

#include "experiments/nl_pipeline.h"
#include "harness.h"

/* A D x D teacher whose first d neurons receive no input from the others:
 * W = [A 0; C B] with Gaussian blocks of standard deviation 1.5 / sqrt(D)
 * (tanh dynamics stay bounded and non-trivial). */
static po_mat *closed_teacher(size_t D, size_t d, uint64_t seed)
{
    po_mat *W = po_test_gaussian(D, D, 1.5 / sqrt((double)D), seed);
    for (size_t i = 0; i < d; i++)
        for (size_t j = d; j < D; j++) PO_MAT_AT(W, i, j) = 0.0;
    return W;
}

static void check_replay(po_leaky leaky)
{
    size_t D = 12, d = 5, T = 400;
    po_mat *W = closed_teacher(D, d, 11);
    po_nl_record *r = NULL;
    CHECK_OK(po_nl_record_run(W, leaky, T, 7, 1234, &r));
    CHECK(r && r->Y->rows == T && r->Y->cols == 7 && r->xi->rows == T - 1);
    po_mat A = po_mat_block(W, 0, 0, d, d);
    po_mat *Wd = po_mat_dup(&A);
    po_mat *X = NULL;
    CHECK_OK(po_nl_student_run(r, Wd, leaky, true, T, &X));
    po_mat Yd = po_mat_block(r->Y, 0, 0, T, d);
    /* same dynamics, IC and noise: equal up to the order of the sums in W x */
    CHECK_MAT_CLOSE(X, &Yd, 0.0, 1e-12);
    /* the activity is not trivially small: the check has teeth */
    CHECK(fabs(PO_MAT_AT(X, T - 1, 0)) + fabs(PO_MAT_AT(X, T - 1, 1)) > 1e-3);
    po_mat_free(X);
    po_mat_free(Wd);
    po_nl_record_free(r);
    po_mat_free(W);
}

static void test_replay_leaky_current(void) { check_replay(PO_LEAKY_CURRENT); }
static void test_replay_leaky_rate(void) { check_replay(PO_LEAKY_RATE); }

/* Without noise a zero network decays: x_t = (1 - alpha)^t x_0 from the
 * teacher's IC (FORCE and BPTT students, SPEC.md §1.6). */
static void test_noise_free_student(void)
{
    size_t D = 6, T = 50;
    po_mat *W = closed_teacher(D, 3, 5);
    po_nl_record *r = NULL;
    CHECK_OK(po_nl_record_run(W, PO_LEAKY_CURRENT, T, 2, 99, &r));
    po_mat *Z = po_mat_alloc(4, 4); /* 4 > dmax: allowed without noise */
    po_mat *X = NULL;
    CHECK_OK(po_nl_student_run(r, Z, PO_LEAKY_CURRENT, false, T, &X));
    for (size_t t = 0; t < T; t += 7)
        for (size_t i = 0; i < 4; i++)
            CHECK_CLOSE(PO_MAT_AT(X, t, i), pow(0.99, (double)t) * r->x0[i], 1e-12, 1e-14);
    po_mat_free(X);
    po_mat_free(Z);
    po_nl_record_free(r);
    po_mat_free(W);
}

static void test_errors(void)
{
    po_mat *W = closed_teacher(6, 3, 5);
    po_nl_record *r = NULL;
    CHECK_STATUS(po_nl_record_run(W, PO_LEAKY_CURRENT, 50, 7, 1, &r), PO_ESHAPE);
    CHECK(r == NULL);
    CHECK_STATUS(po_nl_record_run(W, PO_LEAKY_CURRENT, 1, 2, 1, &r), PO_ESHAPE);
    CHECK_OK(po_nl_record_run(W, PO_LEAKY_CURRENT, 50, 2, 1, &r));
    po_mat *S = po_mat_alloc(3, 3);
    po_mat *X = NULL;
    /* noise of 3 neurons was not recorded (dmax 2) */
    CHECK_STATUS(po_nl_student_run(r, S, PO_LEAKY_CURRENT, true, 50, &X), PO_ESHAPE);
    CHECK_STATUS(po_nl_student_run(r, S, PO_LEAKY_CURRENT, false, 51, &X), PO_ESHAPE);
    po_mat *Big = po_mat_alloc(7, 7); /* more units than the teacher's IC */
    CHECK_STATUS(po_nl_student_run(r, Big, PO_LEAKY_CURRENT, false, 50, &X), PO_ESHAPE);
    CHECK(X == NULL);
    po_mat_free(Big);
    po_mat_free(S);
    po_nl_record_free(r);
    po_mat_free(W);
}

int main(void)
{
    PO_RUN(test_replay_leaky_current);
    PO_RUN(test_replay_leaky_rate);
    PO_RUN(test_noise_free_student);
    PO_RUN(test_errors);
    return po_test_finish();
}
