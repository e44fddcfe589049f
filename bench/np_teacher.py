"""NumPy/SciPy baseline for bench/bench_teacher.c: the reference get_W steps
(SPEC.md §2) done the way the reference code does them."""
import time

import numpy as np

from benchutil import report as report_times
import scipy.linalg

RUNS = 5


def report(name, fn):
    times = []
    for _ in range(RUNS):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    report_times(name, times)


def haar(n, k=None):
    a = np.random.normal(size=(n, k or n))
    q, r = np.linalg.qr(a)
    return q * np.sign(np.diag(r))


def lowrank(D=5000, r=2, scale=1.0):
    q = haar(D, 2 * r)
    g = np.sqrt(D * scale / np.sqrt(r))
    return (g * q[:, :r]) @ (g * q[:, r:]).T


def gaussian_ortho(D=500):
    w = np.random.normal(0, 0.8 / np.sqrt(D), size=(D, D))
    u = haar(D)
    return u @ w @ u.T


def line_attractor(D=500):
    q = np.random.normal(0, 0.6 / np.sqrt(D), size=(D, D))
    w = (q + q.T) / 2
    _, v = np.linalg.eig(w)
    e = np.linspace(-0.4, 0.4, D)[::-1].copy()
    e[0] = 0.999
    return v @ np.diag(e) @ v.T


def triangular_schur(D=500):
    q = np.random.normal(0, 2.8 / np.sqrt(D), size=(D, D))
    t, z = scipy.linalg.schur(q, output="complex")
    t[np.diag_indices(D)] = 0
    return np.real(z @ t @ z.conj().T)


def lowrank_normal_similarity(D=500):
    e = np.full(D, 0.2)
    e[0] = 0.999
    w = np.eye(D) @ np.diag(e) @ np.eye(D).T
    u = np.random.normal(0, 1 / np.sqrt(D), size=(D, D))
    u /= np.linalg.norm(u, axis=0)
    return u @ w @ np.linalg.inv(u)


report("teacher_lowrank_D5000_r2", lowrank)
report("teacher_gaussian_ortho_D500", gaussian_ortho)
report("teacher_line_attractor_D500", line_attractor)
report("teacher_triangular_schur_D500", triangular_schur)
report("teacher_lowrank_normal_similarity_D500", lowrank_normal_similarity)
