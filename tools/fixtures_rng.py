"""Reference outputs of splitmix64-seeded xoshiro256** (with the 2^128 jump),
written independently of the C code from Blackman & Vigna's description.
Each uint64 is stored as two float64 halves (high 32 bits, low 32 bits),
so the .npy stays float64 like every partobs fixture."""
import sys
import numpy as np

MASK = (1 << 64) - 1


def splitmix64(state):
    state = (state + 0x9E3779B97F4A7C15) & MASK
    z = state
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK
    return state, z ^ (z >> 31)


def rotl(x, k):
    return ((x << k) | (x >> (64 - k))) & MASK


def xoshiro_next(s):
    result = (rotl((s[1] * 5) & MASK, 7) * 9) & MASK
    t = (s[1] << 17) & MASK
    s[2] ^= s[0]
    s[3] ^= s[1]
    s[1] ^= s[2]
    s[0] ^= s[3]
    s[2] ^= t
    s[3] = rotl(s[3], 45)
    return result


JUMP = [0x180EC6D33CFD0ABA, 0xD5A61266F0C9392C, 0xA9582618E03FC9AA, 0x39ABDC4529B1661C]


def jump(s):
    acc = [0, 0, 0, 0]
    for word in JUMP:
        for b in range(64):
            if word & (1 << b):
                acc = [a ^ x for a, x in zip(acc, s)]
            xoshiro_next(s)
    s[:] = acc


def stream(seed, index, n):
    st, s = seed, []
    for _ in range(4):
        st, z = splitmix64(st)
        s.append(z)
    for _ in range(index):
        jump(s)
    out = [xoshiro_next(s) for _ in range(n)]
    return np.array([[x >> 32, x & 0xFFFFFFFF] for x in out], dtype=np.float64)


def main(outdir):
    for seed, index in [(0, 0), (42, 0), (42, 2), (20241210, 3)]:
        np.save(f"{outdir}/rng_seed{seed}_stream{index}.npy", stream(seed, index, 16))


if __name__ == "__main__":
    main(sys.argv[1])
