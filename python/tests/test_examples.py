"""examples/python run (small sizes) and print what they promise."""
import os
import subprocess
import sys

import numpy as np

EXAMPLES = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "examples",
                        "python")


def run(name, *args, cwd=None):
    r = subprocess.run([sys.executable, os.path.join(EXAMPLES, name)] + [str(a) for a in args],
                       capture_output=True, text=True, cwd=cwd, timeout=120)
    assert r.returncode == 0, r.stderr
    return r.stdout


def test_fig4_small():
    out = run("fig4.py", 150, 20, 3000).splitlines()
    assert [line.split(":")[0] for line in out] == ["rank 2", "rank 3"]
    assert all("teacher max Re 0.000" in line and "LAS" in line for line in out)


def test_recording(tmp_path):
    rng = np.random.default_rng(0)
    Y = np.cumsum(rng.standard_normal((2000, 8)), axis=0) * 0.01  # a slow random walk
    np.save(tmp_path / "Y.npy", Y)
    out = run("recording.py", tmp_path / "Y.npy", 0.01)
    assert "T = 2000 steps, d = 8 neurons" in out
    assert "MAP student: 1999 transitions" in out and "LDS (3 latents)" in out
