"""Fixtures for tests/test_fit_learners.c: CORNN and FORCE in NumPy, from SPEC.md.

usage: /usr/bin/python3 tools/fixtures_learners.py tests/data

Deterministic (seeded NumPy generator). Writes tests/data/learners_*.npy:
  learners_Y.npy            400 x 5 activity of a leaky-rate tanh teacher (8 units, 5 observed)
  learners_U.npy            400 x 2 inputs (for the inputs variant)
  learners_cornn_<case>.npy W_hat (and learners_cornn_in_Win.npy) for the cases
                            weighted, standard, robust, sub3, in (30 iterations each)
  learners_force.npy        J after 3 training passes with J_0 = 0 (g = 0), p0 = 0.05, window 10:210
  learners_force_stats.npy  [chi2, pVar] of each of those 3 passes plus 1 free pass (4 x 2)
"""
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import learners_ref as ref  # noqa: E402


def teacher(rng, D=8, d=5, T=400, alpha=0.01, noise=0.2):
    W = 1.8 * rng.standard_normal((D, D)) / np.sqrt(D)
    U = rng.standard_normal((T, 2))
    Win = 0.5 * rng.standard_normal((D, 2))
    x = np.zeros((T, D))
    x[0] = 0.5 * rng.standard_normal(D)
    for t in range(T - 1):
        x[t + 1] = x[t] + alpha * (np.tanh(W @ x[t] + Win @ U[t]) - x[t]
                                   + noise * rng.standard_normal(D))
    return x[:, :d].copy(), U


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else "tests/data"
    rng = np.random.default_rng(20241210)
    Y, U = teacher(rng)
    np.save(os.path.join(out, "learners_Y.npy"), Y)
    np.save(os.path.join(out, "learners_U.npy"), U)
    cases = {
        "weighted": dict(solver="weighted"),
        "standard": dict(solver="standard"),
        "robust": dict(solver="robust", threshold=0.5),
        "sub3": dict(solver="weighted", subsample=3, l2=1e-3),
    }
    for name, kw in cases.items():
        W, _, _ = ref.cornn(Y, iters=30, **kw)
        np.save(os.path.join(out, f"learners_cornn_{name}.npy"), W)
    W, Win, _ = ref.cornn(Y, iters=30, U=U)
    np.save(os.path.join(out, "learners_cornn_in.npy"), W)
    np.save(os.path.join(out, "learners_cornn_in_Win.npy"), Win)

    data = Y[10:210].T.copy()
    d = data.shape[0]
    J = np.zeros((d, d))
    P = 0.05 * np.eye(d)
    stats = []
    for p in range(4):
        stats.append(ref.force_pass(data, J, P, train=p < 3))
    np.save(os.path.join(out, "learners_force.npy"), J)
    np.save(os.path.join(out, "learners_force_stats.npy"), np.array(stats))


if __name__ == "__main__":
    main()
