/* partobs: teacher connectivity generators (SPEC.md §2).
 *
 * Nine generators with the reference defaults, and the orthogonal (Haar),
 * permutation and similarity post-transforms, applied in that order when
 * enabled. All randomness comes from the caller's rng (use the
 * PO_STREAM_CONNECTIVITY stream). "N(0, s)" in SPEC.md means standard
 * deviation s.
 */
#ifndef PARTOBS_TEACHER_H
#define PARTOBS_TEACHER_H

#include <stdbool.h>
#include <stddef.h>

#include "partobs/error.h"
#include "partobs/mat.h"
#include "partobs/rng.h"

#ifdef __cplusplus
extern "C" {
#endif
/* Exported from the shared library; everything else is built hidden. */
#if defined(__GNUC__)
#pragma GCC visibility push(default)
#endif

/* X(enumerator, name) */
#define PO_NET_LIST(X)                                                                      \
    X(PO_NET_GAUSSIAN, "gaussian")             /* W_ij ~ N(0, scale/sqrt(D)) */            \
    X(PO_NET_SYMMETRIC, "symmetric")           /* (Q + Q^T)/2 */                           \
    X(PO_NET_LINE_ATTRACTOR, "line-attractor") /* symmetric, line_attractor spectrum */    \
    X(PO_NET_TRIANGULAR, "triangular")         /* strictly upper triangular, or Schur */   \
    X(PO_NET_CHAIN, "chain")                   /* feedforward delay line, optional skips */ \
    X(PO_NET_LOWRANK, "lowrank")               /* null-overlap non-normal M N^T */         \
    X(PO_NET_LOWRANK_OSC, "lowrank-osc")       /* M Sigma M^dagger, eigenvalues 0.5 +- 0.5i */ \
    X(PO_NET_LOWRANK_NORMAL, "lowrank-normal") /* U diag(e) U^T */                         \
    X(PO_NET_LOWRANK_RANDOM, "lowrank-random") /* scale * M N^T, unit-norm columns */

typedef enum po_net { PO_NET_LIST(PO_ENUM_ENTRY_) PO_NET_COUNT_ } po_net;

/* Post-transform flags (SPEC.md §2), applied in the order listed. */
enum {
    PO_TRANSFORM_ORTHO = 1u << 0,      /* W <- U W U^T, U Haar orthogonal */
    PO_TRANSFORM_PERM = 1u << 1,       /* W <- P W P^T, P a random permutation */
    PO_TRANSFORM_SIMILARITY = 1u << 2  /* W <- S W S^{-1}, S_ij ~ N(0, 1/sqrt(D)), unit columns */
};

typedef struct po_teacher_opts {
    po_net net;
    size_t D;             /* number of neurons, >= 1 */
    double scale;         /* gaussian 0.8, symmetric/line-attractor 0.6, triangular 3,
                             chain 1, lowrank 1, lowrank-random 1 (others: unused, 1);
                             must be >= 0 where it is a standard deviation or gamma^2 */
    bool self_loops;      /* gaussian, symmetric: keep the diagonal (true) */
    double diagonal_comp; /* triangular, chain: added to the diagonal (0) */
    bool use_schur;       /* triangular: complex-Schur variant (false) */
    size_t skip_interval; /* chain: 0 = no skips, else 1..D-2 (skip columns 1+k*interval) */
    double skip_scale;    /* chain: beta (0.5) */
    size_t rank;          /* lowrank 2 (1..D/2), lowrank-normal 2 and lowrank-random 2
                             (1..D); lowrank-osc: must be 2 */
    double shift_scale;   /* lowrank-osc: sigma_V * sqrt(D) (12) */
    double max_eval;      /* lowrank-normal: 0.999 */
    double min_eval;      /* lowrank-normal: 0.2 */
    bool diagonal;        /* lowrank-normal: U = I instead of Haar (false) */
    unsigned transforms;  /* PO_TRANSFORM_* flags (0) */
} po_teacher_opts;

/* The reference defaults for generator `net` with D neurons (SPEC.md §2). */
po_teacher_opts po_teacher_opts_defaults(po_net net, size_t D);

/* NULL if the options are valid, else a sentence naming the problem
 * (e.g. "rank must be between 1 and D/2 for lowrank"). */
const char *po_teacher_opts_check(const po_teacher_opts *opts);

/* Generator name <-> enum ("gaussian", ..., "lowrank-random"). */
const char *po_net_name(po_net net);
po_status po_net_from_name(const char *name, po_net *net);

typedef struct po_teacher {
    po_mat *W; /* D x D connectivity, W[i][j] from j to i */
    po_mat *U; /* the last post-transform applied (D x D), or NULL */
    po_mat *M; /* if known: W = M N^T exactly (D x r), after transforms; else NULL */
    po_mat *N;
} po_teacher;

/* Draw a teacher. On error *out is NULL and nothing is leaked: PO_EINVAL with
 * the po_teacher_opts_check() reason for invalid options, PO_ENOMEM,
 * PO_ELINALG / PO_ESINGULAR if a factorisation fails, PO_ENONFINITE naming
 * the option (scale, shift_scale, ...) if finite options overflow W.
 *
 * Order of random draws (part of what a seed reproduces). "Gaussian a x b"
 * means a*b calls of po_rng_normal filling the matrix row by row (NumPy's C
 * order); "Haar a x b" means a Gaussian a x b followed by QR with the sign fix
 * (po_haar_orthogonal).
 *   gaussian, symmetric: Gaussian D x D (Q).
 *   line-attractor: Gaussian D x D (Q), then one po_rng_below(D): the index,
 *       in dsyevd's ascending order, of the eigenvector that gets 0.999 (the
 *       others get 0.4 - 0.8k/(D-1) in descending eigenvalue order).
 *   triangular: Gaussian D x D (the lower triangle is drawn and discarded).
 *   chain: no draws.
 *   lowrank: Haar D x 2r.        lowrank-random: Gaussian D x 2r (sd 1).
 *   lowrank-osc: Gaussian D x 2 (M, sd 1), then Gaussian 2 x D (V).
 *   lowrank-normal: Haar D x rank (no draws if diagonal).
 * Then the enabled transforms in order: ortho (Haar D x D), perm (Fisher-Yates:
 * po_rng_below(i+1) for i = D-1 down to 1), similarity (Gaussian D x D).
 *
 * M and N (D x r) are set for lowrank (M^T M = N^T N = gamma^2 I, M^T N = 0),
 * lowrank-osc (N^T M = Sigma), lowrank-normal (M orthonormal,
 * N = M diag(e)) and lowrank-random (N includes the scale), and stay
 * consistent through the transforms (W is rebuilt as M N^T after each). */
po_status po_teacher_generate(const po_teacher_opts *opts, po_rng *rng, po_teacher **out);

void po_teacher_free(po_teacher *t);

/* Fill the square matrix q with a Haar-distributed orthogonal matrix (QR of a
 * Gaussian matrix with the signs of diag(R) folded into Q). q may also be tall
 * (rows > cols): then it receives the first cols columns of a Haar matrix
 * (orthonormal columns). PO_ESHAPE if rows < cols. Draws rows*cols normals,
 * row by row. */
po_status po_haar_orthogonal(po_rng *rng, po_mat *q);

#if defined(__GNUC__)
#pragma GCC visibility pop
#endif
#ifdef __cplusplus
}
#endif
#endif
