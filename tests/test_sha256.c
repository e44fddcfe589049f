/* cli/cli_sha256.c against the FIPS 180-2 / NIST CAVP example vectors (the
 * manifests' "output_sha256", issue 10 item 4). tests/cli/test_safe_manifest.sh
 * also compares manifest digests with coreutils' sha256sum. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli_sha256.h"
#include "harness.h"

static void hex_of(const unsigned char d[32], char hex[65])
{
    for (size_t i = 0; i < 32; i++) snprintf(hex + 2 * i, 3, "%02x", d[i]);
}

/* The digest of msg fed in pieces of `piece` bytes (0: all at once). */
static void digest(const char *msg, size_t len, size_t piece, char hex[65])
{
    cli_sha256 s;
    cli_sha256_init(&s);
    if (piece == 0) piece = len ? len : 1;
    for (size_t k = 0; k < len; k += piece)
        cli_sha256_update(&s, msg + k, len - k < piece ? len - k : piece);
    unsigned char d[32];
    cli_sha256_final(&s, d);
    hex_of(d, hex);
}

static void test_vectors(void)
{
    static const struct {
        const char *msg, *want;
    } v[] = {
        {"", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"},
        {"abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"},
        /* 448 bits: the padding spills into a second block. */
        {"abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
         "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"},
        /* 896 bits (FIPS 180-4 SHA-512 example message, used for SHA-256 too). */
        {"abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu",
         "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1"},
    };
    for (size_t i = 0; i < sizeof v / sizeof v[0]; i++)
        for (size_t piece = 0; piece < 9; piece += 3) {
            char hex[65];
            digest(v[i].msg, strlen(v[i].msg), piece, hex);
            CHECK(strcmp(hex, v[i].want) == 0);
        }
}

static void test_million_a(void)
{
    size_t n = 1000000;
    char *a = malloc(n);
    CHECK(a != NULL);
    if (!a) return;
    memset(a, 'a', n);
    char hex[65];
    digest(a, n, 0, hex);
    CHECK(strcmp(hex, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0") == 0);
    digest(a, n, 4093, hex);
    CHECK(strcmp(hex, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0") == 0);
    free(a);
}

/* Every length 0..200 around the 55/56/64-byte padding boundaries: the file
 * digest equals the in-memory one, and lengths 55, 56 and 64 match
 * sha256sum. */
static void test_boundaries_and_file(void)
{
    char msg[201];
    for (size_t i = 0; i < sizeof msg; i++) msg[i] = (char)('a' + i % 26);
    static const struct {
        size_t len;
        const char *want;
    } v[] = {
        /* the first N bytes of "abc...zabc..." through coreutils' sha256sum */
        {55, "595615dbe4f0f407ae397d08b4c2cb870cb9b0e11937416f950c5160acf9c005"},
        {56, "784f623b787495078e93ff28a25b581df0584055a7e71d8cd90c454716b92f51"},
        {64, "2fcd5a0d60e4c941381fcc4e00a4bf8be422c3ddfafb93c809e8d1e2bfffae8e"},
    };
    char path[] = "/tmp/po_test_sha256_XXXXXX";
    int fd = mkstemp(path);
    CHECK(fd >= 0);
    if (fd < 0) return;
    for (size_t len = 0; len <= 200; len++) {
        CHECK(ftruncate(fd, 0) == 0 && lseek(fd, 0, SEEK_SET) == 0);
        CHECK(write(fd, msg, len) == (ssize_t)len);
        char a[65], b[65];
        digest(msg, len, 7, a);
        CHECK(cli_sha256_file(path, b) == 0);
        CHECK(strcmp(a, b) == 0);
        for (size_t i = 0; i < sizeof v / sizeof v[0]; i++)
            if (v[i].len == len) CHECK(strcmp(a, v[i].want) == 0);
    }
    close(fd);
    unlink(path);
    char hex[65];
    CHECK(cli_sha256_file("/nonexistent/po_sha", hex) == -1);
}

int main(void)
{
    PO_RUN(test_vectors);
    PO_RUN(test_million_a);
    PO_RUN(test_boundaries_and_file);
    return po_test_finish();
}
