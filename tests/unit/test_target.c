/* Unit tests: host/target.c against the difficulty section of the vectors. */
#include "testutil.h"

#include <math.h>
#include <string.h>

#include "target.h"

static void hex_target(const char *be_hex, uint8_t t[32])
{
	uint8_t be[32];

	tu_hex(be_hex, be, 32);
	for (int i = 0; i < 32; i++)
		t[i] = be[31 - i];
}

static void test_nbits_examples(void **state)
{
	const cJSON *d = cJSON_GetObjectItemCaseSensitive(tu_vectors(), "difficulty");
	const cJSON *ex;

	cJSON_ArrayForEach(ex, cJSON_GetObjectItemCaseSensitive(d, "nbits_examples")) {
		uint8_t t[32], want[32];
		char hex[65];

		assert_int_equal(target_from_nbits(tu_word(tu_str(ex, "nbits")), t, NULL, 0), 0);
		hex_target(tu_str(ex, "target_hex"), want);
		assert_memory_equal(t, want, 32);
		target_to_hex(t, hex);
		assert_string_equal(hex, tu_str(ex, "target_hex"));
		/* bdiff is the share difficulty of the target itself, exactly. */
		assert_true(target_difficulty(t) == tu_num(ex, "bdiff"));
	}
}

static void test_nbits_small_exponents_and_errors(void **state)
{
	uint8_t t[32], want[32] = {0};
	char err[ERR_LEN];

	/* Exponent 1: the mantissa shifted right by two bytes. */
	assert_int_equal(target_from_nbits(0x01123456, t, NULL, 0), 0);
	want[0] = 0x12;
	assert_memory_equal(t, want, 32);
	assert_int_equal(target_from_nbits(0x04923456, t, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "negative"));
	assert_int_equal(target_from_nbits(0xff123456, t, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "above 2^256"));
	assert_int_equal(target_from_nbits(0x22000001, t, NULL, 0), 0);  /* 2^248 fits */
	assert_int_equal(target_from_nbits(0x23000001, t, err, sizeof(err)), -1);  /* 2^256 does not */
	/* The largest that fits: 0x7fffff * 256^29. */
	assert_int_equal(target_from_nbits(0x207fffff, t, NULL, 0), 0);
	assert_int_equal(t[31], 0x7f);
}

static void test_share_targets_exact(void **state)
{
	const cJSON *d = cJSON_GetObjectItemCaseSensitive(tu_vectors(), "difficulty");
	const cJSON *ex;
	int n = 0;

	cJSON_ArrayForEach(ex, cJSON_GetObjectItemCaseSensitive(d, "share_targets")) {
		uint8_t t[32];
		char hex[65];

		assert_int_equal(target_from_difficulty(tu_num(ex, "difficulty"), t, NULL, 0), 0);
		target_to_hex(t, hex);
		assert_string_equal(hex, tu_str(ex, "target_hex"));
		n++;
	}
	assert_int_equal(n, 6);
}

static void test_difficulty_above_2_32_and_tiny(void **state)
{
	uint8_t t[32];
	char hex[65];

	/* 2^40: diff1 >> 40 exactly (expected values from Python integers). */
	assert_int_equal(target_from_difficulty(1099511627776.0, t, NULL, 0), 0);
	target_to_hex(t, hex);
	assert_string_equal(hex, "000000000000000000ffff000000000000000000000000000000000000000000");
	/* 2^32 + 1 is not a power of two: floor(0xFFFF * 2^208 / 4294967297). */
	assert_int_equal(target_from_difficulty(4294967297.0, t, NULL, 0), 0);
	target_to_hex(t, hex);
	assert_string_equal(hex, "0000000000000000fffeffff00010000fffeffff00010000fffeffff00010000");
	/* Tiny difficulties saturate at 2^256 - 1. */
	assert_int_equal(target_from_difficulty(1e-70, t, NULL, 0), 0);
	for (int i = 0; i < 32; i++)
		assert_int_equal(t[i], 0xff);
	/* Between: 2^-32 gives 0xffff << 240. */
	assert_int_equal(target_from_difficulty(ldexp(1, -32), t, NULL, 0), 0);
	target_to_hex(t, hex);
	assert_string_equal(hex, "ffff000000000000000000000000000000000000000000000000000000000000");
}

static void test_difficulty_rejects_nonsense(void **state)
{
	uint8_t t[32];
	char err[ERR_LEN];

	assert_int_equal(target_from_difficulty(0, t, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "above 0"));
	assert_int_equal(target_from_difficulty(-1, t, NULL, 0), -1);
	assert_int_equal(target_from_difficulty(NAN, t, NULL, 0), -1);
	assert_int_equal(target_from_difficulty(INFINITY, t, NULL, 0), -1);
}

static void test_share_difficulty_of_real_hashes(void **state)
{
	static const struct { const char *section, *id, *hash, *diff; } v[] = {
		{"headers", "H0_genesis", "hash_internal", "difficulty_of_hash"},
		{"headers", "H1_125552", "hash_internal", "difficulty_of_hash"},
	};
	uint8_t hash[32];

	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		const cJSON *x = tu_vector(v[i].section, v[i].id);

		tu_hex(tu_str(x, v[i].hash), hash, 32);
		assert_true(target_difficulty(hash) == tu_num(x, v[i].diff));
	}
	{
		const cJSON *x = tu_vector("stratum", "S_espminer_share_683");
		uint8_t disp[32];

		tu_hex(tu_str(x, "expected.hash_display"), disp, 32);
		for (int i = 0; i < 32; i++)
			hash[i] = disp[31 - i];
		assert_true(target_difficulty(hash) == tu_num(x, "expected.share_difficulty"));
	}
}

static void test_difficulty_roundtrip_and_limits(void **state)
{
	uint8_t t[32] = {0};

	assert_true(isinf(target_difficulty(t)));
	t[0] = 1; /* the number 1: difficulty = diff1 itself */
	assert_true(target_difficulty(t) == 0xffff * ldexp(1, 208));
	memset(t, 0xff, 32);
	assert_true(target_difficulty(t) < 1e-9);
	/* A hash exactly at a share target meets it; one above does not. */
	tu_seed(21);
	for (int i = 0; i < 200; i++) {
		double d = ldexp((double)(tu_rand() % 1000000 + 1), (int)(tu_rand() % 60) - 20);
		uint8_t above[32];
		int k = 0;

		assert_int_equal(target_from_difficulty(d, t, NULL, 0), 0);
		assert_true(target_met(t, t));
		memcpy(above, t, 32);
		while (k < 32 && above[k] == 0xff)
			above[k++] = 0;
		if (k == 32)
			continue;
		above[k]++;
		assert_false(target_met(above, t));
		assert_true(target_difficulty(t) >= d * (1 - 1e-12));
	}
}

static void test_zero_bits(void **state)
{
	uint8_t h[32] = {0};

	assert_int_equal(target_zero_bits(h), 256);
	h[31] = 0x80;
	assert_int_equal(target_zero_bits(h), 0);
	h[31] = 0x01;
	assert_int_equal(target_zero_bits(h), 7);
	h[31] = 0;
	h[27] = 0x10;
	assert_int_equal(target_zero_bits(h), 35);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_nbits_examples),
		cmocka_unit_test(test_nbits_small_exponents_and_errors),
		cmocka_unit_test(test_share_targets_exact),
		cmocka_unit_test(test_difficulty_above_2_32_and_tiny),
		cmocka_unit_test(test_difficulty_rejects_nonsense),
		cmocka_unit_test(test_share_difficulty_of_real_hashes),
		cmocka_unit_test(test_difficulty_roundtrip_and_limits),
		cmocka_unit_test(test_zero_bits),
	};

	return TU_RUN(tests);
}
