/*
 * device: the interface every hasher implements (struct device_ops), and the
 * work unit and events that cross it. One file per driver fills in the ops:
 * device_cpu.c, and device_board.c for the boards (simulated, serial, FTDI).
 *
 * Contract, the same for every driver:
 *  - The caller gives a work unit: midstate, tail (sha256d.h), a nonce range
 *    and the share filter's zero bits, under a tag of its choice. Sending a
 *    unit replaces the one in progress; abort stops it.
 *  - The device reports candidate nonces, each with the tag of the unit it
 *    was found in, and a DONE event when the range is exhausted. Results of a
 *    replaced unit may still arrive, but always under their old tag.
 *  - Candidates are not trusted: the caller re-hashes each one (work_hash)
 *    and counts a nonce that fails as a hardware error.
 *  - One thread drives a device (open, send_work, abort, poll, status,
 *    close); a driver may run helper threads of its own behind it. Only
 *    wake may be called from another thread.
 */
#ifndef PIPEMINER_DEVICE_H
#define PIPEMINER_DEVICE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "err.h"

struct work_unit {
	uint32_t tag;
	uint32_t midstate[8];
	uint32_t tail[3];
	uint32_t nonce_start;
	uint64_t nonce_count;   /* 1 .. 2^32 */
	unsigned zero_bits;     /* share filter, 0 .. 32 */
};

enum device_event_kind {
	DEVICE_NONCE,   /* a candidate nonce of unit `tag` */
	DEVICE_DONE,    /* unit `tag` hashed its whole range (`hashes` of them), or
			   ended early because the device failed (hashes 0) */
	DEVICE_LOST,    /* `hashes` results the device found never arrived intact
			   (corrupt frames): hardware errors, so none goes uncounted */
};

struct device_event {
	enum device_event_kind kind;
	uint32_t tag;
	uint32_t nonce;
	uint64_t hashes;
};

struct device_status {
	uint64_t hashes;        /* nonces hashed since open, all units */
	bool busy;              /* a unit is in progress */
	uint32_t tag;           /* the unit in progress, when busy */
};

/* What the driver says of itself after open. */
struct device_info {
	char kind[16];          /* "cpu", "sim", ... */
	char path[16];          /* hashing path or engine shape, e.g. "shani" */
	unsigned parallel;      /* threads, or engines */
};

/* Settings a driver may honour. */
struct device_config {
	unsigned threads;       /* cpu: hashing threads (0 = one per core) */
	const char *path;       /* cpu: kernel name (NULL = fastest here) */
};

struct device;

struct device_ops {
	const char *name;
	/* `arg` is the text after "name:" in --device, or "". 0 or -1 + err. */
	int (*open)(struct device *dev, const char *arg,
		    const struct device_config *cfg, char *err, size_t errlen);
	int (*send_work)(struct device *dev, const struct work_unit *wu);
	int (*abort)(struct device *dev);
	/* Waits up to timeout_ms for events; returns how many (0..max) or -1. */
	int (*poll)(struct device *dev, struct device_event *ev, int max, int timeout_ms);
	int (*status)(struct device *dev, struct device_status *st);
	/*
	 * Optional (NULL: poll's timeout is short enough). The one op another
	 * thread may call: makes a poll in progress, or the next one, return
	 * promptly, so new work goes out at once.
	 */
	void (*wake)(struct device *dev);
	void (*close)(struct device *dev);
};

struct device {
	const struct device_ops *ops;
	struct device_info info;
	void *priv;             /* the driver's */
};

/*
 * Opens "name[:arg]" (e.g. "cpu") with the driver of that name. Returns 0, or
 * -1 with err naming the problem (unknown driver, or the driver's reason).
 */
int device_open(struct device *dev, const char *spec,
		const struct device_config *cfg, char *err, size_t errlen);

/* Closes the device and frees what the driver holds. */
void device_close(struct device *dev);

extern const struct device_ops device_cpu_ops;
extern const struct device_ops device_sim_ops, device_serial_ops, device_ftdi_ops;

#endif
