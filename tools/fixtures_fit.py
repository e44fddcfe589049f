#!/usr/bin/env python3
"""NumPy reference values for the MAP / ridge student (SPEC.md §4.1, §4.5).

Writes into argv[1] (tests/data):
  fit_Y.npy            Y (T=500 x d=7): a noisy leaky-rate tanh trajectory, so that
                       the rate-form targets are partly clipped
  fit_W_linear.npy     linear phi, current form, alpha=0.1, rho=1e-3
  fit_W_tanh.npy       tanh phi, current form, alpha=0.1, rho=1e-3
  fit_W_rate.npy       tanh phi, leaky-rate form, alpha=0.1, rho=1e-3
  fit_rate_clipped.npy number of clipped rate-form targets (1-element array)
  fit_W_rankdef.npy    linear phi, column 3 of Y set to 0, rho=0 (pinv path)
Each W is computed exactly as the reference code does (numpy pinv, rows = time).
"""
import os
import sys

import numpy as np

D, T, ALPHA, RHO = 7, 500, 0.1, 1e-3


def ridge(Y, phi, alpha, rho):
    X, Xp = Y[:-1], Y[1:]
    Phi = phi(X)
    I = np.eye(Y.shape[1])
    return alpha * (Xp - (1 - alpha) * X).T @ Phi @ np.linalg.pinv(rho * I + alpha**2 * Phi.T @ Phi)


def ridge_rate(Y, alpha, rho):
    """Leaky-rate tanh: regression of artanh(clip(delta)) on X (fit.h)."""
    X, Xp = Y[:-1], Y[1:]
    delta = (Xp - (1 - alpha) * X) / alpha
    lim = 1 - 1e-6
    clipped = int(np.sum(np.abs(delta) > lim))
    Z = np.arctanh(np.clip(delta, -lim, lim))
    I = np.eye(Y.shape[1])
    W = alpha**2 * Z.T @ X @ np.linalg.pinv(rho * I + alpha**2 * X.T @ X)
    return W, clipped


def main():
    out = sys.argv[1]
    rng = np.random.default_rng(20240611)
    W = rng.normal(0, 1.5 / np.sqrt(D), (D, D))
    x = rng.normal(0, 1, D)
    Y = np.empty((T, D))
    for t in range(T):
        Y[t] = x
        x = x + ALPHA * (np.tanh(W @ x) - x + 0.5 * rng.normal(0, 1, D))
    np.save(os.path.join(out, "fit_Y.npy"), Y)
    np.save(os.path.join(out, "fit_W_linear.npy"), ridge(Y, lambda z: z, ALPHA, RHO))
    np.save(os.path.join(out, "fit_W_tanh.npy"), ridge(Y, np.tanh, ALPHA, RHO))
    Wr, clipped = ridge_rate(Y, ALPHA, RHO)
    np.save(os.path.join(out, "fit_W_rate.npy"), Wr)
    np.save(os.path.join(out, "fit_rate_clipped.npy"), np.array([float(clipped)]))
    Yz = Y.copy()
    Yz[:, 3] = 0.0
    np.save(os.path.join(out, "fit_W_rankdef.npy"), ridge(Yz, lambda z: z, ALPHA, 0.0))


if __name__ == "__main__":
    main()
