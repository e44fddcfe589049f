"""np.tanh per element on 2^16 values, the NumPy twin of bench_phi (CPU time, ns per element)."""
import time

import numpy as np

from benchutil import report

N, REPS = 1 << 16, 200
x = np.random.default_rng(3).normal(0.0, 1.5, N)
y = np.empty_like(x)
t = []
for _ in range(7):
    t0 = time.process_time()
    for _ in range(REPS):
        np.tanh(x, out=y)
    t.append((time.process_time() - t0) / (REPS * N) * 1e9)
report("tanh_phi_apply_ns", t)
