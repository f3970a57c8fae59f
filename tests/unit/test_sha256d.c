/*
 * Unit tests: host/sha256d*.c, every scanning kernel this CPU supports
 * (variants of one path included) against mbedTLS's SHA-256d, over random
 * headers, ranges and filters, and on the real vectors.
 */
#include "testutil.h"

#include <stdlib.h>
#include <string.h>

#include "hex.h"
#include "sha256.h"
#include "sha256d.h"
#include "target.h"
#include "work.h"

#define MAX_FOUND 8192

/* Nonces in [start, start+count) whose hash has >= bits leading zero bits, by mbedTLS. */
static uint32_t ref_scan(const uint8_t header[80], uint32_t start, uint32_t count,
			 unsigned bits, uint32_t *out)
{
	uint8_t h[80], hash[32];
	uint32_t n = 0;

	memcpy(h, header, 80);
	for (uint32_t i = 0; i < count; i++) {
		store_le32(h + 76, start + i);
		tu_ref_sha256d(h, 80, hash);
		if (target_zero_bits(hash) >= bits)
			out[n++] = start + i;
	}
	return n;
}

/* Runs kernel k over the whole range, resuming after early stops. */
static uint32_t kernel_scan(const struct sha256d_kernel *k, const struct sha256d_job *job,
			    uint32_t start, uint32_t count, uint32_t *out, uint32_t cap)
{
	uint32_t total = 0, done = 0;

	while (done < count) {
		uint32_t nfound = 0, n;

		n = k->scan(job, start + done, count - done, out + total, cap, &nfound);
		assert_true(n > 0);
		assert_true(n <= count - done);
		total += nfound;
		done += n;
		cap -= nfound;
	}
	return total;
}

static void job_from_header(struct sha256d_job *job, const uint8_t header[80], unsigned bits)
{
	struct work w;

	work_from_header(&w, header);
	sha256d_job_init(job, w.midstate, w.tail, bits);
}

static void check_all_kernels(const uint8_t header[80], uint32_t start, uint32_t count,
			      unsigned bits)
{
	static uint32_t want[MAX_FOUND], got[MAX_FOUND];
	struct sha256d_job job;
	uint32_t nwant = ref_scan(header, start, count, bits, want);

	job_from_header(&job, header, bits);
	for (int i = 0; sha256d_kernels[i]; i++) {
		const struct sha256d_kernel *k = sha256d_kernels[i];
		uint32_t ngot;

		if (!sha256d_kernel_supported(k))
			continue;
		ngot = kernel_scan(k, &job, start, count, got, MAX_FOUND);
		if (ngot != nwant || memcmp(got, want, ngot * sizeof(*got)))
			fail_msg("kernel %s (%u lanes): %u nonces, mbedTLS %u (start %08x count %u bits %u)",
				 k->name, k->lanes, ngot, nwant, start, count, bits);
	}
}

static void test_kernels_vs_mbedtls_random_headers(void **state)
{
	tu_seed(11);
	for (int i = 0; i < 24; i++) {
		uint8_t header[80];
		uint32_t start = (uint32_t)tu_rand();
		uint32_t count = 4096 + (uint32_t)(tu_rand() % 41);

		tu_fill(header, sizeof(header));
		check_all_kernels(header, start, count, 8);
	}
}

static void test_kernels_every_filter_width(void **state)
{
	static const unsigned bits[] = {0, 1, 3, 7, 8, 9, 13, 16, 31, 32};
	uint8_t header[80];

	tu_seed(12);
	tu_fill(header, sizeof(header));
	for (size_t i = 0; i < sizeof(bits) / sizeof(bits[0]); i++)
		check_all_kernels(header, 0x40000000u, bits[i] < 4 ? 600 : 3000, bits[i]);
}

static void test_kernels_partial_vectors_and_wraparound(void **state)
{
	uint8_t header[80];

	tu_seed(13);
	tu_fill(header, sizeof(header));
	for (uint32_t count = 1; count <= 40; count++)
		check_all_kernels(header, 0xffffffffu - count / 2, count, 2);
	check_all_kernels(header, 0xfffffe00u, 0x400, 6);
}

static void test_kernels_stop_when_found_is_full(void **state)
{
	uint8_t header[80];
	struct sha256d_job job;

	tu_seed(14);
	tu_fill(header, sizeof(header));
	job_from_header(&job, header, 0); /* every nonce passes */
	for (int i = 0; sha256d_kernels[i]; i++) {
		const struct sha256d_kernel *k = sha256d_kernels[i];
		uint32_t found[64], nfound = 0, n;

		if (!sha256d_kernel_supported(k))
			continue;
		n = k->scan(&job, 1000, 100000, found, 64, &nfound);
		assert_int_equal(nfound, n);
		assert_true(n <= 64 && n >= 64 - 2 * k->lanes);
		for (uint32_t j = 0; j < n; j++)
			assert_int_equal(found[j], 1000 + j);
	}
}

/* A real block: the nonce is found alone at 32 zero bits, a few thousand in. */
static void check_real_nonce(const uint32_t mid[8], const uint32_t tail[3], uint32_t nonce)
{
	struct sha256d_job job;

	sha256d_job_init(&job, mid, tail, 32);
	assert_int_equal(sha256d_job_h7(&job, nonce), 0);
	for (int i = 0; sha256d_kernels[i]; i++) {
		const struct sha256d_kernel *k = sha256d_kernels[i];
		uint32_t found[64], nfound = 0;

		if (!sha256d_kernel_supported(k))
			continue;
		assert_int_equal(k->scan(&job, nonce - 3000, 6001, found, 64, &nfound), 6001);
		if (nfound != 1 || found[0] != nonce)
			fail_msg("kernel %s: expected only nonce %08x, found %u", k->name, nonce, nfound);
	}
}

static void test_kernels_find_real_block_nonces(void **state)
{
	static const char *const ids[] = {"H0_genesis", "H1_125552"};

	for (int i = 0; i < 2; i++) {
		const cJSON *v = tu_vector("headers", ids[i]);
		uint8_t header[80];
		struct work w;

		tu_hex(tu_str(v, "header_hex"), header, 80);
		work_from_header(&w, header);
		check_real_nonce(w.midstate, w.tail, tu_word(tu_str(v, "fields.nonce")));
	}
}

static void test_kernels_find_cgminer_golden_nonce(void **state)
{
	/* cgminer's Icarus detection work: only midstate and tail are public. */
	const cJSON *v = tu_vector("icarus", "I_cgminer_golden_171874");
	const cJSON *words = cJSON_GetObjectItemCaseSensitive(
		cJSON_GetObjectItemCaseSensitive(v, "decoded"), "midstate_words");
	uint32_t mid[8], tail[3];
	uint8_t b[4];

	for (int w = 0; w < 8; w++)
		mid[w] = tu_word(cJSON_GetArrayItem(words, w)->valuestring);
	tu_hex(tu_str(v, "decoded.merkle_root_tail_internal"), b, 4);
	tail[0] = load_be32(b);
	tail[1] = __builtin_bswap32(tu_word(tu_str(v, "decoded.ntime")));
	tail[2] = __builtin_bswap32(tu_word(tu_str(v, "decoded.nbits")));
	check_real_nonce(mid, tail, tu_word(tu_str(v, "header_nonce_value")));
}

static void test_job_h7_reference(void **state)
{
	tu_seed(15);
	for (int i = 0; i < 500; i++) {
		uint8_t header[80], hash[32];
		struct sha256d_job job;

		tu_fill(header, sizeof(header));
		job_from_header(&job, header, 32);
		tu_ref_sha256d(header, 80, hash);
		assert_int_equal(sha256d_job_h7(&job, load_le32(header + 76)), load_be32(hash + 28));
	}
}

static void test_h7_mask_matches_zero_bits(void **state)
{
	tu_seed(16);
	assert_int_equal(sha256d_h7_mask(0), 0);
	assert_int_equal(sha256d_h7_mask(8), 0x000000ff);
	assert_int_equal(sha256d_h7_mask(12), 0x0000f0ff);
	assert_int_equal(sha256d_h7_mask(32), 0xffffffff);
	for (unsigned bits = 0; bits <= 32; bits++) {
		for (int i = 0; i < 2000; i++) {
			uint8_t hash[32] = {0};
			uint32_t h7 = (uint32_t)tu_rand() >> (tu_rand() % 32);

			hash[0] = 1; /* below H7: never matters for <= 32 bits */
			store_be32(hash + 28, h7);
			assert_int_equal((h7 & sha256d_h7_mask(bits)) == 0,
					 target_zero_bits(hash) >= bits);
		}
	}
}

static void test_kernel_lookup(void **state)
{
	const struct sha256d_kernel *best = sha256d_kernel_best();

	assert_non_null(best);
	assert_true(sha256d_kernel_supported(best));
	assert_non_null(sha256d_kernel_find("portable"));
	assert_null(sha256d_kernel_find("nonexistent"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_kernels_vs_mbedtls_random_headers),
		cmocka_unit_test(test_kernels_every_filter_width),
		cmocka_unit_test(test_kernels_partial_vectors_and_wraparound),
		cmocka_unit_test(test_kernels_stop_when_found_is_full),
		cmocka_unit_test(test_kernels_find_real_block_nonces),
		cmocka_unit_test(test_kernels_find_cgminer_golden_nonce),
		cmocka_unit_test(test_job_h7_reference),
		cmocka_unit_test(test_h7_mask_matches_zero_bits),
		cmocka_unit_test(test_kernel_lookup),
	};

	return TU_RUN(tests);
}
