"""Ctrl-C stops a long computation through its progress callback
(po_progress_cancel) and raises KeyboardInterrupt; the library is usable after."""
import os
import signal
import subprocess
import sys
import time

import numpy as np
import pytest

import partobs


def sigint_at(k, calls):
    """A progress callback that sends this process SIGINT at its k-th call."""
    def progress(done, total):
        calls.append(done)
        if len(calls) == k:
            os.kill(os.getpid(), signal.SIGINT)
    return progress


@pytest.mark.parametrize("threads", [1, 2])
def test_simulate_in_process(threads):
    W = 0.05 * np.random.default_rng(0).standard_normal((40, 40))
    calls = []
    with pytest.raises(KeyboardInterrupt):
        partobs.simulate(W, 5001, threads=threads, progress=sigint_at(3, calls))
    assert len(calls) == 3  # stopped at the progress point after the signal, not at 100
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler
    X = partobs.simulate(W, 5001, threads=threads)  # the next call runs to the end
    assert np.array_equal(X, partobs.simulate(W, 5001, threads=1))


def test_progress_exception_propagates():
    Y = np.random.default_rng(1).standard_normal((500, 5))

    def progress(done, total):
        raise RuntimeError("stop at %d" % done)

    with pytest.raises(RuntimeError, match="stop at 64"):
        partobs.fit(Y, "gd", iters=1000, progress=progress)


CHILD = r"""
import sys, numpy as np, partobs
which = sys.argv[1]
print("started", flush=True)
try:
    if which == "fit":
        Y = np.random.default_rng(0).standard_normal((2000, 30))
        partobs.fit(Y, "gd", iters=10**9)
    else:  # progress from the library's worker threads
        partobs.curves(net="gaussian", D=300, scale=0.5, dmin=2, threads=2)
except KeyboardInterrupt:
    print("KeyboardInterrupt", flush=True)
    sys.exit(3)
print("finished", flush=True)
"""


@pytest.mark.parametrize("which", ["fit", "curves"])
def test_ctrl_c_subprocess(which):
    p = subprocess.Popen([sys.executable, "-c", CHILD, which], stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, text=True)
    try:
        assert p.stdout.readline().strip() == "started"
        time.sleep(1.0)  # inside the long call
        t0 = time.monotonic()
        p.send_signal(signal.SIGINT)
        out, err = p.communicate(timeout=20)
        elapsed = time.monotonic() - t0
    finally:
        if p.poll() is None:
            p.kill()
            p.wait()
    assert p.returncode == 3 and out.strip() == "KeyboardInterrupt", (p.returncode, out, err)
    assert elapsed < 10.0, elapsed  # a loaded machine; the full runs take minutes
