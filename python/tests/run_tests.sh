#!/bin/sh
# Run the Python suite as the partobs CLI runs itself (cli/partobs.c): with the
# OpenBLAS kernels the CLI restarts with on a CPU OpenBLAS does not recognise.
# OpenBLAS reads OPENBLAS_CORETYPE only when loaded, so it is set before Python
# starts; conftest.py then sets one BLAS thread, as the CLI does.
if [ -z "${OPENBLAS_CORETYPE:-}" ]; then
    hint=$(/usr/bin/python3 -c 'import partobs; print(partobs.blas_kernels_hint() or "")') || exit 1
    if [ -n "$hint" ]; then
        OPENBLAS_CORETYPE=$hint
        export OPENBLAS_CORETYPE
    fi
fi
exec /usr/bin/python3 -m pytest "$@"
