/*
 * stratum: the Stratum v1 client protocol as a pure state machine. Lines
 * from the pool go in (stratum_on_line), lines for the pool come out
 * (stratum_output), and what happened comes out as events. No sockets, no
 * clock, no threads: tests drive it with recorded sessions
 * (tests/unit/test_stratum.c), and the network loop (miner.c) owns the
 * connection and one struct stratum per pool connection.
 *
 * Session, in the order the lines go out when stratum_start() is called on
 * a fresh connection (requests are pipelined, not waited for; BIP 310 asks
 * for mining.configure first):
 *   mining.configure      when version rolling or extranonce subscription or a
 *                         minimum difficulty is wanted: "version-rolling"
 *                         (mask, min-bit-count), "subscribe-extranonce",
 *                         "minimum-difficulty" (value)
 *   mining.subscribe      [agent] or [agent, session id] to resume the last
 *                         session; if the pool answers the resume with an
 *                         error, a fresh [agent] subscribe follows
 *   mining.extranonce.subscribe   (NiceHash), when extranonce_subscribe
 *   mining.authorize      [user, pass]
 *   mining.suggest_difficulty     once, after the authorize result, when set
 *
 * What it understands, and how:
 *  - Messages are dispatched on the presence of "method", never on the id:
 *    pools send requests with ids (client.get_version, mining.ping) and
 *    notifications with or without them.
 *  - Responses are matched to requests by id; ids are unique 32-bit values
 *    (a counter from 1, skipping 0 and any still pending).
 *  - Subscribe results in every known shape: two subscriptions (slush), one
 *    (ckpool), a flat ["mining.notify", id] pair (p2pool); extranonce1 may be
 *    empty; extranonce2_size must be 1..16. STRATUM_EV_SUBSCRIBED says
 *    whether the session was resumed: the resume was asked for and the pool
 *    gave back the same extranonce1, so earlier jobs may still be valid.
 *  - mining.set_difficulty applies to the next mining.notify (every job
 *    carries its own difficulty; the default before any is 1); the value must
 *    be finite and > 0. mining.notify builds a job (STRATUM_EV_JOB) with the
 *    session's extranonce1/size, difficulty and version mask; clean_jobs, or
 *    a prevhash different from the last job's, marks it clean.
 *  - mining.set_extranonce [extranonce1, size] applies to jobs from the next
 *    notify on (STRATUM_EV_EXTRANONCE tells the owner to rebuild work);
 *    mining.set_version_mask applies at once (STRATUM_EV_VERSION_MASK).
 *  - mining.submit results: result true is accepted; anything else is
 *    rejected, with the reason from an error in any shape: [code, msg, tb],
 *    {"code", "message"}, a bare string, or ckpool's "reject-reason".
 *  - client.reconnect [host, port, wait]: only to the same host (or none
 *    given; compared case-insensitively with cfg.host); anything else is
 *    ignored with a STRATUM_EV_MESSAGE saying so. STRATUM_EV_RECONNECT
 *    carries the port (0 = unchanged) and the wait in seconds. client.get_version
 *    and mining.ping are answered; client.show_message is an event.
 *  - Anything malformed (invalid JSON, a line that is not an object, wrong
 *    types, bad hex, a difficulty of 0, NaN, infinite or below 0, an
 *    extranonce2_size of 0 or above 16, a message with neither method nor
 *    id) makes stratum_on_line() fail with a sentence naming it; the owner
 *    drops the connection and reconnects. Nothing here crashes or changes
 *    state on a message it refuses. A response whose id matches no pending
 *    request is ignored (some pools answer twice); unknown methods are
 *    ignored, and answered with a "Method not found" error when they carry
 *    an id.
 */
#ifndef PIPEMINER_STRATUM_H
#define PIPEMINER_STRATUM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "err.h"
#include "job.h"
#include "work.h"

#define STRATUM_MAX_LINE 65536          /* bytes, newline included */
#define STRATUM_DEFAULT_VERSION_MASK 0x1fffe000u  /* BIP 320's general bits */
#define STRATUM_MAX_PENDING 1024        /* requests awaiting an answer */
#define STRATUM_REASON_LEN 128

struct stratum_config {
	const char *agent;          /* "pipeminer/0.1.0" */
	const char *host;           /* the pool's host, to vet client.reconnect */
	const char *user, *pass;
	unsigned pool;              /* copied into every job */
	bool version_rolling;       /* ask for BIP 310 version rolling */
	uint32_t version_mask;      /* the mask to ask for (default above) */
	bool extranonce_subscribe;  /* configure + mining.extranonce.subscribe */
	double suggest_diff;        /* > 0: mining.suggest_difficulty after authorize */
	double min_diff;            /* > 0: "minimum-difficulty" in mining.configure */
};

enum stratum_state {
	STRATUM_IDLE,        /* not started, or after stratum_reset() */
	STRATUM_SUBSCRIBING, /* waiting for the subscribe result */
	STRATUM_AUTHORIZING, /* subscribed, waiting for the authorize result */
	STRATUM_READY,       /* authorized: jobs count and shares may be submitted */
};

enum stratum_event_kind {
	STRATUM_EV_SUBSCRIBED,    /* extranonce known; ev.resumed: same session as before */
	STRATUM_EV_READY,         /* authorized */
	STRATUM_EV_AUTH_FAILED,   /* the pool refused the worker: fail over */
	STRATUM_EV_JOB,           /* ev.job: a new job, now owned by the taker */
	STRATUM_EV_EXTRANONCE,    /* new extranonce1/size: rebuild work (next notify) */
	STRATUM_EV_VERSION_MASK,  /* ev.mask: the mask now in force (0 = none) */
	STRATUM_EV_DIFFICULTY,    /* ev.difficulty: set for the next job */
	STRATUM_EV_SHARE,         /* ev.share_id answered: ev.accepted, ev.reason */
	STRATUM_EV_RECONNECT,     /* ev.port (0 = same), ev.wait seconds */
	STRATUM_EV_MESSAGE,       /* ev.text: client.show_message, to log */
};

struct stratum_event {
	enum stratum_event_kind kind;
	struct job *job;
	uint32_t mask;
	double difficulty;
	uint64_t share_id;
	bool accepted;
	char reason[STRATUM_REASON_LEN];   /* reject reason, or message text */
	unsigned port, wait;
	bool resumed;
};

/* One share, as mining.submit carries it. */
struct stratum_share {
	uint64_t id;                           /* the caller's, echoed in the event */
	const char *job_id;
	uint8_t extranonce2[WORK_MAX_EXTRANONCE];
	size_t extranonce2_len;
	uint32_t ntime, nonce;
	uint32_t version_bits;                 /* sent only when a mask is in force */
};

struct stratum_pending;   /* private: the requests awaiting an answer */

struct stratum {
	struct stratum_config cfg;
	enum stratum_state state;
	uint64_t session;            /* incremented by stratum_start() */
	uint32_t next_id;
	struct stratum_pending *pending;
	char *out;                   /* lines waiting to be sent (malloc'd) */
	size_t out_len, out_cap;
	/* What the pool told us on this connection. */
	uint8_t extranonce1[WORK_MAX_EXTRANONCE];
	size_t extranonce1_len;
	size_t extranonce2_len;
	char session_id[128];        /* for a resuming subscribe; kept across resets */
	double difficulty, next_difficulty;
	bool have_next_difficulty;
	uint32_t version_mask;       /* in force now */
	uint8_t last_prevhash[32];   /* to notice a new block without clean_jobs */
	bool have_prevhash;
	bool suggested, resuming;
};

/* Sets up s (IDLE); copies cfg (its strings must outlive s). Never fails. */
void stratum_init(struct stratum *s, const struct stratum_config *cfg);

/* Frees what s holds. */
void stratum_release(struct stratum *s);

/* A connection is up: queue the opening requests; state SUBSCRIBING. */
void stratum_start(struct stratum *s);

/*
 * The connection is gone: forget pending requests (their share ids are
 * returned through *lost, up to max_lost; the count is returned) and the
 * output queue; state IDLE. The session id is kept for resuming.
 */
size_t stratum_reset(struct stratum *s, uint64_t *lost, size_t max_lost);

/*
 * One line from the pool (without its newline). Appends events to ev
 * (capacity max_ev, at most 4 per line) and sets *nev. Returns 0, or -1
 * with err naming what was wrong, in which case the caller drops the
 * connection (events already appended before the failure stay valid).
 */
int stratum_on_line(struct stratum *s, const char *line, size_t len,
		    struct stratum_event *ev, size_t max_ev, size_t *nev,
		    char *err, size_t errlen);

/*
 * Queues mining.submit for a share. Fails (-1, err) unless READY, or when
 * the share is not of this session's shape (extranonce2 length).
 */
int stratum_submit(struct stratum *s, const struct stratum_share *share,
		   char *err, size_t errlen);

/* Lines waiting to go out: *data points to len bytes (valid until the next call). */
size_t stratum_output(const struct stratum *s, const char **data);

/* The first n bytes of the output were sent. */
void stratum_output_consumed(struct stratum *s, size_t n);

/* Requests still unanswered (for silence detection). */
size_t stratum_pending_count(const struct stratum *s);

#endif
