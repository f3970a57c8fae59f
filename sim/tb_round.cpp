// tb_round: the SHA-256 primitives against the host's C reference
// (host/sha256_round.h, host/sha256.c). Built four times: TB_WEXP 0 drives
// pm_sha256_round, TB_WEXP 1 pm_sha256_wexp; TB_CC 1 their chained forms.
// All are combinational, so each case is set-inputs-then-eval.
//
//   round: random states and words against SHA_ROUND, including the hand-on
//          of p = g + (K[t+1] + W[t+1]), and 64 chained rounds (p one round
//          early, K + W = 0 after the last) plus the feed-forward against
//          sha256_compress_portable() on random blocks
//   wexp:  random words against s1 + W + s0 + W, and W16..W63 of random
//          blocks against the C schedule
#include "tb_common.h"

extern "C" {
#include "sha256_round.h"
}

// TB_CC 1: the chained forms, pm_sha256_wexp_cc and pm_sha256_round_cc
// (the FULL engine's; rtl/chain/pm_addf.v as expressions, as Verilator sees it)
#if TB_WEXP && TB_CC
#include "Vpm_sha256_wexp_cc.h"
typedef Vpm_sha256_wexp_cc model;
#elif TB_WEXP
#include "Vpm_sha256_wexp.h"
typedef Vpm_sha256_wexp model;
#elif TB_CC
#include "Vpm_sha256_round_cc.h"
typedef Vpm_sha256_round_cc model;
#else
#include "Vpm_sha256_round.h"
typedef Vpm_sha256_round model;
#endif

static void schedule(const uint8_t block[64], uint32_t w[64])
{
	for (int t = 0; t < 16; t++)
		w[t] = load_be32(block + 4 * t);
	for (int t = 16; t < 64; t++)
		w[t] = SHA_s1(w[t - 2]) + w[t - 7] + SHA_s0(w[t - 15]) + w[t - 16];
}

#if TB_WEXP
static uint32_t wexp(model *m, uint32_t w2, uint32_t w7, uint32_t w15, uint32_t w16)
{
	m->i_w2 = w2;
	m->i_w7 = w7;
	m->i_w15 = w15;
	m->i_w16 = w16;
	m->eval();
	return m->o_w;
}

static void run(sim<model> &s, tap &t, rng &r)
{
	unsigned bad = 0, n = 20000;

	for (unsigned i = 0; i < n; i++) {
		uint32_t a = r.word(), b = r.word(), c = r.word(), d = r.word();

		bad += wexp(s.top.get(), a, b, c, d) != SHA_s1(a) + b + SHA_s0(c) + d;
	}
	t.check(bad == 0, "%u random steps equal s1(W[j-2]) + W[j-7] + s0(W[j-15]) + W[j-16] "
		"(%u differ)", n, bad);

	bad = 0;
	for (unsigned i = 0; i < 500; i++) {
		uint8_t block[64];
		uint32_t w[64], v[64];

		for (int k = 0; k < 64; k++)
			block[k] = (uint8_t)r.word();
		schedule(block, w);
		for (int k = 0; k < 16; k++)
			v[k] = w[k];
		for (int j = 16; j < 64; j++)
			v[j] = wexp(s.top.get(), v[j - 2], v[j - 7], v[j - 15], v[j - 16]);
		for (int j = 16; j < 64; j++)
			bad += v[j] != w[j];
	}
	t.check(bad == 0, "W16..W63 of 500 random blocks equal the C schedule (%u differ)", bad);
}
#else
struct state7 {
	uint32_t s[7], p;
};

static state7 round(model *m, const uint32_t st[7], uint32_t p, uint32_t kw)
{
	state7 out;

	for (int k = 0; k < 7; k++)
		m->i_state[6 - k] = st[k];
	m->i_p = p;
	m->i_kw = kw;
	m->eval();
	for (int k = 0; k < 7; k++)
		out.s[k] = m->o_state[6 - k];
	out.p = m->o_p;
	return out;
}

static void run(sim<model> &s, tap &t, rng &r)
{
	unsigned bad_state = 0, bad_p = 0, n = 20000;

	for (unsigned i = 0; i < n; i++) {
		uint32_t v[8], kw = r.word(), kw_next = r.word();

		for (auto &x : v)
			x = r.word();
		// the model: a..g and p = h + K + W
		state7 got = round(s.top.get(), v, v[7] + kw, kw_next);
		// the reference: SHA_ROUND leaves new a in h, new e in d
		uint32_t a = v[0], b = v[1], c = v[2], d = v[3], e = v[4], f = v[5], g = v[6], h = v[7];
		SHA_ROUND(a, b, c, d, e, f, g, h, kw);
		const uint32_t want[7] = {h, a, b, c, d, e, f};
		for (int k = 0; k < 7; k++)
			bad_state += got.s[k] != want[k];
		bad_p += got.p != g + kw_next;  // the new h is the old g
	}
	t.check(bad_state == 0, "%u random rounds: a..g equal SHA_ROUND given p = h + K + W "
		"(%u words differ)", n, bad_state);
	t.check(bad_p == 0, "%u random rounds: o_p = h' + K[t+1] + W[t+1] (%u differ)", n, bad_p);

	unsigned bad = 0, blocks = 1000;
	for (unsigned i = 0; i < blocks; i++) {
		uint8_t block[64];
		uint32_t w[64], h[8], ref[8];

		for (int k = 0; k < 64; k++)
			block[k] = (uint8_t)r.word();
		for (auto &x : h)
			x = r.word();
		memcpy(ref, h, sizeof(ref));
		sha256_compress_portable(ref, block);
		schedule(block, w);

		state7 st;
		memcpy(st.s, h, sizeof(st.s));
		st.p = h[7] + sha256_k[0] + w[0];       // p of round 0, computed ahead
		for (int tr = 0; tr < 64; tr++)
			st = round(s.top.get(), st.s, st.p,
				   tr < 63 ? sha256_k[tr + 1] + w[tr + 1] : 0);
		for (int k = 0; k < 7; k++)
			bad += h[k] + st.s[k] != ref[k];
		bad += h[7] + st.p != ref[7];           // with K + W = 0, p is h
	}
	t.check(bad == 0, "%u random blocks: 64 chained rounds with p one round early, then "
		"the feed-forward, equal sha256_compress_portable (%u words differ)", blocks, bad);
}
#endif

int main(int argc, char **argv)
{
	sim<model> s(argc, argv);
	tap t;
	rng r(0x7b0001 + TB_WEXP);

	run(s, t, r);
	return t.finish();
}
