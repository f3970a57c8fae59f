/*
 * tb_work: work units for the hashing benches (tb_engine, tb_core): the
 * real vectors of tests/vectors/bitcoin.json (hard-coded here, each named),
 * random work, driving the per-work ports of a model, and the host's C
 * reference: sha256d_job_init() for state3 (the host's rounds 0..2), the
 * portable scanning kernel for the set of nonces a filter passes, and
 * sha256d_job_h7() / sha256d() for H7 computed without any SHA-256d saving.
 */
#ifndef PIPEMINER_TB_WORK_H
#define PIPEMINER_TB_WORK_H

#include <cstring>
#include <vector>

#include "tb_common.h"

struct unit {
	const char *name = "random";
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

static inline unit work_from_header_hex(const char *name, const char *hex)
{
	unit w;

	w.name = name;
	if (hex_decode_exact(hex, w.header, 80, NULL, 0) != 0) {
		fprintf(stderr, "bad header hex for %s\n", name);
		exit(2);
	}
	w.has_header = true;
	sha256_midstate(w.header, w.mid);
	for (int k = 0; k < 3; k++)
		w.tail[k] = load_be32(w.header + 64 + 4 * k);
	w.nonce = load_le32(w.header + 76);
	return w;
}

/* The three real vectors (tests/vectors/bitcoin.json). */
static inline std::vector<unit> real_vectors()
{
	std::vector<unit> v;

	/* headers[H0_genesis]: the genesis block, nonce 0x7c2bac1d */
	v.push_back(work_from_header_hex("genesis",
		"0100000000000000000000000000000000000000000000000000000000000000"
		"000000003ba3edfd7a7b12b27ac72c3e67768f617fc81bc3888a51323a9fb8aa"
		"4b1e5e4a29ab5f49ffff001d1dac2b7c"));
	/* headers[H1_125552]: block 125552, nonce 0x9546a142 */
	v.push_back(work_from_header_hex("block 125552",
		"0100000081cd02ab7e569e8bcd9317e2fe99f2de44d49ab2b8851ba4a3080000"
		"00000000e320b6c2fffc8d750423db8b1eb942ae710e951ed797f7affc8892b0"
		"f1fc122bc7f5d74df2b9441a42a14695"));
	/*
	 * icarus[I_cgminer_golden_171874]: cgminer's golden work, midstate and
	 * tail only (merkle tail, ntime, nbits as header words); the nonce value
	 * 0xa2870100 is 0x000187a2 in cgminer's byte order.
	 */
	unit g;
	static const uint32_t mid[8] = {0xe48f544a, 0x9a3afa71, 0x45147113, 0x4df6c356,
					0x82b40025, 0x4bfe0860, 0xc99876bf, 0x4679ba4e};
	g.name = "cgminer golden";
	memcpy(g.mid, mid, sizeof(mid));
	g.tail[0] = 0x2fa722ce;
	g.tail[1] = 0x1426674f;
	g.tail[2] = 0x87320b1a;
	g.nonce = 0xa2870100;
	v.push_back(g);
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
