/*
 * Unit tests: host/device_board.c, the board driver, on the simulated board
 * (the real RTL through its real link, host/transport_sim.c): identify,
 * the golden nonce of the genesis block under the host's tag, DONE with
 * the unit's size, hashes from the board's counter, work replaced
 * mid-range, bit errors on the wire both ways (every result either
 * arrives right or is counted lost: the two add up to exactly the host's
 * reference; a lost acknowledgement restarts no unit), a board that hangs
 * (the watchdog reopens it), the simulated board's clock (a model starved
 * of CPU keeps its own time, so the watchdog does not take it for a hung
 * board), wake, and wrong device specs.
 */
#include "testutil.h"

#include <math.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <string.h>
#include <time.h>

#include "device.h"
#include "sha256d.h"
#include "transport.h"
#include "work.h"

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static void random_unit(struct work_unit *wu, uint32_t tag, uint64_t count, unsigned zero_bits)
{
	memset(wu, 0, sizeof(*wu));
	tu_fill(wu->midstate, sizeof(wu->midstate));
	tu_fill(wu->tail, sizeof(wu->tail));
	wu->tag = tag;
	wu->nonce_start = (uint32_t)tu_rand();
	wu->nonce_count = count;
	wu->zero_bits = zero_bits;
}

static bool passes(const struct work_unit *wu, uint32_t nonce)
{
	struct sha256d_job job;

	sha256d_job_init(&job, wu->midstate, wu->tail, wu->zero_bits);
	return (sha256d_job_h7(&job, nonce) & job.h7_mask) == 0;
}

/* The host's reference: how many nonces of wu pass its filter. */
static unsigned reference_count(const struct work_unit *wu)
{
	unsigned n = 0;

	for (uint64_t i = 0; i < wu->nonce_count; i++)
		n += passes(wu, (uint32_t)(wu->nonce_start + i));
	return n;
}

struct tally {
	unsigned want;            /* results expected, when counted: see run_until_done */
	unsigned nonces, bad, lost, dones;
	uint32_t last_nonce, done_tag;
	uint64_t done_hashes;
};

/* A wait for results that ends settle_s after results and losses (`have`)
   reach `want`, so a count too high shows too: the STATUS that counts
   losses comes once a second of the board's time, which runs slower than
   the wall's on a loaded machine, so no fixed wait is long enough. */
static void end_when_counted(unsigned have, unsigned want, double settle_s, bool *counted,
			     double *end)
{
	if (!*counted && have >= want) {
		*counted = true;
		*end = fmin(*end, now_s() + settle_s);
	}
}

/* Polls until a DONE for `tag` and, with t->want, until results and losses
   reach it (end_when_counted); then settle_s more. All within limit_s. */
static void run_until_done(struct device *d, const struct work_unit *wu, struct tally *t,
			   double limit_s, double settle_s)
{
	double end = now_s() + limit_s;
	bool counted = false;

	for (;;) {
		struct device_event ev[64];
		int n;

		if (t->dones)
			end_when_counted(t->nonces + t->lost, t->want, settle_s, &counted, &end);
		if (now_s() >= end)
			break;
		n = d->ops->poll(d, ev, 64, 100);

		assert_true(n >= 0);
		for (int i = 0; i < n; i++) {
			if (ev[i].kind == DEVICE_NONCE) {
				assert_int_equal(ev[i].tag, wu->tag);
				t->nonces++;
				t->bad += !passes(wu, ev[i].nonce);
				t->last_nonce = ev[i].nonce;
			} else if (ev[i].kind == DEVICE_LOST) {
				t->lost += (unsigned)ev[i].hashes;
			} else if (ev[i].kind == DEVICE_DONE && ev[i].tag == wu->tag) {
				t->dones++;
				t->done_tag = ev[i].tag;
				t->done_hashes = ev[i].hashes;
			}
		}
	}
}

static void test_identifies_and_finds_genesis(void **state)
{
	struct device d;
	struct device_config cfg = {0};
	struct work_unit wu;
	struct tally t = {0};
	struct device_status st;
	char err[ERR_LEN];

	assert_int_equal(device_open(&d, "sim:full", &cfg, err, sizeof(err)), 0);
	assert_string_equal(d.info.kind, "sim");
	assert_string_equal(d.info.path, "full");
	assert_int_equal(d.info.parallel, 1);
	tu_genesis_unit(&wu, 0xdeadbeef, 0x7c2bac1d - 30000, 60000, 32);
	assert_int_equal(d.ops->send_work(&d, &wu), 0);
	run_until_done(&d, &wu, &t, 20, 0);
	assert_int_equal(t.nonces, 1);
	assert_int_equal(t.last_nonce, 0x7c2bac1d);
	assert_int_equal(t.dones, 1);
	assert_int_equal(t.done_hashes, 60000);
	/* the hash count is the board's own, read with STATUS each second */
	for (double end = now_s() + 3; now_s() < end;) {
		struct device_event ev[8];

		d.ops->poll(&d, ev, 8, 100);
		d.ops->status(&d, &st);
		if (st.hashes >= 60000)
			break;
	}
	assert_int_equal(st.hashes, 60000);
	assert_false(st.busy);
	device_close(&d);
}

static void test_rolled_shape(void **state)
{
	struct device d;
	struct device_config cfg = {0};
	struct work_unit wu;
	struct tally t = {0};
	char err[ERR_LEN];

	assert_int_equal(device_open(&d, "sim:rolled", &cfg, err, sizeof(err)), 0);
	assert_string_equal(d.info.path, "rolled");
	tu_genesis_unit(&wu, 7, 0x7c2bac1d - 500, 1000, 32);
	d.ops->send_work(&d, &wu);
	run_until_done(&d, &wu, &t, 20, 0);
	assert_int_equal(t.nonces, 1);
	assert_int_equal(t.last_nonce, 0x7c2bac1d);
	device_close(&d);
}

static void test_replaced_work_keeps_its_tag(void **state)
{
	struct device d;
	struct device_config cfg = {0};
	struct work_unit a, b;
	struct tally t = {0};
	char err[ERR_LEN];
	unsigned a_results = 0, a_bad = 0, b_dones = 0, a_dones = 0;
	double end;

	tu_seed(41);
	assert_int_equal(device_open(&d, "sim:full", &cfg, err, sizeof(err)), 0);
	random_unit(&a, 1000, 1ull << 32, 8);
	random_unit(&b, 1001, 20000, 8);
	d.ops->send_work(&d, &a);
	for (end = now_s() + 10; now_s() < end && a_results < 5;) {
		struct device_event ev[64];
		int n = d.ops->poll(&d, ev, 64, 50);

		for (int i = 0; i < n; i++)
			if (ev[i].kind == DEVICE_NONCE) {
				assert_int_equal(ev[i].tag, 1000);
				a_results++;
			}
	}
	assert_true(a_results >= 5);
	d.ops->send_work(&d, &b);
	for (end = now_s() + 10; now_s() < end && !b_dones;) {
		struct device_event ev[64];
		int n = d.ops->poll(&d, ev, 64, 50);

		for (int i = 0; i < n; i++) {
			if (ev[i].kind == DEVICE_NONCE && ev[i].tag == 1000)
				a_bad += !passes(&a, ev[i].nonce);
			else if (ev[i].kind == DEVICE_NONCE) {
				assert_int_equal(ev[i].tag, 1001);
				t.nonces++;
				t.bad += !passes(&b, ev[i].nonce);
			} else if (ev[i].kind == DEVICE_DONE) {
				a_dones += ev[i].tag == 1000;
				b_dones += ev[i].tag == 1001;
			}
		}
	}
	assert_int_equal(a_bad, 0);
	assert_int_equal(a_dones, 0);
	assert_int_equal(b_dones, 1);
	assert_int_equal(t.bad, 0);
	assert_int_equal(t.nonces, reference_count(&b));
	device_close(&d);
}

/* Bit errors both ways: nothing wrong gets through, nothing goes uncounted. */
static void test_bit_errors_lose_nothing_uncounted(void **state)
{
	struct device d;
	struct device_config cfg = {0};
	struct work_unit wu;
	struct tally t = {0};
	char err[ERR_LEN];

	tu_seed(42);
	assert_int_equal(device_open(&d, "sim:full,flip=0.0005", &cfg, err, sizeof(err)), 0);
	random_unit(&wu, 77, 300000, 10);
	t.want = reference_count(&wu);
	d.ops->send_work(&d, &wu);
	/* after DONE, a STATUS or two more tell how many results were lost */
	run_until_done(&d, &wu, &t, 30, 1.5);
	assert_int_equal(t.dones, 1);
	assert_int_equal(t.bad, 0);
	print_message("# %u results arrived, %u lost on the wire, %u expected\n", t.nonces, t.lost,
		      t.want);
	assert_true(t.lost > 0);          /* the fault really happened ... */
	assert_int_equal(t.nonces + t.lost, t.want);   /* ... and every result is accounted for */
	device_close(&d);
}

/* WORK whose answering STATUS is lost on the wire: the host asks before it
   sends WORK again, so no unit is restarted (its nonces reported twice) and
   none is given up. Twenty units, each longer than the wait for its
   acknowledgement (about 0.2 s of hashing, so a WORK sent again would land
   on a unit in progress), under bit errors that lose a STATUS frame about
   one time in five and a WORK frame one time in two. A result may arrive
   after its unit's DONE (a DONE lost and read from STATUS), under its own
   tag. */
#define ACK_UNITS 20
#define ACK_UNIT_NONCES 200000
#define ACK_MAX_RESULTS 512     /* 10 zero bits: about 195 a unit */
static void test_lost_acknowledgement_restarts_nothing(void **state)
{
	struct device d;
	struct device_config cfg = {0};
	struct work_unit wu[ACK_UNITS];
	static uint32_t seen[ACK_UNITS][ACK_MAX_RESULTS];
	unsigned nseen[ACK_UNITS] = {0};
	char err[ERR_LEN];
	unsigned want = 0, got = 0, lost = 0, twice = 0, dones = 0;

	tu_seed(43);
	assert_int_equal(device_open(&d, "sim:full,flip=0.001", &cfg, err, sizeof(err)), 0);
	for (unsigned u = 0; u <= ACK_UNITS; u++) {
		/* the last round only waits for the STATUS that counts what was
		   lost (end_when_counted) */
		double end = now_s() + (u < ACK_UNITS ? 10 : 20);
		bool done = false, counted = false;

		if (u < ACK_UNITS) {
			random_unit(&wu[u], 500 + u, ACK_UNIT_NONCES, 10);
			want += reference_count(&wu[u]);
			d.ops->send_work(&d, &wu[u]);
		}
		while (now_s() < end && !done) {
			struct device_event ev[64];
			int n;

			if (u == ACK_UNITS)
				end_when_counted(got + lost, want, 1.5, &counted, &end);
			n = d.ops->poll(&d, ev, 64, 100);

			for (int i = 0; i < n; i++) {
				unsigned k = ev[i].tag - 500;

				if (ev[i].kind == DEVICE_NONCE) {
					assert_true(k <= u && k < ACK_UNITS);
					assert_true(passes(&wu[k], ev[i].nonce));
					for (unsigned j = 0; j < nseen[k]; j++)
						twice += seen[k][j] == ev[i].nonce;
					assert_true(nseen[k] < ACK_MAX_RESULTS);
					seen[k][nseen[k]++] = ev[i].nonce;
					got++;
				} else if (ev[i].kind == DEVICE_LOST) {
					lost += (unsigned)ev[i].hashes;
				} else if (ev[i].kind == DEVICE_DONE && k == u) {
					/* a DONE without hashes is a unit given up (the board reopened) */
					assert_int_equal(ev[i].hashes, ACK_UNIT_NONCES);
					done = true;
				}
			}
		}
		dones += done;
	}
	print_message("# %u units: %u results arrived, %u lost on the wire, %u expected\n",
		      ACK_UNITS, got, lost, want);
	assert_int_equal(dones, ACK_UNITS);
	assert_int_equal(twice, 0);
	assert_int_equal(got + lost, want);
	device_close(&d);
}

static void test_hung_board_is_reopened(void **state)
{
	struct device d;
	struct device_config cfg = {0};
	struct work_unit wu;
	struct tally t = {0};
	char err[ERR_LEN];
	double t0;

	tu_seed(43);
	assert_int_equal(device_open(&d, "sim:full,hang=0.3", &cfg, err, sizeof(err)), 0);
	random_unit(&wu, 5, 1ull << 32, 32);
	d.ops->send_work(&d, &wu);
	t0 = now_s();
	run_until_done(&d, &wu, &t, 10, 0);
	assert_int_equal(t.dones, 1);     /* the watchdog gave the unit back */
	assert_int_equal(t.done_hashes, 0);
	assert_true(now_s() - t0 > 2.5 && now_s() - t0 < 8);
	/* and the board works again */
	memset(&t, 0, sizeof(t));
	tu_genesis_unit(&wu, 6, 0x7c2bac1d - 1000, 2000, 32);
	d.ops->send_work(&d, &wu);
	run_until_done(&d, &wu, &t, 10, 0);
	assert_int_equal(t.nonces, 1);
	assert_int_equal(t.last_nonce, 0x7c2bac1d);
	device_close(&d);
}

static atomic_bool spin_on;

static void *spinner(void *arg)
{
	(void)arg;
	while (atomic_load(&spin_on))
		;
	return NULL;
}

/* Reads for about a second: how far the board's clock moved, and the wall's. */
static void read_a_second(struct transport *t, double *board, double *wall)
{
	uint8_t buf[64];
	char err[ERR_LEN];
	double b0 = t->ops->now(t), w0 = now_s();

	while (now_s() - w0 < 1.0)
		assert_true(t->ops->read(t, buf, sizeof(buf), 200, err, sizeof(err)) >= 0);
	*board = t->ops->now(t) - b0;
	*wall = now_s() - w0;
}

/* The simulated board's clock leaves out the time its thread waited for a
   CPU (here, pinned to one CPU beside three busy threads, it gets about a
   quarter), and a hung board's time passes like the wall's. */
static void test_starved_simulation_keeps_its_time(void **state)
{
	struct transport t;
	cpu_set_t was, one;
	pthread_t th[3];
	char err[ERR_LEN];
	double board, wall;

	assert_int_equal(transport_sim_open(&t, "full", err, sizeof(err)), 0);
	assert_non_null(t.ops->now);
	assert_int_equal(sched_getaffinity(0, sizeof(was), &was), 0);
	CPU_ZERO(&one);
	for (int c = 0; c < CPU_SETSIZE; c++)
		if (CPU_ISSET(c, &was)) {
			CPU_SET(c, &one);
			break;
		}
	assert_int_equal(sched_setaffinity(0, sizeof(one), &one), 0);
	atomic_store(&spin_on, true);
	for (int i = 0; i < 3; i++)
		assert_int_equal(pthread_create(&th[i], NULL, spinner, NULL), 0);
	read_a_second(&t, &board, &wall);
	atomic_store(&spin_on, false);
	for (int i = 0; i < 3; i++)
		pthread_join(th[i], NULL);
	assert_int_equal(sched_setaffinity(0, sizeof(was), &was), 0);
	print_message("# starved: the board's clock moved %.3f s in %.3f s\n", board, wall);
	assert_true(board > 0.02 && board < 0.6 * wall);
	t.ops->close(&t);

	assert_int_equal(transport_sim_open(&t, "full,hang=0.001", err, sizeof(err)), 0);
	read_a_second(&t, &board, &wall);
	print_message("# hung: the board's clock moved %.3f s in %.3f s\n", board, wall);
	assert_true(board > 0.9 * wall && board <= wall + 1e-6);
	t.ops->close(&t);
}

static void *waker(void *arg)
{
	struct device *d = arg;

	nanosleep(&(struct timespec){.tv_nsec = 100000000}, NULL);
	d->ops->wake(d);
	return NULL;
}

static void test_wake_ends_a_poll(void **state)
{
	struct device d;
	struct device_config cfg = {0};
	struct device_event ev[4];
	char err[ERR_LEN];
	pthread_t th;
	double t0;

	assert_int_equal(device_open(&d, "sim:full", &cfg, err, sizeof(err)), 0);
	t0 = now_s();
	pthread_create(&th, NULL, waker, &d);
	assert_int_equal(d.ops->poll(&d, ev, 4, 5000), 0);
	pthread_join(th, NULL);
	assert_true(now_s() - t0 < 1.0);
	device_close(&d);
}

static void test_wrong_specs_are_named(void **state)
{
	struct device d;
	struct device_config cfg = {0};
	char err[ERR_LEN];

	assert_int_equal(device_open(&d, "sim:nosuch", &cfg, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "no shape \"nosuch\""));
	assert_non_null(strstr(err, "full, rolled"));
	assert_int_equal(device_open(&d, "sim:full,flip=2", &cfg, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "flip"));
	assert_int_equal(device_open(&d, "serial", &cfg, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "serial needs a port"));
	assert_int_equal(device_open(&d, "serial:/dev/null", &cfg, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "not a serial port"));
	assert_int_equal(device_open(&d, "gpu", &cfg, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "unknown device \"gpu\""));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_identifies_and_finds_genesis),
		cmocka_unit_test(test_rolled_shape),
		cmocka_unit_test(test_replaced_work_keeps_its_tag),
		cmocka_unit_test(test_bit_errors_lose_nothing_uncounted),
		cmocka_unit_test(test_lost_acknowledgement_restarts_nothing),
		cmocka_unit_test(test_hung_board_is_reopened),
		cmocka_unit_test(test_starved_simulation_keeps_its_time),
		cmocka_unit_test(test_wake_ends_a_poll),
		cmocka_unit_test(test_wrong_specs_are_named),
	};

	return TU_RUN(tests);
}
