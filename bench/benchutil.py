"""Shared reporting for the NumPy baselines: the same line format as benchutil.c."""


def report(name, times):
    """Print min and median of `times` (seconds) and the machine-readable RESULT line."""
    times = sorted(times)
    n = len(times)
    med = times[n // 2] if n % 2 else 0.5 * (times[n // 2 - 1] + times[n // 2])
    print(f"{name:40s} min {times[0]:10.6f} s  median {med:10.6f} s  ({n} runs)")
    print(f"RESULT {name} median={med:.9g} min={times[0]:.9g}")
