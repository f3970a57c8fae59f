/* Unit tests: host/stats.c, counters and decayed hash-rate averages. */
#include "testutil.h"

#include <math.h>
#include <string.h>

#include "stats.h"

static void test_verdict_counters(void **state)
{
	struct stats s;

	stats_init(&s, 0);
	stats_accepted(&s, 2);
	stats_accepted(&s, 0.5);
	stats_rejected(&s, 2, "Above target");
	stats_rejected(&s, 2, "Above target");
	stats_rejected(&s, 1, "Job not found (code 21)");
	stats_stale(&s, 3);
	stats_hw_error(&s);
	stats_best(&s, 7);
	stats_best(&s, 5);
	assert_int_equal(s.accepted, 2);
	assert_true(s.accepted_diff == 2.5);
	assert_int_equal(s.rejected, 3);
	assert_true(s.rejected_diff == 5);
	assert_string_equal(s.reasons[0].text, "Above target");
	assert_int_equal(s.reasons[0].count, 2);
	assert_int_equal(s.reasons[1].count, 1);
	assert_int_equal(s.stale, 1);
	assert_int_equal(s.hw_errors, 1);
	assert_true(s.best_share == 7);
}

static void test_rates_converge_to_the_work_rate(void **state)
{
	struct stats s;

	/* One diff-1 unit (2^32 hashes) per second: 4.29 GH/s. */
	stats_init(&s, 0);
	for (int t = 1; t <= 3600; t++) {
		stats_add_work(&s, 1);
		stats_tick(&s, t);
	}
	for (int w = 0; w < STATS_WINDOWS; w++)
		assert_true(fabs(stats_rate(&s, w) / 4294967296.0 - 1) < 0.01);
	/* Work stops: the 5 s average falls first, the 15 min one slowest. */
	for (int t = 3601; t <= 3630; t++)
		stats_tick(&s, t);
	assert_true(stats_rate(&s, STATS_5S) < 0.01 * 4294967296.0);
	assert_true(stats_rate(&s, STATS_1M) < 0.7 * 4294967296.0);
	assert_true(stats_rate(&s, STATS_15M) > 0.95 * 4294967296.0);
}

static void test_young_averages_are_plain_means(void **state)
{
	struct stats s;

	stats_init(&s, 100);
	stats_add_work(&s, 10);
	stats_tick(&s, 110);
	assert_true(fabs(stats_rate(&s, STATS_1M) - 4294967296.0) < 1);
	assert_true(fabs(stats_rate(&s, STATS_15M) - 4294967296.0) < 1);
}

static void test_format_rate(void **state)
{
	char out[16];

	stats_format_rate(out, 35.2e6);
	assert_string_equal(out, "35.2 MH/s");
	stats_format_rate(out, 1.5e3);
	assert_string_equal(out, "1.50 kH/s");
	stats_format_rate(out, 0);
	assert_string_equal(out, "0.00 H/s");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_verdict_counters),
		cmocka_unit_test(test_rates_converge_to_the_work_rate),
		cmocka_unit_test(test_young_averages_are_plain_means),
		cmocka_unit_test(test_format_rate),
	};

	return TU_RUN(tests);
}
