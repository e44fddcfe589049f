"""Fixtures for tests/test_npy.c, written by NumPy itself.

Values follow a formula so the C test checks them without reference data:
element [i, j, k] of an n-D array is the index digits read as a decimal
number plus 0.25, e.g. a[i, j, k] = 100*i + 10*j + k + 0.25 for 3-D,
a[i, j] = 10*i + j + 0.25 for 2-D and a[i] = i + 0.25 for 1-D (all exact
in float32 too). The 'refused' files hold dtypes and ranks partobs rejects.
Usage: fixtures_npy.py OUTDIR
"""
import os
import sys

import numpy as np


def formula(shape, dtype=np.float64):
    a = np.zeros(shape, dtype=np.float64)
    for idx in np.ndindex(*shape):
        a[idx] = sum(i * 10 ** (len(shape) - 1 - d) for d, i in enumerate(idx)) + 0.25
    return a.astype(dtype)


def main(out):
    os.makedirs(out, exist_ok=True)
    def save(name, arr, **kw):
        np.save(os.path.join(out, "npy_" + name + ".npy"), arr, **kw)

    def save_version(name, arr, version):
        with open(os.path.join(out, "npy_" + name + ".npy"), "wb") as f:
            np.lib.format.write_array(f, arr, version=version)

    # Accepted: every layout and dtype the reader handles.
    save("c2d", formula((3, 4)))
    save("f2d", np.asfortranarray(formula((3, 4))))
    save("f3d", np.asfortranarray(formula((2, 3, 4))))
    save("f4", formula((3, 4), np.float32))
    save("be8", formula((3, 4)).astype(">f8"))
    save("be4", formula((5,)).astype(">f4"))
    save_version("v2", formula((3, 4)), (2, 0))
    save_version("v3", formula((2, 3, 4)), (3, 0))
    save("1d", formula((5,)))
    save("3d", formula((2, 3, 4)))
    save("0d", formula(()))
    save("empty", formula((0, 3)))
    # An empty array whose header dict happens to end 64-aligned, so NumPy adds
    # a whole block of padding (np.save refuses the shape, so write the header).
    with open(os.path.join(out, "npy_aligned.npy"), "wb") as f:
        np.lib.format.write_array_header_1_0(
            f, {"descr": "<f8", "fortran_order": False, "shape": (0, 10**17, 10**18)})
    # Refused.
    save("i8", np.arange(6, dtype=np.int64).reshape(2, 3))
    save("c16", np.ones(3, dtype=np.complex128))
    save("bool", np.array([True, False]))
    save("object", np.array([1, "a", None], dtype=object), allow_pickle=True)
    save("struct", np.zeros(2, dtype=[("a", "<f8"), ("b", "<f8")]))
    save("4d", formula((1, 2, 1, 2)))


if __name__ == "__main__":
    main(sys.argv[1])
