#!/usr/bin/env python3
"""NumPy baseline for bench_diagnose.c: the Gram sums of one MAP fit on the
recording (SPEC.md §4.1, rows = time), d = 50, T = 30000, as the reference
code forms them: Phi.T @ Phi and Delta.T @ Phi with Phi = Y[:-1] (linear phi),
Delta = Y[1:] - (1 - alpha) Y[:-1].

RESULT names match bench_diagnose.c:
  diagnose_gram_d50_T30000   both sums
  syrk_d50_T30000            Y.T @ Y alone (NumPy's matmul of X^T X)
Usage: np_diagnose.py [runs]
"""
import sys
import time

import numpy as np

from benchutil import report

D, T, ALPHA = 50, 30000, 0.01


def gram(Y):
    X, Xp = Y[:-1], Y[1:]
    return X.T @ X, (Xp - (1 - ALPHA) * X).T @ X


def main():
    Y = np.random.default_rng(1).normal(0, 0.5, (T, D))
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 9
    for name, fn in (("diagnose_gram_d50_T30000", gram), ("syrk_d50_T30000", lambda Y: Y[:-1].T @ Y[:-1])):
        fn(Y)  # warm-up
        times = []
        for _ in range(runs):
            t0 = time.perf_counter()
            fn(Y)
            times.append(time.perf_counter() - t0)
        report(name, times)


if __name__ == "__main__":
    main()
