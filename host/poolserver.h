/*
 * poolserver: `pipeminer pool`'s listener and event loop. One thread, one
 * poll(2) over the listening socket and every client; it owns the sockets,
 * the TLS sessions (pooltls.h), each client's line buffer (linebuf.h,
 * STRATUM_MAX_LINE) and its Stratum session (poolclient.h), the jobs
 * (pooljobs.h) and the clock.
 *
 * What happens to one client never touches another:
 *  - a line longer than STRATUM_MAX_LINE, a failed TLS handshake, a read
 *    error, POOLCLIENT_MAX_BAD malformed messages, or more than
 *    POOLSERVER_MAX_OUTPUT bytes waiting to be sent (a client that does not
 *    read) closes that client, with a log line saying why;
 *  - a client that is not subscribed POOLSERVER_SUBSCRIBE_TIMEOUT seconds
 *    after connecting (a TLS handshake that never ends, say) is closed;
 *  - each client gets at most POOLSERVER_READ_BUDGET bytes read per turn.
 * Past cfg.max_clients, new connections are accepted and closed at once.
 *
 * Timers: a new job every cfg.notify_interval (clean_jobs false), a new block
 * every cfg.block_interval or as soon as a client finds one (clean_jobs
 * true); poolclient_tick() for every client every POOLSERVER_TICK.
 */
#ifndef PIPEMINER_POOLSERVER_H
#define PIPEMINER_POOLSERVER_H

#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stddef.h>

#include "err.h"
#include "linebuf.h"
#include "poolclient.h"
#include "pooljobs.h"
#include "poolsession.h"
#include "pooltls.h"

#define POOLSERVER_MAX_OUTPUT (1u << 20)      /* bytes queued for one client */
#define POOLSERVER_READ_BUDGET (256u << 10)   /* bytes read from one client per turn */
#define POOLSERVER_SUBSCRIBE_TIMEOUT 60.0     /* seconds */
#define POOLSERVER_TICK 0.1                   /* seconds */
#define POOLSERVER_EINPUT (-2)                /* poolserver_init: a bad option value */

/* One client connection. */
struct poolconn {
	int fd;
	mbedtls_ssl_context *ssl;       /* NULL: plain TCP */
	bool handshaking;               /* TLS handshake not finished */
	short want;                     /* TLS: the poll event the session waits for */
	size_t tls_retry;               /* TLS: length of a write to repeat, 0: none */
	bool more;                      /* TLS: decrypted bytes left unread this turn */
	struct linebuf in;
	struct poolclient client;
};

struct poolserver {
	const struct pool_config *cfg;
	int listen_fd;
	char listen_name[300];          /* "127.0.0.1:3333" */
	struct pooltls *tls;            /* NULL: plain TCP */
	struct pool_jobs jobs;
	struct pool_sessions sessions;
	struct pool_ctx ctx;
	struct poolconn **conns;        /* cfg.max_clients slots; NULL: free */
	size_t nconns;
	struct pollfd *pfds;            /* 1 + max_clients */
	size_t *pfd_slot;               /* pfds[i + 1] is conns[pfd_slot[i]] */
	double next_notify, next_block, next_tick, accept_resume;
};

/*
 * Builds the first job (cfg.gbt or synthetic), loads TLS and starts
 * listening. Returns 0; POOLSERVER_EINPUT with err naming the option when a
 * value given on the command line is unusable (--tls-cert, --tls-key,
 * --template contents, a --listen host that does not resolve); -1 with err
 * for other failures (the address is in use, say).
 * Call poolserver_release in every case.
 */
int poolserver_init(struct poolserver *s, const struct pool_config *cfg, char *err,
		    size_t errlen);

/*
 * Serves until *stop is set or cfg.run_for seconds passed. 0, or -1 with err
 * when poll itself fails.
 */
int poolserver_run(struct poolserver *s, volatile sig_atomic_t *stop, char *err, size_t errlen);

/* Closes every connection and frees everything. */
void poolserver_release(struct poolserver *s);

#endif
