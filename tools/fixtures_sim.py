#!/usr/bin/env python3
"""NumPy reference for the teacher simulation (SPEC.md §1.1, §1.2).

Writes tests/data/sim_*.npy: a small tanh teacher (D = 20, T = 200) with given
W, x0, xi, input signal s and input weights w_in, and the output of the Euler
loop written the way the reference code writes it, for the leaky-current and
leaky-rate forms. Deterministic (fixed seed). Usage: fixtures_sim.py OUTDIR
"""
import os
import sys

import numpy as np

D, T = 20, 200
ALPHA, G, NOISE, INPUT_GAIN = 0.05, 1.2, 0.3, 0.5


def simulate(W, x0, xi, s, w_in, rate):
    x = np.zeros((T, D))
    x[0] = x0
    for t in range(T - 1):
        v = NOISE * xi[t] + INPUT_GAIN * s[t, 0] * w_in
        if rate:
            x[t + 1] = x[t] + ALPHA * (np.tanh(G * (x[t] @ W.T)) - x[t] + v)
        else:
            x[t + 1] = x[t] + ALPHA * (G * (np.tanh(x[t]) @ W.T) - x[t] + v)
    return x


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    rng = np.random.default_rng(20241210)
    W = rng.normal(0.0, 1.5 / np.sqrt(D), (D, D))
    x0 = rng.normal(0.0, 1.0, D)
    xi = rng.standard_normal((T, D))
    s = np.sin(np.linspace(0.0, 6.0 * np.pi, T))[:, None]
    w_in = rng.normal(0.0, 1.0, D)
    arrays = {
        "W": W, "x0": x0, "xi": xi, "signal": s, "w_in": w_in,
        "X_current": simulate(W, x0, xi, s, w_in, rate=False),
        "X_rate": simulate(W, x0, xi, s, w_in, rate=True),
        "params": np.array([ALPHA, G, NOISE, INPUT_GAIN]),
    }
    for name, a in arrays.items():
        np.save(os.path.join(out, f"sim_{name}.npy"), np.ascontiguousarray(a, dtype="<f8"))


if __name__ == "__main__":
    main()
