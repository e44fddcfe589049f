#!/usr/bin/env python3
"""NumPy baselines for bench_learners.c: CORNN and FORCE the way the reference
code computes them (tools/learners_ref.py: Xp = H^-1 x^T and Xm = Xp x formed,
numpy per FORCE step). Same sizes and the same kind of data (a 100-unit
leaky-rate tanh network, first d units observed); the numbers of the data
differ (another generator), which does not change the cost.

RESULT names match bench_learners.c:
  cornn_d25_T30000_1000it    setup + 1000 iterations, EXTRAPOLATED from the setup
                             time plus 10 x the time of 100 iterations
  force_pass_d50_T30000      one training pass (measured)
  force_paper_d50_1000x5000  EXTRAPOLATED: 1000 passes x (5000 / 30000) x one pass
Usage: np_learners.py [runs] [cornn|force ...]   (default 3 runs, all)
"""
import os
import sys
import time

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tools"))
from benchutil import report  # noqa: E402
import learners_ref as ref  # noqa: E402

NET, T, ALPHA = 100, 30000, 0.01


def make_data():
    rng = np.random.default_rng(7)
    W = 1.5 * rng.standard_normal((NET, NET)) / np.sqrt(NET)
    xi = rng.standard_normal((T, NET))
    X = np.zeros((T, NET))
    X[0] = rng.standard_normal(NET)
    for t in range(T - 1):
        X[t + 1] = X[t] + ALPHA * (np.tanh(X[t] @ W.T) - X[t] + 0.2 * xi[t])
    return X


def cornn_time(Y, iters=100):
    """(setup seconds, seconds per iteration) of tools/learners_ref.cornn."""
    t0 = time.perf_counter()
    ref.cornn(Y, iters=0)
    t1 = time.perf_counter()
    ref.cornn(Y, iters=iters)
    t2 = time.perf_counter()
    setup = t1 - t0
    return setup, max(t2 - t1 - setup, 0.0) / iters


def main():
    args = sys.argv[1:]
    runs = int(args.pop(0)) if args and args[0].isdigit() else 3
    want = set(args) or {"cornn", "force"}
    X = make_data()
    if "cornn" in want:
        Y = X[:, :25].copy()
        times = []
        for _ in range(runs):
            setup, per_it = cornn_time(Y)
            times.append(setup + 1000 * per_it)
        print(f"cornn: setup {setup:.3f} s, {per_it * 1e3:.2f} ms per iteration (last run)")
        report("cornn_d25_T30000_1000it", times)
    if "force" in want:
        Y = X[:, :50].T.copy()
        times = []
        for _ in range(runs):
            rng = np.random.default_rng(1)
            J = 1.5 * rng.standard_normal((50, 50)) / np.sqrt(50)
            P = 0.01 * np.eye(50)
            t0 = time.perf_counter()
            ref.force_pass(Y, J, P)
            times.append(time.perf_counter() - t0)
        report("force_pass_d50_T30000", times)
        paper = [t * 1000 * 5000 / 30000 for t in times]
        report("force_paper_d50_1000x5000", paper)


if __name__ == "__main__":
    main()
