/*
 * Unit tests: host/scheduler.c, every way a nonce can end: work, share
 * (submitted, accepted or rejected), stale, hardware error, duplicate.
 */
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hex.h"
#include "scheduler.h"
#include "target.h"

/* A job from the block-100000 share vector, at difficulty d, for pool p. */
static struct job *make_job(const char *id, double d, unsigned pool, uint64_t session,
			    bool clean, uint32_t mask)
{
	const cJSON *v = tu_vector("stratum", "S_100000_constructed");
	const cJSON *n = cJSON_GetObjectItemCaseSensitive(v, "notify"), *b;
	struct job *j = calloc(1, sizeof(*j));
	uint8_t prev[32];
	size_t len;

	assert_non_null(j);
	snprintf(j->id, sizeof(j->id), "%s", id);
	j->pool = pool;
	j->session = session;
	tu_hex(tu_str(n, "prevhash"), prev, 32);
	work_prevhash_swap(prev, j->tpl.prevhash);
	len = strlen(tu_str(n, "coinb1")) / 2;
	j->tpl.coinb1 = malloc(len);
	tu_hex(tu_str(n, "coinb1"), j->tpl.coinb1, len);
	j->tpl.coinb1_len = len;
	len = strlen(tu_str(n, "coinb2")) / 2;
	j->tpl.coinb2 = malloc(len);
	tu_hex(tu_str(n, "coinb2"), j->tpl.coinb2, len);
	j->tpl.coinb2_len = len;
	cJSON_ArrayForEach(b, cJSON_GetObjectItemCaseSensitive(n, "merkle_branch"))
		tu_hex(b->valuestring, j->tpl.branch[j->tpl.nbranch++], 32);
	j->tpl.version = 0x20000000;
	j->tpl.nbits = tu_word(tu_str(n, "nbits"));
	j->tpl.ntime = tu_word(tu_str(n, "ntime"));
	tu_hex("044c8604", j->tpl.extranonce1, 4);
	j->tpl.extranonce1_len = 4;
	j->tpl.extranonce2_len = 4;
	work_template_prepare(&j->tpl);
	j->difficulty = d;
	assert_int_equal(target_from_difficulty(d, j->share_target, NULL, 0), 0);
	j->clean = clean;
	j->version_mask = mask;
	return j;
}

/* Rebuilds the unit's header independently and finds nonces by zero bits. */
static uint32_t find_nonce(const struct work_unit *wu, unsigned min_bits, unsigned max_bits,
			   uint32_t from)
{
	struct work w;

	memset(&w, 0, sizeof(w));
	memcpy(w.midstate, wu->midstate, sizeof(w.midstate));
	for (uint32_t n = from; ; n++) {
		uint8_t block[64] = {0}, digest[32], hash[32];
		uint32_t h[8];
		unsigned z;

		/* The hash of midstate + tail + nonce, from scratch. */
		for (int i = 0; i < 3; i++)
			store_be32(block + 4 * i, wu->tail[i]);
		store_le32(block + 12, n);
		block[16] = 0x80;
		block[62] = 0x02;
		block[63] = 0x80;
		memcpy(h, wu->midstate, sizeof(h));
		tu_ref_compress(h, block, h);
		for (int i = 0; i < 8; i++)
			store_be32(digest + 4 * i, h[i]);
		tu_ref_sha256(digest, 32, hash);
		z = target_zero_bits(hash);
		if (z >= min_bits && z <= max_bits)
			return n;
	}
}

struct fixture {
	struct stats stats;
	struct scheduler s;
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	stats_init(&f->stats, 0);
	assert_int_equal(sched_init(&f->s, &f->stats), 0);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	sched_release(&f->s);
	free(f);
	return 0;
}

static void test_share_found_submitted_accepted(void **state)
{
	struct fixture *f = *state;
	struct work_unit wu;
	struct stratum_share out[4];
	uint32_t nonce;

	/* Difficulty 1/4096: the filter is 20 zero bits; shares need about that. */
	sched_pool_session(&f->s, 0, 1, false);
	sched_add_job(&f->s, make_job("a1", 1.0 / 4096, 0, 1, true, 0), 100);
	assert_int_equal(sched_make_unit(&f->s, 0, 100, &wu), 0);
	assert_int_equal(wu.zero_bits, 20);
	assert_int_equal(wu.nonce_count, 1ull << 32);
	nonce = find_nonce(&wu, 21, 256, 0);   /* 21 bits: surely above the target */
	assert_int_equal(sched_on_nonce(&f->s, wu.tag, nonce, 101), SCHED_SHARE);
	assert_int_equal(sched_take_shares(&f->s, 0, 2, out, 4, 102), 0);  /* wrong session */
	assert_int_equal(sched_take_shares(&f->s, 0, 1, out, 4, 102), 1);
	assert_string_equal(out[0].job_id, "a1");
	assert_int_equal(out[0].nonce, nonce);
	assert_int_equal(out[0].extranonce2_len, 4);
	assert_int_equal(out[0].ntime, tu_word("4d1b2237"));
	assert_int_equal(sched_take_shares(&f->s, 0, 1, out, 4, 102), 0);  /* taken once */
	sched_on_result(&f->s, out[0].id, true, NULL);
	assert_int_equal(f->stats.accepted, 1);
	assert_true(f->stats.accepted_diff == 1.0 / 4096);
	assert_true(f->stats.diff1_work > 0);
	assert_int_equal(sched_in_flight(&f->s), 0);
}

static void test_rejected_keeps_reason(void **state)
{
	struct fixture *f = *state;
	struct work_unit wu;
	struct stratum_share out[1];

	sched_add_job(&f->s, make_job("a1", 1.0 / 4096, 0, 0, true, 0), 0);
	sched_make_unit(&f->s, 0, 0, &wu);
	sched_on_nonce(&f->s, wu.tag, find_nonce(&wu, 21, 256, 0), 0);
	assert_int_equal(sched_take_shares(&f->s, 0, 0, out, 1, 0), 1);
	sched_on_result(&f->s, out[0].id, false, "Job not found (code 21)");
	assert_int_equal(f->stats.rejected, 1);
	assert_string_equal(f->stats.reasons[0].text, "Job not found (code 21)");
}

static void test_hardware_error_and_duplicate(void **state)
{
	struct fixture *f = *state;
	struct work_unit wu;
	uint32_t bad, good;

	sched_add_job(&f->s, make_job("a1", 1.0, 0, 0, true, 0), 0);
	sched_make_unit(&f->s, 0, 0, &wu);
	assert_int_equal(wu.zero_bits, 32);
	bad = find_nonce(&wu, 0, 5, 0);
	assert_int_equal(sched_on_nonce(&f->s, wu.tag, bad, 0), SCHED_HW_ERROR);
	assert_int_equal(f->stats.hw_errors, 1);
	/*
	 * Difficulty 3/2^20: target 0x5555... << 212, so the filter is 13 bits
	 * and about a third of the 13-bit hashes are above the target: work.
	 */
	sched_add_job(&f->s, make_job("a2", 3.0 / 1048576, 0, 0, true, 0), 0);
	sched_make_unit(&f->s, 0, 0, &wu);
	assert_int_equal(wu.zero_bits, 13);
	for (good = find_nonce(&wu, 13, 13, 0); ; good = find_nonce(&wu, 13, 13, good + 1)) {
		uint8_t hash[32];

		work_hash(&f->s.units[wu.tag % SCHED_MAX_UNITS].work, good, hash);
		if (!target_met(hash, f->s.units[wu.tag % SCHED_MAX_UNITS].share_target))
			break;
	}
	assert_int_equal(sched_on_nonce(&f->s, wu.tag, good, 0), SCHED_WORK);
	assert_int_equal(sched_on_nonce(&f->s, wu.tag, good, 0), SCHED_DUPLICATE);
	assert_int_equal(f->stats.hw_errors, 2);
}

static void test_clean_job_makes_queued_shares_stale(void **state)
{
	struct fixture *f = *state;
	struct work_unit wu;
	uint32_t n1, n2;

	sched_add_job(&f->s, make_job("a1", 1.0 / 4096, 0, 0, true, 0), 0);
	sched_make_unit(&f->s, 0, 0, &wu);
	n1 = find_nonce(&wu, 21, 256, 0);
	assert_int_equal(sched_on_nonce(&f->s, wu.tag, n1, 0), SCHED_SHARE);
	/* Not clean: the old job stays valid. */
	sched_add_job(&f->s, make_job("a2", 1.0 / 4096, 0, 0, false, 0), 1);
	assert_int_equal(f->stats.stale, 0);
	assert_int_equal(sched_in_flight(&f->s), 1);
	/* Clean: the queued share is stale, and so is a later nonce of the old unit. */
	sched_add_job(&f->s, make_job("b1", 1.0 / 4096, 0, 0, true, 0), 2);
	assert_int_equal(f->stats.stale, 1);
	n2 = find_nonce(&wu, 21, 256, n1 + 1);
	assert_int_equal(sched_on_nonce(&f->s, wu.tag, n2, 3), SCHED_STALE);
	assert_int_equal(f->stats.stale, 2);
	assert_int_equal(sched_in_flight(&f->s), 0);
}

static void test_sessions_resumed_and_not(void **state)
{
	struct fixture *f = *state;
	struct work_unit wu;
	struct stratum_share out[2];
	uint64_t lost;

	sched_pool_session(&f->s, 0, 1, false);
	sched_add_job(&f->s, make_job("a1", 1.0 / 4096, 0, 1, true, 0), 0);
	sched_make_unit(&f->s, 0, 0, &wu);
	sched_on_nonce(&f->s, wu.tag, find_nonce(&wu, 21, 256, 0), 0);
	assert_int_equal(sched_take_shares(&f->s, 0, 1, out, 2, 0), 1);
	/* The connection drops before the answer: the share is queued again... */
	lost = out[0].id;
	sched_requeue(&f->s, &lost, 1);
	/* ...and a resumed session (2) sends it again. */
	sched_pool_session(&f->s, 0, 2, true);
	assert_int_equal(sched_take_shares(&f->s, 0, 2, out, 2, 1), 1);
	assert_int_equal(out[0].id, lost);
	sched_requeue(&f->s, &lost, 1);
	/* A new session (3) that did not resume: the share is stale. */
	sched_pool_session(&f->s, 0, 3, false);
	assert_int_equal(f->stats.stale, 1);
	assert_int_equal(sched_in_flight(&f->s), 0);
	assert_null(sched_newest(&f->s, 0));
	assert_int_equal(sched_make_unit(&f->s, 0, 2, &wu), -1);
}

static void test_version_rolling_units(void **state)
{
	struct fixture *f = *state;
	struct work_unit wu[20];
	const struct sched_unit *u;

	sched_add_job(&f->s, make_job("v1", 1.0, 0, 0, true, 0x1fffe000), 0);
	for (int i = 0; i < 20; i++)
		sched_make_unit(&f->s, 0, 0, &wu[i]);
	for (int i = 0; i < 20; i++) {
		u = &f->s.units[wu[i].tag % SCHED_MAX_UNITS];
		/* Sixteen versions per extranonce2, every one in the mask, each its own header. */
		assert_int_equal(u->version_bits & ~0x1fffe000u, 0);
		assert_int_equal(u->version, 0x20000000u | u->version_bits);
		assert_int_equal(u->version_bits, work_version_bits(0x1fffe000, (uint32_t)(i % 16)));
		assert_int_equal(u->extranonce2[0], i / 16);
		for (int k = 0; k < i; k++)
			assert_memory_not_equal(wu[i].midstate, wu[k].midstate, 32);
	}
}

static void test_ntime_rolls_with_job_age(void **state)
{
	struct fixture *f = *state;
	struct work_unit wu;

	sched_add_job(&f->s, make_job("t1", 1.0, 0, 0, true, 0), 1000);
	sched_make_unit(&f->s, 0, 1030.5, &wu);
	assert_int_equal(f->s.units[wu.tag % SCHED_MAX_UNITS].ntime, tu_word("4d1b2237") + 30);
	sched_make_unit(&f->s, 0, 99999, &wu);
	assert_int_equal(f->s.units[wu.tag % SCHED_MAX_UNITS].ntime,
			 tu_word("4d1b2237") + SCHED_MAX_NTIME_ROLL);
}

static void test_expiry_and_late_answers(void **state)
{
	struct fixture *f = *state;
	struct work_unit wu;
	struct stratum_share out[2];
	uint32_t n1;

	sched_add_job(&f->s, make_job("a1", 1.0 / 4096, 0, 0, true, 0), 0);
	sched_make_unit(&f->s, 0, 0, &wu);
	n1 = find_nonce(&wu, 21, 256, 0);
	sched_on_nonce(&f->s, wu.tag, n1, 0);
	sched_on_nonce(&f->s, wu.tag, find_nonce(&wu, 21, 256, n1 + 1), 50);
	assert_int_equal(sched_take_shares(&f->s, 0, 0, out, 1, 10), 1);
	/* One submitted at 10 and unanswered; one still queued since 50. */
	assert_int_equal(sched_expire(&f->s, 0, 60, 300, 60), 0);
	assert_int_equal(sched_expire(&f->s, 0, 80, 300, 60), 1);
	assert_int_equal(f->stats.stale, 0);
	assert_int_equal(sched_expire(&f->s, 0, 400, 300, 1e9), 0);
	assert_int_equal(f->stats.stale, 1);
}

static void test_forgotten_unit_is_stale(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(sched_on_nonce(&f->s, 12345, 1, 0), SCHED_STALE);
	assert_int_equal(f->stats.stale, 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_share_found_submitted_accepted, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rejected_keeps_reason, setup, teardown),
		cmocka_unit_test_setup_teardown(test_hardware_error_and_duplicate, setup, teardown),
		cmocka_unit_test_setup_teardown(test_clean_job_makes_queued_shares_stale, setup, teardown),
		cmocka_unit_test_setup_teardown(test_sessions_resumed_and_not, setup, teardown),
		cmocka_unit_test_setup_teardown(test_version_rolling_units, setup, teardown),
		cmocka_unit_test_setup_teardown(test_ntime_rolls_with_job_age, setup, teardown),
		cmocka_unit_test_setup_teardown(test_expiry_and_late_answers, setup, teardown),
		cmocka_unit_test_setup_teardown(test_forgotten_unit_is_stale, setup, teardown),
	};

	return TU_RUN(tests);
}
