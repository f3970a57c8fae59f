/*
 * poolclient: one client's Stratum v1 session in `pipeminer pool`, without
 * the socket. Lines from the client go in (poolclient_on_line), lines for it
 * come out (poolclient_output), and the pool's event loop (poolserver.c)
 * owns the connection, the clock and this struct.
 *
 * Methods answered (the request's id echoed; notifications carry "id": null):
 *   mining.subscribe [agent(, session id)]
 *       [[["mining.set_difficulty", sid], ["mining.notify", sid]],
 *        extranonce1, extranonce2_size], then mining.set_difficulty and a
 *       clean mining.notify. A session id closed in the last 10 minutes gets
 *       its extranonce1 back (poolsession.h).
 *   mining.authorize [user, pass]  true for anyone, or, with --user names,
 *       for those names and "name.anything"; false otherwise
 *   mining.configure [[ext...], {params}]   BIP 310: "version-rolling" (mask
 *       = pool mask & "version-rolling.mask", default ffffffff),
 *       "minimum-difficulty" (a floor for this client), "subscribe-extranonce",
 *       "info": true; other extensions false (at most
 *       POOLCLIENT_MAX_EXTENSIONS are answered)
 *   mining.extranonce.subscribe    true
 *   mining.suggest_difficulty [d]  true; the difficulty (and floor) for the
 *       next jobs; mining.set_difficulty and a fresh notify when subscribed
 *   mining.submit                  poolshare.h
 *   anything else                  error [20, "Method not supported", null]
 * A line that is not a JSON object, or an object with neither a "method" nor
 * a "result", gets error [20, "Invalid JSON" / "Invalid request", null]
 * with id null; after POOLCLIENT_MAX_BAD such lines the client is dropped.
 *
 * Difficulty: every job is sent at the client's difficulty then in force and
 * recorded so (poolshare.h). A change (vardiff, suggest, minimum) is
 * announced with mining.set_difficulty followed by a fresh notify.
 * Vardiff aims at cfg.vardiff_rate accepted shares a minute: it looks again
 * after POOLCLIENT_VARDIFF_PERIOD seconds, or after POOLCLIENT_VARDIFF_BURST
 * shares once POOLCLIENT_VARDIFF_MIN seconds passed, and multiplies the
 * difficulty by the measured / wanted rate clamped to [0.25, 4] (no change
 * when within [2/3, 3/2]), within [max(floor, POOLCLIENT_MIN_DIFF),
 * POOLCLIENT_MAX_DIFF].
 *
 * Single-threaded: only the pool's event loop calls these.
 */
#ifndef PIPEMINER_POOLCLIENT_H
#define PIPEMINER_POOLCLIENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <cjson/cJSON.h>

#include "err.h"
#include "pooljobs.h"
#include "poolsession.h"
#include "poolshare.h"

#define POOLCLIENT_MAX_BAD 10              /* malformed lines before a drop */
#define POOLCLIENT_MAX_EXTENSIONS 16       /* answered per mining.configure */
#define POOLCLIENT_MIN_DIFF 1e-8
#define POOLCLIENT_MAX_DIFF 4294967296.0   /* 2^32 */
#define POOLCLIENT_VARDIFF_PERIOD 20.0     /* seconds */
#define POOLCLIENT_VARDIFF_BURST 10        /* shares */
#define POOLCLIENT_VARDIFF_MIN 3.0         /* seconds */

/* `pipeminer pool`'s settings (cmd_pool.c fills them from the command line). */
struct pool_config {
	const char *listen_host;
	unsigned listen_port;                 /* 0: any free port */
	const char *tls_cert, *tls_key;       /* both or neither */
	double difficulty;
	double vardiff_rate;                  /* shares a minute per client; 0: off */
	double notify_interval, block_interval, run_for;   /* seconds; run_for 0: forever */
	const char *const *users;             /* allowed names; nusers 0: anyone */
	size_t nusers;
	size_t extranonce1_len, extranonce2_len;
	uint32_t version_mask, nbits;
	size_t branches;
	const cJSON *gbt;                     /* --template, parsed; NULL: synthetic */
	size_t max_clients;
	/* Fault injection, seconds after a client connects; < 0: off. */
	double fault_drop, fault_malformed, fault_silent, fault_reconnect,
	       fault_set_extranonce;
};

struct pool_stats {
	uint64_t accepted, rejected, stale, duplicates, blocks;
};

/* What all clients of one pool share; owned by the server. */
struct pool_ctx {
	const struct pool_config *cfg;
	struct pool_jobs *jobs;
	struct pool_sessions *sessions;
	struct pool_stats stats;
	uint64_t next_job_id;                 /* the job ids clients see, pool-wide */
	char reconnect_host[256];             /* what client.reconnect names */
	unsigned reconnect_port;
	bool block_found;                     /* a client found one: the server moves on */
	uint8_t block_hash[32];               /* its hash, internal order */
};

struct poolclient {
	struct pool_ctx *pool;
	char peer[64];                        /* "127.0.0.1:50123", for logs */
	double connected;                     /* monotonic seconds */
	struct poolshare_session share;
	uint32_t session_id;
	uint8_t extranonce1[WORK_MAX_EXTRANONCE];
	double difficulty;                    /* for the next job sent */
	double floor;                         /* minimum-difficulty, suggest_difficulty */
	bool extranonce_subscribed;
	double vardiff_start;
	unsigned vardiff_shares;
	bool silent, malformed_sent, reconnect_sent, extranonce_sent;
	unsigned bad_lines;
	char *out;                            /* lines waiting to be sent */
	size_t out_len, out_cap;
	bool out_failed;                      /* out of memory queueing output */
};

/* A new session for a connection from `peer`. Never fails. */
void poolclient_init(struct poolclient *c, struct pool_ctx *pool, const char *peer,
		     double now);

/* Frees what c holds; a subscribed session is remembered for resuming. */
void poolclient_release(struct poolclient *c, double now);

/*
 * One line from the client, without its newline. Answers go to the output.
 * Returns 0, or -1 with err saying why the client must be dropped (too many
 * malformed lines, out of memory).
 */
int poolclient_on_line(struct poolclient *c, const char *line, size_t len, double now,
		       char *err, size_t errlen);

/* Sends job (when subscribed and not silenced), recording it. Never fails. */
void poolclient_send_job(struct poolclient *c, struct pool_job *job, bool clean);

/*
 * Timers: vardiff and the fault options. Call every few hundred ms.
 * Returns 0, or -1 with err when the client is to be dropped.
 */
int poolclient_tick(struct poolclient *c, double now, char *err, size_t errlen);

/* Output waiting: *data points to the bytes (valid until the next call on c). */
size_t poolclient_output(const struct poolclient *c, const char **data);

/* The first n bytes of the output were sent. */
void poolclient_consumed(struct poolclient *c, size_t n);

/* One log line on stderr ("share accepted from ..."). */
void pool_log(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
