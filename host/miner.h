/*
 * miner: the mining daemon. One struct miner made by cmd_mine and passed
 * down (style.md rule 6); this thread runs the network loop, which owns the
 * pools (sockets and Stratum sessions), the scheduler and the stats; each
 * device runs in its own thread (devthread) and talks to the loop through a
 * mailbox and the result queue.
 *
 * The loop, until *stop is set (SIGINT, SIGTERM) or --run-for passes:
 *   poll(the result queue's pipe, every pool's socket; timeout = next timer)
 *   device results -> scheduler (verify nonces, queue shares), new units
 *                     for devices that finished theirs
 *   pool sockets   -> Stratum lines -> jobs and share verdicts; queued shares
 *                     are submitted to the pool (and session) of their job
 *   timers         -> reconnects, silence checks, share expiry, hash-rate
 *                     averages, the status line on stderr
 *   active pool    -> pools_choose(); a new active pool or a new job from it
 *                     gives every device a fresh unit
 * Then it stops the devices without losing a result (every nonce found is
 * verified), gives the pools a moment to take queued shares and answer,
 * counts what is still queued as stale, and prints the summary:
 *   summary: accepted=N rejected=N stale=N hw_errors=N hashes=N
 */
#ifndef PIPEMINER_MINER_H
#define PIPEMINER_MINER_H

#include <signal.h>

#include "devthread.h"
#include "options.h"
#include "pool.h"
#include "scheduler.h"
#include "stats.h"

struct miner {
	const struct miner_options *opt;
	struct pool pools[POOL_MAX];
	unsigned npools;
	struct devthread devs[OPTIONS_MAX_DEVICES];
	unsigned ndevs;
	struct resultq results;
	struct scheduler sched;
	struct stats stats;
	int active;                  /* the pool devices hash for, -1 = none */
	double next_status;
	double next_devices;         /* the per-device lines, every 30 s */
	double started;
};

/*
 * Runs the daemon until *stop is set or the run time passes. Returns 0 after
 * a normal stop (the summary printed), or -1 with err when start-up failed
 * (a pool URL, a device that would not open).
 */
int miner_run(struct miner *m, const struct miner_options *opt,
	      volatile sig_atomic_t *stop, char *err, size_t errlen);

#endif
