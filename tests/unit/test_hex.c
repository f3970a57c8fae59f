/* Unit tests: host/hex.c. */
#include "testutil.h"

#include <string.h>

#include "hex.h"

static void test_encode_decode_roundtrip(void **state)
{
	uint8_t in[37], out[37];
	char hex[75];
	size_t len;

	tu_seed(1);
	tu_fill(in, sizeof(in));
	hex_encode(hex, in, sizeof(in));
	assert_int_equal(strlen(hex), 74);
	assert_int_equal(hex_decode(hex, out, sizeof(out), &len, NULL, 0), 0);
	assert_int_equal(len, sizeof(in));
	assert_memory_equal(in, out, sizeof(in));
}

static void test_encode_lowercase_and_reversed(void **state)
{
	const uint8_t b[3] = {0xab, 0x01, 0xf0};
	char hex[7];

	hex_encode(hex, b, 3);
	assert_string_equal(hex, "ab01f0");
	hex_encode_reversed(hex, b, 3);
	assert_string_equal(hex, "f001ab");
}

static void test_decode_accepts_uppercase(void **state)
{
	uint8_t b[2];

	assert_int_equal(hex_decode_exact("ABcd", b, 2, NULL, 0), 0);
	assert_int_equal(b[0], 0xab);
	assert_int_equal(b[1], 0xcd);
}

static void test_decode_errors_name_the_problem(void **state)
{
	uint8_t b[4];
	char err[ERR_LEN];
	size_t len;

	assert_int_equal(hex_decode("abc", b, 4, &len, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "odd number of hex digits (3)"));
	assert_int_equal(hex_decode("zz", b, 4, &len, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "position 0"));
	assert_int_equal(hex_decode("0011223344", b, 4, &len, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "too long: 5 bytes, at most 4"));
	assert_int_equal(hex_decode_exact("001122", b, 4, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "expected 8 hex digits (4 bytes), got 6"));
	assert_int_equal(hex_decode("0x00", b, 4, &len, err, sizeof(err)), -1);
	assert_int_equal(hex_decode(" 00", b, 4, &len, err, sizeof(err)), -1);
}

static void test_decode_failure_leaves_output_alone(void **state)
{
	uint8_t b[2] = {7, 7};
	size_t len = 99;

	assert_int_equal(hex_decode("00zz", b, 2, &len, NULL, 0), -1);
	assert_int_equal(b[0], 7);
	assert_int_equal(len, 99);
}

static void test_u32_big_endian_text(void **state)
{
	uint32_t v;
	char hex[9];

	assert_int_equal(hex_to_u32be("1d00ffff", &v, NULL, 0), 0);
	assert_int_equal(v, 0x1d00ffff);
	u32_to_hexbe(hex, 0x7c2bac1d);
	assert_string_equal(hex, "7c2bac1d");
	assert_int_equal(hex_to_u32be("1d00fff", &v, NULL, 0), -1);
}

static void test_parse_u64(void **state)
{
	uint64_t v;
	char err[ERR_LEN];

	assert_int_equal(parse_u64("4096", 1ull << 32, &v, NULL, 0), 0);
	assert_int_equal(v, 4096);
	assert_int_equal(parse_u64("0x100000000", 1ull << 32, &v, NULL, 0), 0);
	assert_int_equal(v, 1ull << 32);
	assert_int_equal(parse_u64("0x100000001", 1ull << 32, &v, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "out of range"));
	assert_int_equal(parse_u64("-1", 100, &v, NULL, 0), -1);
	assert_int_equal(parse_u64("12abc", 100, &v, NULL, 0), -1);
	assert_int_equal(parse_u64("", 100, &v, NULL, 0), -1);
	assert_int_equal(parse_u64("0x", 100, &v, NULL, 0), -1);
	assert_int_equal(parse_u64("99999999999999999999999", ~0ull, &v, NULL, 0), -1);
}

static void test_byte_order_helpers(void **state)
{
	uint8_t b[4];

	store_le32(b, 0x01020304);
	assert_int_equal(b[0], 4);
	assert_int_equal(load_le32(b), 0x01020304);
	assert_int_equal(load_be32(b), 0x04030201);
	store_be32(b, 0x01020304);
	assert_int_equal(b[0], 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_encode_decode_roundtrip),
		cmocka_unit_test(test_encode_lowercase_and_reversed),
		cmocka_unit_test(test_decode_accepts_uppercase),
		cmocka_unit_test(test_decode_errors_name_the_problem),
		cmocka_unit_test(test_decode_failure_leaves_output_alone),
		cmocka_unit_test(test_u32_big_endian_text),
		cmocka_unit_test(test_parse_u64),
		cmocka_unit_test(test_byte_order_helpers),
	};

	return TU_RUN(tests);
}
