/*
 * scheduler: jobs in, work units out; candidate nonces in, shares out. The
 * one place that decides what every nonce a device finds becomes:
 *
 *   a hardware error  the host's re-hash of the unit's header does not have
 *                     the zero bits the device's filter promised, or the
 *                     device reported the same nonce twice;
 *   work              a valid hash below the share target: it counts as
 *                     diff-1 work for the hash rate, nothing is sent;
 *   a share           queued for its pool, then submitted, then accepted or
 *                     rejected (with the pool's reason);
 *   stale             its job is gone: a clean job or a new block replaced
 *                     it, or its pool's session ended without being resumed,
 *                     or it waited too long for its pool to come back.
 *
 * Jobs: the scheduler owns every job it is given. A clean job drops the
 * other jobs of its pool; a pool session that ends without resuming drops
 * all of that pool's jobs; each pool keeps its newest SCHED_JOBS_PER_POOL.
 * Shares queued for a dropped job are counted stale.
 *
 * Work units: each unit is the full 2^32 nonce range of one header, made from
 * the newest job of a pool: extranonce2 from a counter (little-endian, as
 * cgminer writes it), version bits rolled within the job's negotiated mask
 * (BIP 310; each rolled version is its own header and midstate), ntime
 * rolled forward by the job's age (at most 600 s). The device's share filter
 * is the number of zero bits every hash at or below the job's share target
 * has (at most 32). Units are remembered by tag, so a nonce is verified
 * against exactly the header it was found in.
 *
 * Single-threaded: the network loop calls everything here.
 */
#ifndef PIPEMINER_SCHEDULER_H
#define PIPEMINER_SCHEDULER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "device.h"
#include "job.h"
#include "stats.h"
#include "stratum.h"
#include "work.h"

#define SCHED_MAX_POOLS 8
#define SCHED_JOBS_PER_POOL 16
#define SCHED_MAX_UNITS 4096       /* work units remembered by tag */
#define SCHED_MAX_SHARES 4096      /* queued or awaiting an answer */
#define SCHED_SEEN 16384           /* recent shares remembered against duplicates */
#define SCHED_MAX_NTIME_ROLL 600

enum sched_verdict {
	SCHED_HW_ERROR,
	SCHED_WORK,          /* valid, below the share target */
	SCHED_SHARE,         /* queued for submission */
	SCHED_STALE,
	SCHED_DUPLICATE,     /* counted as a hardware error, never sent */
};

/* What a work unit was made from. */
struct sched_unit {
	uint32_t tag;
	bool used;
	unsigned pool;
	uint64_t job_serial;
	char job_id[NOTIFY_MAX_JOB_ID + 1];
	uint8_t extranonce2[WORK_MAX_EXTRANONCE];
	size_t extranonce2_len;
	uint32_t ntime, version, version_bits;
	unsigned zero_bits;
	double difficulty;
	uint8_t share_target[32], nbits_target[32];
	struct work work;
};

enum sched_share_state { SHARE_FREE, SHARE_QUEUED, SHARE_SUBMITTED };

struct sched_share {
	enum sched_share_state state;
	uint64_t id;
	unsigned pool;
	uint64_t job_serial;
	char job_id[NOTIFY_MAX_JOB_ID + 1];
	uint8_t extranonce2[WORK_MAX_EXTRANONCE];
	size_t extranonce2_len;
	uint32_t ntime, nonce, version_bits;
	double difficulty;           /* the job's share difficulty */
	double found_at, submitted_at;
};

struct sched_pool_jobs {
	struct job *job[SCHED_JOBS_PER_POOL];   /* oldest first */
	uint64_t serial[SCHED_JOBS_PER_POOL];
	size_t n;
	uint64_t session;                       /* the session the jobs belong to */
};

struct scheduler {
	struct stats *stats;
	struct sched_pool_jobs pools[SCHED_MAX_POOLS];
	uint64_t next_serial;
	uint64_t unit_counter;                  /* extranonce2 and version rolling */
	uint32_t next_tag;
	struct sched_unit *units;               /* SCHED_MAX_UNITS, by tag */
	struct sched_share *shares;             /* SCHED_MAX_SHARES */
	uint64_t next_share_id;
	uint64_t *seen;                         /* SCHED_SEEN fingerprints, a ring */
	size_t seen_next;
	uint64_t blocks_found;
};

/* 0, or -1 when out of memory. */
int sched_init(struct scheduler *s, struct stats *stats);
void sched_release(struct scheduler *s);

/* Takes a job from a pool (ownership passes), stamped with `now`. */
void sched_add_job(struct scheduler *s, struct job *job, double now);

/*
 * A pool's new connection is subscribed. With `resumed` (same session, same
 * extranonce1) its jobs and queued shares stay, relabelled to `session`;
 * otherwise they are dropped and their shares counted stale.
 */
void sched_pool_session(struct scheduler *s, unsigned pool, uint64_t session, bool resumed);

/* The newest job of a pool, or NULL. */
const struct job *sched_newest(const struct scheduler *s, unsigned pool);

/* The next unit from pool's newest job: 0, or -1 when it has no job. */
int sched_make_unit(struct scheduler *s, unsigned pool, double now, struct work_unit *wu);

/* Verifies and files a candidate nonce from a device; see the top comment. */
enum sched_verdict sched_on_nonce(struct scheduler *s, uint32_t tag, uint32_t nonce,
				  double now);

/*
 * Up to max shares queued for (pool, session), as mining.submit needs them;
 * they become SUBMITTED at `now`. out[i].job_id points into the scheduler
 * and stays valid until the next call.
 */
size_t sched_take_shares(struct scheduler *s, unsigned pool, uint64_t session,
			 struct stratum_share *out, size_t max, double now);

/* The pool answered share `id`. Unknown ids are ignored. */
void sched_on_result(struct scheduler *s, uint64_t id, bool accepted, const char *reason);

/* Shares submitted on a connection that dropped: queued again. */
void sched_requeue(struct scheduler *s, const uint64_t *ids, size_t n);

/*
 * Queued shares older than max_age seconds are counted stale. Returns how
 * many submitted shares of `pool` have waited for an answer longer than
 * answer_timeout (a silent pool).
 */
size_t sched_expire(struct scheduler *s, unsigned pool, double now, double max_age,
		    double answer_timeout);

/* Shares queued or awaiting an answer, all pools. */
size_t sched_in_flight(const struct scheduler *s);

#endif
