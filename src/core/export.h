/* Internal: the few private helpers libpartobs-report.so calls in
 * libpartobs.so (issue 12 part 1). Everything in src/ is compiled with
 * -fvisibility=hidden; the public headers export their declarations, and
 * PO_CROSS_LIB exports one internal function more. The linker version script
 * src/libpartobs.map puts these under the version PARTOBS_PRIVATE_0, so they
 * are visibly not API; tests/cli/test_exports.sh checks that libpartobs.so
 * exports the public functions plus exactly these, and that the report
 * library uses each of them. Add one only when the report side needs it. */
#ifndef PO_CORE_EXPORT_H
#define PO_CORE_EXPORT_H

#if defined(__GNUC__)
#define PO_CROSS_LIB __attribute__((visibility("default")))
#else
#define PO_CROSS_LIB
#endif

#endif
