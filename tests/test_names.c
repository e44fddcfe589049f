/* The enum name tables generated from the X-macro lists of the public
 * headers, the one "name -> enum" lookup behind every po_*_from_name (issue
 * 10 item 13) and po_spectrum_new. */
#include <math.h>
#include <string.h>

#include "harness.h"

/* Every entry of a list: the enumerators are 0, 1, 2, ... in list order and
 * name(enumerator) is the list's string. */
#define ENTRY_NAME_(id, str)                                                   \
    {                                                                          \
        CHECK((int)(id) == count++);                                           \
        CHECK(strcmp(name_fn(id), str) == 0);                                  \
    }
/* ... and from_name(string) gives the enumerator back. */
#define ENTRY_BOTH_(id, str)                                                   \
    ENTRY_NAME_(id, str)                                                       \
    {                                                                          \
        memset(&v, 0xff, sizeof v); /* no enumerator: from_fn must write */  \
        CHECK_OK(from_fn(str, &v));                                            \
        CHECK(v == (id));                                                      \
    }

/* A name-only table: the list, then "unknown" past its end and below 0. */
#define CHECK_NAME_OF(type, LIST, n)                                           \
    do {                                                                       \
        const char *(*name_fn)(type) = type##_name;                            \
        int count = 0;                                                         \
        LIST(ENTRY_NAME_)                                                      \
        CHECK(count == (n));                                                   \
        CHECK(strcmp(name_fn((type)count), "unknown") == 0);                   \
        CHECK(strcmp(name_fn((type)-1), "unknown") == 0);                      \
    } while (0)

/* A two-way table: as above, plus the one rejection message
 * "unknown <what> '<name>' (valid: ...)" for an unknown and a NULL name,
 * leaving the output untouched. */
#define CHECK_NAMES(type, LIST, n, what, valid)                                \
    do {                                                                       \
        CHECK_NAME_OF(type, LIST, n);                                          \
        const char *(*name_fn)(type) = type##_name;                            \
        po_status (*from_fn)(const char *, type *) = type##_from_name;         \
        type v;                                                                \
        int count = 0;                                                         \
        LIST(ENTRY_BOTH_)                                                      \
        v = (type)0;                                                           \
        CHECK_STATUS(from_fn("bogus", &v), PO_EINVAL);                         \
        CHECK(strcmp(po_errmsg(), "unknown " what " 'bogus' (valid: " valid ")") == 0); \
        CHECK_STATUS(from_fn(NULL, &v), PO_EINVAL);                            \
        CHECK(strcmp(po_errmsg(), "unknown " what " '(null)' (valid: " valid ")") == 0); \
        CHECK_STATUS(from_fn("tanh ", &v), PO_EINVAL); /* exact match only */  \
        CHECK(v == (type)0);                                                   \
        CHECK_STATUS(from_fn("x", NULL), PO_EINVAL);                           \
    } while (0)

static void test_two_way_tables(void)
{
    CHECK_NAMES(po_net, PO_NET_LIST, 9, "generator",
                "gaussian, symmetric, line-attractor, triangular, chain, lowrank, lowrank-osc, "
                "lowrank-normal, lowrank-random");
    CHECK(PO_NET_COUNT_ == 9);
    CHECK_NAMES(po_phi, PO_PHI_LIST, 2, "activation", "linear, tanh");
    CHECK_NAMES(po_leaky, PO_LEAKY_LIST, 2, "leaky form", "current, rate");
    CHECK_NAMES(po_task_net, PO_TASK_NET_LIST, 2, "task network", "line-attractor, feedforward");
    CHECK_NAMES(po_cornn_solver, PO_CORNN_SOLVER_LIST, 3, "CORNN solver",
                "weighted, standard, robust");
    CHECK_NAMES(po_optimizer, PO_OPTIMIZER_LIST, 2, "optimizer", "sgd, adam");
    CHECK_NAMES(po_lds_procedure, PO_LDS_PROCEDURE_LIST, 2, "LDS procedure", "exact, paper");
    CHECK_NAMES(po_lds_emissions, PO_LDS_EMISSIONS_LIST, 2, "LDS emissions", "free, orthonormal");
    CHECK_NAMES(po_lds_init, PO_LDS_INIT_LIST, 2, "LDS init", "pca, random");
}

static void test_name_only_tables(void)
{
    CHECK_NAME_OF(po_fp_kind, PO_FP_KIND_LIST, 4);
    CHECK_NAME_OF(po_limit_kind, PO_LIMIT_KIND_LIST, 4);
    CHECK_NAME_OF(po_cov_method, PO_COV_METHOD_LIST, 3);
    /* The names written into reports (docs/formats.md). */
    CHECK(strcmp(po_fp_kind_name(PO_FP_SLOW), "slow") == 0);
    CHECK(strcmp(po_limit_kind_name(PO_LIMIT_CYCLE), "limit_cycle") == 0);
    CHECK(strcmp(po_cov_method_name(PO_COV_CHAIN), "chain") == 0);
}

static void test_spectrum_new(void)
{
    /* Upper triangular: eigenvalues are the diagonal, sorted descending. */
    po_mat *W = po_mat_alloc(3, 3);
    const double w[9] = {0.2, 1.0, 0.0, 0.0, 0.9, -2.0, 0.0, 0.0, -0.5};
    for (size_t i = 0; i < 3; i++)
        for (size_t j = 0; j < 3; j++) PO_MAT_AT(W, i, j) = w[3 * i + j];
    po_spectrum *s = NULL, *ref = po_spectrum_alloc(3);
    CHECK_OK(po_spectrum_new(W, &s));
    CHECK_OK(po_spectrum_compute(W, ref));
    if (s) {
        CHECK(s->n == 3);
        const double re[3] = {0.9, 0.2, -0.5}, im[3] = {0, 0, 0};
        CHECK_ALLCLOSE(s->re, re, 3, 1e-12, 1e-12);
        CHECK_ALLCLOSE(s->im, im, 3, 0, 1e-12);
        /* The same numbers as alloc + compute, bit for bit. */
        CHECK(memcmp(s->re, ref->re, sizeof re) == 0 && memcmp(s->sv, ref->sv, sizeof re) == 0);
        CHECK(s->las == ref->las && s->henrici == ref->henrici && s->max_re == ref->max_re);
    }
    po_spectrum_free(s);
    po_spectrum_free(ref);

    /* Failures leave NULL and the reason. */
    po_mat *R = po_mat_alloc(2, 3);
    s = (po_spectrum *)1;
    CHECK_STATUS(po_spectrum_new(R, &s), PO_ESHAPE);
    CHECK(s == NULL);
    CHECK(strstr(po_errmsg(), "square") != NULL);
    PO_MAT_AT(W, 1, 1) = (double)NAN;
    s = (po_spectrum *)1;
    CHECK_STATUS(po_spectrum_new(W, &s), PO_ENONFINITE);
    CHECK(s == NULL);
    po_mat_free(R);
    po_mat_free(W);
}

int main(void)
{
    PO_RUN(test_two_way_tables);
    PO_RUN(test_name_only_tables);
    PO_RUN(test_spectrum_new);
    return po_test_finish();
}
