// pmsim: the simulated board's C ABI (pmsim.h) over the Verilated models of
// rtl/pm_miner_top, one model class per shape (sim/simlib.mk builds them
// with --prefix Vsim_<shape> and passes PMSIM_BAUD_DIV and PMSIM_CLOCK_HZ,
// the parameters every shape shares).
#include "pmsim.h"

#include <cstring>
#include <new>

#include "verilated.h"
#include "Vsim_full.h"
#include "Vsim_rolled.h"

static const pmsim_shape shape_full = {
	"full", "the FULL pipeline: one nonce per clock (fast to simulate)", PMSIM_BAUD_DIV,
	PMSIM_CLOCK_HZ};
static const pmsim_shape shape_rolled = {
	"rolled", "one ROLLED engine, 124 clocks per nonce, two in flight (an iCE40 UP5K's size)", PMSIM_BAUD_DIV,
	PMSIM_CLOCK_HZ};

extern "C" const struct pmsim_shape *const pmsim_shapes[] = {&shape_full, &shape_rolled, nullptr};

struct pmsim {
	const pmsim_shape *shape;
	VerilatedContext ctx;
	uint64_t cycles = 0;

	explicit pmsim(const pmsim_shape *s) : shape(s) {}
	virtual ~pmsim() {}
	virtual void run(const uint8_t *rx, uint8_t *tx, size_t clocks, int rst) = 0;
};

template <class Model> struct board : pmsim {
	Model m;

	explicit board(const pmsim_shape *s) : pmsim(s), m(&ctx)
	{
		m.i_clk = 0;
		m.i_uart_rx = 1;
	}
	~board() override { m.final(); }

	void run(const uint8_t *rx, uint8_t *tx, size_t clocks, int rst) override
	{
		m.i_rst = (uint8_t)rst;
		for (size_t i = 0; i < clocks; i++) {
			m.i_uart_rx = rx ? rx[i] : 1;
			m.i_clk = 0;
			m.eval();
			m.i_clk = 1;
			m.eval();
			if (tx)
				tx[i] = m.o_uart_tx;
		}
		m.i_rst = 0;
		cycles += clocks;
	}
};

extern "C" struct pmsim *pmsim_create(const char *name)
{
	pmsim *sim = nullptr;

	if (!strcmp(name, shape_full.name))
		sim = new (std::nothrow) board<Vsim_full>(&shape_full);
	else if (!strcmp(name, shape_rolled.name))
		sim = new (std::nothrow) board<Vsim_rolled>(&shape_rolled);
	if (sim)
		pmsim_reset(sim);
	return sim;
}

extern "C" void pmsim_destroy(struct pmsim *sim)
{
	delete sim;
}

extern "C" const struct pmsim_shape *pmsim_shape_of(const struct pmsim *sim)
{
	return sim->shape;
}

extern "C" void pmsim_reset(struct pmsim *sim)
{
	sim->run(nullptr, nullptr, 2, 1);
}

extern "C" void pmsim_run(struct pmsim *sim, const uint8_t *rx, uint8_t *tx, size_t clocks)
{
	sim->run(rx, tx, clocks, 0);
}

extern "C" uint64_t pmsim_cycles(const struct pmsim *sim)
{
	return sim->cycles;
}
