/*
 * Unit tests: host/work.c on the real Stratum and merkle vectors, and the
 * classic byte-order mistakes, each shown to give a wrong hash.
 */
#include "testutil.h"

#include <stdlib.h>
#include <string.h>

#include "hex.h"
#include "notify.h"
#include "sha256.h"
#include "work.h"

/* The template of a stratum vector, with its extranonce1 and size. */
static void load_template(const cJSON *v, struct work_template *t, uint8_t *en2)
{
	const cJSON *n = cJSON_GetObjectItemCaseSensitive(v, "notify"), *b;
	uint8_t prev[32];
	size_t len;

	memset(t, 0, sizeof(*t));
	tu_hex(tu_str(n, "prevhash"), prev, 32);
	work_prevhash_swap(prev, t->prevhash);
	len = strlen(tu_str(n, "coinb1")) / 2;
	t->coinb1 = malloc(len + 1);
	tu_hex(tu_str(n, "coinb1"), t->coinb1, len);
	t->coinb1_len = len;
	len = strlen(tu_str(n, "coinb2")) / 2;
	t->coinb2 = malloc(len + 1);
	tu_hex(tu_str(n, "coinb2"), t->coinb2, len);
	t->coinb2_len = len;
	cJSON_ArrayForEach(b, cJSON_GetObjectItemCaseSensitive(n, "merkle_branch"))
		tu_hex(b->valuestring, t->branch[t->nbranch++], 32);
	t->version = tu_word(tu_str(n, "version"));
	t->nbits = tu_word(tu_str(n, "nbits"));
	t->ntime = tu_word(tu_str(n, "ntime"));
	t->extranonce1_len = strlen(tu_str(v, "subscribe_result.extranonce1")) / 2;
	tu_hex(tu_str(v, "subscribe_result.extranonce1"), t->extranonce1, t->extranonce1_len);
	t->extranonce2_len = (size_t)tu_num(v, "subscribe_result.extranonce2_size");
	tu_hex(tu_str(v, "submit.extranonce2"), en2, t->extranonce2_len);
	work_template_prepare(t);
}

static const char *const share_ids[] = {"S_espminer_share_683", "S_100000_constructed"};

static void test_coinbase_merkle_header_hash(void **state)
{
	for (int i = 0; i < 2; i++) {
		const cJSON *v = tu_vector("stratum", share_ids[i]);
		struct work_template t;
		uint8_t en2[WORK_MAX_EXTRANONCE], txid[32], root[32], header[80], hash[32];
		uint8_t want[80], *cb, *want_cb;
		size_t cblen;
		char disp[65];

		load_template(v, &t, en2);
		cblen = work_coinbase_len(&t);
		assert_int_equal(cblen * 2, strlen(tu_str(v, "expected.coinbase_hex")));
		cb = malloc(cblen);
		want_cb = malloc(cblen);
		work_coinbase(&t, en2, cb);
		tu_hex(tu_str(v, "expected.coinbase_hex"), want_cb, cblen);
		assert_memory_equal(cb, want_cb, cblen);

		work_coinbase_hash(&t, en2, txid);
		tu_hex(tu_str(v, "expected.coinbase_txid_internal"), want, 32);
		assert_memory_equal(txid, want, 32);
		tu_ref_sha256d(cb, cblen, want);        /* the prefix shortcut agrees */
		assert_memory_equal(txid, want, 32);

		work_merkle_root(txid, (const uint8_t (*)[32])t.branch, t.nbranch, root);
		tu_hex(tu_str(v, "expected.merkle_root_internal"), want, 32);
		assert_memory_equal(root, want, 32);

		work_header(&t, root, t.version, tu_word(tu_str(v, "submit.ntime")),
			    tu_word(tu_str(v, "submit.nonce")), header);
		tu_hex(tu_str(v, "expected.header_hex"), want, 80);
		assert_memory_equal(header, want, 80);

		sha256d(header, 80, hash);
		hex_encode_reversed(disp, hash, 32);
		assert_string_equal(disp, tu_str(v, "expected.hash_display"));
		free(cb);
		free(want_cb);
		work_template_release(&t);
	}
}

static void test_merkle_vectors(void **state)
{
	static const char *const ids[] = {"M0_genesis", "M_100000", "M_espminer_unit_12"};

	for (int i = 0; i < 3; i++) {
		const cJSON *v = tu_vector("merkle", ids[i]), *b;
		uint8_t txid[32], root[32], want[32], branch[WORK_MAX_BRANCHES][32];
		size_t n = 0;

		if (cJSON_GetObjectItemCaseSensitive(v, "coinbase_tx_hex")) {
			const char *hex = tu_str(v, "coinbase_tx_hex");
			size_t len = strlen(hex) / 2;
			uint8_t *tx = malloc(len);

			tu_hex(hex, tx, len);
			sha256d(tx, len, txid);
			free(tx);
			tu_hex(tu_str(v, "coinbase_txid_internal"), want, 32);
			assert_memory_equal(txid, want, 32);
		} else {
			tu_hex(tu_str(v, "coinbase_txid_internal"), txid, 32);
		}
		cJSON_ArrayForEach(b, cJSON_GetObjectItemCaseSensitive(v, "branch"))
			tu_hex(b->valuestring, branch[n++], 32);
		work_merkle_root(txid, (const uint8_t (*)[32])branch, n, root);
		tu_hex(tu_str(v, "root_internal"), want, 32);
		assert_memory_equal(root, want, 32);
	}
}

static void test_midstate_and_tail_forms(void **state)
{
	static const char *const ids[] = {"H0_genesis", "H1_125552"};

	for (int i = 0; i < 2; i++) {
		const cJSON *v = tu_vector("headers", ids[i]);
		uint8_t header[80], tail[12], be[32], le[32], want[32];
		struct work w;

		tu_hex(tu_str(v, "header_hex"), header, 80);
		work_from_header(&w, header);
		for (int k = 0; k < 3; k++)
			store_be32(tail + 4 * k, w.tail[k]);
		tu_hex(tu_str(v, "tail_header_order"), want, 12);
		assert_memory_equal(tail, want, 12);
		for (int k = 0; k < 8; k++) {
			store_be32(be + 4 * k, w.midstate[k]);
			store_le32(le + 4 * k, w.midstate[k]);
		}
		tu_hex(tu_str(v, "midstate_be_per_word"), want, 32);
		assert_memory_equal(be, want, 32);
		tu_hex(tu_str(v, "midstate_le_per_word"), want, 32);
		assert_memory_equal(le, want, 32);
		/* work_hash puts the nonce back little-endian. */
		work_hash(&w, load_le32(header + 76), want);
		tu_hex(tu_str(v, "hash_internal"), be, 32);
		assert_memory_equal(want, be, 32);
	}
}

static void test_prevhash_word_swap(void **state)
{
	/* stratum.md 4: the ESP-Miner share's prevhash, notify form vs display form. */
	uint8_t notify[32], header_order[32], disp[32], back[32];

	tu_hex("0c859545a3498373a57452fac22eb7113df2a465000543520000000000000000", notify, 32);
	tu_hex("0000000000000000000543523df2a465c22eb711a57452faa34983730c859545", disp, 32);
	work_prevhash_swap(notify, header_order);
	for (int i = 0; i < 32; i++)
		assert_int_equal(header_order[i], disp[31 - i]);
	work_prevhash_swap(header_order, back);
	assert_memory_equal(back, notify, 32);
}

/*
 * The classic mistakes (stratum.md 6.2). Each builds the header of the
 * 100000-block share the wrong way; each must miss the real hash.
 */
enum mistake {
	OK,
	NONCE_NOT_SWAPPED,
	PREVHASH_NOT_WORD_SWAPPED,
	PREVHASH_FULLY_REVERSED,
	MERKLE_ROOT_REVERSED,
	VERSION_COPIED_AS_TEXT,
	NTIME_COPIED_AS_TEXT,
	NBITS_COPIED_AS_TEXT,
	BRANCH_ENTRIES_REVERSED,
	EXTRANONCES_SWAPPED,
};

static const char *const mistake_names[] = {
	[OK] = "correct",
	[NONCE_NOT_SWAPPED] = "nonce copied without byte swap",
	[PREVHASH_NOT_WORD_SWAPPED] = "prevhash not word-swapped",
	[PREVHASH_FULLY_REVERSED] = "prevhash fully reversed",
	[MERKLE_ROOT_REVERSED] = "merkle root reversed",
	[VERSION_COPIED_AS_TEXT] = "version copied as text",
	[NTIME_COPIED_AS_TEXT] = "ntime copied as text",
	[NBITS_COPIED_AS_TEXT] = "nbits copied as text",
	[BRANCH_ENTRIES_REVERSED] = "merkle branch entries reversed",
	[EXTRANONCES_SWAPPED] = "extranonce2 before extranonce1",
};

static void build_with(enum mistake m, uint8_t hash[32])
{
	const cJSON *v = tu_vector("stratum", "S_100000_constructed");
	struct work_template t;
	uint8_t en2[WORK_MAX_EXTRANONCE], txid[32], root[32], header[80], notify_prev[32];
	uint32_t ntime = tu_word(tu_str(v, "submit.ntime"));
	uint32_t nonce = tu_word(tu_str(v, "submit.nonce"));

	load_template(v, &t, en2);
	if (m == BRANCH_ENTRIES_REVERSED)
		for (size_t b = 0; b < t.nbranch; b++)
			for (int i = 0; i < 16; i++) {
				uint8_t x = t.branch[b][i];

				t.branch[b][i] = t.branch[b][31 - i];
				t.branch[b][31 - i] = x;
			}
	if (m == EXTRANONCES_SWAPPED) {
		uint8_t tmp[WORK_MAX_EXTRANONCE];

		memcpy(tmp, t.extranonce1, t.extranonce1_len);
		memcpy(t.extranonce1, en2, t.extranonce2_len);
		memcpy(en2, tmp, t.extranonce1_len);
		work_template_prepare(&t);
	}
	work_coinbase_hash(&t, en2, txid);
	work_merkle_root(txid, (const uint8_t (*)[32])t.branch, t.nbranch, root);
	work_header(&t, root, t.version, ntime, nonce, header);
	tu_hex(tu_str(v, "notify.prevhash"), notify_prev, 32);
	switch (m) {
	case NONCE_NOT_SWAPPED: store_be32(header + 76, nonce); break;
	case PREVHASH_NOT_WORD_SWAPPED: memcpy(header + 4, notify_prev, 32); break;
	case PREVHASH_FULLY_REVERSED:
		for (int i = 0; i < 32; i++)
			header[4 + i] = notify_prev[31 - i];
		break;
	case MERKLE_ROOT_REVERSED:
		for (int i = 0; i < 32; i++)
			header[36 + i] = root[31 - i];
		break;
	case VERSION_COPIED_AS_TEXT: store_be32(header, t.version); break;
	case NTIME_COPIED_AS_TEXT: store_be32(header + 68, ntime); break;
	case NBITS_COPIED_AS_TEXT: store_be32(header + 72, t.nbits); break;
	default: break;
	}
	sha256d(header, 80, hash);
	work_template_release(&t);
}

static void test_byte_order_mistakes_give_wrong_hashes(void **state)
{
	uint8_t good[32], bad[32], want[32];

	tu_hex(tu_str(tu_vector("stratum", "S_100000_constructed"), "expected.hash_display"),
	       want, 32);
	for (int i = 0; i < 16; i++) {
		uint8_t x = want[i];

		want[i] = want[31 - i];
		want[31 - i] = x;
	}
	build_with(OK, good);
	assert_memory_equal(good, want, 32);
	for (int m = NONCE_NOT_SWAPPED; m <= EXTRANONCES_SWAPPED; m++) {
		char hex[65];

		build_with(m, bad);
		hex_encode_reversed(hex, bad, 32);
		if (!memcmp(bad, want, 32))
			fail_msg("mistake \"%s\" still gave the real hash", mistake_names[m]);
		print_message("# %-32s -> %s (wrong, as it must be)\n", mistake_names[m], hex);
	}
}

static void test_ntime_roll_keeps_midstate(void **state)
{
	const cJSON *v = tu_vector("headers", "H0_genesis");
	uint8_t header[80], a[32], b[32];
	uint32_t mid[8];
	struct work w;

	tu_hex(tu_str(v, "header_hex"), header, 80);
	work_from_header(&w, header);
	memcpy(mid, w.midstate, sizeof(mid));
	work_set_ntime(&w, 0x495fab2a);
	assert_memory_equal(w.midstate, mid, sizeof(mid));
	assert_int_equal(w.tail[1], 0x2aab5f49);
	store_le32(header + 68, 0x495fab2a);
	tu_ref_sha256d(header, 80, a);
	work_hash(&w, load_le32(header + 76), b);
	assert_memory_equal(a, b, 32);
}

static void test_version_rolling(void **state)
{
	const uint32_t mask = 0x1fffe000;

	assert_int_equal(work_version_roll(0x20000004, mask, 0x00002000), 0x20002004);
	assert_int_equal(work_version_roll(0x20000004, mask, 0xe0001fff), 0x20000004);
	assert_int_equal(work_version_roll(0x3fffe004, mask, 0), 0x20000004);
	assert_int_equal(work_version_bits(mask, 0), 0);
	assert_int_equal(work_version_bits(mask, 1), 0x2000);
	assert_int_equal(work_version_bits(mask, 3), 0x6000);
	assert_int_equal(work_version_bits(mask, 0xffff), mask);
	assert_int_equal(work_version_bits(0x00003000, 2), 0x2000);
	/* Every rolled version has its own midstate, equal to a fresh one. */
	{
		const cJSON *v = tu_vector("stratum", "S_espminer_share_683");
		uint8_t header[80];
		uint32_t first[8];

		tu_hex(tu_str(v, "expected.header_hex"), header, 80);
		for (uint32_t c = 0; c < 8; c++) {
			uint32_t ver = work_version_roll(0x20000004, mask, work_version_bits(mask, c));
			uint32_t mid[8], ref[8];
			struct work w;

			store_le32(header, ver);
			work_from_header(&w, header);
			tu_ref_compress(sha256_iv, header, ref);
			sha256_midstate(header, mid);
			assert_memory_equal(w.midstate, ref, sizeof(ref));
			if (c == 0)
				memcpy(first, mid, sizeof(first));
			else
				assert_memory_not_equal(mid, first, sizeof(first));
		}
	}
}

static void test_extranonce2_counter(void **state)
{
	uint8_t b[12], want[12];

	work_extranonce2(1, b, 4);
	tu_hex("01000000", want, 4);
	assert_memory_equal(b, want, 4);
	work_extranonce2(0x0102, b, 8);
	tu_hex("0201000000000000", want, 8);
	assert_memory_equal(b, want, 8);
	work_extranonce2(0x1122334455667788ull, b, 12);
	tu_hex("887766554433221100000000", want, 12);
	assert_memory_equal(b, want, 12);
	work_extranonce2(0x1234, b, 1);
	assert_int_equal(b[0], 0x34);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_coinbase_merkle_header_hash),
		cmocka_unit_test(test_merkle_vectors),
		cmocka_unit_test(test_midstate_and_tail_forms),
		cmocka_unit_test(test_prevhash_word_swap),
		cmocka_unit_test(test_byte_order_mistakes_give_wrong_hashes),
		cmocka_unit_test(test_ntime_roll_keeps_midstate),
		cmocka_unit_test(test_version_rolling),
		cmocka_unit_test(test_extranonce2_counter),
	};

	return TU_RUN(tests);
}
