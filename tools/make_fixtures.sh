#!/usr/bin/env bash
# Regenerate every NumPy/SciPy fixture in tests/data (committed; tests never need Python).
# Each tools/fixtures_<module>.py writes tests/data/<module>_*.npy deterministically.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-/usr/bin/python3}
for script in tools/fixtures_*.py; do
  echo "== $script"
  "$PYTHON" "$script" tests/data
done
