#!/usr/bin/env python3
"""NumPy baseline for bench_bptt.c: one epoch of BPTT with generalized teacher
forcing (SPEC.md §4.7) written in NumPy the way one would port the reference
PyTorch script without autograd: per step a batched product with W forward,
the stored tanh states, the adjoint recursion backward, the gradient
accumulated per step, then SGD with momentum. 118 windows of 500 steps,
mini-batches of 16, d = 50 (and d = 50 + H = 200).

RESULT names match bench_bptt.c:
  bptt_epoch_d50        d = 50, no hidden units
  bptt_epoch_d50_h200   d = 50 + 200 hidden units
Usage: np_bptt.py [runs]
"""
import sys
import time

import numpy as np

from benchutil import report

D, T, TW, BATCH, ALPHA, BETA, LR, MOM = 50, 30000, 500, 16, 0.01, 0.5, 0.01, 0.9


def batch_grad(W, Y, TY, starts, coins, d):
    n = W.shape[0]
    nb = len(starts)
    idx = np.asarray(starts)[:, None] + np.arange(TW)[None, :]  # nb x TW
    ys, tys = Y[idx], TY[idx]  # nb x TW x d
    K = TW - 1
    R = np.empty((K, nb, n))
    E = np.zeros((K, nb, d))
    z = np.zeros((nb, n))
    z[:, :d] = ys[:, 0]
    loss = 0.0
    for k in range(K):
        r = np.tanh(z)
        if k >= 1:
            res = r[:, :d] - tys[:, k]
            loss += np.sum(res * res)
            E[k - 1] = 2 * res * (1 - r[:, :d] ** 2)
            if coins[k - 1]:
                z[:, :d] = ys[:, k]
                r[:, :d] = tys[:, k]
        R[k] = r
        z = (1 - ALPHA) * z + ALPHA * r @ W.T
    r = np.tanh(z[:, :d])
    res = r - tys[:, K]
    loss += np.sum(res * res)
    E[K - 1] = 2 * res * (1 - r * r)
    lam = np.zeros((nb, n))
    lam[:, :d] = E[K - 1]
    G = ALPHA * lam.T @ R[K - 1]
    for k in range(K - 1, 0, -1):
        lam = (1 - ALPHA) * lam + ALPHA * (lam @ W) * (1 - R[k] ** 2)
        if coins[k - 1]:
            lam[:, :d] = 0
        lam[:, :d] += E[k - 1]
        G += ALPHA * lam.T @ R[k - 1]
    return loss, G


def epoch(W, v, Y, TY, rng, d):
    nw = 2 * len(Y) // TW - 2
    order = rng.permutation(nw)
    total = 0.0
    for b0 in range(0, nw, BATCH):
        starts = order[b0:b0 + BATCH] * (TW // 2)
        coins = rng.random(TW - 1) < BETA
        loss, G = batch_grad(W, Y, TY, starts, coins, d)
        v *= MOM
        v += G
        W -= LR * v
        total += loss
    return total


def main():
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 5
    rng = np.random.default_rng(1)
    Y = rng.normal(0, 0.5, (T, D))
    TY = np.tanh(Y)
    for name, H in (("bptt_epoch_d50", 0), ("bptt_epoch_d50_h200", 200)):
        n = D + H
        times = []
        for r in range(runs + 1):  # the first is a warm-up
            W = rng.normal(0, 1, (n, n)) * 0.1 / np.sqrt(n)
            v = np.zeros_like(W)
            t0 = time.perf_counter()
            epoch(W, v, Y, TY, rng, D)
            if r:
                times.append(time.perf_counter() - t0)
        report(name, times)


if __name__ == "__main__":
    main()
