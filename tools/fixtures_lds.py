#!/usr/bin/env python3
"""NumPy reference values for the latent LDS / Kalman EM (include/partobs/fit.h, SPEC.md §4.8),
from the independent reference tools/lds_ref.py. Used by tests/test_lds_ref.c.

Usage: fixtures_lds.py OUTDIR. Deterministic (fixed seeds). Writes into OUTDIR:
  lds_model_<p>.npy   a random stable model, K = 2, d = 5, m = 1, for p in
                      A V b q C F d r mu0 Sigma0 (vectors 1-D)
  lds_Y.npy, lds_U.npy  T = 200 rows sampled from it (U: pulses plus white noise)
  lds_ll.npy          log p(Y) under the model (1 element); lds_xhat.npy: E[x_t | Y] (T x K)
  lds_ll_noinput.npy, lds_xhat_noinput.npy  the same with V and F dropped (m = 0)
  lds_em_<e>_<u>_trace.npy  EM from the PCA initialisation, 10 iterations, K = 2: the 11
                      log-likelihoods, for e in free / orth and u in input / noinput
  lds_em_<e>_<u>_eig.npy    eigenvalues of the final A sorted by descending real part, [re, im] rows
  lds_em_<e>_<u>_A.npy, _C.npy  the final A and C (deterministic EM: comparable directly)
  lds_em_orth_<u>_ctc.npy   the final C^T C (the identity to rounding)
"""
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import lds_ref  # noqa: E402

K, D_OBS, M, T, ITERS = 2, 5, 1, 200, 10


def signal(rng, T):
    s = np.zeros(T)
    s[20:50] = 1.0
    s[80:100] = -2.0
    s[130:170] = np.linspace(0.0, 1.5, 40)
    return (s + 0.1 * rng.standard_normal(T))[:, None]


def main(out):
    rng = np.random.default_rng(20250311)
    p = lds_ref.random_model(rng, K, D_OBS, M)
    U = signal(rng, T)
    _, Y = lds_ref.sample(rng, p, T, U)

    def save(name, arr):
        np.save(os.path.join(out, "lds_%s.npy" % name), np.ascontiguousarray(arr, dtype="<f8"))

    for key in ("A", "V", "b", "q", "C", "F", "d", "r", "mu0", "Sigma0"):
        save("model_" + key, p[key])
    save("Y", Y)
    save("U", U)
    ll, xs, _, _ = lds_ref.loglik_and_smooth(p, Y, U)
    save("ll", [ll])
    save("xhat", xs)
    p0 = dict(p, V=np.zeros((K, 0)), F=np.zeros((D_OBS, 0)))
    ll0, xs0, _, _ = lds_ref.loglik_and_smooth(p0, Y, None)
    save("ll_noinput", [ll0])
    save("xhat_noinput", xs0)
    for emis, tag in (("free", "free"), ("orthonormal", "orth")):
        for UU, utag in ((U, "input"), (None, "noinput")):
            pf, trace = lds_ref.em(Y, UU, K, emis, ITERS)
            if np.min(np.diff(trace)) < 0:
                raise SystemExit("EM log-likelihood decreased (%s %s)" % (emis, utag))
            base = "em_%s_%s_" % (tag, utag)
            save(base + "trace", trace)
            save(base + "eig", lds_ref.sorted_eigs(pf["A"]))
            save(base + "A", pf["A"])
            save(base + "C", pf["C"])
            if emis == "orthonormal":
                save(base + "ctc", pf["C"].T @ pf["C"])


if __name__ == "__main__":
    main(sys.argv[1])
