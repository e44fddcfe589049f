/* partobs: reproducible random numbers.
 *
 * xoshiro256** (Blackman & Vigna 2018) seeded through splitmix64. Each kind of
 * randomness has its own named stream, obtained from the same seed by jumping
 * the generator 2^128 steps per stream index, so streams never overlap and
 * changing, say, the noise length never changes the connectivity drawn from the
 * same seed (DESIGN.md §3). All state is explicit: no hidden globals.
 */
#ifndef PARTOBS_RNG_H
#define PARTOBS_RNG_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif
/* Exported from the shared library; everything else is built hidden. */
#if defined(__GNUC__)
#pragma GCC visibility push(default)
#endif

typedef struct po_rng {
    uint64_t s[4];
} po_rng;

/* The named streams. The values are the jump counts and must never change:
 * they are part of what a seed reproduces. */
typedef enum po_stream {
    PO_STREAM_CONNECTIVITY = 0,  /* teacher weights, transforms */
    PO_STREAM_IC = 1,            /* initial conditions */
    PO_STREAM_PROCESS_NOISE = 2, /* xi_t in the drive v_t (SPEC.md §1.2) */
    PO_STREAM_OBS_NOISE = 3,     /* epsilon_t in the observation (SPEC.md §1.3) */
    PO_STREAM_FIT = 4,           /* random starts / shuffles inside fitting methods */
    PO_STREAM_ANALYSIS = 5,      /* random initial states of analyses (limit sets, fixed points) */
    PO_STREAM_INPUT = 6          /* noise on task input signals (SPEC.md §7) */
} po_stream;

/* Default seed used by the CLI when --seed is not given. */
#define PO_DEFAULT_SEED UINT64_C(20241210)

/* Initialise `rng` as stream `stream` of `seed`. */
void po_rng_init(po_rng *rng, uint64_t seed, po_stream stream);

/* Next raw 64-bit output. */
uint64_t po_rng_next(po_rng *rng);

/* Advance by 2^128 outputs (the xoshiro256 jump polynomial). */
void po_rng_jump(po_rng *rng);

/* Uniform double in [0, 1) with 53 random bits. */
double po_rng_uniform(po_rng *rng);

/* Uniform integer in [0, n), n >= 1, without modulo bias. */
uint64_t po_rng_below(po_rng *rng, uint64_t n);

/* Standard normal (ziggurat method, Marsaglia & Tsang 2000, with Doornik's
 * independent-uniform correction). */
double po_rng_normal(po_rng *rng);

/* x[k * stride] = sd * N(0, 1) for k = 0 .. n-1, drawn in order of k. */
void po_rng_fill_normal(po_rng *rng, double *x, size_t n, size_t stride, double sd);

#if defined(__GNUC__)
#pragma GCC visibility pop
#endif
#ifdef __cplusplus
}
#endif
#endif
