/*
 * tb_work: work units for the hashing benches (tb_engine, tb_core): the
 * real vectors of tests/vectors/bitcoin.json (read from the file),
 * random work, driving the per-work ports of a model, and the host's C
 * reference: sha256d_job_init() for state3 (the host's rounds 0..2), the
 * portable scanning kernel for the set of nonces a filter passes, and
 * sha256d_job_h7() / sha256d() for H7 computed without any SHA-256d saving.
 */
#ifndef PIPEMINER_TB_WORK_H
#define PIPEMINER_TB_WORK_H

#include <cstring>
#include <string>
#include <vector>

#include <cjson/cJSON.h>

#include "tb_common.h"

struct unit {
	std::string name = "random";
	uint32_t mid[8] = {0}, tail[3] = {0};
	uint32_t nonce = 0;             // a real vector's winning nonce (value)
	bool has_header = false;
	uint8_t header[80] = {0};       // real headers only (nonce in 76..79)
	struct sha256d_job job;

	void prepare(unsigned zero_bits) { sha256d_job_init(&job, mid, tail, zero_bits); }

	/* The model's per-work ports: H0 / a / W0 in the top word. */
	template <class M> void drive(M *top) const
	{
		for (int k = 0; k < 8; k++) {
			top->i_midstate[7 - k] = mid[k];
			top->i_state3[7 - k] = job.r3[k];
		}
		for (int k = 0; k < 3; k++)
			top->i_tail[2 - k] = tail[k];
	}

	/* Nonces in [first, first + count) (mod 2^32) passing zero_bits. */
	std::vector<uint32_t> reference(uint32_t first, uint64_t count) const
	{
		const struct sha256d_kernel *k = sha256d_kernel_find("portable");
		std::vector<uint32_t> found;
		uint32_t buf[64];

		while (count) {
			uint32_t n = 0, chunk = count > 0x40000000u ? 0x40000000u : (uint32_t)count;
			uint32_t done = k->scan(&job, first, chunk, buf, 64, &n);

			found.insert(found.end(), buf, buf + n);
			first += done;
			count -= done;
		}
		return found;
	}

	/* H7 of the full double hash, no shortcut: from the midstate, all rounds. */
	uint32_t h7(uint32_t nonce_value) const { return sha256d_job_h7(&job, nonce_value); }

	/* H7 from sha256d() of the whole 80-byte header (real headers). */
	uint32_t header_h7(uint32_t nonce_value) const
	{
		uint8_t h[80], d[32];

		memcpy(h, header, 80);
		store_le32(h + 76, nonce_value);
		sha256d(h, 80, d);
		return load_be32(d + 28);
	}
};

static inline unit work_from_header_hex(const std::string &name, const char *hex)
{
	unit w;
	char err[128];

	w.name = name;
	if (hex_decode_exact(hex, w.header, 80, err, sizeof(err)) != 0) {
		fprintf(stderr, "tests/vectors/bitcoin.json: %s: header_hex: %s\n", name.c_str(), err);
		exit(2);
	}
	w.has_header = true;
	sha256_midstate(w.header, w.mid);
	for (int k = 0; k < 3; k++)
		w.tail[k] = load_be32(w.header + 64 + 4 * k);
	w.nonce = load_le32(w.header + 76);
	return w;
}

static inline const char *vec_str(const cJSON *o, const char *a, const char *b = nullptr)
{
	const cJSON *x = cJSON_GetObjectItemCaseSensitive(o, a);

	if (b)
		x = cJSON_GetObjectItemCaseSensitive(x, b);
	if (!cJSON_IsString(x)) {
		fprintf(stderr, "tests/vectors/bitcoin.json: no string %s%s%s\n", a, b ? "." : "",
			b ? b : "");
		exit(2);
	}
	return x->valuestring;
}

static inline uint32_t vec_word(const char *hex)
{
	uint32_t v;

	if (hex_to_u32be(hex, &v, NULL, 0)) {
		fprintf(stderr, "tests/vectors/bitcoin.json: \"%s\" is not 8 hex digits\n", hex);
		exit(2);
	}
	return v;
}

/*
 * The real vectors, from tests/vectors/bitcoin.json (read relative to the
 * repository root, where tests/run.sh runs the benches): every whole header
 * (genesis, nonce 0x7c2bac1d; block 125552, nonce 0x9546a142) and cgminer's
 * Icarus golden work (block 171874: midstate and tail only; nonce value
 * 0xa2870100, 0x000187a2 in cgminer's byte order). Exits (2) when the file
 * cannot be read.
 */
static inline std::vector<unit> real_vectors()
{
	const char *path = "tests/vectors/bitcoin.json";
	std::vector<unit> v;
	std::string text;
	char buf[4096];
	size_t n;
	FILE *f = fopen(path, "rb");

	if (!f) {
		fprintf(stderr, "%s: cannot open (run from the repository root)\n", path);
		exit(2);
	}
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
		text.append(buf, n);
	fclose(f);
	cJSON *root = cJSON_Parse(text.c_str());
	if (!root) {
		fprintf(stderr, "%s: not JSON\n", path);
		exit(2);
	}
	const cJSON *h;
	cJSON_ArrayForEach(h, cJSON_GetObjectItemCaseSensitive(root, "headers"))
		v.push_back(work_from_header_hex(vec_str(h, "id"), vec_str(h, "header_hex")));
	cJSON_ArrayForEach(h, cJSON_GetObjectItemCaseSensitive(root, "icarus")) {
		unit g;
		const cJSON *words = cJSON_GetObjectItemCaseSensitive(
			cJSON_GetObjectItemCaseSensitive(h, "decoded"), "midstate_words");

		g.name = vec_str(h, "id");
		for (int k = 0; k < 8; k++)
			g.mid[k] = vec_word(cJSON_GetArrayItem(words, k)->valuestring);
		// the tail is header bytes 64..75 as big-endian words: the merkle
		// root's last four bytes as they sit, then ntime and nbits (little-
		// endian in the header)
		g.tail[0] = vec_word(vec_str(h, "decoded", "merkle_root_tail_internal"));
		g.tail[1] = __builtin_bswap32(vec_word(vec_str(h, "decoded", "ntime")));
		g.tail[2] = __builtin_bswap32(vec_word(vec_str(h, "decoded", "nbits")));
		g.nonce = vec_word(vec_str(h, "header_nonce_value"));
		v.push_back(g);
	}
	cJSON_Delete(root);
	if (v.size() < 3) {
		fprintf(stderr, "%s: expected at least 3 golden vectors, found %zu\n", path, v.size());
		exit(2);
	}
	return v;
}

static inline unit random_work(rng &r)
{
	unit w;

	for (auto &m : w.mid)
		m = r.word();
	for (auto &t : w.tail)
		t = r.word();
	return w;
}

#endif
