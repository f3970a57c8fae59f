/*
 * poolsession: who gets which extranonce1 in `pipeminer pool`, and the
 * sessions a client may resume (mining.subscribe [agent, session id], as
 * cgminer sends and ckpool honours: stratum.md 3).
 *
 * A session id is 8 hex digits, unique for the pool's life (a counter from a
 * random start). Extranonce1 values come from a counter, big-endian in
 * extranonce1_len bytes, so no two sessions share one until the counter
 * wraps (2^(8 * len) sessions). When a client disconnects its session is
 * remembered for POOLSESSION_KEEP seconds; a subscribe naming it within that
 * time gets the same extranonce1 back, once (the record is then taken).
 */
#ifndef PIPEMINER_POOLSESSION_H
#define PIPEMINER_POOLSESSION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "work.h"

#define POOLSESSION_KEEP 600.0        /* seconds a closed session stays resumable */

struct pool_session_rec {
	uint32_t id;
	uint8_t extranonce1[WORK_MAX_EXTRANONCE];
	double closed;                    /* monotonic seconds */
};

struct pool_sessions {
	struct pool_session_rec *v;       /* closed sessions, oldest first */
	size_t n, cap;
	size_t extranonce1_len;
	uint64_t next_extranonce1;
	uint32_t next_id;
};

/* Empty registry; seed picks the first session id. Never fails. */
void poolsessions_init(struct pool_sessions *s, size_t extranonce1_len, uint32_t seed);
void poolsessions_release(struct pool_sessions *s);

/* A new session: its id and extranonce1 (extranonce1_len bytes). Never fails. */
void poolsessions_new(struct pool_sessions *s, uint32_t *id, uint8_t *extranonce1);

/* A fresh extranonce1 (mining.set_extranonce). Never fails. */
void poolsessions_next_extranonce1(struct pool_sessions *s, uint8_t *extranonce1);

/*
 * Resumes session `id` if it closed less than POOLSESSION_KEEP seconds
 * before `now`: true, with its extranonce1, and the record is taken.
 */
bool poolsessions_resume(struct pool_sessions *s, uint32_t id, double now,
			 uint8_t *extranonce1);

/*
 * Remembers a closed session. Records older than POOLSESSION_KEEP go first.
 * -1 when out of memory (the session is then simply not resumable).
 */
int poolsessions_closed(struct pool_sessions *s, uint32_t id, const uint8_t *extranonce1,
			double now);

#endif
