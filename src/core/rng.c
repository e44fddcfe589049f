/* xoshiro256** with splitmix64 seeding and a ziggurat normal sampler.
 * Algorithms from Blackman & Vigna, "Scrambled linear pseudorandom number
 * generators" (2018), Marsaglia & Tsang, "The ziggurat method for generating
 * random variables" (2000) and Doornik, "An improved ziggurat method" (2005). */
#include "partobs/rng.h"

#include <math.h>
#include <pthread.h>

static uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

static uint64_t splitmix64(uint64_t *state)
{
    uint64_t z = (*state += UINT64_C(0x9E3779B97F4A7C15));
    z = (z ^ (z >> 30)) * UINT64_C(0xBF58476D1CE4E5B9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94D049BB133111EB);
    return z ^ (z >> 31);
}

uint64_t po_rng_next(po_rng *rng)
{
    uint64_t *s = rng->s;
    uint64_t result = rotl(s[1] * 5, 7) * 9;
    uint64_t t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 45);
    return result;
}

void po_rng_jump(po_rng *rng)
{
    static const uint64_t jump[4] = {UINT64_C(0x180ec6d33cfd0aba), UINT64_C(0xd5a61266f0c9392c),
                                     UINT64_C(0xa9582618e03fc9aa), UINT64_C(0x39abdc4529b1661c)};
    uint64_t acc[4] = {0, 0, 0, 0};
    for (int i = 0; i < 4; i++)
        for (int b = 0; b < 64; b++) {
            if (jump[i] & (UINT64_C(1) << b))
                for (int k = 0; k < 4; k++) acc[k] ^= rng->s[k];
            po_rng_next(rng);
        }
    for (int k = 0; k < 4; k++) rng->s[k] = acc[k];
}

void po_rng_init(po_rng *rng, uint64_t seed, po_stream stream)
{
    uint64_t sm = seed;
    for (int k = 0; k < 4; k++) rng->s[k] = splitmix64(&sm);
    for (int j = 0; j < (int)stream; j++) po_rng_jump(rng);
}

double po_rng_uniform(po_rng *rng) { return (double)(po_rng_next(rng) >> 11) * 0x1.0p-53; }

/* Uniform in the open interval (0, 1), safe for log(). */
static double uniform_open(po_rng *rng)
{
    return ((double)(po_rng_next(rng) >> 11) + 0.5) * 0x1.0p-53;
}

uint64_t po_rng_below(po_rng *rng, uint64_t n)
{
    /* Reject the top partial block so every residue is equally likely. */
    uint64_t limit = UINT64_MAX - UINT64_MAX % n;
    uint64_t r;
    do r = po_rng_next(rng);
    while (r >= limit);
    return r % n;
}

/* Ziggurat with 128 layers of equal area V under f(x) = exp(-x^2/2). */
#define ZIG_LAYERS 128
static const double zig_r = 3.442619855899;
static const double zig_v = 9.91256303526217e-3;
static double zig_x[ZIG_LAYERS + 1];     /* layer edges, zig_x[1] = R, zig_x[128] = 0 */
static double zig_ratio[ZIG_LAYERS];     /* zig_x[i+1] / zig_x[i] */
/* pthread_once rather than C11 call_once: glibc's call_once goes through an
 * internal entry that ThreadSanitizer does not see, so it reported the
 * tables as raced by every parallel loop that draws normals. */
static pthread_once_t zig_once = PTHREAD_ONCE_INIT;

static void zig_setup(void)
{
    double f = exp(-0.5 * zig_r * zig_r);
    zig_x[0] = zig_v / f; /* width of the base strip that also covers the tail */
    zig_x[1] = zig_r;
    zig_x[ZIG_LAYERS] = 0.0;
    for (int i = 2; i < ZIG_LAYERS; i++) {
        zig_x[i] = sqrt(-2.0 * log(zig_v / zig_x[i - 1] + f));
        f = exp(-0.5 * zig_x[i] * zig_x[i]);
    }
    for (int i = 0; i < ZIG_LAYERS; i++) zig_ratio[i] = zig_x[i + 1] / zig_x[i];
}

static double zig_tail(po_rng *rng, int negative)
{
    double x, y;
    do {
        x = log(uniform_open(rng)) / zig_r;
        y = log(uniform_open(rng));
    } while (-2.0 * y < x * x);
    return negative ? x - zig_r : zig_r - x;
}

/* One draw; the tables must be set up. Inlined into the fill loop so the
 * common path (about 99% of draws) is one 64-bit output, a compare and a
 * multiply. */
static inline double zig_draw(po_rng *rng)
{
    for (;;) {
        uint64_t bits = po_rng_next(rng);
        /* Top 53 bits give u in [-1, 1); the low 7 bits pick the layer independently. */
        double u = 2.0 * ((double)(bits >> 11) * 0x1.0p-53) - 1.0;
        int i = (int)(bits & (ZIG_LAYERS - 1));
        if (fabs(u) < zig_ratio[i]) return u * zig_x[i];
        if (i == 0) return zig_tail(rng, u < 0.0);
        double x = u * zig_x[i];
        double f0 = exp(-0.5 * (zig_x[i] * zig_x[i] - x * x));
        double f1 = exp(-0.5 * (zig_x[i + 1] * zig_x[i + 1] - x * x));
        if (f1 + po_rng_uniform(rng) * (f0 - f1) < 1.0) return x;
    }
}

double po_rng_normal(po_rng *rng)
{
    (void)pthread_once(&zig_once, zig_setup);
    return zig_draw(rng);
}

void po_rng_fill_normal(po_rng *rng, double *x, size_t n, size_t stride, double sd)
{
    (void)pthread_once(&zig_once, zig_setup);
    for (size_t k = 0; k < n; k++) x[k * stride] = sd * zig_draw(rng);
}
