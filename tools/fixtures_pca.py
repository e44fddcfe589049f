#!/usr/bin/env python3
"""NumPy reference values for the PCA helper in tests/test_dyn_helpers.c (SPEC.md §5).

Usage: fixtures_pca.py OUTDIR. Deterministic (fixed seed). Writes
pca_X.npy (300 x 8 correlated activity with a non-zero mean), pca_mean.npy,
pca_comps.npy (the 8 principal directions as rows) and pca_var.npy (the
variance along each, divided by T - 1), computed as sklearn's PCA does: an SVD
of the centred data. The sign of each direction is fixed as partobs documents
it (dyn.h): the entry of largest magnitude is positive.
"""
import os
import sys

import numpy as np


def main(out):
    rng = np.random.default_rng(20241210)
    T, n = 300, 8
    # Correlated columns with distinct variances and an offset.
    mix = rng.standard_normal((n, n)) * np.linspace(3.0, 0.1, n)[:, None]
    X = rng.standard_normal((T, n)) @ mix + np.linspace(-5.0, 5.0, n)
    mean = X.mean(axis=0)
    _, s, vt = np.linalg.svd(X - mean, full_matrices=False)
    for i in range(vt.shape[0]):
        j = np.argmax(np.abs(vt[i]))
        if vt[i, j] < 0:
            vt[i] = -vt[i]
    var = s**2 / (T - 1)
    for name, arr in [("X", X), ("mean", mean), ("comps", vt), ("var", var)]:
        np.save(os.path.join(out, f"pca_{name}.npy"), np.ascontiguousarray(arr, dtype="<f8"))


if __name__ == "__main__":
    main(sys.argv[1])
