// SPDX-License-Identifier: GPL-2.0
#include <stdlib.h>
#include <unistd.h>

#include "lib/sha256.h"
#include "test.h"

static void hex_of(const char *s, size_t len, char out[65])
{
	struct sha256 h;

	sha256_init(&h);
	sha256_update(&h, s, len);
	sha256_hex(&h, out);
}

int main(void)
{
	char hex[65], *big;
	struct sha256 h;
	char path[] = "/tmp/vtrace-sha-XXXXXX";
	int fd;

	/* FIPS 180-4 example vectors. */
	hex_of("", 0, hex);
	CHECK_STR(hex, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", "sha256 of empty");
	hex_of("abc", 3, hex);
	CHECK_STR(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", "sha256 of abc");
	hex_of("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", 56, hex);
	CHECK_STR(hex, "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1", "sha256 of 56-byte message (two blocks)");

	big = malloc(1000000);
	memset(big, 'a', 1000000);
	sha256_init(&h);
	for (int i = 0; i < 1000000; i += 999)	/* odd chunking crosses block edges */
		sha256_update(&h, big + i, i + 999 <= 1000000 ? 999 : 1000000 - i);
	sha256_hex(&h, hex);
	CHECK_STR(hex, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0", "sha256 of a million a, chunked");

	fd = mkstemp(path);
	CHECK(fd >= 0 && write(fd, big, 1000000) == 1000000, "write temp file");
	close(fd);
	sha256_init(&h);
	CHECK_INT(sha256_file(&h, path), 0, "sha256_file reads the file");
	sha256_hex(&h, hex);
	CHECK_STR(hex, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0", "sha256_file matches");
	unlink(path);
	sha256_init(&h);
	CHECK_INT(sha256_file(&h, path), -2, "sha256_file of a missing file is -ENOENT");
	free(big);
	return TEST_DONE();
}
