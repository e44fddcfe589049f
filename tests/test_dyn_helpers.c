/* Tests for the figure helpers of dyn.h (SPEC.md §5): PCA, the linear flow
 * field and noise-free trajectories. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "linalg/linalg.h"

static void test_pca_numpy(void)
{
    po_mat *X = po_test_load("pca_X.npy"), *mean = po_test_load("pca_mean.npy");
    po_mat *comps = po_test_load("pca_comps.npy"), *var = po_test_load("pca_var.npy");
    po_pca *p = NULL;
    if (X && mean && comps && var) {
        CHECK_OK(po_pca_fit(X, 8, &p));
        if (p) {
            CHECK(p->n == 8 && p->k == 8);
            CHECK_ALLCLOSE(p->mean, mean->data, 8, 1e-13, 1e-13);
            CHECK_MAT_CLOSE(&p->comps, comps, 1e-10, 1e-10);
            CHECK_ALLCLOSE(p->var, var->data, 8, 1e-12, 0);
        }
        po_pca_free(p);
        /* Fewer components: the leading rows of the same answer. */
        CHECK_OK(po_pca_fit(X, 3, &p));
        if (p) {
            po_mat lead = po_mat_block(comps, 0, 0, 3, 8);
            CHECK_MAT_CLOSE(&p->comps, &lead, 1e-10, 1e-10);
            CHECK_ALLCLOSE(p->var, var->data, 3, 1e-12, 0);
        }
    }
    po_pca_free(p);
    po_mat_free(X);
    po_mat_free(mean);
    po_mat_free(comps);
    po_mat_free(var);
}

/* Identities on a short, wide array (T < n): orthonormal rows, variances
 * equal to the covariance's eigenvalues, sign convention, exact
 * reconstruction from all components, scores centred with those variances. */
static void test_pca_identities(void)
{
    const size_t T = 7, n = 12, k = 6; /* rank of the centred data is T - 1 = 6 */
    po_mat *X = po_test_gaussian(T, n, 2.0, 5);
    for (size_t t = 0; t < T; t++)
        for (size_t j = 0; j < n; j++) PO_MAT_AT(X, t, j) += 100.0 + (double)j;
    po_pca *p = NULL;
    CHECK_OK(po_pca_fit(X, k, &p));
    if (!p) {
        po_mat_free(X);
        return;
    }
    /* C C^T = I */
    po_mat *G = po_mat_alloc(k, k), *I = po_mat_alloc(k, k);
    po_la_gemm(false, true, 1.0, &p->comps, &p->comps, 0.0, G);
    po_mat_set_identity(I);
    CHECK_MAT_CLOSE(G, I, 0, 1e-13);
    /* Covariance eigenvalues (descending) equal the variances. */
    po_mat *Cov = po_mat_alloc(n, n);
    for (size_t a = 0; a < n; a++)
        for (size_t b = 0; b < n; b++) {
            double s = 0.0;
            for (size_t t = 0; t < T; t++)
                s += (PO_MAT_AT(X, t, a) - p->mean[a]) * (PO_MAT_AT(X, t, b) - p->mean[b]);
            PO_MAT_AT(Cov, a, b) = s / (double)(T - 1);
        }
    double w[12];
    CHECK_OK(po_la_eigh(Cov, w));
    for (size_t i = 0; i < k; i++) CHECK_CLOSE(p->var[i], w[n - 1 - i], 1e-9, 1e-12);
    for (size_t i = 0; i + 1 < k; i++) CHECK(p->var[i] >= p->var[i + 1]);
    /* Largest-magnitude entry of each direction is positive. */
    for (size_t i = 0; i < k; i++) {
        size_t arg = 0;
        for (size_t j = 1; j < n; j++)
            if (fabs(PO_MAT_AT(&p->comps, i, j)) > fabs(PO_MAT_AT(&p->comps, i, arg))) arg = j;
        CHECK(PO_MAT_AT(&p->comps, i, arg) > 0.0);
    }
    /* Scores: centred, with the variances; all components reconstruct X. */
    po_mat *Z = po_mat_alloc(T, k), *R = po_mat_alloc(T, n);
    CHECK_OK(po_pca_project(p, X, Z));
    for (size_t i = 0; i < k; i++) {
        double s = 0.0, s2 = 0.0;
        for (size_t t = 0; t < T; t++) {
            s += PO_MAT_AT(Z, t, i);
            s2 += PO_MAT_AT(Z, t, i) * PO_MAT_AT(Z, t, i);
        }
        CHECK_CLOSE(s, 0.0, 0, 1e-11);
        CHECK_CLOSE(s2 / (double)(T - 1), p->var[i], 1e-12, 1e-12);
    }
    po_la_gemm(false, false, 1.0, Z, &p->comps, 0.0, R);
    for (size_t t = 0; t < T; t++)
        for (size_t j = 0; j < n; j++) PO_MAT_AT(R, t, j) += p->mean[j];
    CHECK_MAT_CLOSE(R, X, 1e-13, 1e-11);
    po_mat_free(G);
    po_mat_free(I);
    po_mat_free(Cov);
    po_mat_free(Z);
    po_mat_free(R);
    po_mat_free(X);
    po_pca_free(p);
}

/* More rows than one projection block (256), so the blocked centring is covered. */
static void test_pca_project_blocks(void)
{
    const size_t T = 600, n = 5;
    po_mat *X = po_test_gaussian(T, n, 1.0, 9);
    po_pca *p = NULL;
    CHECK_OK(po_pca_fit(X, 2, &p));
    if (p) {
        po_mat *Z = po_mat_alloc(T, 2);
        CHECK_OK(po_pca_project(p, X, Z));
        for (size_t t = 0; t < T; t += 97)
            for (size_t i = 0; i < 2; i++) {
                double s = 0.0;
                for (size_t j = 0; j < n; j++)
                    s += (PO_MAT_AT(X, t, j) - p->mean[j]) * PO_MAT_AT(&p->comps, i, j);
                CHECK_CLOSE(PO_MAT_AT(Z, t, i), s, 1e-13, 1e-13);
            }
        po_mat *Zbad = po_mat_alloc(T, 3);
        CHECK_STATUS(po_pca_project(p, X, Zbad), PO_ESHAPE);
        po_mat_free(Zbad);
        po_mat_free(Z);
    }
    po_pca_free(p);
    po_mat_free(X);
}

static void test_pca_errors(void)
{
    po_pca *p = (po_pca *)1;
    po_mat *X = po_test_gaussian(5, 3, 1.0, 1);
    CHECK_STATUS(po_pca_fit(X, 0, &p), PO_ESHAPE);
    CHECK(p == NULL);
    CHECK_STATUS(po_pca_fit(X, 4, &p), PO_ESHAPE);
    po_mat one = po_mat_block(X, 0, 0, 1, 3);
    CHECK_STATUS(po_pca_fit(&one, 1, &p), PO_ESHAPE);
    PO_MAT_AT(X, 2, 1) = (double)NAN;
    CHECK_STATUS(po_pca_fit(X, 2, &p), PO_ENONFINITE);
    po_pca_free(NULL);
    po_mat_free(X);
}

/* u, v straight from the definition: x = mean + C^T z, F = (W - I) x, u = c0.F. */
static void flow_direct(const po_mat *W, const po_pca *p, const double *z, double *u, double *v)
{
    size_t n = p->n, k = p->k;
    double *x = calloc(n, sizeof *x), *F = calloc(n, sizeof *F);
    for (size_t j = 0; j < n; j++) {
        x[j] = p->mean[j];
        for (size_t l = 0; l < k; l++) x[j] += PO_MAT_AT(&p->comps, l, j) * z[l];
    }
    for (size_t i = 0; i < n; i++) {
        F[i] = -x[i];
        for (size_t j = 0; j < n; j++) F[i] += PO_MAT_AT(W, i, j) * x[j];
    }
    *u = *v = 0.0;
    for (size_t j = 0; j < n; j++) {
        *u += PO_MAT_AT(&p->comps, 0, j) * F[j];
        *v += PO_MAT_AT(&p->comps, 1, j) * F[j];
    }
    free(x);
    free(F);
}

static void test_flow_field(void)
{
    const size_t T = 50, n = 6, k = 4, nx = 5, ny = 3;
    po_mat *X = po_test_gaussian(T, n, 1.0, 3);
    for (size_t t = 0; t < T; t++) PO_MAT_AT(X, t, 2) += 3.0; /* a non-zero mean */
    po_mat *W = po_test_gaussian(n, n, 0.4, 4);
    po_pca *p = NULL;
    CHECK_OK(po_pca_fit(X, k, &p));
    if (!p) goto out;
    double xs[5] = {-2, -1, 0, 1, 2.5}, ys[3] = {-1, 0.5, 3}, zr[4] = {99, 99, 0.3, -0.7};
    double u[15], v[15];
    CHECK_OK(po_flow_field_linear(W, p, zr, xs, nx, ys, ny, u, v));
    for (size_t j = 0; j < ny; j++)
        for (size_t i = 0; i < nx; i++) {
            double z[4] = {xs[i], ys[j], zr[2], zr[3]}, uu, vv;
            flow_direct(W, p, z, &uu, &vv);
            CHECK_CLOSE(u[j * nx + i], uu, 1e-12, 1e-12);
            CHECK_CLOSE(v[j * nx + i], vv, 1e-12, 1e-12);
        }
    /* W = I: no flow. W = 0: F = -x, so u = -(c0.mean) - xs[i] (C C^T = I). */
    po_mat *I = po_mat_alloc(n, n), *Z0 = po_mat_alloc(n, n);
    po_mat_set_identity(I);
    CHECK_OK(po_flow_field_linear(I, p, zr, xs, nx, ys, ny, u, v));
    for (size_t q = 0; q < nx * ny; q++) {
        CHECK_CLOSE(u[q], 0.0, 0, 1e-13);
        CHECK_CLOSE(v[q], 0.0, 0, 1e-13);
    }
    CHECK_OK(po_flow_field_linear(Z0, p, NULL, xs, nx, ys, ny, u, v));
    double c0m = 0.0, c1m = 0.0;
    for (size_t j = 0; j < n; j++) {
        c0m += PO_MAT_AT(&p->comps, 0, j) * p->mean[j];
        c1m += PO_MAT_AT(&p->comps, 1, j) * p->mean[j];
    }
    for (size_t j = 0; j < ny; j++)
        for (size_t i = 0; i < nx; i++) {
            CHECK_CLOSE(u[j * nx + i], -c0m - xs[i], 1e-12, 1e-12);
            CHECK_CLOSE(v[j * nx + i], -c1m - ys[j], 1e-12, 1e-12);
        }
    /* Errors. */
    po_mat Wb = po_mat_block(W, 0, 0, 5, 5);
    CHECK_STATUS(po_flow_field_linear(&Wb, p, zr, xs, nx, ys, ny, u, v), PO_ESHAPE);
    CHECK_STATUS(po_flow_field_linear(W, p, zr, xs, 0, ys, ny, u, v), PO_ESHAPE);
    CHECK_STATUS(po_flow_field_linear(W, p, zr, NULL, nx, ys, ny, u, v), PO_EINVAL);
    zr[3] = (double)NAN;
    CHECK_STATUS(po_flow_field_linear(W, p, zr, xs, nx, ys, ny, u, v), PO_ENONFINITE);
    PO_MAT_AT(W, 1, 1) = (double)INFINITY;
    CHECK_STATUS(po_flow_field_linear(W, p, NULL, xs, nx, ys, ny, u, v), PO_ENONFINITE);
    po_pca_free(p);
    p = NULL;
    CHECK_OK(po_pca_fit(X, 1, &p));
    CHECK_STATUS(po_flow_field_linear(I, p, NULL, xs, nx, ys, ny, u, v), PO_ESHAPE);
    po_mat_free(I);
    po_mat_free(Z0);
out:
    po_pca_free(p);
    po_mat_free(X);
    po_mat_free(W);
}

/* Reference trajectories by plain loops: x <- x + alpha (W phi(x) - x) or
 * x + alpha (phi(W x) - x), initial states drawn as dyn.h documents. */
static void traj_reference(const po_mat *W, const po_traj_opts *o, po_mat *R)
{
    size_t n = W->rows, rows = po_traj_rows(o);
    double *x = malloc(n * sizeof *x), *y = malloc(n * sizeof *y), *f = malloc(n * sizeof *f);
    po_rng rng;
    po_rng_init(&rng, o->seed, PO_STREAM_ANALYSIS);
    for (size_t r = 0; r < o->n_traj; r++) {
        for (size_t j = 0; j < n; j++) x[j] = o->radius * po_rng_normal(&rng);
        for (size_t t = 0; t < o->keep_every * (rows - 1) + 1; t++) {
            if (t % o->keep_every == 0)
                memcpy(R->data + (r * rows + t / o->keep_every) * R->ld, x, n * sizeof *x);
            bool cur = o->leaky == PO_LEAKY_CURRENT, th = o->phi == PO_PHI_TANH;
            for (size_t j = 0; j < n; j++) f[j] = cur && th ? tanh(x[j]) : x[j];
            for (size_t i = 0; i < n; i++) {
                double s = 0.0;
                for (size_t j = 0; j < n; j++) s += PO_MAT_AT(W, i, j) * f[j];
                y[i] = !cur && th ? tanh(s) : s;
            }
            for (size_t i = 0; i < n; i++) x[i] += o->alpha * (y[i] - x[i]);
        }
    }
    free(x);
    free(y);
    free(f);
}

static void test_trajectories(void)
{
    const size_t n = 7;
    po_mat *W = po_test_gaussian(n, n, 1.5 / sqrt((double)n), 11);
    po_traj_opts o = po_traj_opts_defaults();
    CHECK(o.n_traj == 15 && o.steps == 5000 && o.keep_every == 4 && o.radius == 0.5 &&
          o.alpha == 0.01 && o.phi == PO_PHI_LINEAR && o.leaky == PO_LEAKY_CURRENT);
    CHECK(po_traj_opts_check(&o) == NULL);
    CHECK(po_traj_rows(&o) == 1250);
    o.n_traj = 3;
    o.steps = 203; /* states 0, 4, ..., 200: 51 rows */
    o.alpha = 0.05;
    o.seed = 77;
    CHECK(po_traj_rows(&o) == 51);
    po_phi phis[2] = {PO_PHI_LINEAR, PO_PHI_TANH};
    po_leaky leaks[2] = {PO_LEAKY_CURRENT, PO_LEAKY_RATE};
    for (size_t a = 0; a < 2; a++)
        for (size_t b = 0; b < 2; b++) {
            o.phi = phis[a];
            o.leaky = leaks[b];
            po_mat *X = po_mat_alloc(3 * 51, n), *R = po_mat_alloc(3 * 51, n);
            CHECK_OK(po_noise_free_trajectories(W, &o, X));
            traj_reference(W, &o, R);
            /* Summation order and SLEEF's tanh (1 ulp) differ from the loops. */
            CHECK_MAT_CLOSE(X, R, 1e-11, 1e-13);
            po_mat_free(X);
            po_mat_free(R);
        }
    po_mat_free(W);
}

/* Linear: state t of a trajectory is (I + alpha (W - I))^t x0. The diagonal W
 * makes the power a scalar per neuron: x_t[i] = (1 + alpha (w_i - 1))^t x0[i]. */
static void test_trajectories_matrix_power(void)
{
    const size_t n = 4;
    po_mat *W = po_mat_alloc(n, n);
    double wd[4] = {0.5, 0.9, 1.0, -0.3};
    for (size_t i = 0; i < n; i++) PO_MAT_AT(W, i, i) = wd[i];
    po_traj_opts o = po_traj_opts_defaults();
    o.n_traj = 2;
    o.steps = 1000;
    o.keep_every = 10;
    size_t rows = po_traj_rows(&o);
    po_mat *X = po_mat_alloc(2 * rows, n);
    CHECK_OK(po_noise_free_trajectories(W, &o, X));
    for (size_t r = 0; r < 2; r++)
        for (size_t q = 0; q < rows; q++)
            for (size_t i = 0; i < n; i++) {
                double x0 = PO_MAT_AT(X, r * rows, i);
                double want = pow(1.0 + o.alpha * (wd[i] - 1.0), (double)(q * 10)) * x0;
                CHECK_CLOSE(PO_MAT_AT(X, r * rows + q, i), want, 1e-12, 1e-15);
            }
    /* Initial states: N(0, radius^2) from the analysis stream, in order. */
    po_rng rng;
    po_rng_init(&rng, o.seed, PO_STREAM_ANALYSIS);
    for (size_t r = 0; r < 2; r++)
        for (size_t i = 0; i < n; i++)
            CHECK(PO_MAT_AT(X, r * rows, i) == 0.5 * po_rng_normal(&rng));
    po_mat_free(X);
    po_mat_free(W);
}

static void test_trajectories_errors(void)
{
    po_mat *W = po_test_gaussian(3, 3, 1.0, 2);
    po_traj_opts o = po_traj_opts_defaults();
    o.n_traj = 2;
    o.steps = 8;
    o.keep_every = 3; /* 3 rows */
    po_mat *X = po_mat_alloc(6, 3);
    po_traj_opts bad = o;
    bad.n_traj = 0;
    CHECK(po_traj_opts_check(&bad) != NULL);
    CHECK_STATUS(po_noise_free_trajectories(W, &bad, X), PO_EINVAL);
    bad = o;
    bad.steps = 0;
    CHECK(po_traj_opts_check(&bad) != NULL);
    bad = o;
    bad.keep_every = 0;
    CHECK(po_traj_opts_check(&bad) != NULL);
    CHECK(po_traj_rows(&bad) == 0);
    bad = o;
    bad.radius = -1.0;
    CHECK(po_traj_opts_check(&bad) != NULL);
    bad = o;
    bad.alpha = (double)NAN;
    CHECK(po_traj_opts_check(&bad) != NULL);
    bad = o;
    bad.phi = (po_phi)7;
    CHECK(po_traj_opts_check(&bad) != NULL);
    bad = o;
    bad.leaky = (po_leaky)7;
    CHECK(po_traj_opts_check(&bad) != NULL);
    po_mat *Xb = po_mat_alloc(5, 3);
    CHECK_STATUS(po_noise_free_trajectories(W, &o, Xb), PO_ESHAPE);
    po_mat Wr = po_mat_block(W, 0, 0, 3, 2);
    CHECK_STATUS(po_noise_free_trajectories(&Wr, &o, X), PO_ESHAPE);
    PO_MAT_AT(W, 0, 0) = (double)NAN;
    CHECK_STATUS(po_noise_free_trajectories(W, &o, X), PO_ENONFINITE);
    /* Explosive linear dynamics overflow: a clear error, not Inf in X. */
    po_mat_set_identity(W);
    PO_MAT_AT(W, 0, 0) = 1e6;
    o.alpha = 0.5;
    o.steps = 1000;
    o.keep_every = 1;
    po_mat *Xl = po_mat_alloc(2 * 1000, 3);
    CHECK_STATUS(po_noise_free_trajectories(W, &o, Xl), PO_ENONFINITE);
    CHECK(strstr(po_errmsg(), "trajectory 0") != NULL);
    po_mat_free(Xl);
    po_mat_free(Xb);
    po_mat_free(X);
    po_mat_free(W);
}

int main(void)
{
    PO_RUN(test_pca_numpy);
    PO_RUN(test_pca_identities);
    PO_RUN(test_pca_project_blocks);
    PO_RUN(test_pca_errors);
    PO_RUN(test_flow_field);
    PO_RUN(test_trajectories);
    PO_RUN(test_trajectories_matrix_power);
    PO_RUN(test_trajectories_errors);
    return po_test_finish();
}
