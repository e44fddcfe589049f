"""A minimal PEP 517 build backend for the partobs package: it writes the
wheel itself (a zip with the package, its metadata and RECORD), so pip needs
no setuptools and no network.

The wheel carries a copy of libpartobs.so (and libpartobs-report.so when it
exists) in partobs/lib/ when one is found at build time: PARTOBS_LIBRARY, else
../build/libpartobs.so beside this source tree (what `make python` builds).
Without one the package is pure Python and finds the library at run time
(PARTOBS_LIBRARY or a system-wide `make install`).
"""
import base64
import hashlib
import os
import sysconfig
import zipfile

NAME, VERSION = "partobs", "0.1.0"
HERE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))  # python/


def _library():
    env = os.environ.get("PARTOBS_LIBRARY")
    path = env or os.path.join(HERE, "..", "build", "libpartobs.so")
    return os.path.realpath(path) if os.path.exists(path) else None


def _files():
    """(archive name, bytes) of every file in the wheel but the metadata."""
    pkg = os.path.join(HERE, NAME)
    for name in sorted(os.listdir(pkg)):
        if name.endswith(".py"):
            with open(os.path.join(pkg, name), "rb") as f:
                yield "%s/%s" % (NAME, name), f.read()
    lib = _library()
    if lib:
        for base in ("libpartobs.so", "libpartobs-report.so"):
            src = lib if base == "libpartobs.so" else os.path.join(os.path.dirname(lib), base)
            if os.path.exists(src):
                with open(os.path.realpath(src), "rb") as f:
                    yield "%s/lib/%s" % (NAME, base), f.read()


def _metadata():
    return ("Metadata-Version: 2.1\nName: %s\nVersion: %s\nSummary: Data-constrained models "
            "of neural dynamics under partial observation\nRequires-Python: >=3.8\n"
            "Requires-Dist: numpy\n" % (NAME, VERSION)).encode()


def _tag(binary):
    plat = sysconfig.get_platform().replace("-", "_").replace(".", "_")
    return "py3-none-%s" % plat if binary else "py3-none-any"


def get_requires_for_build_wheel(config_settings=None):
    return []


def get_requires_for_build_sdist(config_settings=None):
    return []


def build_wheel(wheel_directory, config_settings=None, metadata_directory=None):
    files = list(_files())
    tag = _tag(any(n.endswith(".so") for n, _ in files))
    dist = "%s-%s.dist-info" % (NAME, VERSION)
    files.append((dist + "/METADATA", _metadata()))
    files.append((dist + "/WHEEL", ("Wheel-Version: 1.0\nGenerator: partobs_build\n"
                                    "Root-Is-Purelib: %s\nTag: %s\n"
                                    % ("false" if "any" not in tag else "true", tag)).encode()))
    record = []
    for name, data in files:
        digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
        record.append("%s,sha256=%s,%d" % (name, digest, len(data)))
    record.append(dist + "/RECORD,,")
    files.append((dist + "/RECORD", ("\n".join(record) + "\n").encode()))
    wheel = "%s-%s-%s.whl" % (NAME, VERSION, tag)
    with zipfile.ZipFile(os.path.join(wheel_directory, wheel), "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in files:
            info = zipfile.ZipInfo(name, date_time=(2024, 1, 1, 0, 0, 0))
            info.external_attr = (0o755 if name.endswith(".so") else 0o644) << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            z.writestr(info, data)
    return wheel


def build_sdist(sdist_directory, config_settings=None):
    import tarfile
    base = "%s-%s" % (NAME, VERSION)
    name = base + ".tar.gz"
    with tarfile.open(os.path.join(sdist_directory, name), "w:gz") as t:
        for rel in ["pyproject.toml", "build_backend/partobs_build.py"] + [
                "%s/%s" % (NAME, n) for n in sorted(os.listdir(os.path.join(HERE, NAME)))
                if n.endswith(".py")]:
            t.add(os.path.join(HERE, rel), arcname="%s/%s" % (base, rel))
    return name
