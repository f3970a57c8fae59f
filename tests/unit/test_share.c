/* Unit tests: host/share.c, the pool's view of a share, on the real share vectors. */
#include "testutil.h"

#include <stdlib.h>
#include <string.h>

#include "hex.h"
#include "share.h"

/* The `pipeminer share` input for a stratum vector, as JSON. */
static cJSON *share_json(const cJSON *v, double difficulty)
{
	const cJSON *n = cJSON_GetObjectItemCaseSensitive(v, "notify");
	cJSON *o = cJSON_CreateObject(), *p = cJSON_AddArrayToObject(o, "notify");

	cJSON_AddItemToArray(p, cJSON_CreateString("job"));
	cJSON_AddItemToArray(p, cJSON_CreateString(tu_str(n, "prevhash")));
	cJSON_AddItemToArray(p, cJSON_CreateString(tu_str(n, "coinb1")));
	cJSON_AddItemToArray(p, cJSON_CreateString(tu_str(n, "coinb2")));
	cJSON_AddItemToArray(p, cJSON_Duplicate(cJSON_GetObjectItemCaseSensitive(n, "merkle_branch"), 1));
	cJSON_AddItemToArray(p, cJSON_CreateString(tu_str(n, "version")));
	cJSON_AddItemToArray(p, cJSON_CreateString(tu_str(n, "nbits")));
	cJSON_AddItemToArray(p, cJSON_CreateString(tu_str(n, "ntime")));
	cJSON_AddItemToArray(p, cJSON_CreateFalse());
	cJSON_AddStringToObject(o, "extranonce1", tu_str(v, "subscribe_result.extranonce1"));
	cJSON_AddStringToObject(o, "extranonce2", tu_str(v, "submit.extranonce2"));
	cJSON_AddStringToObject(o, "ntime", tu_str(v, "submit.ntime"));
	cJSON_AddStringToObject(o, "nonce", tu_str(v, "submit.nonce"));
	if (difficulty > 0)
		cJSON_AddNumberToObject(o, "difficulty", difficulty);
	return o;
}

static void explain(cJSON *o, struct share_result *r)
{
	struct share_input in;
	char err[ERR_LEN];

	if (share_input_parse(o, &in, err, sizeof(err)))
		fail_msg("parse: %s", err);
	if (share_explain(&in, r, err, sizeof(err)))
		fail_msg("explain: %s", err);
	share_input_release(&in);
}

static void test_real_shares(void **state)
{
	static const char *const ids[] = {"S_espminer_share_683", "S_100000_constructed"};

	for (int i = 0; i < 2; i++) {
		const cJSON *v = tu_vector("stratum", ids[i]);
		cJSON *o = share_json(v, 0);
		struct share_result r;
		char hex[161];

		explain(o, &r);
		hex_encode(hex, r.header, 80);
		assert_string_equal(hex, tu_str(v, "expected.header_hex"));
		hex_encode(hex, r.merkle_root, 32);
		assert_string_equal(hex, tu_str(v, "expected.merkle_root_internal"));
		hex_encode_reversed(hex, r.hash, 32);
		assert_string_equal(hex, tu_str(v, "expected.hash_display"));
		assert_true(r.share_difficulty == tu_num(v, "expected.share_difficulty"));
		assert_true(r.meets_difficulty);   /* default difficulty 1 */
		assert_int_equal(r.meets_nbits, i == 1);
		share_result_release(&r);
		cJSON_Delete(o);
	}
}

static void test_difficulty_verdicts(void **state)
{
	/* The vector's own table: 512 and 683 pass, 684 and 1000 do not. */
	static const struct { double d; bool meets; } t[] = {
		{512, true}, {683, true}, {684, false}, {1000, false}, {683.5109367312982, true},
	};
	const cJSON *v = tu_vector("stratum", "S_espminer_share_683");

	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		cJSON *o = share_json(v, t[i].d);
		struct share_result r;

		explain(o, &r);
		assert_int_equal(r.meets_difficulty, t[i].meets);
		share_result_release(&r);
		cJSON_Delete(o);
	}
}

static void test_version_bits(void **state)
{
	const cJSON *v = tu_vector("stratum", "S_espminer_share_683");
	cJSON *o = share_json(v, 0);
	struct share_result r;

	cJSON_AddStringToObject(o, "version_bits", "00006000");
	explain(o, &r);
	/* (0x20000004 & ~0x1fffe000) | 0x6000, little-endian in the header. */
	assert_int_equal(r.header[0], 0x04);
	assert_int_equal(r.header[1], 0x60);
	assert_int_equal(r.header[3], 0x20);
	assert_false(r.meets_difficulty);  /* a different header: no longer a share */
	share_result_release(&r);
	cJSON_Delete(o);
}

static void expect_error(cJSON *o, const char *want)
{
	struct share_input in;
	char err[ERR_LEN] = "";

	if (share_input_parse(o, &in, err, sizeof(err)) == 0) {
		share_input_release(&in);
		fail_msg("accepted, expected \"%s\"", want);
	}
	if (!strstr(err, want))
		fail_msg("error \"%s\" does not say \"%s\"", err, want);
	cJSON_Delete(o);
}

static void test_refusals_name_the_field(void **state)
{
	const cJSON *v = tu_vector("stratum", "S_100000_constructed");
	cJSON *o;

	o = share_json(v, 0);
	cJSON_DeleteItemFromObject(o, "nonce");
	expect_error(o, "missing field \"nonce\"");
	o = share_json(v, 0);
	cJSON_ReplaceItemInObject(o, "nonce", cJSON_CreateString("10572b0"));
	expect_error(o, "field \"nonce\": expected 8 hex digits");
	o = share_json(v, 0);
	cJSON_ReplaceItemInObject(o, "ntime", cJSON_CreateNumber(5));
	expect_error(o, "field \"ntime\": expected a string");
	o = share_json(v, 0);
	cJSON_ReplaceItemInObject(o, "extranonce1", cJSON_CreateString("xyz1"));
	expect_error(o, "field \"extranonce1\": not a hex digit");
	o = share_json(v, 0);
	cJSON_DeleteItemFromObject(o, "extranonce2");
	expect_error(o, "missing field \"extranonce2\"");
	o = share_json(v, 0);
	cJSON_DeleteItemFromObject(o, "notify");
	expect_error(o, "missing field \"notify\"");
	o = share_json(v, 0);
	cJSON_DeleteItemFromArray(cJSON_GetObjectItemCaseSensitive(o, "notify"), 1);
	expect_error(o, "expected 9 params, got 8");
	o = share_json(v, -3);
	cJSON_AddNumberToObject(o, "difficulty", -3);
	expect_error(o, "field \"difficulty\": expected a number above 0");
	o = share_json(v, 0);
	cJSON_AddStringToObject(o, "version_bits", "e0000000");
	expect_error(o, "outside the version mask 1fffe000");
	o = share_json(v, 0);
	cJSON_AddStringToObject(o, "version_mask", "1fffe000");
	expect_error(o, "\"version_mask\" given without \"version_bits\"");
	expect_error(cJSON_CreateArray(), "input must be a JSON object");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_real_shares),
		cmocka_unit_test(test_difficulty_verdicts),
		cmocka_unit_test(test_version_bits),
		cmocka_unit_test(test_refusals_name_the_field),
	};

	return TU_RUN(tests);
}
