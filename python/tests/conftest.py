"""Shared fixtures: the CLI to compare with (PARTOBS_CLI, set by CMake) and a
runner that writes .npy inputs, runs it and reads its outputs."""
import json
import os
import subprocess

import numpy as np
import pytest

import partobs  # fails early and clearly if the library is missing

# The test process is a program: it owns the BLAS setting and runs it as the
# CLI does (one thread), so that results can be compared with the CLI's bits.
partobs.blas_set_threads(1)


@pytest.fixture(scope="session")
def cli_path():
    path = os.environ.get("PARTOBS_CLI")
    if not path or not os.path.exists(path):
        pytest.skip("PARTOBS_CLI (the partobs executable) is not set")
    return path


class Cli:
    def __init__(self, path, tmp):
        self.path, self.tmp = path, tmp

    def file(self, name):
        return os.path.join(self.tmp, name)

    def save(self, name, a):
        np.save(self.file(name), np.asarray(a, dtype=np.float64))
        return self.file(name)

    def load(self, name):
        return np.load(self.file(name))

    def json(self, name):
        with open(self.file(name)) as f:
            return json.load(f)

    def manifest(self, name):
        return self.json(name + ".manifest.json")

    def run(self, *args, ok=True):
        r = subprocess.run([self.path] + [str(a) for a in args], capture_output=True, text=True,
                           cwd=self.tmp)
        if ok and r.returncode != 0:
            raise AssertionError("partobs %s failed (%d): %s"
                                 % (" ".join(map(str, args)), r.returncode, r.stderr))
        return r


@pytest.fixture
def cli(cli_path, tmp_path):
    return Cli(cli_path, str(tmp_path))
