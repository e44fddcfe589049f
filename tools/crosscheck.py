#!/usr/bin/python3
"""Independent acceptance cross-check of the `partobs` command-line tool.

usage: tools/crosscheck.py path/to/partobs [--quick]

Re-implements the science from SPEC.md with NumPy/SciPy only (never from the C
sources) and drives the CLI in a temporary directory over many seeds, sizes and
options:

  simulate  SPEC §1.1/§1.2 Euler loop (leaky current and rate, linear and tanh,
            several alpha / noise / g, with input) given --ic and --noise-file;
            statistics of the seeded IC and process noise otherwise.
  observe   SPEC §1.3/§3: first d columns, --index, observation-noise std.
  fit       SPEC §4.1 MAP formula with np.linalg.pinv (leaky-rate tanh as in
            include/partobs/fit.h), rho / alpha / burn-in / d / T sweeps.
  analyze   SPEC §5 eigenvalues, time constants, LAS, Henrici, singular values.
  teacher   SPEC §2 invariants of every generator and transform; determinism.
  task      SPEC §7 schedule, ideal, readout, input / readout modes, IC, and the Euler
            residual (SPEC §1.1/§1.2) of `partobs task` for both networks.
  fit lds   include/partobs/fit.h Kalman EM against tools/lds_ref.py: log-likelihood
            trace, A_cont and its eigenvalues, parameters; bad inputs.
  errors    DESIGN §5 bad inputs: exit 1 or 2, one 'partobs: ' stderr line, no
            output; Fortran / float32 / big-endian inputs equal float64 C order.

Prints one line per check ("ok" / "FAIL", with the max deviation) and ends with
"N passed, N failed"; exits 1 if anything failed.
"""
import json
import os
import subprocess
import sys
import tempfile

import numpy as np
from scipy.optimize import linear_sum_assignment

QUICK = "--quick" in sys.argv[1:]
ARGS = [a for a in sys.argv[1:] if a != "--quick"]
if len(ARGS) != 1:
    sys.stderr.write(__doc__)
    sys.exit(2)
EXE = os.path.abspath(ARGS[0])
TMP = tempfile.mkdtemp(prefix="partobs-xcheck-")
os.chdir(TMP)

N_PASS = 0
N_FAIL = 0
FAILS = []


def report(name, ok, dev=None, extra=""):
    global N_PASS, N_FAIL
    dev_s = "" if dev is None else " maxdev=%.3g" % dev
    line = "%s %s%s%s" % ("ok  " if ok else "FAIL", name, dev_s, (" " + extra) if extra else "")
    print(line, flush=True)
    if ok:
        N_PASS += 1
    else:
        N_FAIL += 1
        FAILS.append(line)


def run(*args):
    p = subprocess.run([EXE] + [str(a) for a in args], capture_output=True, text=True)
    return p.returncode, p.stdout, p.stderr


def must(*args):
    rc, out, err = run(*args)
    if rc != 0:
        raise RuntimeError("partobs %s -> %d: %s" % (" ".join(map(str, args)), rc, err.strip()))
    return out


def rel(a, b):
    a = np.asarray(a, dtype=float)
    b = np.asarray(b, dtype=float)
    if a.shape != b.shape:
        return np.inf
    scale = max(np.max(np.abs(b)) if b.size else 0.0, 1e-300)
    return float(np.max(np.abs(a - b)) / scale) if a.size else 0.0


def save(name, arr):
    np.save(name, arr)
    return name


def clean(*names):
    for n in names:
        for f in (n, n + ".manifest.json"):
            if os.path.exists(f):
                os.remove(f)


# ---------------------------------------------------------------------------
# Reference implementations (SPEC.md)
# ---------------------------------------------------------------------------
def ref_simulate(W, T, x0, xi, phi="linear", leaky="current", alpha=0.01, noise=0.2, g=1.0,
                 s=None, w_in=None, v0=0.1):
    """SPEC §1.1: x_{t+1} = x_t + alpha(g W phi(x_t) - x_t + v_t), v_t = v1 xi_t + v0 s_t w_in."""
    f = np.tanh if phi == "tanh" else (lambda z: z)
    D = W.shape[0]
    X = np.empty((T, D))
    X[0] = x0
    for t in range(T - 1):
        x = X[t]
        rec = g * (W @ f(x)) if leaky == "current" else f(g * (W @ x))
        v = noise * xi[t]
        if s is not None:
            v = v + v0 * s[t] * w_in
        X[t + 1] = x + alpha * (rec - x + v)
    return X


def ridge_problem(Y, phi, leaky, alpha, burn):
    """The MAP regression of SPEC §4.1 (leaky-rate tanh as in include/partobs/fit.h)
    written as target ~ W_hat @ regressor: returns (target, regressor), d x (T-1)."""
    Y = Y[burn:]
    X = Y[:-1].T
    Xp = Y[1:].T
    if leaky == "rate" and phi == "tanh":
        delta = (Xp - (1 - alpha) * X) / alpha
        return alpha * np.arctanh(np.clip(delta, -1 + 1e-6, 1 - 1e-6)), alpha * X
    return Xp - (1 - alpha) * X, alpha * (np.tanh(X) if phi == "tanh" else X)


def ref_fit(Y, phi="linear", leaky="current", alpha=0.01, rho=1e-3, burn=0):
    """SPEC §4.1 with numpy's pinv."""
    tgt, R = ridge_problem(Y, phi, leaky, alpha, burn)
    d = R.shape[0]
    return tgt @ R.T @ np.linalg.pinv(rho * np.eye(d) + R @ R.T)


ILL = []


def ref_fit_lstsq(Y, phi="linear", leaky="current", alpha=0.01, rho=1e-3, burn=0):
    """The same ridge problem solved as augmented least squares [R^T; sqrt(rho) I]."""
    tgt, R = ridge_problem(Y, phi, leaky, alpha, burn)
    d = R.shape[0]
    A = np.vstack([R.T, np.sqrt(rho) * np.eye(d)])
    B = np.vstack([tgt.T, np.zeros((d, d))])
    return np.linalg.lstsq(A, B, rcond=None)[0].T


def ref_analyze(W):
    lam = np.linalg.eigvals(W)
    order = np.lexsort((-lam.imag, -lam.real))
    lam = lam[order]
    with np.errstate(divide="ignore"):
        tau = 1.0 / np.abs(1.0 - lam.real)
    n = W.shape[0]
    if n < 2 or abs(lam[0].imag) > 0 or tau[0] == tau[1]:
        las = 0.0
    else:
        with np.errstate(divide="ignore", invalid="ignore"):
            las = np.log2(tau[0] / tau[1])
    fro2 = np.sum(W * W)
    hen = np.sqrt(abs(fro2 - np.sum(np.abs(lam) ** 2))) / np.sqrt(fro2) if fro2 > 0 else 0.0
    sv = np.linalg.svd(W, compute_uv=False)
    return lam, tau, las, hen, sv


def match_dev(a, b):
    """Max distance after the optimal one-to-one matching of two eigenvalue sets."""
    if len(a) != len(b):
        return np.inf
    C = np.abs(a[:, None] - b[None, :])
    r, c = linear_sum_assignment(C)
    return float(C[r, c].max())


# ---------------------------------------------------------------------------
# teacher helpers
# ---------------------------------------------------------------------------
GENS = ["gaussian", "symmetric", "line-attractor", "triangular", "chain", "lowrank",
        "lowrank-osc", "lowrank-normal", "lowrank-random"]


def teacher(net, D, seed, *opts, name="W.npy"):
    must("teacher", "--net", net, "--D", D, "--seed", seed, *opts, "-o", name)
    return np.load(name)


# ===========================================================================
# 1. simulate
# ===========================================================================
def check_simulate():
    rng = np.random.default_rng(101)
    seeds = [1, 7] if QUICK else [1, 7, 23, 40, 41]
    cases = []
    for si, seed in enumerate(seeds):
        for gi, net in enumerate(GENS):
            D = int(rng.integers(3, 40))
            extra = []
            if net == "chain":
                D = max(D, 6)  # skip-interval must be 1..D-2 (include/partobs/teacher.h)
                extra = ["--skip-interval", 1 + (seed % 3), "--skip-scale", 0.5]
            if net in ("lowrank", "lowrank-random", "lowrank-normal"):
                extra = ["--rank", 1 + seed % 3]
                D = max(D, 4)
            if net == "lowrank":
                extra += ["--scale", 0.05]  # keep the O(D) entries from blowing up
            if net == "triangular":
                extra = ["--scale", 1.0]
            W = teacher(net, D, seed * 100 + gi, *extra)
            cases.append((net, W))
        # a plain NumPy random W too (not from the CLI)
        D = int(rng.integers(1, 30))
        cases.append(("numpy-random", rng.normal(0, 0.9 / np.sqrt(D), (D, D))))
    # dense, multi-threaded kernel sizes (D >= 256)
    if not QUICK:
        cases.append(("gaussian-D300", teacher("gaussian", 300, 5)))
    cases.append(("gaussian-D260", teacher("gaussian", 260, 9)))
    configs = [
        dict(phi="linear", leaky="current", alpha=0.01, noise=0.2, g=1.0),
        dict(phi="tanh", leaky="current", alpha=0.01, noise=0.2, g=1.0),
        dict(phi="tanh", leaky="rate", alpha=0.05, noise=0.7, g=1.3),
        dict(phi="linear", leaky="rate", alpha=0.2, noise=0.0, g=0.6),
        dict(phi="tanh", leaky="current", alpha=1.0, noise=1.5, g=0.9),
        dict(phi="linear", leaky="current", alpha=0.003, noise=2.0, g=1.0),
    ]
    worst = {}
    for ci, (net, W) in enumerate(cases):
        D = W.shape[0]
        Wf = save("Wsim.npy", W)
        for k, cfg in enumerate(configs):
            if QUICK and (k + ci) % 2:
                continue
            T = int(rng.integers(2, 60 if D > 200 else 400))
            extra_rows = int(rng.integers(0, 3))
            x0 = rng.normal(0, 1.5, D)
            xi = rng.standard_normal((T - 1 + extra_rows, D))
            save("x0.npy", x0 if ci % 3 else x0[:, None] if ci % 2 else x0[None, :])
            save("xi.npy", xi)
            args = ["simulate", "--W", Wf, "--T", T, "--phi", cfg["phi"], "--leaky", cfg["leaky"],
                    "--alpha", cfg["alpha"], "--noise", cfg["noise"], "--g", cfg["g"],
                    "--ic", "x0.npy", "--noise-file", "xi.npy", "--seed", 3 + k, "-o", "X.npy"]
            s = w_in = None
            v0 = 0.1
            if k in (0, 2) and ci % 2 == 0:
                s = rng.normal(0, 1, T - 1 + extra_rows)
                w_in = rng.normal(0, 1, D)
                v0 = [0.1, 0.37][k // 2]
                save("s.npy", s)
                save("win.npy", w_in)
                args += ["--input", "s.npy", "--w-in", "win.npy"]
                if k == 2:
                    args += ["--input-gain", v0]
            if D > 200:
                args += ["--threads", [0, 1, 2][k % 3]]
            rc, _, err = run(*args)
            key = "%s/%s-%s" % (net, cfg["phi"], cfg["leaky"])
            if rc != 0:
                report("simulate exact %s D=%d T=%d" % (key, D, T), False, extra=err.strip())
                continue
            Xc = np.load("X.npy")
            Xn = ref_simulate(W, T, x0, xi, s=s, w_in=w_in, v0=v0, **cfg)
            # The reference's own sensitivity: the same run with W and x0 perturbed at
            # rounding level. Strongly non-normal tanh teachers (lowrank-osc, alpha = 1) are
            # chaotic, and any two exact implementations drift apart there; such runs are
            # compared on the prefix where the perturbed reference still agrees to 1e-12.
            pr = np.random.default_rng(ci * 31 + k)
            Xp = ref_simulate(W * (1 + 4e-16 * pr.standard_normal(W.shape)), T,
                              x0 * (1 + 4e-16 * pr.standard_normal(D)), xi, s=s, w_in=w_in, v0=v0, **cfg)
            scale = max(np.abs(Xn).max(), 1e-300)
            sens_rows = np.max(np.abs(Xp - Xn), axis=1) / scale
            t_ok = int(np.argmax(sens_rows > 1e-12)) if np.any(sens_rows > 1e-12) else T
            dev = rel(Xc[:t_ok], Xn[:t_ok]) if t_ok > 0 else 0.0
            name = "simulate exact %s" % key
            worst.setdefault(name, [0.0, 0, 0])
            worst[name][0] = max(worst[name][0], dev)
            worst[name][1] += 1
            worst[name][2] += t_ok < T
            if not dev <= 1e-10:
                report("simulate exact %s D=%d T=%d (first %d rows) cfg=%s" % (key, D, T, t_ok, cfg), False, dev)
    for name, (dev, n, chaotic) in sorted(worst.items()):
        report("%s (%d runs%s)" % (name, n, "; %d chaotic, compared on their stable prefix" % chaotic
                                   if chaotic else ""), dev <= 1e-10, dev)

    # --- statistics without --ic / --noise-file -------------------------------
    D = 1500 if QUICK else 4000
    save("Wz.npy", np.zeros((D, D)))
    for seed in ([11] if QUICK else [11, 12, 13]):
        for scale in (1.0, 2.5):
            must("simulate", "--W", "Wz.npy", "--T", 2, "--seed", seed, "--ic-scale", scale, "-o", "X.npy")
            x0 = np.load("X.npy")[0]
            m, v = x0.mean(), x0.var()
            ok = abs(m) < 4.5 * scale / np.sqrt(D) and abs(v / scale ** 2 - 1) < 4.5 * np.sqrt(2.0 / D)
            report("simulate x0 ~ N(0, %g^2 I) seed=%d D=%d (mean %.4f, var %.4f)" % (scale, seed, D, m, v),
                   ok, abs(v / scale ** 2 - 1))
    # seeds give different ICs, same seed same IC
    must("simulate", "--W", "Wz.npy", "--T", 2, "--seed", 5, "-o", "Xa.npy")
    must("simulate", "--W", "Wz.npy", "--T", 2, "--seed", 5, "-o", "Xb.npy")
    must("simulate", "--W", "Wz.npy", "--T", 2, "--seed", 6, "-o", "Xc.npy")
    same = open("Xa.npy", "rb").read() == open("Xb.npy", "rb").read()
    diff = open("Xa.npy", "rb").read() != open("Xc.npy", "rb").read()
    report("simulate determinism (same seed same bytes, other seed differs)", same and diff)
    # increment noise std alpha * v1 from a W = 0 run
    Dn, Tn = 60, (2000 if QUICK else 6000)
    save("Wz.npy", np.zeros((Dn, Dn)))
    for seed, (alpha, v1) in enumerate(((0.01, 0.2), (0.05, 0.7), (0.3, 1.3))):
        must("simulate", "--W", "Wz.npy", "--T", Tn, "--alpha", alpha, "--noise", v1, "--seed", 4 + seed,
             "-o", "X.npy")
        X = np.load("X.npy")
        inc = (X[1:] - (1 - alpha) * X[:-1]) / (alpha * v1)  # should be the raw xi
        sd, mu = inc.std(), inc.mean()
        n = inc.size
        lag = np.mean(inc[1:] * inc[:-1])
        cross = np.mean(inc[:, 1:] * inc[:, :-1])
        ok = abs(sd - 1) < 5 / np.sqrt(2 * n) and abs(mu) < 5 / np.sqrt(n) and abs(lag) < 5 / np.sqrt(n) \
            and abs(cross) < 5 / np.sqrt(n)
        report("simulate increment noise std = alpha*v1 (alpha=%g v1=%g: std/(alpha v1) = %.5f, "
               "mean %.2g, lag-1 corr %.2g, neighbour corr %.2g)" % (alpha, v1, sd, mu, lag, cross),
               ok, abs(sd - 1))
    # The seeded streams drive the same equation: with W = 0, alpha = 1, noise 1 the run writes
    # x0 and then the raw xi (x_{t+1} = xi_t); replaying them through the NumPy loop must give the
    # seeded run with any other W and options (the streams do not depend on W).
    for seed, net, D, T, cfg in ((31, "gaussian", 40, 300, dict(phi="tanh", leaky="current", alpha=0.01, noise=0.2)),
                                 (32, "chain", 30, 500, dict(phi="linear", leaky="current", alpha=0.05, noise=0.5)),
                                 (33, "lowrank", 50, 400, dict(phi="tanh", leaky="rate", alpha=0.02, noise=1.0))):
        save("Wz.npy", np.zeros((D, D)))
        must("simulate", "--W", "Wz.npy", "--T", T, "--alpha", 1, "--noise", 1, "--seed", seed, "-o", "Xz.npy")
        Z = np.load("Xz.npy")
        W = teacher(net, D, seed, *(["--scale", 0.05] if net == "lowrank" else []))
        must("simulate", "--W", "W.npy", "--T", T, "--phi", cfg["phi"], "--leaky", cfg["leaky"], "--alpha",
             cfg["alpha"], "--noise", cfg["noise"], "--seed", seed, "-o", "X.npy")
        dev = rel(np.load("X.npy"), ref_simulate(W, T, Z[0], Z[1:], **cfg))
        report("simulate seeded run = NumPy loop on its own streams (%s D=%d T=%d %s)" % (net, D, T, cfg),
               dev < 1e-10, dev)
    if not QUICK:
        # the paper's size: D = 500, T = 30000, d = 25 (SPEC §6 Fig 4 teacher), seeded, then fit
        W = teacher("lowrank", 500, 8, "--rank", 2, "--scale", 0.2)
        save("Wz.npy", np.zeros((500, 500)))
        must("simulate", "--W", "Wz.npy", "--T", 30000, "--alpha", 1, "--noise", 1, "--seed", 8, "-o", "Xz.npy")
        Z = np.load("Xz.npy")
        must("simulate", "--W", "W.npy", "--T", 30000, "--seed", 8, "-o", "X.npy")
        X = np.load("X.npy")
        dev = rel(X, ref_simulate(W, 30000, Z[0], Z[1:]))
        report("simulate paper size (lowrank r=2 scale 0.2, D=500, T=30000) = NumPy loop", dev < 1e-10, dev)
        del Z
        must("observe", "X.npy", "--d", 25, "-o", "Y.npy")
        must("fit", "Y.npy", "-o", "Wh.npy")
        dev = rel(np.load("Wh.npy"), ref_fit(X[:, :25]))
        report("fit paper size (d=25, T=30000, rho=1e-3) = SPEC §4.1 pinv formula", dev < 1e-8, dev)
        # the dense multi-threaded kernel at D = 500 with every --threads choice
        W = teacher("gaussian", 500, 9)
        must("simulate", "--W", "Wz.npy", "--T", 400, "--alpha", 1, "--noise", 1, "--seed", 9, "-o", "Xz.npy")
        Z = np.load("Xz.npy")
        ref = ref_simulate(W, 400, Z[0], Z[1:], phi="tanh")
        for th in (0, 1, 2, 3):
            must("simulate", "--W", "W.npy", "--T", 400, "--phi", "tanh", "--threads", th, "--seed", 9, "-o", "X.npy")
            dev = rel(np.load("X.npy"), ref)
            report("simulate gaussian D=500 tanh --threads %d = NumPy loop" % th, dev < 1e-10, dev)
    # noise 0 and W = 0: pure decay x_t = (1-alpha)^t x0
    x0 = np.random.default_rng(3).normal(size=Dn)
    save("x0.npy", x0)
    save("Wz.npy", np.zeros((Dn, Dn)))
    must("simulate", "--W", "Wz.npy", "--T", 50, "--noise", 0, "--ic", "x0.npy", "-o", "X.npy")
    X = np.load("X.npy")
    ref = (0.99 ** np.arange(50))[:, None] * x0[None, :]
    dev = rel(X, ref)
    report("simulate noise 0, W 0: x_t = (1-alpha)^t x0", dev < 1e-13, dev)


# ===========================================================================
# 2. observe
# ===========================================================================
def check_observe():
    rng = np.random.default_rng(202)
    worst = 0.0
    ok_all = True
    for it in range(6 if QUICK else 20):
        T, D = int(rng.integers(1, 200)), int(rng.integers(1, 70))
        X = rng.normal(0, 3, (T, D))
        save("Xo.npy", X)
        d = int(rng.integers(1, D + 1))
        must("observe", "Xo.npy", "--d", d, "-o", "Y.npy")
        Y = np.load("Y.npy")
        ok = Y.shape == (T, d) and np.array_equal(Y, X[:, :d])
        ok_all &= ok
    report("observe --d: Y == X[:, :d] exactly (random T, D, d incl. d = D)", ok_all)
    ok_all = True
    for it in range(5 if QUICK else 15):
        T, D = int(rng.integers(1, 100)), int(rng.integers(1, 50))
        X = rng.normal(0, 1, (T, D))
        save("Xo.npy", X)
        k = int(rng.integers(1, D + 1))  # d <= D (include/partobs/sim.h), repeats allowed
        idx = rng.integers(0, D, k)
        args = ["observe", "Xo.npy", "--index", ",".join(map(str, idx)), "-o", "Y.npy"]
        if it % 2 and k <= D:  # --d > D is an error even for a list with repeats (docs/cli.md)
            args += ["--d", k]
        rc, _, err = run(*args)
        Y = np.load("Y.npy") if rc == 0 else None
        ok = rc == 0 and Y.shape == (T, k) and np.array_equal(Y, X[:, idx])
        if not ok:
            report("observe --index case %d" % it, False, extra=err.strip())
        ok_all &= ok
    report("observe --index: Y == X[:, idx] exactly (repeats, any order)", ok_all)
    # --index with wrong length for --d, and out of range
    save("Xo.npy", rng.normal(size=(10, 5)))
    rc1, _, _ = run("observe", "Xo.npy", "--index", "0,1", "--d", 3, "-o", "Y.npy")
    rc3, _, err3 = run("observe", "Xo.npy", "--index", "0,1,2,3,4,0", "-o", "Y3.npy")
    report("observe --index longer than D is refused naming --index (rc %d: %s)" % (rc3, err3.strip()),
           rc3 == 1 and "--index" in err3 and "--d " not in err3 and not os.path.exists("Y3.npy"))
    rc2, _, _ = run("observe", "Xo.npy", "--index", "0,5", "-o", "Y2.npy")
    report("observe --index errors (length != d: rc %d; out of range: rc %d)" % (rc1, rc2),
           rc1 in (1, 2) and rc2 in (1, 2) and not os.path.exists("Y2.npy"))
    # observation noise
    T, D, d = (4000, 12, 9) if QUICK else (20000, 12, 9)
    X = rng.normal(0, 1, (T, D))
    save("Xo.npy", X)
    for s_obs in (0.0, 0.05, 1.7):
        for seed in (1, 2):
            must("observe", "Xo.npy", "--d", d, "--obs-noise", s_obs, "--seed", seed, "-o", "Y%d.npy" % seed)
        E1 = np.load("Y1.npy") - X[:, :d]
        E2 = np.load("Y2.npy") - X[:, :d]
        if s_obs == 0:
            report("observe --obs-noise 0 adds nothing", not E1.any() and not E2.any())
            continue
        n = E1.size
        sd = E1.std() / s_obs
        ok = abs(sd - 1) < 5 / np.sqrt(2 * n) and abs(E1.mean()) < 5 * s_obs / np.sqrt(n) \
            and not np.array_equal(E1, E2) and abs(np.mean(E1 * E2)) < 5 * s_obs ** 2 / np.sqrt(n)
        report("observe --obs-noise %g: std ratio %.5f, mean %.2g, seeds independent" % (s_obs, sd, E1.mean()),
               ok, abs(sd - 1))


# ===========================================================================
# 3. fit
# ===========================================================================
def check_fit():
    rng = np.random.default_rng(303)
    worst = {}

    def one(Y, Yname, phi, leaky, alpha, rho, burn, tag):
        rc, _, err = run("fit", Yname, "--method", "map", "--phi", phi, "--leaky", leaky, "--alpha", alpha,
                         "--rho", rho, "--burn-in", burn, "-o", "Wh.npy")
        key = "fit %s %s-%s" % (tag, phi, leaky)
        if rc != 0:
            report("%s T=%d d=%d alpha=%g rho=%g burn=%d" % (key, Y.shape[0], Y.shape[1], alpha, rho, burn),
                   False, extra=err.strip())
            return
        Wc = np.load("Wh.npy")
        Wn = ref_fit(Y, phi, leaky, alpha, rho, burn)
        dev = rel(Wc, Wn)
        if dev > 1e-8:
            # Ill-conditioned Gram (tiny rho, T - 1 < d): pinv itself is only accurate to
            # ~cond * eps. Judge both against the better-conditioned augmented least squares
            # (cond = sqrt(cond(M))) and accept C if it is no less accurate than pinv.
            Wa = ref_fit_lstsq(Y, phi, leaky, alpha, rho, burn)
            dc, dp = rel(Wc, Wa), rel(Wn, Wa)
            tag2 = "%s T=%d d=%d alpha=%g rho=%g: C vs pinv %.2g, C vs lstsq %.2g, pinv vs lstsq %.2g" % (
                key, Y.shape[0], Y.shape[1], alpha, rho, dev, dc, dp)
            accepted = dc <= max(1e-8, 2 * dp)
            ILL.append(("accepted: " if accepted else "REJECTED: ") + tag2)
            worst.setdefault(key, [0.0, 0, "", 0, 0])
            worst[key][1] += 1
            worst[key][3] += 1
            worst[key][4] += not accepted
            return
        worst.setdefault(key, [0.0, 0, "", 0, 0])
        if dev > worst[key][0]:
            worst[key][0] = dev
            worst[key][2] = "T=%d d=%d alpha=%g rho=%g burn=%d" % (Y.shape[0], Y.shape[1], alpha, rho, burn)
        worst[key][1] += 1

    # (a) the CLI's own activity: teacher -> simulate -> observe
    nets = GENS * 2 if not QUICK else ["chain", "lowrank", "gaussian", "lowrank-osc"]
    for gi, net in enumerate(nets):
        D = int(rng.integers(10, 80))
        extra = ["--scale", 0.05] if net == "lowrank" else []
        teacher(net, D, 40 + gi, *extra)
        for phi, leaky in (("linear", "current"), ("tanh", "current"), ("tanh", "rate")):
            T = int(rng.integers(50, 3000))
            must("simulate", "--W", "W.npy", "--T", T, "--phi", phi, "--leaky", leaky, "--seed", gi, "-o", "X.npy")
            d = int(rng.integers(1, min(D, 60) + 1))
            must("observe", "X.npy", "--d", d, "-o", "Y.npy")
            Y = np.load("Y.npy")
            for alpha, rho, burn in ((0.01, 1e-3, 0), (0.01, 0.0, 0), (0.05, 0.3, 7), (1.0, 1e-3, 20),
                                     (0.01, 1e-6, 100)):
                if QUICK and rng.random() < 0.5:
                    continue
                one(Y, "Y.npy", phi, leaky, alpha, rho, min(burn, T - 2), "cli-Y")
    # (b) random Y, extreme sizes: d 1..60, T from 2 up (rank-deficient Gram when rho > 0)
    sizes = [(2, 1), (2, 5), (3, 60), (5, 3), (61, 60), (400, 60), (1000, 1), (50, 37)]
    if not QUICK:
        sizes += [(2, 60), (10, 10), (200, 45), (5000, 20), (7, 2)]
    for T, d in sizes:
        Y = rng.normal(0, 0.5, (T, d))
        save("Yr.npy", Y)
        for phi, leaky in (("linear", "current"), ("tanh", "current"), ("tanh", "rate"), ("linear", "rate")):
            for alpha, rho in ((0.01, 1e-3), (0.1, 2.0), (0.5, 1e-8)):
                if QUICK and rng.random() < 0.5:
                    continue
                one(Y, "Yr.npy", phi, leaky, alpha, rho, 0, "random-Y")
    # (c) rho = 0 with a full-rank Gram (T - 1 >= d), and burn-in leaving exactly 2 rows
    for T, d in ((40, 10), (300, 60), (3, 1)):
        Y = rng.normal(0, 1, (T, d))
        save("Yr.npy", Y)
        one(Y, "Yr.npy", "linear", "current", 0.01, 0.0, 0, "rho0-fullrank")
        one(Y, "Yr.npy", "tanh", "current", 0.2, 0.0, 0, "rho0-fullrank")
        one(Y, "Yr.npy", "linear", "current", 0.01, 1e-3, T - 2, "burn-to-2-rows")
    for key, (dev, n, where, n_ill, n_bad) in sorted(worst.items()):
        ill = "; %d ill-conditioned judged against lstsq, %d rejected" % (n_ill, n_bad) if n_ill else ""
        report("%s (%d fits; worst at %s%s)" % (key, n, where, ill), dev <= 1e-8 and n_bad == 0, dev)
    for t in ILL:
        print("     note: ill-conditioned fit, %s" % t)


# ===========================================================================
# 4. analyze
# ===========================================================================
def check_analyze():
    rng = np.random.default_rng(404)
    mats = []
    for n in [1, 2, 3, 5, 10, 30, 60] + ([] if QUICK else [100, 150]):
        mats.append(("gaussian n=%d" % n, rng.normal(0, 1.0 / np.sqrt(n), (n, n))))
        Q = rng.normal(0, 1, (n, n))
        mats.append(("symmetric n=%d" % n, (Q + Q.T) / (2 * np.sqrt(n))))
    # a real top eigenvalue with a gap (LAS > 0), a complex top pair, a normal matrix
    Q, _ = np.linalg.qr(rng.normal(size=(8, 8)))
    mats.append(("normal real spectrum", Q @ np.diag([0.95, 0.5, 0.3, 0.1, -0.2, -0.5, 0.7, 0.0]) @ Q.T))
    R = np.array([[0.9, -0.3], [0.3, 0.9]])
    M = np.zeros((6, 6))
    M[:2, :2] = R
    M[2:, 2:] = np.diag([0.5, 0.2, -0.1, 0.4])
    S = rng.normal(size=(6, 6))
    mats.append(("complex top pair (similar)", S @ M @ np.linalg.inv(S)))
    mats.append(("2x2 rotation", np.array([[0.0, -1.0], [1.0, 0.0]])))
    mats.append(("n=1", np.array([[0.37]])))
    mats.append(("zeros 4x4", np.zeros((4, 4))))
    mats.append(("scaled teacher lowrank-random", teacher("lowrank-random", 40, 3)))
    mats.append(("teacher symmetric D=50", teacher("symmetric", 50, 8)))
    mats.append(("teacher gaussian D=80", teacher("gaussian", 80, 9)))
    for name, W in mats:
        for order in ("C", "F"):
            save("Wa.npy", np.asfortranarray(W) if order == "F" else W)
            rc, _, err = run("analyze", "Wa.npy", "--json", "r.json")
            if rc != 0:
                report("analyze %s (%s)" % (name, order), False, extra=err.strip())
                continue
            r = json.load(open("r.json"))
            lam, tau, las, hen, sv = ref_analyze(W)
            ev = np.array([complex(a, b) for a, b in r["eigenvalues"]])
            nrm = max(np.linalg.norm(W, 2), 1e-300)
            d_eig = match_dev(ev, lam) / nrm
            # order: descending real part (ties within rounding allowed)
            order_ok = len(ev) == len(lam) and bool(np.all(np.diff(ev.real) <= 1e-12 * nrm))
            # ties (a conjugate pair): positive imaginary part first
            order_ok &= all(ev[i].imag > ev[i + 1].imag for i in range(len(ev) - 1)
                            if ev[i].real == ev[i + 1].real and ev[i].imag != 0)
            # complex eigenvalues come in conjugate pairs
            conj_ok = match_dev(ev, ev.conj()) <= 1e-12 * nrm
            tc = np.array([np.inf if t is None else t for t in r["time_constants"]])
            tau_ok = len(tc) == len(ev) and np.allclose(tc, 1.0 / np.abs(1.0 - ev.real), rtol=1e-12)
            d_tau = rel(np.sort(tc), np.sort(tau))
            las_c = r["line_attractor_score"]
            d_las = abs(las_c - las) if las_c is not None else (0 if not np.isfinite(las) else np.inf)
            d_hen = abs(r["henrici"] - hen)
            d_sv = rel(r["singular_values"], sv)
            n_ok = r.get("n") == W.shape[0]
            mre_ok = abs(r["max_real_eigenvalue"] - lam[0].real) <= 1e-9 * nrm
            ok = (d_eig < 1e-9 and order_ok and conj_ok and tau_ok and d_tau < 1e-6 and d_las < 1e-6
                  and d_hen < 1e-6 and d_sv < 1e-12 and n_ok and mre_ok)
            report("analyze %s (%s order): eig %.1e tau %.1e LAS %.1e (%.4g) henrici %.1e sv %.1e%s"
                   % (name, order, d_eig, d_tau, d_las, las, d_hen, d_sv,
                      "" if order_ok and conj_ok and tau_ok and n_ok and mre_ok else
                      " [order %s conj %s tau %s n %s maxre %s]" % (order_ok, conj_ok, tau_ok, n_ok, mre_ok)),
                   ok, max(d_eig, d_tau, d_las, d_hen, d_sv))
    # tau = Inf: Re lambda = 1 exactly -> null
    # LAS: Inf/Inf is 0 (include/partobs/dyn.h: equal top time constants), Inf/finite is null
    cases = [("identity 3", np.eye(3), [None, None, None], 0.0),
             ("identity 1", np.eye(1), [None], 0.0),
             ("diag(1, 0.5, -0.5)", np.diag([1.0, 0.5, -0.5]), [None, 2.0, 2 / 3], None),
             ("diag(0.5, 1, 0) permuted", np.diag([0.5, 1.0, 0.0])[[2, 0, 1]][:, [2, 0, 1]], [None, 2.0, 1.0], None),
             ("diag(0.5, 0.75)", np.diag([0.5, 0.75]), [4.0, 2.0], 1.0)]
    for name, W, want_tau, want_las in cases:
        save("Wa.npy", W)
        rc, _, err = run("analyze", "Wa.npy", "--json", "r.json")
        if rc != 0:
            report("analyze tau=Inf %s" % name, False, extra=err.strip())
            continue
        txt = open("r.json").read()
        r = json.loads(txt)
        tc = r["time_constants"]
        ok_tau = len(tc) == len(want_tau) and all(
            (a is None and b is None) or (a is not None and b is not None and abs(a - b) < 1e-12 * b)
            for a, b in zip(tc, want_tau))
        las = r["line_attractor_score"]
        ok_las = (las is None and want_las is None) or (las is not None and want_las is not None
                                                           and abs(las - want_las) < 1e-12)
        ok_json = "Infinity" not in txt and "NaN" not in txt and "nan" not in txt.lower().replace("null", "")
        report("analyze %s: time_constants %s LAS %s (JSON has no Inf/NaN)" % (name, tc, las),
               ok_tau and ok_las and ok_json)


# ===========================================================================
# 5. teacher
# ===========================================================================
def check_teacher():
    seeds = [3, 77] if QUICK else [3, 77, 1234, 99999]
    for seed in seeds:
        # gaussian
        for D, sc, nsl in ((400, 0.8, False), (300, 1.7, True)):
            W = teacher("gaussian", D, seed, "--scale", sc, *(["--no-self-loops"] if nsl else []))
            vals = W[~np.eye(D, dtype=bool)] if nsl else W.ravel()
            sd = vals.std() * np.sqrt(D) / sc
            n = vals.size
            ok = abs(sd - 1) < 5 / np.sqrt(2 * n) and abs(vals.mean()) < 5 * sc / np.sqrt(D * n) \
                and (not nsl or not np.diag(W).any())
            report("teacher gaussian D=%d scale=%g%s seed=%d: entry std*sqrt(D)/scale = %.4f"
                   % (D, sc, " no-self-loops" if nsl else "", seed, sd), ok, abs(sd - 1))
        # symmetric
        for D, sc, nsl in ((300, 0.6, False), (200, 1.1, True)):
            W = teacher("symmetric", D, seed, "--scale", sc, *(["--no-self-loops"] if nsl else []))
            off = W[np.triu_indices(D, 1)]
            sd = off.std() * np.sqrt(2 * D) / sc  # (Q + Q^T)/2: off-diagonal std scale/sqrt(2D)
            dg = np.diag(W)
            ok = np.array_equal(W, W.T) and abs(sd - 1) < 5 / np.sqrt(2 * off.size)
            if nsl:
                ok &= not dg.any()
            else:
                sdd = dg.std() * np.sqrt(D) / sc
                ok &= abs(sdd - 1) < 6 / np.sqrt(2 * D)
            report("teacher symmetric D=%d scale=%g%s seed=%d: W == W^T exactly, off-diag std ratio %.4f"
                   % (D, sc, " no-self-loops" if nsl else "", seed, sd), ok, abs(sd - 1))
        # line attractor
        for D in (2, 7, 120):
            W = teacher("line-attractor", D, seed)
            ev = np.sort(np.linalg.eigvalsh((W + W.T) / 2))[::-1]
            want = np.sort(np.r_[0.999, 0.4 - 0.8 * np.arange(1, D) / (D - 1)])[::-1]
            dev = np.max(np.abs(ev - want))
            asym = np.max(np.abs(W - W.T))
            report("teacher line-attractor D=%d seed=%d: spectrum {0.999} u linspace, symmetric (asym %.1e)"
                   % (D, seed, asym), dev < 1e-12 and asym < 1e-14, dev)
        # triangular
        for D, sc, dc in ((200, 3.0, 0.0), (150, 1.3, 0.25)):
            W = teacher("triangular", D, seed, "--scale", sc, "--diagonal-comp", dc)
            up = W[np.triu_indices(D, 1)]
            sd = up.std() * np.sqrt(D) / sc
            ok = not np.tril(W, -1).any() and np.all(np.diag(W) == dc) and abs(sd - 1) < 5 / np.sqrt(2 * up.size)
            report("teacher triangular D=%d scale=%g diag=%g seed=%d: strictly upper + diag, std ratio %.4f"
                   % (D, sc, dc, seed, sd), ok, abs(sd - 1))
        W = teacher("triangular", 120, seed, "--use-schur", "--scale", 2.8)
        tr = abs(np.trace(W)) / np.linalg.norm(W)
        lower = np.abs(np.tril(W, -1)).max()
        report("teacher triangular --use-schur D=120 seed=%d: real, trace 0 (diag comp 0), not triangular"
               % seed, np.all(np.isfinite(W)) and tr < 1e-12 and lower > 1e-3, tr)
        # lowrank (null overlap)
        for D, r, sc in ((100, 2, 1.0), (150, 3, 0.2), (60, 1, 0.4)):
            W = teacher("lowrank", D, seed, "--rank", r, "--scale", sc)
            sv = np.linalg.svd(W, compute_uv=False)
            g2 = D * sc / np.sqrt(r)
            d_sv = np.max(np.abs(sv[:r] - g2)) / g2
            tail = sv[r] / g2 if D > r else 0.0
            nil = np.linalg.norm(W @ W) / np.linalg.norm(W) ** 2
            report("teacher lowrank D=%d rank=%d scale=%g seed=%d: sv[:r] = gamma^2 (%.3g), rank r (tail %.1e), "
                   "W^2 = 0 (%.1e)" % (D, r, sc, seed, g2, tail, nil), d_sv < 1e-12 and tail < 1e-13 and nil < 1e-13,
                   d_sv)
        # lowrank-osc
        for D, ss in ((100, 12.0), (40, 3.0)):
            W = teacher("lowrank-osc", D, seed, "--shift-scale", ss)
            U, s, Vt = np.linalg.svd(W)
            small = np.diag(s[:2]) @ Vt[:2] @ U[:, :2]
            ev = np.linalg.eigvals(small)
            dev = match_dev(ev, np.array([0.5 + 0.5j, 0.5 - 0.5j]))
            tail = s[2] / s[0]
            report("teacher lowrank-osc D=%d shift=%g seed=%d: rank 2 (tail %.1e), non-zero eigenvalues 0.5 +- 0.5i, "
                   "||W||_2 = %.3g" % (D, ss, seed, tail, s[0]), dev < 1e-9 and tail < 1e-13, dev)
        # lowrank-normal
        for D, r, mx, mn, diag in ((50, 2, 0.999, 0.2, False), (30, 30, 0.999, 0.2, False), (40, 5, 0.7, -0.3, False),
                                   (20, 3, 0.9, 0.1, True), (10, 10, 0.999, 0.2, True)):
            W = teacher("lowrank-normal", D, seed, "--rank", r, "--max-eval", mx, "--min-eval", mn,
                        *(["--diagonal"] if diag else []))
            want = np.sort(np.r_[mx, np.full(r - 1, mn), np.zeros(D - r)])[::-1]
            ev = np.sort(np.linalg.eigvalsh((W + W.T) / 2))[::-1]
            dev = np.max(np.abs(ev - want))
            asym = np.max(np.abs(W - W.T))
            ok = dev < 1e-12 and asym < 1e-14
            if diag:
                ok &= np.array_equal(W, np.diag(np.r_[mx, np.full(r - 1, mn), np.zeros(D - r)]))
            report("teacher lowrank-normal D=%d rank=%d (%g, %g)%s seed=%d: spectrum, symmetric (asym %.1e)"
                   % (D, r, mx, mn, " diagonal (exact)" if diag else "", seed, asym), ok, dev)
        # lowrank-random
        for D, r, sc in ((400, 2, 1.0), (300, 4, 0.3)):
            W = teacher("lowrank-random", D, seed, "--rank", r, "--scale", sc)
            sv = np.linalg.svd(W, compute_uv=False)
            fro = np.linalg.norm(W) / (sc * np.sqrt(r))
            tail = sv[r] / sv[0]
            report("teacher lowrank-random D=%d rank=%d scale=%g seed=%d: rank r (tail %.1e), ||W||_F/(scale sqrt r) = "
                   "%.3f, sv/scale %s" % (D, r, sc, seed, tail, fro, np.round(sv[:r] / sc, 2)),
                   tail < 1e-13 and abs(fro - 1) < 0.25 and np.all(np.abs(sv[:r] / sc - 1) < 0.4), abs(fro - 1))
        # chain, exact entries
        for D, sc, dc, k, b in ((12, 1.0, 0.0, 0, 0.5), (12, 1.0, 0.0, 1, 0.5), (17, 0.7, 0.3, 3, 0.25),
                                (9, 2.0, -0.1, 2, 1.0), (1, 1.0, 0.0, 0, 0.5), (3, 1.0, 0.0, 1, 0.5),
                                (30, 1.0, 0.0, 28, 0.5), (30, 1.0, 0.0, 14, 0.5)):
            W = teacher("chain", D, seed, "--scale", sc, "--diagonal-comp", dc, "--skip-interval", k,
                        "--skip-scale", b)
            want = np.zeros((D, D))
            if k > 0:
                want[0, 1 + k::k] = b
            want += sc * np.eye(D, k=1) + dc * np.eye(D)
            report("teacher chain D=%d scale=%g diag=%g skip-interval=%d skip-scale=%g: exact entries"
                   % (D, sc, dc, k, b), np.array_equal(W, want), float(np.max(np.abs(W - want))) if W.shape == want.shape else np.inf)

    # transforms on a deterministic base (lowrank-normal --diagonal) and on random ones
    for seed in seeds:
        D = 40
        base = teacher("lowrank-normal", D, seed, "--rank", D, "--diagonal", "--max-eval", 0.999, "--min-eval", 0.2,
                       name="B.npy")
        # give it a distinct spectrum: use chain-free generators below for perm recovery
        Wo = teacher("lowrank-normal", D, seed, "--rank", D, "--diagonal", "--ortho", name="O.npy")
        ev = np.sort(np.linalg.eigvalsh((Wo + Wo.T) / 2))
        dev = np.max(np.abs(ev - np.sort(np.diag(base))))
        report("teacher --ortho keeps the spectrum, stays symmetric (lowrank-normal diagonal D=%d seed=%d)" % (D, seed),
               dev < 1e-12 and np.max(np.abs(Wo - Wo.T)) < 1e-14 and not np.allclose(Wo, base), dev)
        Ws = teacher("lowrank-normal", D, seed, "--rank", D, "--diagonal", "--similarity", name="S.npy")
        ev = np.linalg.eigvals(Ws)
        dev = match_dev(ev, np.diag(base).astype(complex))
        report("teacher --similarity keeps the spectrum (seed=%d), non-symmetric" % seed,
               dev < 1e-8 and np.max(np.abs(Ws - Ws.T)) > 1e-3, dev)
        for net, extra in (("gaussian", []), ("lowrank-random", []), ("symmetric", []),
                           ("chain", ["--skip-interval", 1]), ("lowrank", ["--rank", 2])):
            B = teacher(net, 50, seed, *extra, name="B.npy")
            P = teacher(net, 50, seed, *extra, "--perm", name="P.npy")
            O = teacher(net, 50, seed, *extra, "--ortho", name="O.npy")
            Sm = teacher(net, 50, seed, *extra, "--similarity", name="S.npy")
            # P W P^T has the same multiset of entries, per row and column
            ok_perm = np.array_equal(np.sort(P.ravel()), np.sort(B.ravel())) and \
                np.array_equal(np.sort(np.diag(P)), np.sort(np.diag(B)))
            if ok_perm and net in ("gaussian", "symmetric", "lowrank-random"):
                # recover the permutation from the (distinct) diagonal: P[i,i] = B[p(i), p(i)]
                p = np.array([int(np.flatnonzero(np.diag(B) == v)[0]) for v in np.diag(P)])
                ok_perm = len(set(p)) == 50 and np.array_equal(P, B[np.ix_(p, p)])
            if ok_perm and net == "chain":
                ok_perm = not np.array_equal(P, B)
            report("teacher %s --perm D=50 seed=%d: W' = P W P^T exactly" % (net, seed), ok_perm)
            if net in ("gaussian", "symmetric", "lowrank-random"):
                same_base = True
            else:
                same_base = True
            sv_dev = rel(np.linalg.svd(O, compute_uv=False), np.linalg.svd(B, compute_uv=False))
            if net in ("chain", "lowrank"):  # nilpotent, defective: compare W^2 / W^3 norms instead of eigenvalues
                k = 2 if net == "lowrank" else 50
                nz = np.linalg.norm(np.linalg.matrix_power(O, k)) / max(np.linalg.norm(O), 1) ** k
                ev_dev_o = nz
                nzs = np.linalg.norm(np.linalg.matrix_power(Sm, k)) / max(np.linalg.norm(Sm), 1) ** k
                ev_dev_s = nzs if net == "lowrank" else 0.0
                tol_s = 1e-10
            else:
                ev_dev_o = match_dev(np.linalg.eigvals(O), np.linalg.eigvals(B))
                ev_dev_s = match_dev(np.linalg.eigvals(Sm), np.linalg.eigvals(B)) / np.linalg.norm(B, 2)
                tol_s = 1e-8
            report("teacher %s --ortho seed=%d: same spectrum (%.1e) and singular values (%.1e)"
                   % (net, seed, ev_dev_o, sv_dev), ev_dev_o < 1e-10 and sv_dev < 1e-12 and same_base,
                   max(ev_dev_o, sv_dev))
            report("teacher %s --similarity seed=%d: same spectrum" % (net, seed), ev_dev_s < tol_s, ev_dev_s)
    # determinism: same seed identical bytes, other seed different
    for net in GENS:
        ex = []
        outs = []
        for seed, name in ((5, "a.npy"), (5, "b.npy"), (6, "c.npy")):
            must("teacher", "--net", net, "--D", 30, "--seed", seed, "--ortho", "-o", name)
            outs.append(open(name, "rb").read())
        report("teacher %s determinism (same seed same bytes, other seed differs)" % net,
               outs[0] == outs[1] and outs[0] != outs[2])
        if net in ("gaussian", "symmetric", "lowrank-random"):
            for f in ("--perm", "--similarity"):
                o = []
                for seed, name in ((5, "a.npy"), (5, "b.npy")):
                    must("teacher", "--net", net, "--D", 30, "--seed", seed, f, "-o", name)
                    o.append(open(name, "rb").read())
                if o[0] != o[1]:
                    report("teacher %s %s determinism" % (net, f), False)


# ===========================================================================
# 6. bad inputs and input formats
# ===========================================================================
def expect_error(name, args, outputs, codes=(1, 2)):
    for o in outputs:
        clean(o)
    # a pre-existing file that the failing command would replace keeps its content
    sentinel = outputs[0] + ".sentinel" if outputs else None
    before = set(os.listdir("."))
    rc, out, err = run(*args)
    lines = err.splitlines()
    after = set(os.listdir("."))
    new = sorted(after - before)
    ok = rc in codes and len(lines) == 1 and lines[0].startswith("partobs: ") and not new
    report("error %s: rc=%d stderr=%r%s" % (name, rc, err.strip()[:110], (" new files %s" % new) if new else ""), ok)
    return ok


def check_errors():
    rng = np.random.default_rng(606)
    D, T = 9, 40
    W = rng.normal(0, 0.3, (D, D))
    x0 = rng.normal(size=D)
    xi = rng.standard_normal((T, D))
    Y = rng.normal(size=(T, 6))
    save("W.npy", W)
    save("x0.npy", x0)
    save("xi.npy", xi)
    save("Y.npy", Y)
    sim = ["simulate", "--W", "W.npy", "--T", T, "--ic", "x0.npy", "--noise-file", "xi.npy", "--phi", "tanh"]
    must(*sim, "-o", "Xref.npy")
    Xref = np.load("Xref.npy")
    must("fit", "Y.npy", "--phi", "tanh", "-o", "Wref.npy")
    Wref = np.load("Wref.npy")
    must("observe", "Xref.npy", "--d", 4, "-o", "Yref.npy")
    Yref = np.load("Yref.npy")
    must("analyze", "W.npy", "--json", "aref.json")
    aref = json.load(open("aref.json"))

    # --- equivalent encodings: Fortran order, float32 (widened), big-endian ---
    variants = [("fortran", lambda a: np.asfortranarray(a)), ("big-endian", lambda a: a.astype(">f8")),
                ("fortran big-endian", lambda a: np.asfortranarray(a.astype(">f8")))]
    for vname, f in variants:
        save("Wv.npy", f(W))
        save("x0v.npy", f(x0))
        save("xiv.npy", f(xi))
        save("Yv.npy", f(Y))
        save("Xv.npy", f(Xref))
        must("simulate", "--W", "Wv.npy", "--T", T, "--ic", "x0v.npy", "--noise-file", "xiv.npy", "--phi", "tanh",
             "-o", "X2.npy")
        must("fit", "Yv.npy", "--phi", "tanh", "-o", "W2.npy")
        must("observe", "Xv.npy", "--d", 4, "-o", "Y2.npy")
        must("analyze", "Wv.npy", "--json", "a2.json")
        a2 = json.load(open("a2.json"))
        ok = (np.array_equal(np.load("X2.npy"), Xref) and np.array_equal(np.load("W2.npy"), Wref)
              and np.array_equal(np.load("Y2.npy"), Yref) and a2["eigenvalues"] == aref["eigenvalues"]
              and a2["singular_values"] == aref["singular_values"])
        report("input %s: simulate/fit/observe/analyze give the float64 C-order results exactly" % vname, ok)
    # float32: the same as float64 of the widened values
    W32, x032, xi32, Y32 = (a.astype(np.float32) for a in (W, x0, xi, Y))
    for a, n in ((W32, "W32.npy"), (x032, "x032.npy"), (np.asfortranarray(xi32), "xi32.npy"), (Y32, "Y32.npy")):
        save(n, a)
    for a, n in ((W32, "W3w.npy"), (x032, "x03w.npy"), (xi32, "xi3w.npy"), (Y32, "Y3w.npy")):
        save(n, a.astype(np.float64))
    must("simulate", "--W", "W32.npy", "--T", T, "--ic", "x032.npy", "--noise-file", "xi32.npy", "-o", "Xa.npy")
    must("simulate", "--W", "W3w.npy", "--T", T, "--ic", "x03w.npy", "--noise-file", "xi3w.npy", "-o", "Xb.npy")
    must("fit", "Y32.npy", "-o", "Wa.npy")
    must("fit", "Y3w.npy", "-o", "Wb.npy")
    Xn = ref_simulate(W32.astype(float), T, x032.astype(float), xi32.astype(float))
    ok = (np.array_equal(np.load("Xa.npy"), np.load("Xb.npy")) and np.array_equal(np.load("Wa.npy"), np.load("Wb.npy"))
          and rel(np.load("Xa.npy"), Xn) < 1e-12)
    report("input float32 (C and Fortran): identical to the widened float64 results", ok)
    # output format: float64, C order, np.save-identical bytes
    Xa = np.load("Xa.npy")
    np.save("resave.npy", Xa)
    report("output .npy is byte-identical to np.save", open("Xa.npy", "rb").read() == open("resave.npy", "rb").read())

    # --- bad inputs --------------------------------------------------------
    bad = {}
    Wn = W.copy()
    Wn[2, 3] = np.nan
    bad["Wnan.npy"] = Wn
    Wi = W.copy()
    Wi[0, 0] = np.inf
    bad["Winf.npy"] = Wi
    bad["Wrect.npy"] = rng.normal(size=(D, D + 1))
    bad["W3d.npy"] = rng.normal(size=(2, 3, 3))
    bad["Wint.npy"] = np.arange(9).reshape(3, 3)
    bad["Wcplx.npy"] = np.eye(3) * (1 + 1j)
    bad["Wf16.npy"] = np.eye(3, dtype=np.float16)
    bad["Wempty.npy"] = np.zeros((0, 0))
    x0n = x0.copy()
    x0n[1] = np.nan
    bad["x0nan.npy"] = x0n
    bad["x0short.npy"] = x0[:-1]
    bad["x0mat.npy"] = np.ones((3, 3))
    xin = xi.copy()
    xin[5, 2] = np.nan
    bad["xinan.npy"] = xin
    bad["xicols.npy"] = rng.standard_normal((T, D + 1))
    bad["xirows.npy"] = rng.standard_normal((T - 2, D))
    Yn = Y.copy()
    Yn[7, 1] = np.nan
    bad["Ynan.npy"] = Yn
    bad["Y1row.npy"] = Y[:1]
    bad["Y3d.npy"] = Y[None]
    for k, v in bad.items():
        np.save(k, v)
    with open("trunc.npy", "wb") as fh:
        fh.write(open("W.npy", "rb").read()[:-13])
    with open("garbage.npy", "wb") as fh:
        fh.write(b"this is not an npy file at all\n" * 4)
    np.save("obj.npy", np.array([{"a": 1}], dtype=object), allow_pickle=True)
    simx = ["--T", T, "--ic", "x0.npy", "--noise-file", "xi.npy"]
    for Wbad in ("Wnan.npy", "Winf.npy", "Wrect.npy", "W3d.npy", "Wint.npy", "Wcplx.npy", "Wf16.npy", "Wempty.npy",
                 "trunc.npy", "garbage.npy", "obj.npy", "missing.npy"):
        expect_error("simulate --W %s" % Wbad, ["simulate", "--W", Wbad] + simx + ["-o", "Xe.npy"], ["Xe.npy"], (1,))
    for ic in ("x0nan.npy", "x0short.npy", "x0mat.npy"):
        expect_error("simulate --ic %s" % ic, ["simulate", "--W", "W.npy", "--T", T, "--ic", ic, "-o", "Xe.npy"],
                     ["Xe.npy"], (1,))
    for nf in ("xinan.npy", "xicols.npy", "xirows.npy"):
        expect_error("simulate --noise-file %s" % nf,
                     ["simulate", "--W", "W.npy", "--T", T, "--noise-file", nf, "-o", "Xe.npy"], ["Xe.npy"], (1,))
    expect_error("simulate --T 1", ["simulate", "--W", "W.npy", "--T", 1, "-o", "Xe.npy"], ["Xe.npy"], (2,))
    expect_error("simulate --T 0", ["simulate", "--W", "W.npy", "--T", 0, "-o", "Xe.npy"], ["Xe.npy"], (2,))
    expect_error("simulate --alpha nan", ["simulate", "--W", "W.npy", "--T", 5, "--alpha", "nan", "-o", "Xe.npy"],
                 ["Xe.npy"], (2,))
    expect_error("simulate --noise -1", ["simulate", "--W", "W.npy", "--T", 5, "--noise", "-1", "-o", "Xe.npy"],
                 ["Xe.npy"], (2,))
    expect_error("simulate --phi relu", ["simulate", "--W", "W.npy", "--T", 5, "--phi", "relu", "-o", "Xe.npy"],
                 ["Xe.npy"], (2,))
    expect_error("simulate --T 1e3", ["simulate", "--W", "W.npy", "--T", "1e3", "-o", "Xe.npy"], ["Xe.npy"], (2,))
    expect_error("simulate --ic with --ic-scale",
                 ["simulate", "--W", "W.npy", "--T", 5, "--ic", "x0.npy", "--ic-scale", 2, "-o", "Xe.npy"],
                 ["Xe.npy"], (2,))
    expect_error("simulate --input without --w-in",
                 ["simulate", "--W", "W.npy", "--T", 5, "--input", "x0.npy", "-o", "Xe.npy"], ["Xe.npy"], (2,))
    save("Xo.npy", Xref)
    expect_error("observe --d > D", ["observe", "Xo.npy", "--d", D + 1, "-o", "Ye.npy"], ["Ye.npy"], (1,))
    expect_error("observe --d 0", ["observe", "Xo.npy", "--d", 0, "-o", "Ye.npy"], ["Ye.npy"])
    expect_error("observe NaN X", ["observe", "Wnan.npy", "--d", 2, "-o", "Ye.npy"], ["Ye.npy"], (1,))
    expect_error("observe 3-D X", ["observe", "W3d.npy", "--d", 2, "-o", "Ye.npy"], ["Ye.npy"], (1,))
    expect_error("observe --obs-noise -0.1", ["observe", "Xo.npy", "--d", 2, "--obs-noise", "-0.1", "-o", "Ye.npy"],
                 ["Ye.npy"], (2,))
    expect_error("fit NaN Y", ["fit", "Ynan.npy", "-o", "We.npy"], ["We.npy"], (1,))
    expect_error("fit T = 1", ["fit", "Y1row.npy", "-o", "We.npy"], ["We.npy"], (1,))
    expect_error("fit 3-D Y", ["fit", "Y3d.npy", "-o", "We.npy"], ["We.npy"], (1,))
    expect_error("fit --burn-in T-1", ["fit", "Y.npy", "--burn-in", T - 1, "-o", "We.npy"], ["We.npy"])
    expect_error("fit --rho -1", ["fit", "Y.npy", "--rho", "-1", "-o", "We.npy"], ["We.npy"], (2,))
    expect_error("fit --alpha 0", ["fit", "Y.npy", "--alpha", "0", "-o", "We.npy"], ["We.npy"], (2,))
    expect_error("fit --alpha 1.5", ["fit", "Y.npy", "--alpha", "1.5", "-o", "We.npy"], ["We.npy"], (2,))
    expect_error("fit --method sgd (unknown)", ["fit", "Y.npy", "--method", "sgd", "-o", "We.npy"], ["We.npy"], (2,))
    expect_error("fit int Y", ["fit", "Wint.npy", "-o", "We.npy"], ["We.npy"], (1,))
    expect_error("analyze rect", ["analyze", "Wrect.npy", "--json", "re.json"], ["re.json"], (1,))
    expect_error("analyze NaN", ["analyze", "Wnan.npy", "--json", "re.json"], ["re.json"], (1,))
    expect_error("analyze --top 0", ["analyze", "W.npy", "--top", 0, "--json", "re.json"], ["re.json"], (2,))
    expect_error("teacher unknown net", ["teacher", "--net", "bogus", "--D", 5, "-o", "Te.npy"], ["Te.npy"], (2,))
    expect_error("teacher --D 0", ["teacher", "--net", "gaussian", "--D", 0, "-o", "Te.npy"], ["Te.npy"], (2,))
    expect_error("teacher option of another generator",
                 ["teacher", "--net", "gaussian", "--D", 5, "--rank", 2, "-o", "Te.npy"], ["Te.npy"], (2,))
    expect_error("teacher --seed -3", ["teacher", "--net", "gaussian", "--D", 5, "--seed", "-3", "-o", "Te.npy"],
                 ["Te.npy"], (2,))
    expect_error("teacher --D 5x", ["teacher", "--net", "gaussian", "--D", "5x", "-o", "Te.npy"], ["Te.npy"], (2,))
    expect_error("unknown command", ["frobnicate"], [], (2,))
    # a failing command leaves an existing output file untouched
    with open("keep.npy", "wb") as fh:
        fh.write(b"old content")
    rc, _, _ = run("fit", "Ynan.npy", "-o", "keep.npy")
    report("failed fit leaves an existing output untouched (rc=%d)" % rc,
           rc == 1 and open("keep.npy", "rb").read() == b"old content" and not os.path.exists("keep.npy.manifest.json"))
    # --noise-file with exactly T-1 rows is accepted
    save("xim1.npy", xi[:T - 1])
    rc, _, err = run("simulate", "--W", "W.npy", "--T", T, "--ic", "x0.npy", "--noise-file", "xim1.npy", "--phi",
                     "tanh", "-o", "Xm.npy")
    report("simulate --noise-file with exactly T-1 rows accepted, same X",
           rc == 0 and np.array_equal(np.load("Xm.npy"), Xref), extra=err.strip())
    # a 1-D Y is a T x 1 matrix
    save("Y1d.npy", Y[:, 0])
    rc, _, err = run("fit", "Y1d.npy", "-o", "W1d.npy")
    ok = rc == 0 and rel(np.load("W1d.npy"), ref_fit(Y[:, :1])) < 1e-12
    report("fit with a 1-D Y (T x 1)", ok, extra=err.strip())


# ===========================================================================
# 6. theory and curves (SPEC §4.3, §5): SciPy's Lyapunov solver, NumPy per d
# ===========================================================================
def ref_theory(W, d, rho=0.0, c=0.0):
    import scipy.linalg as sl
    D = W.shape[0]
    N = (1 - c) * np.eye(D) + c * np.ones((D, D))
    S = sl.solve_continuous_lyapunov(W - np.eye(D), -N)
    return (W @ S)[:d, :d] @ np.linalg.inv(S[:d, :d] + rho * np.eye(d))


def ref_overlap(x, y):
    L = min(len(x), len(y))
    x, y = x[:L], y[:L]
    nx, ny = np.linalg.norm(x), np.linalg.norm(y)
    return 0.0 if nx == 0 or ny == 0 else abs(np.vdot(x / nx, y / ny).real)


def check_theory():
    cases = [("chain", 60, 1, (), 7), ("chain", 60, 2, ("--skip-interval", 1, "--skip-scale", 0.5, "--ortho"), 10),
             ("lowrank", 80, 3, ("--rank", 2, "--scale", 0.2), 8), ("symmetric", 50, 4, (), 5),
             ("line-attractor", 50, 5, (), 12), ("gaussian", 40, 6, ("--scale", 0.5), 9),
             ("lowrank-normal", 70, 7, ("--rank", 3), 14)]
    if QUICK:
        cases = cases[:4]
    for net, D, seed, opts, d in cases:
        W = teacher(net, D, seed, *opts)
        for rho, c in ((0.0, 0.0), (0.05, 0.0), (0.0, 0.3)):
            args = ["theory", "--W", "W.npy", "--d", d, "-o", "A.npy"]
            if rho:
                args += ["--rho", rho]
            if c:
                args += ["--noise-corr", c]
            rc, _, err = run(*args)
            ok = rc == 0
            dev = rel(np.load("A.npy"), ref_theory(W, d, rho, c)) if ok else np.inf
            report("theory %s D=%d d=%d rho=%g c=%g" % (net, D, d, rho, c), ok and dev < 1e-8, dev,
                   err.strip())
    W = teacher("chain", 90, 1)
    must("theory", "--W", "W.npy", "--d", 25, "--chain-last-row", "-o", "A.npy")
    dev = rel(np.load("A.npy"), ref_theory(W, 25))
    report("theory --chain-last-row equals the general formula", dev < 1e-8, dev)
    # curves: every recorded number against NumPy per d
    # (nilpotent teachers such as a transformed chain have students whose eigenvalues near d = D
    # are rounding noise of size eps^(1/d): no reference can be compared there)
    for net, D, seed, opts in (("gaussian", 40, 2, ("--scale", 0.6)),
                               ("lowrank", 45, 3, ("--rank", 1, "--scale", 0.4)),
                               ("line-attractor", 35, 4, ())):
        W = teacher(net, D, seed, *opts)
        must("curves", "--W", "W.npy", "--henrici", "--json", "c.json", "--csv", "c.csv")
        J = json.load(open("c.json"))
        U, sv, Vt = np.linalg.svd(W)
        bad = []
        for k, d in enumerate(J["d"]):
            A = ref_theory(W, d)
            lam, tau, las, hen, s = ref_analyze(A)
            top = np.zeros(5)
            top[:min(5, d)] = lam.real[:5]
            stop = np.zeros(5)
            stop[:min(5, d)] = s[:5]
            Ua, sa, Vta = np.linalg.svd(A)
            want_las = 0.0 if d == 1 else las
            checks = [("top_eigenvalues_re", J["top_eigenvalues_re"][k], top, 1e-6),
                      ("top_singular_values", J["top_singular_values"][k], stop, 1e-8),
                      ("henrici", J["henrici"][k], hen, 1e-6),
                      ("u_overlap", J["u_overlap"][k], ref_overlap(U[:, 0], Ua[:, 0]), 1e-6),
                      ("v_overlap", J["v_overlap"][k], ref_overlap(Vt[0], Vta[0]), 1e-6)]
            # LAS of nearly defective students moves with rounding; compare where the gap is clear
            if d == 1 or abs(tau[0] - tau[1]) > 1e-3 * tau[0] or lam[0].imag != 0:
                checks.append(("line_attractor_score", J["line_attractor_score"][k], want_las, 1e-4))
            for key, got, want, tol in checks:
                if np.max(np.abs(np.asarray(got) - np.asarray(want))) > tol * max(1.0, np.max(np.abs(want))):
                    bad.append("%s d=%d got %s want %s" % (key, d, got, want))
        report("curves %s D=%d: every d against NumPy" % (net, D), not bad and J["d"] == list(range(1, D + 1)),
               extra="; ".join(bad[:3]))
        rows = open("c.csv").read().strip().splitlines()
        report("curves --csv: header and one row per d", len(rows) == D + 1 and rows[0].startswith("d"))
    # several teachers: means and SEMs of independently computed per-teacher curves
    K = 3
    must("curves", "--net", "lowrank", "--D", 30, "--rank", 1, "--teachers", K, "--seed", 4, "--json", "m.json")
    J = json.load(open("m.json"))
    ok = J.get("teachers") == K and "line_attractor_score_sem" in J and len(J["d"]) == 30
    report("curves --teachers: means with _sem keys", ok)


# ===========================================================================
# 7. gradient descent, CORNN, FORCE against NumPy written from SPEC §4.4-4.6
# ===========================================================================
def check_learners():
    W = teacher("lowrank-osc", 60, 3)
    must("simulate", "--W", "W.npy", "--T", 1500, "--phi", "tanh", "--seed", 3, "-o", "X.npy")
    X = np.load("X.npy")
    d = 8
    save("Y.npy", X[:, :d])
    Y = X[:, :d]
    a = 0.01
    # GD (SPEC §4.4), W_0 = 0, in the d x T layout of the reference
    Xc, Xp = Y[:-1].T, Y[1:].T
    for phi, rho, lr, it in (("linear", 0.0, 1e-2, 200), ("tanh", 1e-3, 5e-2, 300)):
        F = np.tanh(Xc) if phi == "tanh" else Xc
        A = np.zeros((d, d))
        for _ in range(it):
            G = a * ((1 - a) * Xc + a * A @ F - Xp) @ F.T + rho * A
            A = A - lr * G
        rc, _, err = run("fit", "Y.npy", "--method", "gd", "--phi", phi, "--rho", rho, "--lr", lr, "--iters", it,
                         "-o", "G.npy")
        dev = rel(np.load("G.npy"), A) if rc == 0 else np.inf
        report("fit --method gd phi=%s rho=%g" % (phi, rho), dev < 1e-9, dev, err.strip())
    # CORNN (SPEC §4.5) on leaky-rate data
    must("simulate", "--W", "W.npy", "--T", 3000, "--phi", "tanh", "--leaky", "rate", "--seed", 5, "-o", "XR.npy")
    YR = np.load("XR.npy")[:, :d]
    save("YR.npy", YR)
    for solver, it, thr in (("weighted", 40, 1.0), ("standard", 40, 1.0), ("robust", 40, 0.5)):
        x, r_out = YR[:-1], YR[1:]
        delta = np.clip((r_out - (1 - a) * x) / a, -1 + 1e-6, 1 - 1e-6)
        T = x.shape[0]
        H = x.T @ x + 1e-5 * T * np.eye(d)
        Xpi = np.linalg.solve(H, x.T)
        Xm = Xpi @ x
        th = Xpi @ np.arctanh(delta)
        for _ in range(it):
            pred = np.tanh(x @ th)
            if solver == "standard":
                E = delta - pred
            else:
                E = (delta - pred) / (1 - delta ** 2)
                if solver == "weighted":
                    for j in range(d):
                        m = np.abs(E[:, j]) > thr
                        cnt = int(m.sum())
                        E[m, j] = 0.0
                        if cnt < T:
                            E[:, j] *= T / (T - cnt)
                else:
                    E = np.clip(E, -thr, thr)
            th = Xm @ th + Xpi @ E
        rc, _, err = run("fit", "YR.npy", "--method", "cornn", "--solver", solver, "--iters", it, "--threshold", thr,
                         "-o", "C.npy")
        dev = rel(np.load("C.npy"), th[:d].T) if rc == 0 else np.inf
        report("fit --method cornn solver=%s" % solver, dev < 1e-6, dev, err.strip())
    # FORCE (SPEC §4.6) with J_0 = 0 (g = 0) so no random numbers are involved
    t0, t1, passes, p0 = 100, 400, 3, 0.01
    data = Y[t0:t1].T
    J = np.zeros((d, d))
    P = p0 * np.eye(d)
    for _ in range(passes):
        Hs = data[:, 0].copy()
        for tt in range(1, data.shape[1]):
            r = np.tanh(Hs)
            Hs = Hs + a * (-Hs + J @ r)
            err_v = r - np.tanh(data[:, tt - 1])
            k = P @ r
            c = 1.0 / (1.0 + r @ k)
            P = P - c * np.outer(k, k)
            J = J - c * np.outer(err_v, k)
    rc, _, err = run("fit", "Y.npy", "--method", "force", "--g", 0, "--p0", p0, "--passes", passes,
                     "--window", "%d:%d" % (t0, t1), "-o", "F.npy")
    dev = rel(np.load("F.npy"), J) if rc == 0 else np.inf
    report("fit --method force (g = 0, window %d:%d, %d passes)" % (t0, t1, passes), dev < 1e-9, dev, err.strip())


# ===========================================================================
# 8. the sensory-integration task (SPEC §7) and the latent LDS (SPEC §4.8, fit.h)
# ===========================================================================
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import lds_ref  # noqa: E402  (independent NumPy Kalman-EM, tools/lds_ref.py)


def has_task():
    rc, _, _ = run("task", "--help")
    return rc == 0


def has_lds():
    rc, out, err = run("fit", "--help")
    return rc == 0 and "lds" in (out + err)


def task_schedule(T):
    """SPEC §7: the noise-free pulse schedule (half-open index ranges; nothing past 5000)."""
    s = np.zeros(T)
    for a, b, v in ((800, 950, -2.0), (1000, 1200, 1.0), (1250, 1450, -1.0), (1600, 1800, 3.0),
                    (2200, 2400, 0.5), (3500, 4500, 0.1)):
        s[a:min(b, T)] = v
    ramp = -np.linspace(0.0, 3.0, 400)
    if T > 2600:
        s[2600:min(3000, T)] = ramp[:min(3000, T) - 2600]
    return s


def check_task():
    if not has_task():
        report("task: SKIPPED, this binary has no 'task' subcommand yet", True)
        return
    a, v0, v1, sig = 0.01, 0.1, 0.2, 0.05
    cases = [("line-attractor", 60, 1200, 3), ("feedforward", 60, 1200, 4)]
    if not QUICK:
        cases += [("line-attractor", 40, 5000, 11), ("feedforward", 40, 5000, 12), ("feedforward", 90, 1500, 13),
                  ("line-attractor", 25, 3000, 14)]
    for net, D, T, seed in cases:
        tag = "task %s D=%d T=%d seed=%d" % (net, D, T, seed)
        out = "task_%s_%d" % (net, seed)
        rc, _, err = run("task", "--net", net, "--D", D, "--T", T, "--seed", seed, "--out", out)
        if rc != 0:
            report(tag + ": runs", False, extra=err.strip())
            continue
        L = {k: np.load(os.path.join(out, k + ".npy"))
             for k in ("X", "U", "readout", "ideal", "W", "w_in", "w_out")}
        shapes = {k: L[k].shape for k in L}
        want = dict(X=(T, D), U=(T, 1), readout=(T, 1), ideal=(T, 1), W=(D, D), w_in=(D,), w_out=(D,))
        report(tag + ": output shapes", shapes == want, extra="" if shapes == want else str(shapes))
        if shapes != want:
            continue
        X, U, W, m, wo = L["X"], L["U"][:, 0], L["W"], L["w_in"], L["w_out"]
        # signal: U / v0 minus the schedule is white noise of sd 0.05
        noise = U / v0 - task_schedule(T)
        z_mean = noise.mean() / (sig / np.sqrt(T))
        z_sd = (noise.std() - sig) / (sig / np.sqrt(2 * T))
        lag1 = np.corrcoef(noise[:-1], noise[1:])[0, 1] * np.sqrt(T)
        ok = abs(z_mean) < 5 and abs(z_sd) < 5 and abs(lag1) < 5 and np.max(np.abs(noise)) < 6.5 * sig
        report(tag + ": U/v0 - schedule is N(0, 0.05^2) white noise", ok,
               extra="mean %.2f sigma, sd %.2f sigma, lag-1 corr %.2f sigma, max|noise| %.3f"
               % (z_mean, z_sd, lag1, np.max(np.abs(noise))))
        dev = rel(L["ideal"][:, 0], v0 * a * np.cumsum(U / v0))
        report(tag + ": ideal = v0 alpha cumsum(s)", dev < 1e-12, dev)
        dev = rel(L["readout"][:, 0], X @ wo)
        report(tag + ": readout = X w_out", dev < 1e-12, dev)
        x0 = X[0]
        dev = abs(x0 @ m) / (np.linalg.norm(x0) * np.linalg.norm(m))
        report(tag + ": x0 . w_in = 0", dev < 1e-12, dev)
        z = (np.sum(x0 ** 2) - (D - 1)) / np.sqrt(2 * (D - 1))
        report(tag + ": x0 = N(0, I) minus its m-component (|x0|^2 ~ chi2(D-1))", abs(z) < 5, abs(z))
        if net == "line-attractor":
            dev = np.linalg.norm(W @ m - 0.999 * m) / np.linalg.norm(m)
            report(tag + ": W m = 0.999 m", dev < 1e-9, dev)
            dev = abs(np.linalg.norm(m) - D) / D
            report(tag + ": |m| = D (m = D S[:,0], unit column)", dev < 1e-12, dev)
            dev = rel(wo, m / D ** 2)
            report(tag + ": w_out = m / D^2", dev < 1e-14, dev)
            lam = np.sort(np.linalg.eigvals(W).real)[::-1]
            dev = np.max(np.abs(lam - np.r_[0.999, np.full(D - 1, 0.2)]))
            report(tag + ": spectrum {0.999, 0.2 x (D-1)}", dev < 1e-6, dev)
        else:
            dev = abs(np.linalg.norm(m) - np.sqrt(D)) / np.sqrt(D)
            report(tag + ": |m| = sqrt(D) (m = O 1, O orthogonal)", dev < 1e-12, dev)
            dev = rel(wo, 0.7 * m / D)
            report(tag + ": w_out = 0.7 m / D", dev < 1e-14, dev)
            # W = O T O^T with T the chain with skips (beta 0.5, interval 1): orthogonal invariants
            b = 0.5
            fro2 = (D - 1) + b * b * (D - 2)
            wm2 = (1 + b * (D - 2)) ** 2 + (D - 2)  # |T 1|^2: row sums 1 + b(D-2), 1 x (D-2), 0
            sv = np.linalg.svd(W, compute_uv=False)
            tr = [abs(np.trace(np.linalg.matrix_power(W, k))) for k in range(1, 6)]
            devs = [abs(np.sum(W * W) - fro2) / fro2, abs(np.sum((W @ m) ** 2) - wm2) / wm2,
                    sv[-1], max(tr) / fro2]
            ok = devs[0] < 1e-12 and devs[1] < 1e-12 and devs[2] < 1e-12 and sv[-2] > 1e-3 and devs[3] < 1e-12
            report(tag + ": W = O T O^T (|W|_F, |W m|, rank D-1, tr W^k = 0)", ok, max(devs),
                   extra="sigma_min %.2g sigma_min2 %.2g" % (sv[-1], sv[-2]))
        # one-step residual of the Euler update (SPEC §1.1/§1.2) is the process noise alpha v1 xi
        R = X[1:] - X[:-1] - a * (X[:-1] @ W.T - X[:-1] + U[:-1, None] * m[None, :])
        n = R.size
        s0 = a * v1
        z_mean = R.mean() / (s0 / np.sqrt(n))
        z_sd = (R.std() - s0) / (s0 / np.sqrt(2 * n))
        per = R.std(axis=0)
        z_per = np.max(np.abs(per - s0)) / (s0 / np.sqrt(2 * (T - 1)))
        z_col = np.max(np.abs(R.mean(axis=0))) / (s0 / np.sqrt(T - 1))
        ok = abs(z_mean) < 5 and abs(z_sd) < 5 and z_per < 5.5 and z_col < 5.5
        report(tag + ": Euler residual is N(0, (alpha v1)^2) per neuron", ok,
               extra="mean %.2f sigma, sd %.2f sigma, worst neuron sd %.2f sigma, worst neuron mean %.2f sigma"
               % (z_mean, z_sd, z_per, z_col))
        # the input enters at the step it is indexed by: the residual along m is uncorrelated with U
        rm = R @ (m / np.linalg.norm(m))
        c0 = np.corrcoef(rm, U[:-1])[0, 1] * np.sqrt(T - 1)
        c1 = np.corrcoef(rm, U[1:])[0, 1] * np.sqrt(T - 1)
        report(tag + ": residual along m uncorrelated with U_t, U_{t+1}", abs(c0) < 5 and abs(c1) < 5,
               extra="%.2f, %.2f sigma" % (c0, c1))
        if T >= 5000:
            c = np.corrcoef(L["readout"][:, 0], L["ideal"][:, 0])[0, 1]
            report(tag + ": readout tracks the ideal integral (corr > 0.9)", c > 0.9, extra="corr %.4f" % c)
        rc, _, err = run("task", "--net", net, "--D", D, "--T", T, "--seed", seed, "--out", out + "_again")
        same = rc == 0 and all(np.array_equal(np.load(os.path.join(out + "_again", k + ".npy")), L[k]) for k in L)
        report(tag + ": deterministic", same, extra=err.strip())


def lds_json_diag(v, n):
    """Q and R as a diagonal: a list of n numbers or an n x n diagonal matrix."""
    v = np.asarray(v, dtype=float)
    if v.ndim == 2:
        off = v - np.diag(np.diag(v))
        return np.diag(v) if not off.any() else np.full(n, np.nan)
    return v


def lds_case(tag, Y, U, K, emissions, iters):
    save("Yl.npy", Y)
    args = ["fit", "Yl.npy", "--method", "lds", "--latents", K, "--emissions", emissions, "--iters", iters]
    if U is not None:
        save("Ul.npy", U)
        args += ["--input", "Ul.npy"]
    clean("A_cont.npy", "A_cont.json")
    rc, _, err = run(*args, "-o", "A_cont.npy")
    tag = "fit lds %s K=%d %s %s" % (tag, K, emissions, "input" if U is not None else "no input")
    if rc != 0:
        report(tag, False, extra=err.strip())
        return
    Ac = np.load("A_cont.npy")
    J = json.load(open("A_cont.json"))
    keys = ("log_likelihood A A_cont V b Q C F d R mu0 Sigma0 latents emissions init iterations converged alpha "
            "eigenvalues time_constants line_attractor_score").split()
    missing = [k for k in keys if k not in J]
    report(tag + ": JSON keys", not missing, extra="missing %s" % missing if missing else "")
    if missing:
        return
    pr, tr = lds_ref.em(Y, U, K, emissions, iters)
    got = np.asarray(J["log_likelihood"], dtype=float)
    dev = rel(got, tr)
    report(tag + ": log-likelihood trace vs NumPy EM", dev < 1e-8 and got.size == iters + 1, dev,
           extra="C %.10g vs NumPy %.10g" % (got[-1], tr[-1]))
    report(tag + ": log-likelihood never decreases", bool(np.all(np.diff(got) >= -1e-9 * np.abs(got[1:]))))
    alpha = 0.01
    A = np.asarray(J["A"], dtype=float)
    dev = max(rel(Ac, (A - (1 - alpha) * np.eye(K)) / alpha), rel(np.asarray(J["A_cont"], dtype=float), Ac))
    report(tag + ": A_cont.npy = (A - (1-alpha) I)/alpha = JSON A_cont", dev < 1e-12, dev)
    lam_c = np.asarray(J["eigenvalues"], dtype=float)
    want = lds_ref.sorted_eigs((pr["A"] - (1 - alpha) * np.eye(K)) / alpha)
    dev = np.max(np.abs(lam_c - want)) * alpha if lam_c.shape == want.shape else np.inf
    report(tag + ": eigenvalues of A_cont vs NumPy EM (scaled by alpha)", dev < 1e-7, dev,
           extra="top %s" % (lam_c[0].tolist() if lam_c.size else None))
    lam, tau, las, _, _ = ref_analyze(Ac)
    dev = max(np.max(np.abs(np.asarray(J["time_constants"], dtype=float) - tau) / tau),
              abs(J["line_attractor_score"] - las))
    report(tag + ": time constants and LAS of A_cont", dev < 1e-9, dev)
    dev = max(rel(A, pr["A"]), rel(np.asarray(J["C"], dtype=float), pr["C"]),
              rel(np.asarray(J["d"], dtype=float), pr["d"]),
              rel(lds_json_diag(J["R"], Y.shape[1]), pr["r"]), rel(lds_json_diag(J["Q"], K), pr["q"]),
              rel(np.asarray(J["Sigma0"], dtype=float), pr["Sigma0"]))
    report(tag + ": A, C, d, R, Q, Sigma0 vs NumPy EM", dev < 1e-6, dev)
    meta = (J["latents"] == K and J["emissions"] == emissions and J["init"] == "pca"
            and J["iterations"] == iters and J["converged"] is False and J["alpha"] == alpha)
    report(tag + ": latents, emissions, init, iterations, converged, alpha", meta)
    if emissions == "orthonormal":
        C = np.asarray(J["C"], dtype=float)
        dev = np.max(np.abs(C.T @ C - np.eye(K)))
        report(tag + ": C^T C = I", dev < 1e-12, dev)


def check_lds():
    if not has_lds():
        report("fit --method lds: SKIPPED, this binary's fit has no lds method yet", True)
        return
    rng = np.random.default_rng(808)
    cases = []
    # (1) data from a random LDS with input
    p = lds_ref.random_model(rng, 3, 7, 1)
    Ur = np.cumsum(rng.standard_normal((300, 1)), axis=0) * 0.1
    _, Yr = lds_ref.sample(rng, p, 300, Ur)
    cases += [("lds-data", Yr, Ur, 3, "free"), ("lds-data", Yr, None, 2, "orthonormal")]
    # (2) white noise
    Yn = rng.normal(0, 0.7, (150, 4)) + np.arange(4)
    cases += [("white-noise", Yn, None, 2, "free")]
    if not QUICK:
        cases += [("lds-data", Yr, Ur, 3, "orthonormal"), ("lds-data", Yr, None, 1, "free"),
                  ("lds-data", Yr, Ur, 7, "free"), ("white-noise", Yn, None, 1, "orthonormal")]
    # (3) task data (6 observed neurons of 60), input scaled to max |u| = 1 as in SPEC §7
    if has_task():
        for net, seed, emis in (("feedforward", 21, "orthonormal"), ("line-attractor", 22, "free"))[:1 if QUICK else 2]:
            must("task", "--net", net, "--D", 60, "--T", 1200, "--seed", seed, "--out", "lt")
            X, U = np.load("lt/X.npy"), np.load("lt/U.npy")
            cases.append(("task-" + net, X[:, :6], U / np.max(np.abs(U)), 3, emis))
    else:
        report("fit lds on task data: SKIPPED, no 'task' subcommand", True)
    for tag, Y, U, K, emis in cases:
        lds_case(tag, Y, U, K, emis, 5)
    # bad input (issue 3): latents > d, a constant channel, NaN, U rows != T -- exit 1 or 2, nothing written
    save("Yb.npy", Yn)
    expect_error("fit lds latents > d", ["fit", "Yb.npy", "--method", "lds", "--latents", 5, "--iters", 2,
                                         "-o", "Ab.npy"], ["Ab.npy", "Ab.json"], codes=(1,))
    Yc = Yn.copy()
    Yc[:, 2] = 1.5
    save("Yc.npy", Yc)
    expect_error("fit lds constant channel", ["fit", "Yc.npy", "--method", "lds", "--latents", 2, "--iters", 2,
                                              "-o", "Ab.npy"], ["Ab.npy", "Ab.json"], codes=(1,))
    Yc = Yn.copy()
    Yc[7, 1] = np.nan
    save("Yc.npy", Yc)
    expect_error("fit lds NaN in Y", ["fit", "Yc.npy", "--method", "lds", "--latents", 2, "--iters", 2,
                                      "-o", "Ab.npy"], ["Ab.npy", "Ab.json"])
    save("Ub.npy", np.ones((Yn.shape[0] - 1, 1)))
    expect_error("fit lds input rows != T", ["fit", "Yb.npy", "--method", "lds", "--latents", 2, "--input", "Ub.npy",
                                             "--iters", 2, "-o", "Ab.npy"], ["Ab.npy", "Ab.json"])


def main():
    for section in (check_simulate, check_observe, check_fit, check_analyze, check_teacher, check_errors,
                    check_theory, check_learners, check_task, check_lds):
        try:
            section()
        except Exception as e:  # a crash in a section is a failure, not the end of the run
            import traceback
            traceback.print_exc()
            report("%s crashed: %r" % (section.__name__, e), False)
    print("%d passed, %d failed" % (N_PASS, N_FAIL))
    if FAILS:
        print("failures:")
        for f in FAILS:
            print("  " + f)
    import shutil
    shutil.rmtree(TMP, ignore_errors=True)
    sys.exit(1 if N_FAIL else 0)


if __name__ == "__main__":
    main()
