/*
 * tb_common: what every Verilator bench in sim/ shares: TAP output (the
 * lines tests/run.sh counts), a seeded RNG, waveforms on request (the
 * environment variable PM_WAVE names an FST file; `make wave TEST=...`
 * builds the traced model and sets it), and the host's C reference, which
 * the benches link (host/sha256.h and friends, compiled as C).
 */
#ifndef PIPEMINER_TB_COMMON_H
#define PIPEMINER_TB_COMMON_H

#include <cstdarg>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>

#include "verilated.h"
#if VM_TRACE
#include "verilated_fst_c.h"
#endif

extern "C" {
#include "hex.h"
#include "sha256.h"
#include "sha256d.h"
#include "target.h"
#include "work.h"
}

/* TAP: one "ok N - name" or "not ok N - name" per check, "1..N" at the end. */
struct tap {
	int n = 0, failed = 0;

	bool check(bool ok, const char *fmt, ...) __attribute__((format(printf, 3, 4)))
	{
		va_list ap;

		n++;
		printf("%sok %d - ", ok ? "" : "not ", n);
		va_start(ap, fmt);
		vprintf(fmt, ap);
		va_end(ap);
		putchar('\n');
		fflush(stdout);
		failed += !ok;
		return ok;
	}

	/* A diagnostic line (TAP comment). */
	void note(const char *fmt, ...) __attribute__((format(printf, 2, 3)))
	{
		va_list ap;

		printf("# ");
		va_start(ap, fmt);
		vprintf(fmt, ap);
		va_end(ap);
		putchar('\n');
	}

	int finish()
	{
		printf("1..%d\n", n);
		return failed ? 1 : 0;
	}
};

/* xorshift64*: deterministic per bench. */
struct rng {
	uint64_t s;

	explicit rng(uint64_t seed) : s(seed ? seed : 1) {}
	uint64_t next()
	{
		s ^= s >> 12;
		s ^= s << 25;
		s ^= s >> 27;
		return s * 0x2545f4914f6cdd1dull;
	}
	uint32_t word() { return (uint32_t)(next() >> 32); }
};

/*
 * A model and its context with a clock: tick() is one rising edge (the
 * model's i_clk port), and waveforms are written when PM_WAVE is set and the
 * model was built with tracing.
 */
template <class Model> struct sim {
	std::unique_ptr<VerilatedContext> ctx;
	std::unique_ptr<Model> top;
#if VM_TRACE
	std::unique_ptr<VerilatedFstC> trace;
#endif
	uint64_t cycles = 0;

	explicit sim(int argc, char **argv) : ctx(new VerilatedContext)
	{
		ctx->commandArgs(argc, argv);
		top.reset(new Model(ctx.get()));
#if VM_TRACE
		if (const char *wave = getenv("PM_WAVE")) {
			ctx->traceEverOn(true);
			trace.reset(new VerilatedFstC);
			top->trace(trace.get(), 99);
			trace->open(wave);
		}
#endif
	}

	~sim()
	{
		top->final();
#if VM_TRACE
		if (trace)
			trace->close();
#endif
	}

	void eval()
	{
		top->eval();
#if VM_TRACE
		if (trace)
			trace->dump(ctx->time());
#endif
	}

	void tick()
	{
		top->i_clk = 0;
		eval();
		ctx->timeInc(1);
		top->i_clk = 1;
		eval();
		ctx->timeInc(1);
		cycles++;
	}
};

#endif
