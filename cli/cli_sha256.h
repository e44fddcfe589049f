/* partobs CLI: SHA-256 (FIPS 180-4), for the "output_sha256" of manifests
 * (cli_manifest.h): the digest ties a manifest to the exact bytes beside it. */
#ifndef PARTOBS_CLI_SHA256_H
#define PARTOBS_CLI_SHA256_H

#include <stddef.h>
#include <stdint.h>

typedef struct cli_sha256 {
    uint32_t h[8];        /* the hash value H(i) (FIPS 180-4 §6.2) */
    uint64_t bits;        /* message length so far, in bits */
    unsigned char block[64];
    size_t used;          /* bytes waiting in block */
} cli_sha256;

void cli_sha256_init(cli_sha256 *s);
void cli_sha256_update(cli_sha256 *s, const void *data, size_t len);
/* The 32-byte digest; s must be initialised again before reuse. */
void cli_sha256_final(cli_sha256 *s, unsigned char digest[32]);

/* The digest of the file at path as 64 lower-case hex digits plus NUL.
 * 0, or -1 with errno set when the file cannot be read. */
int cli_sha256_file(const char *path, char hex[65]);

#endif
