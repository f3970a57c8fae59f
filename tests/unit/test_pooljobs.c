/*
 * Unit tests: host/pooljobs.c, the pool's templates and jobs: the coinbase
 * layout (BIP 34 height, extranonce slot at the split), the notify text
 * read back by notify_parse, merkle branches from txids checked against
 * mbedTLS and the real block 100000, the witness commitment output, and
 * getblocktemplate errors that name the field.
 */
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hex.h"
#include "notify.h"
#include "pooljobs.h"
#include "sha256.h"

#define NOW 1700000000u

static const uint8_t tag[] = POOLJOBS_TAG;

static void make_jobs(struct pool_jobs *j, size_t en1, size_t en2, const cJSON *gbt)
{
	struct pool_jobs_config cfg = {
		.extranonce1_len = en1, .extranonce2_len = en2, .nbits = 0x1d00ffff,
		.branches = 12, .gbt = gbt, .seed = 42,
	};
	char err[ERR_LEN];

	if (pooljobs_init(j, &cfg, NOW, err, sizeof(err)))
		fail_msg("pooljobs_init: %s", err);
}

static void test_height_script(void **state)
{
	static const struct { uint64_t h; const char *hex; } t[] = {
		{0, "00"}, {1, "51"}, {16, "60"}, {17, "0111"}, {127, "017f"}, {128, "028000"},
		{255, "02ff00"}, {256, "020001"}, {32767, "02ff7f"}, {32768, "03008000"},
		{840000, "0340d10c"}, {8388608, "0400008000"},
	};

	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		uint8_t out[9];
		char hex[19];
		size_t n = pooljobs_height_script(t[i].h, out);

		hex_encode(hex, out, n);
		assert_string_equal(hex, t[i].hex);
	}
}

/*
 * Checks the coinbase layout of job for height h and a slot of `slot` bytes:
 * coinb1 ends with the slot's push, coinb2 starts with the tag, and the
 * scriptSig length covers height, slot and tag exactly.
 */
static void check_coinbase(const struct pool_job *job, uint64_t h, size_t slot, int outputs)
{
	const struct work_template *t = &job->tpl;
	uint8_t height[9];
	size_t hl = pooljobs_height_script(h, height);
	static const uint8_t zero[32];

	assert_int_equal(t->coinb1_len, 42 + hl + 1);
	assert_int_equal(load_le32(t->coinb1), 2);                /* version */
	assert_int_equal(t->coinb1[4], 1);                          /* one input */
	assert_memory_equal(t->coinb1 + 5, zero, 32);               /* null prevout */
	assert_int_equal(load_le32(t->coinb1 + 37), 0xffffffffu);
	assert_int_equal(t->coinb1[41], hl + 1 + slot + 1 + sizeof(tag) - 1);
	assert_memory_equal(t->coinb1 + 42, height, hl);            /* BIP 34 first */
	assert_int_equal(t->coinb1[42 + hl], slot);                 /* then the slot's push */
	assert_int_equal(t->coinb2[0], sizeof(tag) - 1);            /* the tag after the slot */
	assert_memory_equal(t->coinb2 + 1, tag, sizeof(tag) - 1);
	assert_int_equal(load_le32(t->coinb2 + sizeof(tag)), 0xffffffffu);   /* sequence */
	assert_int_equal(t->coinb2[sizeof(tag) + 4], outputs);
	assert_int_equal(load_le32(t->coinb2 + t->coinb2_len - 4), 0);       /* lock time */
}

/* The notify text read back by the Stratum client's parser gives the same job. */
static void check_notify_text(const struct pool_job *job)
{
	size_t len = job->notify_tail_len + 32;
	char *text = malloc(len), err[ERR_LEN];
	cJSON *params;
	struct notify n;

	snprintf(text, len, "[\"7\",%strue]", job->notify_tail);
	params = cJSON_Parse(text);
	assert_non_null(params);
	if (notify_parse(params, &n, err, sizeof(err)))
		fail_msg("notify_parse: %s", err);
	assert_string_equal(n.job_id, "7");
	assert_true(n.clean);
	assert_int_equal(n.tpl.version, job->tpl.version);
	assert_int_equal(n.tpl.nbits, job->tpl.nbits);
	assert_int_equal(n.tpl.ntime, job->tpl.ntime);
	assert_memory_equal(n.tpl.prevhash, job->tpl.prevhash, 32);
	assert_int_equal(n.tpl.coinb1_len, job->tpl.coinb1_len);
	assert_memory_equal(n.tpl.coinb1, job->tpl.coinb1, job->tpl.coinb1_len);
	assert_int_equal(n.tpl.coinb2_len, job->tpl.coinb2_len);
	assert_memory_equal(n.tpl.coinb2, job->tpl.coinb2, job->tpl.coinb2_len);
	assert_int_equal(n.tpl.nbranch, job->tpl.nbranch);
	assert_memory_equal(n.tpl.branch, job->tpl.branch, 32 * job->tpl.nbranch);
	work_template_release(&n.tpl);
	cJSON_Delete(params);
	free(text);
}

static void test_synthetic_coinbase(void **state)
{
	struct pool_jobs j;
	struct pool_job *job;
	uint8_t prev[32], value[8];

	make_jobs(&j, 4, 4, NULL);
	job = pooljobs_current(&j);
	assert_int_equal(job->height, 1);
	check_coinbase(job, 1, 8, 1);
	assert_int_equal(job->tpl.version, 0x20000000);
	assert_int_equal(job->tpl.nbits, 0x1d00ffff);
	assert_int_equal(job->tpl.ntime, NOW);
	assert_int_equal(job->tpl.nbranch, 12);
	assert_int_equal(job->tpl.extranonce2_len, 4);
	store_le32(value, 5000000000u & 0xffffffffu);
	store_le32(value + 4, (uint32_t)(5000000000ull >> 32));
	assert_memory_equal(job->tpl.coinb2 + sizeof(tag) + 5, value, 8);   /* 50 BTC */
	assert_int_equal(job->tpl.coinb2[sizeof(tag) + 13], 1);
	assert_int_equal(job->tpl.coinb2[sizeof(tag) + 14], 0x51);         /* OP_TRUE */
	check_notify_text(job);

	memcpy(prev, job->tpl.prevhash, 32);
	assert_int_equal(pooljobs_new_job(&j, NOW, NULL, 0), 0);
	job = pooljobs_current(&j);
	assert_int_equal(job->tpl.ntime, NOW + 1);        /* never behind the last job */
	assert_memory_equal(job->tpl.prevhash, prev, 32);
	assert_int_equal(job->height, 1);
	for (uint64_t h = 2; h <= 17; h++) {
		assert_int_equal(pooljobs_new_block(&j, NULL, NOW + 100, NULL, 0), 0);
		job = pooljobs_current(&j);
		assert_int_equal(job->height, h);
		check_coinbase(job, h, 8, 1);
	}
	assert_memory_not_equal(job->tpl.prevhash, prev, 32);
	assert_int_equal(job->tpl.ntime, NOW + 100 + 15);
	pooljobs_release(&j);

	make_jobs(&j, 8, 16, NULL);                      /* another slot size */
	check_coinbase(pooljobs_current(&j), 1, 24, 1);
	check_notify_text(pooljobs_current(&j));
	pooljobs_release(&j);
}

static void test_job_references(void **state)
{
	struct pool_jobs j;
	struct pool_job *first;

	make_jobs(&j, 4, 4, NULL);
	first = pooljob_ref(pooljobs_current(&j));
	assert_int_equal(pooljobs_new_block(&j, (const uint8_t[32]){1, 2, 3}, NOW, NULL, 0), 0);
	assert_ptr_not_equal(pooljobs_current(&j), first);
	assert_int_equal(first->refs, 1);                 /* only ours left */
	assert_int_equal(first->seq + 1, pooljobs_current(&j)->seq);
	assert_int_equal(pooljobs_current(&j)->tpl.prevhash[2], 3);   /* the found block's hash */
	pooljob_unref(first);
	pooljobs_release(&j);
}

/* A getblocktemplate with these txids (display hex), as cJSON. */
static cJSON *gbt(const char *const *txids, size_t n, const char *commitment)
{
	cJSON *g = cJSON_CreateObject(), *txs = cJSON_AddArrayToObject(g, "transactions");

	cJSON_AddNumberToObject(g, "version", 536870912);
	cJSON_AddStringToObject(g, "previousblockhash",
		"0000000000000000000172014ba58d66455762add0512355ad651207918494ab");
	for (size_t i = 0; i < n; i++) {
		cJSON *tx = cJSON_CreateObject();

		cJSON_AddStringToObject(tx, "data", "0100");
		cJSON_AddStringToObject(tx, "txid", txids[i]);
		cJSON_AddStringToObject(tx, "hash", txids[i]);
		cJSON_AddItemToArray(txs, tx);
	}
	cJSON_AddNumberToObject(g, "coinbasevalue", 312506000);
	cJSON_AddStringToObject(g, "bits", "17034219");
	cJSON_AddNumberToObject(g, "curtime", 1713571767);
	cJSON_AddNumberToObject(g, "height", 840000);
	if (commitment)
		cJSON_AddStringToObject(g, "default_witness_commitment", commitment);
	return g;
}

static const char *const txids5[] = {
	"1111111111111111111111111111111111111111111111111111111111111101",
	"2222222222222222222222222222222222222222222222222222222222222202",
	"3333333333333333333333333333333333333333333333333333333333333303",
	"4444444444444444444444444444444444444444444444444444444444444404",
	"5555555555555555555555555555555555555555555555555555555555555505",
};

/* mbedTLS's SHA-256d of a || b. */
static void ref_node(const uint8_t a[32], const uint8_t b[32], uint8_t out[32])
{
	uint8_t both[64];

	memcpy(both, a, 32);
	memcpy(both + 32, b, 32);
	tu_ref_sha256d(both, 64, out);
}

static void internal(const char *display, uint8_t out[32])
{
	uint8_t d[32];

	tu_hex(display, d, 32);
	for (int i = 0; i < 32; i++)
		out[i] = d[31 - i];
}

static void test_gbt_branch(void **state)
{
	struct pool_jobs j;
	struct pool_job *job;
	cJSON *g = gbt(txids5, 3, NULL);
	uint8_t t[5][32], n23[32], n45[32], n4545[32], cb[32], left[32], root[32], want[32];

	for (int i = 0; i < 5; i++)
		internal(txids5[i], t[i]);
	/* Three transactions: leaves cb t1 t2 t3, branch t1, H(t2 t3). */
	make_jobs(&j, 4, 4, g);
	job = pooljobs_current(&j);
	ref_node(t[1], t[2], n23);
	assert_int_equal(job->tpl.nbranch, 2);
	assert_memory_equal(job->tpl.branch[0], t[0], 32);
	assert_memory_equal(job->tpl.branch[1], n23, 32);
	/* Folding the branch (work.h) gives the root of the whole tree. */
	tu_fill(cb, 32);
	work_merkle_root(cb, (const uint8_t (*)[32])job->tpl.branch, 2, root);
	ref_node(cb, t[0], left);
	ref_node(left, n23, want);
	assert_memory_equal(root, want, 32);
	pooljobs_release(&j);
	cJSON_Delete(g);

	/* Five: odd levels duplicate their last node. */
	g = gbt(txids5, 5, NULL);
	make_jobs(&j, 4, 4, g);
	job = pooljobs_current(&j);
	ref_node(t[3], t[4], n45);
	ref_node(n45, n45, n4545);
	assert_int_equal(job->tpl.nbranch, 3);
	assert_memory_equal(job->tpl.branch[0], t[0], 32);
	assert_memory_equal(job->tpl.branch[1], n23, 32);
	assert_memory_equal(job->tpl.branch[2], n4545, 32);
	pooljobs_release(&j);
	cJSON_Delete(g);

	/* None: an empty branch. */
	g = gbt(txids5, 0, NULL);
	make_jobs(&j, 4, 4, g);
	assert_int_equal(pooljobs_current(&j)->tpl.nbranch, 0);
	check_notify_text(pooljobs_current(&j));
	pooljobs_release(&j);
	cJSON_Delete(g);
}

static void test_block_100000_branch(void **state)
{
	const cJSON *v = tu_vector("merkle", "M_100000");
	const cJSON *b = cJSON_GetObjectItemCaseSensitive(v, "branch"), *it;
	uint8_t txid[32], branch[2][32], root[32], want[32];
	size_t n = 0;

	tu_hex(tu_str(v, "coinbase_txid_internal"), txid, 32);
	tu_hex(tu_str(v, "root_internal"), want, 32);
	cJSON_ArrayForEach(it, b)
		tu_hex(it->valuestring, branch[n++], 32);
	assert_int_equal(n, 2);
	work_merkle_root(txid, (const uint8_t (*)[32])branch, n, root);
	assert_memory_equal(root, want, 32);
}

static void test_gbt_coinbase(void **state)
{
	static const char commitment[] =
		"6a24aa21a9ede2f61c3f71d1defd3fa999dfa36953755c690689799962b48bebd836974e8cf9";
	cJSON *g = gbt(txids5, 3, commitment);
	struct pool_jobs j;
	const struct work_template *t;
	uint8_t script[38], value[8], prev[32];
	size_t end;

	make_jobs(&j, 4, 4, g);
	t = &pooljobs_current(&j)->tpl;
	check_coinbase(pooljobs_current(&j), 840000, 8, 2);
	assert_memory_equal(t->coinb1 + 42, "\x03\x40\xd1\x0c", 4);
	store_le32(value, 312506000);
	store_le32(value + 4, 0);
	assert_memory_equal(t->coinb2 + sizeof(tag) + 5, value, 8);
	/* The second output: value 0, the commitment script. */
	tu_hex(commitment, script, 38);
	end = t->coinb2_len - 4;
	assert_memory_equal(t->coinb2 + end - 38, script, 38);
	assert_int_equal(t->coinb2[end - 39], 38);
	assert_memory_equal(t->coinb2 + end - 47, "\0\0\0\0\0\0\0\0", 8);
	assert_int_equal(t->version, 536870912);
	assert_int_equal(t->nbits, 0x17034219);
	assert_int_equal(t->ntime, 1713571767);
	internal("0000000000000000000172014ba58d66455762add0512355ad651207918494ab", prev);
	assert_memory_equal(t->prevhash, prev, 32);
	check_notify_text(pooljobs_current(&j));
	/* The next block keeps the template's transactions and time, one higher. */
	assert_int_equal(pooljobs_new_block(&j, NULL, NOW + 5, NULL, 0), 0);
	t = &pooljobs_current(&j)->tpl;
	check_coinbase(pooljobs_current(&j), 840001, 8, 2);
	assert_int_equal(t->nbranch, 2);
	assert_int_equal(t->ntime, 1713571767 + 5);
	pooljobs_release(&j);
	cJSON_Delete(g);
}

/* The template with field `name` replaced by `json` (NULL: removed). */
static void expect_gbt_error(const char *name, const char *json, const char *want)
{
	cJSON *g = gbt(txids5, 3, NULL);
	struct pool_template t;
	char err[ERR_LEN];

	if (json)
		cJSON_ReplaceItemInObjectCaseSensitive(g, name, cJSON_Parse(json));
	else
		cJSON_DeleteItemFromObjectCaseSensitive(g, name);
	if (!pooljobs_parse_gbt(g, &t, err, sizeof(err)))
		fail_msg("template with %s = %s accepted", name, json ? json : "(none)");
	if (!strstr(err, want))
		fail_msg("error \"%s\" does not name %s", err, want);
	cJSON_Delete(g);
}

static void test_gbt_errors(void **state)
{
	struct pool_template t;
	char err[ERR_LEN];
	cJSON *g;

	expect_gbt_error("version", NULL, "missing field \"version\"");
	expect_gbt_error("version", "\"20000000\"", "\"version\"");
	expect_gbt_error("previousblockhash", "\"00ff\"", "\"previousblockhash\"");
	expect_gbt_error("previousblockhash", NULL, "\"previousblockhash\"");
	expect_gbt_error("transactions", "{}", "\"transactions\"");
	expect_gbt_error("transactions", "[{\"data\": \"00\", \"txid\": \"zz\"}]",
			 "\"transactions\"[0].txid");
	expect_gbt_error("transactions", "[{\"txid\": \"" "1111111111111111111111111111111111111111111111111111111111111101" "\"}]",
			 "\"transactions\"[0].data");
	expect_gbt_error("transactions", "[5]", "\"transactions\"[0]");
	expect_gbt_error("coinbasevalue", "-1", "\"coinbasevalue\"");
	expect_gbt_error("coinbasevalue", "1.5", "\"coinbasevalue\"");
	expect_gbt_error("bits", "\"zz\"", "\"bits\"");
	expect_gbt_error("bits", "\"01803456\"", "\"bits\"");      /* a negative target */
	expect_gbt_error("curtime", "\"now\"", "\"curtime\"");
	expect_gbt_error("height", NULL, "missing field \"height\"");
	expect_gbt_error("height", "-3", "\"height\"");
	g = gbt(txids5, 1, "6a24zz");
	assert_int_equal(pooljobs_parse_gbt(g, &t, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "\"default_witness_commitment\""));
	cJSON_Delete(g);
	g = cJSON_CreateArray();
	assert_int_equal(pooljobs_parse_gbt(g, &t, err, sizeof(err)), -1);
	assert_string_equal(err, "template: expected a JSON object");
	cJSON_Delete(g);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_height_script),
		cmocka_unit_test(test_synthetic_coinbase),
		cmocka_unit_test(test_job_references),
		cmocka_unit_test(test_gbt_branch),
		cmocka_unit_test(test_block_100000_branch),
		cmocka_unit_test(test_gbt_coinbase),
		cmocka_unit_test(test_gbt_errors),
	};

	return TU_RUN(tests);
}
