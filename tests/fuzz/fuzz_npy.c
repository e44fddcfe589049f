// libFuzzer target for the .npy parser (DESIGN.md §6: "the .npy reader is fuzzed").
//
// Build and run from the repository root (seeds are the committed fixtures):
//   clang -std=c11 -D_POSIX_C_SOURCE=200809L -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all -Iinclude -Isrc tests/fuzz/fuzz_npy.c src/io/*.c src/core/error.c src/core/mat.c -lm -o /tmp/fuzz_npy
//   mkdir -p /tmp/npy_corpus && cp tests/data/npy_*.npy /tmp/npy_corpus/
//   /tmp/fuzz_npy -max_total_time=120 -max_len=4096 -timeout=2 -dict=tests/fuzz/npy.dict /tmp/npy_corpus
//
// Every crashing input found is added to test_fuzz_regressions in
// tests/test_npy.c. Not built by CMake (only tests/test_*.c are globbed).
#include <stddef.h>
#include <stdint.h>

#include "partobs/npy.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    po_array *a = NULL;
    po_status st = po_npy_parse(data, size, "fuzz.npy", &a);
    if (st == PO_OK) {
        /* Touch every element so ASan sees any allocation shorter than the shape. */
        volatile double sum = 0.0;
        size_t n = po_array_size(a);
        for (size_t i = 0; i < n; i++) sum += a->data[i];
        (void)sum;
        po_array_free(a);
    } else if (a != NULL || po_errmsg()[0] == '\0') {
        __builtin_trap(); /* failures must leave *out NULL and say why */
    }
    return 0;
}
