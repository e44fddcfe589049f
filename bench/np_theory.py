#!/usr/bin/env python3
"""NumPy/SciPy baseline for bench_theory (SPEC.md §4.3, §5).

lyapunov_D<D>: scipy.linalg.solve_continuous_lyapunov(B - I, -I) for a
Gaussian B with spectral radius ~0.8.
curves_D<D>: the reference's get_subsampling_curves with the long-time limit:
Sigma by solve_continuous_lyapunov once, the SVD and eigen-properties of B once,
then for every d = 1..D: A = (B Sigma)_dd (Sigma_dd)^{-1} (a solve),
np.linalg.eig (sorted by descending real part), np.linalg.svd, Henrici, LAS
and the singular-vector overlaps, for a chain with skips (beta = 0.5) under a
Haar orthogonal transform (Fig F.3's teacher).
Usage: np_theory.py [lyap D [RUNS] | curves D [RUNS]]."""
import sys
import time

import numpy as np
from scipy.linalg import solve_continuous_lyapunov
from scipy.stats import ortho_group

from benchutil import report


def bench_lyap(D, runs):
    rng = np.random.default_rng(1)
    A = 0.8 * rng.standard_normal((D, D)) / np.sqrt(D) - np.eye(D)
    Q = np.eye(D)
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        solve_continuous_lyapunov(A, -Q)
        times.append(time.perf_counter() - t0)
    report(f"lyapunov_D{D}", times)


def eigenproperties(W):
    lam, vec = np.linalg.eig(W)
    order = np.argsort(-lam.real)
    lam = lam[order]
    tau = np.abs(1.0 / (1.0 - lam.real))
    las = np.log2(tau[0] / tau[1]) if len(lam) > 1 else 0.0
    return lam, vec, las


def overlap(x, y):
    n = min(len(x), len(y))
    x, y = x[:n] / np.linalg.norm(x[:n]), y[:n] / np.linalg.norm(y[:n])
    return np.abs(np.real(np.vdot(x, y)))


def curves(B, top_n=5):
    D = B.shape[0]
    S = solve_continuous_lyapunov(B - np.eye(D), -np.eye(D))
    U, s, Vt = np.linalg.svd(B)
    eigenproperties(B)
    G = B @ S
    out = []
    for d in range(1, D + 1):
        A = np.linalg.solve(S[:d, :d].T, G[:d, :d].T).T
        lam, _, las = eigenproperties(A)
        fro = np.linalg.norm(A, "fro")
        h = np.sqrt(np.abs(fro**2 - np.sum(np.abs(lam) ** 2))) / fro
        u, sv, vt = np.linalg.svd(A)
        top = np.zeros(top_n)
        top[: min(top_n, d)] = lam.real[:top_n]
        out.append((las, h, top, sv[:top_n], overlap(U[:, 0], u[:, 0]), overlap(Vt[0], vt[0])))
    return out


def bench_curves(D, runs):
    B = np.eye(D, k=1)
    B[0, 2::1] = 0.5
    O = ortho_group.rvs(D, random_state=1)
    B = O @ B @ O.T
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        curves(B)
        times.append(time.perf_counter() - t0)
    report(f"curves_D{D}", times)


if __name__ == "__main__":
    runs = int(sys.argv[3]) if len(sys.argv) >= 4 else 3
    if len(sys.argv) >= 3 and sys.argv[1] == "lyap":
        bench_lyap(int(sys.argv[2]), runs)
    elif len(sys.argv) >= 3 and sys.argv[1] == "curves":
        bench_curves(int(sys.argv[2]), runs)
    else:
        bench_lyap(500, 5)
        bench_lyap(2000, 3)
        bench_curves(500, 3)
