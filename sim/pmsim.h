/*
 * pmsim: the simulated board. Verilator's model of rtl/pm_miner_top, the
 * same top every board instantiates, behind a small C ABI so the daemon's
 * C code drives its UART pins (host/transport_sim.c speaks the UART, bit
 * by bit, over it). Each shape is its own model class, built by
 * sim/simlib.mk with the parameters listed in pmsim.cpp.
 *
 * Time is clock cycles of the model; it runs only inside pmsim_run, as
 * fast as the host's CPU allows. One thread uses a board at a time;
 * several boards are independent.
 */
#ifndef PIPEMINER_PMSIM_H
#define PIPEMINER_PMSIM_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

struct pmsim;

struct pmsim_shape {
	const char *name;         /* "rolled", "full" */
	const char *what;         /* one line for --help and `pipeminer devices` */
	unsigned baud_div;        /* clock cycles per UART bit */
	unsigned clock_hz;        /* the CLOCK_HZ the model reports in IDENTITY */
};

/* The shapes built into this binary, NULL-terminated; the first is the default. */
extern const struct pmsim_shape *const pmsim_shapes[];

/* A board of the named shape, out of reset; NULL if no such shape (or no memory). */
struct pmsim *pmsim_create(const char *shape);

void pmsim_destroy(struct pmsim *sim);

const struct pmsim_shape *pmsim_shape_of(const struct pmsim *sim);

/* Holds reset for two cycles (the board's power-on). */
void pmsim_reset(struct pmsim *sim);

/*
 * Runs `clocks` cycles: before cycle i the board's RX pin is rx[i] (0 or 1),
 * after it tx[i] gets the TX pin. rx may be NULL (the line idles high).
 */
void pmsim_run(struct pmsim *sim, const uint8_t *rx, uint8_t *tx, size_t clocks);

/* Cycles run since creation. */
uint64_t pmsim_cycles(const struct pmsim *sim);

#ifdef __cplusplus
}
#endif

#endif
