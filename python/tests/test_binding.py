"""The binding itself: struct layouts, no-copy inputs, error mapping, memory."""
import json
import os
import subprocess
import sys

import numpy as np
import pytest

import partobs
from partobs import _lib as L


def test_struct_layout():
    """Every ctypes Structure has the C struct's size and field offsets
    (the numbers come from a C program compiled against include/partobs)."""
    exe = os.environ.get("PARTOBS_LAYOUT")
    if not exe:
        pytest.skip("PARTOBS_LAYOUT (the layout helper) is not set")
    c = json.loads(subprocess.run([exe], capture_output=True, text=True, check=True).stdout)
    mine = {"po_mat": L.Mat, "po_teacher_opts": L.TeacherOpts, "po_teacher": L.Teacher,
            "po_sim_opts": L.SimOpts, "po_sim_inputs": L.SimInputs,
            "po_observe_opts": L.ObserveOpts, "po_ridge_opts": L.RidgeOpts,
            "po_ridge_info": L.RidgeInfo, "po_gd_opts": L.GdOpts, "po_gd_info": L.GdInfo,
            "po_cornn_opts": L.CornnOpts, "po_cornn_info": L.CornnInfo,
            "po_force_opts": L.ForceOpts, "po_force_info": L.ForceInfo,
            "po_bptt_opts": L.BpttOpts, "po_bptt_info": L.BpttInfo, "po_lds_opts": L.LdsOpts,
            "po_lds": L.Lds, "po_lds_info": L.LdsInfo, "po_spectrum": L.Spectrum,
            "po_cov_opts": L.CovOpts, "po_theory_opts": L.TheoryOpts,
            "po_curves_opts": L.CurvesOpts, "po_curves": L.Curves, "po_task_opts": L.TaskOpts,
            "po_task": L.Task, "po_network": L.Network, "po_fp_opts": L.FpOpts,
            "po_limit_opts": L.LimitOpts, "po_attractor_comparison": L.AttractorComparison,
            "po_diagnose_opts": L.DiagnoseOpts}
    assert set(mine) == set(c)
    for name, S in mine.items():
        assert ctypes_size(S) == c[name]["size"], name
        for field, off in c[name]["fields"].items():
            assert getattr(S, field).offset == off, (name, field)
        # every C field listed is mirrored, and nothing else
        if name not in ("po_attractor_comparison",):
            assert [f for f, _ in S._fields_] == list(c[name]["fields"]), name


def ctypes_size(S):
    import ctypes
    return ctypes.sizeof(S)


def test_defaults_come_from_c():
    d = partobs.defaults("fit", "gd")
    assert d["lr"] == 1e-2 and d["iters"] == 10000
    assert partobs.defaults("simulate")["alpha"] == 0.01
    assert partobs.defaults("teacher", net="gaussian", D=10)["scale"] == 0.8
    assert partobs.defaults("fit", "lds")["latents"] == 5


def test_no_copy():
    a = np.random.default_rng(1).standard_normal((50, 6))
    m = L.MatArg(a, "a")
    assert m.array is a and m.mat.ld == 6
    view = a[10:30]                      # rows of a C array: no copy either
    assert L.MatArg(view, "v").array is view
    strided = np.zeros((40, 10))[:, :6]  # row stride 10 > 6 columns: a view with ld 10
    m = L.MatArg(strided, "s")
    assert np.shares_memory(m.array, strided) and m.mat.ld == 10
    f = np.asfortranarray(a)             # Fortran order: one C copy
    assert not np.shares_memory(L.MatArg(f, "f").array, f)
    # same numbers whatever the layout
    W1, _ = partobs.fit(a)
    W2, _ = partobs.fit(f)
    W3, _ = partobs.fit(a.astype(np.float32).astype(np.float64))
    assert np.array_equal(W1, W2)
    big = np.zeros((50, 9))
    big[:, :6] = a
    assert np.array_equal(partobs.fit(big[:, :6])[0], W1)
    assert W3.shape == (6, 6)


def test_errors(cli):
    Y = np.random.default_rng(2).standard_normal((100, 4))
    # options the library refuses: PartobsValueError, a ValueError, with its sentence
    with pytest.raises(partobs.PartobsValueError) as e:
        partobs.fit(Y, "gd", lr=-1.0)
    assert isinstance(e.value, ValueError) and e.value.status == "PO_EINVAL"
    cli.save("Y.npy", Y)
    r = cli.run("fit", "Y.npy", "--method", "gd", "--lr", -1, "-o", "W.npy", ok=False)
    assert r.returncode == 2 and r.stderr.strip() == "partobs: fit: " + e.value.message
    # shapes
    with pytest.raises(partobs.PartobsValueError) as e:
        partobs.fit(Y, "gd", init=np.zeros((3, 3)))
    assert e.value.status == "PO_ESHAPE"
    with pytest.raises(ValueError):
        partobs.analyze(np.zeros((3, 4)))
    Y[5, 2] = np.nan
    with pytest.raises(partobs.PartobsValueError) as e:
        partobs.fit(Y)
    assert e.value.status == "PO_ENONFINITE"
    # runtime failures are PartobsError but not ValueError; same message as the CLI
    W = 2.0 * np.eye(4)
    cli.save("U.npy", W)
    with pytest.raises(partobs.PartobsError) as e:
        partobs.theory(W, 2)
    assert not isinstance(e.value, ValueError) and e.value.status == "PO_EUNSTABLE"
    r = cli.run("theory", "--W", "U.npy", "--d", 2, "-o", "A.npy", ok=False)
    assert r.returncode == 1 and r.stderr.strip() == "partobs: theory: " + e.value.message
    with pytest.raises(TypeError):
        partobs.simulate(W * 0.1, 10, bogus=1)
    with pytest.raises(partobs.PartobsValueError):
        partobs.teacher("no-such-net", 5)


def test_library_not_found():
    env = dict(os.environ, PARTOBS_LIBRARY="/nonexistent/libpartobs.so")
    r = subprocess.run([sys.executable, "-c", "import partobs"], capture_output=True, text=True,
                       env=env)
    assert r.returncode != 0
    assert "LibraryNotFound" in r.stderr and "PARTOBS_LIBRARY=/nonexistent" in r.stderr


def rss_kib():
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") // 1024


def test_no_leaks():
    """1,000 calls of each kind (results and errors) do not grow the process."""
    rng = np.random.default_rng(3)
    W = 0.1 * rng.standard_normal((8, 8))
    Y = rng.standard_normal((200, 8))

    def round_(k):
        partobs.fit(Y)
        partobs.analyze(W)
        partobs.simulate(W, 50, seed=k)
        partobs.fit(Y, "lds", latents=2, iters=1, smoothed=True)
        try:
            partobs.theory(10 * np.eye(3), 2)
        except partobs.PartobsError:
            pass

    for k in range(100):  # warm up allocators and caches
        round_(k)
    before = rss_kib()
    for k in range(1000):
        round_(k)
    grown = rss_kib() - before
    assert grown < 4096, "RSS grew by %d KiB over 1,000 rounds" % grown
