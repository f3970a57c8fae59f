// tb_engine: one SHA-256d engine (rolled, a ring of TB_STAGES stages, or
// the full pipeline; TB_KIND 0/1/2 picks the model, and TB_LINES the ring
// with its message window in delay lines) against the host's C
// reference: its pipeline contract (LATENCY, CYCLES), the three real
// vectors at zero_bits 32 started thousands of nonces early, random work at
// a low filter (the reported set equals the portable kernel's), H7 of every
// hashed nonce against the double hash computed without the savings, and a
// flush with nonces in flight.
#include <algorithm>
#include <set>
#include <vector>

#include "tb_work.h"

#if TB_KIND == 0
#include "Vpm_engine_rolled.h"
typedef Vpm_engine_rolled model;
static const char *const KIND = "rolled";
#elif TB_KIND == 1 && defined(TB_LINES)
#include "Vpm_engine_lines.h"
typedef Vpm_engine_lines model;
static const char *const KIND = "unrolled, lines";
#elif TB_KIND == 1
#include "Vpm_engine_unrolled.h"
typedef Vpm_engine_unrolled model;
static const char *const KIND = "unrolled";
#else
#include "Vpm_engine_full.h"
typedef Vpm_engine_full model;
static const char *const KIND = "full";
#endif
#ifndef TB_STAGES
#define TB_STAGES 1
#endif
#ifdef TB_LINES
static const unsigned LINES = 1;    // its H7 test takes two cycles
#else
static const unsigned LINES = 0;
#endif

// The contract (rtl/pm_engine_shape.vh), restated: the bench checks the RTL
// against these numbers, so a change to one without the other fails here.
static const unsigned S = TB_STAGES;
static const unsigned P1 = (60 + S) / S;
static const unsigned CYCLES = TB_KIND == 0 ? 124 : TB_KIND == 1 ? 2 * P1 : 1;
static const unsigned LATENCY = TB_KIND == 0 ? 248 : TB_KIND == 1 ?
	(P1 + 60 / S) * (S + 1) + 60 % S + 2 + LINES : 123;
// nonces accepted back to back before the engine is full (a ring's slots)
static const unsigned GROUP = TB_KIND == 1 ? S + 1 : TB_KIND == 0 ? 2 : 1;

struct done_rec {
	uint32_t nonce, h7;
	bool found;
	uint64_t edge;
};

struct bench {
	sim<model> s;
	std::vector<uint64_t> accepts;  // edge of each accepted nonce, in order
	std::vector<done_rec> dones;
	uint64_t edges = 0, mispredicted = 0;   // o_ready_next against o_ready

	bench(int argc, char **argv) : s(argc, argv)
	{
		s.top->i_rst = 1;
		s.top->i_flush = 0;
		s.top->i_valid = 0;
		s.tick();
		s.tick();
		s.top->i_rst = 0;
	}

	void set_work(const unit &w, unsigned zero_bits)
	{
		w.drive(s.top.get());
		s.top->i_mask = sha256d_h7_mask(zero_bits);
	}

	// One edge; nonce != nullptr offers it. Returns whether it was taken.
	bool step(const uint32_t *nonce)
	{
		bool taken = nonce && s.top->o_ready;

		s.top->i_valid = nonce != nullptr;
		s.top->i_nonce = nonce ? *nonce : 0;
		s.eval();
		bool foretold = s.top->o_ready_next;
		s.tick();
		edges++;
		mispredicted += foretold != (s.top->o_ready != 0);
		if (taken)
			accepts.push_back(s.cycles);
		if (s.top->o_done)
			dones.push_back({s.top->o_nonce, s.top->o_h7, s.top->o_found != 0, s.cycles});
		return taken;
	}

	void flush()
	{
		s.top->i_flush = 1;
		step(nullptr);
		s.top->i_flush = 0;
	}

	// Hashes first .. first + count - 1 and waits for all of them.
	void run(uint32_t first, uint32_t count)
	{
		size_t want = dones.size() + count;
		uint64_t limit = s.cycles + (uint64_t)count * CYCLES + LATENCY + 1000;
		uint32_t issued = 0;

		while (dones.size() < want && s.cycles < limit) {
			uint32_t n = first + issued;

			if (step(issued < count ? &n : nullptr))
				issued++;
		}
	}
};

static std::vector<uint32_t> found_of(const std::vector<done_rec> &d)
{
	std::vector<uint32_t> f;

	for (const done_rec &r : d)
		if (r.found)
			f.push_back(r.nonce);
	return f;
}

int main(int argc, char **argv)
{
	bench b(argc, argv);
	tap t;
	rng r(0x5eed0000 + TB_KIND * 100 + TB_STAGES);

	t.note("%s engine, STAGES %u: LATENCY %u, CYCLES %u", KIND, S, LATENCY, CYCLES);

	// ---- the contract -------------------------------------------------------
	{
		unit w = random_work(r);
		unsigned n = GROUP * 4, bad_lat = 0, bad_order = 0;

		w.prepare(32);
		b.set_work(w, 32);
		b.flush();
		b.accepts.clear();
		b.dones.clear();
		b.run(1000, n);
		for (unsigned i = 0; i < b.dones.size() && i < b.accepts.size(); i++) {
			bad_lat += b.dones[i].edge - b.accepts[i] != LATENCY;
			bad_order += b.dones[i].nonce != 1000 + i;
		}
		t.check(b.dones.size() == n && bad_lat == 0,
			"LATENCY: each of %u nonces is done %u edges after its accept (%zu done, %u off)",
			n, LATENCY, b.dones.size(), bad_lat);
		t.check(b.dones.size() == n && bad_order == 0,
			"the reported nonce is the one that was hashed, in order (%u wrong)", bad_order);
		bool spacing = b.accepts.size() == n;
		for (unsigned m = 1; spacing && m < 4; m++)
			spacing = b.accepts[GROUP * m] - b.accepts[0] == (uint64_t)m * GROUP * CYCLES;
		t.check(spacing, "CYCLES: one nonce per %u cycles (%u accepted back to back, then wait)",
			CYCLES, GROUP);
	}

	// ---- the real vectors, zero_bits 32, started thousands of nonces early ----
	{
		unsigned early = TB_KIND == 0 ? 2500 : TB_KIND == 1 && CYCLES > 8 ? 4000 : 20000;
		unsigned hdr_checked = 0, hdr_bad = 0;

		for (unit &w : real_vectors()) {
			uint32_t first = w.nonce - early;

			w.prepare(32);
			b.set_work(w, 32);
			b.flush();
			b.dones.clear();
			b.run(first, early + 100);
			std::vector<uint32_t> f = found_of(b.dones);
			t.check(b.dones.size() == early + 100 && f.size() == 1 && f[0] == w.nonce,
				"%s: from %u nonces early, exactly nonce 0x%08x is reported "
				"(W3 = bswap32 of the value; %zu hashed, %zu reported, first 0x%08x)",
				w.name.c_str(), early, w.nonce, b.dones.size(), f.size(), f.empty() ? 0 : f[0]);
			if (w.has_header)
				for (const done_rec &d : b.dones) {
					hdr_checked++;
					hdr_bad += d.h7 != w.header_h7(d.nonce);
				}
		}
		t.check(hdr_checked > 0 && hdr_bad == 0,
			"saving \"second hash to round 60\": H7 = IV7 + e of %u nonces equals H7 of "
			"sha256d() over the 80-byte header (%u differ)", hdr_checked, hdr_bad);
	}

	// ---- random work at a low filter: the reported set is exactly the kernel's ----
	{
		unsigned zb = CYCLES >= 16 ? 8 : 11;
		uint64_t budget = TB_KIND == 2 ? 1200000 : 1000000;
		unsigned per_job = (unsigned)std::min<uint64_t>(budget / CYCLES / 4, 150000);
		unsigned h7_checked = 0, h7_bad = 0;

		for (int j = 0; j < 4; j++) {
			unit w = random_work(r);
			uint32_t first = r.word();

			w.prepare(zb);
			b.set_work(w, zb);
			b.flush();
			b.dones.clear();
			b.run(first, per_job);
			std::vector<uint32_t> want = w.reference(first, per_job);
			std::vector<uint32_t> got = found_of(b.dones);
			t.check(b.dones.size() == per_job && got == want,
				"random work %d, zero_bits %u: %u nonces from 0x%08x, %zu reported = "
				"the portable kernel's %zu", j, zb, per_job, first, got.size(), want.size());
			for (const done_rec &d : b.dones) {
				h7_checked++;
				h7_bad += d.h7 != w.h7(d.nonce);
			}
		}
		t.check(h7_checked > 0 && h7_bad == 0,
			"saving \"rounds 0-2 by the host (state3), padding as literals\": H7 of %u "
			"nonces equals sha256d_job_h7 from the midstate, all rounds (%u differ)",
			h7_checked, h7_bad);
	}

	// ---- a flush with nonces in flight; then new work, broadcast at once ----
	{
		unit a = random_work(r), c = random_work(r);
		unsigned n = GROUP * 3 + 5, stale = 0, bad = 0;

		a.prepare(1);
		c.prepare(1);
		b.set_work(a, 1);
		b.flush();
		for (unsigned i = 0, k = 0; i < LATENCY / 2 + GROUP; i++) {
			uint32_t nonce = 0x10000 + k;

			k += b.step(&nonce);
		}
		b.set_work(c, 1);
		b.flush();
		b.dones.clear();
		for (unsigned i = 0; i < LATENCY + 2 * CYCLES; i++)
			b.step(nullptr);
		t.check(b.dones.empty(), "flush: none of the nonces in flight is reported (%zu were)",
			b.dones.size());
		b.run(0x20000, n);
		for (const done_rec &d : b.dones) {
			stale += d.nonce < 0x20000 || d.nonce >= 0x20000 + n;
			bad += d.h7 != c.h7(d.nonce) || d.found != ((d.h7 & c.job.h7_mask) == 0);
		}
		t.check(b.dones.size() == n && stale == 0 && bad == 0,
			"after a flush and new work: %u nonces hashed with the new words from the first "
			"(%u stale, %u wrong)", n, stale, bad);
	}

	// pm_core grants a nonce a cycle ahead on o_ready_next's word
	t.check(b.edges > 0 && b.mispredicted == 0,
		"o_ready_next foretold o_ready on every edge (%llu edges, %llu wrong)",
		(unsigned long long)b.edges, (unsigned long long)b.mispredicted);
	t.note("%llu cycles simulated", (unsigned long long)b.s.cycles);
	return t.finish();
}
