/* Unit tests: host/device_cpu.c through struct device_ops. */
#include "testutil.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "device.h"
#include "sha256d.h"
#include "work.h"

static void open_cpu(struct device *dev, unsigned threads)
{
	struct device_config cfg = {.threads = threads};
	char err[ERR_LEN];

	if (device_open(dev, "cpu", &cfg, err, sizeof(err)))
		fail_msg("open: %s", err);
}

/* Polls until DONE for tag; collects nonces of that tag. Returns the count. */
static size_t run_until_done(struct device *dev, uint32_t tag, uint32_t *nonces, size_t cap,
			     uint64_t *hashes)
{
	struct device_event ev[100];
	time_t deadline = time(NULL) + 100;
	size_t n = 0;

	while (time(NULL) < deadline) {
		int got = dev->ops->poll(dev, ev, 100, 50);

		assert_true(got >= 0);
		for (int i = 0; i < got; i++) {
			assert_int_equal(ev[i].tag, tag);
			if (ev[i].kind == DEVICE_DONE) {
				*hashes = ev[i].hashes;
				return n;
			}
			if (n < cap)
				nonces[n] = ev[i].nonce;
			n++;
		}
	}
	fail_msg("no DONE event in 100 s");
	return n;
}

static void test_finds_genesis_nonce_with_threads(void **state)
{
	struct device dev;
	struct work_unit wu;
	uint32_t nonces[4];
	uint64_t hashes = 0;
	struct device_status st;

	open_cpu(&dev, 2);
	assert_string_equal(dev.info.kind, "cpu");
	assert_int_equal(dev.info.parallel, 2);
	tu_genesis_unit(&wu, 7, 0x7c2bac1d - 300000, 600000, 32);
	assert_int_equal(dev.ops->send_work(&dev, &wu), 0);
	assert_int_equal(run_until_done(&dev, 7, nonces, 4, &hashes), 1);
	assert_int_equal(nonces[0], 0x7c2bac1d);
	assert_int_equal(hashes, 600000);
	assert_int_equal(dev.ops->status(&dev, &st), 0);
	assert_int_equal(st.hashes, 600000);
	assert_false(st.busy);
	device_close(&dev);
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

static void test_no_candidate_lost_when_every_nonce_passes(void **state)
{
	/* 0 zero bits: 200000 candidates through a 4096-event queue. */
	static uint32_t nonces[200000];
	struct device dev;
	struct work_unit wu;
	uint64_t hashes = 0;

	open_cpu(&dev, 2);
	tu_genesis_unit(&wu, 1, 0xfffff000u, 200000, 0);   /* wraps past 2^32 too */
	assert_int_equal(dev.ops->send_work(&dev, &wu), 0);
	assert_int_equal(run_until_done(&dev, 1, nonces, 200000, &hashes), 200000);
	for (size_t i = 0; i < 200000; i++)
		nonces[i] -= 0xfffff000u;
	qsort(nonces, 200000, sizeof(nonces[0]), cmp_u32);
	for (uint32_t i = 0; i < 200000; i++)
		assert_int_equal(nonces[i], i);
	device_close(&dev);
}

static void test_new_unit_replaces_old_and_keeps_tags(void **state)
{
	struct device dev;
	struct work_unit a, b;
	struct device_event ev[64];
	bool done_b = false;

	open_cpu(&dev, 2);
	tu_genesis_unit(&a, 1, 0, 1ull << 32, 20);      /* long: about 100 s alone */
	tu_genesis_unit(&b, 2, 0x7c2bac1d - 1000, 2000, 32);
	assert_int_equal(dev.ops->send_work(&dev, &a), 0);
	assert_int_equal(dev.ops->send_work(&dev, &b), 0);
	for (int spins = 0; spins < 400 && !done_b; spins++) {
		int got = dev.ops->poll(&dev, ev, 64, 50);

		for (int i = 0; i < got; i++) {
			/* Unit 1 never completes; its late candidates keep tag 1. */
			assert_false(ev[i].kind == DEVICE_DONE && ev[i].tag == 1);
			assert_true(ev[i].tag == 1 || ev[i].tag == 2);
			if (ev[i].tag == 2 && ev[i].kind == DEVICE_NONCE)
				assert_int_equal(ev[i].nonce, 0x7c2bac1d);
			if (ev[i].tag == 2 && ev[i].kind == DEVICE_DONE)
				done_b = true;
		}
	}
	assert_true(done_b);
	device_close(&dev);
}

static void test_abort_stops_work(void **state)
{
	struct device dev;
	struct work_unit a;
	struct device_status st0, st1;
	struct device_event ev[64];

	open_cpu(&dev, 1);
	tu_genesis_unit(&a, 3, 0, 1ull << 32, 32);
	assert_int_equal(dev.ops->send_work(&dev, &a), 0);
	dev.ops->poll(&dev, ev, 64, 100);
	assert_int_equal(dev.ops->abort(&dev), 0);
	dev.ops->poll(&dev, ev, 64, 100);     /* let a chunk in flight finish */
	dev.ops->status(&dev, &st0);
	assert_false(st0.busy);
	dev.ops->poll(&dev, ev, 64, 200);
	dev.ops->status(&dev, &st1);
	assert_int_equal(st1.hashes, st0.hashes);
	device_close(&dev);
}

static void test_refuses_bad_settings(void **state)
{
	struct device dev;
	struct device_config cfg = {.path = "nonexistent"};
	struct work_unit wu;
	char err[ERR_LEN];

	assert_int_equal(device_open(&dev, "cpu", &cfg, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "nonexistent"));
	assert_int_equal(device_open(&dev, "gpu", NULL, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "unknown device \"gpu\""));
	assert_int_equal(device_open(&dev, "cpu:4", NULL, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "--threads"));
	open_cpu(&dev, 1);
	tu_genesis_unit(&wu, 1, 0, 0, 32);
	assert_int_equal(dev.ops->send_work(&dev, &wu), -1);
	tu_genesis_unit(&wu, 1, 0, 10, 33);
	assert_int_equal(dev.ops->send_work(&dev, &wu), -1);
	device_close(&dev);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_finds_genesis_nonce_with_threads),
		cmocka_unit_test(test_no_candidate_lost_when_every_nonce_passes),
		cmocka_unit_test(test_new_unit_replaces_old_and_keeps_tags),
		cmocka_unit_test(test_abort_stops_work),
		cmocka_unit_test(test_refuses_bad_settings),
	};

	return TU_RUN(tests);
}
