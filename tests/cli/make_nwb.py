"""Write the HDF5 / NWB inputs of tests/cli/test_hdf5.sh into DIR, each with
the same numbers as a .npy beside it (issue 12 part 3).

usage: /usr/bin/python3 make_nwb.py DIR

The NWB files use the NWB 2.x schema's group, dataset and attribute names
(core/nwb.base.yaml TimeSeries: data with conversion / offset, starting_time
with rate, timestamps; nwb.misc.yaml Units: spike_times, spike_times_index)
written with h5py directly (pynwb is not in Debian). Exits 3 when h5py is
missing. Every number in a .npy is what partobs must compute from the HDF5
file: float32 and int16 values widened to float64, int16 * conversion +
offset with float32 attributes, spike counts of [t0 + k bin, t0 + (k+1) bin).
"""
import os
import sys

import numpy as np

try:
    import h5py
except ImportError:
    sys.stderr.write("h5py is missing: install Debian's python3-h5py (make deps does)\n")
    sys.exit(3)

out = sys.argv[1]
rng = np.random.default_rng(12)
T, n = 400, 5
GZ = dict(chunks=(64, n), compression="gzip", compression_opts=6, shuffle=True)


def save(name, a):
    np.save(os.path.join(out, name), np.ascontiguousarray(a, dtype=np.float64))


def nwb(name):
    """An empty NWB 2.x file: the root attributes and groups every file has."""
    f = h5py.File(os.path.join(out, name), "w")
    f.attrs["namespace"] = "core"
    f.attrs["neurodata_type"] = "NWBFile"
    f.attrs["nwb_version"] = "2.6.0"
    for g in ("acquisition", "analysis", "processing", "stimulus", "general"):
        f.create_group(g)
    return f


def series(parent, name, data, conversion=None, offset=None, rate=None, timestamps=None,
           kind="TimeSeries", **kw):
    g = parent.create_group(name)
    g.attrs["neurodata_type"] = kind
    g.attrs["namespace"] = "core"
    d = g.create_dataset("data", data=data, **kw)
    d.attrs["unit"] = "a.u."
    if conversion is not None:
        d.attrs["conversion"] = np.float32(conversion)
    if offset is not None:
        d.attrs["offset"] = np.float32(offset)
    if rate is not None:
        s = g.create_dataset("starting_time", data=0.0)
        s.attrs["rate"] = np.float32(rate)
        s.attrs["unit"] = "seconds"
    if timestamps is not None:
        t = g.create_dataset("timestamps", data=np.asarray(timestamps, dtype=np.float64))
        t.attrs["interval"] = np.int32(1)
        t.attrs["unit"] = "seconds"
    return g


# A smooth recording: an AR(1) process, T x n, time first.
Y = np.zeros((T, n))
A = 0.9 * np.eye(n) + 0.05 * rng.standard_normal((n, n))
for t in range(1, T):
    Y[t] = A @ Y[t - 1] + rng.standard_normal(n)
save("Y.npy", Y)

# ---- plain HDF5: FILE:/DATASET ---------------------------------------------------
with h5py.File(os.path.join(out, "plain.h5"), "w") as f:
    f.create_dataset("Y", data=Y)                                  # float64, contiguous
    f.create_dataset("group/y32", data=Y.astype(np.float32), **GZ)  # float32, gzip + shuffle
    f.create_dataset("col", data=Y[:, 0])                          # 1-D: T x 1
    f.create_dataset("w_in", data=np.linspace(-1.0, 1.0, n))
    f.create_dataset("u8", data=(np.arange(12).reshape(3, 4) % 250).astype(np.uint8))
    f.create_dataset("i64", data=np.arange(-6, 6).reshape(4, 3).astype(np.int64))
    f.create_dataset("cube", data=np.zeros((2, 3, 4)))
    f.create_dataset("text", data=np.array([b"a", b"bc"], dtype="S2"))
    f.create_dataset("pairs", data=np.zeros(3, dtype=[("a", "<f8"), ("b", "<i4")]))
    f.create_dataset("empty", shape=(0, 3), dtype=np.float64)
    f.create_dataset("scalar", data=1.5)
    f.create_dataset("nan", data=np.array([[1.0, np.nan], [0.0, 1.0]]))
save("y32.npy", Y.astype(np.float32))
save("col.npy", Y[:, 0])
save("w_in.npy", np.linspace(-1.0, 1.0, n))
save("u8.npy", (np.arange(12).reshape(3, 4) % 250).astype(np.uint8))
save("i64.npy", np.arange(-6, 6).reshape(4, 3))

# ---- NWB: TimeSeries -------------------------------------------------------------
conv, off = 0.0125, -0.75
raw = np.clip(np.round(Y * 80), -32768, 32767).astype(np.int16)
ts = np.cumsum(0.02 + 0.002 * rng.random(T))  # irregular, increasing
with nwb("rec.nwb") as f:
    acq = f["acquisition"]
    series(acq, "raw", raw, conversion=conv, offset=off, rate=50.0, kind="ElectricalSeries",
           chunks=(50, n), compression="gzip", shuffle=True)
    series(acq, "stamped", Y, timestamps=ts)
    series(acq, "single", Y[:, 1], rate=20.0)
    ophys = f["processing"].create_group("ophys")
    ophys.attrs["neurodata_type"] = "ProcessingModule"
    ophys.attrs["description"] = "optical physiology"
    fl = ophys.create_group("Fluorescence")
    fl.attrs["neurodata_type"] = "Fluorescence"
    series(fl, "RoiResponseSeries", Y.astype(np.float32), rate=30.0, kind="RoiResponseSeries",
           **GZ)
    dff = ophys.create_group("DfOverF")
    dff.attrs["neurodata_type"] = "DfOverF"
    series(dff, "dff", Y, rate=30.0, kind="RoiResponseSeries")
    # Units: spikes of 4 units, ragged (index[i] ends unit i's spikes).
    units = f.create_group("units")
    units.attrs["neurodata_type"] = "Units"
    units.attrs["colnames"] = np.array([b"spike_times"], dtype=object)
    spikes = [np.sort(rng.uniform(0.0, 8.0, size=k)) for k in (40, 0, 75, 12)]
    units.create_dataset("id", data=np.arange(4))
    units.create_dataset("spike_times", data=np.concatenate(spikes))
    units.create_dataset("spike_times_index", data=np.cumsum([len(s) for s in spikes]).astype(np.uint32))
save("raw.npy", raw.astype(np.float64) * np.float64(np.float32(conv)) + np.float64(np.float32(off)))
save("stamped.npy", Y)
save("single.npy", Y[:, 1])
save("roi.npy", Y.astype(np.float32))
save("dff.npy", Y)


def counts(spikes, b, t0=0.0, t1=0.0):
    tmax = max(s.max() for s in spikes if len(s))
    bins = int(np.ceil((t1 - t0) / b)) if t1 > 0 else int(np.floor((tmax - t0) / b)) + 1
    c = np.zeros((bins, len(spikes)))
    for i, s in enumerate(spikes):
        keep = s[(s >= t0) & ((s < t1) if t1 > 0 else True)]
        k = np.minimum(np.floor((keep - t0) / b).astype(int), bins - 1)
        np.add.at(c[:, i], k, 1.0)
    return c


save("counts.npy", counts(spikes, 0.05))
save("counts_window.npy", counts(spikes, 0.1, 1.0, 6.05))
with open(os.path.join(out, "dt.txt"), "w") as fh:
    d = np.diff(ts)
    fh.write("%.17g %.17g\n" % (np.median(d), 1.0 / np.float64(np.float32(50.0))))

# ---- malformed NWB files -------------------------------------------------------
def bad_units(name, spike_times, index):
    with nwb(name) as f:
        u = f.create_group("units")
        u.create_dataset("spike_times", data=np.asarray(spike_times, dtype=np.float64))
        u.create_dataset("spike_times_index", data=np.asarray(index))


bad_units("index_decreasing.nwb", [0.1, 0.2, 0.3, 0.4], [3, 2, 4])
bad_units("index_past_end.nwb", [0.1, 0.2, 0.3, 0.4], [2, 5])
bad_units("index_short.nwb", [0.1, 0.2, 0.3, 0.4], [2, 3])
bad_units("negative_spike.nwb", [0.1, -0.2, 0.3], [1, 3])
bad_units("nan_spike.nwb", [0.1, np.nan, 0.3], [1, 3])
bad_units("empty_units.nwb", np.zeros(0), np.zeros(0, dtype=np.uint32))
bad_units("index_2d.nwb", [0.1, 0.2], [[1, 2]])
with nwb("bad_series.nwb") as f:
    acq = f["acquisition"]
    series(acq, "video", np.zeros((4, 2, 2)), rate=10.0)
    series(acq, "words", np.array([b"ab", b"cd"], dtype="S2"), rate=10.0)
    series(acq, "nan", np.array([[1.0, 2.0], [np.nan, 0.0]]), rate=10.0)
    series(acq, "empty", np.zeros((0, 2)), rate=10.0)
    series(acq, "backwards", np.zeros((3, 2)), timestamps=[0.0, 0.2, 0.1])
    series(acq, "short_stamps", np.zeros((3, 2)), timestamps=[0.0, 0.2])
    series(acq, "no_rate", np.zeros((3, 2)))
    f["acquisition/no_rate"].create_dataset("starting_time", data=0.0)
    series(acq, "zero_rate", np.zeros((3, 2)), rate=0.0)
    series(acq, "text_conversion", np.zeros((3, 2)), rate=10.0)
    f["acquisition/text_conversion/data"].attrs["conversion"] = "big"
    for mod in ("a", "b"):
        g = f["processing"].create_group(mod)
        series(g, "twice", np.zeros((3, 2)), rate=10.0)
with open(os.path.join(out, "not_hdf5.nwb"), "w") as fh:
    fh.write("this is not an HDF5 file\n")
