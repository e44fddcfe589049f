#!/usr/bin/env python3
"""NumPy baseline for bench_lds.c: Kalman EM of the same LDS (free C, diagonal Q and R,
one input) written the way a Python user would: a covariance-form Kalman filter with
np.linalg.solve per time step, an RTS smoother, and the closed-form M-step. The data are
the formula of bench_lds.c (d = 25, K = 5, T = 5000).

RESULT names match bench_lds.c:
  lds_em_iter_d25_K5_T5000   one EM iteration (E-step + M-step), measured
  lds_fit200_d25_K5_T5000    EXTRAPOLATED: the PCA initialisation (measured) + 200 x the
                             median time of one EM iteration
Usage: np_lds.py [runs]   (default 3)
"""
import os
import sys
import time

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from benchutil import report  # noqa: E402

T, D, K = 5000, 25, 5


def make_data(d=D):
    t = np.arange(T, dtype=float)[:, None]
    i = np.arange(d, dtype=float)[None, :]
    k = np.arange(K, dtype=float)
    u = np.sin(2 * np.pi * t / 700.0)
    s = np.sin(2 * np.pi * t / (60.0 * (k + 1)) + k)                      # T x K
    C = np.cos(0.7 * i.T + 1.3 * k[None, :])                              # d x K
    h = np.sin(12.9898 * (t * d + i) + 78.233) * 43758.5453
    noise = h - np.floor(h) - 0.5
    return s @ C.T + 0.3 * (np.arange(d) % 3)[None, :] * u + noise, u


def init(Y, U):
    """Regress Y on [U 1], PCA of the residual, least squares for the dynamics."""
    W1 = np.hstack([U, np.ones((T, 1))])
    coef = np.linalg.lstsq(W1, Y, rcond=None)[0]
    E = Y - W1 @ coef
    C = np.linalg.svd(E, full_matrices=False)[2][:K].T
    Z = E @ C
    r = np.maximum(np.mean((E - Z @ C.T) ** 2, 0), 1e-4 * np.var(Y, 0))
    Phi = np.hstack([Z[:-1], U[1:], np.ones((T - 1, 1))])
    Th = np.linalg.lstsq(Phi, Z[1:], rcond=None)[0].T
    q = np.maximum(np.mean((Z[1:] - Phi @ Th.T) ** 2, 0), 1e-4 * np.var(Z, 0))
    return dict(A=Th[:, :K], V=Th[:, K:K + 1], b=Th[:, K + 1], q=q, C=C, F=coef[:1].T,
                d=coef[1], r=r, mu0=Z[0], Sigma0=np.cov(Z, rowvar=False))


def estep(p, Y, U):
    A, C, Q, R = p["A"], p["C"], np.diag(p["q"]), np.diag(p["r"])
    xp = np.zeros((T, K)); Pp = np.zeros((T, K, K))
    xf = np.zeros((T, K)); Pf = np.zeros((T, K, K))
    ll = 0.0
    for t in range(T):
        if t == 0:
            xp[t], Pp[t] = p["mu0"], p["Sigma0"]
        else:
            xp[t] = A @ xf[t - 1] + p["V"] @ U[t] + p["b"]
            Pp[t] = A @ Pf[t - 1] @ A.T + Q
        S = C @ Pp[t] @ C.T + R
        e = Y[t] - C @ xp[t] - p["F"] @ U[t] - p["d"]
        Kg = np.linalg.solve(S, C @ Pp[t]).T
        xf[t] = xp[t] + Kg @ e
        Pf[t] = Pp[t] - Kg @ C @ Pp[t]
        ll += -0.5 * (D * np.log(2 * np.pi) + np.linalg.slogdet(S)[1] + e @ np.linalg.solve(S, e))
    xs = xf.copy(); Ps = Pf.copy(); cross = np.zeros((T - 1, K, K))
    for t in range(T - 2, -1, -1):
        J = np.linalg.solve(Pp[t + 1], A @ Pf[t]).T
        xs[t] = xf[t] + J @ (xs[t + 1] - xp[t + 1])
        Ps[t] = Pf[t] + J @ (Ps[t + 1] - Pp[t + 1]) @ J.T
        cross[t] = Ps[t + 1] @ J.T
    return ll, xs, Ps, cross


def mstep(p, Y, U, xs, Ps, cross):
    one = np.ones((T, 1))
    Exx = Ps + np.einsum("ti,tj->tij", xs, xs)
    Exx1 = cross + np.einsum("ti,tj->tij", xs[1:], xs[:-1])
    Z = np.hstack([xs[:-1], U[1:], one[1:]])
    Szz = Z.T @ Z; Szz[:K, :K] += Ps[:-1].sum(0)
    Sxz = xs[1:].T @ Z; Sxz[:, :K] += cross.sum(0)
    G = np.linalg.solve(Szz, Sxz.T).T
    q = np.diag(Exx[1:].sum(0) - G @ Sxz.T) / (T - 1)
    Wm = np.hstack([xs, U, one])
    Sww = Wm.T @ Wm; Sww[:K, :K] += Ps.sum(0)
    Syw = Y.T @ Wm
    H = np.linalg.solve(Sww, Syw.T).T
    r = (np.sum(Y * Y, 0) - np.sum(H * Syw, 1)) / T
    return dict(A=G[:, :K], V=G[:, K:K + 1], b=G[:, K + 1], q=q, C=H[:, :K], F=H[:, K:K + 1],
                d=H[:, K + 1], r=r, mu0=xs[0], Sigma0=p["Sigma0"])


def main():
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 3
    Y, U = make_data()
    t0 = time.perf_counter()
    p = init(Y, U)
    t_init = time.perf_counter() - t0
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        ll, xs, Ps, cross = estep(p, Y, U)
        p = mstep(p, Y, U, xs, Ps, cross)
        times.append(time.perf_counter() - t0)
    print(f"one EM iteration: log-likelihood {ll:.10g} (covariance-form filter, RTS smoother)")
    report("lds_em_iter_d25_K5_T5000", times)
    med = sorted(times)[len(times) // 2]
    fit = [t_init + 200 * x for x in times]
    print(f"lds_fit200 EXTRAPOLATED: init {t_init:.3f} s + 200 x one iteration ({med:.3f} s)")
    report("lds_fit200_d25_K5_T5000", fit)


if __name__ == "__main__":
    main()
