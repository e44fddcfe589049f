#!/usr/bin/env python3
"""NumPy baseline for bench_attractors: the same fixed-point iteration (Newton
with up to three halvings, Levenberg-Marquardt fallback on the damped normal
equations, abandon a start that has not halved q in 5 iterations) from 1000
random starts N(0, 0.5^2 I), and the same batched noise-free Euler
trajectories (15 x 20000 steps), written the way one would in NumPy
(np.linalg.solve per step). The reference code has no fixed-point finder
(SPEC.md §5), so this is the natural Python port of ours. Reads the 50-unit
MAP student bench_attractors writes to $TMPDIR/partobs_bench_attractors_W50.npy
(run bench_attractors first; bench/run.sh does)."""
import os
import sys
import time

import numpy as np


def flow(W, x):
    p = np.tanh(x)
    f = W @ p - x
    J = W * (1.0 - p * p)[None, :] - np.eye(len(x))
    return f, J


def solve(W, x, max_iter=200, tol=1e-20):
    f, J = flow(W, x)
    q = 0.5 * f @ f
    mu, q_mark = 0.0, q
    for it in range(max_iter + 1):
        if q <= tol * (1.0 + x @ x):
            return x, q, True
        if it == max_iter:
            break
        if it % 5 == 0:
            if it > 0 and q > 0.5 * q_mark:
                break
            q_mark = q
        accepted = False
        try:
            dz = np.linalg.solve(J, -f)
            for _ in range(4):
                xn = x + dz
                fn = flow(W, xn)[0]
                qn = 0.5 * fn @ fn
                if qn < q:
                    accepted = True
                    break
                dz *= 0.5
        except np.linalg.LinAlgError:
            pass
        if not accepted:
            H = J.T @ J
            g = J.T @ f
            hmax = max(1.0, H.diagonal().max())
            if mu == 0.0:
                mu = 1e-3 * hmax
            while mu <= 1e16 * hmax:
                dz = np.linalg.solve(H + mu * np.eye(len(x)), -g)
                xn = x + dz
                fn = flow(W, xn)[0]
                qn = 0.5 * fn @ fn
                if qn < q:
                    accepted = True
                    mu = max(mu * 0.1, 1e-12 * hmax)
                    break
                mu *= 10.0
            if not accepted:
                break
        x, q = xn, qn
        f, J = flow(W, x)
    return x, q, False


def fixed_points(W, starts):
    found = []
    for x0 in starts:
        x, q, ok = solve(W, x0.copy())
        if ok and not any(np.linalg.norm(x - y) <= 1e-6 * (1 + np.linalg.norm(x)) for y in found):
            found.append(x)
    return found


def trajectories(W, n_traj=15, steps=20000, alpha=0.01, seed=0):
    X = np.random.default_rng(seed).normal(0.0, 0.5, (n_traj, W.shape[0]))
    for _ in range(steps):
        X = X + alpha * (np.tanh(X) @ W.T - X)
    return X


def bench(name, fn, runs):
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    print(f"{name}: min {min(times):.6f} s, median {np.median(times):.6f} s ({runs} runs)")
    print(f"RESULT {name} median={np.median(times):.9g} min={min(times):.9g}")


def main():
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 3
    path = os.path.join(os.environ.get("TMPDIR") or "/tmp", "partobs_bench_attractors_W50.npy")
    if not os.path.exists(path):
        print(f"np_attractors: {path} not found; run bench_attractors first", file=sys.stderr)
        return 1
    W = np.load(path)
    starts = np.random.default_rng(1).normal(0.0, 0.5, (1000, W.shape[0]))
    print(f"fixed_points_n50_1000_starts: {len(fixed_points(W, starts))} fixed points")
    bench("fixed_points_n50_1000_starts", lambda: fixed_points(W, starts), runs)
    bench("limit_sets_n50_15x20000", lambda: trajectories(W), runs)
    return 0


if __name__ == "__main__":
    sys.exit(main())
