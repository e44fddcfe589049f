#!/usr/bin/env python3
"""SciPy reference values for tests/test_theory.c (SPEC.md §4.3).

Usage: fixtures_theory.py OUTDIR. Deterministic (fixed seed). Writes
  theory_B.npy      a random 40 x 40 teacher with every Re lambda < 1
                    (Gaussian, sd 0.8/sqrt(D), plus 0.3 times a superdiagonal)
  theory_sigma.npy  its stationary covariance with correlated noise c = 0.3:
                    solve_continuous_lyapunov(B - I, -N_c), N_c = (1-c) I + c 11^T
  theory_ainf_<d>.npy  the ridgeless student (B Sigma)_dd (Sigma_dd)^{-1}, d = 5, 17, 40
  theory_ainf_rho_17.npy  the same for d = 17 with rho = 0.05: (B Sigma)_dd (Sigma_dd + rho I)^{-1}
computed the way the reference's get_learned_stationary does (SciPy's
Bartels-Stewart solver, then a dense solve).
"""
import os
import sys

import numpy as np
from scipy.linalg import solve_continuous_lyapunov


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    rng = np.random.default_rng(20241128)
    D, c = 40, 0.3
    B = rng.normal(0.0, 0.8 / np.sqrt(D), (D, D)) + 0.3 * np.eye(D, k=1)
    assert np.linalg.eigvals(B).real.max() < 1.0
    N = (1.0 - c) * np.eye(D) + c * np.ones((D, D))
    S = solve_continuous_lyapunov(B - np.eye(D), -N)
    S = 0.5 * (S + S.T)
    np.save(os.path.join(out, "theory_B.npy"), B)
    np.save(os.path.join(out, "theory_sigma.npy"), S)
    G = B @ S
    for d in (5, 17, 40):
        A = np.linalg.solve(S[:d, :d].T, G[:d, :d].T).T
        np.save(os.path.join(out, f"theory_ainf_{d}.npy"), A)
    d, rho = 17, 0.05
    A = np.linalg.solve((S[:d, :d] + rho * np.eye(d)).T, G[:d, :d].T).T
    np.save(os.path.join(out, "theory_ainf_rho_17.npy"), A)


if __name__ == "__main__":
    main()
