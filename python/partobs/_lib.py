"""ctypes binding of libpartobs.so: loading, the C structs, errors, interrupts.

Every Structure below mirrors a struct of include/partobs/*.h field by field
(tests/test_layout.py compares sizes and offsets with the C compiler's). C
enums are ints. Defaults always come from the library's po_*_opts_defaults().
"""
import ctypes
import ctypes.util
import json
import os
import signal
import socket
import threading
from ctypes import (CFUNCTYPE, POINTER, Structure, c_bool, c_char_p, c_double, c_int, c_size_t,
                    c_uint, c_uint64, c_void_p)

import numpy as np

_HERE = os.path.dirname(os.path.abspath(__file__))


class LibraryNotFound(ImportError):
    """libpartobs.so could not be found or loaded."""


def _library_path():
    """PARTOBS_LIBRARY, else the copy made at install time, else the system's."""
    env = os.environ.get("PARTOBS_LIBRARY")
    if env:
        if not os.path.exists(env):
            raise LibraryNotFound("partobs: PARTOBS_LIBRARY=%s does not exist" % env)
        return env
    bundled = os.path.join(_HERE, "lib", "libpartobs.so")
    if os.path.exists(bundled):
        return bundled
    found = ctypes.util.find_library("partobs")
    if found:
        return found
    raise LibraryNotFound(
        "partobs: cannot find libpartobs.so: set PARTOBS_LIBRARY=/path/to/libpartobs.so, "
        "run `make python` in the partobs source tree (it installs the package with a copy of "
        "the library), or `make install` the C library")


def _load():
    path = _library_path()
    try:
        lib = ctypes.CDLL(path)
    except OSError as e:
        raise LibraryNotFound("partobs: cannot load %s: %s" % (path, e)) from e
    return path, lib


LIBRARY_PATH, lib = _load()


def _report_library():
    """libpartobs-report.so beside libpartobs.so (plots, JSON reports), or the
    one library when it holds both (a static-archive build linked whole)."""
    env = os.environ.get("PARTOBS_REPORT_LIBRARY")
    candidates = [env] if env else []
    candidates.append(os.path.join(os.path.dirname(os.path.abspath(LIBRARY_PATH)),
                                   "libpartobs-report.so"))
    for c in candidates:
        if c and os.path.exists(c):
            return ctypes.CDLL(c)
    if hasattr(lib, "po_report_spectrum_json"):
        return lib
    system = ctypes.util.find_library("partobs-report")  # beside a `make install`ed libpartobs
    return ctypes.CDLL(system) if system else None


report_lib = _report_library()

# The BLAS thread count and kernels are process-wide settings that belong to
# the program owning the process, never to a library (the principle behind
# po_blas_set_threads, partobs/version.h): importing the package changes
# neither. blas_set_threads() and blas_kernels_hint() in __init__ let a script
# run as the CLI runs, so that its numbers are the CLI's to the bit.
lib.po_blas_set_threads.argtypes = [c_int]
lib.po_blas_coretype_hint.restype = c_char_p
lib.po_blas_coretype_hint.argtypes = []

# ---- status codes and errors --------------------------------------------------

lib.po_status_name.restype = c_char_p
lib.po_status_name.argtypes = [c_int]
lib.po_errmsg.restype = c_char_p
lib.po_errmsg.argtypes = []
lib.po_error_clear.argtypes = []

STATUS = {}
for _k in range(64):
    _n = lib.po_status_name(_k).decode()
    if _n.startswith("PO_"):
        STATUS[_n] = _k
PO_OK = 0
PO_ECANCELED = STATUS.get("PO_ECANCELED")

# Statuses that mean the caller passed something wrong (options, shapes,
# values): raised as PartobsValueError, which is also a ValueError.
_USAGE = {"PO_EINVAL", "PO_ESHAPE", "PO_ENONFINITE", "PO_EFORMAT"}


class PartobsError(Exception):
    """A libpartobs failure: .status (e.g. "PO_EUNSTABLE") and .message (po_errmsg())."""

    def __init__(self, status, message):
        self.status = status
        self.message = message
        super().__init__("%s: %s" % (status, message))


class PartobsValueError(PartobsError, ValueError):
    """Invalid options, shapes or values (PO_EINVAL, PO_ESHAPE, PO_ENONFINITE, PO_EFORMAT)."""


class PartobsMemoryError(PartobsError, MemoryError):
    """PO_ENOMEM."""


def error_for(st, message=None):
    name = lib.po_status_name(st).decode()
    msg = message if message is not None else (lib.po_errmsg() or b"").decode() or name
    if name in _USAGE:
        return PartobsValueError(name, msg)
    if name == "PO_ENOMEM":
        return PartobsMemoryError(name, msg)
    return PartobsError(name, msg)


def usage(message):
    return PartobsValueError("PO_EINVAL", message)


# ---- the structs -----------------------------------------------------------------

PROGRESS = CFUNCTYPE(None, c_void_p, c_size_t, c_size_t)
_dp = POINTER(c_double)
_sp = POINTER(c_size_t)


class Mat(Structure):
    _fields_ = [("data", _dp), ("rows", c_size_t), ("cols", c_size_t), ("ld", c_size_t),
                ("owns", c_bool)]


_mp = POINTER(Mat)
_PROG = [("progress", PROGRESS), ("progress_user", c_void_p)]


class TeacherOpts(Structure):
    _fields_ = [("net", c_int), ("D", c_size_t), ("scale", c_double), ("self_loops", c_bool),
                ("diagonal_comp", c_double), ("use_schur", c_bool), ("skip_interval", c_size_t),
                ("skip_scale", c_double), ("rank", c_size_t), ("shift_scale", c_double),
                ("max_eval", c_double), ("min_eval", c_double), ("diagonal", c_bool),
                ("transforms", c_uint)]


class Teacher(Structure):
    _fields_ = [("W", _mp), ("U", _mp), ("M", _mp), ("N", _mp)]


class SimOpts(Structure):
    _fields_ = [("T", c_size_t), ("phi", c_int), ("leaky", c_int), ("alpha", c_double),
                ("g", c_double), ("noise", c_double), ("input_gain", c_double),
                ("ic_scale", c_double), ("seed", c_uint64), ("threads", c_size_t)] + _PROG


class SimInputs(Structure):
    _fields_ = [("x0", _dp), ("xi", _mp), ("signal", _mp), ("w_in", _dp)]


class ObserveOpts(Structure):
    _fields_ = [("d", c_size_t), ("index", _sp), ("obs_noise", c_double), ("seed", c_uint64)]


class RidgeOpts(Structure):
    _fields_ = [("phi", c_int), ("leaky", c_int), ("alpha", c_double), ("rho", c_double),
                ("burn_in", c_size_t), ("block", c_size_t)] + _PROG


class RidgeInfo(Structure):
    _fields_ = [("samples", c_size_t), ("rcond", c_double), ("used_svd", c_bool),
                ("clipped", c_size_t), ("residual", c_double)]


class GdOpts(Structure):
    _fields_ = [("phi", c_int), ("alpha", c_double), ("rho", c_double), ("lr", c_double),
                ("iters", c_size_t), ("init", _mp)] + _PROG


class GdInfo(Structure):
    _fields_ = [("iters", c_size_t), ("loss", c_double), ("grad_norm", c_double)]


class CornnOpts(Structure):
    _fields_ = [("alpha", c_double), ("l2", c_double), ("threshold", c_double),
                ("iters", c_size_t), ("solver", c_int), ("subsample", c_size_t),
                ("threads", c_size_t), ("init", _mp)] + _PROG


class CornnInfo(Structure):
    _fields_ = [("samples", c_size_t), ("clipped", c_size_t), ("loss", c_double)]


class ForceOpts(Structure):
    _fields_ = [("alpha", c_double), ("tau", c_double), ("g", c_double), ("p0", c_double),
                ("passes", c_size_t), ("free_passes", c_size_t), ("t0", c_size_t),
                ("t1", c_size_t), ("seed", c_uint64), ("init", _mp)] + _PROG


class ForceInfo(Structure):
    _fields_ = [("passes", c_size_t), ("chi2", c_double), ("pvar", c_double),
                ("pvar_trace", _dp)]


class BpttOpts(Structure):
    _fields_ = [("alpha", c_double), ("hidden", c_size_t), ("seq_len", c_size_t),
                ("batch", c_size_t), ("epochs", c_size_t), ("optimizer", c_int),
                ("lr", c_double), ("momentum", c_double), ("beta1", c_double),
                ("beta2", c_double), ("eps", c_double), ("beta", c_double),
                ("init_scale", c_double), ("reference_shift", c_bool), ("t0", c_size_t),
                ("t1", c_size_t), ("seed", c_uint64), ("init", _mp)] + _PROG


class BpttInfo(Structure):
    _fields_ = [("windows", c_size_t), ("epochs", c_size_t), ("loss_first", c_double),
                ("loss_last", c_double), ("loss_trace", _dp)]


class LdsOpts(Structure):
    _fields_ = [("procedure", c_int), ("latents", c_size_t), ("emissions", c_int),
                ("init", c_int), ("iters", c_size_t), ("tol", c_double),
                ("stiefel_iters", c_size_t), ("emission_iters", c_size_t), ("alpha", c_double),
                ("seed", c_uint64)] + _PROG


class Lds(Structure):
    _fields_ = [("K", c_size_t), ("d", c_size_t), ("m", c_size_t), ("A", _mp), ("V", _mp),
                ("b", _dp), ("q", _dp), ("C", _mp), ("F", _mp), ("offset", _dp), ("r", _dp),
                ("mu0", _dp), ("Sigma0", _mp)]


class LdsInfo(Structure):
    _fields_ = [("iters", c_size_t), ("converged", c_bool), ("loglik", c_double),
                ("loglik_trace", _dp), ("elbo_trace", _dp)]


class Spectrum(Structure):
    _fields_ = [("n", c_size_t), ("re", _dp), ("im", _dp), ("tau", _dp), ("sv", _dp),
                ("las", c_double), ("henrici", c_double), ("max_re", c_double)]


class CovOpts(Structure):
    _fields_ = [("noise_corr", c_double), ("closed_forms", c_bool)]


class TheoryOpts(Structure):
    _fields_ = [("rho", c_double), ("chain_last_row", c_bool)]


class CurvesOpts(Structure):
    _fields_ = [("dmin", c_size_t), ("dmax", c_size_t), ("step", c_size_t), ("d_list", _sp),
                ("n_list", c_size_t), ("top_n", c_size_t), ("henrici", c_bool),
                ("rho", c_double), ("cov", CovOpts), ("threads", c_size_t)] + _PROG


class Curves(Structure):
    _fields_ = [("n", c_size_t), ("top_n", c_size_t), ("d", _sp), ("las", _dp),
                ("top_re", _dp), ("top_sv", _dp), ("u_overlap", _dp), ("v_overlap", _dp),
                ("henrici", _dp), ("cov_method", c_int)]


class TaskOpts(Structure):
    _fields_ = [("net", c_int), ("D", c_size_t), ("T", c_size_t), ("alpha", c_double),
                ("noise", c_double), ("input_gain", c_double), ("signal_noise", c_double),
                ("max_eval", c_double), ("min_eval", c_double), ("skip_scale", c_double),
                ("readout_gain", c_double), ("seed", c_uint64), ("threads", c_size_t)] + _PROG


class Task(Structure):
    _fields_ = [("D", c_size_t), ("T", c_size_t), ("W", _mp), ("S", _mp), ("m", _dp),
                ("w_out", _dp), ("x0", _dp), ("s", _mp), ("input", _mp), ("ideal", _mp),
                ("X", _mp), ("readout", _mp)]


class Network(Structure):
    _fields_ = [("W", _mp), ("phi", c_int), ("leaky", c_int), ("alpha", c_double)]


class FpOpts(Structure):
    _fields_ = [("n_random", c_size_t), ("radius", c_double), ("starts", _mp),
                ("max_starts", c_size_t), ("max_iter", c_size_t), ("tol", c_double),
                ("slow_q", c_double), ("dedup", c_double), ("seed", c_uint64)]


class LimitOpts(Structure):
    _fields_ = [("n_traj", c_size_t), ("radius", c_double), ("steps", c_size_t),
                ("settle_tol", c_double), ("same_tol", c_double), ("diverge", c_double),
                ("cycle_tol", c_double), ("seed", c_uint64)]


class AttractorComparison(Structure):
    _fields_ = [("obs", c_size_t), ("teacher_stable", c_size_t), ("student_stable", c_size_t),
                ("matched_fp", c_size_t), ("spurious_fp", c_size_t), ("missed_fp", c_size_t),
                ("teacher_cycles", c_size_t), ("student_cycles", c_size_t),
                ("matched_cycles", c_size_t), ("spurious_cycles", c_size_t),
                ("missed_cycles", c_size_t), ("teacher_re_gt1", c_size_t),
                ("student_re_gt1", c_size_t), ("teacher_drifting", c_size_t),
                ("student_drifting", c_size_t), ("match", c_bool)]


DIAGNOSE_MAX_FRACTIONS = 64


class DiagnoseOpts(Structure):
    _fields_ = [("method", c_int), ("phi", c_int), ("alpha", c_double), ("rho", c_double),
                ("latents", c_size_t), ("lds_iters", c_size_t), ("lds_refit_iters", c_size_t),
                ("dt", c_double), ("n_fractions", c_size_t),
                ("fractions", c_double * DIAGNOSE_MAX_FRACTIONS), ("subsets", c_size_t),
                ("bootstrap", c_size_t), ("block", c_size_t), ("pulse_steps", c_size_t),
                ("wait_steps", c_size_t), ("repeats", c_size_t), ("late_from", c_double),
                ("late_to", c_double), ("snr", c_double), ("seed", c_uint64),
                ("threads", c_size_t)] + _PROG


# ---- function prototypes ---------------------------------------------------------

def _proto(name, restype, *argtypes, where=None):
    f = getattr(where or lib, name)
    f.restype = restype
    f.argtypes = list(argtypes)
    return f


_cs = c_char_p
for _s, _T in [("teacher", TeacherOpts), ("sim", SimOpts), ("observe", ObserveOpts),
               ("ridge", RidgeOpts), ("gd", GdOpts), ("cornn", CornnOpts), ("force", ForceOpts),
               ("bptt", BpttOpts), ("lds", LdsOpts), ("cov", CovOpts), ("theory", TheoryOpts),
               ("curves", CurvesOpts), ("task", TaskOpts), ("fp", FpOpts),
               ("limit", LimitOpts), ("diagnose", DiagnoseOpts)]:
    if _s != "teacher":
        _proto("po_%s_opts_defaults" % _s, _T)
    _proto("po_%s_opts_check" % _s, _cs, POINTER(_T))
_proto("po_teacher_opts_defaults", TeacherOpts, c_int, c_size_t)

for _e in ["net", "phi", "leaky", "cornn_solver", "optimizer", "lds_procedure", "lds_emissions",
           "lds_init", "task_net", "diagnose_method"]:
    _proto("po_%s_from_name" % _e, c_int, _cs, POINTER(c_int))
for _e in ["net", "phi", "leaky", "cov_method", "diagnose_verdict"]:
    _proto("po_%s_name" % _e, _cs, c_int)

_proto("po_progress_cancel", None)
_proto("po_progress_cancel_clear", None)
_proto("po_progress_canceled", c_bool)
_proto("po_mat_free", None, _mp)
_proto("po_rng_init", None, c_void_p, c_uint64, c_int)
_proto("po_teacher_generate", c_int, POINTER(TeacherOpts), c_void_p, POINTER(POINTER(Teacher)))
_proto("po_teacher_free", None, POINTER(Teacher))
_proto("po_linop_auto", c_int, _mp, c_void_p, POINTER(c_void_p))
_proto("po_linop_free", None, c_void_p)
_proto("po_linop_kind", _cs, c_void_p)
_proto("po_sim_run", c_int, c_void_p, POINTER(SimOpts), POINTER(SimInputs), _mp)
_proto("po_observe", c_int, _mp, POINTER(ObserveOpts), _mp)
_proto("po_fit_ridge", c_int, _mp, POINTER(RidgeOpts), _mp, POINTER(RidgeInfo))
_proto("po_fit_gd", c_int, _mp, POINTER(GdOpts), _mp, POINTER(GdInfo))
_proto("po_fit_cornn", c_int, _mp, _mp, POINTER(CornnOpts), _mp, _mp, POINTER(CornnInfo))
_proto("po_fit_force", c_int, _mp, POINTER(ForceOpts), _mp, POINTER(ForceInfo))
_proto("po_fit_bptt", c_int, _mp, POINTER(BpttOpts), _mp, POINTER(BpttInfo))
_proto("po_fit_lds", c_int, _mp, _mp, POINTER(LdsOpts), POINTER(POINTER(Lds)), POINTER(LdsInfo))
_proto("po_lds_free", None, POINTER(Lds))
_proto("po_lds_continuous", c_int, POINTER(Lds), c_double, _mp)
_proto("po_lds_smooth", c_int, POINTER(Lds), _mp, _mp, _mp, _dp)
_proto("po_spectrum_new", c_int, _mp, POINTER(POINTER(Spectrum)))
_proto("po_spectrum_free", None, POINTER(Spectrum))
_proto("po_singular_overlaps", c_int, _mp, _mp, _dp, _dp)
_proto("po_stationary_cov", c_int, _mp, POINTER(CovOpts), _mp, POINTER(c_int))
_proto("po_theory_student", c_int, _mp, _mp, c_size_t, POINTER(TheoryOpts), _mp)
_proto("po_curves_count", c_size_t, POINTER(CurvesOpts), c_size_t)
_proto("po_curves_alloc", POINTER(Curves), c_size_t, c_size_t, c_bool)
_proto("po_curves_free", None, POINTER(Curves))
_proto("po_curves_compute", c_int, _mp, POINTER(CurvesOpts), POINTER(Curves))
_proto("po_curves_mean_sem", c_int, POINTER(POINTER(Curves)), c_size_t, POINTER(Curves),
       POINTER(Curves))
_proto("po_task_make", c_int, POINTER(TaskOpts), POINTER(POINTER(Task)))
_proto("po_task_simulate", c_int, POINTER(Task), POINTER(TaskOpts))
_proto("po_task_free", None, POINTER(Task))
_proto("po_attractor_analyse", c_int, POINTER(Network), POINTER(FpOpts), POINTER(LimitOpts),
       POINTER(c_void_p))
_proto("po_attractor_report_free", None, c_void_p)
_proto("po_attractor_compare", c_int, c_void_p, c_void_p, c_size_t,
       POINTER(AttractorComparison), ctypes.c_char_p, c_size_t)
_proto("po_diagnose_run", c_int, _mp, _mp, POINTER(DiagnoseOpts), POINTER(c_void_p))
_proto("po_diagnose_perturbation", c_int, c_void_p, _mp, _mp, POINTER(DiagnoseOpts))
_proto("po_diagnose_free", None, c_void_p)

if report_lib is not None:
    for _name, _args in [("po_report_attractors_json", [c_void_p, c_size_t, c_size_t, c_bool]),
                         ("po_report_comparison_json", [POINTER(AttractorComparison)]),
                         ("po_report_diagnose_json", [c_void_p, POINTER(DiagnoseOpts)])]:
        _proto(_name, c_void_p, *_args, where=report_lib)
    _proto("cJSON_PrintUnformatted", c_void_p, c_void_p, where=report_lib)
    _proto("cJSON_Delete", None, c_void_p, where=report_lib)
    _proto("cJSON_free", None, c_void_p, where=report_lib)


def report_json(item):
    """A cJSON* from the report library as a Python object; frees it."""
    if not item:
        raise PartobsMemoryError("PO_ENOMEM", "out of memory while building the report")
    try:
        text = report_lib.cJSON_PrintUnformatted(item)
        if not text:
            raise PartobsMemoryError("PO_ENOMEM", "out of memory while printing the report")
        try:
            return json.loads(ctypes.string_at(text).decode())
        finally:
            report_lib.cJSON_free(text)
    finally:
        report_lib.cJSON_Delete(item)


def need_report(what):
    if report_lib is None:
        raise PartobsError("PO_EIO", "%s needs libpartobs-report.so beside %s" % (what, LIBRARY_PATH))


# ---- arrays ---------------------------------------------------------------------------

class MatArg:
    """A po_mat view of a float64 array: the array itself when it is already
    float64 with unit column stride (C order, or rows of a larger C array),
    else one C-ordered copy. Keeps the array alive."""

    def __init__(self, a, name, vector=False):
        arr = np.asarray(a, dtype=np.float64)
        if vector:
            arr = arr.reshape(-1) if arr.ndim == 2 and 1 in arr.shape else arr
            if arr.ndim != 1:
                raise usage("%s: expected a vector, got shape %s" % (name, arr.shape))
            arr = arr.reshape(-1, 1)
        elif arr.ndim == 1:
            arr = arr.reshape(-1, 1)
        if arr.ndim != 2:
            raise usage("%s: expected a 1-D or 2-D array, got %d-D %s" % (name, arr.ndim, arr.shape))
        rows, cols = arr.shape
        s0, s1 = arr.strides
        if not (cols <= 1 or s1 == 8) or (rows > 1 and (s0 % 8 or s0 < 8 * cols)):
            arr = np.ascontiguousarray(arr)
            s0 = arr.strides[0]
        ld = s0 // 8 if rows > 1 else max(cols, 1)
        self.array = arr
        self.mat = Mat(arr.ctypes.data_as(_dp), rows, cols, max(ld, cols), False)
        self.ptr = ctypes.pointer(self.mat)

    @property
    def shape(self):
        return self.array.shape


def mat_arg(a, name, vector=False):
    return None if a is None else MatArg(a, name, vector)


def ptr(m):
    return None if m is None else m.ptr


def out(rows, cols):
    """A new C-ordered float64 array and its po_mat view."""
    arr = np.empty((rows, cols))
    return arr, MatArg(arr, "output")


def copy_mat(p):
    """A NumPy copy of a library-owned po_mat* (None for NULL)."""
    if not p:
        return None
    m = p.contents
    if m.rows == 0 or m.cols == 0:
        return np.zeros((m.rows, m.cols))
    buf = np.ctypeslib.as_array(m.data, shape=(m.rows, m.ld))
    return np.array(buf[:, :m.cols])


def copy_vec(p, n):
    if not p:
        return None
    return np.ctypeslib.as_array(p, shape=(n,)).copy() if n else np.zeros(0)


# ---- options --------------------------------------------------------------------------

_ENUMS = {"net": "net", "phi": "phi", "leaky": "leaky", "solver": "cornn_solver",
          "optimizer": "optimizer", "procedure": "lds_procedure", "emissions": "lds_emissions",
          "method": "diagnose_method"}


def enum_value(kind, value):
    if isinstance(value, int):
        return value
    v = c_int()
    st = getattr(lib, "po_%s_from_name" % kind)(str(value).encode(), ctypes.byref(v))
    if st != PO_OK:
        raise error_for(st)
    return v.value


def option_names(struct):
    return [f for f, _ in struct._fields_
            if f not in ("progress", "progress_user", "init") or struct is LdsOpts and f == "init"]


def fill(opts, kwargs, what, enums=None):
    """Set the fields named in kwargs (enum fields also by name) and run the
    library's _check(); TypeError for a name that is not an option."""
    enums = dict(_ENUMS, **(enums or {}))
    valid = option_names(type(opts))
    for k, v in kwargs.items():
        if k not in valid:
            raise TypeError("%s: unknown option %r (options: %s)" % (what, k, ", ".join(valid)))
        if k in enums and isinstance(v, str):
            v = enum_value(enums[k], v)
        try:
            setattr(opts, k, v)
        except (TypeError, OverflowError) as e:
            raise usage("%s: option %s=%r: %s" % (what, k, v, e)) from None
    return opts


def check(kind, opts):
    why = getattr(lib, "po_%s_opts_check" % kind)(ctypes.byref(opts))
    if why:
        raise usage(why.decode())


def as_dict(struct):
    """The fields of an options struct as a dict (nested structs too; enums as ints)."""
    d = {}
    for f, t in struct._fields_:
        if f in ("progress", "progress_user") or f == "init" and t is _mp:
            continue
        v = getattr(struct, f)
        if isinstance(v, Structure):
            v = as_dict(v)
        elif isinstance(v, ctypes.Array):
            v = list(v)
        elif hasattr(v, "contents") or v is None and f in ("index", "d_list", "starts"):
            continue
        d[f] = v
    return d


# ---- calls: GIL, progress, Ctrl-C ------------------------------------------------------

class Call:
    """One long library call. ctypes releases the GIL around it. On the main
    thread, SIGINT is routed for the duration of the call: Python's C-level
    handler writes to a wakeup socket (from whatever thread the signal hits),
    and the progress callback, which the library calls from its own threads
    too, reads it and asks the library to stop (po_progress_cancel). The call
    then returns PO_ECANCELED and KeyboardInterrupt is raised."""

    def __init__(self, progress=None):
        self.user = progress
        self.user_error = None
        self.interrupted = False
        self.rsock = None
        self.cb = PROGRESS(self._progress)

    def _progress(self, _user, done, total):
        if self.rsock is not None and not self.interrupted:
            try:
                if self.rsock.recv(64):
                    self.interrupted = True
            except (BlockingIOError, InterruptedError):
                pass
        if self.interrupted:
            lib.po_progress_cancel()
        elif self.user is not None:
            try:
                self.user(done, total)
            except BaseException as e:  # noqa: B902 - a callback cannot raise into C
                self.user_error = e
                lib.po_progress_cancel()

    def __enter__(self):
        self.main = threading.current_thread() is threading.main_thread()
        handler = signal.getsignal(signal.SIGINT) if self.main else None
        # Route Ctrl-C unless it is ignored or left to the C default (both
        # would not raise in Python either); a custom handler (IPython's) is
        # called after the call instead of raising KeyboardInterrupt here.
        if callable(handler):
            self.rsock, self.wsock = socket.socketpair()
            self.rsock.setblocking(False)
            self.wsock.setblocking(False)
            self.old_fd = signal.set_wakeup_fd(self.wsock.fileno(), warn_on_full_buffer=False)
            self.old_handler = signal.signal(signal.SIGINT, self._on_sigint)
        lib.po_progress_cancel_clear()
        return self

    def _on_sigint(self, _signum, _frame):
        # Runs when the main thread executes Python code (in a callback or after the call).
        self.interrupted = True
        lib.po_progress_cancel()

    def __exit__(self, *exc):
        lib.po_progress_cancel_clear()
        if self.rsock is not None:
            signal.signal(signal.SIGINT, self.old_handler)
            signal.set_wakeup_fd(self.old_fd)
            try:
                if self.rsock.recv(64):
                    self.interrupted = True
            except (BlockingIOError, InterruptedError):
                pass
            self.rsock.close()
            self.wsock.close()
        if exc[0] is None and self.interrupted:
            self._raise_interrupt()
        return False

    def _raise_interrupt(self):
        old = getattr(self, "old_handler", signal.default_int_handler)
        if old is not signal.default_int_handler and callable(old):
            old(signal.SIGINT, None)
        raise KeyboardInterrupt

    def status(self, st):
        """Raise for a non-OK status (KeyboardInterrupt for a cancel)."""
        if st == PO_OK:
            return
        if st == PO_ECANCELED and self.user_error is not None:
            raise self.user_error
        if st == PO_ECANCELED:
            self._raise_interrupt()
        raise error_for(st)
