#!/usr/bin/env bash
# `make install` (cmake --install) into a temporary prefix gives a usable
# library (issue 12 part 1): headers, both libraries (static and shared with
# their symlinks), pkg-config files that are right for that prefix, the CLI
# and its documentation. examples/chain_student.c, which includes only
# partobs.h, is built with
#     cc $(pkg-config --cflags --libs partobs)            (the shared library)
#     cc $(pkg-config --static --cflags --libs partobs)   (libpartobs.a)
# and both programs must print the same, passing, output; plot_gallery.c is
# built against partobs-report the same two ways and run.
#
# Skipped under PO_CLI_WRAPPER (valgrind: nothing here is a memory check of
# partobs, and `make valgrind` runs the examples under memcheck already) and
# in sanitizer builds (an ASan-instrumented library cannot be loaded by a
# program built without -fsanitize, which pkg-config does not add).
#
# usage: bash test_install.sh BUILD/partobs SOURCE/tests/data

BUILD=$(cd "$(dirname "$1")" 2>/dev/null && pwd)
SRC=$(cd "${2:-.}/../.." 2>/dev/null && pwd)
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh" "$@"

if [ -n "${PO_CLI_WRAPPER:-}" ]; then
    echo "skip install test under PO_CLI_WRAPPER"
    finish
fi
if nm -D "$BUILD/libpartobs.so" 2>/dev/null | grep -q __asan_init ||
    ldd "$BUILD/libpartobs.so" 2>/dev/null | grep -q libasan; then
    echo "skip install test in a sanitizer build"
    finish
fi
for tool in cmake pkg-config cc readelf; do
    if ! command -v $tool >/dev/null; then
        fail setup "$tool is needed"
        finish
    fi
done

PREFIX=$W/prefix
if ! cmake --install "$BUILD" --prefix "$PREFIX" >install.log 2>&1; then
    fail install "cmake --install failed: $(tail -3 install.log | tr '\n' ' ')"
    finish
fi
pass install
pcdir=$(dirname "$(find "$PREFIX" -name partobs.pc | head -1)")
libdir=$(dirname "$pcdir")
check "partobs.pc installed under the prefix's lib directory" test -f "$pcdir/partobs.pc" -a -f "$pcdir/partobs-report.pc"
for f in include/partobs/partobs.h include/partobs/partobs-report.h include/partobs/fit.h include/partobs/plot.h \
    bin/partobs share/doc/partobs/cli.md share/doc/partobs/api.md share/doc/partobs/README.md \
    share/doc/partobs/help/partobs.txt share/doc/partobs/help/partobs-fit.txt share/doc/partobs/help/partobs-reproduce.txt; do
    check "installed $f" test -s "$PREFIX/$f"
done
for lib in libpartobs libpartobs-report; do
    check "installed $lib.a" test -s "$libdir/$lib.a"
    check "installed $lib.so.0.1.0" test -s "$libdir/$lib.so.0.1.0"
    check "$lib.so -> $lib.so.0 -> $lib.so.0.1.0" \
        test "$(readlink "$libdir/$lib.so")" = "$lib.so.0" -a "$(readlink "$libdir/$lib.so.0")" = "$lib.so.0.1.0"
done
check "help text is the CLI's own" cmp -s "$PREFIX/share/doc/partobs/help/partobs-fit.txt" <("$BUILD/partobs" help fit)
check "installed CLI runs" sh -c "'$PREFIX/bin/partobs' --version >/dev/null"

export PKG_CONFIG_PATH=$pcdir
export PKG_CONFIG_LIBDIR=$pcdir:$(pkg-config --variable pc_path pkg-config 2>/dev/null)
check "pkg-config finds the prefix" test "$(cd "$(pkg-config --variable=prefix partobs)" && pwd -P)" = "$(cd "$PREFIX" && pwd -P)"
libs=$(echo $(pkg-config --libs partobs))
check "partobs needs only -lpartobs: $libs" test "$libs" = "-L$(pkg-config --variable=libdir partobs) -lpartobs"
check "partobs.pc names no PLplot or cJSON" sh -c "! grep -Eq 'plplot|cjson' '$pcdir/partobs.pc'"
check "partobs-report requires partobs" sh -c "pkg-config --libs partobs-report | grep -q -- '-lpartobs-report .*-lpartobs'"

ex=$SRC/examples/chain_student.c
check "chain_student.c includes only partobs.h of partobs" \
    test "$(grep -o '#include <partobs/[^>]*>' "$ex" | tr '\n' ' ')" = "#include <partobs/partobs.h> "
# Shared: found through the run path to the prefix's lib directory.
if cc -std=c11 -o ex_shared "$ex" $(pkg-config --cflags --libs partobs) -Wl,-rpath,"$libdir" 2>cc.log; then
    pass build_shared
else
    fail build_shared "$(head -c 400 cc.log)"
fi
check "the shared build loads the installed libpartobs.so.0" \
    sh -c "ldd ex_shared | grep -q '$libdir/libpartobs.so.0'"
# Static: libpartobs.a itself (-l:libpartobs.a, since -lpartobs picks the .so
# beside it), and the private libraries --static adds; without them the link
# must fail, so Libs.private and Requires.private are needed and sufficient.
static_libs=$(pkg-config --static --libs partobs | sed 's/-lpartobs\b/-l:libpartobs.a/')
if cc -std=c11 -o ex_static "$ex" $(pkg-config --cflags partobs) $static_libs 2>cc.log; then
    pass build_static
else
    fail build_static "$(head -c 400 cc.log)"
fi
check "the static build needs no libpartobs.so" sh -c "! readelf -d ex_static | grep NEEDED | grep -q libpartobs"
plain_libs=$(pkg-config --libs partobs | sed 's/-lpartobs\b/-l:libpartobs.a/')
check "libpartobs.a alone does not link (Libs.private matter)" \
    sh -c "! cc -std=c11 -o ex_bad '$ex' $(pkg-config --cflags partobs) $plain_libs 2>/dev/null"
./ex_shared >shared.txt 2>&1
rc_shared=$?
./ex_static >static.txt 2>&1
rc_static=$?
check "shared build passes" test "$rc_shared" -eq 0
check "static build passes" test "$rc_static" -eq 0
check "shared output reports success" grep -qx "1 passed, 0 failed" shared.txt
check "shared and static outputs are identical" cmp -s shared.txt static.txt

# The report library: the figure gallery against the installed libpartobs-report.so
# (POSIX for its mkdtemp, as the project's build defines; -lm for its own math).
gal=$SRC/examples/plot_gallery.c
if cc -std=c11 -D_POSIX_C_SOURCE=200809L -o gallery "$gal" $(pkg-config --cflags --libs partobs-report) -lm -Wl,-rpath,"$libdir" 2>cc.log; then
    pass build_gallery
else
    fail build_gallery "$(head -c 400 cc.log)"
fi
mkdir -p gal
check "gallery runs against libpartobs-report.so" sh -c "./gallery gal >/dev/null 2>&1"
check "gallery wrote its PNG" test -s gal/gallery.png
# And against both archives, with what --static adds.
report_static=$(pkg-config --static --libs partobs-report | sed 's/-lpartobs-report\b/-l:libpartobs-report.a/; s/-lpartobs\b/-l:libpartobs.a/')
if cc -std=c11 -D_POSIX_C_SOURCE=200809L -o gallery_static "$gal" $(pkg-config --cflags partobs-report) \
    $report_static -lm 2>cc.log; then
    pass build_gallery_static
else
    fail build_gallery_static "$(head -c 400 cc.log)"
fi
check "the static gallery needs no libpartobs*.so" sh -c "! readelf -d gallery_static | grep NEEDED | grep -q libpartobs"
check "the static gallery runs" sh -c "./gallery_static >/dev/null 2>&1"

finish
