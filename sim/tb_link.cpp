// tb_link: pm_link over its UART pins. The bench is the host on i_rx/o_tx
// (bit by bit, at BAUD_DIV cycles per bit) and drives the core-facing ports
// itself, so every frame of docs/link-protocol.md is checked byte by byte:
// IDENTITY, WORK loading the work unit exactly, STATUS fields, NONCE frames
// for every result in order, DONE after them, ABORT, and corrupt input
// (flipped bits, truncation, garbage, wrong lengths, unknown types, a byte
// without a stop bit) dropped and counted without being acted on.
#include <algorithm>
#include <deque>
#include <vector>

#include "Vpm_link.h"
#include "tb_uart.h"

static const int BAUD_DIV = 4;   // the model is built with -GBAUD_DIV=4

struct bench {
	sim<Vpm_link> s;
	uart_host u{BAUD_DIV};
	// the core's side
	std::deque<std::pair<uint8_t, uint32_t>> results;
	unsigned loads = 0, aborts = 0;

	bench(int argc, char **argv) : s(argc, argv)
	{
		s.top->i_rx = 1;
		s.top->i_rst = 1;
		s.tick();
		s.tick();
		s.top->i_rst = 0;
	}

	void send(const std::vector<uint8_t> &bytes, bool stop_bit = true) { u.send(bytes, stop_bit); }
	void idle(unsigned bytes) { u.idle(bytes); }
	std::vector<rx_frame> frames(tap &t) { return u.frames(t); }

	void step()
	{
		s.top->i_rx = u.tx_bit();
		// The core's result FIFO: first word falls through; popped on ready.
		s.top->i_result_valid = !results.empty();
		if (!results.empty()) {
			s.top->i_result_tag = results.front().first;
			s.top->i_result_nonce = results.front().second;
		}
		s.tick();
		if (s.top->o_result_ready && !results.empty())
			results.pop_front();
		loads += s.top->o_load;
		aborts += s.top->o_abort;
		s.top->i_done_pulse = 0;
		u.rx_sample(s.top->o_tx);
	}

	// Runs until the line is sent and the board has been quiet a while.
	void settle()
	{
		unsigned quiet = 0;

		while (quiet < 40 * BAUD_DIV * 10) {
			size_t before = u.rx_bytes.size();

			step();
			quiet = u.line.empty() && !u.receiving() && u.rx_bytes.size() == before &&
				results.empty() ? quiet + 1 : 0;
		}
	}
};

// A STATUS frame's fields.
struct status {
	uint8_t tag, flags;
	uint32_t next;
	uint64_t hashes;
	unsigned bad, results;
};

static bool get_status(bench &b, tap &t, status &st)
{
	b.send(frame(0x04, {}));
	b.settle();
	auto f = b.frames(t);
	if (f.size() != 1 || f[0].type != 0x83 || f[0].payload.size() != 16)
		return false;
	const auto &p = f[0].payload;
	st = {p[0], p[1], be32(p, 2), be48(p, 6), (unsigned)(p[12] << 8 | p[13]),
	      (unsigned)(p[14] << 8 | p[15])};
	return true;
}

// A random WORK payload whose frame holds no SYNC byte but its first (a
// stray 0xA5 after a dropped frame would start another frame, and the
// corrupt-input test counts dropped frames exactly).
static std::vector<uint8_t> random_work(rng &r)
{
	std::vector<uint8_t> w(86);

	for (;;) {
		for (auto &x : w)
			x = (uint8_t)r.next();
		w[1] = (uint8_t)(1 + r.next() % 32);   // zero_bits
		auto f = frame(0x02, w);
		if (std::count(f.begin() + 1, f.end(), 0xa5) == 0)
			return w;
	}
}

// The work unit on the core-facing ports, as the WORK payload would give it.
static bool work_matches(Vpm_link *top, const std::vector<uint8_t> &w)
{
	bool ok = top->o_tag == w[0] && top->o_zero_bits == w[1];

	for (int i = 0; i < 8; i++) {
		ok = ok && top->o_midstate[7 - i] == be32(w, 2 + 4 * i);
		ok = ok && top->o_state3[7 - i] == be32(w, 34 + 4 * i);
	}
	for (int i = 0; i < 3; i++)
		ok = ok && top->o_tail[2 - i] == be32(w, 66 + 4 * i);
	return ok && top->o_nonce_start == be32(w, 78) && top->o_nonce_end == be32(w, 82);
}

int main(int argc, char **argv)
{
	bench b(argc, argv);
	tap t;
	rng r(7);
	status st;

	// IDENTIFY
	b.send(frame(0x01, {}));
	b.settle();
	{
		auto f = b.frames(t);
		bool ok = f.size() == 1 && f[0].type == 0x81 && f[0].payload.size() == 16;

		t.check(ok, "IDENTIFY answered by one IDENTITY frame of 16 bytes");
		if (ok) {
			const auto &p = f[0].payload;
			// The model is built with ENGINE 0, ENGINES 2, STAGES 1, CYCLES 125,
			// LATENCY 125, CLOCK_HZ 12000000 (sim/link.mk).
			t.check(p[0] == 1 && p[1] == 0 && p[2] == 2 && p[3] == 1, "IDENTITY: protocol 1, ROLLED, 2 engines, 1 stage");
			t.check(be32(p, 4) == 12000000, "IDENTITY: clock_hz 12000000 (got %u)", be32(p, 4));
			t.check(be32(p, 8) == (2u << 16) / 125, "IDENTITY: per_clock 2/125 in 16.16 (got 0x%08x)", be32(p, 8));
			t.check((p[12] << 8 | p[13]) == 125 && (p[14] << 8 | p[15]) == 125, "IDENTITY: cycles 125, latency 125");
		}
	}

	// WORK loads the unit exactly, after an abort, and is answered with STATUS.
	for (int n = 0; n < 3; n++) {
		auto w = random_work(r);
		unsigned loads = b.loads, aborts = b.aborts;

		b.s.top->i_tag = w[0];
		b.send(frame(0x02, w));
		b.settle();
		auto f = b.frames(t);
		t.check(f.size() == 1 && f[0].type == 0x83, "WORK %d answered by STATUS", n);
		t.check(b.loads == loads + 1 && b.aborts == aborts + 1, "WORK %d: one abort, then one load", n);
		t.check(work_matches(b.s.top.get(), w), "WORK %d: every field of the unit reached the core ports", n);
	}

	// STATUS carries what the core says, and the link's counters.
	b.s.top->i_tag = 0x5a;
	b.s.top->i_busy = 1;
	b.s.top->i_next_nonce = 0x7c2bac1d;
	b.s.top->i_hashes = 0x123456789abcull;
	b.s.top->i_lost = 0;
	t.check(get_status(b, t, st), "STATUS_REQ answered by STATUS");
	t.check(st.tag == 0x5a && (st.flags & 1) && st.next == 0x7c2bac1d && st.hashes == 0x123456789abcull,
		"STATUS: tag, busy, next nonce, 48-bit hashes as the core gives them");
	t.check(st.bad == 0 && st.results == 0, "STATUS: no bad frames, no results yet");

	// Results become NONCE frames, in order, then DONE.
	for (uint32_t k = 0; k < 5; k++)
		b.results.push_back({(uint8_t)(0x40 + k), 0x01020304u * (k + 1)});
	b.settle();
	b.s.top->i_tag = 0x44;
	b.s.top->i_done_pulse = 1;
	b.settle();
	{
		auto f = b.frames(t);
		bool ok = f.size() == 6;

		for (uint32_t k = 0; ok && k < 5; k++)
			ok = f[k].type == 0x82 && f[k].payload.size() == 5 && f[k].payload[0] == 0x40 + k &&
			     be32(f[k].payload, 1) == 0x01020304u * (k + 1);
		t.check(ok, "five results: five NONCE frames with their tags and nonces, in order");
		t.check(ok && f[5].type == 0x84 && f[5].payload.size() == 1 && f[5].payload[0] == 0x44,
			"DONE after the NONCE frames, with the unit's tag");
	}
	b.s.top->i_busy = 0;
	t.check(get_status(b, t, st) && st.results == 5 && (st.flags & 2) && !(st.flags & 1),
		"STATUS: 5 results sent, done, not busy");

	// DONE waits while results are still queued.
	b.results.push_back({0x45, 0xdeadbeef});
	b.s.top->i_done_pulse = 1;
	b.settle();
	{
		auto f = b.frames(t);
		t.check(f.size() == 2 && f[0].type == 0x82 && f[1].type == 0x84,
			"a result queued with the done pulse still goes out before DONE");
	}

	// ABORT
	{
		unsigned aborts = b.aborts;

		b.send(frame(0x03, {}));
		b.settle();
		auto f = b.frames(t);
		t.check(f.size() == 1 && f[0].type == 0x83 && b.aborts == aborts + 1,
			"ABORT: the core is aborted and STATUS answers");
	}

	// Corrupt input: nothing acted on, every dropped frame counted.
	{
		unsigned loads = b.loads, aborts = b.aborts, bad_before;
		auto w = random_work(r);
		auto good = frame(0x02, w);

		get_status(b, t, st);
		bad_before = st.bad;
		for (int bit = 0; bit < 16; bit++) {              // a flipped bit, anywhere
			auto f = good;
			size_t at = 1 + r.next() % (f.size() - 1);

			f[at] ^= (uint8_t)(1 << (r.next() % 8));
			b.send(f);
			b.idle(20);                                // enough for any LEN to time out
		}
		b.settle();
		auto truncated = std::vector<uint8_t>(good.begin(), good.begin() + 40);
		b.send(truncated);
		b.idle(20);
		b.send({0x00, 0xff, 0x13, 0x37, 0xa5});           // garbage, ending in a SYNC
		b.idle(20);
		b.send(frame(0x02, std::vector<uint8_t>(85)));     // WORK one byte short
		b.send(frame(0x7f, {}));                           // unknown type
		b.send(frame(0x81, {}));                           // a board frame sent to the board
		std::vector<uint8_t> bad_stop = frame(0x04, {});
		b.send({bad_stop[0], bad_stop[1]});
		b.send({bad_stop[2]}, false);                      // a byte without a stop bit
		b.idle(20);
		b.settle();
		auto f = b.frames(t);
		t.check(f.empty(), "no frame answered any corrupt input (%zu answers)", f.size());
		t.check(b.loads == loads && b.aborts == aborts, "no corrupt frame loaded or aborted anything");
		t.check(get_status(b, t, st), "the link still answers after corrupt input");
		t.check(st.bad == bad_before + 16 + 1 + 1 + 1 + 1 + 1 + 1,
			"22 dropped frames counted (16 flipped, truncated, garbage's SYNC, short, unknown, "
			"board type, no stop bit): got %u", st.bad - bad_before);
		t.check(work_matches(b.s.top.get(), w) == false, "the corrupt WORK never replaced the unit");
	}

	// Back to back: commands with no gap.
	{
		auto w = random_work(r);
		unsigned loads = b.loads;

		b.send(frame(0x01, {}));
		b.send(frame(0x02, w));
		b.send(frame(0x04, {}));
		b.settle();
		auto f = b.frames(t);
		t.check(f.size() == 3 && f[0].type == 0x81 && f[1].type == 0x83 && f[2].type == 0x83,
			"three commands back to back: three answers in order");
		t.check(b.loads == loads + 1 && work_matches(b.s.top.get(), w), "... and the WORK loaded");
	}
	return t.finish();
}
