"""Every stage against the CLI on the same inputs: identical numbers."""
import numpy as np
import pytest

import partobs


def same(a, b):
    """Bit-identical arrays (shape and every value)."""
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    assert a.shape == b.shape, (a.shape, b.shape)
    assert np.array_equal(a, b, equal_nan=True), np.max(np.abs(a - b))


def jsonish(x):
    """A Python result with NumPy arrays as the CLI's JSON holds it (inf -> None)."""
    if isinstance(x, dict):
        return {k: jsonish(v) for k, v in x.items()}
    if isinstance(x, np.ndarray):
        return jsonish(x.tolist())
    if isinstance(x, (list, tuple)):
        return [jsonish(v) for v in x]
    if isinstance(x, float) and not np.isfinite(x):
        return None
    if isinstance(x, (np.integer,)):
        return int(x)
    return x


def json_same(mine, report, path="report"):
    """mine (a Python result) equals the CLI's JSON report: same keys and list
    lengths, equal strings, integers and booleans, and floats equal up to the
    JSON printing: cJSON writes 15 significant digits whenever they read back
    within DBL_EPSILON, so the last bit may differ (1 ulp)."""
    mine = jsonish(mine)
    if isinstance(report, dict):
        assert isinstance(mine, dict) and set(mine) == set(report), (path, set(mine) ^ set(report))
        for k in report:
            json_same(mine[k], report[k], path + "." + k)
    elif isinstance(report, list):
        assert isinstance(mine, list) and len(mine) == len(report), path
        for i, (a, b) in enumerate(zip(mine, report)):
            json_same(a, b, "%s[%d]" % (path, i))
    elif isinstance(report, float) or isinstance(mine, float):
        assert mine is not None and abs(mine - report) <= 2.3e-16 * abs(report), (path, mine, report)
    else:
        assert mine == report, (path, mine, report)


@pytest.fixture
def data(cli):
    """A teacher, its activity and a 6-neuron recording, from the CLI."""
    cli.run("teacher", "--net", "lowrank", "--D", 20, "--rank", 2, "--seed", 5, "-o", "W.npy")
    cli.run("simulate", "--W", "W.npy", "--T", 1500, "--seed", 3, "-o", "X.npy")
    cli.run("observe", "X.npy", "--d", 6, "--obs-noise", 0.01, "--seed", 4, "-o", "Y.npy")
    return cli


def test_teacher(cli):
    cli.run("teacher", "--net", "gaussian", "--D", 12, "--scale", 0.7, "--no-self-loops",
            "--ortho", "--perm", "--seed", 9, "-o", "W.npy")
    W = partobs.teacher("gaussian", 12, scale=0.7, self_loops=False, ortho=True, perm=True,
                        seed=9)
    same(W, cli.load("W.npy"))
    cli.run("teacher", "--net", "chain", "--D", 7, "--skip-interval", 2, "-o", "C.npy")
    same(partobs.teacher("chain", 7, skip_interval=2), cli.load("C.npy"))


def test_simulate_observe(data):
    cli = data
    W = cli.load("W.npy")
    X = partobs.simulate(W, 1500, seed=3)
    same(X, cli.load("X.npy"))
    same(partobs.observe(X, 6, obs_noise=0.01, seed=4), cli.load("Y.npy"))
    cli.run("observe", "X.npy", "--index", "3,1,7", "-o", "Yi.npy")
    same(partobs.observe(X, index=[3, 1, 7]), cli.load("Yi.npy"))
    # tanh rate network with replayed noise, a given x0 and an input signal
    rng = np.random.default_rng(0)
    xi, x0 = rng.standard_normal((99, 20)), rng.standard_normal(20)
    s, w_in = rng.standard_normal(100), rng.standard_normal(20)
    for name, a in (("xi", xi), ("x0", x0), ("s", s), ("w_in", w_in)):
        cli.save(name + ".npy", a)
    cli.run("simulate", "--W", "W.npy", "--T", 100, "--phi", "tanh", "--leaky", "rate",
            "--noise-file", "xi.npy", "--ic", "x0.npy", "--input", "s.npy", "--w-in",
            "w_in.npy", "--input-gain", 0.5, "--g", 1.2, "-o", "X2.npy")
    X2 = partobs.simulate(W, 100, phi="tanh", leaky="rate", xi=xi, x0=x0, signal=s, w_in=w_in,
                          input_gain=0.5, g=1.2)
    same(X2, cli.load("X2.npy"))


FITS = [
    ("map", ["--rho", 0.01, "--burn-in", 10], dict(rho=0.01, burn_in=10)),
    ("map", ["--phi", "tanh", "--leaky", "rate"], dict(phi="tanh", leaky="rate")),
    ("gd", ["--iters", 300, "--lr", 0.05], dict(iters=300, lr=0.05)),
    ("cornn", ["--iters", 20], dict(iters=20)),
    ("force", ["--passes", 3, "--window", "0:600"], dict(passes=3, t0=0, t1=600)),
    ("bptt", ["--epochs", 2, "--seq-len", 100, "--hidden", 2],
     dict(epochs=2, seq_len=100, hidden=2)),
]
INFO = {"map": ["samples", "rcond", "used_svd", "clipped", "residual"],
        "gd": ["iters", "loss", "grad_norm"], "cornn": ["samples", "clipped", "loss"],
        "force": ["passes", "chi2", "pvar"],
        "bptt": ["windows", "epochs", "loss_first", "loss_last"]}


@pytest.mark.parametrize("method,args,kw", FITS, ids=[f[0] + str(i) for i, f in enumerate(FITS)])
def test_fit(data, method, args, kw):
    cli = data
    cli.run("fit", "Y.npy", "--method", method, *args, "-o", "Wf.npy")
    W, info = partobs.fit(cli.load("Y.npy"), method, **kw)
    same(W, cli.load("Wf.npy"))
    fi = cli.manifest("Wf.npy")["fit_info"]
    for k in INFO[method]:
        json_same(info[k], fi[k], k)


def test_fit_init_and_inputs(data):
    cli = data
    Y = cli.load("Y.npy")
    W0 = 0.1 * np.eye(6)
    cli.save("W0.npy", W0)
    cli.run("fit", "Y.npy", "--method", "gd", "--iters", 50, "--init", "W0.npy", "-o", "g.npy")
    same(partobs.fit(Y, "gd", iters=50, init=W0)[0], cli.load("g.npy"))
    U = np.sin(np.arange(len(Y)) / 50.0)[:, None]
    cli.save("U.npy", U)
    cli.run("fit", "Y.npy", "--method", "cornn", "--iters", 10, "--input", "U.npy",
            "--input-weights-out", "Win.npy", "-o", "c.npy")
    W, info = partobs.fit(Y, "cornn", iters=10, U=U)
    same(W, cli.load("c.npy"))
    same(info["W_in"], cli.load("Win.npy"))


@pytest.mark.parametrize("procedure", ["exact", "paper"])
def test_fit_lds(data, procedure):
    cli = data
    cli.run("fit", "Y.npy", "--method", "lds", "--latents", 2, "--iters", 4, "--procedure",
            procedure, "--smoothed", "S.npy", "-o", "A.npy")
    A, info = partobs.fit(cli.load("Y.npy"), "lds", latents=2, iters=4, procedure=procedure,
                          smoothed=True)
    same(A, cli.load("A.npy"))
    same(info["smoothed"], cli.load("S.npy"))
    report = cli.json("A.json")
    json_same({k: v for k, v in info.items() if k != "smoothed"}, report)


def test_analyze(data):
    cli = data
    cli.run("fit", "Y.npy", "-o", "Wf.npy")
    cli.run("analyze", "Wf.npy", "--teacher", "W.npy", "--json", "a.json")
    got = partobs.analyze(cli.load("Wf.npy"), teacher=cli.load("W.npy"))
    json_same(got, cli.json("a.json"))


def test_theory(data):
    cli = data
    cli.run("teacher", "--net", "gaussian", "--D", 15, "--scale", 0.5, "-o", "G.npy")
    cli.run("theory", "--W", "G.npy", "--d", 5, "--rho", 0.01, "-o", "A.npy")
    same(partobs.theory(cli.load("G.npy"), 5, rho=0.01), cli.load("A.npy"))
    cli.run("theory", "--W", "G.npy", "--d", 4, "--noise-corr", 0.3, "--no-closed-forms",
            "-o", "A2.npy")
    same(partobs.theory(cli.load("G.npy"), 4, noise_corr=0.3, closed_forms=False),
         cli.load("A2.npy"))


def test_curves(cli):
    cli.run("teacher", "--net", "symmetric", "--D", 12, "-o", "S.npy")
    cli.run("curves", "--W", "S.npy", "--dmin", 2, "--dmax", 10, "--step", 2, "--henrici",
            "--json", "c.json")
    got = partobs.curves(cli.load("S.npy"), dmin=2, dmax=10, step=2, henrici=True)
    json_same(got, cli.json("c.json"))
    cli.run("curves", "--net", "gaussian", "--D", 14, "--scale", 0.5, "--teachers", 3,
            "--dmax", 8, "--top", 3, "--seed", 2, "--json", "k.json")
    got = partobs.curves(net="gaussian", D=14, scale=0.5, teachers=3, dmax=8, top_n=3, seed=2)
    json_same(got, cli.json("k.json"))


def test_compare(cli):
    cli.run("teacher", "--net", "lowrank-osc", "--D", 10, "-o", "T.npy")
    T = cli.load("T.npy")
    cli.save("S.npy", T[:5, :5] * 1.5)
    args = ["--steps", 1500, "--n-traj", 3, "--n-random", 10, "--seed", 8]
    cli.run("compare", "--teacher", "T.npy", "--student", "S.npy", *args, "--json", "c.json")
    got = partobs.compare(T, T[:5, :5] * 1.5, steps=1500, n_traj=3, n_random=10, seed=8)
    json_same(got, cli.json("c.json"))


def test_task(cli):
    cli.run("task", "--net", "feedforward", "--D", 12, "--T", 1200, "--seed", 6, "--out", "t")
    got = partobs.task("feedforward", D=12, T=1200, seed=6)
    for name in ("X", "U", "readout", "ideal", "W", "w_in", "w_out"):
        same(got[name], cli.load("t/%s.npy" % name))


def test_diagnose(data):
    cli = data
    cli.run("simulate", "--W", "W.npy", "--T", 2200, "--seed", 3, "-o", "X.npy")
    cli.run("observe", "X.npy", "--d", 6, "-o", "Y.npy")
    cli.run("diagnose", "Y.npy", "--fractions", "0.5,1", "--subsets", 3, "--bootstrap", 5,
            "--repeats", 2, "--out", "dg")
    got = partobs.diagnose(cli.load("Y.npy"), fractions=[0.5, 1], subsets=3, bootstrap=5,
                           repeats=2)
    json_same(got, cli.json("dg/report.json"))
