/*
 * pool: the pools the daemon mines for, in priority order (cgminer's
 * convention: the first -o is the first choice). Each pool owns its
 * connection (conn) and its Stratum session (stratum) and feeds the
 * scheduler; pools_choose() picks the one whose jobs the devices hash.
 *
 * Every pool stays connected (so a failover needs no connect and a failback
 * is noticed at once). A pool is healthy when it is authorized and has sent
 * a job in the last job_timeout seconds. It is dropped and reconnected when
 * the connection fails, when a line is malformed or too long, when it stops
 * sending jobs (job_timeout) or stops answering submits (answer_timeout), or
 * when it asks (client.reconnect, same host only, after its wait).
 * Reconnects back off exponentially, 1 s doubling to 60 s by default, each
 * delay scaled by a random factor in [0.5, 1) so many miners do not return
 * at the same instant; a successful authorization resets the back-off.
 *
 * The active pool is the first healthy one in priority order, except that a
 * pool better than the current one must have been healthy for
 * failback_delay seconds before the devices move back to it. Shares always
 * go to the pool (and session) their job came from.
 *
 * Single-threaded: the network loop owns every pool.
 */
#ifndef PIPEMINER_POOL_H
#define PIPEMINER_POOL_H

#include <poll.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "conn.h"
#include "err.h"
#include "scheduler.h"
#include "stratum.h"

#define POOL_MAX 8

/* What the user configured for one pool. */
struct pool_config {
	const char *url, *user, *pass;
};

/* The settings all pools share (miner options). */
struct pool_options {
	const char *agent;
	struct conn_tls tls;
	bool version_rolling;
	bool extranonce_subscribe;
	double suggest_diff, min_diff;
	double job_timeout;        /* seconds without a job: silent (default 120) */
	double answer_timeout;     /* seconds a submit may wait for its answer (60) */
	double backoff_min, backoff_max;   /* reconnect delays (1, 60) */
	double failback_delay;     /* a better pool must be healthy this long (10) */
	double share_max_age;      /* a queued share waits this long for its pool (300) */
};

enum pool_state {
	POOL_WAITING,     /* disconnected; reconnect at next_attempt */
	POOL_CONNECTING,  /* connection or handshake or subscribe/authorize under way */
	POOL_READY,       /* authorized */
};

struct pool {
	unsigned index;
	const struct pool_config *cfg;
	const struct pool_options *opt;
	struct conn_url url;
	struct stratum st;
	struct conn *conn;
	enum pool_state state;
	double next_attempt, connected_at, ready_at, last_job, healthy_since;
	unsigned failures;            /* consecutive, for the back-off */
	unsigned port_override;       /* from client.reconnect, 0 = none */
	uint64_t rng;                 /* jitter */
	char last_error[ERR_LEN];
	uint64_t accepted, rejected;  /* answered shares, for the status line */
};

/* What pool_service noticed, for the network loop. */
enum {
	POOL_NEW_JOB = 1 << 0,        /* a job arrived (maybe new work for devices) */
	POOL_CHANGED = 1 << 1,        /* ready or down: re-choose the active pool */
};

/* Parses the URL and sets p up (WAITING, connect now); 0 or -1 with err. */
int pool_init(struct pool *p, unsigned index, const struct pool_config *cfg,
	      const struct pool_options *opt, char *err, size_t errlen);
void pool_release(struct pool *p);

/* The pollfd for p (fd -1 when it has no connection). */
void pool_pollfd(const struct pool *p, struct pollfd *pfd);

/*
 * After poll: drives the connection, feeds every complete line to the
 * Stratum session, hands events to the scheduler, submits queued shares,
 * flushes output. On any failure the pool is dropped and scheduled to
 * reconnect. Returns POOL_* flags.
 */
int pool_service(struct pool *p, short revents, struct scheduler *sched, double now);

/* Timers: connect when due, detect silence, expire shares. Returns POOL_* flags. */
int pool_timers(struct pool *p, struct scheduler *sched, double now);

/* Authorized and a job within job_timeout. */
bool pool_healthy(const struct pool *p, double now);

/*
 * The pool the devices should hash for: the index, or -1 when none is
 * healthy. `current` is the active one now (-1 for none).
 */
int pools_choose(const struct pool *pools, unsigned n, int current, double now);

/* Seconds until p's next timer (connect, silence check), capped at `cap`. */
double pool_next_timer(const struct pool *p, double now, double cap);

#endif
