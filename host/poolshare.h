/*
 * poolshare: how `pipeminer pool` judges a mining.submit. Pure: no I/O, no
 * clock; the session state it reads and writes is passed in, so tests drive
 * it with real hashes (tests/unit/test_poolshare.c).
 *
 * Checks, in this order; the first that fails is the verdict
 * (stratum.md 1 and 6.4):
 *   25 "Not subscribed"
 *   20 "Invalid params"           params is not an array
 *   24 "Unauthorized worker"      params[0] is not a worker authorized here
 *   20 "Invalid params"           not 5 or 6 strings (a null 6th is absent),
 *                                 extranonce2 not hex, ntime/nonce/version_bits
 *                                 not 8 hex digits
 *   21 "Job not found"            an id this session was never sent (or sent
 *                                 so long ago it was forgotten): REJECTED;
 *                                 a job of an earlier block: STALE
 *   20 "Invalid extranonce2 size"
 *   20 "Ntime out of range"       outside [job ntime, job ntime + 7000]
 *   20 "Invalid version bits"     version_bits without version rolling
 *                                 negotiated, or bits outside the mask
 *   22 "Duplicate share"          the same job, extranonce1, extranonce2,
 *                                 ntime, nonce and header version as a share
 *                                 accepted before: DUPLICATE
 *   23 "Low difficulty share"     the header's hash is above the share target
 *                                 of the difficulty the job was sent with
 * Rebuild (work.h): coinbase = coinb1 || extranonce1 (the one the job was
 * sent with) || extranonce2 || coinb2, merkle root, header with version
 * (job_version & ~mask) | (bits & mask) (BIP 310), SHA-256d.
 *
 * Every job a session is sent is recorded with its difficulty and
 * extranonce1 (ckpool's way: a share is held to the difficulty of its job,
 * so a change never rejects work in flight).
 */
#ifndef PIPEMINER_POOLSHARE_H
#define PIPEMINER_POOLSHARE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <cjson/cJSON.h>

#include "pooljobs.h"
#include "work.h"

#define POOLSHARE_MAX_WORKERS 16      /* authorized names per connection */
#define POOLSHARE_WORKER_LEN 128      /* bytes, NUL included */
#define POOLSHARE_SENT 64             /* jobs remembered per session */
#define POOLSHARE_NTIME_WINDOW 7000   /* seconds past the job's ntime (ckpool) */
#define POOLSHARE_MAX_SEEN (1u << 20) /* accepted shares remembered per block */

enum poolshare_kind {
	POOLSHARE_ACCEPTED,
	POOLSHARE_REJECTED,
	POOLSHARE_STALE,
	POOLSHARE_DUPLICATE,
};

/* One job as sent to this session. */
struct poolshare_sent {
	uint64_t id;                        /* the job id the client saw, as hex */
	struct pool_job *job;               /* a reference; NULL: free slot */
	double difficulty;
	uint8_t extranonce1[WORK_MAX_EXTRANONCE];
	size_t extranonce1_len;
};

/* What makes two submissions the same share (zero-padded, compared whole). */
struct poolshare_key {
	uint64_t job_seq;
	uint32_t ntime, nonce, version;
	uint8_t extranonce1_len, extranonce2_len;
	uint8_t extranonce1[WORK_MAX_EXTRANONCE], extranonce2[WORK_MAX_EXTRANONCE];
};

/* Accepted shares of the current block: an open-addressing set. */
struct poolshare_seen {
	struct poolshare_key *keys;         /* job_seq 0 marks an empty slot */
	size_t cap, count;
	uint64_t height;                    /* the block they belong to */
};

struct poolshare_session {
	bool subscribed;
	char workers[POOLSHARE_MAX_WORKERS][POOLSHARE_WORKER_LEN];
	size_t nworkers;
	size_t extranonce2_len;
	bool version_rolling;               /* negotiated with mining.configure */
	uint32_t version_mask;              /* pool mask & requested */
	struct poolshare_sent sent[POOLSHARE_SENT];
	size_t next_sent;                   /* ring position: the oldest is overwritten */
	struct poolshare_seen seen;
};

struct poolshare_verdict {
	enum poolshare_kind kind;
	int code;                  /* 0 when accepted, else 20..25 */
	const char *reason;        /* the wire text: "Low difficulty share" */
	const char *worker;        /* params[0] when a string (borrowed from params) */
	const char *job_id;        /* params[1] when a string (borrowed) */
	bool hashed;               /* the header was rebuilt and hashed */
	double difficulty;         /* the job's difficulty for this session (when known) */
	double hash_difficulty;    /* of the hash, when hashed */
	bool block;                /* the hash meets the job's nbits */
	uint64_t height;           /* the job's block, when known */
	uint8_t header[80];        /* when hashed */
	uint8_t hash[32];          /* internal order, when hashed */
};

/* An empty, unsubscribed session. Never fails. */
void poolshare_session_init(struct poolshare_session *s);

/* Drops the job references and the seen set. */
void poolshare_session_release(struct poolshare_session *s);

/* Is `worker` authorized on this session? */
bool poolshare_authorized(const struct poolshare_session *s, const char *worker);

/*
 * Authorizes a worker name (idempotent). -1 when the name is too long or
 * POOLSHARE_MAX_WORKERS are already authorized.
 */
int poolshare_add_worker(struct poolshare_session *s, const char *worker);

/*
 * Records that job was sent with job id `id`, at `difficulty`, with this
 * extranonce1 (takes a reference; the oldest record is dropped past
 * POOLSHARE_SENT). Never fails.
 */
void poolshare_sent_add(struct poolshare_session *s, uint64_t id, struct pool_job *job,
			double difficulty, const uint8_t *extranonce1, size_t extranonce1_len);

/*
 * Judges one mining.submit's params against this session, with `height` the
 * current block. Accepted shares are remembered for the duplicate check
 * (when that memory is full or cannot grow, the share is refused with
 * 20 "Too many shares"). Never fails otherwise.
 */
void poolshare_check(struct poolshare_session *s, uint64_t height, const cJSON *params,
		     struct poolshare_verdict *v);

#endif
