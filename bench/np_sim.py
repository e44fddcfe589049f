#!/usr/bin/env python3
"""NumPy baselines for bench_sim.c: the teacher loop as the reference code
writes it (RNN.py), with the noise pre-drawn by numpy.random.default_rng().

RESULT names match bench_sim.c:
  sim_dense_tanh_D500_T30000        noise drawing + loop (seconds per run)
  sim_dense_tanh_D500_T30000_loop   loop only, noise pre-drawn
  sim_dense_tanh_D500_T30000_noise  drawing the T x D noise only
  sim_lowrank_D5000_step            seconds per step, D = 5000 dense update (300 steps timed)
  normals_1e7                       10^7 standard normals
"""
import sys
import time

import numpy as np

from benchutil import report


def run_loop(W, x0, noise, a, v1, phi):
    nt = noise.shape[0]
    x = np.zeros((nt, W.shape[0]))
    x[0] = x0
    for t in range(nt - 1):
        x[t + 1] = x[t] + a * (phi(x[t]) @ W.T - x[t] + v1 * noise[t])
    return x


def main():
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 3
    a, v1 = 0.01, 0.2
    g = np.random.default_rng(1)

    D, T = 500, 30000
    W = g.normal(0, 0.8 / np.sqrt(D), (D, D))
    x0 = g.standard_normal(D)
    tot, loop, draw = [], [], []
    for _ in range(runs):
        t0 = time.perf_counter()
        noise = np.random.default_rng().standard_normal((T, D))
        t1 = time.perf_counter()
        run_loop(W, x0, noise, a, v1, np.tanh)
        t2 = time.perf_counter()
        draw.append(t1 - t0)
        loop.append(t2 - t1)
        tot.append(t2 - t0)
    report("sim_dense_tanh_D500_T30000", tot)
    report("sim_dense_tanh_D500_T30000_loop", loop)
    report("sim_dense_tanh_D500_T30000_noise", draw)

    D, steps = 5000, 300
    rank = 2
    M = np.linalg.qr(g.standard_normal((D, 2 * rank)))[0]
    gam = np.sqrt(D / np.sqrt(rank))
    W = gam * M[:, :rank] @ (gam * M[:, rank:]).T
    x0 = g.standard_normal(D)
    per = []
    for _ in range(runs):
        t0 = time.perf_counter()
        noise = np.random.default_rng().standard_normal((steps, D))
        run_loop(W, x0, noise, a, v1, lambda x: x)
        per.append((time.perf_counter() - t0) / (steps - 1))
    report("sim_lowrank_D5000_step", per)

    nrm = []
    for _ in range(runs):
        r = np.random.default_rng(2)
        t0 = time.perf_counter()
        r.standard_normal(10_000_000)
        nrm.append(time.perf_counter() - t0)
    report("normals_1e7", nrm)


if __name__ == "__main__":
    main()
