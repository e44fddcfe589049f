"""Fig 4 of the paper (SPEC.md §6 "Fig 4"): a MAP student of 25 out of 500 neurons of a
null-overlap low-rank linear teacher (every eigenvalue 0) shows r - 1 eigenvalues near 1:
a spurious line (rank 2) or plane (rank 3) attractor. Usage: fig4.py [D d T] (500 25 30000)."""
import sys

import partobs

D, d, T = map(int, sys.argv[1:4]) if len(sys.argv) > 3 else (500, 25, 30000)
for rank in (2, 3):
    W = partobs.teacher("lowrank", D, rank=rank, scale=0.2, seed=partobs.DEFAULT_SEED + rank)
    X = partobs.simulate(W, T, seed=partobs.DEFAULT_SEED + rank)
    A, info = partobs.fit(X[:, :d])            # the first d neurons; no copy of X
    s = partobs.analyze(A)
    top = s["eigenvalues"][:4, 0]
    print("rank %d: teacher max Re %.3f; student top Re %s; near 1: %d; LAS %.2f"
          % (rank, partobs.analyze(W)["max_real_eigenvalue"], top.round(3),
             (top > 0.9).sum(), s["line_attractor_score"]))
