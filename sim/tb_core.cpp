// tb_core: pm_core (built with TB_ENGINE, TB_ENGINES, TB_STAGES) as the link
// drives it: work units over nonce ranges, results through the FIFO. Checks
// against the host's C reference: ranges inside one slice, across slices
// and wrapping at 2^32 (the results exactly the portable kernel's, o_hashes
// the range's size, one done pulse after the last result), the full range
// (progress of o_next_nonce and o_hashes, every result valid), back-to-back
// loads (no old result under the new tag), an abort mid-unit, and bursts of
// results at zero_bits 1..4 against a slow reader (nothing lost), and the
// H7 mask the core loads for every zero_bits 0..63.
//
// `tb_core --speed SECONDS` instead hashes the full range at zero_bits 32
// for that long and prints the simulated nonces per second (scripts/
// rtl_bench.sh).
#include <algorithm>
#include <chrono>
#include <cstring>
#include <vector>

#include "Vpm_core.h"
#include "Vpm_core___024root.h"
#include "tb_work.h"

static const unsigned ENGINE = TB_ENGINE, ENGINES = TB_ENGINES, S = TB_STAGES;
static const unsigned P1 = (60 + S) / S;
// ENGINE 3 is the ring of ENGINE 1 with its window in delay lines: the same
// contract, but for a two-cycle H7 test (one more edge of LATENCY)
static const bool RING = ENGINE == 1 || ENGINE == 3;
static const unsigned CYCLES = ENGINE == 0 ? 124 : RING ? 2 * P1 : 1;
static const unsigned LATENCY = ENGINE == 0 ? 248 : RING ?
	(P1 + 60 / S) * (S + 1) + 60 % S + 2 + (ENGINE == 3) : 123;
// nonces per clock of the whole core (one start per cycle at most)
static const double RATE = std::min(1.0, (double)ENGINES / CYCLES);

struct result {
	uint8_t tag;
	uint32_t nonce;
};

struct bench {
	sim<Vpm_core> s;
	std::vector<result> popped;
	std::vector<uint64_t> done_cycles;
	std::vector<size_t> done_seen;  // results presented by each done pulse's cycle
	unsigned ready_every = 1;       // the reader takes a result every Nth cycle
	bool lost = false;

	explicit bench(int argc, char **argv) : s(argc, argv)
	{
		Vpm_core *t = s.top.get();

		t->i_rst = 1;
		t->i_load = 0;
		t->i_abort = 0;
		t->i_result_ready = 0;
		s.tick();
		s.tick();
		t->i_rst = 0;
	}

	void step()
	{
		Vpm_core *t = s.top.get();
		bool ready = s.cycles % ready_every == 0;

		t->i_result_ready = ready;    // outputs are registered: no eval needed
		if (t->o_result_valid && ready)
			popped.push_back({t->o_result_tag, t->o_result_nonce});
		s.tick();
		lost |= t->o_lost != 0;
		if (t->o_done_pulse) {
			done_cycles.push_back(s.cycles);
			done_seen.push_back(popped.size() + (t->o_result_valid ? 1 : 0));
		}
	}

	void run(uint64_t n)
	{
		for (uint64_t i = 0; i < n; i++)
			step();
	}

	// Loads a unit; its per-work words stay on the ports (pm_link holds them).
	void load(const unit &w, uint8_t tag, unsigned zero_bits, uint32_t first, uint32_t last)
	{
		Vpm_core *t = s.top.get();

		w.drive(t);
		t->i_tag = tag;
		t->i_zero_bits = zero_bits;
		t->i_nonce_start = first;
		t->i_nonce_end = last;
		t->i_load = 1;
		step();
		t->i_load = 0;
	}

	void abort()
	{
		s.top->i_abort = 1;
		step();
		s.top->i_abort = 0;
	}

	// Runs until the done pulse (or the limit); true if it came.
	bool until_done(uint64_t limit)
	{
		size_t n = done_cycles.size();

		for (uint64_t i = 0; i < limit && done_cycles.size() == n; i++)
			step();
		return done_cycles.size() > n;
	}

	void drain(unsigned n = 8)
	{
		unsigned keep = ready_every;

		ready_every = 1;
		run(n);
		ready_every = keep;
	}
};

static std::vector<uint32_t> nonces_of(const std::vector<result> &r, size_t from, uint8_t tag)
{
	std::vector<uint32_t> v;

	for (size_t i = from; i < r.size(); i++)
		if (r[i].tag == tag)
			v.push_back(r[i].nonce);
	std::sort(v.begin(), v.end());
	return v;
}

static std::vector<uint32_t> sorted(std::vector<uint32_t> v)
{
	std::sort(v.begin(), v.end());
	return v;
}

// Cycles to hash n nonces even on one engine, with room to spare.
static uint64_t budget(uint64_t n)
{
	return n * CYCLES + LATENCY + (uint64_t)CYCLES * 2 + 64;
}

// A complete unit over [first, last]: exact results, hashes, one done pulse.
static void unit_range(bench &b, tap &t, rng &r, const char *what, uint8_t tag,
		       unsigned zb, uint32_t first, uint32_t last)
{
	unit w = random_work(r);
	uint64_t count = (uint64_t)(uint32_t)(last - first) + 1;
	uint64_t hashes = b.s.top->o_hashes;
	size_t from = b.popped.size(), dones = b.done_cycles.size();

	w.prepare(zb);
	b.load(w, tag, zb, first, last);
	bool done = b.until_done(budget(count));
	size_t seen = done ? b.done_seen.back() : 0;
	uint64_t hashed = b.s.top->o_hashes - hashes;
	b.drain(LATENCY + 16);
	std::vector<uint32_t> want = sorted(w.reference(first, count));
	std::vector<uint32_t> got = nonces_of(b.popped, from, tag);

	t.check(got == want && b.popped.size() - from == got.size(),
		"%s [0x%08x, 0x%08x], zero_bits %u: %zu results = the portable kernel's %zu",
		what, first, last, zb, got.size(), want.size());
	t.check(done && b.done_cycles.size() == dones + 1 && seen - from == want.size() &&
		!b.s.top->o_busy,
		"%s: one done pulse, when all %zu results were in the FIFO (%zu by then), busy falls",
		what, want.size(), seen - from);
	t.check(hashed == count, "%s: o_hashes counted the range's %llu nonces (%llu)",
		what, (unsigned long long)count, (unsigned long long)hashed);
}

static int speed(bench &b, double seconds)
{
	rng r(1);
	unit w = random_work(r);

	w.prepare(32);
	b.load(w, 1, 32, 0, 0xffffffffu);
	b.run(LATENCY + 10);
	uint64_t h0 = b.s.top->o_hashes, c0 = b.s.cycles;
	auto t0 = std::chrono::steady_clock::now();
	double el = 0;
	while (el < seconds) {
		b.run(20000);
		el = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
	}
	uint64_t h = b.s.top->o_hashes - h0, c = b.s.cycles - c0;
	printf("engine %u engines %u stages %u: %.0f nonces/s, %.0f cycles/s (%.2f s)\n",
	       ENGINE, ENGINES, S, h / el, c / el, el);
	return 0;
}

int main(int argc, char **argv)
{
	bench b(argc, argv);
	tap t;
	rng r(0xc0de0000 + ENGINE * 1000 + ENGINES * 100 + S);
	const unsigned sb = ENGINES == 1 ? 0 : ENGINES == 2 ? 1 : ENGINES == 4 ? 2 : 3;
	const uint32_t slice = sb ? 1u << (32 - sb) : 0;
	// a range of about `cyc` cycles of hashing
	auto span = [](double cyc) { return (uint32_t)std::min(100000.0, std::max(64.0, cyc * RATE)); };

	if (argc > 2 && !strcmp(argv[1], "--speed"))
		return speed(b, atof(argv[2]));

	t.note("pm_core ENGINE %u, ENGINES %u, STAGES %u: LATENCY %u, CYCLES %u",
	       ENGINE, ENGINES, S, LATENCY, CYCLES);
	t.check(!b.s.top->o_busy && !b.s.top->o_lost && b.s.top->o_hashes == 0 &&
		!b.s.top->o_result_valid, "after reset: idle, nothing lost, no hashes, no result");

	// ---- ranges -------------------------------------------------------------
	{
		uint32_t n = span(300000);
		uint32_t first = sb ? slice + 0x1000 : 0x1234;

		unit_range(b, t, r, "range inside one slice", 1, 8, first, first + n - 1);
		first = 0u - n / 2;
		unit_range(b, t, r, "range wrapping at 2^32", 2, 8, first, first + n - 1);
		if (sb) {
			first = slice - n / 2;
			unit_range(b, t, r, "range across a slice boundary", 3, 8, first, first + n - 1);
		}
		unit_range(b, t, r, "one nonce", 4, 1, 0x9546a142, 0x9546a142);
	}

	// ---- the full range: progress, every result valid ---------------------------
	{
		unit w = random_work(r);
		uint32_t start = 0x12345678;
		uint64_t cycles = 200000;
		size_t from = b.popped.size();
		uint64_t h0 = b.s.top->o_hashes;

		w.prepare(10);
		b.load(w, 5, 10, start, start - 1);
		b.run(cycles);
		uint64_t hashed = b.s.top->o_hashes - h0;
		uint32_t next = b.s.top->o_next_nonce;
		bool busy = b.s.top->o_busy;
		b.abort();
		b.drain(LATENCY + 16);
		double want = cycles * RATE;
		t.check(busy && hashed > want * 0.97 - ENGINES && hashed <= want + ENGINES,
			"full range: busy, %llu nonces hashed in %llu cycles (%.0f expected)",
			(unsigned long long)hashed, (unsigned long long)cycles, want);
		uint32_t walked = next - start;
		t.check(walked >= hashed / ENGINES - 2 && walked <= hashed / ENGINES + 2 + LATENCY,
			"full range: engine 0 walked from 0x%08x to 0x%08x (%u of %llu)", start, next,
			walked, (unsigned long long)hashed);
		// each engine e walks from start (e = 0) or its slice's first nonce
		unsigned bad = 0, exact_bad = 0;
		uint64_t lo_n = hashed / ENGINES > 2 * CYCLES ? hashed / ENGINES - 2 * CYCLES : 0;
		for (unsigned e = 0; e < ENGINES; e++) {
			uint32_t s0 = e == 0 ? start : e * slice;
			std::vector<uint32_t> mine, want_lo = sorted(w.reference(s0, lo_n));
			for (uint32_t n : nonces_of(b.popped, from, 5))
				if (ENGINES == 1 || n >> (32 - sb) == e)
					mine.push_back(n);
			for (uint32_t n : mine)
				bad += n - s0 >= hashed / ENGINES + 2 || (w.h7(n) & w.job.h7_mask) != 0;
			for (uint32_t n : want_lo)
				exact_bad += !std::binary_search(mine.begin(), mine.end(), n);
		}
		t.check(bad == 0 && exact_bad == 0 && b.popped.size() > from,
			"full range: %zu results, each in its engine's walk from its start and valid "
			"(%u not), none missing (%u)", b.popped.size() - from, bad, exact_bad);
	}

	// ---- back-to-back loads -------------------------------------------------------
	{
		unit a = random_work(r), c = random_work(r);
		uint32_t n = span(60000);
		size_t from = b.popped.size();

		a.prepare(2);
		c.prepare(8);
		b.load(a, 6, 2, 0x5000, 0x5000 + 10 * n);
		b.run(LATENCY * 3 + 17);
		b.load(c, 7, 8, 0x100, 0x100);          // replaced the next cycle:
		b.load(c, 8, 8, 0x700000, 0x700000 + n - 1);
		bool done = b.until_done(budget(n));
		b.drain(LATENCY + 16);
		unsigned stale = 0, bad_a = 0;
		for (size_t i = from; i < b.popped.size(); i++) {
			const result &x = b.popped[i];
			if (x.tag == 6)
				bad_a += (a.h7(x.nonce) & a.job.h7_mask) != 0;
			else if (x.tag != 8 || x.nonce < 0x700000 || x.nonce >= 0x700000 + n)
				stale++;
		}
		std::vector<uint32_t> want = sorted(c.reference(0x700000, n));
		t.check(stale == 0 && bad_a == 0,
			"back-to-back loads: no result of an old unit under a new tag (%u), "
			"the old unit's queued results are its own (%u bad)", stale, bad_a);
		t.check(done && nonces_of(b.popped, from, 8) == want,
			"back-to-back loads: the last unit's %zu results exactly", want.size());
	}

	// ---- abort mid-unit ------------------------------------------------------------
	{
		unit w = random_work(r);
		uint32_t n = span(100000);
		size_t dones = b.done_cycles.size();

		w.prepare(3);
		b.load(w, 9, 3, 0xabc00000, 0xabc00000 + n - 1);
		b.run(LATENCY * 2 + 50);
		b.abort();
		uint64_t h = b.s.top->o_hashes;
		b.drain(8);
		size_t after = b.popped.size();
		b.run(budget(n));
		t.check(!b.s.top->o_busy && b.done_cycles.size() == dones &&
			b.popped.size() == after && b.s.top->o_hashes == h,
			"abort: busy falls, no done pulse, no result and no hash after it");
	}

	// ---- bursts of results against a slow reader ---------------------------------------
	for (unsigned zb = 1; zb <= 4; zb += 3) {
		unit w = random_work(r);
		uint32_t n = span(120000), first = 0xfff00000 + zb;
		size_t from = b.popped.size();

		w.prepare(zb);
		b.ready_every = 5;
		b.load(w, (uint8_t)(20 + zb), zb, first, first + n - 1);
		bool done = b.until_done(budget(n) * 4 + 10 * n);
		b.ready_every = 1;
		b.drain(8 + (1u << 8));
		std::vector<uint32_t> want = sorted(w.reference(first, n));
		t.check(done && nonces_of(b.popped, from, (uint8_t)(20 + zb)) == want && !b.lost,
			"zero_bits %u, a reader taking one result in 5 cycles: all %zu results, "
			"o_lost stays 0", zb, want.size());
	}

	// ---- the share filter's mask for every zero_bits the link can carry ----
	{
		unsigned wrong = 0, first_wrong = 0;

		for (unsigned zb = 0; zb < 64; zb++) {
			b.load(random_work(r), 30, zb, 0, 63);
			if (b.s.top->rootp->pm_core__DOT__r_mask != sha256d_h7_mask(zb) && !wrong++)
				first_wrong = zb;
		}
		b.abort();
		b.drain(8 + LATENCY);
		t.check(wrong == 0, "the H7 mask loaded for zero_bits 0..63 is sha256d_h7_mask's "
			"(%u wrong, the first at %u)", wrong, first_wrong);
	}

	t.note("%llu cycles simulated", (unsigned long long)b.s.cycles);
	return t.finish();
}
