"""partobs: data-constrained models of neural dynamics under partial observation.

A Python binding of the partobs C library (libpartobs.so, through ctypes), one
function per stage of the command-line tool, giving the same numbers as the
`partobs` CLI for the same inputs and options:

    teacher -> simulate -> observe -> fit -> analyze      (theory, curves,
                                                           compare, task, diagnose)

Arrays are NumPy float64, time down the rows (T x D activity; W[i, j] is the
weight from neuron j to neuron i). A float64 array whose rows are contiguous
(C order, or a row slice of one) is passed to the library without a copy;
anything else is converted once. Options are keywords named like the C option
structs' fields (docs/api.md); their defaults come from the library's
po_*_opts_defaults() (see partobs.defaults()).

Errors: PartobsError (status name in .status, the library's po_errmsg() in
.message); PartobsValueError, also a ValueError, for invalid options, shapes
or values (PO_EINVAL, PO_ESHAPE, PO_ENONFINITE, PO_EFORMAT); PartobsMemoryError,
also a MemoryError, for PO_ENOMEM. An unknown keyword is a TypeError. Ctrl-C
during a simulation, fit, curve or diagnosis stops it at its next progress
point and raises KeyboardInterrupt (main thread only).
"""
import ctypes
from ctypes import byref, c_double, c_int, c_size_t, c_void_p, POINTER

import numpy as np

from . import _lib as L
from ._lib import LibraryNotFound, PartobsError, PartobsMemoryError, PartobsValueError

__all__ = ["teacher", "simulate", "observe", "fit", "analyze", "theory", "curves", "compare",
           "task", "diagnose", "defaults", "blas_set_threads", "blas_kernels_hint", "PartobsError", "PartobsValueError",
           "PartobsMemoryError", "LibraryNotFound", "DEFAULT_SEED", "FIT_METHODS"]
__version__ = "0.1.0"

DEFAULT_SEED = 20241210  # PO_DEFAULT_SEED (partobs/rng.h)
PO_STREAM_CONNECTIVITY = 0
FIT_METHODS = ("map", "gd", "cornn", "force", "bptt", "lds")


def blas_set_threads(n):
    """Run the BLAS (OpenBLAS) of this whole process on n threads.

    A process-wide setting that also applies to NumPy: call it once at the start
    of a script, as the partobs CLI does with n = 1. With one BLAS thread the
    results are bit-identical for any `threads` option and equal to the CLI's
    (given the same OpenBLAS kernels, see blas_kernels_hint)."""
    n = int(n)
    if n < 1:
        raise ValueError("blas_set_threads: n must be at least 1")
    L.lib.po_blas_set_threads(n)


def blas_kernels_hint():
    """The OPENBLAS_CORETYPE the CLI starts OpenBLAS with on this CPU, or None.

    Debian's OpenBLAS runs slow generic kernels on CPUs it does not recognise; the
    CLI then restarts itself with OPENBLAS_CORETYPE set (docs/methods.md, Vector
    kernels). OpenBLAS reads the variable only when it is loaded, so for the CLI's
    kernels start Python with it: `OPENBLAS_CORETYPE=<hint> python3 script.py`."""
    h = L.lib.po_blas_coretype_hint()
    return h.decode() if h else None
_FIT_STRUCTS = {"map": L.RidgeOpts, "gd": L.GdOpts, "cornn": L.CornnOpts, "force": L.ForceOpts,
                "bptt": L.BpttOpts, "lds": L.LdsOpts}
_FIT_KIND = {"map": "ridge", "gd": "gd", "cornn": "cornn", "force": "force", "bptt": "bptt",
             "lds": "lds"}


def _lds_enums():
    return {"init": "lds_init"}


def _teacher_opts(net, D, kw, transforms, what):
    net_id = L.enum_value("net", net)
    o = L.lib.po_teacher_opts_defaults(net_id, D)
    L.fill(o, kw, what)
    o.transforms = transforms
    L.check("teacher", o)
    return o


def _transforms(ortho, perm, similarity):
    return (1 if ortho else 0) | (2 if perm else 0) | (4 if similarity else 0)


def defaults(stage, method=None, net=None, D=500):
    """The library's default options of a stage as a dict: stage is one of
    "teacher" (needs net; D), "simulate", "observe", "fit" (method), "theory",
    "curves", "task", "compare", "diagnose"."""
    if stage == "teacher":
        return L.as_dict(L.lib.po_teacher_opts_defaults(L.enum_value("net", net), D))
    if stage == "fit":
        return L.as_dict(getattr(L.lib, "po_%s_opts_defaults" % _FIT_KIND[method or "map"])())
    if stage == "theory":
        return dict(L.as_dict(L.lib.po_theory_opts_defaults()),
                    **L.as_dict(L.lib.po_cov_opts_defaults()))
    if stage == "compare":
        return {"fixed_points": L.as_dict(L.lib.po_fp_opts_defaults()),
                "limit_sets": L.as_dict(L.lib.po_limit_opts_defaults())}
    kind = {"simulate": "sim", "observe": "observe", "curves": "curves", "task": "task",
            "diagnose": "diagnose"}[stage]
    return L.as_dict(getattr(L.lib, "po_%s_opts_defaults" % kind)())


# ---- teacher, simulate, observe ------------------------------------------------------------

def teacher(net, D, *, seed=DEFAULT_SEED, ortho=False, perm=False, similarity=False, **params):
    """Draw a teacher connectivity (SPEC.md §2), as `partobs teacher`.

    net: generator name ("gaussian", "symmetric", "line-attractor", "triangular",
    "chain", "lowrank", "lowrank-osc", "lowrank-normal", "lowrank-random");
    D: neurons. params: the generator's options (scale, self_loops,
    diagonal_comp, use_schur, skip_interval, skip_scale, rank, shift_scale,
    max_eval, min_eval, diagonal), defaults po_teacher_opts_defaults(net, D).
    ortho/perm/similarity: the post-transforms. Returns W, shape (D, D).
    """
    o = _teacher_opts(net, D, params, _transforms(ortho, perm, similarity), "teacher")
    rng = (ctypes.c_uint64 * 4)()
    L.lib.po_rng_init(rng, seed, PO_STREAM_CONNECTIVITY)
    t = POINTER(L.Teacher)()
    st = L.lib.po_teacher_generate(byref(o), rng, byref(t))
    if st != L.PO_OK:
        raise L.error_for(st)
    try:
        return L.copy_mat(t.contents.W)
    finally:
        L.lib.po_teacher_free(t)


def simulate(W, T=None, *, x0=None, xi=None, signal=None, w_in=None, progress=None, **opts):
    """Euler-simulate the teacher W (D, D) for T steps (SPEC.md §1), as `partobs simulate`.

    Returns X, shape (T, D), row 0 = x0. Options (po_sim_opts): T, phi
    ("linear"/"tanh"), leaky ("current"/"rate"), alpha, g, noise, input_gain,
    ic_scale, seed, threads. x0: (D,) initial state (else drawn from the seed);
    xi: (>= T-1, D) replayed standard normals; signal: (>= T-1,) input s_t with
    w_in: (D,) its direction. progress(done, total): optional callback.
    """
    o = L.lib.po_sim_opts_defaults()
    if T is not None:
        opts["T"] = T
    L.fill(o, opts, "simulate")
    if (signal is None) != (w_in is None):
        raise L.usage("signal and w_in must be given together")
    if signal is None and "input_gain" in opts:
        raise L.usage("input_gain needs signal and w_in")
    if x0 is not None and "ic_scale" in opts:
        raise L.usage("ic_scale applies only when x0 is drawn, not with x0")
    L.check("sim", o)
    Wm = L.MatArg(W, "W")
    D = Wm.shape[0]
    if Wm.shape[0] != Wm.shape[1]:
        raise L.usage("W: expected a square matrix, got %d x %d" % Wm.shape)
    ins = L.SimInputs()
    x0m = L.mat_arg(x0, "x0", vector=True)
    if x0m is not None:
        if x0m.shape[0] != D:
            raise L.usage("x0: expected %d entries, got %d" % (D, x0m.shape[0]))
        ins.x0 = x0m.mat.data
    xim = L.mat_arg(xi, "xi")
    if xim is not None:
        if xim.shape[0] < o.T - 1 or xim.shape[1] != D:
            raise L.usage("xi must have at least T-1 = %d rows and D = %d columns, got %d x %d"
                          % (o.T - 1, D, xim.shape[0], xim.shape[1]))
        ins.xi = xim.ptr
    sm = L.mat_arg(signal, "signal", vector=True)
    wm = L.mat_arg(w_in, "w_in", vector=True)
    if sm is not None:
        if sm.shape[0] < o.T - 1:
            raise L.usage("signal must have at least T-1 = %d entries, got %d"
                          % (o.T - 1, sm.shape[0]))
        if wm.shape[0] != D:
            raise L.usage("w_in: expected %d entries, got %d" % (D, wm.shape[0]))
        ins.signal = sm.ptr
        ins.w_in = wm.mat.data
    # po_simulate's steps, with X in NumPy memory: the operator chosen by
    # po_linop_auto, its rank test drawn from the seed's connectivity stream.
    rng = (ctypes.c_uint64 * 4)()
    L.lib.po_rng_init(rng, o.seed, PO_STREAM_CONNECTIVITY)
    op = c_void_p()
    st = L.lib.po_linop_auto(Wm.ptr, rng, byref(op))
    if st != L.PO_OK:
        raise L.error_for(st)
    try:
        X, Xm = L.out(o.T, D)
        with L.Call(progress) as call:
            o.progress, o.progress_user = call.cb, None
            call.status(L.lib.po_sim_run(op, byref(o), byref(ins), Xm.ptr))
    finally:
        L.lib.po_linop_free(op)
    return X


def observe(X, d=None, *, index=None, **opts):
    """Record d of the D neurons of X (T, D) (SPEC.md §1.3), as `partobs observe`.

    d: the first d neurons, or index: a list of neurons (0-based, in order).
    Options: obs_noise (standard deviation), seed. Returns Y, shape (T, d).
    """
    o = L.lib.po_observe_opts_defaults()
    L.fill(o, opts, "observe")
    Xm = L.MatArg(X, "X")
    idx = None
    if index is not None:
        idx = np.ascontiguousarray(index, dtype=np.uintp)
        if d is not None and d != len(idx):
            raise L.usage("d %d but index lists %d neurons" % (d, len(idx)))
        if np.any(idx >= Xm.shape[1]):
            raise L.usage("index: a neuron does not exist in X (D = %d, 0-based)" % Xm.shape[1])
        d = len(idx)
        o.index = idx.ctypes.data_as(POINTER(c_size_t))
    if d is None:
        raise L.usage("give d or index")
    o.d = d
    L.check("observe", o)
    if d > Xm.shape[1]:
        raise L.usage("d %d exceeds the number of neurons in X (D = %d)" % (d, Xm.shape[1]))
    Y, Ym = L.out(Xm.shape[0], d)
    st = L.lib.po_observe(Xm.ptr, byref(o), Ym.ptr)
    if st != L.PO_OK:
        raise L.error_for(st)
    return Y


# ---- fit -----------------------------------------------------------------------------------

def fit(Y, method="map", *, U=None, init=None, smoothed=False, progress=None, **opts):
    """Fit a student to the observed activity Y (T, d) (SPEC.md §4), as `partobs fit`.

    method: "map" (ridge, §4.1), "gd" (§4.4), "cornn" (§4.5), "force" (§4.6),
    "bptt" (§4.7) or "lds" (§4.8). Options: the fields of the method's C
    options struct (po_ridge_opts, po_gd_opts, ...; partobs.defaults("fit",
    method) lists them with their defaults). U: (T, m) inputs (cornn, lds).
    init: initial weights (gd, cornn, force: (d, d); bptt: (d+H, d+H)); for
    lds, init is the initialisation name ("pca"/"random").

    Returns (W, info). W: map/gd/cornn/force (d, d); bptt (d+H, d+H), observed
    units first; lds A_cont (K, K). info: the CLI's fit_info keys (map:
    samples, rcond, used_svd, clipped, residual; gd: iters, loss, grad_norm;
    cornn: samples, clipped, loss, and W_in (d, m) with U; force: passes,
    chi2, pvar, pvar_trace; bptt: windows, epochs, loss_first, loss_last,
    loss_trace; lds: the keys of the CLI's JSON report (log_likelihood trace,
    A, A_cont, V, b, Q, C, F, d, R, mu0, Sigma0, ..., line_attractor_score) and
    with smoothed=True the smoothed latents (T, K) under "smoothed").
    """
    if method not in _FIT_STRUCTS:
        raise L.usage("unknown method %r; one of %s" % (method, ", ".join(FIT_METHODS)))
    kind = _FIT_KIND[method]
    o = getattr(L.lib, "po_%s_opts_defaults" % kind)()
    if method == "lds" and init is not None:
        opts["init"] = init
        init = None
    L.fill(o, opts, "fit(method=%r)" % method, enums=_lds_enums() if method == "lds" else None)
    if init is not None and method in ("map",):
        raise TypeError("fit(method='map') has no init")
    if U is not None and method not in ("cornn", "lds"):
        raise TypeError("fit(method=%r) takes no inputs U" % method)
    L.check(kind, o)
    Ym = L.MatArg(Y, "Y")
    T, d = Ym.shape
    if T < 2:
        raise L.usage("Y: need at least T = 2 time steps (rows) to fit, got T = %d" % T)
    initm = L.mat_arg(init, "init")
    if initm is not None:
        o.init = initm.ptr
    Um = L.mat_arg(U, "U")
    if Um is not None and Um.shape[0] != T:
        raise L.usage("U has %d rows, Y has %d: inputs need one row per time step"
                      % (Um.shape[0], T))
    with L.Call(progress) as call:
        o.progress, o.progress_user = call.cb, None
        return _FITS[method](call, Ym, Um, o, smoothed)


def _fit_map(call, Ym, Um, o, smoothed):
    d = Ym.shape[1]
    if Ym.shape[0] - 2 < o.burn_in:
        raise L.usage("burn_in %d leaves fewer than 2 of its T = %d time steps"
                      % (o.burn_in, Ym.shape[0]))
    W, Wm = L.out(d, d)
    info = L.RidgeInfo()
    call.status(L.lib.po_fit_ridge(Ym.ptr, byref(o), Wm.ptr, byref(info)))
    return W, {"samples": info.samples, "rcond": info.rcond, "used_svd": info.used_svd,
               "clipped": info.clipped, "residual": info.residual}


def _fit_gd(call, Ym, Um, o, smoothed):
    d = Ym.shape[1]
    W, Wm = L.out(d, d)
    info = L.GdInfo()
    call.status(L.lib.po_fit_gd(Ym.ptr, byref(o), Wm.ptr, byref(info)))
    return W, {"iters": info.iters, "loss": info.loss, "grad_norm": info.grad_norm}


def _fit_cornn(call, Ym, Um, o, smoothed):
    d = Ym.shape[1]
    W, Wm = L.out(d, d)
    Win, Winm = L.out(d, Um.shape[1]) if Um is not None else (None, None)
    info = L.CornnInfo()
    call.status(L.lib.po_fit_cornn(Ym.ptr, L.ptr(Um), byref(o), Wm.ptr, L.ptr(Winm),
                                   byref(info)))
    res = {"samples": info.samples, "clipped": info.clipped, "loss": info.loss}
    if Win is not None:
        res["W_in"] = Win
    return W, res


def _fit_force(call, Ym, Um, o, smoothed):
    T, d = Ym.shape
    t1 = o.t1 or T
    if t1 > T or t1 < o.t0 + 2:
        raise L.usage("window %d:%d does not fit its T = %d rows" % (o.t0, t1, T))
    W, Wm = L.out(d, d)
    trace = np.empty(o.passes + o.free_passes)
    info = L.ForceInfo()
    info.pvar_trace = trace.ctypes.data_as(POINTER(c_double))
    call.status(L.lib.po_fit_force(Ym.ptr, byref(o), Wm.ptr, byref(info)))
    return W, {"passes": info.passes, "chi2": info.chi2, "pvar": info.pvar,
               "pvar_trace": trace}


def _fit_bptt(call, Ym, Um, o, smoothed):
    T, d = Ym.shape
    t1 = o.t1 or T
    if t1 > T:
        raise L.usage("window %d:%d goes past its T = %d rows" % (o.t0, t1, T))
    if t1 <= o.t0 or t1 - o.t0 < o.seq_len:
        raise L.usage("the %d rows used (%d:%d) are fewer than seq_len %d"
                      % (max(t1 - o.t0, 0), o.t0, t1, o.seq_len))
    n = d + o.hidden
    W, Wm = L.out(n, n)
    trace = np.empty(o.epochs)
    info = L.BpttInfo()
    info.loss_trace = trace.ctypes.data_as(POINTER(c_double))
    call.status(L.lib.po_fit_bptt(Ym.ptr, byref(o), Wm.ptr, byref(info)))
    return W, {"windows": info.windows, "epochs": info.epochs, "loss_first": info.loss_first,
               "loss_last": info.loss_last, "loss_trace": trace}


def _fit_lds(call, Ym, Um, o, smoothed):
    paper = o.procedure == L.enum_value("lds_procedure", "paper")
    ll = np.empty(o.iters + 1)
    elbo = np.empty(o.iters + 1) if paper else None
    info = L.LdsInfo()
    info.loglik_trace = ll.ctypes.data_as(POINTER(c_double))
    if paper:
        info.elbo_trace = elbo.ctypes.data_as(POINTER(c_double))
    p = POINTER(L.Lds)()
    call.status(L.lib.po_fit_lds(Ym.ptr, L.ptr(Um), byref(o), byref(p), byref(info)))
    try:
        K = o.latents
        A, Am = L.out(K, K)
        st = L.lib.po_lds_continuous(p, o.alpha, Am.ptr)
        if st != L.PO_OK:
            raise L.error_for(st)
        s = _spectrum(Am)
        m = p.contents
        res = {"procedure": "paper" if paper else "exact", "log_likelihood": ll[:info.iters + 1]}
        if paper:
            res["elbo"] = elbo[:info.iters + 1]
        res.update({"A": L.copy_mat(m.A), "A_cont": A, "V": L.copy_mat(m.V),
                    "b": L.copy_vec(m.b, K), "Q": L.copy_vec(m.q, K), "C": L.copy_mat(m.C),
                    "F": L.copy_mat(m.F), "d": L.copy_vec(m.offset, m.d),
                    "R": L.copy_vec(m.r, m.d), "mu0": L.copy_vec(m.mu0, K),
                    "Sigma0": L.copy_mat(m.Sigma0), "latents": K,
                    "emissions": ("free", "orthonormal")[o.emissions],
                    "init": ("pca", "random")[o.init], "iterations": info.iters,
                    "converged": info.converged, "alpha": o.alpha,
                    "eigenvalues": s["eigenvalues"], "time_constants": s["time_constants"],
                    "line_attractor_score": s["line_attractor_score"]})
        if smoothed:
            Xs, Xsm = L.out(Ym.shape[0], K)
            st = L.lib.po_lds_smooth(p, Ym.ptr, L.ptr(Um), Xsm.ptr, None)
            if st != L.PO_OK:
                raise L.error_for(st)
            res["smoothed"] = Xs
        return A, res
    finally:
        L.lib.po_lds_free(p)


_FITS = {"map": _fit_map, "gd": _fit_gd, "cornn": _fit_cornn, "force": _fit_force,
         "bptt": _fit_bptt, "lds": _fit_lds}


# ---- analyze, theory, curves ---------------------------------------------------------------

def _spectrum(Wm):
    s = POINTER(L.Spectrum)()
    st = L.lib.po_spectrum_new(Wm.ptr, byref(s))
    if st != L.PO_OK:
        raise L.error_for(st)
    try:
        c = s.contents
        n = c.n
        return {"n": n,
                "eigenvalues": np.column_stack([L.copy_vec(c.re, n), L.copy_vec(c.im, n)]),
                "time_constants": L.copy_vec(c.tau, n),
                "line_attractor_score": c.las, "henrici": c.henrici,
                "singular_values": L.copy_vec(c.sv, n), "max_real_eigenvalue": c.max_re}
    finally:
        L.lib.po_spectrum_free(s)


def _square(a, name):
    m = L.MatArg(a, name)
    if m.shape[0] != m.shape[1]:
        raise L.usage("%s: expected a square matrix, got %d x %d" % ((name,) + m.shape))
    return m


def analyze(W, teacher=None):
    """Spectrum of a connectivity W (n, n) for the Jacobian -I + W (SPEC.md §5),
    as `partobs analyze --json`: a dict with the report's keys n, eigenvalues
    ((n, 2): [re, im] rows, descending real part), time_constants (n,),
    line_attractor_score, henrici, singular_values (n,), max_real_eigenvalue,
    and with teacher (D, D), D >= n: u_overlap, v_overlap. (Where the JSON
    writes null for an infinite time constant, this has inf.)"""
    Wm = _square(W, "W")
    res = {}
    if teacher is not None:
        Bm = _square(teacher, "teacher")
        if Bm.shape[0] < Wm.shape[0]:
            raise L.usage("the teacher (D = %d) is smaller than the student (d = %d)"
                          % (Bm.shape[0], Wm.shape[0]))
        u, v = c_double(), c_double()
        st = L.lib.po_singular_overlaps(Bm.ptr, Wm.ptr, byref(u), byref(v))
        if st != L.PO_OK:
            raise L.error_for(st)
        res = {"u_overlap": u.value, "v_overlap": v.value}
    s = _spectrum(Wm)
    s.update(res)
    return s


def theory(W, d, *, rho=None, noise_corr=None, chain_last_row=None, closed_forms=None):
    """The infinite-data student of the linear teacher W (D, D) observing
    neurons 0..d-1 (SPEC.md §4.3), as `partobs theory`. Options: rho,
    chain_last_row (po_theory_opts), noise_corr, closed_forms (po_cov_opts).
    Returns A, shape (d, d)."""
    to = L.lib.po_theory_opts_defaults()
    co = L.lib.po_cov_opts_defaults()
    for o, kw in ((to, {"rho": rho, "chain_last_row": chain_last_row}),
                  (co, {"noise_corr": noise_corr, "closed_forms": closed_forms})):
        L.fill(o, {k: v for k, v in kw.items() if v is not None}, "theory")
    if d < 1:
        raise L.usage("d must be at least 1")
    L.check("theory", to)
    L.check("cov", co)
    Wm = _square(W, "W")
    D = Wm.shape[0]
    if d > D:
        raise L.usage("d %d exceeds the teacher's D = %d" % (d, D))
    S, Sm = L.out(D, D)
    A, Am = L.out(d, d)
    used = c_int()
    st = L.lib.po_stationary_cov(Wm.ptr, byref(co), Sm.ptr, byref(used))
    if st == L.PO_OK:
        st = L.lib.po_theory_student(Wm.ptr, Sm.ptr, d, byref(to), Am.ptr)
    if st != L.PO_OK:
        raise L.error_for(st)
    return A


_CURVE_KEYS = [("line_attractor_score", "las", False), ("top_eigenvalues_re", "top_re", True),
               ("top_singular_values", "top_sv", True), ("u_overlap", "u_overlap", False),
               ("v_overlap", "v_overlap", False), ("henrici", "henrici", False)]


def _curve_arrays(c, suffix):
    n, k = c.n, c.top_n
    out = {}
    for key, field, matrix in _CURVE_KEYS:
        p = getattr(c, field)
        if not p:
            continue
        a = L.copy_vec(p, n * k if matrix else n)
        out[key + suffix] = a.reshape(n, k) if matrix else a
    return out


def curves(W=None, *, net=None, D=None, teachers=1, seed=DEFAULT_SEED, ortho=False, perm=False,
           similarity=False, d_list=None, noise_corr=None, closed_forms=None, progress=None,
           **opts):
    """Subsampling curves of the infinite-data student (SPEC.md §5), as
    `partobs curves --json`: for a teacher W (D, D), or `teachers` teachers
    drawn with net, D and the teacher() parameters from seed.

    Options (po_curves_opts): dmin, dmax, step, top_n, henrici, rho, threads;
    d_list: explicit d values; noise_corr, closed_forms (the covariance).
    Returns the report's keys: d (n,), line_attractor_score (n,),
    top_eigenvalues_re (n, top_n), top_singular_values (n, top_n), u_overlap,
    v_overlap, henrici (with henrici=True); with teachers > 1 the mean and
    <key>_sem; teachers, D, covariance_method.
    """
    tkeys = [f for f, _ in L.TeacherOpts._fields_]
    tparams = {k: opts.pop(k) for k in list(opts) if k in tkeys}
    o = L.lib.po_curves_opts_defaults()
    L.fill(o, opts, "curves")
    for k, v in (("noise_corr", noise_corr), ("closed_forms", closed_forms)):
        if v is not None:
            setattr(o.cov, k, v)
    dl = None
    if d_list is not None:
        dl = np.ascontiguousarray(d_list, dtype=np.uintp)
        o.d_list = dl.ctypes.data_as(POINTER(c_size_t))
        o.n_list = len(dl)
    if (W is None) == (net is None):
        raise L.usage("give a teacher: W, or net and D")
    if W is not None and (teachers != 1 or tparams):
        raise L.usage("teachers and generator options need generated teachers (net), not W")
    if teachers < 1:
        raise L.usage("teachers must be at least 1")
    if "dmax" in opts and opts["dmax"] == 0:
        raise L.usage("dmax must be at least 1")
    L.check("curves", o)
    Wm = _square(W, "W") if W is not None else None
    if Wm is None:
        if D is None:
            raise L.usage("give D with net")
        to = _teacher_opts(net, D, tparams, _transforms(ortho, perm, similarity), "curves")
    Dn = Wm.shape[0] if Wm is not None else D
    n = L.lib.po_curves_count(byref(o), Dn)
    if n == 0:
        raise L.usage("%s %d exceeds D = %d" % ("dmax" if o.dmax else "dmin",
                                               o.dmax or o.dmin, Dn))
    rng = (ctypes.c_uint64 * 4)()
    L.lib.po_rng_init(rng, seed, PO_STREAM_CONNECTIVITY)
    cs = (POINTER(L.Curves) * teachers)()
    mean = L.lib.po_curves_alloc(n, o.top_n, o.henrici)
    sem = L.lib.po_curves_alloc(n, o.top_n, o.henrici)
    try:
        if not mean or not sem:
            raise PartobsMemoryError("PO_ENOMEM", "out of memory")
        with L.Call(progress) as call:
            o.progress, o.progress_user = call.cb, None
            for k in range(teachers):
                t = POINTER(L.Teacher)()
                if Wm is None:
                    call.status(L.lib.po_teacher_generate(byref(to), rng, byref(t)))
                try:
                    cs[k] = L.lib.po_curves_alloc(n, o.top_n, o.henrici)
                    if not cs[k]:
                        raise PartobsMemoryError("PO_ENOMEM", "out of memory")
                    B = Wm.ptr if Wm is not None else t.contents.W
                    st = L.lib.po_curves_compute(B, byref(o), cs[k])
                    if st != L.PO_OK and st != L.PO_ECANCELED and teachers > 1:
                        err = L.error_for(st)
                        raise type(err)(err.status, "teacher %d of %d: %s"
                                        % (k + 1, teachers, err.message))
                    call.status(st)
                finally:
                    if t:
                        L.lib.po_teacher_free(t)
        st = L.lib.po_curves_mean_sem(cs, teachers, mean, sem)
        if st != L.PO_OK:
            raise L.error_for(st)
        m = mean.contents
        res = {"d": np.ctypeslib.as_array(m.d, shape=(n,)).astype(np.int64)}
        res.update(_curve_arrays(m, ""))
        if teachers > 1:
            res.update(_curve_arrays(sem.contents, "_sem"))
        res.update({"teachers": teachers, "D": Dn,
                    "covariance_method": L.lib.po_cov_method_name(m.cov_method).decode()})
        return res
    finally:
        for k in range(teachers):
            if cs[k]:
                L.lib.po_curves_free(cs[k])
        L.lib.po_curves_free(mean)
        L.lib.po_curves_free(sem)


# ---- compare, task, diagnose -------------------------------------------------------------

def compare(teacher, student, *, obs=None, phi="tanh", leaky="current", alpha=0.01,
            seed=DEFAULT_SEED, steps=None, n_traj=None, n_random=None):
    """Attractors of a teacher (D, D) and a student (n, n) network and their
    comparison on the first obs neurons (SPEC.md §5 "Limit sets"), as
    `partobs compare --json`: a dict with teacher, student (fixed points,
    limit cycles, limit sets), obs, match, comparison (counts) and verdict
    (one sentence). Options as the CLI's: phi, leaky, alpha (Euler step),
    steps, n_traj (po_limit_opts), n_random (po_fp_opts), seed."""
    L.need_report("compare")
    fpo = L.lib.po_fp_opts_defaults()
    limo = L.lib.po_limit_opts_defaults()
    if steps is not None:
        limo.steps = steps
    if n_traj is not None:
        limo.n_traj = n_traj
    if n_random is not None:
        fpo.n_random = n_random
    if not (0.0 < alpha <= 1.0):
        raise L.usage("alpha must be in (0, 1]")
    if obs is not None and obs == 0:
        raise L.usage("obs must be at least 1")
    fpo.seed = limo.seed = seed
    L.check("limit", limo)
    L.check("fp", fpo)
    Tm, Sm = _square(teacher, "the teacher"), _square(student, "the student")
    lim = min(Tm.shape[0], Sm.shape[0])
    obs = lim if obs is None else obs
    if obs > lim:
        raise L.usage("obs %d exceeds the smaller network (teacher %d, student %d)"
                      % (obs, Tm.shape[0], Sm.shape[0]))
    p, lk = L.enum_value("phi", phi), L.enum_value("leaky", leaky)
    tn, sn = L.Network(Tm.ptr, p, lk, alpha), L.Network(Sm.ptr, p, lk, alpha)
    rt, rs = c_void_p(), c_void_p()
    try:
        for net, r in ((tn, rt), (sn, rs)):
            st = L.lib.po_attractor_analyse(byref(net), byref(fpo), byref(limo), byref(r))
            if st != L.PO_OK:
                raise L.error_for(st)
        cmp = L.AttractorComparison()
        verdict = ctypes.create_string_buffer(1024)
        st = L.lib.po_attractor_compare(rt, rs, obs, byref(cmp), verdict, len(verdict))
        if st != L.PO_OK:
            raise L.error_for(st)
        rl = L.report_lib
        return {"teacher": L.report_json(rl.po_report_attractors_json(rt, obs, 0, True)),
                "student": L.report_json(rl.po_report_attractors_json(rs, obs, 0, True)),
                "obs": obs, "match": cmp.match,
                "comparison": L.report_json(rl.po_report_comparison_json(byref(cmp))),
                "verdict": verdict.value.decode()}
    finally:
        L.lib.po_attractor_report_free(rt)
        L.lib.po_attractor_report_free(rs)


def task(net, *, progress=None, **opts):
    """The sensory-integration task of Fig 1 (SPEC.md §7), as `partobs task`.

    net: "line-attractor" or "feedforward". Options (po_task_opts): D, T,
    seed, alpha, noise, input_gain, threads (and the constants signal_noise,
    max_eval, min_eval, skip_scale, readout_gain). Returns a dict named like
    the CLI's files: X (T, D), U (T, 1) the drive v0 s_t, readout (T, 1),
    ideal (T, 1), W (D, D), w_in (D,), w_out (D,).
    """
    o = L.lib.po_task_opts_defaults()
    o.net = L.enum_value("task_net", net)
    L.fill(o, opts, "task")
    L.check("task", o)
    t = POINTER(L.Task)()
    st = L.lib.po_task_make(byref(o), byref(t))
    if st != L.PO_OK:
        raise L.error_for(st)
    try:
        with L.Call(progress) as call:
            o.progress, o.progress_user = call.cb, None
            call.status(L.lib.po_task_simulate(t, byref(o)))
        c = t.contents
        return {"X": L.copy_mat(c.X), "U": L.copy_mat(c.input), "readout": L.copy_mat(c.readout),
                "ideal": L.copy_mat(c.ideal), "W": L.copy_mat(c.W),
                "w_in": L.copy_vec(c.m, c.D), "w_out": L.copy_vec(c.w_out, c.D)}
    finally:
        L.lib.po_task_free(t)


def diagnose(Y, *, U=None, YP=None, STIM=None, fractions=None, progress=None, **opts):
    """Is the slow mode of a model fitted to the recording Y (T, d) real?
    (docs/methods.md "Diagnose"), as `partobs diagnose`: the dict of its
    diagnose.json (verdict, passive_verdict, reason, evidence, full,
    subsampling, trend, bootstrap, perturbation, ...). U: (T, m) inputs. YP
    (T', d) and STIM (T', d): a perturbation recording and its stimulation,
    for the final verdict. fractions: the subsampling fractions (increasing,
    in (0, 1]). Options (po_diagnose_opts): method ("map"/"lds"), phi, alpha,
    rho, latents, lds_iters, lds_refit_iters, dt, subsets, bootstrap, block,
    pulse_steps, wait_steps, repeats, late_from, late_to, snr, seed, threads.
    """
    L.need_report("diagnose")
    o = L.lib.po_diagnose_opts_defaults()
    for k in ("fractions", "n_fractions"):
        if k in opts:
            raise TypeError("diagnose: give fractions as the fractions= list")
    L.fill(o, opts, "diagnose")
    if fractions is not None:
        fr = list(fractions)
        if len(fr) > L.DIAGNOSE_MAX_FRACTIONS:
            raise L.usage("fractions: at most %d fractions" % L.DIAGNOSE_MAX_FRACTIONS)
        for i, v in enumerate(fr):
            o.fractions[i] = v
        o.n_fractions = len(fr)
    if (YP is None) != (STIM is None):
        raise L.usage("YP and STIM must be given together")
    L.check("diagnose", o)
    Ym, Um = L.MatArg(Y, "Y"), L.mat_arg(U, "U")
    YPm, STm = L.mat_arg(YP, "YP"), L.mat_arg(STIM, "STIM")
    dg = c_void_p()
    try:
        with L.Call(progress) as call:
            o.progress, o.progress_user = call.cb, None
            call.status(L.lib.po_diagnose_run(Ym.ptr, L.ptr(Um), byref(o), byref(dg)))
            if YPm is not None:
                call.status(L.lib.po_diagnose_perturbation(dg, YPm.ptr, STm.ptr, byref(o)))
        return L.report_json(L.report_lib.po_report_diagnose_json(dg, byref(o)))
    finally:
        L.lib.po_diagnose_free(dg)
