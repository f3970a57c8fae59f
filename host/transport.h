/*
 * transport: the byte pipe between the host and one board's UART: the
 * simulated board's pins (transport_sim.c), a serial port
 * (transport_serial.c) or an FTDI channel through libftdi1
 * (transport_ftdi.c). The board driver (device_board.c) speaks the link
 * protocol (link.h) over it. One board's thread alone uses its transport (but for wake).
 *
 * Errors: read and write fail (-1, err) when the device failed or vanished
 * (unplugged, closed, USB error); the driver then backs off and calls
 * reopen until it succeeds, so an unplugged board comes back when it is
 * plugged in again, without a busy loop.
 */
#ifndef PIPEMINER_TRANSPORT_H
#define PIPEMINER_TRANSPORT_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"

struct transport;

struct transport_ops {
	/* Sends all n bytes (waits as needed, at most a second). 0 or -1 + err. */
	int (*write)(struct transport *t, const uint8_t *p, size_t n, char *err, size_t errlen);
	/*
	 * Reads what arrives within timeout_ms (returning as soon as some
	 * bytes did): the count, 0 when none came, -1 + err when the device
	 * failed.
	 */
	int (*read)(struct transport *t, uint8_t *p, size_t cap, int timeout_ms, char *err,
		    size_t errlen);
	/*
	 * Makes a read in progress, or the next one, return (0) promptly. The
	 * one call any thread may make: the device thread's owner uses it to
	 * hand over new work without waiting out a read.
	 */
	void (*wake)(struct transport *t);
	/* Closes and opens the device again (after a failure). 0 or -1 + err. */
	int (*reopen)(struct transport *t, char *err, size_t errlen);
	void (*close)(struct transport *t);
	/*
	 * The board's time in seconds, on which the driver runs its timers
	 * (STATUS requests, acknowledgement deadlines, the watchdog). NULL: the
	 * wall clock (CLOCK_MONOTONIC), right for a real board, which runs
	 * whether or not the host gets the CPU. The simulated board runs only
	 * while its thread runs the model, so its clock leaves out the time
	 * that thread waited for a CPU: a starved simulation is not a silent
	 * board.
	 */
	double (*now)(struct transport *t);
};

struct transport {
	const struct transport_ops *ops;
	char desc[160];        /* "serial /dev/ttyUSB1 @ 3000000 baud" */
	unsigned baud;
	void *priv;
};

/*
 * The simulated board (sim/pmsim.h): "[SHAPE][,flip=P][,hang=S]" (default
 * shape: the first of pmsim_shapes); faults as transport_sim.c describes.
 * 0, or -1 + err.
 */
int transport_sim_open(struct transport *t, const char *spec, char *err, size_t errlen);

/* A serial port: "PATH[@BAUD]" (default 115200). 0, or -1 + err. */
int transport_serial_open(struct transport *t, const char *spec, char *err, size_t errlen);

/*
 * An FTDI channel: "[VID:PID][,index=N][,serial=S][,bus=B,addr=A]
 * [,interface=A|B|C|D][,baud=N]" (defaults: the first FTDI device found,
 * interface B on a two-channel FT2232H (where iCE40 boards put the UART), A
 * otherwise, 115200 baud). 0, or -1 + err.
 */
int transport_ftdi_open(struct transport *t, const char *spec, char *err, size_t errlen);

/*
 * The FTDI devices present, two lines each into out (as `pipeminer devices`
 * prints them). Returns how many, or -1 + err (no USB access); 0 devices is
 * not an error.
 */
int transport_ftdi_list(char *out, size_t outlen, char *err, size_t errlen);

#endif
