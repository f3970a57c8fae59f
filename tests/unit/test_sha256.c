/*
 * Unit tests: host/sha256.c and the SHA-NI compression: every path against
 * mbedTLS on thousands of random inputs, and against the real vectors.
 */
#include "testutil.h"

#include <string.h>

#include "cpu.h"
#include "sha256.h"

static void test_compress_portable_vs_mbedtls(void **state)
{
	tu_seed(2);
	for (int i = 0; i < 5000; i++) {
		uint32_t s[8], ref[8];
		uint8_t block[64];

		tu_fill(s, sizeof(s));
		tu_fill(block, sizeof(block));
		tu_ref_compress(s, block, ref);
		sha256_compress_portable(s, block);
		assert_memory_equal(s, ref, sizeof(s));
	}
}

static void test_compress_shani_vs_mbedtls(void **state)
{
	if (!(cpu_features() & CPU_SHANI))
		skip();
	tu_seed(3);
	for (int i = 0; i < 5000; i++) {
		uint32_t s[8], ref[8];
		uint8_t block[64];

		tu_fill(s, sizeof(s));
		tu_fill(block, sizeof(block));
		tu_ref_compress(s, block, ref);
		sha256_compress_shani(s, block);
		assert_memory_equal(s, ref, sizeof(s));
	}
}

static void test_oneshot_and_incremental_vs_mbedtls(void **state)
{
	uint8_t msg[300], ours[32], ref[32];

	tu_seed(4);
	tu_fill(msg, sizeof(msg));
	for (size_t len = 0; len <= sizeof(msg); len++) {
		struct sha256_ctx c;
		size_t off = 0;

		tu_ref_sha256(msg, len, ref);
		sha256(msg, len, ours);
		assert_memory_equal(ours, ref, 32);
		/* The same message fed in random pieces. */
		sha256_init(&c);
		while (off < len) {
			size_t n = (size_t)(tu_rand() % 70);

			if (n > len - off)
				n = len - off;
			sha256_update(&c, msg + off, n);
			off += n;
		}
		sha256_final(&c, ours);
		assert_memory_equal(ours, ref, 32);
		tu_ref_sha256d(msg, len, ref);
		sha256d(msg, len, ours);
		assert_memory_equal(ours, ref, 32);
	}
}

static void test_sha256d_64_vs_mbedtls(void **state)
{
	tu_seed(5);
	for (int i = 0; i < 2000; i++) {
		uint8_t in[64], ours[32], ref[32];

		tu_fill(in, sizeof(in));
		tu_ref_sha256d(in, 64, ref);
		sha256d_64(in, ours);
		assert_memory_equal(ours, ref, 32);
	}
}

static void test_known_answers(void **state)
{
	/* FIPS 180-4 example "abc". */
	static const char abc_hex[] =
		"ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
	uint8_t want[32], got[32];

	tu_hex(abc_hex, want, 32);
	sha256("abc", 3, got);
	assert_memory_equal(got, want, 32);
}

static void test_header_vectors(void **state)
{
	static const char *const ids[] = {"H0_genesis", "H1_125552"};

	for (int i = 0; i < 2; i++) {
		const cJSON *v = tu_vector("headers", ids[i]);
		const cJSON *words = cJSON_GetObjectItemCaseSensitive(v, "midstate_words");
		uint8_t header[80], hash[32], want[32];
		uint32_t mid[8];

		tu_hex(tu_str(v, "header_hex"), header, 80);
		tu_hex(tu_str(v, "hash_internal"), want, 32);
		sha256d(header, 80, hash);
		assert_memory_equal(hash, want, 32);
		sha256_midstate(header, mid);
		for (int w = 0; w < 8; w++)
			assert_int_equal(mid[w],
				tu_word(cJSON_GetArrayItem(words, w)->valuestring));
	}
}

static void test_state_bytes_big_endian(void **state)
{
	const uint32_t h[8] = {0x01020304, 0, 0, 0, 0, 0, 0, 0xa0b0c0d0};
	uint8_t out[32];

	sha256_state_to_bytes(h, out);
	assert_int_equal(out[0], 1);
	assert_int_equal(out[3], 4);
	assert_int_equal(out[31], 0xd0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_compress_portable_vs_mbedtls),
		cmocka_unit_test(test_compress_shani_vs_mbedtls),
		cmocka_unit_test(test_oneshot_and_incremental_vs_mbedtls),
		cmocka_unit_test(test_sha256d_64_vs_mbedtls),
		cmocka_unit_test(test_known_answers),
		cmocka_unit_test(test_header_vectors),
		cmocka_unit_test(test_state_bytes_big_endian),
	};

	return TU_RUN(tests);
}
