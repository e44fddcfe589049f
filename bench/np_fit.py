#!/usr/bin/env python3
"""NumPy baseline for bench_fit.c: the MAP / ridge fit as the reference code
computes it (SPEC.md §4.1, rows = time): np.tanh over the array, the two
products and pinv.

RESULT names match bench_fit.c:
  fit_tanh_d400_T30000     tanh phi, leaky-current
  fit_linear_d400_T30000   linear phi
Usage: np_fit.py [runs] | np_fit.py once [linear]   (one fit, for peak RSS)
"""
import sys
import time

import numpy as np

from benchutil import report

D, T, ALPHA, RHO = 400, 30000, 0.01, 1e-3


def fit(Y, phi, alpha=ALPHA, rho=RHO):
    X, Xp = Y[:-1], Y[1:]
    Phi = phi(X)
    I = np.eye(Y.shape[1])
    return alpha * (Xp - (1 - alpha) * X).T @ Phi @ np.linalg.pinv(rho * I + alpha**2 * Phi.T @ Phi)


def main():
    Y = np.random.default_rng(1).normal(0, 0.5, (T, D))
    if len(sys.argv) > 1 and sys.argv[1] == "once":
        phi = (lambda z: z) if len(sys.argv) > 2 and sys.argv[2] == "linear" else np.tanh
        t0 = time.perf_counter()
        fit(Y, phi)
        print(f"fit {time.perf_counter() - t0:.3f} s; Y is {Y.nbytes / 2**20:.1f} MiB")
        return
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 9
    for name, phi in (("fit_tanh_d400_T30000", np.tanh), ("fit_linear_d400_T30000", lambda z: z)):
        fit(Y, phi)  # warm-up
        times = []
        for _ in range(runs):
            t0 = time.perf_counter()
            fit(Y, phi)
            times.append(time.perf_counter() - t0)
        report(name, times)


if __name__ == "__main__":
    main()
