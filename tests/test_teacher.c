/* Teacher generators and post-transforms (SPEC.md §2): closed-form
 * invariants, replayed random draws, statistics with 5-sigma tolerances,
 * determinism, and every invalid option. */
#include <complex.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "linalg/linalg.h"

#define SEED 1234

static po_teacher *gen(const po_teacher_opts *o, uint64_t seed)
{
    po_rng rng;
    po_rng_init(&rng, seed, PO_STREAM_CONNECTIVITY);
    po_teacher *t = NULL;
    CHECK_OK(po_teacher_generate(o, &rng, &t));
    return t;
}

static po_mat *product(const po_mat *a, bool ta, const po_mat *b, bool tb)
{
    po_mat *c = po_mat_alloc(ta ? a->cols : a->rows, tb ? b->rows : b->cols);
    po_la_gemm(ta, tb, 1.0, a, b, 0.0, c);
    return c;
}

/* Largest |a - c I| over the entries (c = 0: largest |a_ij|). */
static double dist_to_scaled_identity(const po_mat *a, double c)
{
    double worst = 0.0;
    for (size_t i = 0; i < a->rows; i++)
        for (size_t j = 0; j < a->cols; j++)
            worst = fmax(worst, fabs(PO_MAT_AT(a, i, j) - (i == j ? c : 0.0)));
    return worst;
}

static bool all_zero(const po_mat *a)
{
    for (size_t i = 0; i < a->rows; i++)
        for (size_t j = 0; j < a->cols; j++)
            if (PO_MAT_AT(a, i, j) != 0.0) return false;
    return true;
}

/* Eigenvalues of a square matrix into freshly allocated re/im arrays. */
static void eigenvalues(const po_mat *a, double **re, double **im)
{
    *re = malloc(a->rows * sizeof **re);
    *im = malloc(a->rows * sizeof **im);
    CHECK_OK(po_la_eig(a, *re, *im, NULL));
}

/* Largest distance from an eigenvalue of a to the nearest eigenvalue of b:
 * a spectrum comparison that does not depend on sorting ties. */
static double spectrum_distance(const po_mat *a, const po_mat *b)
{
    double *ar, *ai, *br, *bi, worst = 0.0;
    eigenvalues(a, &ar, &ai);
    eigenvalues(b, &br, &bi);
    for (size_t i = 0; i < a->rows; i++) {
        double best = HUGE_VAL;
        for (size_t j = 0; j < b->rows; j++) best = fmin(best, hypot(ar[i] - br[j], ai[i] - bi[j]));
        worst = fmax(worst, best);
    }
    free(ar);
    free(ai);
    free(br);
    free(bi);
    return worst;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* ---------------------------------------------------------------- names */

static void test_names_roundtrip(void)
{
    const char *names[] = {"gaussian", "symmetric", "line-attractor", "triangular", "chain",
                           "lowrank", "lowrank-osc", "lowrank-normal", "lowrank-random"};
    CHECK(sizeof names / sizeof names[0] == PO_NET_COUNT_);
    for (int k = 0; k < PO_NET_COUNT_; k++) {
        po_net net = PO_NET_COUNT_;
        CHECK_OK(po_net_from_name(names[k], &net));
        CHECK(net == (po_net)k);
        CHECK(strcmp(po_net_name((po_net)k), names[k]) == 0);
    }
    po_net net;
    CHECK_STATUS(po_net_from_name("delay", &net), PO_EINVAL);
    CHECK(strstr(po_errmsg(), "'delay'") && strstr(po_errmsg(), "lowrank-random") &&
          strstr(po_errmsg(), "line-attractor"));
    CHECK_STATUS(po_net_from_name(NULL, &net), PO_EINVAL);
    CHECK_STATUS(po_net_from_name("chain", NULL), PO_EINVAL);
    CHECK(strcmp(po_net_name(PO_NET_COUNT_), "unknown") == 0);
}

static void test_defaults(void)
{
    po_teacher_opts o = po_teacher_opts_defaults(PO_NET_GAUSSIAN, 500);
    CHECK(o.net == PO_NET_GAUSSIAN && o.D == 500 && o.scale == 0.8 && o.self_loops &&
          o.transforms == 0);
    CHECK(po_teacher_opts_defaults(PO_NET_SYMMETRIC, 10).scale == 0.6);
    CHECK(po_teacher_opts_defaults(PO_NET_LINE_ATTRACTOR, 10).scale == 0.6);
    o = po_teacher_opts_defaults(PO_NET_TRIANGULAR, 10);
    CHECK(o.scale == 3.0 && o.diagonal_comp == 0.0 && !o.use_schur);
    o = po_teacher_opts_defaults(PO_NET_CHAIN, 10);
    CHECK(o.scale == 1.0 && o.diagonal_comp == 0.0 && o.skip_interval == 0 && o.skip_scale == 0.5);
    o = po_teacher_opts_defaults(PO_NET_LOWRANK, 10);
    CHECK(o.rank == 2 && o.scale == 1.0);
    CHECK(po_teacher_opts_defaults(PO_NET_LOWRANK_OSC, 10).shift_scale == 12.0);
    o = po_teacher_opts_defaults(PO_NET_LOWRANK_NORMAL, 10);
    CHECK(o.rank == 2 && o.max_eval == 0.999 && o.min_eval == 0.2 && !o.diagonal);
    o = po_teacher_opts_defaults(PO_NET_LOWRANK_RANDOM, 10);
    CHECK(o.rank == 2 && o.scale == 1.0);
    for (int k = 0; k < PO_NET_COUNT_; k++) {
        po_teacher_opts d = po_teacher_opts_defaults((po_net)k, 50);
        CHECK(po_teacher_opts_check(&d) == NULL);
    }
}

/* Each invalid option is rejected by the check and by po_teacher_generate. */
static void expect_invalid(po_teacher_opts o, const char *word)
{
    const char *why = po_teacher_opts_check(&o);
    CHECK(why != NULL && strstr(why, word) != NULL);
    po_rng rng;
    po_rng_init(&rng, 1, PO_STREAM_CONNECTIVITY);
    po_teacher *t = (po_teacher *)&rng; /* must be reset to NULL */
    CHECK_STATUS(po_teacher_generate(&o, &rng, &t), PO_EINVAL);
    CHECK(t == NULL && strstr(po_errmsg(), word) != NULL);
}

static void test_opts_check_rejects(void)
{
    po_teacher_opts o;
    o = po_teacher_opts_defaults(PO_NET_GAUSSIAN, 0);
    expect_invalid(o, "D must be");
    o = po_teacher_opts_defaults(PO_NET_GAUSSIAN, 10);
    o.net = PO_NET_COUNT_;
    expect_invalid(o, "unknown generator");
    const double bad[] = {(double)NAN, HUGE_VAL};
    for (int b = 0; b < 2; b++) {
        double *fields[6];
        for (int f = 0; f < 6; f++) {
            o = po_teacher_opts_defaults(PO_NET_CHAIN, 10);
            fields[0] = &o.scale;
            fields[1] = &o.diagonal_comp;
            fields[2] = &o.skip_scale;
            fields[3] = &o.shift_scale;
            fields[4] = &o.max_eval;
            fields[5] = &o.min_eval;
            *fields[f] = bad[b];
            expect_invalid(o, "finite");
        }
    }
    o = po_teacher_opts_defaults(PO_NET_GAUSSIAN, 10);
    o.transforms = 1u << 5;
    expect_invalid(o, "transform");
    const po_net std_nets[] = {PO_NET_GAUSSIAN, PO_NET_SYMMETRIC, PO_NET_LINE_ATTRACTOR,
                               PO_NET_TRIANGULAR, PO_NET_LOWRANK};
    for (size_t k = 0; k < sizeof std_nets / sizeof std_nets[0]; k++) {
        o = po_teacher_opts_defaults(std_nets[k], 10);
        o.scale = -0.1;
        expect_invalid(o, "scale must be >= 0");
    }
    o = po_teacher_opts_defaults(PO_NET_CHAIN, 10);
    o.skip_interval = 9; /* 1 + 9 = D: no skip column would exist */
    expect_invalid(o, "skip_interval");
    o.skip_interval = 8;
    CHECK(po_teacher_opts_check(&o) == NULL);
    o = po_teacher_opts_defaults(PO_NET_CHAIN, 2);
    o.skip_interval = 1;
    expect_invalid(o, "skip_interval");
    o = po_teacher_opts_defaults(PO_NET_LOWRANK, 10);
    o.rank = 0;
    expect_invalid(o, "rank");
    o.rank = 6;
    expect_invalid(o, "D/2");
    o.rank = 5;
    CHECK(po_teacher_opts_check(&o) == NULL);
    o = po_teacher_opts_defaults(PO_NET_LOWRANK_OSC, 10);
    o.rank = 3;
    expect_invalid(o, "rank must be 2");
    o = po_teacher_opts_defaults(PO_NET_LOWRANK_OSC, 1);
    expect_invalid(o, "at least 2");
    o = po_teacher_opts_defaults(PO_NET_LOWRANK_OSC, 10);
    o.shift_scale = -1.0;
    expect_invalid(o, "shift_scale");
    const po_net rank_nets[] = {PO_NET_LOWRANK_NORMAL, PO_NET_LOWRANK_RANDOM};
    for (size_t k = 0; k < 2; k++) {
        o = po_teacher_opts_defaults(rank_nets[k], 10);
        o.rank = 0;
        expect_invalid(o, "rank");
        o.rank = 11;
        expect_invalid(o, "rank");
        o.rank = 10;
        CHECK(po_teacher_opts_check(&o) == NULL);
    }
    CHECK(po_teacher_opts_check(NULL) != NULL);
    po_rng rng;
    po_rng_init(&rng, 1, PO_STREAM_CONNECTIVITY);
    po_teacher *t = NULL;
    o = po_teacher_opts_defaults(PO_NET_GAUSSIAN, 4);
    CHECK_STATUS(po_teacher_generate(NULL, &rng, &t), PO_EINVAL);
    CHECK_STATUS(po_teacher_generate(&o, NULL, &t), PO_EINVAL);
    CHECK_STATUS(po_teacher_generate(&o, &rng, NULL), PO_EINVAL);
    po_teacher_free(NULL);
}

/* ---------------------------------------------------------------- dense */

static void test_gaussian_draws_and_stats(void)
{
    size_t D = 200;
    po_teacher_opts o = po_teacher_opts_defaults(PO_NET_GAUSSIAN, D);
    po_teacher *t = gen(&o, SEED);
    double sd = 0.8 / sqrt((double)D);
    /* Replay: D*D normals row by row times scale/sqrt(D). */
    po_rng rng;
    po_rng_init(&rng, SEED, PO_STREAM_CONNECTIVITY);
    bool same = true;
    double sum = 0.0, sum2 = 0.0, n = (double)(D * D);
    for (size_t i = 0; i < D; i++)
        for (size_t j = 0; j < D; j++) {
            double w = PO_MAT_AT(t->W, i, j);
            same &= w == sd * po_rng_normal(&rng);
            sum += w;
            sum2 += w * w;
        }
    CHECK(same);
    CHECK(t->U == NULL && t->M == NULL && t->N == NULL);
    double mean = sum / n, var = sum2 / n - mean * mean;
    CHECK(fabs(mean) < 5.0 * sd / sqrt(n));
    CHECK(fabs(var - sd * sd) < 5.0 * sd * sd * sqrt(2.0 / n));
    po_teacher_free(t);

    o.self_loops = false;
    t = gen(&o, SEED);
    bool diag_zero = true;
    for (size_t i = 0; i < D; i++) diag_zero &= PO_MAT_AT(t->W, i, i) == 0.0;
    CHECK(diag_zero && PO_MAT_AT(t->W, 0, 1) != 0.0);
    po_teacher_free(t);
}

static void test_symmetric(void)
{
    size_t D = 200;
    po_teacher_opts o = po_teacher_opts_defaults(PO_NET_SYMMETRIC, D);
    po_teacher *t = gen(&o, SEED);
    po_mat *w = t->W;
    bool sym = true;
    double sum2 = 0.0, n = (double)(D * (D - 1) / 2);
    for (size_t i = 0; i < D; i++)
        for (size_t j = i + 1; j < D; j++) {
            sym &= PO_MAT_AT(w, i, j) == PO_MAT_AT(w, j, i);
            sum2 += PO_MAT_AT(w, i, j) * PO_MAT_AT(w, i, j);
        }
    CHECK(sym);
    /* Off-diagonal (Q_ij + Q_ji)/2 has variance scale^2 / (2 D). */
    double want = 0.36 / (2.0 * (double)D);
    CHECK(fabs(sum2 / n - want) < 5.0 * want * sqrt(2.0 / n));
    po_teacher_free(t);
}

static void test_line_attractor(void)
{
    size_t D = 80;
    po_teacher_opts o = po_teacher_opts_defaults(PO_NET_LINE_ATTRACTOR, D);
    po_teacher *t = gen(&o, SEED);
    po_mat *w = t->W;
    bool sym = true;
    for (size_t i = 0; i < D; i++)
        for (size_t j = 0; j < i; j++) sym &= PO_MAT_AT(w, i, j) == PO_MAT_AT(w, j, i);
    CHECK(sym);
    po_mat *v = po_mat_dup(w);
    double *e = malloc(D * sizeof *e), *want = malloc(D * sizeof *want);
    CHECK_OK(po_la_eigh(v, e));
    want[0] = 0.999;
    for (size_t k = 1; k < D; k++) want[k] = 0.4 - 0.8 * (double)k / (double)(D - 1);
    qsort(want, D, sizeof *want, cmp_double);
    CHECK_ALLCLOSE(e, want, D, 0, 1e-13);
    /* W is a spectral function of the symmetric draw Q: they commute. */
    po_teacher_opts qo = po_teacher_opts_defaults(PO_NET_SYMMETRIC, D);
    po_teacher *q = gen(&qo, SEED);
    po_mat *wq = product(w, false, q->W, false), *qw = product(q->W, false, w, false);
    CHECK(po_mat_max_abs_diff(wq, qw) < 1e-12);
    po_mat_free(wq);
    po_mat_free(qw);
    po_teacher_free(q);
    /* D = 1 is the single eigenvalue 0.999. */
    po_teacher_opts o1 = po_teacher_opts_defaults(PO_NET_LINE_ATTRACTOR, 1);
    po_teacher *t1 = gen(&o1, SEED);
    CHECK_CLOSE(PO_MAT_AT(t1->W, 0, 0), 0.999, 1e-15, 0);
    po_teacher_free(t1);
    free(want);
    free(e);
    po_mat_free(v);
    po_teacher_free(t);
}

static void test_triangular_plain(void)
{
    size_t D = 50;
    po_teacher_opts o = po_teacher_opts_defaults(PO_NET_TRIANGULAR, D);
    o.diagonal_comp = 0.3;
    po_teacher *t = gen(&o, SEED);
    po_rng rng;
    po_rng_init(&rng, SEED, PO_STREAM_CONNECTIVITY);
    double sd = 3.0 / sqrt((double)D);
    bool ok = true;
    for (size_t i = 0; i < D; i++)
        for (size_t j = 0; j < D; j++) {
            double q = sd * po_rng_normal(&rng), w = PO_MAT_AT(t->W, i, j);
            ok &= j > i ? w == q : (j == i ? w == 0.3 : w == 0.0);
        }
    CHECK(ok);
    po_teacher_free(t);
}

/* re + i im without CMPLX (missing with clang + glibc) or the float-typed I;
 * C11 6.2.5p13: a complex has the representation of double[2]. */
static double complex make_complex(double re, double im)
{
    double complex z;
    double parts[2] = {re, im};
    memcpy(&z, parts, sizeof z);
    return z;
}

/* Reference formula of SPEC.md §2 computed naively in complex arithmetic:
 * T = Z^* Q Z, diag(T) <- diag(T)/max|diag(T)| * c, W = Re(Z T Z^*). */
static void schur_reference(const po_mat *q, double c, po_mat *w)
{
    size_t D = q->rows;
    po_mat *zr = po_mat_alloc(D, D), *zi = po_mat_alloc(D, D);
    double *tr = malloc(D * sizeof *tr), *ti = malloc(D * sizeof *ti);
    CHECK_OK(po_la_schur_complex(q, zr, zi, tr, ti));
    double complex *z = malloc(D * D * sizeof *z), *tm = malloc(D * D * sizeof *tm),
                   *qz = malloc(D * D * sizeof *qz);
    for (size_t i = 0; i < D; i++)
        for (size_t j = 0; j < D; j++) z[i * D + j] = make_complex(PO_MAT_AT(zr, i, j), PO_MAT_AT(zi, i, j));
    for (size_t i = 0; i < D; i++)
        for (size_t j = 0; j < D; j++) {
            double complex s = 0;
            for (size_t k = 0; k < D; k++) s += PO_MAT_AT(q, i, k) * z[k * D + j];
            qz[i * D + j] = s;
        }
    double tmax = 0.0, lower = 0.0, unitary = 0.0;
    for (size_t i = 0; i < D; i++)
        for (size_t j = 0; j < D; j++) {
            double complex s = 0, g = 0;
            for (size_t k = 0; k < D; k++) {
                s += conj(z[k * D + i]) * qz[k * D + j];
                g += conj(z[k * D + i]) * z[k * D + j];
            }
            tm[i * D + j] = s;
            if (i > j) lower = fmax(lower, cabs(s));
            unitary = fmax(unitary, cabs(g - (i == j ? 1.0 : 0.0)));
        }
    /* The wrapper returns a unitary Z, an upper triangular Z^* Q Z and its diagonal. */
    CHECK(lower < 1e-12 && unitary < 1e-12);
    for (size_t k = 0; k < D; k++) {
        CHECK_CLOSE(creal(tm[k * D + k]), tr[k], 0, 1e-12);
        CHECK_CLOSE(cimag(tm[k * D + k]), ti[k], 0, 1e-12);
        tmax = fmax(tmax, cabs(tm[k * D + k]));
    }
    for (size_t k = 0; k < D; k++) tm[k * D + k] *= c / tmax;
    for (size_t i = 0; i < D; i++)
        for (size_t j = 0; j < D; j++) {
            double complex s = 0;
            for (size_t k = 0; k < D; k++)
                for (size_t l = k; l < D; l++) s += z[i * D + k] * tm[k * D + l] * conj(z[j * D + l]);
            PO_MAT_AT(w, i, j) = creal(s);
        }
    free(qz);
    free(tm);
    free(z);
    free(ti);
    free(tr);
    po_mat_free(zi);
    po_mat_free(zr);
}

static void test_triangular_schur(void)
{
    size_t D = 30;
    po_teacher_opts qo = po_teacher_opts_defaults(PO_NET_GAUSSIAN, D);
    qo.scale = 2.8;
    po_teacher *q = gen(&qo, SEED); /* the same Q draw as triangular */
    po_mat *ref = po_mat_alloc(D, D);
    const double comps[] = {0.0, 0.7};
    for (int c = 0; c < 2; c++) {
        po_teacher_opts o = po_teacher_opts_defaults(PO_NET_TRIANGULAR, D);
        o.scale = 2.8;
        o.use_schur = true;
        o.diagonal_comp = comps[c];
        po_teacher *t = gen(&o, SEED);
        schur_reference(q->W, comps[c], ref);
        CHECK_MAT_CLOSE(t->W, ref, 0, 1e-12);
        CHECK(po_mat_check_finite(t->W, "W") == PO_OK);
        double *re, *im, rho = 0.0, trace = 0.0;
        eigenvalues(t->W, &re, &im);
        for (size_t k = 0; k < D; k++) {
            rho = fmax(rho, hypot(re[k], im[k]));
            trace += PO_MAT_AT(t->W, k, k);
        }
        /* Taking the real part breaks nilpotency: the spectral radius is O(0.1). */
        CHECK(rho > 1e-2);
        if (comps[c] == 0.0) CHECK_CLOSE(trace, 0.0, 0, 1e-12);
        free(re);
        free(im);
        po_teacher_free(t);
    }
    po_mat_free(ref);
    po_teacher_free(q);
}

static void check_chain(size_t D, double scale, size_t skip, double beta)
{
    po_teacher_opts o = po_teacher_opts_defaults(PO_NET_CHAIN, D);
    o.scale = scale;
    o.skip_interval = skip;
    o.skip_scale = beta;
    po_teacher *t = gen(&o, SEED);
    bool ok = true;
    for (size_t i = 0; i < D; i++)
        for (size_t j = 0; j < D; j++) {
            double want = 0.0;
            if (j == i + 1) want = scale; /* neuron i driven by i+1 */
            else if (i == 0 && skip > 0 && j > 1 && (j - 1) % skip == 0) want = beta;
            ok &= PO_MAT_AT(t->W, i, j) == want;
        }
    CHECK(ok);
    /* Nilpotent: W^D == 0 exactly (strictly upper triangular products). */
    po_mat *p = po_mat_dup(t->W), *tmp = po_mat_alloc(D, D);
    for (size_t k = 1; k < D; k++) {
        if (k == D - 1) CHECK(!all_zero(p)); /* W^(D-1) != 0: the chain is full length */
        po_la_gemm(false, false, 1.0, p, t->W, 0.0, tmp);
        po_mat_copy(p, tmp);
    }
    CHECK(all_zero(p));
    po_mat_free(tmp);
    po_mat_free(p);
    po_teacher_free(t);
}

static void test_chain(void)
{
    check_chain(40, 1.0, 0, 0.5);
    check_chain(40, 1.0, 1, 0.5); /* row 0 = [0, 1, b, b, ...] */
    check_chain(41, 0.7, 3, 0.25);
    po_teacher_opts o = po_teacher_opts_defaults(PO_NET_CHAIN, 5);
    o.skip_interval = 1;
    o.diagonal_comp = 0.1;
    po_teacher *t = gen(&o, SEED);
    const double row0[5] = {0.1, 1.0, 0.5, 0.5, 0.5};
    CHECK_ALLCLOSE(&PO_MAT_AT(t->W, 0, 0), row0, 5, 0, 0);
    CHECK(PO_MAT_AT(t->W, 4, 4) == 0.1 && PO_MAT_AT(t->W, 3, 4) == 1.0 && PO_MAT_AT(t->W, 4, 3) == 0.0);
    po_teacher_free(t);
}

/* ------------------------------------------------------------- low rank */

static void check_w_is_mnt(const po_teacher *t)
{
    CHECK(t->M && t->N && t->M->cols == t->N->cols);
    po_mat *mn = product(t->M, false, t->N, true);
    CHECK(po_mat_max_abs_diff(mn, t->W) == 0.0);
    po_mat_free(mn);
}

static void test_lowrank(void)
{
    size_t D = 120, r = 3;
    po_teacher_opts o = po_teacher_opts_defaults(PO_NET_LOWRANK, D);
    o.rank = r;
    o.scale = 0.7;
    po_teacher *t = gen(&o, SEED);
    double g2 = (double)D * 0.7 / sqrt((double)r);
    po_mat *mtn = product(t->M, true, t->N, false), *mtm = product(t->M, true, t->M, false),
           *ntn = product(t->N, true, t->N, false);
    CHECK(dist_to_scaled_identity(mtn, 0.0) < 1e-12 * g2);
    CHECK(dist_to_scaled_identity(mtm, g2) < 1e-12 * g2);
    CHECK(dist_to_scaled_identity(ntn, g2) < 1e-12 * g2);
    check_w_is_mnt(t);
    /* All eigenvalues are 0: W^2 = M (N^T M) N^T vanishes. */
    po_mat *w2 = product(t->W, false, t->W, false);
    CHECK(po_mat_norm_fro(w2) < 1e-12 * g2 * g2);
    po_mat_free(w2);
    po_mat_free(mtn);
    po_mat_free(mtm);
    po_mat_free(ntn);
    po_teacher_free(t);
}

static void test_lowrank_osc(void)
{
    size_t D = 100;
    po_teacher_opts o = po_teacher_opts_defaults(PO_NET_LOWRANK_OSC, D);
    po_teacher *t = gen(&o, SEED);
    check_w_is_mnt(t);
    double sigma[4] = {0.5, -0.5, 0.5, 0.5};
    /* N^T M = Sigma M^dagger M = Sigma, so W M = M Sigma. */
    po_mat *ntm = product(t->N, true, t->M, false);
    CHECK_ALLCLOSE(ntm->data, sigma, 4, 0, 1e-12);
    po_mat s = po_mat_view(sigma, 2, 2, 2);
    po_mat *wm = product(t->W, false, t->M, false), *ms = product(t->M, false, &s, false);
    CHECK(po_mat_max_abs_diff(wm, ms) < 1e-11 * po_mat_norm_fro(ms));
    /* Non-normal: the V term makes ||N|| >> ||pinv(M)|| ~ 1/sqrt(D). */
    CHECK(po_mat_norm_fro(t->N) > 1.0);
    double *re, *im;
    eigenvalues(t->W, &re, &im);
    int at_pair = 0, at_zero = 0;
    double tol = 1e-10 * po_mat_norm_fro(t->W);
    for (size_t k = 0; k < D; k++) {
        if (hypot(re[k] - 0.5, fabs(im[k]) - 0.5) < 1e-9) at_pair++;
        if (hypot(re[k], im[k]) < tol) at_zero++;
    }
    CHECK(at_pair == 2 && at_zero == (int)D - 2);
    free(re);
    free(im);
    po_mat_free(wm);
    po_mat_free(ms);
    po_mat_free(ntm);
    po_teacher_free(t);
}

/* Sorted real eigenvalues of the (numerically symmetric) W. */
static void sym_eigenvalues(const po_mat *w, double *e)
{
    po_mat *s = po_mat_dup(w);
    for (size_t i = 0; i < s->rows; i++)
        for (size_t j = 0; j < i; j++) PO_MAT_AT(s, i, j) = PO_MAT_AT(s, j, i);
    CHECK_OK(po_la_eigh(s, e));
    po_mat_free(s);
}

static void test_lowrank_normal(void)
{
    size_t D = 60;
    const size_t ranks[] = {3, 60};
    for (int c = 0; c < 2; c++) {
        size_t r = ranks[c];
        po_teacher_opts o = po_teacher_opts_defaults(PO_NET_LOWRANK_NORMAL, D);
        o.rank = r;
        po_teacher *t = gen(&o, SEED);
        check_w_is_mnt(t);
        po_mat *mtm = product(t->M, true, t->M, false);
        CHECK(dist_to_scaled_identity(mtm, 1.0) < 1e-13);
        double *e = malloc(D * sizeof *e), *want = calloc(D, sizeof *want);
        sym_eigenvalues(t->W, e);
        want[0] = 0.999;
        for (size_t k = 1; k < r; k++) want[k] = 0.2;
        qsort(want, D, sizeof *want, cmp_double);
        CHECK_ALLCLOSE(e, want, D, 0, 1e-13);
        /* The nonsymmetric solver agrees (real spectrum). */
        po_mat *diag = po_mat_alloc(D, D);
        for (size_t k = 0; k < D; k++) PO_MAT_AT(diag, k, k) = want[k];
        CHECK(spectrum_distance(t->W, diag) < 1e-10);
        po_mat_free(diag);
        free(want);
        free(e);
        po_mat_free(mtm);
        po_teacher_free(t);
    }
    /* diagonal = true: W = diag(0.999, 0.2, 0.2, 0, ...) exactly, no draws. */
    po_teacher_opts o = po_teacher_opts_defaults(PO_NET_LOWRANK_NORMAL, 8);
    o.diagonal = true;
    o.rank = 3;
    po_teacher *t = gen(&o, SEED);
    po_mat *want = po_mat_alloc(8, 8);
    PO_MAT_AT(want, 0, 0) = 0.999;
    PO_MAT_AT(want, 1, 1) = 0.2;
    PO_MAT_AT(want, 2, 2) = 0.2;
    CHECK(po_mat_max_abs_diff(t->W, want) == 0.0);
    po_mat_free(want);
    po_teacher_free(t);
}

static void test_lowrank_random(void)
{
    size_t D = 70, r = 2;
    po_teacher_opts o = po_teacher_opts_defaults(PO_NET_LOWRANK_RANDOM, D);
    o.scale = 2.5;
    po_teacher *t = gen(&o, SEED);
    check_w_is_mnt(t);
    for (size_t j = 0; j < r; j++) {
        po_mat m = po_mat_block(t->M, 0, j, D, 1), n = po_mat_block(t->N, 0, j, D, 1);
        CHECK_CLOSE(po_mat_norm_fro(&m), 1.0, 1e-14, 0);
        CHECK_CLOSE(po_mat_norm_fro(&n), 2.5, 1e-14, 0);
    }
    /* Not orthogonalised: the columns overlap at O(1/sqrt(D)). */
    po_mat *mtn = product(t->M, true, t->N, false);
    CHECK(dist_to_scaled_identity(mtn, 0.0) > 1e-6);
    po_mat_free(mtn);
    po_teacher_free(t);
}

/* ----------------------------------------------------------------- Haar */

static void test_haar(void)
{
    size_t D = 50;
    po_mat *q = po_mat_alloc(D, D);
    po_rng rng, replay;
    po_rng_init(&rng, SEED, PO_STREAM_CONNECTIVITY);
    replay = rng;
    CHECK_OK(po_haar_orthogonal(&rng, q));
    po_mat *qtq = product(q, true, q, false);
    CHECK(dist_to_scaled_identity(qtq, 1.0) < 1e-13);
    /* Sign fix: with A the replayed Gaussian, R = Q^T A is upper triangular
     * with a positive diagonal. */
    po_mat *a = po_mat_alloc(D, D);
    for (size_t i = 0; i < D; i++)
        for (size_t j = 0; j < D; j++) PO_MAT_AT(a, i, j) = po_rng_normal(&replay);
    po_mat *r = product(q, true, a, false);
    bool upper = true, positive = true;
    for (size_t i = 0; i < D; i++) {
        positive &= PO_MAT_AT(r, i, i) > 0.0;
        for (size_t j = 0; j < i; j++) upper &= fabs(PO_MAT_AT(r, i, j)) < 1e-12;
    }
    CHECK(upper && positive);
    /* Tall: orthonormal columns. Wide: refused. */
    po_mat *tall = po_mat_alloc(D, 4);
    CHECK_OK(po_haar_orthogonal(&rng, tall));
    po_mat *ttt = product(tall, true, tall, false);
    CHECK(dist_to_scaled_identity(ttt, 1.0) < 1e-14);
    po_mat *wide = po_mat_alloc(3, 4);
    CHECK_STATUS(po_haar_orthogonal(&rng, wide), PO_ESHAPE);
    CHECK_STATUS(po_haar_orthogonal(NULL, wide), PO_EINVAL);
    /* Statistics over many 4 x 4 draws: Q_11^2 ~ Beta(1/2, (n-1)/2) with mean
     * 1/n, variance 2(n-1)/(n^2 (n+2)); Q_11 has mean 0 (without the sign fix
     * LAPACK's Q_11 is always negative). */
    size_t n = 4, draws = 4000;
    po_mat *small = po_mat_alloc(n, n);
    double s1 = 0.0, s2 = 0.0;
    for (size_t k = 0; k < draws; k++) {
        CHECK_OK(po_haar_orthogonal(&rng, small));
        double x = PO_MAT_AT(small, 0, 0);
        s1 += x;
        s2 += x * x;
    }
    double nd = (double)n, m = (double)draws;
    CHECK(fabs(s1 / m) < 5.0 * sqrt(1.0 / nd / m));
    double var2 = 2.0 * (nd - 1.0) / (nd * nd * (nd + 2.0));
    CHECK(fabs(s2 / m - 1.0 / nd) < 5.0 * sqrt(var2 / m));
    po_mat_free(small);
    po_mat_free(wide);
    po_mat_free(ttt);
    po_mat_free(tall);
    po_mat_free(r);
    po_mat_free(a);
    po_mat_free(qtq);
    po_mat_free(q);
}

/* ----------------------------------------------------------- transforms */

/* The permutation behind a permutation matrix u (u[i][p[i]] = 1), or false. */
static bool as_permutation(const po_mat *u, size_t *p)
{
    size_t D = u->rows;
    int *seen = calloc(D, sizeof *seen);
    bool ok = true;
    for (size_t i = 0; i < D; i++) {
        int ones = 0;
        for (size_t j = 0; j < D; j++) {
            double x = PO_MAT_AT(u, i, j);
            if (x == 1.0) {
                ones++;
                p[i] = j;
                seen[j]++;
            } else if (x != 0.0) ok = false;
        }
        ok &= ones == 1;
    }
    for (size_t j = 0; j < D; j++) ok &= seen[j] == 1;
    free(seen);
    return ok;
}

static void test_perm(void)
{
    size_t D = 40;
    po_teacher_opts o = po_teacher_opts_defaults(PO_NET_GAUSSIAN, D);
    po_teacher *t0 = gen(&o, SEED);
    o.transforms = PO_TRANSFORM_PERM;
    po_teacher *t = gen(&o, SEED);
    size_t *p = malloc(D * sizeof *p);
    CHECK(t->U && as_permutation(t->U, p));
    bool moved = true;
    size_t fixed = 0;
    for (size_t i = 0; i < D; i++) {
        fixed += p[i] == i;
        for (size_t j = 0; j < D; j++)
            moved &= PO_MAT_AT(t->W, i, j) == PO_MAT_AT(t0->W, p[i], p[j]);
    }
    CHECK(moved && fixed < D);
    /* Low rank: the factors are permuted and W stays M N^T. */
    po_teacher_opts lo = po_teacher_opts_defaults(PO_NET_LOWRANK, D);
    po_teacher *l0 = gen(&lo, SEED);
    lo.transforms = PO_TRANSFORM_PERM;
    po_teacher *l = gen(&lo, SEED);
    check_w_is_mnt(l);
    CHECK(as_permutation(l->U, p));
    bool rows = true;
    for (size_t i = 0; i < D; i++)
        for (size_t j = 0; j < D; j++)
            rows &= fabs(PO_MAT_AT(l->W, i, j) - PO_MAT_AT(l0->W, p[i], p[j])) < 1e-13;
    CHECK(rows);
    po_teacher_free(l);
    po_teacher_free(l0);
    free(p);
    po_teacher_free(t);
    po_teacher_free(t0);
}

/* t->W * S == S * W0 (S = t->U), relative to |W0|. */
static double similarity_residual(const po_teacher *t, const po_mat *w0)
{
    po_mat *ws = product(t->W, false, t->U, false), *sw = product(t->U, false, w0, false);
    double res = po_mat_max_abs_diff(ws, sw) / po_mat_norm_fro(w0);
    po_mat_free(ws);
    po_mat_free(sw);
    return res;
}

static void test_ortho_and_similarity(void)
{
    size_t D = 50;
    const po_net nets[] = {PO_NET_GAUSSIAN, PO_NET_LOWRANK_OSC, PO_NET_CHAIN};
    for (size_t k = 0; k < 3; k++) {
        po_teacher_opts o = po_teacher_opts_defaults(nets[k], D);
        o.skip_interval = 1;
        po_teacher *t0 = gen(&o, SEED);
        double wnorm = po_mat_norm_fro(t0->W);
        o.transforms = PO_TRANSFORM_ORTHO;
        po_teacher *t = gen(&o, SEED);
        po_mat *utu = product(t->U, true, t->U, false);
        CHECK(dist_to_scaled_identity(utu, 1.0) < 1e-13);
        CHECK(similarity_residual(t, t0->W) < 1e-13);
        if (t->M) check_w_is_mnt(t);
        if (nets[k] != PO_NET_CHAIN) /* the chain's defective 0 is too sensitive */
            CHECK(spectrum_distance(t->W, t0->W) < 1e-8 * wnorm);
        po_mat_free(utu);
        po_teacher_free(t);

        o.transforms = PO_TRANSFORM_SIMILARITY;
        t = gen(&o, SEED);
        bool unit = true;
        for (size_t j = 0; j < D; j++) {
            po_mat col = po_mat_block(t->U, 0, j, D, 1);
            unit &= fabs(po_mat_norm_fro(&col) - 1.0) < 1e-14;
        }
        CHECK(unit);
        CHECK(similarity_residual(t, t0->W) < 1e-11);
        if (t->M) check_w_is_mnt(t);
        if (nets[k] != PO_NET_CHAIN) CHECK(spectrum_distance(t->W, t0->W) < 1e-7 * wnorm);
        po_teacher_free(t);

        /* All three: U is the last (the similarity S, unit columns, not orthogonal). */
        o.transforms = PO_TRANSFORM_ORTHO | PO_TRANSFORM_PERM | PO_TRANSFORM_SIMILARITY;
        t = gen(&o, SEED);
        if (t->M) check_w_is_mnt(t);
        po_mat *sts = product(t->U, true, t->U, false);
        CHECK(fabs(PO_MAT_AT(sts, 0, 0) - 1.0) < 1e-14 && dist_to_scaled_identity(sts, 1.0) > 1e-3);
        if (nets[k] != PO_NET_CHAIN) CHECK(spectrum_distance(t->W, t0->W) < 1e-7 * wnorm);
        po_mat_free(sts);
        po_teacher_free(t);
        po_teacher_free(t0);
    }
    /* The chain's nilpotency survives the orthogonal transform up to rounding. */
    po_teacher_opts o = po_teacher_opts_defaults(PO_NET_CHAIN, 20);
    o.transforms = PO_TRANSFORM_ORTHO;
    po_teacher *t = gen(&o, SEED);
    po_mat *p = po_mat_dup(t->W), *tmp = po_mat_alloc(20, 20);
    for (int k = 1; k < 20; k++) {
        po_la_gemm(false, false, 1.0, p, t->W, 0.0, tmp);
        po_mat_copy(p, tmp);
    }
    CHECK(po_mat_norm_fro(p) < 1e-12);
    po_mat_free(tmp);
    po_mat_free(p);
    po_teacher_free(t);
}

/* ---------------------------------------------------------- determinism */

static void test_determinism(void)
{
    size_t D = 24;
    for (int k = 0; k < PO_NET_COUNT_; k++) {
        for (unsigned tf = 0; tf < 8; tf += 7) {
            po_teacher_opts o = po_teacher_opts_defaults((po_net)k, D);
            o.transforms = tf;
            o.skip_interval = 2;
            po_teacher *a = gen(&o, 7), *b = gen(&o, 7), *c = gen(&o, 8);
            CHECK(memcmp(a->W->data, b->W->data, D * D * sizeof(double)) == 0);
            bool random = k != PO_NET_CHAIN || tf != 0;
            CHECK(!random || memcmp(a->W->data, c->W->data, D * D * sizeof(double)) != 0);
            CHECK((a->M != NULL) == (k >= PO_NET_LOWRANK));
            CHECK((a->U != NULL) == (tf != 0));
            po_teacher_free(a);
            po_teacher_free(b);
            po_teacher_free(c);
        }
    }
}

int main(void)
{
    PO_RUN(test_names_roundtrip);
    PO_RUN(test_defaults);
    PO_RUN(test_opts_check_rejects);
    PO_RUN(test_gaussian_draws_and_stats);
    PO_RUN(test_symmetric);
    PO_RUN(test_line_attractor);
    PO_RUN(test_triangular_plain);
    PO_RUN(test_triangular_schur);
    PO_RUN(test_chain);
    PO_RUN(test_lowrank);
    PO_RUN(test_lowrank_osc);
    PO_RUN(test_lowrank_normal);
    PO_RUN(test_lowrank_random);
    PO_RUN(test_haar);
    PO_RUN(test_perm);
    PO_RUN(test_ortho_and_similarity);
    PO_RUN(test_determinism);
    return po_test_finish();
}
