#!/usr/bin/env python3
"""NumPy baseline for bench_dyn: the reference's get_eigenproperties (np.linalg.eig
with eigenvectors, sort by descending real part, tau, LAS) plus Henrici and the
singular values, as the subsampling analysis computes them (SPEC.md §5).
Usage: np_dyn.py [D ...]."""
import sys
import time

import numpy as np


def analyse(W):
    lam, vec = np.linalg.eig(W)
    lam = lam[np.argsort(-lam.real)]
    tau = np.abs(1.0 / (1.0 - lam.real))
    las = np.log2(tau[0] / tau[1])
    fro = np.linalg.norm(W, "fro")
    h = np.sqrt(np.abs(fro**2 - np.sum(np.abs(lam) ** 2))) / fro
    sv = np.linalg.svd(W, compute_uv=False)
    return las, h, sv


def run(D, runs):
    W = 1.2 * np.random.default_rng(1).standard_normal((D, D)) / np.sqrt(D)
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        analyse(W)
        times.append(time.perf_counter() - t0)
    print(f"RESULT spectrum_D{D} median={np.median(times):.9g} min={min(times):.9g}")


if __name__ == "__main__":
    sizes = [int(a) for a in sys.argv[1:]]
    for D, runs in ([(500, 7), (2000, 3)] if not sizes else [(d, 3) for d in sizes]):
        run(D, runs)
