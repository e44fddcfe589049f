"""Compare two `partobs reproduce` outputs figure by figure (bench/README.md,
"reproduce all"): each claim's verdict, and how far the numbers behind the
panels moved (relative to the largest magnitude of the same array, so values
near zero of a panel do not dominate).

Usage: python3 bench/cmp_figures.py DIR_A DIR_B [FIGURE ...]
Prints per figure: verdicts equal or not, the number of numbers compared, the
median, 99th percentile and largest relative change, how many moved by more
than 1e-6, and the path of the largest (typically an ill-conditioned quantity:
an eigenvalue in the teacher's cluster at 0, a singular vector of a nearly
repeated singular value)."""
import json
import math
import os
import statistics
import sys


def walk(a, b, path, out):
    if isinstance(a, dict) and isinstance(b, dict):
        for k in a:
            if k in b and k not in ("partobs_version",):
                walk(a[k], b[k], f"{path}.{k}", out)
    elif isinstance(a, list) and isinstance(b, list) and len(a) == len(b):
        nums = [x for x in a if isinstance(x, (int, float)) and not isinstance(x, bool)]
        scale = max((abs(x) for x in nums if math.isfinite(x)), default=0.0)
        for i, (x, y) in enumerate(zip(a, b)):
            if isinstance(x, (int, float)) and not isinstance(x, bool) and isinstance(y, (int, float)):
                if math.isfinite(x) and math.isfinite(y):
                    ref = max(scale, abs(x), 1e-300)
                    out.append((abs(x - y) / ref, f"{path}[{i}]"))
            else:
                walk(x, y, f"{path}[{i}]", out)
    elif isinstance(a, (int, float)) and isinstance(b, (int, float)) and not isinstance(a, bool):
        if math.isfinite(a) and math.isfinite(b):
            out.append((abs(a - b) / max(abs(a), 1e-300), path))


def main():
    da, db = sys.argv[1], sys.argv[2]
    figs = sys.argv[3:] or sorted(f[:-5] for f in os.listdir(da)
                                  if f.endswith(".json") and f != "manifest.json")
    for f in figs:
        pa, pb = os.path.join(da, f + ".json"), os.path.join(db, f + ".json")
        if not (os.path.exists(pa) and os.path.exists(pb)):
            print(f"{f}: missing in one of the two")
            continue
        a, b = json.load(open(pa)), json.load(open(pb))
        va = [c["holds"] for c in a.get("claims", [])]
        vb = [c["holds"] for c in b.get("claims", [])]
        out = []
        walk({k: v for k, v in a.items() if k != "claims"},
             {k: v for k, v in b.items() if k != "claims"}, f, out)
        rel = [r for r, _ in out]
        worst = max(out) if out else (0.0, "-")
        rel.sort()
        p99 = rel[int(0.99 * (len(rel) - 1))] if rel else 0.0
        big = sum(r > 1e-6 for r in rel)
        print(f"{f}: verdicts {'same' if va == vb else 'DIFFER'} ({sum(va)}/{len(va)} vs "
              f"{sum(vb)}/{len(vb)} hold); {len(rel)} numbers, rel. change median "
              f"{statistics.median(rel) if rel else 0:.1e}, 99th pct {p99:.1e}, {big} above 1e-6, "
              f"max {worst[0]:.1e} at {worst[1]}")


if __name__ == "__main__":
    main()
