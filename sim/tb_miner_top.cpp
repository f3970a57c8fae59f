// tb_miner_top: a whole miner (pm_miner_top: the real core behind the real
// link) driven only through its two UART pins, as the daemon drives a
// board. Every nonce the board reports is checked against the host's C
// reference, and every range's full result set is compared with the one
// the host computes, so a dropped, duplicated or misattributed result
// fails: the golden nonces of real blocks, low-filter random work (more
// results than the UART can carry at once, on the fast shapes), a range
// across the engines' slices, a range wrapping at 2^32, back-to-back work,
// ABORT mid-range, corrupt frames, and the IDENTITY figures against the
// hash rate the board actually achieves.
//
// The model's shape comes from the build (sim/top.mk): TB_ENGINE,
// TB_ENGINES, TB_STAGES are the parameters it was verilated with, and
// TB_PAIR marks pm_miner_pair (two cores; STATUS shows the first's nonce).
#include <algorithm>
#include <map>
#include <set>
#include <vector>

#include "Vpm_miner_top.h"
#include "tb_uart.h"
#include "tb_work.h"

static const int BAUD_DIV = 4;   // the model is built with -GBAUD_DIV=16'd4

struct got_frame {
	uint8_t type;
	std::vector<uint8_t> payload;
	uint64_t cycle;
};

struct board {
	sim<Vpm_miner_top> s;
	uart_host u{BAUD_DIV};
	tap &t;
	std::vector<got_frame> log;   // every frame the board sent, in order

	board(int argc, char **argv, tap &tp) : s(argc, argv), t(tp)
	{
		s.top->i_uart_rx = 1;
		s.top->i_rst = 1;
		s.tick();
		s.tick();
		s.top->i_rst = 0;
	}

	void step()
	{
		s.top->i_uart_rx = u.tx_bit();
		s.tick();
		u.rx_sample(s.top->o_uart_tx);
		if (!u.receiving() && !u.rx_bytes.empty() && frame_complete())
			for (auto &f : u.frames(t))
				log.push_back({f.type, f.payload, s.cycles});
	}

	// True when rx_bytes holds whole frames only.
	bool frame_complete() const
	{
		size_t i = 0;

		while (i + 3 <= u.rx_bytes.size())
			i += 3 + u.rx_bytes[i + 2] + 2;
		return i == u.rx_bytes.size();
	}

	void send(const std::vector<uint8_t> &bytes) { u.send(bytes); }

	void run(uint64_t cycles)
	{
		for (uint64_t i = 0; i < cycles; i++)
			step();
	}

	// Runs until a frame of `type` (and tag, if >= 0) arrives after index
	// `from` of the log, at most max cycles; its index, or -1.
	long wait_for(uint8_t type, int tag, size_t from, uint64_t max)
	{
		for (uint64_t i = 0; i <= max; i++) {
			for (size_t k = from; k < log.size(); k++)
				if (log[k].type == type && (tag < 0 || log[k].payload[0] == tag))
					return (long)k;
			from = log.size();
			step();
		}
		return -1;
	}

	// Runs until the line is idle and nothing arrived for `quiet` cycles.
	void settle(uint64_t quiet = 40 * 10 * BAUD_DIV)
	{
		uint64_t still = 0;

		while (still < quiet) {
			size_t before = log.size();

			step();
			still = u.line.empty() && !u.receiving() && log.size() == before ? still + 1 : 0;
		}
	}
};

struct status {
	uint8_t tag, flags;
	uint32_t next;
	uint64_t hashes;
	unsigned bad, results;
};

static status parse_status(const std::vector<uint8_t> &p)
{
	return {p[0], p[1], be32(p, 2), be48(p, 6), (unsigned)(p[12] << 8 | p[13]),
		(unsigned)(p[14] << 8 | p[15])};
}

static bool get_status(board &b, status &st)
{
	size_t from = b.log.size();

	b.send(frame(0x04, {}));
	long k = b.wait_for(0x83, -1, from, 200000);
	if (k < 0)
		return false;
	st = parse_status(b.log[(size_t)k].payload);
	return true;
}

// A work unit as the host sends it: tb_work.h's unit (job, reference) with a
// tag, a filter and a range.
struct sent {
	unit w;
	uint8_t tag, zero_bits;
	uint32_t start, end;

	sent(uint8_t tg, const unit &u, unsigned zb, uint32_t s, uint32_t e)
		: w(u), tag(tg), zero_bits((uint8_t)zb), start(s), end(e)
	{
		w.prepare(zb);
	}

	uint64_t count() const { return (uint64_t)(uint32_t)(end - start) + 1; }

	std::vector<uint8_t> payload() const
	{
		std::vector<uint8_t> p = {tag, zero_bits};
		auto put = [&p](uint32_t v) {
			for (int i = 3; i >= 0; i--)
				p.push_back((uint8_t)(v >> (8 * i)));
		};
		for (int i = 0; i < 8; i++)
			put(w.job.midstate[i]);
		for (int i = 0; i < 8; i++)
			put(w.job.r3[i]);
		for (int i = 0; i < 3; i++)
			put(w.job.tail[i]);
		put(start);
		put(end);
		return p;
	}

	// True when nonce n passes this unit's filter (the host's reference).
	bool passes(uint32_t n) const { return (w.h7(n) & w.job.h7_mask) == 0; }

	// Every nonce of the range that passes, by the host's portable kernel.
	std::set<uint32_t> expected() const
	{
		std::vector<uint32_t> v = w.reference(start, count());
		return std::set<uint32_t>(v.begin(), v.end());
	}
};

static std::vector<uint32_t> nonces_of(const board &b, uint8_t tag, size_t from, size_t to)
{
	std::vector<uint32_t> out;

	for (size_t k = from; k < to && k < b.log.size(); k++)
		if (b.log[k].type == 0x82 && b.log[k].payload[0] == tag)
			out.push_back(be32(b.log[k].payload, 1));
	return out;
}

static unsigned count_type(const board &b, uint8_t type, size_t from)
{
	unsigned n = 0;

	for (size_t k = from; k < b.log.size(); k++)
		n += b.log[k].type == type;
	return n;
}

// The whole exchange for one unit that runs to its end: STATUS first, the
// result set exactly the host's, DONE last. Returns the cycles it took.
static uint64_t run_unit(board &b, tap &t, const sent &u, const char *what, uint64_t max_cycles)
{
	size_t from = b.log.size();
	uint64_t t0 = b.s.cycles;
	std::set<uint32_t> want = u.expected();
	status before, after;

	get_status(b, before);
	from = b.log.size();
	b.send(frame(0x02, u.payload()));
	long done = b.wait_for(0x84, u.tag, from, max_cycles);
	b.settle();
	t.check(done >= 0, "%s: DONE arrives (within %llu cycles)", what, (unsigned long long)max_cycles);
	if (done < 0)
		return 0;
	auto got = nonces_of(b, u.tag, from, (size_t)done);
	std::set<uint32_t> gotset(got.begin(), got.end());
	bool first_status = b.log[from].type == 0x83;
	bool all_pass = std::all_of(got.begin(), got.end(), [&u](uint32_t n) { return u.passes(n); });

	t.check(first_status && b.log[from].payload[0] == u.tag && (b.log[from].payload[1] & 1),
		"%s: STATUS answers the WORK first, with its tag, busy", what);
#if TB_ENGINES == 1 || defined(TB_PAIR)
	{
		// one engine (the pair: its first core) walks from the range's
		// start: STATUS's next nonce is already in this unit's range
		status first = parse_status(b.log[from].payload);
		t.check(first.next - u.start <= u.end - u.start,
			"%s: that STATUS's next nonce (%08x) is in the unit's range", what, first.next);
	}
#endif
	t.check(all_pass, "%s: every reported nonce passes the host's filter", what);
	t.check(gotset == want && got.size() == want.size(),
		"%s: the board's results are exactly the host's (%zu reported, %zu expected)", what,
		got.size(), want.size());
	t.check(nonces_of(b, u.tag, (size_t)done, b.log.size()).empty() &&
			count_type(b, 0x84, from) == 1,
		"%s: nothing after DONE, one DONE", what);
	get_status(b, after);
	t.check(after.hashes - before.hashes == u.count() && !(after.flags & 1) && !(after.flags & 4),
		"%s: STATUS: hashes grew by the range (%llu of %llu), not busy, nothing lost", what,
		(unsigned long long)(after.hashes - before.hashes), (unsigned long long)u.count());
	return b.log[(size_t)done].cycle - t0;
}

int main(int argc, char **argv)
{
	tap t;
	board b(argc, argv, t);
	rng r(0x5eed + TB_ENGINE * 16 + TB_ENGINES);
	unsigned engines = 0, cycles = 0, latency = 0, per_clock = 0;
	status st;

	// IDENTITY: the shape it was built with, and consistent figures.
	{
		size_t from = b.log.size();

		b.send(frame(0x01, {}));
		long k = b.wait_for(0x81, -1, from, 100000);
		bool ok = k >= 0 && b.log[(size_t)k].payload.size() == 16;

		t.check(ok, "IDENTIFY answered by IDENTITY");
		if (!ok)
			return t.finish();
		const auto &p = b.log[(size_t)k].payload;
		engines = p[2];
		per_clock = be32(p, 8);
		cycles = (unsigned)(p[12] << 8 | p[13]);
		latency = (unsigned)(p[14] << 8 | p[15]);
		// ENGINE 3 (the ring in delay lines) is a ring to the host: 1
		t.check(p[0] == 1 && p[1] == (TB_ENGINE == 3 ? 1 : TB_ENGINE) && p[2] == TB_ENGINES &&
				p[3] == (TB_ENGINE == 2 ? 128 : TB_ENGINE == 0 ? 1 : TB_STAGES),
			"IDENTITY: protocol 1, engine %u, %u engines, %u stages", p[1], p[2], p[3]);
		t.check(cycles > 0 && per_clock == ((uint32_t)engines << 16) / cycles && latency >= cycles / 2,
			"IDENTITY: per_clock 0x%08x = %u engines / %u cycles, latency %u", per_clock, engines,
			cycles, latency);
		t.note("shape: engine %u x%u, %u cycles per nonce, latency %u, %.4f nonces per clock",
		       p[1], engines, cycles, latency, per_clock / 65536.0);
	}
	// Clocks a range of n nonces needs, with the pipeline's fill and the UART.
	auto budget = [&](uint64_t n) { return n * cycles / engines + 4 * latency + 200000; };

	// The golden nonces of real blocks, among their neighbours.
	uint8_t tag = 1;
	for (const unit &g : real_vectors()) {
		sent u(tag++, g, 32, g.nonce - 40, g.nonce + 40);
		size_t from = b.log.size();

		run_unit(b, t, u, g.name.c_str(), budget(u.count()));
		auto got = nonces_of(b, u.tag, from, b.log.size());
		t.check(got.size() == 1 && got[0] == g.nonce, "%s: the block's nonce 0x%08x, found",
			g.name.c_str(), g.nonce);
	}

	// Low-filter random work: many results, compared as sets.
	for (int i = 0; i < 3; i++) {
		char what[64];

		unit u_w = random_work(r);
		sent u(tag++, u_w, 5, r.word(), 0);
		u.end = u.start + 383;
		snprintf(what, sizeof(what), "random unit %d (384 nonces, 5 zero bits)", i);
		run_unit(b, t, u, what, budget(u.count()));
	}

	// A range across every slice boundary of the engines (and 2^32).
	{
		uint32_t span = engines > 1 ? 0x80000000u / (engines / 2) : 0;
		sent u(tag++, random_work(r), 4, span - 96, span + 95);
		run_unit(b, t, u, "a range across engine slices", budget(u.count() * engines));
		sent w(tag++, u.w, 4, 0xffffff80u, 0x7fu);
		run_unit(b, t, w, "a range wrapping at 2^32", budget(w.count() * engines));
	}

	// The fastest results: 1 zero bit, every other nonce a result. The
	// engines must wait for the UART rather than lose any.
	{
		unit u_w = random_work(r);
		sent u(tag++, u_w, 1, r.word(), 0);
		u.end = u.start + 95;
		run_unit(b, t, u, "every other nonce a result (1 zero bit)", budget(u.count()) + u.count() * 400);
	}

	// Back to back: a long unit, replaced by a short one mid-range.
	{
		unit a_w = random_work(r);
		sent a(tag++, a_w, 3, r.word(), 0);
		a.end = a.start - 1;                                   // all 2^32
		unit c_w = random_work(r);
		sent c(tag++, c_w, 6, r.word(), 0);
		c.end = c.start + 255;
		size_t from = b.log.size();

		b.send(frame(0x02, a.payload()));
		b.wait_for(0x82, a.tag, from, budget(256));
		b.wait_for(0x82, a.tag, b.log.size(), budget(256));   // two results at least
		size_t mid_at = b.log.size();
		b.send(frame(0x02, c.payload()));
		long done = b.wait_for(0x84, c.tag, mid_at, budget(c.count()));
		b.settle();
		auto ga = nonces_of(b, a.tag, from, b.log.size());
		auto gc = nonces_of(b, c.tag, from, b.log.size());
		std::set<uint32_t> want = c.expected();

		t.check(done >= 0 && count_type(b, 0x84, from) == 1, "back to back: DONE for the second unit only");
		t.check(std::all_of(ga.begin(), ga.end(), [&a](uint32_t n) { return a.passes(n); }) && ga.size() >= 2,
			"back to back: the first unit's %zu results all pass its filter", ga.size());
		t.check(std::set<uint32_t>(gc.begin(), gc.end()) == want && gc.size() == want.size(),
			"back to back: the second unit's results are exactly the host's (%zu, %zu expected)",
			gc.size(), want.size());
		// Nothing of the first unit was dropped: per engine, its results
		// are every passing nonce from the start up to the last reported.
		bool gapless = true;
		unsigned shift = engines > 1 ? 32 - (unsigned)__builtin_ctz(engines) : 32;
		for (unsigned e = 0; e < engines; e++) {
			std::vector<uint32_t> mine;
			for (uint32_t n : ga)
				if (shift == 32 || n >> shift == e)
					mine.push_back(n);
			if (mine.empty())
				continue;
			uint32_t lo = shift == 32 || a.start >> shift == e ? a.start : e << shift;
			for (uint32_t n = lo; n != mine.back(); n++)
				if (a.passes(n) && std::find(mine.begin(), mine.end(), n) == mine.end())
					gapless = false;
		}
		t.check(gapless, "back to back: the first unit's results have no gap (none dropped)");
	}

	// ABORT mid-range: it stops, reports no DONE, and the board then idles.
	{
		unit a_w = random_work(r);
		sent a(tag++, a_w, 32, r.word(), 0);
		a.end = a.start - 1;
		size_t from = b.log.size();

		b.send(frame(0x02, a.payload()));
		b.run(20000 + 512ull * cycles / engines);   // well into the range
		from = b.log.size();
		b.send(frame(0x03, {}));
		long k = b.wait_for(0x83, -1, from, 100000);
		t.check(k >= 0 && !(b.log[(size_t)k].payload[1] & 1), "ABORT answered by STATUS, not busy");
		status s1, s2;
		get_status(b, s1);
		b.run(20000);
		get_status(b, s2);
		t.check(s2.hashes == s1.hashes && count_type(b, 0x84, from) == 0,
			"after ABORT nothing is hashed (%llu then %llu) and no DONE comes",
			(unsigned long long)s1.hashes, (unsigned long long)s2.hashes);
	}

	// The rate IDENTITY promises is the rate the board hashes at.
	{
		unit a_w = random_work(r);
		sent a(tag++, a_w, 32, r.word(), 0);
		a.end = a.start - 1;
		status s1, s2;
		uint64_t run_for = 4096ull * cycles / engines + 4 * latency;

		b.send(frame(0x02, a.payload()));
		b.run(budget(64));
		get_status(b, s1);
		uint64_t c1 = b.s.cycles;
		b.run(run_for);
		get_status(b, s2);
		uint64_t c2 = b.s.cycles;
		double rate = (double)(s2.hashes - s1.hashes) / (double)(c2 - c1);
		double promised = per_clock / 65536.0;

		t.check(rate > promised * 0.97 && rate < promised * 1.03,
			"hash rate %.5f nonces per clock, as IDENTITY promises (%.5f)", rate, promised);
		t.check((s2.flags & 1) && s2.tag == a.tag, "STATUS while hashing: busy, the unit's tag");
		b.send(frame(0x03, {}));
		b.settle();
	}

	// Corrupt frames are dropped and counted, and the board carries on.
	{
		status s1, s2;
		const unit g = real_vectors()[0];
		sent u(tag++, g, 32, g.nonce - 8, g.nonce + 8);
		auto f = frame(0x02, u.payload());
		size_t from;

		get_status(b, s1);
		from = b.log.size();
		f[40] ^= 0x10;
		b.send(f);
		b.u.idle(20);
		b.settle();
		t.check(b.log.size() == from, "a WORK frame with a flipped bit gets no answer");
		get_status(b, s2);
		t.check(s2.bad == s1.bad + 1 && !(s2.flags & 1), "... is counted as a bad frame, and not acted on");
		from = b.log.size();
		run_unit(b, t, u, "genesis again after the corrupt frame", budget(u.count()));
	}

	get_status(b, st);
	unsigned nonce_frames = count_type(b, 0x82, 0);
	t.check(st.results == (nonce_frames & 0xffff) && !(st.flags & 4),
		"STATUS counts %u results, the NONCE frames received (%u); nothing lost", st.results,
		nonce_frames);
	t.note("%llu clock cycles simulated", (unsigned long long)b.s.cycles);
	return t.finish();
}
