#!/usr/bin/env python3
"""NumPy reference values for tests/test_dyn.c (SPEC.md §5).

Usage: fixtures_dyn.py OUTDIR. Deterministic (fixed seed). For each case
writes dyn_<case>_W.npy (the matrix), dyn_<case>_eig.npy (n x 2: real and
imaginary parts sorted by descending real part, ties by descending imaginary
part), dyn_<case>_sv.npy (singular values) and dyn_<case>_stats.npy
([Henrici, LAS]), computed the way the reference's get_eigenproperties does.
dyn_overlap.npy holds [u-overlap, v-overlap] of the "big" teacher against its
leading 30 x 30 block as a student.
"""
import os
import sys

import numpy as np


def eigenproperties(W):
    lam = np.linalg.eigvals(W)
    order = np.lexsort((-lam.imag, -lam.real))
    lam = lam[order]
    tau = np.abs(1.0 / (1.0 - lam.real))
    las = np.log2(tau[0] / tau[1]) if len(lam) > 1 else 0.0
    fro = np.linalg.norm(W, "fro")
    henrici = np.sqrt(np.abs(fro**2 - np.sum(np.abs(lam) ** 2))) / fro
    sv = np.linalg.svd(W, compute_uv=False)
    return lam, sv, np.array([henrici, las])


def overlap(x, y):
    n = min(len(x), len(y))
    x, y = x[:n] / np.linalg.norm(x[:n]), y[:n] / np.linalg.norm(y[:n])
    return np.abs(np.real(np.vdot(x, y)))


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    rng = np.random.default_rng(20240517)
    small = rng.standard_normal((5, 5))
    g = rng.standard_normal((30, 30))
    sym = 0.4 * (g + g.T) / np.sqrt(2 * 30)
    big = rng.standard_normal((80, 80)) * 1.2 / np.sqrt(80)
    cases = {"small": small, "sym": sym, "big": big}
    for name, W in cases.items():
        lam, sv, stats = eigenproperties(W)
        if name != "sym":
            assert np.any(lam.imag != 0), name + " should have complex pairs"
        np.save(os.path.join(out, f"dyn_{name}_W.npy"), W)
        np.save(os.path.join(out, f"dyn_{name}_eig.npy"), np.stack([lam.real, lam.imag], axis=1))
        np.save(os.path.join(out, f"dyn_{name}_sv.npy"), sv)
        np.save(os.path.join(out, f"dyn_{name}_stats.npy"), stats)
    U, _, Vt = np.linalg.svd(big)
    u, _, vt = np.linalg.svd(big[:30, :30])
    np.save(os.path.join(out, "dyn_overlap.npy"),
            np.array([overlap(U[:, 0], u[:, 0]), overlap(Vt[0], vt[0])]))


if __name__ == "__main__":
    main()
