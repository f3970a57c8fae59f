/*
 * devthread: one thread per device, and the queue their results come back
 * through. The thread alone touches its device handle (style.md rule 7); the
 * network loop talks to it through a one-slot mailbox (the next work unit,
 * or an abort) and hears back through a shared result queue whose pipe wakes
 * poll(2). Results are nonces (with the unit's tag), unit completions, and
 * hash counts read from the device's own counter twice a second.
 *
 * The result queue is bounded; a full queue makes device threads wait, so
 * nothing a device finds is dropped.
 */
#ifndef PIPEMINER_DEVTHREAD_H
#define PIPEMINER_DEVTHREAD_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "device.h"
#include "err.h"

enum devresult_kind {
	DEVRESULT_NONCE,    /* a candidate of unit `tag` */
	DEVRESULT_DONE,     /* unit `tag` finished its range */
	DEVRESULT_HASHES,   /* `hashes` more nonces hashed since the last report */
	DEVRESULT_LOST,     /* `hashes` results lost on the way (hardware errors) */
};

struct devresult {
	enum devresult_kind kind;
	unsigned device;
	uint32_t tag, nonce;
	uint64_t hashes;
};

#define RESULTQ_CAP 8192

struct resultq {
	pthread_mutex_t lock;       /* guards head, count, items */
	pthread_cond_t room;        /* producers wait here when full */
	struct devresult items[RESULTQ_CAP];
	size_t head, count;
	int wake[2];                /* pipe: a byte is written when count goes 0 -> 1 */
};

/* 0, or -1 with err (no pipe). */
int resultq_init(struct resultq *q, char *err, size_t errlen);
void resultq_release(struct resultq *q);

/* The fd poll(2) watches for results. */
static inline int resultq_fd(const struct resultq *q)
{
	return q->wake[0];
}

/* Takes up to max results (non-blocking); drains the wake pipe. */
size_t resultq_take(struct resultq *q, struct devresult *out, size_t max);

struct devthread {
	unsigned index;
	struct device dev;
	struct resultq *results;
	pthread_t thread;
	bool started;
	pthread_mutex_t lock;       /* guards next, have_next, abort_now, stopping, exited */
	struct work_unit next;
	bool have_next, abort_now, stopping, exited;
	/* Owned by the network loop. */
	bool has_unit;
	uint32_t unit_tag;
	uint64_t hashes;            /* by the device's own counter */
	uint64_t hw_errors;         /* bad, duplicate or lost results */
	uint64_t shares;            /* results that were shares */
	double last_share;          /* when the last one came (0: never) */
};

/*
 * Opens device `spec` (in the calling thread, so errors are reported at
 * start-up) and starts its thread. 0, or -1 with err.
 */
int devthread_start(struct devthread *t, unsigned index, const char *spec,
		    const struct device_config *cfg, struct resultq *results,
		    char *err, size_t errlen);

/* Hands the device its next unit (replacing any not yet taken); wakes its
   thread. Ignored once the thread is joined. */
void devthread_give(struct devthread *t, const struct work_unit *wu);

/* Asks the device to stop its current unit. */
void devthread_abort(struct devthread *t);

/*
 * Stopping is two-phase so no result is lost: devthread_request_stop() on
 * every thread, then drain the result queue until devthread_exited() says
 * each thread is gone (a thread may be waiting for room in the queue), then
 * devthread_join() (joins and closes the device) and drain once more.
 */
void devthread_request_stop(struct devthread *t);
bool devthread_exited(struct devthread *t);
void devthread_join(struct devthread *t);

#endif
