"""From a recording to a verdict: load Y (T x d, time down the rows) from a .npy file,
fit the MAP student and a latent LDS, and read their slow modes.

Usage: recording.py [Y.npy] [alpha]   (without a file: a simulated recording)
"""
import sys

import numpy as np

import partobs

if len(sys.argv) > 1:
    Y = np.load(sys.argv[1])
    alpha = float(sys.argv[2]) if len(sys.argv) > 2 else 0.01
else:  # 30 of 300 neurons of a random network
    W = partobs.teacher("gaussian", 300, scale=0.8, seed=1)
    Y = partobs.observe(partobs.simulate(W, 5000, seed=2), 30, obs_noise=0.01)
    alpha = 0.01
print("recording: T = %d steps, d = %d neurons" % Y.shape)

W_map, info = partobs.fit(Y, "map", alpha=alpha)
s = partobs.analyze(W_map)
print("MAP student: %d transitions, rcond %.2g" % (info["samples"], info["rcond"]))
print("  slowest time constants (tau): %s" % np.round(s["time_constants"][:3], 2))
print("  line attractor score %.2f (> 1: line-attractor-like)" % s["line_attractor_score"])

A_cont, lds = partobs.fit(Y, "lds", latents=3, iters=30, alpha=alpha)
print("LDS (3 latents): log-likelihood %.1f -> %.1f, time constants %s, LAS %.2f"
      % (lds["log_likelihood"][0], lds["log_likelihood"][-1],
         np.round(lds["time_constants"], 2), lds["line_attractor_score"]))
