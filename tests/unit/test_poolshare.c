/*
 * Unit tests: host/poolshare.c, how the pool judges mining.submit: every
 * verdict, on real hashes. Passing nonces are found by scanning with
 * work_hash; the header the pool rebuilt is hashed again with mbedTLS.
 */
#include "testutil.h"

#include <stdio.h>
#include <string.h>

#include "hex.h"
#include "pooljobs.h"
#include "poolshare.h"
#include "target.h"

#define NOW 1700000000u
#define DIFF (1.0 / 65536)               /* ~65536 hashes a share */
#define MASK 0x1fffe000u

static const uint8_t en1[4] = {0x01, 0x02, 0x03, 0x04};

struct fixture {
	struct pool_jobs jobs;
	struct poolshare_session s;
	struct pool_job *job;
};

static void setup(struct fixture *f, uint32_t nbits)
{
	struct pool_jobs_config cfg = {
		.extranonce1_len = 4, .extranonce2_len = 4, .nbits = nbits, .branches = 3, .seed = 7,
	};

	assert_int_equal(pooljobs_init(&f->jobs, &cfg, NOW, NULL, 0), 0);
	f->job = pooljobs_current(&f->jobs);
	poolshare_session_init(&f->s);
	f->s.subscribed = true;
	f->s.extranonce2_len = 4;
	assert_int_equal(poolshare_add_worker(&f->s, "w.1"), 0);
	poolshare_sent_add(&f->s, 0x10, f->job, DIFF, en1, 4);
}

static void teardown(struct fixture *f)
{
	poolshare_session_release(&f->s);
	pooljobs_release(&f->jobs);
}

/* The header of a share, as a miner builds it. */
static void header_of(const struct pool_job *job, const uint8_t *e1, const uint8_t en2[4],
		      uint32_t ntime, uint32_t version, struct work *w)
{
	struct work_template t = job->tpl;
	uint8_t txid[32], root[32], header[80];

	memcpy(t.extranonce1, e1, 4);
	t.extranonce1_len = 4;
	t.extranonce2_len = 4;
	work_template_prepare(&t);
	work_coinbase_hash(&t, en2, txid);
	work_merkle_root(txid, (const uint8_t (*)[32])t.branch, t.nbranch, root);
	work_header(&t, root, version, ntime, 0, header);
	work_from_header(w, header);
}

/* The first nonce from `start` whose hash meets (pass) or misses difficulty d. */
static uint32_t scan(const struct work *w, double d, bool pass, uint32_t start)
{
	uint8_t target[32], hash[32];

	assert_int_equal(target_from_difficulty(d, target, NULL, 0), 0);
	for (uint32_t n = start;; n++) {
		work_hash(w, n, hash);
		if (target_met(hash, target) == pass)
			return n;
	}
}

/* A share's submit params; bits NULL: five params. */
static cJSON *params(const char *worker, const char *job, const uint8_t en2[4], uint32_t ntime,
		     uint32_t nonce, const char *bits)
{
	char e[9], t[9], n[9];
	cJSON *p = cJSON_CreateArray();

	hex_encode(e, en2, 4);
	u32_to_hexbe(t, ntime);
	u32_to_hexbe(n, nonce);
	cJSON_AddItemToArray(p, cJSON_CreateString(worker));
	cJSON_AddItemToArray(p, cJSON_CreateString(job));
	cJSON_AddItemToArray(p, cJSON_CreateString(e));
	cJSON_AddItemToArray(p, cJSON_CreateString(t));
	cJSON_AddItemToArray(p, cJSON_CreateString(n));
	if (bits)
		cJSON_AddItemToArray(p, cJSON_CreateString(bits));
	return p;
}

/* Judges p (and deletes it); checks the verdict's kind, code and reason. */
static void expect(struct fixture *f, uint64_t height, cJSON *p, enum poolshare_kind kind,
		   int code, const char *reason, struct poolshare_verdict *out)
{
	struct poolshare_verdict v;

	poolshare_check(&f->s, height, p, &v);
	if (v.kind != kind || v.code != code)
		fail_msg("verdict %d/%d \"%s\", wanted %d/%d \"%s\"", v.kind, v.code,
			 v.reason ? v.reason : "", kind, code, reason ? reason : "");
	if (reason)
		assert_string_equal(v.reason, reason);
	else
		assert_null(v.reason);
	if (p && cJSON_IsString(cJSON_GetArrayItem(p, 0)))
		assert_ptr_equal(v.worker, cJSON_GetArrayItem(p, 0)->valuestring);
	if (out) {
		*out = v;
		out->worker = out->job_id = NULL;   /* they point into p */
	}
	cJSON_Delete(p);
}

/* A passing share of job id `id` (the fixture job, extranonce1 e1, difficulty d). */
static cJSON *good_share(struct fixture *f, const char *id, const uint8_t *e1, const uint8_t en2[4],
			 double d, uint32_t *nonce_out)
{
	struct work w;
	uint32_t nonce;

	header_of(f->job, e1, en2, NOW, f->job->tpl.version, &w);
	nonce = scan(&w, d, true, 0);
	if (nonce_out)
		*nonce_out = nonce;
	return params("w.1", id, en2, NOW, nonce, NULL);
}

static void test_accepted_and_duplicate(void **state)
{
	struct fixture f;
	struct poolshare_verdict v;
	uint8_t en2[4] = {9, 8, 7, 6}, ref[32];
	uint32_t nonce;

	setup(&f, 0x1d00ffff);
	expect(&f, 1, good_share(&f, "10", en1, en2, DIFF, &nonce), POOLSHARE_ACCEPTED, 0, NULL, &v);
	assert_true(v.hashed);
	assert_true(v.hash_difficulty >= DIFF);
	assert_true(v.difficulty == DIFF);
	assert_false(v.block);
	assert_int_equal(load_le32(v.header), 0x20000000);
	assert_int_equal(load_le32(v.header + 76), nonce);
	tu_ref_sha256d(v.header, 80, ref);                /* the hash is the header's */
	assert_memory_equal(v.hash, ref, 32);

	expect(&f, 1, good_share(&f, "10", en1, en2, DIFF, NULL), POOLSHARE_DUPLICATE, 22,
	       "Duplicate share", &v);
	assert_false(v.hashed);
	expect(&f, 1, good_share(&f, "0010", en1, en2, DIFF, NULL), POOLSHARE_DUPLICATE, 22,
	       "Duplicate share", NULL);                 /* the same id, written longer */
	teardown(&f);
}

static void test_low_difficulty(void **state)
{
	struct fixture f;
	struct poolshare_verdict v;
	uint8_t en2[4] = {1, 1, 1, 1};
	struct work w;
	uint32_t nonce;

	setup(&f, 0x1d00ffff);
	header_of(f.job, en1, en2, NOW, f.job->tpl.version, &w);
	nonce = scan(&w, DIFF, false, 0);
	expect(&f, 1, params("w.1", "10", en2, NOW, nonce, NULL), POOLSHARE_REJECTED, 23,
	       "Low difficulty share", &v);
	assert_true(v.hashed);
	assert_true(v.hash_difficulty < DIFF);
	/* Refused, so not remembered: the same share is refused again as low, not duplicate. */
	expect(&f, 1, params("w.1", "10", en2, NOW, nonce, NULL), POOLSHARE_REJECTED, 23,
	       "Low difficulty share", NULL);
	teardown(&f);
}

static void test_job_not_found_and_stale(void **state)
{
	struct fixture f;
	uint8_t en2[4] = {2, 2, 2, 2};
	char id[8];

	setup(&f, 0x1d00ffff);
	expect(&f, 1, good_share(&f, "11", en1, en2, DIFF, NULL), POOLSHARE_REJECTED, 21,
	       "Job not found", NULL);
	expect(&f, 1, good_share(&f, "zz", en1, en2, DIFF, NULL), POOLSHARE_REJECTED, 21,
	       "Job not found", NULL);
	expect(&f, 1, good_share(&f, "", en1, en2, DIFF, NULL), POOLSHARE_REJECTED, 21,
	       "Job not found", NULL);
	/* A block later, the same share of the old job is stale. */
	expect(&f, 2, good_share(&f, "10", en1, en2, DIFF, NULL), POOLSHARE_STALE, 21,
	       "Job not found", NULL);
	/* A session remembers POOLSHARE_SENT jobs: the oldest is forgotten. */
	for (int i = 0; i < POOLSHARE_SENT; i++)
		poolshare_sent_add(&f.s, 0x100 + i, f.job, DIFF, en1, 4);
	expect(&f, 1, good_share(&f, "10", en1, en2, DIFF, NULL), POOLSHARE_REJECTED, 21,
	       "Job not found", NULL);
	snprintf(id, sizeof(id), "%x", 0x100 + POOLSHARE_SENT - 1);
	expect(&f, 1, good_share(&f, id, en1, en2, DIFF, NULL), POOLSHARE_ACCEPTED, 0, NULL, NULL);
	teardown(&f);
}

static void test_unauthorized_and_unsubscribed(void **state)
{
	struct fixture f;
	uint8_t en2[4] = {3, 3, 3, 3};
	cJSON *p;

	setup(&f, 0x1d00ffff);
	expect(&f, 1, params("w.2", "10", en2, NOW, 0, NULL), POOLSHARE_REJECTED, 24,
	       "Unauthorized worker", NULL);
	p = params("w.1", "10", en2, NOW, 0, NULL);
	cJSON_ReplaceItemInArray(p, 0, cJSON_CreateNumber(1));
	expect(&f, 1, p, POOLSHARE_REJECTED, 24, "Unauthorized worker", NULL);
	f.s.subscribed = false;          /* 25 comes before everything */
	expect(&f, 1, params("w.2", "zz", en2, NOW, 0, NULL), POOLSHARE_REJECTED, 25,
	       "Not subscribed", NULL);
	teardown(&f);
}

static void test_invalid_params(void **state)
{
	static const char *const bad[] = {
		"{}",
		"[\"w.1\", \"10\", \"00000000\", \"6553f100\"]",
		"[\"w.1\", \"10\", \"00000000\", \"6553f100\", \"00000000\", \"00000000\", \"x\"]",
		"[\"w.1\", \"10\", \"0000000z\", \"6553f100\", \"00000000\"]",
		"[\"w.1\", \"10\", \"000\", \"6553f100\", \"00000000\"]",
		"[\"w.1\", \"10\", \"00000000\", \"6553f10\", \"00000000\"]",
		"[\"w.1\", \"10\", \"00000000\", 1700000000, \"00000000\"]",
		"[\"w.1\", \"10\", \"00000000\", \"6553f100\", \"123456789\"]",
		"[\"w.1\", 16, \"00000000\", \"6553f100\", \"00000000\"]",
		"[\"w.1\", \"10\", \"00000000\", \"6553f100\", \"00000000\", 5]",
	};
	struct fixture f;

	setup(&f, 0x1d00ffff);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		cJSON *p = cJSON_Parse(bad[i]);

		assert_non_null(p);
		expect(&f, 1, p, POOLSHARE_REJECTED, 20, "Invalid params", NULL);
	}
	/* A null sixth param is no version bits at all. */
	expect(&f, 1, cJSON_Parse("[\"w.1\", \"10\", \"00000000\", \"6553f100\", \"00000000\", null]"),
	       POOLSHARE_REJECTED, 23, "Low difficulty share", NULL);
	teardown(&f);
}

static void test_extranonce2_size_and_ntime(void **state)
{
	struct fixture f;
	uint8_t en2[4] = {4, 4, 4, 4};
	cJSON *p;
	struct work w;

	setup(&f, 0x1d00ffff);
	p = params("w.1", "10", en2, NOW, 0, NULL);
	cJSON_ReplaceItemInArray(p, 2, cJSON_CreateString("0404"));
	expect(&f, 1, p, POOLSHARE_REJECTED, 20, "Invalid extranonce2 size", NULL);
	p = params("w.1", "10", en2, NOW, 0, NULL);
	cJSON_ReplaceItemInArray(p, 2, cJSON_CreateString(
		"0404040404040404040404040404040404040404040404040404040404040404040404040404"));
	expect(&f, 1, p, POOLSHARE_REJECTED, 20, "Invalid extranonce2 size", NULL);
	expect(&f, 1, params("w.1", "10", en2, NOW - 1, 0, NULL), POOLSHARE_REJECTED, 20,
	       "Ntime out of range", NULL);
	expect(&f, 1, params("w.1", "10", en2, NOW + 7001, 0, NULL), POOLSHARE_REJECTED, 20,
	       "Ntime out of range", NULL);
	expect(&f, 1, params("w.1", "10", en2, 0xffffffffu, 0, NULL), POOLSHARE_REJECTED, 20,
	       "Ntime out of range", NULL);
	/* The window's far edge is in range: a rolled ntime hashes into the header. */
	header_of(f.job, en1, en2, NOW + 7000, f.job->tpl.version, &w);
	expect(&f, 1, params("w.1", "10", en2, NOW + 7000, scan(&w, DIFF, true, 0), NULL),
	       POOLSHARE_ACCEPTED, 0, NULL, NULL);
	teardown(&f);
}

static void test_version_bits(void **state)
{
	struct fixture f;
	struct poolshare_verdict v;
	uint8_t en2[4] = {5, 5, 5, 5};
	uint32_t rolled;
	struct work w;
	char bits[9];

	setup(&f, 0x1d00ffff);
	/* Without mining.configure, any version bits are refused. */
	expect(&f, 1, params("w.1", "10", en2, NOW, 0, "00002000"), POOLSHARE_REJECTED, 20,
	       "Invalid version bits", NULL);
	f.s.version_rolling = true;
	f.s.version_mask = MASK;
	expect(&f, 1, params("w.1", "10", en2, NOW, 0, "40000000"), POOLSHARE_REJECTED, 20,
	       "Invalid version bits", NULL);
	expect(&f, 1, params("w.1", "10", en2, NOW, 0, "1fffe001"), POOLSHARE_REJECTED, 20,
	       "Invalid version bits", NULL);
	/*
	 * A job version with bits inside the mask tells BIP 310's formula from
	 * OR (0x20006000) and XOR (0x20004000): (v & ~mask) | (bits & mask).
	 */
	f.job->tpl.version = 0x20006000;
	rolled = work_version_roll(0x20006000, MASK, 0x00002000);
	assert_int_equal(rolled, 0x20002000);
	header_of(f.job, en1, en2, NOW, rolled, &w);
	u32_to_hexbe(bits, 0x00002000);
	expect(&f, 1, params("w.1", "10", en2, NOW, scan(&w, DIFF, true, 0), bits),
	       POOLSHARE_ACCEPTED, 0, NULL, &v);
	assert_int_equal(load_le32(v.header), 0x20002000);
	/* The same nonce and extranonce2 without bits is another header: not a duplicate. */
	header_of(f.job, en1, en2, NOW, 0x20006000, &w);
	expect(&f, 1, params("w.1", "10", en2, NOW, scan(&w, DIFF, true, 0), NULL),
	       POOLSHARE_ACCEPTED, 0, NULL, &v);
	assert_int_equal(load_le32(v.header), 0x20006000);
	teardown(&f);
}

static void test_difficulty_and_extranonce1_per_job(void **state)
{
	struct fixture f;
	struct poolshare_verdict v;
	uint8_t en2[4] = {6, 6, 6, 6}, other[4] = {0xaa, 0xbb, 0xcc, 0xdd};
	struct work w;
	uint8_t target[32], hash[32];
	uint32_t nonce = 0;

	setup(&f, 0x1d00ffff);
	poolshare_sent_add(&f.s, 0x11, f.job, 1000 * DIFF, en1, 4);    /* after a raise */
	poolshare_sent_add(&f.s, 0x12, f.job, DIFF, other, 4);         /* after set_extranonce */
	/* A share meeting DIFF but not 1000 * DIFF. */
	header_of(f.job, en1, en2, NOW, f.job->tpl.version, &w);
	assert_int_equal(target_from_difficulty(1000 * DIFF, target, NULL, 0), 0);
	do {
		nonce = scan(&w, DIFF, true, nonce + 1);
		work_hash(&w, nonce, hash);
	} while (target_met(hash, target));
	expect(&f, 1, params("w.1", "11", en2, NOW, nonce, NULL), POOLSHARE_REJECTED, 23,
	       "Low difficulty share", &v);
	assert_true(v.difficulty == 1000 * DIFF);
	expect(&f, 1, params("w.1", "10", en2, NOW, nonce, NULL), POOLSHARE_ACCEPTED, 0, NULL, NULL);
	/* Same job, same extranonce1, another id: still a duplicate. */
	expect(&f, 1, params("w.1", "11", en2, NOW, nonce, NULL), POOLSHARE_DUPLICATE, 22,
	       "Duplicate share", NULL);
	/* Job 12 was sent with another extranonce1: a share built with it passes there only. */
	header_of(f.job, other, en2, NOW, f.job->tpl.version, &w);
	nonce = scan(&w, DIFF, true, 0);
	expect(&f, 1, params("w.1", "12", en2, NOW, nonce, NULL), POOLSHARE_ACCEPTED, 0, NULL, NULL);
	header_of(f.job, en1, en2, NOW, f.job->tpl.version, &w);
	work_hash(&w, nonce, hash);
	assert_int_equal(target_from_difficulty(DIFF, target, NULL, 0), 0);
	if (!target_met(hash, target))      /* with extranonce1 01020304 the hash differs */
		expect(&f, 1, params("w.1", "10", en2, NOW, nonce, NULL), POOLSHARE_REJECTED, 23,
		       "Low difficulty share", NULL);
	teardown(&f);
}

static void test_block_found(void **state)
{
	struct fixture f;
	struct poolshare_verdict v;
	uint8_t en2[4] = {7, 7, 7, 7};

	setup(&f, 0x207fffff);               /* regtest: about half of all hashes */
	expect(&f, 1, good_share(&f, "10", en1, en2, DIFF, NULL), POOLSHARE_ACCEPTED, 0, NULL, &v);
	assert_true(v.block);
	assert_int_equal(v.height, 1);
	teardown(&f);
}

static void test_many_shares_remembered(void **state)
{
	static const double tiny = 1.0 / 4294967296.0;   /* nearly every hash passes */
	struct fixture f;
	struct poolshare_verdict v;
	uint8_t en2[4] = {8, 8, 8, 8};
	int accepted = 0;

	setup(&f, 0x1d00ffff);
	poolshare_sent_add(&f.s, 0x20, f.job, tiny, en1, 4);
	for (uint32_t n = 0; n < 3000; n++) {
		cJSON *p = params("w.1", "20", en2, NOW, n, NULL);

		poolshare_check(&f.s, 1, p, &v);
		accepted += v.kind == POOLSHARE_ACCEPTED;
		assert_true(v.kind == POOLSHARE_ACCEPTED || v.code == 23);
		cJSON_Delete(p);
	}
	assert_true(accepted > 2900);
	assert_int_equal(f.s.seen.count, accepted);
	for (uint32_t n = 0; n < 3000; n++) {
		cJSON *p = params("w.1", "20", en2, NOW, n, NULL);

		poolshare_check(&f.s, 1, p, &v);
		assert_true(v.kind == POOLSHARE_DUPLICATE || v.code == 23);
		cJSON_Delete(p);
	}
	/* A new block forgets them: the old job is stale now, not duplicate. */
	expect(&f, 2, params("w.1", "20", en2, NOW, 0, NULL), POOLSHARE_STALE, 21, "Job not found",
	       NULL);
	assert_int_equal(f.s.seen.count, 0);
	teardown(&f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_accepted_and_duplicate),
		cmocka_unit_test(test_low_difficulty),
		cmocka_unit_test(test_job_not_found_and_stale),
		cmocka_unit_test(test_unauthorized_and_unsubscribed),
		cmocka_unit_test(test_invalid_params),
		cmocka_unit_test(test_extranonce2_size_and_ntime),
		cmocka_unit_test(test_version_bits),
		cmocka_unit_test(test_difficulty_and_extranonce1_per_job),
		cmocka_unit_test(test_block_found),
		cmocka_unit_test(test_many_shares_remembered),
	};

	return TU_RUN(tests);
}
