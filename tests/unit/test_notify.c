/* Unit tests: host/notify.c, mining.notify params to a template, and every refusal. */
#include "testutil.h"

#include <stdio.h>
#include <string.h>

#include "notify.h"

static const char good[] =
	"[\"b100000\",\"1901125004612a1701c3a621d930d31d36b607df1fccc2160002d01c00000000\","
	"\"01000000010000000000000000000000000000000000000000000000000000000000000000ffffffff08\","
	"\"ffffffff0100f2052a01000000\","
	"[\"c40297f730dd7b5a99567eb8d27b78758f607507c52292d02d4031895b52f2ff\","
	"\"49aef42d78e3e9999c9e6ec9e1dddd6cb880bf3b076a03be1318ca789089308e\"],"
	"\"00000001\",\"1b04864c\",\"4d1b2237\",true]";

/* Parses text and expects failure with an error containing `want`. */
static void expect_error(const char *text, const char *want)
{
	cJSON *p = cJSON_Parse(text);
	struct notify n;
	char err[ERR_LEN] = "";

	assert_non_null(p);
	if (notify_parse(p, &n, err, sizeof(err)) == 0)
		fail_msg("accepted %s", text);
	if (!strstr(err, want))
		fail_msg("error \"%s\" does not say \"%s\"", err, want);
	cJSON_Delete(p);
}

/* good with params[i] replaced by `value` (JSON text). */
static void expect_field_error(int i, const char *value, const char *want)
{
	cJSON *p = cJSON_Parse(good);
	char *text;

	cJSON_ReplaceItemInArray(p, i, cJSON_Parse(value));
	text = cJSON_PrintUnformatted(p);
	expect_error(text, want);
	cJSON_free(text);
	cJSON_Delete(p);
}

static void test_parse_good(void **state)
{
	cJSON *p = cJSON_Parse(good);
	struct notify n;

	assert_int_equal(notify_parse(p, &n, NULL, 0), 0);
	assert_string_equal(n.job_id, "b100000");
	assert_true(n.clean);
	assert_int_equal(n.tpl.version, 1);
	assert_int_equal(n.tpl.nbits, 0x1b04864c);
	assert_int_equal(n.tpl.ntime, 0x4d1b2237);
	assert_int_equal(n.tpl.nbranch, 2);
	assert_int_equal(n.tpl.coinb1_len, 42);
	assert_int_equal(n.tpl.coinb2_len, 13);
	/* prevhash is stored in header order: the notify words byte-reversed. */
	assert_int_equal(n.tpl.prevhash[0], 0x50);
	assert_int_equal(n.tpl.prevhash[3], 0x19);
	work_template_release(&n.tpl);
	cJSON_Delete(p);
}

static void test_parse_variants(void **state)
{
	char text[sizeof(good) + 32];
	struct notify n;
	cJSON *p;

	/* An extra field before clean_jobs (some pools), and clean_jobs null. */
	snprintf(text, sizeof(text), "%.*s\"extra\",null]", (int)(sizeof(good) - 6), good);
	p = cJSON_Parse(text);
	assert_non_null(p);
	assert_int_equal(cJSON_GetArraySize(p), 10);
	assert_int_equal(notify_parse(p, &n, NULL, 0), 0);
	assert_false(n.clean);
	work_template_release(&n.tpl);
	cJSON_Delete(p);
}

static void test_refusals_name_the_field(void **state)
{
	expect_error("{}", "params must be an array");
	expect_error("[1,2,3]", "expected 9 params, got 3");
	expect_field_error(0, "12", "notify[0] job_id");
	expect_field_error(0, "\"\"", "notify[0] job_id");
	expect_field_error(1, "\"00\"", "notify[1] prevhash: expected 64 hex digits (32 bytes), got 2");
	expect_field_error(1, "null", "notify[1] prevhash");
	expect_field_error(2, "\"0g\"", "notify[2] coinb1: not a hex digit");
	expect_field_error(3, "\"abc\"", "notify[3] coinb2: odd number of hex digits");
	expect_field_error(4, "\"x\"", "notify[4] merkle_branch: expected an array");
	expect_field_error(4, "[\"00\"]", "notify[4] merkle_branch: entry 0: expected 64 hex digits");
	expect_field_error(4, "[7]", "notify[4] merkle_branch: entry 0: expected a hex string");
	expect_field_error(5, "\"1\"", "notify[5] version: expected 8 hex digits");
	expect_field_error(6, "1", "notify[6] nbits");
	expect_field_error(7, "\"zzzzzzzz\"", "notify[7] ntime: not a hex digit");
	expect_field_error(8, "\"yes\"", "notify[8] clean_jobs: expected true, false or null");
}

static void test_too_many_branches(void **state)
{
	cJSON *p = cJSON_Parse(good), *arr = cJSON_CreateArray();
	char *text;

	for (int i = 0; i < WORK_MAX_BRANCHES + 1; i++)
		cJSON_AddItemToArray(arr, cJSON_CreateString(
			"c40297f730dd7b5a99567eb8d27b78758f607507c52292d02d4031895b52f2ff"));
	cJSON_ReplaceItemInArray(p, 4, arr);
	text = cJSON_PrintUnformatted(p);
	expect_error(text, "more than 32 branches");
	cJSON_free(text);
	cJSON_Delete(p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_good),
		cmocka_unit_test(test_parse_variants),
		cmocka_unit_test(test_refusals_name_the_field),
		cmocka_unit_test(test_too_many_branches),
	};

	return TU_RUN(tests);
}
