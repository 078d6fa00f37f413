/* SPDX-License-Identifier: GPL-2.0 */
#ifndef VTRACE_SHA256_H
#define VTRACE_SHA256_H

#include <stddef.h>
#include <stdint.h>

/* SHA-256 (FIPS 180-4), for content-addressed cache keys. */
struct sha256 {
	uint32_t h[8];
	uint64_t len;
	uint8_t block[64];
	size_t fill;
};

void sha256_init(struct sha256 *s);
void sha256_update(struct sha256 *s, const void *data, size_t len);
void sha256_final(struct sha256 *s, uint8_t out[32]);
/* Hex digest of the state so far (65 bytes with NUL); finalizes s. */
void sha256_hex(struct sha256 *s, char out[65]);
/* Hashes a file's contents into s; 0 or -errno. */
int sha256_file(struct sha256 *s, const char *path);

#endif
